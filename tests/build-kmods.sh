#!/usr/bin/env bash
# Builds the kmod/ test modules with kbuild against Debian's kernel headers, creates the
# test PKI (tests/pki.sh) and signs/derives every module variant kdetect's tests need into
# OUTDIR/modules; OUTDIR/release names the release they were built for.
# Usage: tests/build-kmods.sh OUTDIR [RELEASE]   (e.g. build/test/kmods)
#   RELEASE  the kernel release to build for (a kernel that is to load them, e.g. the image
#            tests/e2e-qemu.sh boots); its headers are installed when missing
#            (tools/install-deps.sh headers RELEASE). Default: the newest installed headers.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/fixlib.sh"
[ $# -eq 1 ] || [ $# -eq 2 ] || die "usage: tests/build-kmods.sh OUTDIR [RELEASE]"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
OUT=${1%/}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

for c in make gcc openssl xz zstd gzip objcopy strip modinfo; do
	command -v "$c" >/dev/null || die "'$c' not found (see the packages 'make check' installs)"
done

# the headers: of the release asked for (installed if missing), else the newest installed
if [ $# -eq 2 ]; then
	RELEASE=$2
	case $RELEASE in ''|*/*|.*) die "bad release '$RELEASE'" ;; esac
	HDR=/usr/src/linux-headers-$RELEASE
	if [ ! -f "$HDR/Makefile" ]; then
		echo "build-kmods.sh: no headers for $RELEASE: installing linux-headers-$RELEASE" >&2
		sh "$REPO/tools/install-deps.sh" headers "$RELEASE" ||
			die "cannot install linux-headers-$RELEASE, the headers of the kernel these modules are for"
	fi
	[ -f "$HDR/Makefile" ] || die "linux-headers-$RELEASE is installed but $HDR/Makefile is missing"
else
	HDR=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1 || true)
	[ -n "$HDR" ] && [ -f "$HDR/Makefile" ] || die "no /usr/src/linux-headers-*-amd64 (apt-get install linux-headers-amd64)"
	RELEASE=${HDR#/usr/src/linux-headers-}
fi
# the kbuild the headers use (their scripts/ is a link into linux-kbuild-X.Y), else the newest
SIGNFILE=$HDR/scripts/sign-file
[ -x "$SIGNFILE" ] || SIGNFILE=$(ls -d /usr/lib/linux-kbuild-*/scripts/sign-file 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$SIGNFILE" ] && [ -x "$SIGNFILE" ] || die "sign-file not found in $HDR/scripts or /usr/lib/linux-kbuild-* (apt-get install linux-kbuild-X.Y)"

LOG=$OUT/build.log
: >"$LOG"
rm -f "$OUT/release"

# 1. build a copy of kmod/
SRC=$OUT/src
rm -rf "$SRC"
mkdir -p "$SRC"
cp "$REPO"/kmod/Makefile "$REPO"/kmod/*.c "$SRC"/
run make -C "$HDR" M="$SRC" modules
MODS="kdt_neutral kdt_klsigned kdt_klmeta klpx_lookalike kav4fs_oas redirfs"
for m in $MODS; do
	[ -s "$SRC/$m.ko" ] || die "kbuild did not produce $m.ko"
	# like 'make modules_install INSTALL_MOD_STRIP=1' (what Debian ships); keeps the build-id note
	run strip --strip-debug "$SRC/$m.ko"
done

# 2. PKI
"$HERE/pki.sh" "$OUT/pki"
PKI=$OUT/pki

# 3. sign and derive
M=$OUT/modules
rm -rf "$M"
mkdir -p "$M"

# sign [-k] ALGO KEYDIR IN OUT
sign() {
	local opt=()
	if [ "$1" = -k ]; then opt=(-k); shift; fi
	run "$SIGNFILE" "${opt[@]}" "$1" "$PKI/$2/key.pem" "$PKI/$2/cert.pem" "$3" "$4"
	tail -c 28 "$4" | grep 'Module signature appended' >/dev/null || die "sign-file left no signature on $4"
}

sign sha256 vendor "$SRC/kdt_neutral.ko" "$M/kdt_neutral.ko"
sign sha512 vendor "$SRC/kdt_neutral.ko" "$M/kdt_neutral-sha512.ko"
sign -k sha256 vendor "$SRC/kdt_neutral.ko" "$M/kdt_neutral-keyid.ko"
sign sha256 kl "$SRC/kdt_klsigned.ko" "$M/kdt_klsigned.ko"
sign sha256 vendor "$SRC/klpx_lookalike.ko" "$M/klpx_lookalike.ko"
sign sha256 vendor "$SRC/kav4fs_oas.ko" "$M/kav4fs_oas.ko"
sign sha256 vendor "$SRC/redirfs.ko" "$M/redirfs.ko"
sign sha256 other "$SRC/kdt_neutral.ko" "$M/kdt_neutral-other.ko"
# ECDSA P-384 (Debian 13): the kernel key, a key the kernel does not hold, and a tampered copy
sign sha384 ec "$SRC/kdt_neutral.ko" "$M/kdt_neutral-ec.ko"
sign sha384 ec-other "$SRC/kdt_neutral.ko" "$M/kdt_neutral-ec-other.ko"
sign sha256 ec "$SRC/klpx_lookalike.ko" "$M/klpx_lookalike-ec.ko"
cp "$SRC/kdt_klmeta.ko" "$M/kdt_klmeta.ko"
cp "$SRC/kdt_neutral.ko" "$M/kdt_neutral-unsigned.ko"

# tampered: vendor-signed, then one byte inside .modinfo flipped ("neutral" -> "Neutral")
cp "$M/kdt_neutral.ko" "$M/kdt_neutral-tampered.ko"
off=$(LC_ALL=C grep -m 1 -obUa 'description=kdetect neutral' "$M/kdt_neutral-tampered.ko" | cut -d: -f1 || true)
[ -n "$off" ] || die "description string not found in kdt_neutral.ko"
printf 'N' | dd of="$M/kdt_neutral-tampered.ko" bs=1 seek=$((off + 20)) conv=notrunc status=none
cmp -s "$M/kdt_neutral.ko" "$M/kdt_neutral-tampered.ko" && die "tampering did not change the module"
cp "$M/kdt_neutral-ec.ko" "$M/kdt_neutral-ec-tampered.ko"
printf 'N' | dd of="$M/kdt_neutral-ec-tampered.ko" bs=1 seek=$((off + 20)) conv=notrunc status=none
cmp -s "$M/kdt_neutral-ec.ko" "$M/kdt_neutral-ec-tampered.ko" && die "tampering did not change the ECDSA module"

# compressed variants, made the way kbuild/kmod do
for m in kdt_neutral-ec kdt_neutral-ec-other kdt_neutral-ec-tampered klpx_lookalike-ec; do
	xz --check=crc32 --lzma2=dict=1MiB -c "$M/$m.ko" >"$M/$m.ko.xz"
	zstd -q -19 -c "$M/$m.ko" >"$M/$m.ko.zst"
done
for m in kdt_neutral kdt_klsigned; do
	xz --check=crc32 --lzma2=dict=1MiB -c "$M/$m.ko" >"$M/$m.ko.xz"
	zstd -q -19 -c "$M/$m.ko" >"$M/$m.ko.zst"
	gzip -9 -n -c "$M/$m.ko" >"$M/$m.ko.gz"
done

# what kbuild stamped into the modules is the release they are for
vm=$(modinfo -F vermagic "$M/kdt_neutral.ko") || die "modinfo $M/kdt_neutral.ko failed"
[ "${vm%% *}" = "$RELEASE" ] || die "kbuild against $HDR made modules for '${vm%% *}', not $RELEASE"
echo "$RELEASE" >"$OUT/release"
