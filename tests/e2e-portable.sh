#!/usr/bin/env bash
# e2e-portable.sh - the portable binary on its own: statically linked, within its size
# goal, and giving the same reports as the standard build when nothing else is there:
# inside an empty chroot (only the binary and a fixture root), and as the live host
# of a chroot without a single shared library. Run after e2e.sh (it uses its roots).
# The other e2e scripts compare both builds on every fixture root (KD_SAME_AS).
set -euo pipefail
cd "$(dirname "$0")/.."

. tests/lib.sh

KS=${KD_STATIC:-./kdetect-static}
R=$OUT/roots
[ -x "$KS" ] || { echo "e2e-portable: $KS missing (make portable)" >&2; exit 1; }
[ -d "$R/clean" ] || { echo "e2e-portable: $R missing (run tests/e2e.sh first)" >&2; exit 1; }

echo "e2e-portable: $KS in empty chroots"

# ---- the binary itself
check "static: no program interpreter, no shared library" \
	bash -c "! readelf -lW '$KS' | grep -q INTERP && ! readelf -dW '$KS' | grep -q NEEDED"
size=$(stat -c %s "$KS")
check "stripped size $size bytes is within 8 MiB" test "$size" -le $((8 << 20))
check "stripped" bash -c "! readelf -SW '$KS' | grep -q ' .symtab '"
check "--version names the portable build" bash -c "'$KS' --version | grep -q '(portable build)'"

# ---- an empty chroot holding only the binary and fixture roots, scanned as --root
E=$OUT/portable-empty
rm -rf "$E"
mkdir -p "$E/roots"
cp "$KS" "$E/kdetect"
for name in clean kav4fs unsigned hostile; do
	cp -a "$R/$name" "$E/roots/$name"
done
# what the standard build says of the same roots, with the root path named alike (and
# so the command line)
same_report() {
	same_reports "$1" "$2" 'del(.tool.build, .host.root, .run.argv)'
}
for name in clean kav4fs unsigned hostile; do
	run_scan "portable-std-$name" --root "$R/$name"
	want=$RC
	set +e
	chroot "$E" /kdetect scan --format json --root "/roots/$name" >"$OUT/r-portable-$name.json" \
		2>"$OUT/r-portable-$name.err"
	RC=$?
	set -e
	report_made "$OUT/r-portable-$name.json"
	expect_rc "$want" "empty chroot, --root /roots/$name"
	check "empty chroot: $name report equals the standard build's" \
		same_report "$OUT/r-portable-std-$name.json" "$OUT/r-portable-$name.json"
done
jqt "empty chroot: the Kaspersky module is found" "$OUT/r-portable-kav4fs.json" \
	'[.findings[] | select(.severity == "critical")] | length > 0'
jqt "empty chroot: the build says portable" "$OUT/r-portable-clean.json" '.tool.build == "portable"'

# ---- the live host of a chroot with no shared library at all: our own modules.dep
# reader stands in for libkmod, and the results equal libkmod's
if [ -z "${KD_SANITIZER:-}" ]; then
	L=$OUT/portable-live
	rm -rf "$L"
	cp -a "$R/clean" "$L"
	cp "$KS" "$L/kdetect"
	check "live chroot holds no shared library" \
		test -z "$(find "$L" -regex '.*\.so\(\.[0-9.]*\)?' -print -quit)"
	set +e
	chroot "$L" /kdetect scan --format json >"$OUT/r-portable-live.json" 2>"$OUT/r-portable-live.err"
	RC=$?
	set -e
	report_made "$OUT/r-portable-live.json"
	expect_rc 0 "portable binary as the live host"
	jqt "live: modules.dep read by our reader" "$OUT/r-portable-live.json" \
		'[.coverage[] | select(.source | endswith("modules.dep")) | .detail | test("^modules.dep read")] == [true]'
	check "live: modules, findings and trust equal the standard build's --root scan" \
		same_reports "$OUT/r-portable-live.json" "$OUT/r-portable-std-clean.json" '{modules, findings, trust}'
fi

finish e2e-portable
