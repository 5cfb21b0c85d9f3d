#!/usr/bin/env bash
# check-layers.sh - the layer rule of src/ (src/README.md), checked on the #include "..." lines:
#   (a) no include cycle between files, a .c, the .h of the same name and its _priv.h counted
#       as one unit (so a.c calling b.c while b.c calls a.c, each through the other's header,
#       is a cycle);
#   (b) no file includes a header of a higher layer, in the order
#         core < formats < crypto < rules < store < sources < scan < report < main
#       and a collector in sources/ (a file, or a folder such as sources/boot/ for one
#       collector in several files) includes another collector's header only where the list
#       below allows it (helpers of one collector, not collectors calling each other);
#       formats/ holds parsers only: none of them includes core/root.h (file access in a root)
#       or core/output.h (the report file);
#   (c) OpenSSL headers are included in crypto/ only, hivex's in sources/boot/registry.c only;
#   (d) every function a header declares is defined in the header's own unit, so that the
#       include lines show every dependency between files (else a.c could call b.c through
#       a header of a's, unseen by (a)).
# Every include must name an existing file of src/ ("layer/file.h"). One assertion per include
# line, per file (OpenSSL) and per tree (cycles); the closing line is "layers: N passed, N failed".
# Before the real tree, the checker is run on a small tree that breaks each rule once: it must
# find each of them.
#
# Usage: tests/check-layers.sh [SRCDIR]   (default: src)
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

LAYERS="core formats crypto rules store sources scan report main"

# sources/ files that may include another sources/ header: the one that includes, then the
# header, then why. Everything else in sources/ reads its part of the host on its own.
SOURCES_ALLOWED="
sources/devices.h sources/hwdb.h the device list names each device through the hardware database
sources/boot/esp.c sources/filewalk.h the ESP is walked with the bounded walk
sources/boot/windows.c sources/filewalk.h and so is the drivers directory
sources/initrd.c sources/modfiles.h the modules inside an initramfs image are inspected as module files
"

rank() {
	local i=0 l
	for l in $LAYERS; do
		[ "$l" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo -1
}

# layer_of FILE (relative to the source dir): its folder, or main for a top-level file
layer_of() {
	case $1 in
	*/*) echo "${1%%/*}" ;;
	*) echo main ;;
	esac
}

# collector_of FILE (in sources/): the folder below sources/, else the file's unit
collector_of() {
	case ${1#sources/} in
	*/*) echo "sources/$(cut -d/ -f2 <<<"$1")" ;;
	*) unit_of "$1" ;;
	esac
}

# unit_of FILE: the file without .c/.h, so that x.c, x.h and the private header x_priv.h
# (what x.c shares with the other files of its layer) are one node
unit_of() {
	local u=${1%.[ch]}
	echo "${u%_priv}"
}

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}

# check_tree DIR: the assertions above over DIR; counts into passed/failed
check_tree() {
	local dir=$1 f rel inc target lf lt rf rt edges line
	edges=$(mktemp)
	if [ -z "$(find "$dir" -name '*.c' 2>/dev/null | head -n 1)" ]; then
		fail "$dir: no C files to check"
		return
	fi
	while IFS= read -r f; do
		rel=${f#"$dir"/}
		lf=$(layer_of "$rel")
		rf=$(rank "$lf")
		if [ "$rf" -lt 0 ]; then
			fail "$rel: in no layer (folders: $LAYERS)"
			continue
		fi
		# (c) OpenSSL
		if [ "$lf" != crypto ] && grep -Eq '^[[:space:]]*#[[:space:]]*include[[:space:]]*<openssl/' "$f"; then
			fail "$rel: includes OpenSSL outside crypto/"
		else
			pass
		fi
		# (c) hivex: the hives are opened in one place, where confinement is kept
		if [ "$rel" != sources/boot/registry.c ] &&
		    grep -Eq '^[[:space:]]*#[[:space:]]*include[[:space:]]*<hivex\.h>' "$f"; then
			fail "$rel: includes hivex outside sources/boot/registry.c"
		else
			pass
		fi
		# (b) each include
		while IFS= read -r inc; do
			target=$inc
			[ -f "$dir/$target" ] || { fail "$rel: #include \"$inc\" names no file of $dir"; continue; }
			lt=$(layer_of "$target")
			rt=$(rank "$lt")
			if [ "$rt" -gt "$rf" ]; then
				fail "$rel ($lf) includes $target ($lt): a lower layer uses a higher one"
				continue
			fi
			if [ "$lf" = formats ] && { [ "$target" = core/root.h ] || [ "$target" = core/output.h ]; }; then
				fail "$rel includes $target: a parser of formats/ reads no files"
				continue
			fi
			if [ "$lf" = sources ] && [ "$lt" = sources ] &&
			   [ "$(collector_of "$rel")" != "$(collector_of "$target")" ] &&
			   ! grep -q "^$rel $target " <<<"$SOURCES_ALLOWED"; then
				fail "$rel includes $target: a collector uses another collector (only scan/ joins)"
				continue
			fi
			pass
			[ "$(unit_of "$rel")" != "$(unit_of "$target")" ] &&
				echo "$(unit_of "$rel") $(unit_of "$target")" >> "$edges"
		done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
	done < <(find "$dir" -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort)
	# (d) each function a header declares (a line at column 0 naming it with "(") is defined
	# (a line at column 0, not static, not a prototype) in a file of the header's unit
	local h name def
	while IFS= read -r h; do
		while IFS= read -r name; do
			def=$(grep -lE "^[a-z][^;]*[ *]$name\(" --include='*.c' -r "$dir" |
				while IFS= read -r c; do
					grep -E "^[a-z][^;]*[ *]$name\(" "$c" | grep -qvE '^static|;$' && echo "$c"
				done | head -n 1)
			[ -n "$def" ] || continue	# a macro, or defined nowhere (the linker says)
			def=${def#"$dir"/}
			if [ "$(unit_of "$def")" = "$(unit_of "${h#"$dir"/}")" ]; then
				pass
			else
				fail "${h#"$dir"/} declares $name, defined in $def: a dependency no include shows"
			fi
		done < <(grep -E '^[a-z][a-z_0-9 *]*[ *]\**[a-z_0-9]+\(' "$h" | grep -vE '^(static|typedef)' |
			 sed -E 's/^[^(]*[ *]\**([a-z_0-9]+)\(.*/\1/' | sort -u)
	done < <(find "$dir" -type f -name '*.h' | LC_ALL=C sort)
	# an allowance for an include that is no longer there is stale: say so
	while read -r from to _; do
		[ -n "$from" ] && [ -f "$dir/$from" ] || continue
		if grep -q "^#include \"$to\"" "$dir/$from"; then pass; else fail "stale allowance: $from no longer includes $to"; fi
	done <<<"$SOURCES_ALLOWED"
	# (a) cycles: tsort names a loop when there is one
	line=$(tsort "$edges" 2>&1 >/dev/null | grep -v 'input contains a loop' | sed 's/^tsort: //')
	if [ -n "$line" ]; then
		fail "include cycle between units:" $line
	else
		pass
	fi
	rm -f "$edges"
}

# the checker on a tree that breaks each rule once: a cycle (store/a.c -> store/b.h,
# store/b.c -> store/a.h), an upward include (core/up.c -> scan/s.h), OpenSSL in formats/, hivex
# outside registry.c,
# a parser that reads files (formats/g.c -> core/root.h), one collector including another
# (sources/x.c -> sources/y.h), and a header declaring another file's function (core/v.h)
selftest() {
	local t out
	t=$(mktemp -d)
	mkdir -p "$t/core" "$t/formats" "$t/store" "$t/scan" "$t/sources"
	printf '#include "store/b.h"\n' > "$t/store/a.c"
	printf '\n' > "$t/store/a.h"
	printf '#include "store/a.h"\n' > "$t/store/b.c"
	printf '\n' > "$t/store/b.h"
	printf '#include "scan/s.h"\n' > "$t/core/up.c"
	printf '\n' > "$t/scan/s.h"
	printf '#include <openssl/evp.h>\n' > "$t/formats/f.c"
	printf '#include <hivex.h>\n' > "$t/sources/h.c"
	printf '#include "core/root.h"\n' > "$t/formats/g.c"
	printf '\n' > "$t/core/root.h"
	printf '#include "sources/y.h"\n' > "$t/sources/x.c"
	printf 'int w_count(void);\n' > "$t/core/v.h"
	printf 'int w_count(void)\n{\n\treturn 0;\n}\n' > "$t/core/w.c"
	printf '\n' > "$t/sources/y.h"
	out=$(passed=0 failed=0; check_tree "$t"; echo "$failed")
	rm -rf "$t"
	for want in "include cycle between units:" "core/up.c (core) includes scan/s.h (scan)" \
		"formats/f.c: includes OpenSSL outside crypto/" "sources/x.c includes sources/y.h" \
		"sources/h.c: includes hivex outside sources/boot/registry.c" \
		"formats/g.c includes core/root.h" "core/v.h declares w_count, defined in core/w.c"; do
		if grep -qF "FAIL: $want" <<<"$out"; then
			pass
		else
			fail "selftest: the checker did not report: $want"
		fi
	done
	if [ "$(tail -n 1 <<<"$out")" = 7 ]; then pass; else fail "selftest: want 7 failures, got: $out"; fi
}

selftest
check_tree "${1:-src}"
echo "layers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
