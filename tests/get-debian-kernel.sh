#!/usr/bin/env bash
# Fetches Debian's real signed kernel package (the one linux-image-amd64, or the metapackage
# META, depends on) into CACHEDIR and unpacks it (dpkg -x, never installed) into CACHEDIR/root,
# for tests against real artifacts.
# Usage: tests/get-debian-kernel.sh CACHEDIR [META]
#   -> stdout: the unpacked root; stderr: "<pkg> <version>: N modules"
set -euo pipefail

die() { echo "get-debian-kernel.sh: error: $*" >&2; exit 1; }
[ $# -eq 1 ] || [ $# -eq 2 ] || die "usage: tests/get-debian-kernel.sh CACHEDIR [META]"
META=${2:-linux-image-amd64}
for c in apt-cache apt-get dpkg dpkg-deb; do
	command -v "$c" >/dev/null || die "'$c' not found"
done
mkdir -p "$1"
CACHE=$(cd "$1" && pwd)
LOG=$CACHE/get.log
: >"$LOG"

UPDATED=no
apt_update() {
	[ "$UPDATED" = no ] || return 1
	UPDATED=yes
	apt-get update >>"$LOG" 2>&1 || { cat "$LOG" >&2; die "apt-get update failed"; }
}
# the binary package that META depends on (linux-image-<ABI release>), as the
# package lists say today: the tests derive the release from it and never name one
resolve() {
	{ apt-cache depends "$META" 2>>"$LOG" || true; } |
		sed -n 's/^ *|\{0,1\}Depends: <\{0,1\}\(linux-image-[^ >]*\)>\{0,1\}$/\1/p;T;q'
}

PKG=$(resolve)
if [ -z "$PKG" ]; then
	apt_update
	PKG=$(resolve)
fi
[ -n "$PKG" ] || { cat "$LOG" >&2; die "cannot resolve the dependency of $META"; }

newest_deb() { ls "$CACHE/${PKG}"_*_amd64.deb 2>/dev/null | sort -V | tail -n 1 || true; }
DEB=$(newest_deb)
if [ -z "$DEB" ]; then
	if ! (cd "$CACHE" && apt-get download "$PKG") >>"$LOG" 2>&1; then
		apt_update || true
		PKG=$(resolve)
		[ -n "$PKG" ] || { cat "$LOG" >&2; die "cannot resolve the dependency of $META"; }
		(cd "$CACHE" && apt-get download "$PKG") >>"$LOG" 2>&1 || { cat "$LOG" >&2; die "apt-get download $PKG failed"; }
	fi
	DEB=$(newest_deb)
	[ -n "$DEB" ] || { cat "$LOG" >&2; die "apt-get download $PKG produced no .deb in $CACHE"; }
fi
VERSION=$(dpkg-deb -f "$DEB" Version) || die "unreadable package $DEB"
# images of earlier ABIs (the archive moved on) are not used again
find "$CACHE" -maxdepth 1 -name 'linux-image-*.deb' ! -name "$(basename "$DEB")" -delete

ROOT=$CACHE/root
STAMP=$CACHE/root.unpacked
if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$(basename "$DEB")" ]; then
	rm -rf "$ROOT" "$ROOT.tmp" "$STAMP"
	mkdir -p "$ROOT.tmp"
	dpkg -x "$DEB" "$ROOT.tmp" >>"$LOG" 2>&1 || { cat "$LOG" >&2; rm -rf "$ROOT.tmp"; die "dpkg -x $DEB failed"; }
	mv "$ROOT.tmp" "$ROOT"
	basename "$DEB" >"$STAMP"
fi

N=$(find "$ROOT" -type f \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz' \) | wc -l)
[ "$N" -gt 0 ] || die "no kernel modules found under $ROOT"
echo "$ROOT"
echo "$PKG $VERSION: $N modules" >&2
