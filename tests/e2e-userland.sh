#!/usr/bin/env bash
# e2e-userland.sh - end-to-end tests of the rules beyond kernel modules: installed
# products, services, processes and embedded engines in generated fixture roots,
# checked against build/test/ul/USERLAND.tsv, and a root full of lookalikes.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib.sh

U=$OUT/ul
echo "e2e-userland: building fixture roots"
tests/mkroots-userland.sh "$U"

# Expected findings per case: "kind:subject" columns (see USERLAND.md); package, service and
# process subjects must match exactly, file paths must be among the files listed.
while IFS=$'\t' read -r name exit_status rest; do
	case $name in '#'* | '') continue ;; esac
	case_dir=${name%/live}
	if [ "$name" != "$case_dir" ]; then
		[ -z "${KD_SANITIZER:-}" ] || continue	# see tests/e2e.sh: no chroot for sanitizer builds
		make_chroot "$U/$case_dir" "$OUT/chroot-ul"
		set +e
		chroot "$OUT/chroot-ul" /kdetect scan --format json >"$OUT/r-ul-$case_dir-live.json" 2>/dev/null
		RC=$?
		set -e
		J=$OUT/r-ul-$case_dir-live.json
		report_made "$J"
	else
		run_scan "ul-$name" --root "$U/$name"
		J=$OUT/r-ul-$name.json
	fi
	expect_rc "$exit_status" "$name"
	read -r -a want <<<"${rest:-}"
	for kind in package service process; do
		expected=$(printf '%s\n' "${want[@]}" | sed -n "s/^$kind://p" | sort -u | paste -sd, -)
		if [ "$kind" = process ]; then
			got=$(jq -r '[.findings[] | select(.kind == "process") | .evidence["process.pid"] | tostring] | unique | join(",")' "$J")
		else
			got=$(jq -r --arg k "$kind" '[.findings[] | select(.kind == $k) | .name] | unique | join(",")' "$J")
		fi
		if [ "$expected" = "$got" ]; then ok; else bad "$name: $kind findings '$got', expected '$expected'"; fi
	done
	for w in "${want[@]}"; do
		case $w in file:*) ;; *) continue ;; esac
		jqt "$name: ${w#file:} among the files found" "$J" \
			'[.findings[] | select(.kind == "file") | .evidence.file[]] | index($p) != null' \
			--arg p "${w#file:}"
	done
done <"$U/USERLAND.tsv"

# what the findings say
J=$OUT/r-ul-kesl.json
jqt "kesl: package finding cites its rule and version" "$J" \
	'.findings[] | select(.kind == "package") | .severity == "high" and .rule == "KL-PKG-001" and .evidence["package.version"] == "12.1.0.1297"'
jqt "kesl: enabled state of the unit shown" "$J" \
	'.findings[] | select(.kind == "service" and .name == "kesl.service") | .evidence["service.enabled"] == "yes" and .evidence["service.exec"] == "/opt/kaspersky/kesl/libexec/kesl_launcher.sh"'
jqt "kesl: disabled unit found too, shown disabled" "$J" \
	'.findings[] | select(.kind == "service" and .name == "kesl-supervisor.service") | .evidence["service.enabled"] == "no"'
jqt "kesl: SysV script enabled by its rc S link" "$J" \
	'.findings[] | select(.kind == "service" and .name == "kesl") | .evidence["service.kind"] == "sysv" and .evidence["service.enabled"] == "yes"'
jqt "kesl: install tree reported once per rule, with a count" "$J" \
	'[.findings[] | select(.rule == "KL-FILE-001")] | length == 1 and (.[0].evidence.files_matched | type == "number" and . > 3) and (.[0].evidence as $e | ($e.file | length) == ([$e.files_matched, 10] | min))'
jqt "kesl: product logs under /var/log/kaspersky are low" "$J" \
	'.findings[] | select(.rule == "KL-FILE-009") | .severity == "low" and (.evidence.file | length > 0 and all(test("^/var/log/kaspersky/kesl/")))'
jqt "kesl: processes are not read from an image" "$J" '.coverage[] | select(.source == "processes") | .status == "absent"'
J=$OUT/r-ul-appliance.json
jqt "appliance: engine findings are medium, in the product's directory" "$J" \
	'[.findings[] | select(.kind == "file") | .severity] | unique == ["medium"]'
jqt "appliance: bases found by their content, one finding in /opt/acme-gateway and one in /srv/filtr" "$J" \
	'[.findings[] | select(.rule == "KL-ENG-001") | select(.evidence.matched | any(test("file.bytes at 0"))) | .evidence.directory] == [["/opt/acme-gateway/engine/bases"], ["/srv/filtr/bases"]]'
jqt "appliance: engine and bases of the appliance are one thing, the remnant in /srv/filtr another" "$J" \
	'[.findings | group_by(.group)[] | map(.name) | sort] | sort == [["/opt/acme-gateway/engine", "/opt/acme-gateway/engine/bases"], ["/srv/filtr/bases"]]'
jqt "appliance: no Kaspersky package, service or process" "$J" \
	'[.findings[] | select(.kind != "file")] == []'
J=$OUT/r-ul-remnants.json
jqt "remnants: low only" "$J" '[.findings[].severity] | unique == ["low"]'
jqt "remnants: the package's file list joins it to the data it left" "$J" \
	'([.findings[].group] | unique | length == 1) and (.findings[] | select(.kind == "package") | .evidence.installed_in == ["/var/opt/kaspersky/kesl"])'
J=$OUT/r-ul-rpm.json
jqt "rpm: database reported as not read" "$J" \
	'.coverage[] | select(.source | test("rpm")) | .status == "error" and (.detail | test("not read"))'
jqt "rpm: incomplete" "$J" '.summary.incomplete'
J=$OUT/r-ul-lookalikes.json
jqt "lookalikes: nothing found" "$J" '.findings == [] and (.summary.incomplete | not)'

# one thing per product: the findings about one product are one group, two products two groups
for J in "$OUT/r-ul-kesl.json" "$OUT/r-ul-klnagent.json" "$OUT/r-ul-scanengine.json" "$OUT/r-ul-kesl-live.json"; do
	[ -e "$J" ] || continue
	jqt "${J##*/}: one product, one group" "$J" '[.findings[].group] | unique == [1]'
done
jqt "kesl: the package's file list names the trees it installed into" "$OUT/r-ul-kesl.json" \
	'[.findings[] | select(.kind == "package") | .evidence.installed_in] == [["/opt/kaspersky/kesl", "/var/opt/kaspersky/kesl"]]'
J=$OUT/r-ul-endpoint.json
jqt "endpoint: the install-tree rule gives a finding per product tree" "$J" \
	'[.findings[] | select(.rule == "KL-FILE-001") | .name] == ["/opt/kaspersky/kesl/bin", "/opt/kaspersky/klnagent64/bin"]'
for J in "$OUT/r-ul-endpoint.json" "$OUT/r-ul-endpoint-live.json"; do
	[ -e "$J" ] || continue
	jqt "${J##*/}: two products, two groups, none with the other's package, unit, process or files" "$J" \
		'(.findings | group_by(.group) | map([.[] | [.name, .path, .evidence["service.exec"], .evidence["process.exe"], (.evidence.file | if type == "array" then .[] else . end)] | .[] | strings | select(test("kesl|klnagent")) | test("klnagent")] | unique) | sort) == [[false], [true]]'
done

# the text report: one product reads as one finding, lines hold in 100 columns
"$KD" scan --root "$U/kesl" >"$OUT/r-ul-kesl.txt" || true
check "kesl text: one finding, the product, with its package, units and files" \
	bash -c "head -n 1 '$OUT/r-ul-kesl.txt' | grep -qx 'kdetect [0-9.]*: FINDINGS (1)' &&
		grep -qx '  HIGH     product kesl: 8 findings' '$OUT/r-ul-kesl.txt' &&
		grep -qx '           in /opt/kaspersky/kesl, /var/log/kaspersky/kesl, /var/opt/kaspersky/kesl' '$OUT/r-ul-kesl.txt' &&
		grep -qx '           package kesl' '$OUT/r-ul-kesl.txt' &&
		grep -qx '           service kesl  /etc/init.d/kesl' '$OUT/r-ul-kesl.txt' &&
		grep -qx '             high, KL-SVC-001 KL-SVC-002: Kaspersky product service is installed' '$OUT/r-ul-kesl.txt'"
"$KD" scan --root "$U/endpoint" >"$OUT/r-ul-endpoint.txt" || true
check "endpoint text: two products" \
	bash -c "head -n 1 '$OUT/r-ul-endpoint.txt' | grep -q ': FINDINGS (2)$' &&
		grep -qx '  HIGH     product kesl: 4 findings' '$OUT/r-ul-endpoint.txt' &&
		grep -qx '  HIGH     product klnagent64: 4 findings' '$OUT/r-ul-endpoint.txt'"
for c in kesl appliance klnagent scanengine remnants rpm endpoint; do
	"$KD" scan --root "$U/$c" >"$OUT/r-ul-$c.txt" || true
	check "$c text: no line longer than 100 columns" \
		bash -c "! LC_ALL=C.UTF-8 awk 'length > 100 { print; bad = 1 } END { exit !bad }' '$OUT/r-ul-$c.txt'"
done
check "rpm text: nothing found, but incomplete" \
	bash -c "head -n 1 '$OUT/r-ul-rpm.txt' | grep -qx 'kdetect [0-9.]*: nothing found, but INCOMPLETE'"
# findings do not hide that a source could not be read
rm -rf "$OUT/ul-rpm-kesl"
cp -a "$U/rpm" "$OUT/ul-rpm-kesl"
mkdir -p "$OUT/ul-rpm-kesl/opt/kaspersky/kesl/bin"
cp "$U/kesl/opt/kaspersky/kesl/bin/kesl-control" "$OUT/ul-rpm-kesl/opt/kaspersky/kesl/bin/"
run_scan ul-rpm-kesl --root "$OUT/ul-rpm-kesl"
expect_rc 1 "rpm with a KESL tree: findings"
jqt "rpm with a KESL tree: incomplete" "$OUT/r-ul-rpm-kesl.json" '.summary.incomplete'
"$KD" scan --root "$OUT/ul-rpm-kesl" >"$OUT/r-ul-rpm-kesl.txt" || true
check "rpm with a KESL tree: the text says FINDINGS and INCOMPLETE" \
	bash -c "head -n 1 '$OUT/r-ul-rpm-kesl.txt' | grep -qx 'kdetect [0-9.]*: FINDINGS (1), INCOMPLETE'"

# RPM databases made by Debian's rpm (tests/mkrpmroots.sh), read by kdetect's own readers
RP=$OUT/rpm
tests/mkrpmroots.sh "$RP"
while IFS=$'\t' read -r name db count; do
	run_scan "$name" --root "$RP/$name"
	J=$OUT/r-$name.json
	jqt "$name: $db read, as many packages as rpm -qa lists ($count)" "$J" \
		'[.coverage[] | select(.source | test("rpm"))] | length == 1 and .[0].source == $db and .[0].status == "ok" and (.[0].detail | startswith("rpm database \($db) (sqlite): \($n) packages read"))' \
		--arg db "$db" --arg n "$count"
	case $name in
	rpm-benign | rpm-large)
		expect_rc 0 "$name: nothing found"
		jqt "$name: nothing found, complete" "$J" '.findings == [] and (.summary.incomplete | not)'
		;;
	*)
		expect_rc 1 "$name: the kesl package found"
		jqt "$name: KL-PKG-001 on the rpm package kesl, vendor and version in evidence" "$J" \
			'[.findings[] | select(.kind == "package")] | length == 1 and .[0].rule == "KL-PKG-001" and .[0].name == "kesl" and .[0].evidence["package.manager"] == "rpm" and .[0].evidence["package.vendor"] == "AO Kaspersky Lab" and .[0].evidence["package.version"] == "12.1.0-1297"'
		jqt "$name: complete" "$J" '.summary.incomplete | not'
		jqt "$name: the header's file list names the tree the package installed into" "$J" \
			'[.findings[] | select(.kind == "package") | .evidence.installed_in] == [["/opt/kaspersky/kesl"]]'
		;;
	esac
done <"$RP/RPMROOTS.tsv"
jqt "rpm-sysimage: package and the files it installed are one product" "$OUT/r-rpm-sysimage.json" \
	'([.findings[] | select(.kind == "file")] | length > 0) and ([.findings[].group] | unique == [1])'
jqt "rpm-both: the database rpm's macros name is read, the other one named" "$OUT/r-rpm-both.json" \
	'.coverage[] | select(.source == "/usr/lib/sysimage/rpm/rpmdb.sqlite") | .detail | test("also present, not what rpm uses: /var/lib/rpm/rpmdb.sqlite$")'
for name in rpm-corrupt rpm-truncated; do
	run_scan "$name" --root "$RP/$name"
	expect_rc 3 "$name: incomplete"
	jqt "$name: the database is an error, with the reason" "$OUT/r-$name.json" \
		'[.coverage[] | select(.source == "/var/lib/rpm/rpmdb.sqlite")] | length == 1 and .[0].status == "error" and (.[0].detail | test("not read whole \\(0 packages read\\): SQLite "))'
done
jqt "rpm-corrupt: a page that is no b-tree page" "$OUT/r-rpm-corrupt.json" \
	'.coverage[] | select(.source == "/var/lib/rpm/rpmdb.sqlite") | .detail | test("not a table b-tree page")'
# a -wal file with content: its transactions are not seen, the inspection is incomplete
rm -rf "$OUT/rpm-wal"
cp -a "$RP/rpm-kesl" "$OUT/rpm-wal"
printf 'not checkpointed\n' >"$OUT/rpm-wal/var/lib/rpm/rpmdb.sqlite-wal"
run_scan rpm-wal --root "$OUT/rpm-wal"
expect_rc 1 "rpm-wal: kesl still found"
jqt "rpm-wal: incomplete, the WAL named" "$OUT/r-rpm-wal.json" \
	'.summary.incomplete and (.coverage[] | select(.source == "/var/lib/rpm/rpmdb.sqlite") | .status == "error" and (.detail | test("rpmdb.sqlite-wal has content")))'
# RHEL 7/8: the same packages in a Berkeley DB hash database (written by Berkeley DB's own
# db_load), read by kdetect's reader; rpm's bdb_ro backend is the oracle of what it holds
rm -rf "$OUT/rpm-bdb"
mkdir -p "$OUT/rpm-bdb/var/lib/rpm"
cp -r "$RP/rpm-kesl/etc" "$OUT/rpm-bdb/"
bash tests/mkrpmdb.sh bdb-from "$RP/rpm-kesl/var/lib/rpm/rpmdb.sqlite" "$OUT/rpm-bdb/var/lib/rpm/Packages"
bdb_n=$(rpm --define '_db_backend bdb_ro' --dbpath "$(cd "$OUT/rpm-bdb/var/lib/rpm" && pwd)" -qa 2>/dev/null | wc -l)
run_scan rpm-bdb --root "$OUT/rpm-bdb"
expect_rc 1 "rpm-bdb: kesl found in a Berkeley DB database"
jqt "rpm-bdb: read whole, as many packages as rpm -qa lists" "$OUT/r-rpm-bdb.json" \
	'.coverage[] | select(.source == "/var/lib/rpm/Packages") | .status == "ok" and (.detail | test("\\(bdb\\): \($n) packages read"))' \
	--argjson n "$bdb_n"
check "rpm-bdb: rpm's bdb_ro read packages too" test "$bdb_n" -gt 0
jqt "rpm-bdb: KL-PKG-001 with the vendor" "$OUT/r-rpm-bdb.json" \
	'[.findings[] | select(.rule == "KL-PKG-001") | .evidence["package.vendor"]] | length == 1'
jqt "rpm-bdb: the same package facts as from sqlite" "$OUT/r-rpm-bdb.json" \
	'.summary.incomplete | not'
# a Berkeley DB file that is none: the reason, incomplete
rm -rf "$OUT/rpm-badbdb"
mkdir -p "$OUT/rpm-badbdb/var/lib/rpm"
cp -r "$RP/rpm-kesl/etc" "$OUT/rpm-badbdb/"
head -c 8192 /dev/zero >"$OUT/rpm-badbdb/var/lib/rpm/Packages"
run_scan rpm-badbdb --root "$OUT/rpm-badbdb"
expect_rc 3 "rpm-badbdb: incomplete"
jqt "rpm-badbdb: Packages is an error, with the reason" "$OUT/r-rpm-badbdb.json" \
	'.coverage[] | select(.source == "/var/lib/rpm/Packages") | .status == "error" and (.detail | test("\\(bdb\\): .*Berkeley DB"))'

# the rule set in use is recorded, and --rules / --rules-add / rules check work
jqt "report records the rule set" "$OUT/r-ul-kesl.json" \
	'.rules.count > 20 and (.rules.sha256 | length == 64) and .rules.files == ["rules/kaspersky.rules"]'
mkdir -p "$OUT/rules-extra"
cat >"$OUT/rules-extra/site.rules" <<'RULES'
rule SITE-001 {
	title "Acme gateway installed"
	severity info
	reference "site policy"
	match any { package.name equals "acme-gateway" }
}
RULES
run_scan ul-add --root "$U/appliance" --rules-add "$OUT/rules-extra"
jqt "--rules-add: extra rule applied, built-in rules kept" "$OUT/r-ul-add.json" \
	'([.findings[].rule] | index("SITE-001") != null) and ([.findings[].rule] | index("KL-ENG-001") != null) and (.rules.files | length == 2)'
expect_rc 1 "--rules-add: an info finding does not lower the status set by others"
run_scan ul-replace --root "$U/appliance" --rules "$OUT/rules-extra/site.rules"
jqt "--rules: only the given rules" "$OUT/r-ul-replace.json" '[.findings[].rule] == ["SITE-001"] and .rules.count == 1'
expect_rc 0 "--rules: info findings alone exit 0"
check "rules check: built-in set" bash -c "'$KD' rules check | grep -q '^[0-9]* rules in 1 file'"
printf 'rule X {\n  title "t"\n  severity high\n  reference "r"\n  match any { package.nmae equals "x" }\n}\n' >"$OUT/rules-extra/bad.rules.txt"
set +e
"$KD" rules check "$OUT/rules-extra/bad.rules.txt" 2>"$OUT/rules-check.err"
RC=$?
set -e
expect_rc 2 "rules check: a bad file"
check "rules check: error names file, line and column" \
	grep -q "bad.rules.txt:5:15: unknown field 'package.nmae'" "$OUT/rules-check.err"

finish e2e-userland
