#!/usr/bin/env bash
# run-suites.sh - runs test suites one after the other, each to the end whatever the others
# did, and says how each went: one line per suite (result, its assertion counts, seconds),
# the end of a failed suite's log, and a closing line "NAME: N passed, N failed" with the sums.
# Exit status 1 when any suite failed.
#
# Usage: tests/run-suites.sh [-n NAME] SUITE=COMMAND...
#   NAME     the closing line's name (default: check)
#   SUITE    the suite's name; its output goes to build/test/logs/SUITE.log
#   COMMAND  run with bash from the repository root
#
# A suite's counts are the sums of its "X: N passed, N failed" line (the e2e scripts' closing
# line, tests/lib.sh finish) and of cmocka's "[  PASSED  ] N test(s)." and "[  FAILED  ] N
# test(s)" lines (the unit programs). A suite passes when it exits 0, printed counts and
# none failed. A unit program that stops without its own counts (a crash, a sanitizer or
# valgrind error) counts as one failure; so does a failed suite that counted no failure
# itself (it crashed, or never reached its closing line).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

name=check
if [ "${1:-}" = -n ]; then
	[ $# -ge 2 ] || { echo "usage: tests/run-suites.sh [-n NAME] SUITE=COMMAND..." >&2; exit 2; }
	name=$2
	shift 2
fi
[ $# -ge 1 ] || { echo "usage: tests/run-suites.sh [-n NAME] SUITE=COMMAND..." >&2; exit 2; }
for s in "$@"; do
	case ${s%%=*} in
	"$s" | "" | *[!A-Za-z0-9._-]*) echo "run-suites.sh: bad suite '$s' (want NAME=COMMAND)" >&2; exit 2 ;;
	esac
done

# under "make -n" (a recursive make line runs even then) only say what would run
mflags=" ${MAKEFLAGS:-}"
mflags=${mflags#" "}
mflags=${mflags%% *}
case $mflags in
-* | "") ;;
*n*)
	for s in "$@"; do echo "${s%%=*}: ${s#*=}"; done
	exit 0
	;;
esac

LOGS=build/test/logs
mkdir -p "$LOGS" || exit 2

# counts LOG: "PASSED FAILED FOUND" from the log's closing line and cmocka summaries;
# FOUND is 0 when the log holds neither
counts() {
	LC_ALL=C awk '
		# the last closing line of a tests/lib.sh script
		/^[A-Za-z0-9._-]+: [0-9]+ passed, [0-9]+ failed$/ { cp = $2; cf = $4; cl = 1 }
		# cmocka, per program of a unit run ("== PROGRAM" before each, see tests/unit/unit.mk)
		/^== / { prog = $2 }
		/^\[  PASSED  \] [0-9]+ test\(s\)\.$/ { up += $4; u = 1 }
		/^\[  FAILED  \] [0-9]+ test\(s\), listed below:$/ { uf += $4; u = 1; counted[prog] = 1 }
		# the programs that failed: those that printed no failure count add one
		/^unit tests FAILED:/ {
			for (i = 4; i <= NF; i++)
				if (!counted[$i]) { uf++; u = 1 }
		}
		END { print cp + up, cf + uf, (cl || u) ? 1 : 0 }' "$1"
}

total_pass=0
total_fail=0
nfail=0
failed_suites=()
i=0
for s in "$@"; do
	i=$((i + 1))
	suite=${s%%=*}
	cmd=${s#*=}
	log=$LOGS/$suite.log
	echo "== [$i/$#] $suite (log: $log)"
	t0=$(date +%s)
	bash -c "$cmd" </dev/null >"$log" 2>&1
	rc=$?
	t1=$(date +%s)
	read -r pass fail found < <(counts "$log")
	if [ "$rc" -eq 0 ] && [ "$found" -eq 1 ] && [ "$fail" -eq 0 ]; then
		result=ok
	else
		result=FAILED
		[ "$fail" -gt 0 ] || fail=1
		nfail=$((nfail + 1))
		failed_suites+=("$suite")
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	why=
	[ "$result" = ok ] || why=" (exit status $rc$([ "$found" -eq 1 ] || echo ", no counts printed"))"
	printf '   %-20s %-6s %6d passed %4d failed %5d s%s\n' "$suite" "$result" "$pass" "$fail" \
		$((t1 - t0)) "$why"
	if [ "$result" = FAILED ]; then
		echo "   ---- last 40 lines of $log"
		tail -n 40 "$log" | sed 's/^/   | /'
		echo "   ----"
	fi
done

if [ "$nfail" -gt 0 ]; then
	echo "$name: $nfail of $# suites FAILED: ${failed_suites[*]} (logs in $LOGS/)"
else
	echo "$name: all $# suites passed (logs in $LOGS/)"
fi
echo "$name: $total_pass passed, $total_fail failed"
[ "$nfail" -eq 0 ]
