#!/usr/bin/env bash
# e2e-modconf.sh - the module load configuration: a module named in modprobe.d,
# modules-load.d, GRUB or a BLS entry is found with its file:line; benign lines are not;
# hostile files leave gaps that make the scan incomplete.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib.sh

M=$OUT/mc
echo "e2e-modconf: building test modules and fixture roots"
tests/build-kmods.sh "$OUT/kmods"
tests/mkroots-modconf.sh "$M" "$OUT/kmods/modules"

run_scan mc-benign --root "$M/benign"
expect_rc 0 benign
jqt "benign: no findings" "$OUT/r-mc-benign.json" '.findings | length == 0'
jqt "benign: modprobe.d read" "$OUT/r-mc-benign.json" \
	'.coverage[] | select(.source == "modprobe.d") | .status == "ok"'

run_scan mc-configured --root "$M/configured"
expect_rc 1 configured
J=$OUT/r-mc-configured.json
for src in /etc/modprobe.d/kav4fs.conf:2 /usr/lib/modules-load.d/kav4fs.conf:1 \
	/boot/grub/grub.cfg:5 /boot/loader/entries/kav.conf:2; do
	jqt "configured: loaded at boot from $src, high" "$J" \
		'[.findings[] | select(.kind == "modconf" and .evidence["modconf.source"] == $s)] | length == 1 and .[0].severity == "high" and .[0].name == "kav4fs_oas"' \
		--arg s "$src"
done
# the lines that load kav4fs_oas, DKMS building it and the module file itself are one thing
jqt "configured: every finding about kav4fs_oas is in one group, and no other finding is" "$J" \
	'([.findings[] | select(.name == "kav4fs_oas") | .group] | unique) as $g |
	 ($g | length == 1) and
	 ([.findings[] | select(.name == "kav4fs_oas") | .kind] | unique == ["dkms", "kaspersky", "modconf"]) and
	 ([.findings[] | select(.name != "kav4fs_oas") | .group] | index($g[0]) == null)'
check "configured: the text report shows the module once, with its findings" \
	grep -q "HIGH     module kav4fs_oas: [0-9]* findings" <("$KD" scan --root "$M/configured")
jqt "configured: install command and the file it loads in evidence" "$J" \
	'.findings[] | select(.evidence["modconf.directive"] == "install" and .name == "kav4fs_oas") | .evidence["modconf.command"] | test("/opt/kaspersky/kav4fs/lib/kav4fs_oas.ko")'
jqt "configured: an install command running a Kaspersky program, whatever the module's name" "$J" \
	'.findings[] | select(.name == "kl_hook") | .rule == "KL-MOD-005" and .severity == "high" and .evidence["modconf.source"] == "/etc/modprobe.d/zz-hook.conf:1"'
jqt "configured: the file found for a configured module is named (here DKMS-built)" "$J" \
	'.findings[] | select(.evidence["modconf.source"] == "/usr/lib/modules-load.d/kav4fs.conf:1") | .summary == "configured to load at boot: kav4fs_oas, file /var/lib/dkms/kav4fs/8.0.4/6.1.0-18-amd64/x86_64/module/kav4fs_oas.ko"'
jqt "configured: no file found said" "$J" \
	'.findings[] | select(.name == "kl_hook") | .summary == "an install command loads it: kl_hook, no file found" and .evidence.module_file == "none found"'
jqt "configured: pulled in by a softdep line, high; the line's own module is no finding" "$J" \
	'[.findings[] | select(.evidence["modconf.source"] == "/etc/modprobe.d/kav4fs.conf:5")] | length == 1 and .[0].severity == "high" and .[0].evidence["modconf.directive"] == "softdep-pulled"'
jqt "configured: blacklist is info" "$J" \
	'.findings[] | select(.evidence["modconf.directive"] == "blacklist") | .severity == "info"'
jqt "configured: options is low" "$J" \
	'.findings[] | select(.evidence["modconf.directive"] == "options") | .severity == "low"'
jqt "configured: masked file not read" "$J" \
	'[.findings[] | select(.name == "redirfs")] | length == 0'
jqt "configured: benign lines make no finding" "$J" \
	'[.findings[] | select(.name != "kav4fs_oas" and .name != "kl_hook" and .name != "kdt_klmeta")] | length == 0'

jqt "configured: DKMS registration, high, versions and kernels in evidence" "$J" \
	'.findings[] | select(.kind == "dkms") | .severity == "high" and .name == "kav4fs_oas" and .evidence["dkms.state"] == "installed" and .evidence["dkms.versions"] == "8.0.4" and .evidence["dkms.kernels"] == "6.1.0-18-amd64/x86_64" and .evidence["dkms.conf"] == "/var/lib/dkms/kav4fs/8.0.4/source/dkms.conf:1"'
jqt "configured: the module DKMS built is named" "$J" \
	'.findings[] | select(.kind == "dkms") | .evidence["module.path"] == "/var/lib/dkms/kav4fs/8.0.4/6.1.0-18-amd64/x86_64/module/kav4fs_oas.ko"'
jqt "configured: the module files DKMS built are inspected as modules, with their kernel" "$J" \
	'[.modules[] | select(.path | startswith("/var/lib/dkms/")) | [.name, .release]] | sort == [["kav4fs_oas", "6.1.0-18-amd64"], ["kdt_klmeta", "6.1.0-18-amd64"]]'
jqt "configured: a DKMS-built module found by its metadata (KL-MOD-001)" "$J" \
	'.findings[] | select(.kind == "kaspersky" and .name == "kdt_klmeta") | .rules | index("KL-MOD-001") != null'
jqt "benign: a DKMS package read, no finding" "$OUT/r-mc-benign.json" \
	'.coverage[] | select(.source == "dkms") | .status == "ok" and (.detail | startswith("1 package in"))'

run_scan mc-hostile --root "$M/hostile"
expect_rc 1 hostile
J=$OUT/r-mc-hostile.json
jqt "hostile: kav4fs_oas after the hostile files still found" "$J" \
	'[.findings[] | select(.evidence["modconf.source"] == "/etc/modules-load.d/zz-kav.conf:1")] | length == 1'
jqt "hostile: configured with no file anywhere" "$OUT/r-mc-hostile.json" \
	'.findings[] | select(.evidence["modconf.source"] == "/etc/modules-load.d/zz-kav.conf:1") | .summary == "configured to load at boot: kav4fs_oas, no file found"'
jqt "hostile: gaps are coverage errors" "$J" \
	'[.coverage[] | select(.source == "modprobe.d" or .source == "kernel command line") | .status] == ["error", "error"]'
jqt "hostile: the report says incomplete" "$J" '.summary.incomplete'

jqt "hostile: unregistered DKMS source of kav4fs_oas is low" "$J" \
	'.findings[] | select(.kind == "dkms") | .severity == "low" and .evidence["dkms.state"] == "source only"'

run_scan mc-hostile-clean --root "$M/hostile-clean"
expect_rc 3 hostile-clean
J=$OUT/r-mc-hostile-clean.json
jqt "hostile-clean: nothing found" "$J" '.findings == []'
jqt "hostile-clean: a dkms.conf made of shell is a gap, read as text" "$J" \
	'.coverage[] | select(.source == "dkms") | .status == "error" and (.detail | test("evil-1.0/dkms.conf: 1 lines skipped"))'
check "hostile-clean: the root is still there (dkms.conf never run)" test -f "$M/hostile-clean/etc/os-release"
# live: the running kernel's command line, not the boot loader's files
if [ -z "${KD_SANITIZER:-}" ]; then	# see tests/e2e.sh: no chroot for sanitizer builds
	make_chroot "$M/live" "$OUT/chroot-mc"
	set +e
	chroot "$OUT/chroot-mc" /kdetect scan --format json >"$OUT/r-mc-live.json" 2>/dev/null
	RC=$?
	set -e
	J=$OUT/r-mc-live.json
	report_made "$J"
	expect_rc 1 live
	jqt "live: proc/cmdline read" "$J" \
		'[.findings[] | select(.kind == "modconf") | .evidence["modconf.source"]] == ["/proc/cmdline:1"]'
	jqt "live: the BLS entry is not the running command line" "$J" \
		'[.findings[] | select(.path == "/boot/loader/entries/kav.conf")] | length == 0'
fi

finish e2e-modconf
