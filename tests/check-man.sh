#!/usr/bin/env bash
# check-man.sh - the man pages pass mandoc's lint, and the man page and --help name the
# same options, commands and exit statuses.
set -euo pipefail
cd "$(dirname "$0")/.."

. tests/lib.sh

check "mandoc -Tlint -W warning: no warning in the man pages" \
	mandoc -Tlint -W warning man/kdetect.8 man/kdetect.rules.5
help_opts=$("$KD" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
man_opts=$(grep -E '^\.It Fl' man/kdetect.8 | grep -oE 'Fl -[a-z][a-z-]+' | sed 's/^Fl /-/' | sort -u)
if [ "$help_opts" = "$man_opts" ]; then
	ok
else
	bad "--help and man/kdetect.8 differ in options:"
	diff <(echo "$help_opts") <(echo "$man_opts") >&2 || true
fi
for cmd in scan inspect rules; do
	check "--help names the command $cmd" bash -c "'$KD' --help | grep -q 'kdetect $cmd'"
	check "the man page names the command $cmd" grep -q "Cm $cmd" man/kdetect.8
done
for code in 0 1 2 3; do
	check "EXIT STATUS names $code" grep -qE "^\.It $code\b|^\.It Li $code\b|^\.It Sy $code\b" man/kdetect.8
done
# every member the JSON report's schema names is named in the man page's Report section
report=$(sed -n '/^\.Ss Report$/,/^\.Sh OPTIONS$/p' man/kdetect.8)
missing=
for m in $(jq -r '[.. | objects | select(has("properties")) | .properties | keys[]] | unique[]' src/report/report.schema.json); do
	grep -qE "^\.(Sy|It Sy|Pf \( Sy) ${m//./\\.}( |$)" <<<"$report" || missing="$missing $m"
done
if [ -z "$missing" ]; then ok; else bad "the man page does not name the report members:$missing"; fi

finish man
