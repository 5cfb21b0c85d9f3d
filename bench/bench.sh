#!/usr/bin/env bash
# bench/bench.sh - benchmark, not a test (never part of make check): times kdetect against the
# floor of each corpus, side by side in one run, as issue 13 asks. Each command runs once
# untimed (warming the page cache and checking its exit status), then N times; the table
# gives the median wall-clock time, the range, the median CPU time (user + system, children
# included), the ratio of kdetect's median to each floor's median, and kdetect's peak RSS
# (/usr/bin/time -f %M, the largest of all its runs).
#
# Corpora:
#   debian12  Debian 12's signed kernel package (uncompressed .ko, RSA-4096):
#             tests/get-debian-kernel.sh build/test/debian
#   debian13  Debian 13's kernel package (.ko.xz): tests/get-debian-kernel.sh --suite trixie
#             build/test/debian-trixie
#   live      this machine, scanned as kdetect scans it by default
#
# Usage: bench/bench.sh [-n N] [--only debian12|debian13|live] [--kd PATH]
#                       [--debian12-root DIR] [--debian13-root DIR]
# The roots default to $KD_DEBIAN12_ROOT / $KD_DEBIAN13_ROOT, else build/test/debian/root and
# build/test/debian-trixie/root of this checkout. --only is repeatable.
set -euo pipefail
shopt -s inherit_errexit nullglob

prog=bench.sh
die() { echo "$prog: error: $*" >&2; exit 1; }
note() { echo "$prog: $*" >&2; }
usage() {
	sed -n 's/^# \{0,1\}//; /^Usage:/,/^The roots/p' "${BASH_SOURCE[0]}" | sed '$d' >&2
	exit 2
}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=5
KD=./kdetect
ONLY=()
D12=${KD_DEBIAN12_ROOT:-}
D13=${KD_DEBIAN13_ROOT:-}
while [ $# -gt 0 ]; do
	case $1 in
	-n) [ $# -ge 2 ] || usage; RUNS=$2; shift 2 ;;
	--only) [ $# -ge 2 ] || usage; ONLY+=("$2"); shift 2 ;;
	--kd) [ $# -ge 2 ] || usage; KD=$2; shift 2 ;;
	--debian12-root) [ $# -ge 2 ] || usage; D12=$2; shift 2 ;;
	--debian13-root) [ $# -ge 2 ] || usage; D13=$2; shift 2 ;;
	-h|--help) usage ;;
	*) note "unknown argument '$1'"; usage ;;
	esac
done
case $RUNS in
''|*[!0-9]*|0) die "-n needs a positive number of runs, not '$RUNS'" ;;
esac
[ ${#ONLY[@]} -gt 0 ] || ONLY=(debian12 debian13 live)
for c in "${ONLY[@]}"; do
	case $c in debian12|debian13|live) ;; *) die "--only: no corpus '$c' (debian12, debian13, live)" ;; esac
done
wanted() { local c; for c in "${ONLY[@]}"; do [ "$c" = "$1" ] && return 0; done; return 1; }

# paths given relative to the caller's directory stay so; then work from the checkout
abspath() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
KD=$(abspath "$KD"); [ ! -e "$KD" ] || KD=$(realpath "$KD")
[ -z "$D12" ] || D12=$(abspath "$D12")
[ -z "$D13" ] || D13=$(abspath "$D13")
cd "$REPO"
D12=${D12:-$REPO/build/test/debian/root}
D13=${D13:-$REPO/build/test/debian-trixie/root}

[ -x "$KD" ] || die "$KD: no kdetect binary (make -j2 kdetect, or --kd PATH)"
[ -x /usr/bin/time ] || die "/usr/bin/time not found: install package 'time' (tools/install-deps.sh test)"
for c in openssl modinfo xargs find sort awk jq python3 xz zstd nproc; do
	command -v "$c" >/dev/null || die "'$c' not found (tools/install-deps.sh test)"
done
NPROC=$(nproc)

# moddir ROOT: the one lib/modules/<release> (or usr/lib/modules/<release>, merged /usr
# without the /lib link) of an unpacked kernel package; the release is whatever is there
moddir() {
	local d=("$1"/lib/modules/*/ "$1"/usr/lib/modules/*/)
	[ ${#d[@]} -ge 1 ] || return 1
	[ ${#d[@]} -eq 1 ] || [ "$(realpath "${d[0]}")" = "$(realpath "${d[1]}")" ] ||
		die "$1: more than one kernel release under lib/modules"
	echo "${d[0]%/}"
}
check_corpus() { # NAME ROOT FETCH-COMMAND
	if [ ! -d "$2" ] || ! moddir "$2" >/dev/null; then
		die "$1 corpus missing: $2 has no lib/modules/<release>; fetch it with
  $3
(it unpacks into .../root), or pass --$1-root DIR (or KD_${1^^}_ROOT=DIR), or leave it out with --only"
	fi
}
wanted debian12 && check_corpus debian12 "$D12" "tests/get-debian-kernel.sh build/test/debian"
wanted debian13 && check_corpus debian13 "$D13" "tests/get-debian-kernel.sh --suite trixie build/test/debian-trixie"

mkdir -p build
TMP=$(mktemp -d "$REPO/build/bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# ---- measuring ------------------------------------------------------------------------
declare -A MED MIN MAX CPU RSS LABEL CORPUS
ROWS=()
# measure KEY CORPUS LABEL OK-STATUSES CMD...: one untimed run, then RUNS timed ones. The
# command's output goes to /dev/null, its standard error to $TMP/KEY.err.
measure() {
	local key=$1 corpus=$2 label=$3 ok=$4 i rc t0 t1 walls=() cpus=() rss=0 line
	shift 4
	note "$corpus: $label ($RUNS runs + 1 warm-up)"
	for ((i = 0; i <= RUNS; i++)); do
		rc=0
		t0=$EPOCHREALTIME
		/usr/bin/time -f '%M %U %S' -o "$TMP/time" -- "$@" >/dev/null 2>"$TMP/$key.err" || rc=$?
		t1=$EPOCHREALTIME
		case " $ok " in
		*" $rc "*) ;;
		*) sed -n 1,20p "$TMP/$key.err" >&2
		   die "$corpus: '$*' exited $rc, expected $ok" ;;
		esac
		[ "$i" -gt 0 ] || continue
		line=$(tail -n 1 "$TMP/time")
		walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
		cpus+=("$(awk -v l="$line" 'BEGIN { split(l, f, " "); printf "%.2f", f[2] + f[3] }')")
		rss=$(awk -v l="$line" -v m="$rss" 'BEGIN { split(l, f, " "); print (f[1] > m) ? f[1] : m }')
	done
	MED[$key]=$(median "${walls[@]}")
	MIN[$key]=$(printf '%s\n' "${walls[@]}" | sort -n | head -n 1)
	MAX[$key]=$(printf '%s\n' "${walls[@]}" | sort -n | tail -n 1)
	CPU[$key]=$(median "${cpus[@]}")
	RSS[$key]=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
	LABEL[$key]=$label
	CORPUS[$key]=$corpus
	ROWS+=("$key")
}
median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
		END { printf "%.3f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# listing ROOT FILE: every module file of ROOT's release, NUL-separated, sorted
listing() {
	find "$(moddir "$1")" -type f \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' \
		-o -name '*.ko.gz' \) -print0 | sort -z >"$2"
	[ -s "$2" ] || die "$1: no module files"
}
count() { tr -cd '\0' <"$1" | wc -c; }
bytes() { xargs -0 -a "$1" stat -c %s | awk '{ s += $1 } END { printf "%.1f", s / 1048576 }'; }

# kernel_key ROOT OUT: the module signing key built into ROOT's kernel image (its
# certificate, DER), so that kdetect can verify the modules without decoding the image:
# the bzImage payload (setup header: payload_offset, payload_length at 0x248), decompressed
# by xz or zstd, searched for the certificate whose subject names the build-time key
kernel_key() {
	local img magic dec
	img=$(find "$1/boot" -maxdepth 1 -type f -name 'vmlinuz-*' | sort | head -n 1)
	[ -n "$img" ] || return 1
	python3 -c 'import struct, sys
img = open(sys.argv[1], "rb").read()
off, n = struct.unpack("<II", img[0x248:0x250])
start = ((img[0x1f1] or 4) + 1) * 512 + off
open(sys.argv[2], "wb").write(img[start:start + n])' "$img" "$2.payload" || return 1
	magic=$(od -An -tx1 -N4 "$2.payload" | tr -d ' \n')
	case $magic in
	fd377a58) dec=(xz -dc) ;;
	28b52ffd) dec=(zstd -dcq) ;;
	*) return 1 ;;
	esac
	# the payload ends with the decoded size (4 bytes), which the decoders call trailing garbage
	{ "${dec[@]}" <"$2.payload" 2>/dev/null || true; } | python3 -c 'import struct, sys
data = sys.stdin.buffer.read()
i = data.find(b"Build time autogenerated kernel key")
j = data.rfind(b"\x30\x82", 0, i) if i >= 0 else -1
while j >= 0 and data[j + 4:j + 6] != b"\x30\x82":
    j = data.rfind(b"\x30\x82", 0, j)
if j < 0:
    sys.exit(1)
open(sys.argv[1], "wb").write(data[j:j + 4 + struct.unpack(">H", data[j + 2:j + 4])[0]])' "$2" || return 1
	rm -f "$2.payload"
	[ -s "$2" ]
}
# modules_only ROOT DIR: DIR becomes a root with ROOT's module tree alone (no kernel
# image), hard links where the file system allows, else a copy
modules_only() {
	local rel
	rel=$(moddir "$1")
	rel=${rel#"$1"/}
	mkdir -p "$2/$(dirname "$rel")"
	cp -al "$1/$rel" "$2/$rel" 2>/dev/null || { rm -rf "${2:?}/$rel"; cp -a "$1/$rel" "$2/$rel"; }
}
key_desc() { openssl x509 -inform der -in "$1" -noout -text 2>/dev/null |
	awk '/Public Key Algorithm/ { a = $NF } /Public-Key:/ { gsub(/[()]/, ""); b = $(NF - 1) }
	     /NIST CURVE/ { c = $NF } END { printf "%s %s%s", a, b, c ? " " c : "" }'; }

declare -A RATIO_OF
RATIOS=()
# ratio KD-KEY FLOOR-KEY FLOOR-NAME GOAL (GOAL: a number, or - for none)
ratio() { RATIOS+=("$1 $2 $3 $4"); }

INFO=()
# ---- debian12 -------------------------------------------------------------------------
if wanted debian12; then
	L12=$TMP/debian12.list
	listing "$D12" "$L12"
	INFO+=("debian12: $D12, $(basename "$(moddir "$D12")"), $(count "$L12") module files, $(bytes "$L12") MiB")
	measure d12hash debian12 "xargs openssl dgst -sha256" 0 xargs -0 -a "$L12" openssl dgst -sha256
	# xargs exits 123 when one modinfo fails: a file libkmod cannot read is not the point
	measure d12modinfo debian12 "xargs modinfo -F signer" "0 123" xargs -0 -a "$L12" modinfo -F signer
	measure d12kd debian12 "kdetect scan --root R12 --format json -o /dev/null" 0 \
		"$KD" scan --root "$D12" --format json -o /dev/null
	ratio d12kd d12hash hash 1.8
	ratio d12kd d12modinfo modinfo -
	if kernel_key "$D12" "$TMP/d12key.der"; then
		modules_only "$D12" "$TMP/d12mods"
		INFO+=("debian12 kernel key: $(key_desc "$TMP/d12key.der")")
		measure d12kdmod debian12 "the same, modules only, --cert kernel key" 0 \
			"$KD" scan --root "$TMP/d12mods" --cert "$TMP/d12key.der" --format json -o /dev/null
		ratio d12kdmod d12hash hash 0.8
	else
		note "debian12: could not extract the kernel's module signing key: no modules-only row"
	fi
fi

# ---- debian13 -------------------------------------------------------------------------
if wanted debian13; then
	L13=$TMP/debian13.list
	listing "$D13" "$L13"
	INFO+=("debian13: $D13, $(basename "$(moddir "$D13")"), $(count "$L13") module files, $(bytes "$L13") MiB compressed")
	measure d13modinfo debian13 "xargs -P$NPROC modinfo -F signer" "0 123" \
		xargs -0 -a "$L13" -P"$NPROC" modinfo -F signer
	# The floor: decode every module byte and hash it once, on every core. One sh, one xz
	# and one openssl per 64 files rather than per file: the same decoding and hashing work
	# (xz decodes its files one after the other into the one digest), without spawning
	# 3 processes per module, which kdetect (one process) never pays. The per-file form
	# of issue 13 is timed too, to show what the spawning costs.
	# shellcheck disable=SC2016
	measure d13xz debian13 "xargs -P$NPROC -n64: xz -dc | openssl dgst" 0 \
		xargs -0 -a "$L13" -P"$NPROC" -n64 sh -c 'xz -dc -- "$@" | openssl dgst -sha256' sh
	# shellcheck disable=SC2016
	measure d13xz1 debian13 "xargs -P$NPROC -n1: xz -dc | openssl dgst" 0 \
		xargs -0 -a "$L13" -P"$NPROC" -n1 sh -c 'xz -dc -- "$0" | openssl dgst -sha256'
	measure d13kd debian13 "kdetect scan --root R13 --format json -o /dev/null" 0 \
		"$KD" scan --root "$D13" --format json -o /dev/null
	ratio d13kd d13modinfo "modinfo" 1.0
	ratio d13kd d13xz "xz|hash" -
	if kernel_key "$D13" "$TMP/d13key.der"; then
		modules_only "$D13" "$TMP/d13mods"
		INFO+=("debian13 kernel key: $(key_desc "$TMP/d13key.der")")
		measure d13kdmod debian13 "the same, modules only, --cert kernel key" 0 \
			"$KD" scan --root "$TMP/d13mods" --cert "$TMP/d13key.der" --format json -o /dev/null
		ratio d13kdmod d13modinfo "modinfo" -
		ratio d13kdmod d13xz "xz|hash" -
	else
		note "debian13: could not extract the kernel's module signing key: no modules-only row"
	fi
fi

# ---- live -----------------------------------------------------------------------------
if wanted live; then
	# The trees kdetect walks: the coverage entries of one report whose source is an
	# absolute path to a directory (the module trees and the file-rule trees: /opt, /usr/lib,
	# /usr/local...), resolved, each left out when it lies inside another one (a merged
	# /usr's /lib/modules is inside /usr/lib). The one-file sources (/proc, /var/lib/dpkg/
	# status...) and the absent ones drop out by themselves.
	rc=0
	"$KD" scan --format json -o "$TMP/live.json" 2>"$TMP/live.err" || rc=$?
	case $rc in 0|1|3) ;; *) cat "$TMP/live.err" >&2; die "live: kdetect scan exited $rc" ;; esac
	mapfile -t TREES < <(jq -r '.coverage[].source | select(startswith("/"))' "$TMP/live.json" |
		while IFS= read -r d; do [ -d "$d" ] && realpath "$d"; done | sort -u |
		awk '{ for (i = 1; i <= n; i++) if (index($0 "/", t[i] "/") == 1) next; t[++n] = $0; print }')
	[ ${#TREES[@]} -gt 0 ] || die "live: no directory among the report's coverage sources"
	INFO+=("live: find over ${TREES[*]}")
	measure livefind live "find TREES -type f" 0 find "${TREES[@]}" -type f
	# 3: nothing found but incomplete (no /proc/modules, no kernel image in a container)
	measure livekd live "kdetect scan --format json -o /dev/null" "0 1 3" \
		"$KD" scan --format json -o /dev/null
	ratio livekd livefind find 3.0
fi

# ---- report ---------------------------------------------------------------------------
for r in "${RATIOS[@]}"; do
	read -r k f name goal <<<"$r"
	RATIO_OF[$k]+="$(awk -v a="${MED[$k]}" -v b="${MED[$f]}" -v n="$name" -v g="$goal" 'BEGIN {
		x = (b > 0) ? a / b : 0
		s = sprintf("%.2fx %s", x, n)
		if (g != "-") s = s sprintf(" (goal <=%.1f: %s)", g, (x <= g) ? "met" : "MISSED")
		print s }');"
done

echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine:  $NPROC CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), kernel $(uname -r)"
echo "load:     $(cut -d ' ' -f 1-3 /proc/loadavg) (1, 5, 15 min, at the end)"
echo "kdetect:  $("$KD" --version 2>&1 | head -n 1) ($KD)"
echo "runs:     $RUNS timed per command after one warm-up; median, min-max wall seconds; cpu = median user+sys"
for i in "${INFO[@]}"; do echo "$i"; done
echo
fmt='%-9s %-50s %8s %15s %7s %8s  %s\n'
# shellcheck disable=SC2059
printf "$fmt" corpus command "median s" "min-max s" "cpu s" "RSS MiB" "ratio to floor"
for k in "${ROWS[@]}"; do
	rss=-
	rat=floor
	case $k in *kd*) rss=${RSS[$k]}; rat=${RATIO_OF[$k]:-} ;; esac
	first=${rat%%;*}
	# shellcheck disable=SC2059
	printf "$fmt" "${CORPUS[$k]}" "${LABEL[$k]}" "${MED[$k]}" "${MIN[$k]}-${MAX[$k]}" "${CPU[$k]}" "$rss" "$first"
	rest=${rat#*;}
	[ "$rest" != "$rat" ] || continue
	IFS=';' read -ra more <<<"$rest"
	for m in "${more[@]}"; do
		[ -z "$m" ] || printf '%*s%s\n' 105 '' "$m"
	done
done
peak=0
for k in "${ROWS[@]}"; do
	case $k in *kd*) peak=$(awk -v a="${RSS[$k]}" -v b="$peak" 'BEGIN { print (a > b) ? a : b }') ;; esac
done
echo
awk -v p="$peak" 'BEGIN { printf "kdetect peak RSS: %.1f MiB (goal <=40: %s)\n", p, (p <= 40) ? "met" : "MISSED" }'
