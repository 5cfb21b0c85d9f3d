#!/usr/bin/env bash
# e2e.sh - end-to-end tests: run the built ./kdetect on generated fixture roots
# (real modules built with kbuild and signed with the kernel's sign-file) and on
# Debian's real signed kernel package, and check reports and exit statuses.
set -euo pipefail
cd "$(dirname "$0")/.."

. tests/lib.sh

kernel_fixtures e2e
# the release of the installed headers the modules were built with: every fixture root's kernel
REL=$(cat "$OUT/kmods/release")

# ---- clean: a loaded, kernel-trusted module and a lookalike that must not match
run_scan clean --root "$R/clean"
expect_rc 0 clean
jqt "clean: no findings" "$OUT/r-clean.json" '.findings == []'
jqt "clean: loaded module valid and kernel-trusted" "$OUT/r-clean.json" \
	'.modules[] | select(.name == "kdt_neutral") | .loaded and .signature.status == "valid" and .signature.kernel_trusted and .kernel.build_id_matches and .taint == "O"'
jqt "clean: lookalike (Kasper..., kl*) not flagged and valid" "$OUT/r-clean.json" \
	'.modules[] | select(.name == "klpx_lookalike") | .signature.status == "valid" and (.loaded | not)'
jqt "clean: builtin certificate from vmlinuz joined to proc/keys by SKID" "$OUT/r-clean.json" \
	'[.trust[] | select(.kind == "kernel-image") | . as $t | .kernel_trusted and ($t.keyring_key | test($t.skid))] == [true]'
jqt "clean: signer is issuer+serial of the kernel key, verified with vmlinuz cert" "$OUT/r-clean.json" \
	'.modules[] | select(.name == "kdt_neutral") | .signature | (.verified_with | startswith("/boot/vmlinuz-")) and .serial != null and .hash_algo == "sha256"'
jqt "clean: taint decoded" "$OUT/r-clean.json" '.host.taint_flags == [{"flag":"O","meaning":"externally built (out-of-tree) module loaded"}]'
jqt "clean: required top-level fields" "$OUT/r-clean.json" \
	'.schema == "kdetect-report/1" and .tool.name == "kdetect" and (.host | has("hostname") and has("kernel_release") and has("root")) and (.coverage | length > 0)'
jqt "clean: module fields" "$OUT/r-clean.json" \
	'.modules[0] | has("name") and has("loaded") and has("path") and has("file_name_matches") and has("taint") and has("modinfo") and (.signature | has("status") and has("reason") and has("hash_algo") and has("sig_algo") and has("issuer") and has("serial") and has("skid") and has("signer_subject") and has("cert_sha256") and has("verified_with") and has("kernel_trusted"))'
jqt "clean: modinfo fields, each an array of its values" "$OUT/r-clean.json" \
	'.modules[] | select(.name == "kdt_neutral") | .modinfo | .author == ["Example Industrial Controls Ltd"] and .license == ["GPL"] and (.vermagic[0] | length > 0) and (.srcversion | length == 1) and ([.[] | type] | unique == ["array"])'
jqt "clean: the run: command line, start and end in UTC, duration" "$OUT/r-clean.json" \
	'.run.argv[1:] == ["scan", "--format", "json", "--root", $r] and (.run.started | test("^20[0-9-]{8}T[0-9:]{8}\\.[0-9]{3}Z$")) and .run.started <= .run.finished and (.run.duration_ms | type == "number" and . >= 0)' \
	--arg r "$R/clean"
jqt "clean: the hostname is the root's, no machine-id or boot id in it" "$OUT/r-clean.json" \
	'.host.hostname == "clean" and .host.machine_id == null and .host.boot_id == null'

# determinism: the same input gives the same report, the times of the run apart
"$KD" scan --format json --root "$R/clean" >"$OUT/r-clean2.json" || true
check "report is deterministic" same_reports "$OUT/r-clean.json" "$OUT/r-clean2.json"
"$KD" scan --root "$R/clean" -j 1 --format json >"$OUT/r-clean3.json" || true
check "report does not depend on --jobs" same_reports "$OUT/r-clean.json" "$OUT/r-clean3.json" 'del(.run.argv)'
report_made "$OUT/r-clean2.json" "$OUT/r-clean3.json"

# the report schema: what the suite checks every report against must reject a wrong type
jq '.summary.modules = "3"' "$OUT/r-clean.json" >"$OUT/r-wrong-type.json"
set +e
"$KD_PYTHON" tests/validate-reports.py "$KD_SCHEMA" "$OUT/r-wrong-type.json" >"$OUT/r-wrong-type.out" 2>&1
RC=$?
set -e
expect_rc 1 "schema: a report with a string for a number"
check "schema: the failure names the report and the member" \
	grep -qF "FAIL: $OUT/r-wrong-type.json: \$.summary.modules: '3' is not of type 'integer'" "$OUT/r-wrong-type.out"

# identity of the machine and the boot, where the root has them
rm -rf "$OUT/ident" && cp -a "$R/clean" "$OUT/ident"
echo 0123456789abcdef0123456789abcdef >"$OUT/ident/etc/machine-id"
mkdir -p "$OUT/ident/proc/sys/kernel/random"
echo 6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 >"$OUT/ident/proc/sys/kernel/random/boot_id"
run_scan ident --root "$OUT/ident"
jqt "machine-id and boot id of the root" "$OUT/r-ident.json" \
	'.host.machine_id == "0123456789abcdef0123456789abcdef" and .host.boot_id == "6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"'
check "text report: the scan's time and the machine in the header" \
	bash -c "'$KD' scan --root '$OUT/ident' | sed -n 3,4p | paste -sd' ' | grep -qE '^scan 20[0-9-]+T[0-9:]+Z, [0-9]+\.[0-9]{3} s, machine-id 0123456789abcdef0123456789abcdef, +boot-id 6f1e2d3c-'"

# --quiet prints nothing when nothing is found; text report lists the module
check "quiet on a clean root" test -z "$("$KD" scan --quiet --root "$R/clean")"
check "text report names the loaded module" bash -c "'$KD' scan --root '$R/clean' | grep -q 'loaded kdt_neutral'"

# ---- loaded module without a file
run_scan nofile --root "$R/loaded-nofile"
expect_rc 1 loaded-nofile
jqt "loaded-nofile: KD-MOD-NOFILE for kdt_ghost" "$OUT/r-nofile.json" \
	'[.findings[] | select(.rule == "KD-MOD-NOFILE") | .name] == ["kdt_ghost"]'

# ---- disguised file name
run_scan disguised --root "$R/disguised"
expect_rc 1 disguised
jqt "disguised: name mismatch reported" "$OUT/r-disguised.json" \
	'.findings == [.findings[] | select(.rule == "KD-MOD-NAME" and .name == "kdt_neutral" and (.path | endswith("/e1000x.ko")))] and (.findings | length == 1)'
jqt "disguised: file_name_matches false, joined to the loaded module" "$OUT/r-disguised.json" \
	'.modules[] | select(.name == "kdt_neutral") | (.file_name_matches | not) and .loaded'

# ---- Kaspersky-signed: critical when loaded, high as a file; compressed copies too
run_scan klsigned --root "$R/kaspersky-signed"
expect_rc 1 kaspersky-signed
jqt "kaspersky-signed: loaded module critical" "$OUT/r-klsigned.json" \
	'[.findings[] | select(.name == "kdt_klsigned" and .severity == "critical")] | length == 1'
jqt "kaspersky-signed: three compressed files high" "$OUT/r-klsigned.json" \
	'[.findings[] | select(.name == "kdt_klsigned" and .severity == "high") | .path | test("\\.ko\\.(xz|zst|gz)$")] == [true,true,true]'
jqt "kaspersky-signed: identified by the issuer named in the signature, unverifiable without the cert" "$OUT/r-klsigned.json" \
	'[.findings[] | select(.kind == "kaspersky") | .rule == "KL-CERT-001" and .evidence["cert.issuer.O"] == ["AO Kaspersky Lab"] and .evidence.signature == "unverifiable"] | all'
jqt "kaspersky-signed: not identified by metadata" "$OUT/r-klsigned.json" \
	'[.findings[] | .rules[] | select(. == "KL-MOD-001")] == []'
jqt "kaspersky-signed: OGRN rule also matched" "$OUT/r-klsigned.json" \
	'[.findings[] | select(.kind == "kaspersky") | .rules | index("KL-CERT-002") != null] | all'
jqt "kaspersky-signed: the devices bound to the flagged module's drivers, with sysfs ids" "$OUT/r-klsigned.json" \
	'[.modules[] | select(.name == "kdt_klsigned" and .loaded) | .devices[] | [.bus, .driver, .name, .vendor_id, .product_id, .vendor]] == [["pci","kdt_klsigned","0000:03:00.0","10b5","9050",null],["usb","kdt_klsigned_usb","1-4:1.0","046d","c52b",null]]'
jqt "kaspersky-signed: a device without ids is listed by its modalias" "$OUT/r-klsigned.json" \
	'[.modules[] | select(.name == "kdt_neutral" and .loaded) | .devices[] | [.bus, .name, .vendor_id, .modalias]] == [["platform","kdt_neutral.0",null,"platform:kdt_neutral"]]'
jqt "kaspersky-signed: unloaded modules list no devices" "$OUT/r-klsigned.json" \
	'[.modules[] | select(.loaded | not) | .devices == null and .kernel == null and .taint_explained == null] | all'
jqt "kaspersky-signed: coverage counts devices and says how they are named" "$OUT/r-klsigned.json" \
	'.coverage[] | select(.source == "sys/bus") | .status == "ok" and (.detail | startswith("3 devices bound to the drivers of 2 modules; offline root"))'
jqt "kaspersky-signed: taint E explained by the untrusted signature" "$OUT/r-klsigned.json" \
	'.modules[] | select(.name == "kdt_klsigned" and .loaded) | [.taint_explained[].flag] == ["O","E"] and (.taint_explained[1].why | test("^signature unverifiable"))'
"$KD" scan --root "$R/kaspersky-signed" >"$OUT/r-klsigned.txt" || true
check "kaspersky-signed: the text report lists the devices under the finding" \
	grep -qF "             pci 0000:03:00.0 (driver kdt_klsigned) 10b5:9050" "$OUT/r-klsigned.txt"
run_scan klsigned-cert --root "$R/kaspersky-signed" --cert "$PKI/kl/cert.pem"
jqt "--cert: valid with operator certificate, not kernel-trusted" "$OUT/r-klsigned-cert.json" \
	'[.modules[] | select(.name == "kdt_klsigned") | .signature | .status == "valid" and (.kernel_trusted | not) and (.verified_with | startswith("--cert ")) and (.signer_subject | test("Kaspersky Lab Test Module Signing"))] | (length == 4 and all)'
jqt "--cert: subject fact matched" "$OUT/r-klsigned-cert.json" \
	'[.findings[] | select(.kind == "kaspersky") | .evidence["cert.subject.O"] == ["AO Kaspersky Lab"]] | (length == 4 and all)'
mkdir -p "$OUT/certdir" && cp "$PKI/kl/cert.pem" "$OUT/certdir/kl.pem" && cp "$PKI/vendor/cert.der" "$OUT/certdir/vendor.der"
jqt "kaspersky-signed with its certificate: taint E is the key the kernel does not trust" "$OUT/r-klsigned-cert.json" \
	'.modules[] | select(.name == "kdt_klsigned" and .loaded) | .taint_explained[] | select(.flag == "E") | .why | startswith("signed by a key the kernel does not trust (")'
run_scan certdir --root "$R/kaspersky-signed" --cert "$OUT/certdir"
jqt "--cert DIR reads *.pem and *.der" "$OUT/r-certdir.json" \
	'[.trust[] | select(.kind == "operator")] | length == 2'
set +e
"$KD" scan --root "$R/clean" --cert "$M/kdt_neutral.ko" >"$OUT/r-badcert.out" 2>&1
RC=$?
set -e
expect_rc 2 "--cert with a file that is no certificate is an error (tests/e2e-cli.sh: the message)"

# ---- Kaspersky by metadata only
run_scan klmeta --root "$R/kaspersky-meta"
expect_rc 1 kaspersky-meta
jqt "kaspersky-meta: KL-MOD-001 high (file not loaded)" "$OUT/r-klmeta.json" \
	'[.findings[] | {rule, severity, name}] == [{"rule":"KL-MOD-001","severity":"high","name":"kdt_klmeta"}]'
jqt "kaspersky-meta: unsigned" "$OUT/r-klmeta.json" '.modules[] | select(.name == "kdt_klmeta") | .signature.status == "unsigned"'

# ---- unsigned, untrusted, invalid
run_scan unsigned --root "$R/unsigned"
expect_rc 0 unsigned
jqt "unsigned: status unsigned, loaded, taint OE" "$OUT/r-unsigned.json" \
	'.modules[] | select(.name == "kdt_neutral") | .signature.status == "unsigned" and .loaded and .taint == "OE"'
run_scan untrusted --root "$R/untrusted"
expect_rc 0 untrusted
jqt "untrusted: unverifiable with reason" "$OUT/r-untrusted.json" \
	'.modules[] | select(.name == "kdt_neutral") | .signature.status == "unverifiable" and (.signature.reason | test("no certificate"))'
run_scan untrusted-cert --root "$R/untrusted" --cert "$PKI/other/cert.pem"
jqt "untrusted + --cert: valid, not kernel-trusted" "$OUT/r-untrusted-cert.json" \
	'.modules[] | select(.name == "kdt_neutral") | .signature.status == "valid" and (.signature.kernel_trusted | not)'
run_scan invalid --root "$R/invalid"
expect_rc 1 invalid
jqt "invalid: tampered module is invalid and a finding" "$OUT/r-invalid.json" \
	'(.modules[] | select(.name == "kdt_neutral") | .signature.status == "invalid") and ([.findings[].rule] == ["KD-SIG-INVALID"])'

# ---- compressed, key id, sha512
run_scan compressed --root "$R/compressed"
expect_rc 0 compressed
jqt "compressed: xz, zstd, gzip, key-id and sha512 variants all valid" "$OUT/r-compressed.json" \
	'([.modules[] | .signature.status] | unique) == ["valid"] and ([.modules[].compression] | sort | unique) == ["gzip","none","xz","zstd"]'
jqt "compressed: signer by key id" "$OUT/r-compressed.json" \
	'[.modules[] | select(.signature.skid != null and .signature.issuer == null)] | length == 1'
jqt "compressed: sha512" "$OUT/r-compressed.json" '[.modules[] | select(.signature.hash_algo == "sha512")] | length == 1'
jqt "compressed: loaded .ko.xz joined with matching build-id" "$OUT/r-compressed.json" \
	'[.modules[] | select(.loaded) | .compression == "xz" and .kernel.build_id_matches] == [true]'

# ---- an offline disk image without proc/ and sys/ is complete
run_scan nosys --root "$R/nosys"
expect_rc 1 nosys
jqt "nosys: proc and sys absent, not incomplete" "$OUT/r-nosys.json" \
	'([.coverage[] | select(.source | startswith("proc/")) | .status] | unique) == ["absent"] and (.summary.incomplete | not)'
jqt "nosys: Kaspersky module file high" "$OUT/r-nosys.json" \
	'[.findings[] | {name, severity}] == [{"name":"kdt_klsigned","severity":"high"}]'

# ---- a Kaspersky key among the keys the kernel trusts: critical, whether we hold its certificate or not
run_scan kernelkey --root "$R/kaspersky-kernelkey"
expect_rc 1 kaspersky-kernelkey
jqt "kernel key: builtin certificate and keyring-only key flagged critical" "$OUT/r-kernelkey.json" \
	'[.findings[] | select(.kind == "trust") | {severity, rule}] == [{"severity":"critical","rule":"KL-CERT-001"},{"severity":"critical","rule":"KL-CERT-001"}]'
jqt "kernel key: the builtin one names its image and is in proc/keys" "$OUT/r-kernelkey.json" \
	'[.findings[] | select(.kind == "trust") | .path] | sort == ["/boot/vmlinuz-\($rel)","/proc/keys"]' --arg rel "$REL"
jqt "kernel key: the vendor module is still valid and kernel-trusted" "$OUT/r-kernelkey.json" \
	'.modules[] | select(.name == "kdt_neutral") | .signature.kernel_trusted'

# ---- names Kaspersky gives its modules: kav4fs_oas alone, redirfs only beside a Kaspersky tree
run_scan kav4fs --root "$R/kav4fs"
expect_rc 1 kav4fs
jqt "kav4fs: kav4fs_oas loaded is critical, redirfs file with kav4fs tree high" "$OUT/r-kav4fs.json" \
	'[.findings[] | select(.kind == "kaspersky") | {name, severity}] == [{"name":"kav4fs_oas","severity":"critical"},{"name":"redirfs","severity":"high"}]'
jqt "kav4fs: redirfs evidence shows the confirming path" "$OUT/r-kav4fs.json" \
	'.findings[] | select(.name == "redirfs") | .evidence["host.path"] == ["/opt/kaspersky/kav4fs"]'
run_scan redirfs --root "$R/redirfs-other"
expect_rc 0 "redirfs without a Kaspersky tree"
jqt "redirfs of another vendor: no finding" "$OUT/r-redirfs.json" '.findings == []'

# ---- a Kaspersky module compiled into a vendor kernel: only modules.builtin.modinfo shows it
run_scan builtin --root "$R/kaspersky-builtin"
expect_rc 1 kaspersky-builtin
J=$OUT/r-builtin.json
jqt "builtin: critical in the running kernel, high in an installed one, by its modinfo" "$J" \
	'[.findings[] | {rule, severity, name, release: .evidence.release, built_in: .evidence.built_in}] == [{"rule":"KL-MOD-001","severity":"critical","name":"klif","release":$rel,"built_in":"yes, into the running kernel"},{"rule":"KL-MOD-001","severity":"high","name":"klif","release":"\($rel)-vendor-old","built_in":"yes, into an installed kernel"}]' \
	--arg rel "$REL"
jqt "builtin: the finding points at the file that shows it" "$J" \
	'[.findings[].path] == ["/lib/modules/\($rel)/modules.builtin.modinfo","/lib/modules/\($rel)-vendor-old/modules.builtin.modinfo"]' \
	--arg rel "$REL"
jqt "builtin: three modules a release, malformed strings skipped, none listed as a module file" "$J" \
	'([.coverage[] | select(.source | endswith("modules.builtin.modinfo")) | .detail] == ["3 built-in modules","3 built-in modules"]) and ([.modules[] | select(.name == "klif")] == [])'

# ---- hidden modules: the views of loaded modules must agree
variant() { rm -rf "$OUT/hid-$1" && cp -a "$R/$2" "$OUT/hid-$1"; }
variant consistent clean
# (with the kernel's own run-time code: ftrace and kprobe trampolines, a JIT-compiled BPF program)
printf '%s\t%s\n' 'ffffffffc0a01000 t kdt_neutral_init' '[kdt_neutral]' 'ffffffffc0201000 t ftrace_trampoline' '[__builtin__ftrace]' \
	'ffffffffc0203000 t kprobe_insn_page' '[__builtin__kprobes]' 'ffffffffc0205000 t bpf_prog_6deef7357e7b4530_sd_fw_egress' '[bpf]' \
	>"$OUT/hid-consistent/proc/kallsyms"
echo 'ffffffff81000000 T _stext' >>"$OUT/hid-consistent/proc/kallsyms"
run_scan hid-consistent --root "$OUT/hid-consistent"
expect_rc 0 "consistent views"
jqt "consistent: no finding, kallsyms read, the kernel's trampolines and BPF code are no modules" "$OUT/r-hid-consistent.json" \
	'.findings == [] and (.coverage[] | select(.source == "proc/kallsyms") | .status == "ok" and .detail == "1 modules with symbols")'
variant sysfs clean
mkdir -p "$OUT/hid-sysfs/sys/module/kdt_hide" && echo live >"$OUT/hid-sysfs/sys/module/kdt_hide/initstate"
run_scan hid-sysfs --root "$OUT/hid-sysfs"
expect_rc 1 "module in sys/module only"
jqt "hidden from proc/modules, seen in sys/module" "$OUT/r-hid-sysfs.json" \
	'[.findings[] | {rule, name, severity, kind}] == [{"rule":"KD-HIDDEN-PROC","name":"kdt_hide","severity":"high","kind":"hidden"}]'
variant kallsyms clean
printf 'ffffffffc0a01000 t kdt_neutral_init\t[kdt_neutral]\nffffffffc0b02000 t secret_hook\t[kdt_secret]\n' >"$OUT/hid-kallsyms/proc/kallsyms"
run_scan hid-kallsyms --root "$OUT/hid-kallsyms"
jqt "hidden from proc/modules, seen in proc/kallsyms" "$OUT/r-hid-kallsyms.json" \
	'[.findings[] | {rule, name}] == [{"rule":"KD-HIDDEN-PROC","name":"kdt_secret"}] and .findings[0].evidence.seen_in == "proc/kallsyms"'
variant procfs clean
printf 'kdt_nosys 16384 0 - Live 0x0000000000000000 (OE)\n' >>"$OUT/hid-procfs/proc/modules"
run_scan hid-procfs --root "$OUT/hid-procfs"
jqt "in proc/modules without a sys/module entry" "$OUT/r-hid-procfs.json" \
	'[.findings[] | select(.kind == "hidden") | {rule, name}] == [{"rule":"KD-HIDDEN-SYSFS","name":"kdt_nosys"}]'
variant sections kaspersky-signed
mkdir -p "$OUT/hid-sections/sys/module/kdt_neutral/sections"
run_scan hid-sections --root "$OUT/hid-sections"
jqt "a loaded module without sections while the others have them" "$OUT/r-hid-sections.json" \
	'[.findings[] | select(.rule == "KD-HIDDEN-SECTIONS") | .name] == ["kdt_klsigned"]'
variant taint clean
echo 12288 >"$OUT/hid-taint/proc/sys/kernel/tainted"
run_scan hid-taint --root "$OUT/hid-taint"
expect_rc 0 "unexplained taint is information, not an alarm (taint outlives unloaded modules)"
jqt "taint E that no loaded module carries" "$OUT/r-hid-taint.json" \
	'[.findings[] | {rule, name, severity}] == [{"rule":"KD-TAINT-UNEXPLAINED","name":"E","severity":"info"}]'

# ---- hostile root, with openat2 and with the fallback resolver
for mode in openat2 fallback; do
	if [ $mode = fallback ]; then export KDETECT_NO_OPENAT2=1; fi
	run_scan hostile-$mode --root "$R/hostile"
	unset KDETECT_NO_OPENAT2
	H=$OUT/r-hostile-$mode.json
	expect_rc 1 "hostile ($mode)"
	jqt "hostile ($mode): the host canary outside the root is never read" "$H" \
		'[.findings[] | select(.kind == "kaspersky" or .kind == "trust")] == [] and ([.modules[] | select(.name == "kdt_klsigned")] == [])'
	jqt "hostile ($mode): escaping symlinks resolve inside the root" "$H" \
		'[.modules[] | select((.path // "") | test("escape")) | .signature.status] == ["unread","unread","unread"]'
	jqt "hostile ($mode): FIFO and socket skipped" "$H" \
		'.coverage[] | select(.source == "/lib/modules/\($rel)") | .detail | test("2 FIFO")' --arg rel "$REL"
	jqt "hostile ($mode): 6 GiB file reported, not read" "$H" \
		'.modules[] | select((.path // "") | endswith("/huge.ko")) | .signature.status == "unread" and (.signature.reason | test("cap"))'
	jqt "hostile ($mode): symlink loops" "$H" '[.modules[] | select((.path // "") | test("loop")) | .signature.reason] == ["symlink loop","symlink loop"]'
	jqt "hostile ($mode): decompression bombs stopped" "$H" \
		'[.modules[] | select((.path // "") | test("bomb\\.ko\\.(xz|zst)")) | .signature.reason | test("cap")] == [true,true]'
	jqt "hostile ($mode): malformed trailers have reasons" "$H" \
		'[.modules[] | select((.path // "") | test("siglen-huge|siglen-off-by-one|wrong-idtype|garbage-pkcs7|notelf|empty|tiny-magic|bad\\.ko")) | .signature.status == "malformed" and (.signature.reason | length > 5)] | (length == 9 and all)'
	jqt "hostile ($mode): control characters escaped" "$H" \
		'[.modules[] | select((.path // "") | test("evil")) | .path] == ["/lib/modules/\($rel)/extra/evil\\x1b[31m\\x0a.ko"]' \
		--arg rel "$REL"
	jqt "hostile ($mode): long strings cut" "$H" '[.. | strings | length] | max < 1200'
	jqt "hostile ($mode): device links leaving the root and junk uevents give no ids" "$H" \
		'[.modules[] | select(.name == "kdt_neutral" and .loaded) | .devices[] | [.name, .vendor_id, .product_id, .modalias]] == [["0000:00:02.0",null,null,null],["0000:00:09.0",null,null,null]]'
	jqt "hostile ($mode): the canary uevent outside the root is never read" "$H" \
		'[.. | strings | select(test("dead|beef"; "i"))] == []'
done
check "hostile: same report with and without openat2" \
	same_reports "$OUT/r-hostile-openat2.json" "$OUT/r-hostile-fallback.json"
"$KD" scan --root "$R/hostile" >"$OUT/r-hostile.txt" || true
check "hostile: text report has no raw control bytes" bash -c "! LC_ALL=C grep -qP '[\\x00-\\x08\\x0b-\\x1f\\x7f]' '$OUT/r-hostile.txt'"

# ---- inspect: module files given by path
set +e
"$KD" inspect --format json --cert "$PKI/kl/cert.pem" "$M/kdt_klsigned.ko" "$M/kdt_neutral.ko.zst" >"$OUT/r-inspect.json"
RC=$?
set -e
report_made "$OUT/r-inspect.json"
expect_rc 1 "inspect finds the Kaspersky-signed file"
jqt "inspect: kl module valid with --cert, neutral unverifiable without a kernel" "$OUT/r-inspect.json" \
	'([.modules[] | {name, s: .signature.status}] | sort_by(.name)) == [{"name":"kdt_klsigned","s":"valid"},{"name":"kdt_neutral","s":"unverifiable"}]'

# ---- command line
set +e
"$KD" scan --format xml >/dev/null 2>&1; RC=$?; expect_rc 2 "bad --format"
"$KD" bogus >/dev/null 2>&1; RC=$?; expect_rc 2 "unknown command"
"$KD" scan --root /nonexistent >/dev/null 2>&1; RC=$?; expect_rc 2 "missing root"
"$KD" scan --root "$R/clean" -o "$R/clean/report.json" >/dev/null 2>&1; RC=$?; expect_rc 2 "--output inside the root refused"
set -e
check "--output inside the root wrote nothing" test ! -e "$R/clean/report.json"
"$KD" scan --root "$R/clean" -o "$OUT/out.json" -f json || true
report_made "$OUT/out.json"
jqt "--output writes the report" "$OUT/out.json" '.schema == "kdetect-report/1"'
check "--version" bash -c "'$KD' --version | grep -q '^kdetect '"

# ---- this host, live (the build machine has no loadable modules)
run_scan live
if [ "$RC" -eq 0 ] || [ "$RC" -eq 3 ]; then ok; else bad "live scan exit status $RC"; fi
jqt "live: not offline" "$OUT/r-live.json" '(.host.offline | not) and .host.root == "/"'

# ---- not root: what cannot be read makes the inspection incomplete (exit 3), never clean
if command -v setpriv >/dev/null && [ "$(id -u)" -eq 0 ]; then
	NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	set +e
	"${NOBODY[@]}" "$KD" scan --format json >"$OUT/r-nonroot.json" 2>/dev/null
	RC=$?
	set -e
	report_made "$OUT/r-nonroot.json"
	expect_rc 3 "live scan as an unprivileged user"
	jqt "not root: proc/keys denied" "$OUT/r-nonroot.json" \
		'.coverage[] | select(.source == "proc/keys") | .status == "denied"'
	rm -rf "$OUT/roots-private" && mkdir -p "$OUT/roots-private" && cp -a "$R/clean" "$OUT/roots-private/"
	chmod -R a+rX "$OUT/roots-private"
	find "$OUT/roots-private/clean" -name klpx_lookalike.ko -exec chmod 0600 {} +
	set +e
	"${NOBODY[@]}" "$KD" scan --root "$OUT/roots-private/clean" --format json >"$OUT/r-private.json" 2>/dev/null
	RC=$?
	set -e
	report_made "$OUT/r-private.json"
	expect_rc 3 "offline root with a module file the user may not read"
	jqt "unreadable module file: unread, permission denied" "$OUT/r-private.json" \
		'.modules[] | select(.name == "klpx_lookalike") | .signature.status == "unread" and (.signature.reason | test("Permission denied"))'
fi

# ---- live mode: the clean root as /, in a chroot, so /proc and /lib/modules are the fixture's
# and libkmod (not our modules.dep reader) joins loaded modules to files
# (a sanitizer build needs the real /proc for its leak checker: that run skips this part)
if [ -z "${KD_SANITIZER:-}" ]; then
	CH=$OUT/chroot-live
	make_chroot "$R/clean" "$CH"
	set +e
	chroot "$CH" /kdetect scan --format json >"$OUT/r-chroot.json"
	RC=$?
	set -e
	report_made "$OUT/r-chroot.json"
	expect_rc 0 "live mode in a chroot"
	jqt "live mode: libkmod read modules.dep.bin" "$OUT/r-chroot.json" \
		'[.coverage[] | select(.source | endswith("modules.dep")) | .detail] == ["modules.dep.bin read with libkmod"]'
	jqt "live mode: loaded module joined and verified" "$OUT/r-chroot.json" \
		'.modules[] | select(.name == "kdt_neutral") | .loaded and .signature.kernel_trusted and (.path | endswith("/extra/kdt_neutral.ko"))'
	check "live mode and --root give the same modules and findings" \
		same_reports "$OUT/r-chroot.json" "$OUT/r-clean.json" '{modules, findings, trust}'

	# devices named from a real udev hardware database (compiled from Debian's udev package)
	HWDB=$(tests/get-hwdb.sh "$OUT/hwdb")
	CH=$OUT/chroot-devices
	make_chroot "$R/kaspersky-signed" "$CH"
	mkdir -p "$CH/etc/udev"
	cp "$HWDB" "$CH/etc/udev/hwdb.bin"
	set +e
	chroot "$CH" /kdetect scan --format json >"$OUT/r-chroot-devices.json"
	RC=$?
	chroot "$CH" /kdetect scan >"$OUT/r-chroot-devices.txt"
	set -e
	report_made "$OUT/r-chroot-devices.json"
	expect_rc 1 "live mode with devices"
	jqt "live mode: vendor and model names from the udev hardware database" "$OUT/r-chroot-devices.json" \
		'[.modules[] | select(.name == "kdt_klsigned" and .loaded) | .devices[] | [.name, .vendor, .model]] == [["0000:03:00.0","PLX Technology, Inc.","PCI <-> IOBus Bridge"],["1-4:1.0","Logitech, Inc.","Unifying Receiver"]]'
	jqt "live mode: coverage names the hardware database" "$OUT/r-chroot-devices.json" \
		'.coverage[] | select(.source == "sys/bus") | .detail | endswith("names from the udev hardware database")'
	check "live mode: the text report names the device under the finding" \
		grep -qF "usb 1-4:1.0 (driver kdt_klsigned_usb) 046d:c52b Logitech, Inc. Unifying Receiver" "$OUT/r-chroot-devices.txt"
	rm "$CH/etc/udev/hwdb.bin"
	set +e
	chroot "$CH" /kdetect scan --format json >"$OUT/r-chroot-nohwdb.json"
	set -e
	report_made "$OUT/r-chroot-nohwdb.json"
	jqt "live mode without hwdb.bin: ids only, and coverage says so" "$OUT/r-chroot-nohwdb.json" \
		'([.modules[].devices // [] | .[] | .vendor] | unique == [null]) and (.coverage[] | select(.source == "sys/bus") | .detail | test("no udev hardware database"))'
fi

# ---- the 2026 layouts: merged /usr, images beside the module tree, ECDSA P-384 modules
# the test keys' certificates, as the report names them
EC_SHA=$(openssl x509 -in "$PKI/ec/cert.pem" -outform DER | sha256sum | cut -d' ' -f1)
VENDOR_SHA=$(sha256sum "$PKI/vendor/cert.der" | cut -d' ' -f1)
run_scan mergedusr-ec --root "$R/mergedusr-ec"
expect_rc 1 "mergedusr-ec"
jqt "mergedusr-ec: lib -> usr/lib walked once, shown as /lib/modules" "$OUT/r-mergedusr-ec.json" \
	'([.coverage[] | select(.source | test("^/(usr/)?lib/modules")) | [.source, .status, .detail]] == [["/lib/modules/\($r)", "ok", "4 module files"], ["/usr/lib/modules", "ok", "the same directory as /lib/modules (merged /usr): walked once, as /lib/modules"], ["/lib/modules/\($r)/modules.builtin.modinfo", "ok", "0 built-in modules"]]) and ([.modules[].path | startswith("/lib/modules/\($r)/")] | all) and (.modules | length == 4)' \
	--arg r "$REL"
jqt "mergedusr-ec: ECDSA P-384 modules (.ko.xz, .ko.zst) valid with the image's key" "$OUT/r-mergedusr-ec.json" \
	'[.modules[] | select(.signature.status == "valid") | [(.path | split("/") | last), .compression, .signature.sig_algo, .signature.hash_algo, .signature.verified_with, .signature.cert_sha256, .signature.kernel_trusted]] | sort == [["kdt_neutral.ko.xz", "xz", "ecdsa-with-SHA384", "sha384", "/boot/vmlinuz-\($r)", $c, true], ["klpx_lookalike.ko.zst", "zstd", "ecdsa-with-SHA256", "sha256", "/boot/vmlinuz-\($r)", $c, true]]' \
	--arg r "$REL" --arg c "$EC_SHA"
jqt "mergedusr-ec: another P-384 key is not valid, a tampered ECDSA module is invalid" "$OUT/r-mergedusr-ec.json" \
	'[.modules[] | select(.signature.status != "valid") | [(.path | split("/") | last), .signature.status]] | sort == [["kdt_neutral_other.ko.xz", "unverifiable"], ["kdt_neutral_tampered.ko.zst", "invalid"]]'
jqt "mergedusr-ec: the tampered one is an integrity finding, nothing Kaspersky" "$OUT/r-mergedusr-ec.json" \
	'([.findings[] | select(.rule == "KD-SIG-INVALID") | .path] == ["/lib/modules/\($r)/extra/kdt_neutral_tampered.ko.zst"]) and ([.findings[] | select(.kind == "kaspersky")] == [])' \
	--arg r "$REL"
# One key signing many modules: after the first 16 its tables take over
# (crypto/ecdsa_fixed.c); the verdicts and the tampered one's reason stay EVP's.
EC_MODS=$R/mergedusr-ec/usr/lib/modules/$REL
MANY=$OUT/many-ec
rm -rf "$MANY"
mkdir -p "$MANY"
for i in $(seq -w 1 40); do cp "$EC_MODS/kernel/drivers/misc/kdt_neutral.ko.xz" "$MANY/m$i.ko.xz"; done
cp "$EC_MODS/extra/kdt_neutral_tampered.ko.zst" "$MANY/t41.ko.zst"
cp "$EC_MODS/updates/kdt_neutral_other.ko.xz" "$MANY/o42.ko.xz"
set +e
"$KD" inspect --format json -j 2 --cert "$PKI/ec/cert.pem" "$MANY"/* >"$OUT/r-many-ec.json"
RC=$?
set -e
expect_rc 1 "many-ec: the tampered module is a finding"
jqt "many-ec: 40 copies valid past the tables' start, the tampered one invalid for EVP's reason" \
	"$OUT/r-many-ec.json" \
	'([.modules[] | select(.path | test("/m[0-9]+[.]ko[.]xz$")) | .signature.status] == [range(40) | "valid"]) and ([.modules[] | select(.path | endswith("/t41.ko.zst")) | [.signature.status, .signature.reason]] == [$tampered | .modules[] | select(.path | endswith("kdt_neutral_tampered.ko.zst")) | [.signature.status, .signature.reason]]) and ([.modules[] | select(.path | endswith("/o42.ko.xz")) | .signature.status] == ["unverifiable"])' \
	--argjson tampered "$(cat "$OUT/r-mergedusr-ec.json")"

run_scan ubuntu-like --root "$R/ubuntu-like"
expect_rc 0 "ubuntu-like"
jqt "ubuntu-like: each release's module valid against its own release's image and key" "$OUT/r-ubuntu-like.json" \
	'[.modules[] | [.release, .signature.status, .signature.verified_with, .signature.cert_sha256, .signature.kernel_trusted]] | sort == [[$r, "valid", "/boot/vmlinuz-\($r)", $v, true], ["\($r)-old", "valid", "/boot/vmlinuz-\($r)-old", $c, true]]' \
	--arg r "$REL" --arg v "$VENDOR_SHA" --arg c "$EC_SHA"
jqt "ubuntu-like: the two images read, the vmlinuz links are the same files and read once" "$OUT/r-ubuntu-like.json" \
	'([.coverage[] | select(.source | test("vmlinuz")) | [.source, .detail]] | sort) == ([["/boot/vmlinuz-\($r)", "1 builtin certificate (payload xz, list size confirmed)"], ["/boot/vmlinuz-\($r)-old", "1 builtin certificate (payload xz, list size confirmed)"], ["/boot/vmlinuz", "the same file as /boot/vmlinuz-\($r), read once"], ["/boot/vmlinuz.old", "the same file as /boot/vmlinuz-\($r)-old, read once"], ["/vmlinuz", "the same file as /boot/vmlinuz-\($r), read once"], ["/vmlinuz.old", "the same file as /boot/vmlinuz-\($r)-old, read once"]] | sort) and ([.trust[] | select(.kind == "kernel-image") | [.source, .release]] == [["/boot/vmlinuz-\($r)", $r], ["/boot/vmlinuz-\($r)-old", "\($r)-old"]])' \
	--arg r "$REL"
jqt "ubuntu-like: config-* and System.map-* are not read as images" "$OUT/r-ubuntu-like.json" \
	'[.coverage[].source | select(test("config-|System.map"))] == []'

run_scan rhel-like --root "$R/rhel-like"
expect_rc 0 "rhel-like"
RESCUE=$(cd "$R/rhel-like/boot" && ls -d vmlinuz-0-rescue-*)
jqt "rhel-like: lib/modules/<rel>/vmlinuz read once, its /boot copy read, the rescue image too" "$OUT/r-rhel-like.json" \
	'([.coverage[] | select(.source | test("vmlinuz")) | [.source, .detail]] | sort) == ([["/boot/\($x)", "1 builtin certificate (payload xz, list size confirmed)"], ["/boot/vmlinuz-\($r)", "1 builtin certificate (payload xz, list size confirmed)"], ["/lib/modules/\($r)/vmlinuz", "1 builtin certificate (payload xz, list size confirmed); held already from another image of release \($r)"], ["/usr/lib/modules/\($r)/vmlinuz", "the same file as /lib/modules/\($r)/vmlinuz, read once"]] | sort)' \
	--arg r "$REL" --arg x "$RESCUE"
jqt "rhel-like: the release's key held once; the rescue image's is its own release's" "$OUT/r-rhel-like.json" \
	'[.trust[] | select(.kind == "kernel-image") | [.source, .release, .sha256]] | sort == ([["/boot/vmlinuz-\($r)", $r, $v], ["/boot/\($x)", ($x | ltrimstr("vmlinuz-")), $v]] | sort)' \
	--arg r "$REL" --arg x "$RESCUE" --arg v "$VENDOR_SHA"
jqt "rhel-like: the module valid and kernel-trusted with its own release's image" "$OUT/r-rhel-like.json" \
	'[.modules[] | [.path, .signature.status, .signature.verified_with, .signature.kernel_trusted]] == [["/lib/modules/\($r)/kernel/drivers/misc/kdt_neutral.ko.xz", "valid", "/boot/vmlinuz-\($r)", true]] and .findings == []' \
	--arg r "$REL"

run_scan twotrees --root "$R/twotrees"
expect_rc 0 "twotrees"
jqt "twotrees: distinct lib/modules and usr/lib/modules both walked, each module under its own" "$OUT/r-twotrees.json" \
	'([.coverage[] | select(.source | test("^/(usr/)?lib/modules/[^/]*$")) | [.source, .detail]] == [["/lib/modules/\($r)", "1 module file"], ["/usr/lib/modules/\($r)", "1 module file"]]) and ([.modules[] | [.path, .signature.status]] | sort == [["/lib/modules/\($r)/extra/kdt_neutral.ko", "valid"], ["/usr/lib/modules/\($r)/extra/klpx_lookalike.ko", "valid"]])' \
	--arg r "$REL"

# ---- Debian's real signed kernel package: every module valid against its own vmlinuz
echo "e2e: Debian kernel package corpus"
DEB=$(tests/get-debian-kernel.sh "$OUT/debian")
run_scan debian --root "$DEB"
expect_rc 0 "Debian corpus"
jqt "Debian: thousands of modules, all valid and kernel-trusted" "$OUT/r-debian.json" \
	'(.modules | length > 3000) and ([.modules[] | .signature.status == "valid" and .signature.kernel_trusted] | all)'
jqt "Debian: zero findings" "$OUT/r-debian.json" '.findings == []'
# the modules built into that kernel: the names modules.builtin.modinfo's "name.key=value" strings give
NBUILTIN=$(tr '\0' '\n' <"$(ls "$DEB"/lib/modules/*/modules.builtin.modinfo)" | sed -n 's/^\([^.=]*\)\..*/\1/p' | sort -u | wc -l)
check "Debian: the package lists built-in modules ($NBUILTIN)" test "$NBUILTIN" -gt 100
jqt "Debian: the $NBUILTIN modules built into the kernel are read, none flagged" "$OUT/r-debian.json" \
	'[.coverage[] | select(.source | endswith("modules.builtin.modinfo")) | .detail] == ["\($n) built-in modules"]' --arg n "$NBUILTIN"
jqt "Debian: builtin key extracted from vmlinuz, serial names the signer" "$OUT/r-debian.json" \
	'([.trust[] | select(.kind == "kernel-image")] | length == 1) and (.trust[] | select(.kind == "kernel-image") | .subject == "CN=Build time autogenerated kernel key") and ([.modules[].signature.serial] | unique | length == 1) and (.modules[0].signature.serial == (.trust[] | select(.kind == "kernel-image") | .serial))'
jqt "Debian: SKID differs from the serial" "$OUT/r-debian.json" \
	'.trust[] | select(.kind == "kernel-image") | .skid != .serial'

finish e2e
