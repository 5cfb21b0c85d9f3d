#!/usr/bin/env bash
# e2e-windows.sh - end-to-end tests of what the registry of a mounted Windows installation
# says: hives written by hivexregedit (tests/mkhives.sh), the drivers they start built
# with mingw and signed with osslsigncode (tests/mkdrivers.sh). A KICS-for-Nodes-like
# installation (services, minifilter instances, products, Kaspersky's keys, a driver
# package), a renamed Kaspersky driver found only through its service, remnant services
# with no file, lookalikes, a clean installation, a hive Windows did not close cleanly and
# a damaged one.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib.sh

echo "e2e-windows: building drivers and hives"
tests/pki.sh "$OUT/win-pki"
tests/mkdrivers.sh "$OUT/win-pki" "$OUT/win-drivers" >/dev/null
tests/mkhives.sh "$OUT/hives" >/dev/null
D=$OUT/win-drivers
H=$OUT/hives
KLIF=$D/win10/Windows/System32/drivers/klif.sys		# Kaspersky test signer, version AO Kaspersky Lab
KLHK=$D/win10/Windows/System32/drivers/klhk.sys		# attestation-signed, vendor in VERSIONINFO only
KLPD=$D/edge-win/Windows/System32/drivers/klpd.sys	# unsigned, version AO Kaspersky Lab
NETIO=$D/win10/Windows/System32/drivers/netio.sys	# Microsoft's own
KLIFF=$D/win10/Windows/System32/drivers/vendor/klif.sys	# Kliff Industrial Automation GmbH
for f in "$KLIF" "$KLHK" "$KLPD" "$NETIO" "$KLIFF"; do
	[ -s "$f" ] || { echo "e2e-windows: $f missing (tests/mkdrivers.sh)" >&2; exit 1; }
done

# merge_reg HIVE PREFIX: .reg text on stdin into the hive, by hivex's own writer
merge_reg() {
	local reg
	reg=$(mktemp)
	cat >"$reg"
	hivexregedit --merge --prefix "$2" "$1" "$reg"
	rm -f "$reg"
}

# ---- KICS for Nodes on Windows 10 LTSC --------------------------------------------------------
W=$OUT/win-kics
rm -rf "$W" && cp -a "$H/kics" "$W"
DRV=$W/Windows/System32/drivers
mkdir -p "$DRV" "$W/ProgramData/Acme"
cp "$KLIF" "$DRV/klif.sys"		# klif: file-system driver, boot start
cp "$KLIF" "$DRV/klflt.sys"		# klflt: system start
cp "$KLHK" "$DRV/klelam.sys"		# klelam: Early-Launch, boot start
cp "$KLIF" "$W/ProgramData/Acme/drv0042.dat"	# klhk: renamed, outside the drivers folder
cp "$NETIO" "$DRV/disk.sys"
cp "$KLPD" "$DRV/klpd.sys"
cp "$KLIF" "$DRV/klmouflt.sys"
# the programs of the two user-mode services (any bytes: a service's program is not a driver)
mkdir -p "$W/Program Files (x86)/Kaspersky Lab/Kaspersky Industrial CyberSecurity for Nodes" \
	"$W/Program Files (x86)/Kaspersky Lab/NetworkAgent"
echo MZ >"$W/Program Files (x86)/Kaspersky Lab/Kaspersky Industrial CyberSecurity for Nodes/kavfs.exe"
echo MZ >"$W/Program Files (x86)/Kaspersky Lab/NetworkAgent/klnagent.exe"
# two more services, merged by hivexregedit: an unsigned Kaspersky driver at boot start,
# and a signed one Windows starts only on demand
merge_reg "$W/Windows/System32/config/SYSTEM" 'HKEY_LOCAL_MACHINE\SYSTEM' <<'EOF'
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\klpd]
"Type"=dword:00000001
"Start"=dword:00000000
"ImagePath"="system32\\drivers\\klpd.sys"

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\klmouflt]
"Type"=dword:00000001
"Start"=dword:00000003
"ImagePath"="system32\\drivers\\klmouflt.sys"
EOF
# the hardware that needs them: a network card with klflt below its function driver, a
# mouse on klmouflt, and klbackupdisk as an upper filter of every disk (its class)
multi() { printf '%s\0' "$@" | iconv -t UTF-16LE | od -An -v -tx1 | tr -s ' \n' ',' | sed 's/^,//; s/,$/,00,00/'; }
merge_reg "$W/Windows/System32/config/SYSTEM" 'HKEY_LOCAL_MACHINE\SYSTEM' <<EOF
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Enum]

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Enum\PCI]

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Enum\PCI\VEN_8086&DEV_15BB]

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Enum\PCI\VEN_8086&DEV_15BB\3&11583659&0&FE]
"Service"="e1dexpress"
"FriendlyName"="Intel(R) Ethernet Connection (7) I219-LM"
"LowerFilters"=hex(7):$(multi klflt)

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Enum\HID]

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Enum\HID\VID_046D&PID_C077]

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Enum\HID\VID_046D&PID_C077\7&2a2d5f3&0&0000]
"Service"="klmouflt"
"DeviceDesc"="@msmouse.inf,%hid.mousedevice%;HID-compliant mouse"

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Control\Class]

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Control\Class\{4d36e967-e325-11ce-bfc1-08002be10318}]
"Class"="DiskDrive"
"UpperFilters"=hex(7):$(multi partmgr klbackupdisk)
EOF
run_scan win-kics --root "$W"
expect_rc 1 kics
J=$OUT/r-win-kics.json
SD=/Windows/System32/drivers
sev() { jq -r --arg k "$1" --arg n "$2" '[.findings[] | select(.kind == $k and .name == $n) | .severity] | join(",")' "$J"; }
check "kics: klif.sys, boot start and signed: critical (Windows loads it)" [ "$(sev driver klif.sys)" = critical ]
jqt "kics: ... with the service that starts it as evidence" "$J" \
	'.findings[] | select(.kind == "driver" and .name == "klif.sys") | .evidence.service == ["klif (boot start)"] and .evidence.signature == "valid"'
check "kics: service klif critical, by name and altitude" [ "$(sev service klif)" = critical ]
jqt "kics: service klif: file, altitude, group, instance and rules" "$J" \
	'.findings[] | select(.kind == "service" and .name == "klif") |
	 .path == $p and .evidence["service.file"] == $p and .evidence["service.altitude"] == ["320400"] and
	 .evidence["service.group"] == "FSFilter Anti-Virus" and .evidence["service.instance"] == ["klif Instance=320400"] and
	 .evidence.signature == "valid" and (.rules | sort) == ["KL-WSVC-001", "KL-WSVC-002"]' --arg p "$SD/klif.sys"
jqt "kics: the service and its driver file are one thing" "$J" \
	'[.findings[] | select(.path == $p) | .group] | length == 2 and (unique | length) == 1' --arg p "$SD/klif.sys"
check "kics: klflt.sys, system start: critical" [ "$(sev driver klflt.sys)" = critical ]
check "kics: the ELAM driver, boot start, attestation-signed: critical" [ "$(sev driver klelam.sys)" = critical ]
jqt "kics: ... its service is Kaspersky's early-launch driver: critical" "$J" \
	'.findings[] | select(.kind == "service" and .name == "klelam") | .severity == "critical" and .rule == "KL-WSVC-004" and
	 .evidence["service.early_launch"] == "yes" and .evidence["service.group"] == "Early-Launch"'
jqt "kics: the renamed driver, found only through its service klhk: critical, with its service" "$J" \
	'[.findings[] | select(.kind == "driver" and .path == "/ProgramData/Acme/drv0042.dat") | .severity == "critical" and .evidence.service == ["klhk (system start)"]] == [true]'
jqt "kics: ... and its binary record is a driver, valid" "$J" \
	'.binaries[] | select(.path == "/ProgramData/Acme/drv0042.dat") | .kind == "driver" and .status == "valid" and .version.CompanyName == "AO Kaspersky Lab"'
check "kics: an unsigned Kaspersky driver at boot start: high (the kernel would not load it)" [ "$(sev driver klpd.sys)" = high ]
check "kics: ... its service too" [ "$(sev service klpd)" = high ]
check "kics: a signed Kaspersky driver started on demand: high" [ "$(sev driver klmouflt.sys)" = high ]
jqt "kics: the hardware a flagged driver serves, before anyone removes it" "$J" \
	'([.findings[] | select(.kind == "service" and .name == "klflt") | .evidence["service.device"]] ==
	  [["PCI\\\\VEN_8086&DEV_15BB\\\\3&11583659&0&FE (Intel(R) Ethernet Connection (7) I219-LM): lower filter"]]) and
	 ([.findings[] | select(.kind == "service" and .name == "klmouflt") | .evidence["service.device"]] ==
	  [["HID\\\\VID_046D&PID_C077\\\\7&2a2d5f3&0&0000 (HID-compliant mouse): function driver"]]) and
	 ([.findings[] | select(.kind == "service" and .name == "klbackupdisk") | .evidence["service.device"]] ==
	  [["every DiskDrive device (class {4d36e967-e325-11ce-bfc1-08002be10318}): class upper filter"]])'
jqt "kics: ... its service says demand" "$J" \
	'.findings[] | select(.kind == "service" and .name == "klmouflt") | .severity == "high" and .evidence["service.start"] == "demand"'
jqt "kics: a remnant service with no file: medium, with the file it wants" "$J" \
	'.findings[] | select(.kind == "service" and .name == "klbackupdisk") | .severity == "medium" and .path == null and
	 (.evidence["service.missing_file"] | test("klbackupdisk.sys$"))'
jqt "kics: a service only the last known good set has, with no file: medium" "$J" \
	'.findings[] | select(.kind == "service" and .name == "kl1") | .severity == "medium" and (.evidence["service.key"] | startswith("ControlSet002\\\\"))'
check "kics: Kaspersky Security Service (KAVFS), its program there: high" [ "$(sev service KAVFS)" = high ]
jqt "kics: ... its program found through the quoted command line" "$J" \
	'.findings[] | select(.kind == "service" and .name == "KAVFS") | .path == "/Program Files (x86)/Kaspersky Lab/Kaspersky Industrial CyberSecurity for Nodes/kavfs.exe"'
check "kics: Network Agent's service: high" [ "$(sev service klnagent)" = high ]
jqt "kics: KICS for Nodes installed (Uninstall, 64-bit): high, by publisher and name" "$J" \
	'.findings[] | select(.kind == "registry" and .name == "Kaspersky Industrial CyberSecurity for Nodes") |
	 .severity == "high" and (.rules | sort) == ["KL-PROD-001", "KL-PROD-002"] and .evidence["product.publisher"] == "AO Kaspersky Lab" and
	 .evidence["product.version"] == "3.2.0.1234" and .evidence["product.view"] == "64-bit"'
jqt "kics: Network Agent in the 32-bit view: high" "$J" \
	'.findings[] | select(.kind == "registry" and .name == "Kaspersky Security Center Network Agent") | .severity == "high" and .evidence["product.view"] == "32-bit"'
jqt "kics: Kaspersky's own keys, both views: medium" "$J" \
	'[.findings[] | select(.kind == "registry" and .rule == "KL-PROD-003") | .severity] == ["medium", "medium"]'
jqt "kics: the driver package of the DRIVERS hive, by its provider: high" "$J" \
	'.findings[] | select(.kind == "registry" and .name == "klif.inf_amd64_5f0cd0a4e8b1a9f2") | .severity == "high" and .evidence["product.source"] == "driver package"'
jqt "kics: Windows' own services, drivers and products are not flagged" "$J" \
	'[.findings[] | select(.name | test("^(disk|disk.sys|Ntfs|Tcpip|WdFilter|WdBoot|EventLog|7-Zip.*|Microsoft Visual C.*)$"))] == []'
jqt "kics: the hives' coverage: services, version, products, packages" "$J" \
	'[.coverage[] | select(.source | startswith("/Windows/System32/config/")) | .status] | unique == ["ok"]'
jqt "kics: ... SOFTWARE names the Windows version" "$J" \
	'.coverage[] | select(.source == "/Windows/System32/config/SOFTWARE") | .detail | test("^Windows 10 Enterprise LTSC 2021 10.0 build 19044: ")'
jqt "kics: ... SYSTEM names the control sets and the early-launch policy" "$J" \
	'.coverage[] | select(.source == "/Windows/System32/config/SYSTEM") | .detail | test("of ControlSet001 and ControlSet002 \\(last known good\\), 2 device instances; early-launch policy 3: ")'
jqt "kics: the driver files services name elsewhere are counted" "$J" \
	'.coverage[] | select(.source == "/Windows/System32/config/SYSTEM (driver files)") | .detail | test("^1 driver services name a file outside")'
jqt "kics: nothing unseen" "$J" '.summary.incomplete == false'
"$KD" scan --root "$W" >"$OUT/r-win-kics.txt" || true
check "kics: the text report names the service that starts a driver" grep -qF 'service: klif (boot start)' "$OUT/r-win-kics.txt"

# the same installation named with --windows, mounted under mnt/win of a Linux root
L=$OUT/win-mounted
rm -rf "$L" && mkdir -p "$L/etc" "$L/mnt" && cp -a "$W" "$L/mnt/win"
echo 'ID=debian' >"$L/etc/os-release"
run_scan win-mounted --root "$L" --windows /mnt/win
J=$OUT/r-win-mounted.json
jqt "mounted: the same findings, paths under the mount" "$J" \
	'[.findings[] | select(.kind == "driver" and .name == "klif.sys") | .path, .severity] == ["/mnt/win/Windows/System32/drivers/klif.sys", "critical"]'
jqt "mounted: the renamed driver under the mount" "$J" \
	'[.binaries[] | select(.path == "/mnt/win/ProgramData/Acme/drv0042.dat")] | length == 1'

# ---- lookalikes: names, altitudes and publishers that only resemble Kaspersky's ------------
W=$OUT/win-lookalike
rm -rf "$W" && cp -a "$H/lookalike" "$W"
DRV=$W/Windows/System32/drivers
mkdir -p "$DRV"
cp "$KLIFF" "$DRV/klifs.sys"
cp "$NETIO" "$DRV/klfltr.sys"
cp "$NETIO" "$DRV/disk.sys"
run_scan win-lookalike --root "$W"
expect_rc 0 lookalike
J=$OUT/r-win-lookalike.json
jqt "lookalike: klifs, klfltr, a publisher compatible with Kaspersky: nothing" "$J" '.findings == []'
jqt "lookalike: ... though every service and product was read" "$J" \
	'([.coverage[] | select(.source | startswith("/Windows/System32/config/")) | .status] | unique == ["absent", "ok"]) and .summary.incomplete == false'

# ---- clean --------------------------------------------------------------------------------
W=$OUT/win-clean
rm -rf "$W" && cp -a "$H/clean" "$W"
mkdir -p "$W/Windows/System32/drivers" && cp "$NETIO" "$W/Windows/System32/drivers/disk.sys"
run_scan win-clean --root "$W"
expect_rc 0 clean
jqt "clean: no findings, nothing incomplete, no DRIVERS hive said" "$OUT/r-win-clean.json" \
	'.findings == [] and .summary.incomplete == false and
	 ([.coverage[] | select(.source == "/Windows/System32/config/DRIVERS") | .status] == ["absent"])'

# ---- a hive Windows did not close cleanly --------------------------------------------------
W=$OUT/win-dirty
rm -rf "$W" && cp -a "$H/dirty" "$W"
mkdir -p "$W/Windows/System32/drivers" && cp "$KLIF" "$W/Windows/System32/drivers/klif.sys"
run_scan win-dirty --root "$W"
expect_rc 1 dirty
J=$OUT/r-win-dirty.json
jqt "dirty: the hive is read, and the report says its logs were not" "$J" \
	'.coverage[] | select(.source == "/Windows/System32/config/SYSTEM") | .status == "error" and (.detail | test("not closed cleanly"))'
jqt "dirty: incomplete, and klif still found through its service" "$J" \
	'.summary.incomplete == true and ([.findings[] | select(.kind == "service" and .name == "klif")] | length == 1)'

# ---- a damaged SYSTEM hive: the drivers are still inspected ---------------------------------
python3 tests/hive-break.py "$H/kics/Windows/System32/config/SYSTEM" "$OUT/hive-break" >/dev/null
for v in lh-outside lh-cycle-self bad-checksum value-len-huge; do
	W=$OUT/win-broken-$v
	rm -rf "$W" && cp -a "$H/kics" "$W"
	cp "$OUT/hive-break/$v" "$W/Windows/System32/config/SYSTEM"
	mkdir -p "$W/Windows/System32/drivers" && cp "$KLIF" "$W/Windows/System32/drivers/klif.sys"
	run_scan "win-broken-$v" --root "$W"
	expect_rc 1 "broken $v"
	jqt "broken $v: SYSTEM's damage said, the scan incomplete" "$OUT/r-win-broken-$v.json" \
		'.summary.incomplete == true and ([.coverage[] | select(.source == "/Windows/System32/config/SYSTEM") | .status] == ["error"])'
	jqt "broken $v: klif.sys still found" "$OUT/r-win-broken-$v.json" \
		'[.findings[] | select(.kind == "driver" and .name == "klif.sys")] | length == 1'
done

finish e2e-windows
