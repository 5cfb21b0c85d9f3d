#!/usr/bin/env bash
# Fetches Debian's Microsoft-signed shim (shim-signed) and Debian-signed GRUB (grub-efi-amd64-signed),
# unpacks them (dpkg -x, never installed) into CACHEDIR/root, and extracts the certificates of shim's
# signatures (CACHEDIR/ms-certs/*.pem) and its .vendor_cert section (CACHEDIR/shim-vendor_cert.bin).
# Usage: tests/get-debian-efi.sh CACHEDIR  -> stdout: the unpacked root; stderr: "<pkg> <version> ..." summary
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/fixlib.sh"
[ $# -eq 1 ] || die "usage: tests/get-debian-efi.sh CACHEDIR"
for c in apt-cache apt-get dpkg dpkg-deb sbattach objcopy openssl python3; do
	command -v "$c" >/dev/null || die "'$c' not found (apt-get install sbsigntool binutils openssl dpkg-dev python3)"
done
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"
CACHE=$(cd "$1" && pwd)
PKGS="shim-signed grub-efi-amd64-signed"
SHIM=usr/lib/shim/shimx64.efi.signed
GRUB=usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed
LOG=$CACHE/get.log
: >"$LOG"

# candidate version from the local package lists (empty when apt knows nothing)
candidate() { apt-cache policy "$1" 2>>"$LOG" | sed -n 's/^ *Candidate: *//p' | grep -v '(none)' || true; }
# the .deb in CACHE for package $1 (version $2 if given, else the newest)
deb_for() {
	local v=${2:-}
	if [ -n "$v" ]; then
		# dpkg file names encode ':' as %3a
		ls "$CACHE/debs/$1_${v//:/%3a}_"*.deb 2>/dev/null | head -n 1 || true
	else
		ls "$CACHE/debs/$1"_*.deb 2>/dev/null | sort -V | tail -n 1 || true
	fi
}

mkdir -p "$CACHE/debs"
UPDATED=no
DEBS=""
for p in $PKGS; do
	v=$(candidate "$p")
	if [ -z "$v" ] && [ -z "$(deb_for "$p")" ] && [ "$UPDATED" = no ]; then
		UPDATED=yes
		run apt-get update
		v=$(candidate "$p")
	fi
	d=$(deb_for "$p" "$v")
	if [ -z "$d" ]; then
		[ -n "$v" ] || { cat "$LOG" >&2; die "apt knows no candidate for $p"; }
		(cd "$CACHE/debs" && apt-get download "$p") >>"$LOG" 2>&1 || { cat "$LOG" >&2; die "apt-get download $p failed"; }
		d=$(deb_for "$p" "$v")
		[ -n "$d" ] || die "apt-get download $p produced no .deb in $CACHE/debs"
	fi
	DEBS="$DEBS $d"
done

ROOT=$CACHE/root
STAMP=$CACHE/root.unpacked
WANT=$(for d in $DEBS; do basename "$d"; done | sort | tr '\n' ' ')
if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$WANT" ] || [ ! -s "$ROOT/$SHIM" ] || [ ! -s "$ROOT/$GRUB" ] ||
	[ ! -d "$CACHE/ms-certs" ] || [ ! -s "$CACHE/shim-vendor_cert.bin" ]; then
	rm -rf "$ROOT" "$ROOT.tmp" "$STAMP" "$CACHE/ms-certs" "$CACHE/shim-vendor_cert.bin"
	mkdir -p "$ROOT.tmp"
	for d in $DEBS; do
		dpkg -x "$d" "$ROOT.tmp" >>"$LOG" 2>&1 || { cat "$LOG" >&2; rm -rf "$ROOT.tmp"; die "dpkg -x $d failed"; }
	done
	mv "$ROOT.tmp" "$ROOT"
fi
[ -s "$ROOT/$SHIM" ] || die "$SHIM not in shim-signed (layout changed?)"
[ -s "$ROOT/$GRUB" ] || die "$GRUB not in grub-efi-amd64-signed (layout changed?)"

# certificates of every signature on shim. sbattach --detach only sees the first WIN_CERTIFICATE
# (and osslsigncode rejects shim's two-entry table as "Corrupted"), so split the table in python.
if [ ! -s "$STAMP" ]; then
	T=$CACHE/ms-certs.tmp
	rm -rf "$T"
	mkdir -p "$T"
	run sbattach --detach "$T/sbattach-first.p7" "$ROOT/$SHIM"
	n=$(python3 "$HERE/efi-fixture.py" split-certs "$ROOT/$SHIM" "$T/sig") || die "cannot split shim's certificate table"
	[ "$n" -ge 1 ] || die "shim carries no signature"
	# (sbattach keeps the zero padding that shim's dwLength includes; compare the DER part)
	cmp -s -n "$(stat -c %s "$T/sig1.p7")" "$T/sbattach-first.p7" "$T/sig1.p7" || die "sbattach and efi-fixture.py disagree on shim's first signature"
	rm -f "$T/sbattach-first.p7"
	for i in $(seq "$n"); do
		openssl pkcs7 -inform DER -in "$T/sig$i.p7" -print_certs -out "$T/sig$i-certs.pem" 2>>"$LOG" ||
			{ cat "$LOG" >&2; die "openssl cannot read shim signature $i"; }
		# one PEM per certificate, named after its CN
		awk -v dir="$T" -v sig="$i" '
			/-----BEGIN CERTIFICATE-----/ { n++; f = sprintf("%s/.sig%s-%d.pem", dir, sig, n) }
			f { print > f }
			/-----END CERTIFICATE-----/ { close(f); f = "" }' "$T/sig$i-certs.pem"
		rm -f "$T/sig$i-certs.pem"
	done
	for f in "$T"/.sig*.pem; do
		cn=$(openssl x509 -in "$f" -noout -subject -nameopt multiline | sed -n 's/^ *commonName *= *//p')
		[ -n "$cn" ] || die "certificate without CN in shim's signature"
		name=$(printf '%s' "$cn" | tr -c 'A-Za-z0-9.\n' '-')
		mv "$f" "$T/$name.pem"
		openssl x509 -in "$T/$name.pem" -outform DER -out "$T/$name.der" 2>>"$LOG" || die "openssl x509 failed"
	done
	mv "$T" "$CACHE/ms-certs"
	run objcopy -O binary --only-section=.vendor_cert "$ROOT/$SHIM" "$CACHE/shim-vendor_cert.bin"
	[ -s "$CACHE/shim-vendor_cert.bin" ] || die "shim has no .vendor_cert section"
	echo "$WANT" >"$STAMP"
fi

echo "$ROOT"
summary=""
for d in $DEBS; do summary="$summary$(dpkg-deb -f "$d" Package) $(dpkg-deb -f "$d" Version); "; done
echo "${summary}shim signatures' certificates: $(ls "$CACHE/ms-certs"/*.pem | wc -l)" >&2
