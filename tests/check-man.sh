#!/usr/bin/env bash
# check-man.sh - the man page and --help must name the same options and commands.
set -euo pipefail
cd "$(dirname "$0")/.."
help_opts=$(./kdetect --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
man_opts=$(grep -E '^\.It Fl' man/kdetect.8 | grep -oE 'Fl -[a-z][a-z-]+' | sed 's/^Fl /-/' | sort -u)
if [ "$help_opts" != "$man_opts" ]; then
	echo "check-man: --help and man/kdetect.8 differ in options:" >&2
	diff <(echo "$help_opts") <(echo "$man_opts") >&2 || true
	exit 1
fi
for cmd in scan inspect rules; do
	./kdetect --help | grep -q "kdetect $cmd" || { echo "check-man: --help lacks $cmd" >&2; exit 1; }
	grep -q "Cm $cmd" man/kdetect.8 || { echo "check-man: man page lacks $cmd" >&2; exit 1; }
done
for code in 0 1 2 3; do
	grep -qE "^\.It $code\b|^\.It Li $code\b|^\.It Sy $code\b" man/kdetect.8 ||
		{ echo "check-man: EXIT STATUS lacks $code" >&2; exit 1; }
done
# every member the JSON report's schema names is named in the man page's Report section
report=$(sed -n '/^\.Ss Report$/,/^\.Sh OPTIONS$/p' man/kdetect.8)
for m in $(jq -r '[.. | objects | select(has("properties")) | .properties | keys[]] | unique[]' src/report.schema.json); do
	grep -qE "^\.(Sy|It Sy|Pf \( Sy) ${m//./\\.}( |$)" <<<"$report" ||
		{ echo "check-man: man page does not name the report member $m" >&2; exit 1; }
done
echo "check-man: options, commands, exit statuses and report members agree"
