#!/usr/bin/env bash
# Builds tiny EFI applications with mingw and signs them with the test PKI (tests/pki.sh) into
# OUTDIR/bin (plain, vendor, kl, other, dual, nested, tampered, klshim*, fde_ld0-efi64-test), plus
# OUTDIR/hashes.tsv (file, Authenticode SHA-256, file SHA-256). Usage: tests/mkefi.sh PKIDIR OUTDIR
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/fixlib.sh"
[ $# -eq 2 ] || die "usage: tests/mkefi.sh PKIDIR OUTDIR"
for c in x86_64-w64-mingw32-gcc sbsign sbverify sbattach osslsigncode openssl python3 sha256sum; do
	command -v "$c" >/dev/null ||
		die "'$c' not found (apt-get install gcc-mingw-w64-x86-64 sbsigntool osslsigncode openssl python3)"
done
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
# the interpreter itself, not a version-manager shim (those cost ~0.5 s per call)
PY="$(python3 -c 'import sys; print(sys.executable)') -S $HERE/efi-fixture.py"
KLCERT=$REPO/rules/certs/KLBOOTEV_2018.cer
[ -s "$KLCERT" ] || die "$KLCERT missing"

"$HERE/pki.sh" "$1" # no-op when the PKI is complete
PKI=$(cd "$1" && pwd)
mkdir -p "$2"
OUT=$(cd "$2" && pwd)
[ "$OUT" != / ] || die "refusing OUTDIR=/"
TMP=$OUT/.tmp
rm -rf "$TMP" "$OUT/bin.new"
mkdir -p "$TMP" "$OUT/bin.new"
trap 'rm -rf "$TMP" "$OUT/bin.new"' EXIT
LOG=$TMP/log
B=$OUT/bin.new

# app NAME [C-SOURCE-EXTRA...]: an EFI application (subsystem 10) returning EFI_SUCCESS. Each app has its
# own tag string, so every fixture has a distinct Authenticode hash. Reproducible: no PE timestamp.
app() {
	local name=$1
	shift
	{
		echo "typedef unsigned long long UINTN;"
		echo "const char kdt_tag[] = \"kdetect test EFI application: $name\";"
		local x
		for x in "$@"; do cat "$x"; done
		echo "UINTN efi_main(void *image, void *systab) { (void)image; (void)systab; return kdt_tag[0] == 0; }"
	} >"$TMP/$name.c"
	run x86_64-w64-mingw32-gcc -std=c11 -O2 -nostdlib -ffreestanding -fno-stack-protector -mno-red-zone \
		-fno-asynchronous-unwind-tables -fshort-wchar -s -Wl,--subsystem,10 -e efi_main \
		-Wl,--no-insert-timestamp -Wl,--enable-long-section-names -o "$TMP/$name.efi" "$TMP/$name.c"
}
# sign KEYDIR IN OUT: sbsign with KEYDIR/key.pem + cert.pem (+ the CA as an extra certificate if KEYDIR has one)
sign() {
	local add=()
	[ -s "$PKI/$1/ca.pem" ] && add=(--addcert "$PKI/$1/ca.pem")
	run sbsign --key "$PKI/$1/key.pem" --cert "$PKI/$1/cert.pem" "${add[@]}" --output "$3" "$2"
}

# ---------------------------------------------------------------- sources
# the fake Kaspersky shim: banner and second-stage name as ASCII (DEFAULT_LOADER_CHAR) and UTF-16
# (DEFAULT_LOADER, what shim really uses), and shim's .vendor_cert layout holding KLBOOTEV_2018.cer
cat >"$TMP/klstrings.c" <<'EOF'
__attribute__((used)) const char kl_banner[] = "UEFI SHIM (KL PATCH)";
__attribute__((used)) const char kl_loader[] = "\\kl_main.efi";
__attribute__((used)) const __CHAR16_TYPE__ kl_loader_w[] = u"\\kl_main.efi";
EOF
run $PY vendor-cert-c "$KLCERT" "$TMP/klcert.c"

app plain
app vendor
app kl
app other
app dual
app nested
app tampered
app klshim "$TMP/klstrings.c" "$TMP/klcert.c"
app klshim-strings "$TMP/klstrings.c"
app klshim-cert "$TMP/klcert.c"
app fde_ld0

# ---------------------------------------------------------------- binaries
cp "$TMP/plain.efi" "$B/plain.efi"
sign vendor "$TMP/vendor.efi" "$B/vendor.efi"
sign kl "$TMP/kl.efi" "$B/kl.efi"
sign other "$TMP/other.efi" "$B/other.efi"

# dual: two WIN_CERTIFICATE entries (like Debian's shim: Microsoft 2011 + 2023): vendor, then kl
# appended as a second detached signature
sign vendor "$TMP/dual.efi" "$TMP/dual.1.efi"
run sbsign --key "$PKI/kl/key.pem" --cert "$PKI/kl/cert.pem" --addcert "$PKI/kl/ca.pem" --detached \
	--output "$TMP/dual.kl.p7" "$TMP/dual.1.efi"
cp "$TMP/dual.1.efi" "$B/dual.efi"
run sbattach --attach "$TMP/dual.kl.p7" "$B/dual.efi"

# nested: one WIN_CERTIFICATE, the kl signature nested in the vendor one (unauthenticated attribute
# 1.3.6.1.4.1.311.2.4.1), as osslsigncode -nest / signtool /as write it
run osslsigncode sign -h sha256 -certs "$PKI/vendor/cert.pem" -key "$PKI/vendor/key.pem" \
	-in "$TMP/nested.efi" -out "$TMP/nested.1.efi"
cat "$PKI/kl/cert.pem" "$PKI/kl/ca.pem" >"$TMP/kl-chain.pem"
run osslsigncode sign -nest -h sha256 -certs "$TMP/kl-chain.pem" -key "$PKI/kl/key.pem" \
	-in "$TMP/nested.1.efi" -out "$B/nested.efi"

# klts-early/klts-late: kl-signed and RFC 3161 timestamped (osslsigncode's built-in TSA, a TSA key made
# here) on 2023-01-01 and 2025-01-01, for a dbx TBS entry with a TimeOfRevocation between them
# (openssl ca: a validity that starts in the past, 2020, as the timestamps' times need; x509 -req starts now)
mkdir -p "$TMP/tsaca/new"
: >"$TMP/tsaca/index.txt"
echo 1000 >"$TMP/tsaca/serial"
cat >"$TMP/tsaca/cnf" <<CNF
[ ca ]
default_ca = tsa
[ tsa ]
database = $TMP/tsaca/index.txt
new_certs_dir = $TMP/tsaca/new
serial = $TMP/tsaca/serial
default_md = sha256
policy = any
[ any ]
commonName = supplied
organizationName = optional
[ req ]
distinguished_name = dn
[ dn ]
[ ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
CNF
run openssl req -new -newkey rsa:2048 -nodes -keyout "$TMP/tsa.key" -out "$TMP/tsa.csr" \
	-subj "/O=Example Timestamping/CN=Example EFI Test TSA" -config "$TMP/tsaca/cnf"
run openssl ca -batch -config "$TMP/tsaca/cnf" -selfsign -keyfile "$TMP/tsa.key" -in "$TMP/tsa.csr" \
	-startdate 20200101000000Z -enddate 20400101000000Z -extfile "$TMP/tsaca/cnf" -extensions ext \
	-notext -out "$TMP/tsa.pem"
for v in early:1672531200 late:1735689600; do
	run osslsigncode sign -h sha256 -certs "$TMP/kl-chain.pem" -key "$PKI/kl/key.pem" \
		-TSA-certs "$TMP/tsa.pem" -TSA-key "$TMP/tsa.key" -TSA-time "${v#*:}" \
		-in "$TMP/kl.efi" -out "$B/klts-${v%%:*}.efi"
done

# tampered: vendor-signed, then one byte of .text flipped (the digest no longer matches)
sign vendor "$TMP/tampered.efi" "$TMP/tampered.1.efi"
run $PY tamper "$TMP/tampered.1.efi" "$B/tampered.efi" .text

sign vendor "$TMP/klshim.efi" "$B/klshim.efi"
sign vendor "$TMP/klshim-strings.efi" "$B/klshim-strings.efi"
sign vendor "$TMP/klshim-cert.efi" "$B/klshim-cert.efi"
cp "$TMP/fde_ld0.efi" "$B/fde_ld0-efi64-test.efi"

# ---------------------------------------------------------------- checks
# verify CERT FILE: sbverify must accept FILE with CERT
verify() { sbverify --cert "$1" "$2" >>"$LOG" 2>&1 || { cat "$LOG" >&2; die "sbverify rejects $2 with $1"; }; }
refuse() { ! sbverify --cert "$1" "$2" >>"$LOG" 2>&1 || die "sbverify accepts $2 with $1"; }
verify "$PKI/vendor/cert.pem" "$B/vendor.efi"
verify "$PKI/kl/ca.pem" "$B/kl.efi"
verify "$PKI/other/cert.pem" "$B/other.efi"
verify "$PKI/vendor/cert.pem" "$B/dual.efi"
verify "$PKI/kl/ca.pem" "$B/dual.efi"
verify "$PKI/vendor/cert.pem" "$B/klshim.efi"
refuse "$PKI/kl/ca.pem" "$B/vendor.efi"
refuse "$PKI/vendor/cert.pem" "$B/tampered.efi"
refuse "$PKI/vendor/cert.pem" "$B/plain.efi"
[ "$(sbverify --list "$B/dual.efi" 2>/dev/null | grep -c '^signature ')" = 2 ] || die "dual.efi: expected 2 signatures"
sbverify --list "$B/kl.efi" 2>/dev/null | grep 'subject: .*CN=Kaspersky Test Root CA' >/dev/null || die "kl.efi: CA not embedded"
# osslsigncode (one-entry tables only; it rejects dual.efi's two entries like Debian's shim)
ossl() { osslsigncode verify -ignore-cdp -ignore-crl -CAfile "$1" -in "$2" >"$TMP/ossl.out" 2>&1; }
ossl "$PKI/vendor/cert.pem" "$B/vendor.efi" || { cat "$TMP/ossl.out" >&2; die "osslsigncode rejects vendor.efi"; }
ossl "$PKI/kl/ca.pem" "$B/kl.efi" || { cat "$TMP/ossl.out" >&2; die "osslsigncode rejects kl.efi"; }
cat "$PKI/vendor/cert.pem" "$PKI/kl/ca.pem" >"$TMP/both.pem"
ossl "$TMP/both.pem" "$B/nested.efi" || { cat "$TMP/ossl.out" >&2; die "osslsigncode rejects nested.efi"; }
grep -q 'Number of verified signatures: 2' "$TMP/ossl.out" || { cat "$TMP/ossl.out" >&2; die "nested.efi: expected 2 signatures"; }
! ossl "$PKI/vendor/cert.pem" "$B/tampered.efi" || die "osslsigncode accepts tampered.efi"
# .vendor_cert: the 16-byte certificate table, then KLBOOTEV_2018.cer (then ld's alignment padding)
for f in klshim klshim-cert; do
	run $PY section "$B/$f.efi" .vendor_cert "$TMP/vc.bin"
	dd if="$TMP/vc.bin" bs=1 skip=16 count="$(stat -c %s "$KLCERT")" status=none | cmp -s - "$KLCERT" ||
		die "$f.efi: .vendor_cert does not hold KLBOOTEV_2018.cer at offset 16"
done
grep -qa 'UEFI SHIM (KL PATCH)' "$B/klshim.efi" || die "klshim.efi: banner missing"
! grep -qa 'UEFI SHIM (KL PATCH)' "$B/klshim-cert.efi" || die "klshim-cert.efi: unexpected banner"

# ---------------------------------------------------------------- hashes
# Authenticode SHA-256 by efi-fixture.py, cross-checked against the digest inside each signature
# (osslsigncode "Current message digest") and, for unsigned files, efitools' hash-to-efi-sig-list
printf 'file\tauthenticode_sha256\tfile_sha256\n' >"$TMP/hashes.tsv"
for f in "$B"/*.efi; do
	n=$(basename "$f")
	a=$($PY authenticode "$f" | cut -d' ' -f1)
	case $n in
	plain.efi | fde_ld0-efi64-test.efi)
		run hash-to-efi-sig-list "$f" "$TMP/h.esl"
		[ "$($PY esl-dump "$TMP/h.esl" | awk '{print $NF}')" = "$a" ] ||
			die "$n: hash-to-efi-sig-list disagrees with efi-fixture.py" ;;
	dual.efi) ;; # two entries: osslsigncode cannot read it; sbverify above checked the digest
	*)
		osslsigncode verify -ignore-cdp -ignore-crl -in "$f" >"$TMP/ossl.out" 2>&1 || true
		want=$(sed -n 's/^Current message digest *: *//p' "$TMP/ossl.out" | head -n 1 | tr -d ' \r' | tr 'A-F' 'a-f')
		[ -n "$want" ] || { cat "$TMP/ossl.out" >&2; die "$n: no digest from osslsigncode"; }
		if [ "$n" = tampered.efi ]; then
			[ "$want" != "$a" ] || die "tampered.efi: digest still matches"
		else
			[ "$want" = "$a" ] || die "$n: osslsigncode digest $want != $a"
		fi ;;
	esac
	printf '%s\t%s\t%s\n' "$n" "$a" "$(sha256sum "$f" | cut -d' ' -f1)" >>"$TMP/hashes.tsv"
done

rm -rf "${OUT:?}/bin"
mv "$B" "$OUT/bin"
mv "$TMP/hashes.tsv" "$OUT/hashes.tsv"
