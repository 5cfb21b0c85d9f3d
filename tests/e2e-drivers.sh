#!/usr/bin/env bash
# e2e-drivers.sh - end-to-end tests of Windows drivers on a mounted partition: PE and
# Authenticode (osslsigncode-signed at test time, nested and multiple signatures),
# VERSIONINFO resources (mingw windres), lookalikes, and hostile PE files.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib.sh

echo "e2e-drivers: building drivers"
tests/pki.sh "$OUT/drv-pki"
tests/mkdrivers.sh "$OUT/drv-pki" "$OUT/drivers"
D=$OUT/drivers

run_scan drv-win10 --root "$D/win10"
expect_rc 1 win10
J=$OUT/r-drv-win10.json
jqt "win10: Kaspersky drivers high (installed, not running)" "$J" \
	'[.findings[] | select(.kind == "driver") | .severity] | unique == ["high"]'
jqt "win10: klif.sys by its signer chain and its version resource, in both folders" "$J" \
	'[.findings[] | select(.name == "klif.sys") | .path] | sort == ["/Windows/System32/drivers/K4W-21-25/klif.sys","/Windows/System32/drivers/klif.sys"]'
jqt "win10: the attestation-signed driver is named as such" "$J" \
	'.findings[] | select(.name == "klhk.sys") | (.rules | index("KL-DRV-002")) != null'
jqt "win10: a nested Kaspersky signature counts" "$J" '[.findings[] | select(.name == "dual.sys")] | length == 1'
jqt "win10: another company's klif.sys is not Kaspersky" "$J" \
	'[.findings[] | select(.path | test("/vendor/"))] == []'
jqt "win10: a Kaspersky name alone decides nothing" "$J" '[.findings[] | select(.name == "klbackupflt.sys")] == []'
jqt "win10: Microsoft's own driver is not flagged" "$J" '[.findings[] | select(.name == "netio.sys")] == []'
jqt "win10: version resource read" "$J" \
	'.binaries[] | select(.path == "/Windows/System32/drivers/klif.sys") | .signatures["version.CompanyName"] == "AO Kaspersky Lab" and .kind == "driver" and .status == "valid"'
jqt "win10: dual signature has two entries, one nested" "$J" \
	'.binaries[] | select(.path | endswith("/dual.sys")) | .signatures.signature | length == 2 and (.[1] | startswith("nested"))'
jqt "win10: tampered driver invalid" "$J" \
	'.binaries[] | select(.path | endswith("/tampered.sys")) | .status == "invalid"'
jqt "win10: unsigned name-alike unsigned" "$J" \
	'.binaries[] | select(.path | endswith("/klbackupflt.sys")) | .status == "unsigned"'

run_scan drv-edge --root "$D/edge-win"
J=$OUT/r-drv-edge.json
jqt "edge: upper-case names, two certificate entries, page hashes and SHA-1 all verify" "$J" \
	'[.binaries[] | select(.path | test("KLFLT.SYS|multicert|pagehash|sha1")) | .status] | unique == ["valid"]'
jqt "edge: another company's kneps.sys, and a signature without its certificates, not flagged" "$J" \
	'[.findings[] | select(.name == "kneps.sys" or .name == "nocerts.sys")] == []'

run_scan drv-dualboot --root "$D/dualboot"
J=$OUT/r-drv-dualboot.json
jqt "dualboot: the partition named in etc/fstab is found by itself" "$J" \
	'[.findings[] | .path] == ["/mnt/windows/Windows/System32/drivers/klif.sys"]'
jqt "dualboot: the lookalike on a USB disk is inspected, and clean" "$J" \
	'[.binaries[] | select(.path | startswith("/media/")) | .status] | length >= 1'

run_scan drv-hostile --root "$D/hostile-win"
J=$OUT/r-drv-hostile.json
jqt "hostile: only the control copy is flagged" "$J" '[.findings[] | .name] == ["control.sys"]'
jqt "hostile: broken headers and certificate tables are malformed, with reasons" "$J" \
	'[.binaries[] | select(.path | test("sect-table-past-eof|nsections-ffff|cert-dwlength-0|cert-dir-past-eof")) | .status == "malformed" and (.reason | length > 10)] | (length == 4 and all)'
jqt "hostile: a broken version resource is reported, not fatal" "$J" \
	'[.binaries[] | select(.path | test("/vi-|/rsrc-")) | .status] | length >= 8'
jqt "hostile: an empty driver file is reported malformed, not skipped" "$J" \
	'.binaries[] | select(.path | endswith("/klflt.sys")) | .status == "malformed"'
jqt "hostile: the 100 MiB file is not read" "$J" '.binaries[] | select(.path | endswith("/huge.sys")) | .status == "unread"'
jqt "hostile: symlinks leading out of the root are not followed" "$J" '[.binaries[] | select(.path | test("escape|canary"))] == []'

finish e2e-drivers
