#!/usr/bin/env bash
# Fetches Debian's real signed kernel package (the one linux-image-amd64, or the metapackage
# META, depends on) into CACHEDIR and unpacks it (dpkg -x, never installed) into CACHEDIR/root,
# for tests against real artifacts. With --suite SUITE (Debian 13: trixie), from that suite of
# the same archive, without touching the machine's apt configuration: a private sources list
# of the mirror the machine already uses, with private lists and cache under CACHEDIR.
# Usage: tests/get-debian-kernel.sh [--suite SUITE] CACHEDIR [META]
#   -> stdout: the unpacked root; stderr: "<pkg> <version>: N modules"
set -euo pipefail

die() { echo "get-debian-kernel.sh: error: $*" >&2; exit 1; }
SUITE=
if [ "${1:-}" = --suite ]; then
	[ $# -ge 2 ] || die "--suite needs a suite name"
	SUITE=$2
	shift 2
fi
[ $# -eq 1 ] || [ $# -eq 2 ] || die "usage: tests/get-debian-kernel.sh [--suite SUITE] CACHEDIR [META]"
META=${2:-linux-image-amd64}
for c in apt-cache apt-get dpkg dpkg-deb; do
	command -v "$c" >/dev/null || die "'$c' not found"
done
mkdir -p "$1"
CACHE=$(cd "$1" && pwd)
LOG=$CACHE/get.log
: >"$LOG"

APT_OPTS=()
if [ -n "$SUITE" ]; then
	KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
	[ -r "$KEYRING" ] || die "$KEYRING missing (package debian-archive-keyring)"
	# The mirror the machine uses for Debian's main archive: the first URI of a deb entry that is
	# not the security archive, from deb822 .sources files or one-line sources.list entries.
	mirror() {
		local f
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -r "$f" ] || continue
			awk 'BEGIN{RS=""; FS="\n"}
			     /(^|\n)Types:[^\n]*deb([ \n]|$)/ && /Signed-By:[^\n]*debian-archive-keyring/ {
				for (i = 1; i <= NF; i++) if ($i ~ /^URIs:/) {
					split($i, u, /[ \t]+/)
					if (u[2] !~ /security/) { print u[2]; exit }
				}
			     }' "$f"
		done
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -r "$f" ] || continue
			sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) [a-z]*[ ].*main.*/\2/p' "$f" | grep -v security || true
		done
	}
	URI=$(mirror | grep -i debian | head -n 1 || true)
	# an Ubuntu machine (or one with only a local mirror) has no Debian entry: the archive itself
	if [ -z "$URI" ]; then
		URI=http://deb.debian.org/debian
		echo "no Debian mirror in /etc/apt/sources.list(.d): using $URI" >&2
	fi

	mkdir -p "$CACHE/apt/lists/partial" "$CACHE/apt/cache/archives/partial"
	SRC=$CACHE/apt/$SUITE.sources
	printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
		"$URI" "$SUITE" "$KEYRING" >"$SRC"
	APT_OPTS=(-o "Dir::Etc::sourcelist=$SRC" -o "Dir::Etc::sourceparts=-"
		  -o "Dir::State::Lists=$CACHE/apt/lists" -o "Dir::Cache=$CACHE/apt/cache"
		  -o "Dir::State::status=/dev/null" -o "APT::Architecture=amd64")
fi

UPDATED=no
apt_update() {
	[ "$UPDATED" = no ] || return 1
	UPDATED=yes
	apt-get "${APT_OPTS[@]}" update >>"$LOG" 2>&1 || { cat "$LOG" >&2; die "apt-get update failed"; }
}
# the binary package that META depends on (linux-image-<ABI release>), as the
# package lists say today: the tests derive the release from it and never name one
resolve() {
	{ apt-cache "${APT_OPTS[@]}" depends "$META" 2>>"$LOG" || true; } |
		sed -n 's/^ *|\{0,1\}Depends: <\{0,1\}\(linux-image-[^ >]*\)>\{0,1\}$/\1/p;T;q'
}

PKG=$(resolve)
if [ -z "$PKG" ]; then
	apt_update
	PKG=$(resolve)
fi
[ -n "$PKG" ] || { cat "$LOG" >&2; die "cannot resolve the dependency of $META${SUITE:+ in $SUITE}"; }

newest_deb() { ls "$CACHE/${PKG}"_*_amd64.deb 2>/dev/null | sort -V | tail -n 1 || true; }
DEB=$(newest_deb)
if [ -z "$DEB" ]; then
	if ! (cd "$CACHE" && apt-get "${APT_OPTS[@]}" download "$PKG") >>"$LOG" 2>&1; then
		apt_update || true
		PKG=$(resolve)
		[ -n "$PKG" ] || { cat "$LOG" >&2; die "cannot resolve the dependency of $META"; }
		(cd "$CACHE" && apt-get "${APT_OPTS[@]}" download "$PKG") >>"$LOG" 2>&1 ||
			{ cat "$LOG" >&2; die "apt-get download $PKG failed"; }
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
