#!/usr/bin/env bash
# Builds a real udev hardware database for tests: Debian's udev package is downloaded and
# unpacked (dpkg -x, never installed), and its own udevadm compiles its hwdb.d sources
# (PCI and USB vendor/model names among them) into CACHEDIR/root/etc/udev/hwdb.bin.
# Usage: tests/get-hwdb.sh CACHEDIR  -> stdout: the path of hwdb.bin
set -euo pipefail

die() { echo "get-hwdb.sh: error: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: tests/get-hwdb.sh CACHEDIR"
mkdir -p "$1"
CACHE=$(cd "$1" && pwd)
LOG=$CACHE/get.log
: >"$LOG"
OUT=$CACHE/root/etc/udev/hwdb.bin

newest_deb() { ls "$CACHE"/udev_*_amd64.deb 2>/dev/null | sort -V | tail -n 1 || true; }
if [ -z "$(newest_deb)" ]; then
	if ! (cd "$CACHE" && apt-get download udev) >>"$LOG" 2>&1; then
		apt-get update >>"$LOG" 2>&1 || { cat "$LOG" >&2; die "apt-get update failed"; }
		(cd "$CACHE" && apt-get download udev) >>"$LOG" 2>&1 || { cat "$LOG" >&2; die "apt-get download udev failed"; }
	fi
fi
DEB=$(newest_deb)
[ -n "$DEB" ] || die "no udev .deb in $CACHE"

if [ "$(cat "$CACHE/stamp" 2>/dev/null || true)" != "$(basename "$DEB")" ] || [ ! -s "$OUT" ]; then
	rm -rf "$CACHE/pkg" "$CACHE/root" "$CACHE/stamp"
	dpkg -x "$DEB" "$CACHE/pkg" >>"$LOG" 2>&1 || { cat "$LOG" >&2; die "dpkg -x $DEB failed"; }
	UDEVADM=$(find "$CACHE/pkg" -path '*bin/udevadm' -type f | head -n 1)
	SRC=$(find "$CACHE/pkg" -type d -path '*lib/udev/hwdb.d' | head -n 1)
	[ -n "$UDEVADM" ] && [ -n "$SRC" ] || die "$DEB holds no udevadm or hwdb.d"
	mkdir -p "$CACHE/root/lib/udev"
	cp -a "$SRC" "$CACHE/root/lib/udev/"
	"$UDEVADM" hwdb --update --root "$CACHE/root" >>"$LOG" 2>&1 || { cat "$LOG" >&2; die "udevadm hwdb --update failed"; }
	[ -s "$OUT" ] || die "udevadm wrote no $OUT"
	basename "$DEB" >"$CACHE/stamp"
fi
echo "$OUT"
