# tests/lib.sh - what the end-to-end test scripts share: counters, assertions,
# running kdetect into a JSON report, comparing and validating reports, and a chroot
# that runs it as a live host.
# Source it from the repository root; KD names the binary under test.

KD=${KD:-./kdetect}
OUT=build/test
PASS=0
FAIL=0
# the JSON Schema every report must satisfy, and Debian's python3 with python3-jsonschema
KD_SCHEMA=${KD_SCHEMA:-src/report/report.schema.json}
KD_PYTHON=${KD_PYTHON:-/usr/bin/python3}
KD_REPORT_DIR=
KD_NREPORTS=0
# The members of a report that differ between two runs over the same input: the times.
# Every comparison of reports masks them with this jq function (see same_reports).
KD_JQ_MASK='def kd_masked: del(.run.started, .run.finished, .run.duration_ms);'

ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }
# check DESCRIPTION COMMAND...: the command must succeed
check() { local d=$1; shift; if "$@"; then ok; else bad "$d"; fi; }
# jqt DESCRIPTION FILE FILTER [ARGS...]: the jq filter must yield true
jqt() { local d=$1 f=$2 q=$3; shift 3; if jq -e "$@" "$q" "$f" >/dev/null; then ok; else bad "$d ($q)"; fi; }
# same_reports A B [FILTER]: the JSON reports A and B are equal apart from the times
# of the run (kd_masked) and what the jq FILTER takes out of both
same_reports() {
	local f="$KD_JQ_MASK kd_masked | ${3:-.}"
	cmp -s <(jq -S "$f" "$1") <(jq -S "$f" "$2")
}
# report_made FILE...: JSON reports to check against the schema when the suite finishes
# (a copy, taken now: a later run may write the same file again)
report_made() {
	local f
	[ -n "$KD_REPORT_DIR" ] || KD_REPORT_DIR=$(mktemp -d "$OUT/reports.XXXXXX")
	for f in "$@"; do
		KD_NREPORTS=$((KD_NREPORTS + 1))
		cp "$f" "$KD_REPORT_DIR/$(printf %04d "$KD_NREPORTS")-$(basename "$f")"
	done
}
# validate_reports: every report made, in one run of tests/validate-reports.py; each
# report that satisfies the schema passes, each error is a failure naming report and member
validate_reports() {
	local out rc line
	[ -n "$KD_REPORT_DIR" ] || return 0
	set +e
	out=$("$KD_PYTHON" tests/validate-reports.py "$KD_SCHEMA" "$KD_REPORT_DIR"/*.json 2>&1)
	rc=$?
	set -e
	while IFS= read -r line; do
		case $line in
		"ok: "*) ok ;;
		"FAIL: "*) bad "schema: ${line#FAIL: }" ;;
		esac
	done <<<"$out"
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
		bad "schema: tests/validate-reports.py did not run (exit $rc): $out"
	elif [ "$rc" -eq 0 ]; then
		rm -rf "$KD_REPORT_DIR"
	fi
	KD_REPORT_DIR=
}
# run_scan NAME ARGS...: JSON report in $OUT/r-NAME.json, exit status in RC.
# With KD_SAME_AS set (the portable binary), that binary scans too and must give the
# same report, apart from the build field and the program's name, and the same exit status.
run_scan() {
	local name=$1 rc2; shift
	set +e
	timeout 120 "$KD" scan --format json "$@" >"$OUT/r-$name.json" 2>"$OUT/r-$name.err"
	RC=$?
	set -e
	jq -e . "$OUT/r-$name.json" >/dev/null || bad "$name: report is not valid JSON"
	report_made "$OUT/r-$name.json"
	[ -n "${KD_SAME_AS:-}" ] || return 0
	set +e
	timeout 120 "$KD_SAME_AS" scan --format json "$@" >"$OUT/r-$name.same.json" 2>/dev/null
	rc2=$?
	set -e
	report_made "$OUT/r-$name.same.json"
	# (a live scan sees processes come and go between the two runs)
	local norm='del(.tool.build, .run.argv[0]) | .coverage |= map(select(.source != "processes"))'
	if [ "$rc2" -eq "$RC" ] && same_reports "$OUT/r-$name.json" "$OUT/r-$name.same.json" "$norm"; then
		ok
	else
		bad "$name: $KD_SAME_AS gives another report (exit $rc2, expected $RC; diff $OUT/r-$name.json $OUT/r-$name.same.json)"
	fi
}
# kernel_fixtures SUITE: build the test modules and the fixture roots the kernel-side suites
# share (tests/build-kmods.sh, tests/mkroots.sh); sets R (roots), PKI and M (modules)
kernel_fixtures() {
	echo "$1: building test modules and fixture roots"
	tests/build-kmods.sh "$OUT/kmods"
	tests/mkroots.sh "$OUT/kmods/modules" "$OUT/kmods/pki" "$OUT/roots"
	R=$OUT/roots
	PKI=$OUT/kmods/pki
	M=$OUT/kmods/modules
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

# finish NAME: the reports checked against the schema, the closing line CI reads, and
# the exit status
finish() {
	validate_reports
	echo "$1: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
