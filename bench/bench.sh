#!/usr/bin/env bash
# bench/bench.sh [DEBIAN_ROOT] - benchmark, not a test: time kdetect against the floor
# (hashing every module byte once with openssl) and against what an auditor scripts
# today (modinfo -F signer, which verifies nothing), over Debian's signed kernel package.
#
# DEBIAN_ROOT defaults to build/test/debian/root, made by tests/get-debian-kernel.sh.
# Each command runs 3 times on a warm page cache; the best wall-clock time counts.
set -euo pipefail
shopt -s inherit_errexit

die() { echo "bench.sh: error: $*" >&2; exit 1; }

[ $# -le 1 ] || die "usage: bench/bench.sh [DEBIAN_ROOT]"
if [ $# -eq 1 ]; then
	[ -d "$1/lib/modules" ] || die "$1/lib/modules: no such directory"
	ROOT=$(cd "$1" && pwd)
fi

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

if [ $# -eq 0 ]; then
	ROOT=build/test/debian/root
	if [ ! -d "$ROOT/lib/modules" ]; then
		[ -x tests/get-debian-kernel.sh ] || die "tests/get-debian-kernel.sh not found"
		echo "bench.sh: fetching Debian's kernel package (tests/get-debian-kernel.sh)" >&2
		ROOT=$(tests/get-debian-kernel.sh build/test/debian | tail -n 1)
		[ -d "$ROOT/lib/modules" ] || die "get-debian-kernel.sh gave '$ROOT', which has no lib/modules"
	fi
fi

for c in openssl modinfo xargs find awk; do
	command -v "$c" >/dev/null || die "'$c' not found"
done
if [ ! -x /usr/bin/time ]; then
	echo "bench.sh: installing package 'time' for /usr/bin/time" >&2
	if [ "$(id -u)" -eq 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends time >&2
	else
		sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends time >&2
	fi
fi
[ -x ./kdetect ] || make >&2
[ -x ./kdetect ] || die "./kdetect was not built"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

mapfile -d '' FILES < <(find "$ROOT/lib/modules" -type f \
	\( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz' \) -print0 | sort -z)
NMOD=${#FILES[@]}
[ "$NMOD" -gt 0 ] || die "no module files under $ROOT/lib/modules"
BYTES=$(printf '%s\0' "${FILES[@]}" | xargs -0 stat -c %s | awk '{ s += $1 } END { printf "%d", s }')

# warm the page cache so that every run reads from memory
printf '%s\0' "${FILES[@]}" | xargs -0 cat >/dev/null
find "$ROOT/boot" -maxdepth 1 -name 'vmlinuz-*' -type f -exec cat {} + >/dev/null 2>&1 || true

run_openssl() { printf '%s\0' "${FILES[@]}" | xargs -0 openssl dgst -sha256 >/dev/null; }
# modinfo fails on files its libkmod cannot decompress (Debian 12's kmod has no gzip
# support): those are counted once below, and not fatal here
run_modinfo() { printf '%s\0' "${FILES[@]}" | xargs -0 modinfo -F signer >/dev/null 2>&1 || true; }
run_kdetect() {
	local rc=0
	./kdetect scan --root "$ROOT" --format json -o /dev/null || rc=$?
	[ "$rc" -eq 0 ] || die "kdetect exited $rc, expected 0 (see: ./kdetect scan --root $ROOT)"
}

# best3 FUNC: prints the best wall-clock seconds of three runs
best3() {
	local t0 t1 best=
	for _ in 1 2 3; do
		t0=$(date +%s.%N)
		"$1" >/dev/null
		t1=$(date +%s.%N)
		best=$(awk -v a="$t0" -v b="$t1" -v m="$best" \
			'BEGIN { d = b - a; if (m != "" && m < d) d = m; printf "%.3f", d }')
	done
	echo "$best"
}

MODINFO_FAIL=0
for f in "${FILES[@]}"; do
	modinfo -F signer "$f" >/dev/null 2>&1 || MODINFO_FAIL=$((MODINFO_FAIL + 1))
done
[ "$MODINFO_FAIL" -eq 0 ] || echo "bench.sh: note: modinfo cannot read $MODINFO_FAIL of $NMOD files" >&2

echo "bench.sh: $NMOD module files, timing 3 runs each" >&2
T_OPENSSL=$(best3 run_openssl)
T_MODINFO=$(best3 run_modinfo)
T_KDETECT=$(best3 run_kdetect)

rc=0
/usr/bin/time -f %M -o "$TMP/rss" ./kdetect scan --root "$ROOT" --format json -o /dev/null || rc=$?
[ "$rc" -eq 0 ] || die "kdetect exited $rc, expected 0"
RSS_KIB=$(tail -n 1 "$TMP/rss")

awk -v root="$ROOT" -v n="$NMOD" -v bytes="$BYTES" -v cpus="$(nproc)" \
    -v ver="$(./kdetect --version 2>&1 | head -n 1)" \
    -v to="$T_OPENSSL" -v tm="$T_MODINFO" -v tk="$T_KDETECT" -v rss="$RSS_KIB" 'BEGIN {
	mib = bytes / 1048576; rssmib = rss / 1024
	ro = (to > 0) ? tk / to : 0; rm = (tm > 0) ? tk / tm : 0
	so = (to > 0) ? mib / to : 0; sm = (tm > 0) ? mib / tm : 0; sk = (tk > 0) ? mib / tk : 0
	printf "root:     %s\n", root
	printf "kdetect:  %s\n", ver
	printf "modules:  %d files, %.1f MiB\n", n, mib
	printf "cpus:     %d (kdetect default --jobs; openssl and modinfo run on one core)\n\n", cpus
	printf "%-48s %9s %9s\n", "command (best of 3, warm cache)", "seconds", "MiB/s"
	printf "%-48s %9.3f %9.0f\n", "xargs openssl dgst -sha256 (floor)", to, so
	printf "%-48s %9.3f %9.0f\n", "xargs modinfo -F signer (verifies nothing)", tm, sm
	printf "%-48s %9.3f %9.0f\n\n", "kdetect scan --root --format json", tk, sk
	printf "ratio kdetect/openssl: %.2fx\n", ro
	printf "ratio kdetect/modinfo: %.2fx\n", rm
	printf "kdetect peak RSS:      %.1f MiB\n\n", rssmib
	g1 = (ro <= 2.0) ? "PASS" : "MISS"; g2 = (rssmib < 64) ? "PASS" : "MISS"
	printf "goal: <= 2.0x hashing time: %s (%.2fx)\n", g1, ro
	printf "goal: peak RSS < 64 MiB: %s (%.1f MiB)\n", g2, rssmib
}'
