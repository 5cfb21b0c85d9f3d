#!/usr/bin/env bash
# Builds the kmod/ test modules with kbuild against the installed Debian headers, creates the
# test PKI (tests/pki.sh) and signs/derives every module variant kdetect's tests need into
# OUTDIR/modules. Usage: tests/build-kmods.sh OUTDIR   (e.g. build/test/kmods)
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/fixlib.sh"
[ $# -eq 1 ] || die "usage: tests/build-kmods.sh OUTDIR"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
OUT=${1%/}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

for c in make gcc openssl xz zstd gzip objcopy strip; do
	command -v "$c" >/dev/null || die "'$c' not found (see the packages 'make check' installs)"
done

# newest installed Debian amd64 headers
HDR=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$HDR" ] && [ -f "$HDR/Makefile" ] || die "no /usr/src/linux-headers-*-amd64 (apt-get install linux-headers-amd64)"
RELEASE=${HDR#/usr/src/linux-headers-}
SIGNFILE=$(ls -d /usr/lib/linux-kbuild-*/scripts/sign-file 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$SIGNFILE" ] && [ -x "$SIGNFILE" ] || die "sign-file not found in /usr/lib/linux-kbuild-* (apt-get install linux-kbuild-6.1)"

LOG=$OUT/build.log
: >"$LOG"

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
cp "$SRC/kdt_klmeta.ko" "$M/kdt_klmeta.ko"
cp "$SRC/kdt_neutral.ko" "$M/kdt_neutral-unsigned.ko"

# tampered: vendor-signed, then one byte inside .modinfo flipped ("neutral" -> "Neutral")
cp "$M/kdt_neutral.ko" "$M/kdt_neutral-tampered.ko"
off=$(LC_ALL=C grep -m 1 -obUa 'description=kdetect neutral' "$M/kdt_neutral-tampered.ko" | cut -d: -f1 || true)
[ -n "$off" ] || die "description string not found in kdt_neutral.ko"
printf 'N' | dd of="$M/kdt_neutral-tampered.ko" bs=1 seek=$((off + 20)) conv=notrunc status=none
cmp -s "$M/kdt_neutral.ko" "$M/kdt_neutral-tampered.ko" && die "tampering did not change the module"

# compressed variants, made the way kbuild/kmod do
for m in kdt_neutral kdt_klsigned; do
	xz --check=crc32 --lzma2=dict=1MiB -c "$M/$m.ko" >"$M/$m.ko.xz"
	zstd -q -19 -c "$M/$m.ko" >"$M/$m.ko.zst"
	gzip -9 -n -c "$M/$m.ko" >"$M/$m.ko.gz"
done

echo "$RELEASE" >"$OUT/release"
