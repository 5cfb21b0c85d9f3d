# tests/lib.sh - what the end-to-end test scripts share: counters, assertions,
# running kdetect into a JSON report, and a chroot that runs it as a live host.
# Source it from the repository root; KD names the binary under test.

KD=${KD:-./kdetect}
OUT=build/test
PASS=0
FAIL=0

ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }
# check DESCRIPTION COMMAND...: the command must succeed
check() { local d=$1; shift; if "$@"; then ok; else bad "$d"; fi; }
# jqt DESCRIPTION FILE FILTER [ARGS...]: the jq filter must yield true
jqt() { local d=$1 f=$2 q=$3; shift 3; if jq -e "$@" "$q" "$f" >/dev/null; then ok; else bad "$d ($q)"; fi; }
# run_scan NAME ARGS...: JSON report in $OUT/r-NAME.json, exit status in RC.
# With KD_SAME_AS set (the portable binary), that binary scans too and must give the
# same report, apart from the build field, and the same exit status.
run_scan() {
	local name=$1 rc2; shift
	set +e
	timeout 120 "$KD" scan --format json "$@" >"$OUT/r-$name.json" 2>"$OUT/r-$name.err"
	RC=$?
	set -e
	jq -e . "$OUT/r-$name.json" >/dev/null || bad "$name: report is not valid JSON"
	[ -n "${KD_SAME_AS:-}" ] || return 0
	set +e
	timeout 120 "$KD_SAME_AS" scan --format json "$@" >"$OUT/r-$name.same.json" 2>/dev/null
	rc2=$?
	set -e
	# (a live scan sees processes come and go between the two runs)
	local norm='del(.tool.build) | .coverage |= map(select(.source != "processes"))'
	if [ "$rc2" -eq "$RC" ] && cmp -s <(jq -S "$norm" "$OUT/r-$name.json") \
	    <(jq -S "$norm" "$OUT/r-$name.same.json"); then
		ok
	else
		bad "$name: $KD_SAME_AS gives another report (exit $rc2, expected $RC; diff $OUT/r-$name.json $OUT/r-$name.same.json)"
	fi
}
expect_rc() { if [ "$RC" -eq "$1" ]; then ok; else bad "$2: exit status $RC, expected $1"; fi; }

# make_chroot SRC DEST: a copy of the fixture root SRC with kdetect and its libraries,
# so that "chroot DEST /kdetect scan" inspects SRC as the live host
make_chroot() {
	rm -rf "$2"
	cp -a "$1" "$2"
	cp "$KD" "$2/kdetect"
	local top dir
	top=$(realpath "$2")
	for lib in $(ldd "$KD" | grep -oE '/[^ ]+'); do
		# keep a merged /usr root's (relative) symlinks: copy into where they lead
		dir=$(realpath -m "$2$(dirname "$lib")")
		case $dir in "$top"/*) ;; *) echo "make_chroot: $dir leaves $top" >&2; return 1 ;; esac
		mkdir -p "$dir"
		cp -L "$lib" "$dir/"
	done
}

# finish: the closing line CI reads, and the exit status
finish() {
	echo "$1: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
