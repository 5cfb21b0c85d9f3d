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
	'.binaries[] | select(.path == "/Windows/System32/drivers/klif.sys") | .version.CompanyName == "AO Kaspersky Lab" and .kind == "driver" and .status == "valid"'
jqt "win10: dual signature has two entries, one nested" "$J" \
	'.binaries[] | select(.path | endswith("/dual.sys")) | .signatures | length == 2 and ([.[].depth] == [0, 1]) and ([.[].status] | unique == ["valid"])'
jqt "win10: tampered driver invalid" "$J" \
	'.binaries[] | select(.path | endswith("/tampered.sys")) | .status == "invalid"'
jqt "win10: a Kaspersky signer inside an invalid signature is not evidence" "$J" \
	'[.findings[] | select(.name == "tampered.sys")] == []'
jqt "win10: no CatRoot: coverage says unsigned-looking drivers may be catalog-signed" "$J" \
	'.coverage[] | select(.source == "/Windows/System32/CatRoot") | .status == "absent" and (.detail | test("show as unsigned"))'
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

# ---- timestamps: RFC 3161 (osslsigncode's built-in TSA) and legacy (tests/legacy-tsa.py), verified; the
# signer chain's validity periods judged at the timestamp as Windows does (tests/mktimestamps.sh)
cat >"$OUT/elam.rules" <<'RULES'
rule T-ELAM-001 {
	title "test: a driver signed for Early Launch Anti-Malware"
	severity info
	reference "tests/e2e-drivers.sh"
	match all {
		pe.elam equals "yes"
	}
}
RULES
run_scan drv-ts --root "$D/timestamps" --rules-add "$OUT/elam.rules"
J=$OUT/r-drv-ts.json
"$KD" scan --root "$D/timestamps" --rules-add "$OUT/elam.rules" >"$OUT/r-drv-ts.txt" 2>/dev/null || true
# ts WHAT DRIVER JQ: JQ about DRIVER's first signature
ts() { jqt "timestamps: $1" "$J" '.binaries[] | select(.path == $p) | .signatures[0] | '"$3" --arg p "/Windows/System32/drivers/$2"; }
ts "RFC 3161 valid, genTime and TSA signer recorded" tsrfc.sys \
	'.timestamp.kind == "rfc3161" and .timestamp.status == "valid" and .timestamp.time == "2019-05-01T12:00:00Z" and .timestamp.signer.subject == "O=Example Timestamping, CN=Example Test Timestamp Responder" and (.timestamp.chain | length == 1) and .time_valid == true and .time_basis == "timestamp"'
ts "legacy countersignature valid, its signingTime the run's" tslegacy.sys \
	'.timestamp.kind == "legacy" and .timestamp.status == "valid" and (.timestamp.time | test("^20[0-9]{2}-")) and .timestamp.signer.subject == "O=Example Timestamping, CN=Example Test Timestamp Responder" and .time_valid == true'
ts "RFC 3161 genTime changed after signing: invalid, with the reason" tsbadrfc.sys \
	'.timestamp.status == "invalid" and (.timestamp.reason | startswith("RFC 3161 timestamp signature does not verify")) and .time_basis == "scan time"'
ts "legacy signingTime changed after signing: invalid, with the reason" tsbadlegacy.sys \
	'.timestamp.status == "invalid" and (.timestamp.reason | startswith("counterSignature signature does not verify"))'
ts "a good RFC 3161 token over another signature: invalid (messageImprint)" tsimprint.sys \
	'.timestamp.status == "invalid" and (.timestamp.reason | startswith("RFC 3161 messageImprint is not a digest"))'
ts "certificate expired after the timestamp: valid as Windows judges it" tsexpired.sys \
	'.timestamp.status == "valid" and .time_valid == true and .time_basis == "timestamp" and (.time_reason | test("expired 2020-10-22, after the timestamp 2019-05-01: valid as Windows judges it"))'
ts "expired and not timestamped: judged expired, the kernel-mode rule said" tsnots.sys \
	'.timestamp == null and .time_valid == false and .time_basis == "scan time" and (.time_reason | test("expired 2020-10-22 and the signature is not timestamped: not valid as Authenticode judges it [(]kernel-mode code integrity"))'
jqt "timestamps: the verdicts stay (time does not change a signature's status)" "$J" \
	'[.binaries[] | .status] | unique == ["valid"]'
jqt "timestamps: the ELAM signer gives pe.elam, the others not" "$J" \
	'[.findings[] | select(.rules | index("T-ELAM-001")) | [.name, .evidence["pe.elam"]]] == [["tselam.sys", "yes"]]'
check "timestamps: the text report shows the timestamp and the judgement" \
	grep -q 'timestamp: rfc3161, valid, 2019-05-01T12:00:00Z, by ' "$OUT/r-drv-ts.txt"
check "timestamps: ... and a chain not valid at the scan time" grep -q 'validity periods: not valid: certificate ' "$OUT/r-drv-ts.txt"
jqt "timestamps: a finding carries its signature's timestamp and the judgement at that time" "$J" \
	'.findings[] | select(.name == "tsexpired.sys") | .evidence.timestamp == "rfc3161, valid, 2019-05-01T12:00:00Z" and
	 (.evidence.validity | test("expired 2020-10-22, after the timestamp 2019-05-01: valid as Windows judges it"))'
jqt "timestamps: ... an untimestamped signature valid now says nothing of time" "$J" \
	'.findings[] | select(.name == "tscurrent.sys") | .evidence.timestamp == null and .evidence.validity == null'

# ---- catalogs: drivers signed through System32/CatRoot (catalogs signed with osslsigncode)
run_scan drv-catalogs --root "$D/catalogs"
expect_rc 1 catalogs
J=$OUT/r-drv-catalogs.json
# every catalogs row of drivers.tsv: the signature status, and a Kaspersky finding or none
while IFS=$'\t' read -r path verdict sig _; do
	case $path in catalogs/*) ;; *) continue ;; esac
	p=/${path#catalogs/}
	jqt "catalogs: ${p##*/} is $sig" "$J" '[.binaries[] | select(.path == $p) | .status] == [$s]' \
		--arg p "$p" --arg s "$sig"
	if [ "$verdict" = kaspersky ]; then
		jqt "catalogs: ${p##*/} flagged" "$J" '[.findings[] | select(.path == $p and .kind == "driver")] | length == 1' --arg p "$p"
	else
		jqt "catalogs: ${p##*/} not flagged" "$J" '[.findings[] | select(.path == $p)] == []' --arg p "$p"
	fi
done <"$D/drivers.tsv"
check "catalogs: seven drivers checked against drivers.tsv" test "$(grep -c '^catalogs/' "$D/drivers.tsv")" -eq 7
CR='/Windows/System32/CatRoot/{F750E6C3-38EE-11D1-85E5-00C04FC295EE}'
jqt "catalogs: SHA-256 member of a WHCP-signed catalog, chain shown" "$J" \
	'.binaries[] | select(.path | endswith("/netcat.sys")) | .catalog == ($cr + "/ctrl.cat") and (.signatures | length == 1 and .[0].source == "catalog" and .[0].status == "valid" and .[0].digest == null and (.[0].signer.subject | test("CN=Microsoft Windows Hardware Compatibility Publisher$")) and (.[0].chain | length >= 1))' --arg cr "$CR"
jqt "catalogs: SHA-1 member of a version 1 catalog" "$J" \
	'.binaries[] | select(.path | endswith("/oldcat.sys")) | .catalog == ($cr + "/legacy.cat")' --arg cr "$CR"
jqt "catalogs: Kaspersky-signed catalog flags a driver that does not say Kaspersky itself" "$J" \
	'.findings[] | select(.name == "klcat.sys") | .evidence["cert.subject.O"] == ["AO Kaspersky Lab"] and .evidence.catalog == ($cr + "/klcat.cat")' --arg cr "$CR"
jqt "catalogs: a catalog whose signature fails: invalid, with the catalog named" "$J" \
	'.binaries[] | select(.path | endswith("/brokencat.sys")) | .reason | startswith("listed in catalog " + $cr + "/broken.cat: signature does not verify")' --arg cr "$CR"
jqt "catalogs: an embedded signature wins over a catalog listing" "$J" \
	'.binaries[] | select(.path | endswith("/both.sys")) | .catalog == null and ([.signatures[].source] | unique == ["embedded"])'
jqt "catalogs: hostile catalogs are counted, and make the coverage an error" "$J" \
	'.coverage[] | select(.source == "/Windows/System32/CatRoot") | .status == "error" and (.detail | startswith("5 catalogs read (7 members), some unreadable or unparseable; 4 of them"))'

jqt "catalogs: the catalog's OSAttr is recorded (CatalogVersion 2 and 1)" "$J" \
	'([.binaries[] | select(.path | endswith("/netcat.sys")) | .catalog_osattr] == ["2:10.0"]) and ([.binaries[] | select(.path | endswith("/oldcat.sys")) | .catalog_osattr] == ["2:5.2,2:6.0,2:6.1"])'
jqt "catalogs: ... and is evidence of a finding through a catalog" "$J" \
	'.findings[] | select(.name == "klcat.sys") | .evidence.osattr == "2:10.0"'
# member tags and member OSAttr (tests/mkcatalogs.sh: catalogs-tags)
run_scan drv-cat-tags --root "$D/catalogs-tags"
J=$OUT/r-drv-cat-tags.json
jqt "catalogs: a member whose tag is hash text naming another digest vouches for nothing, with the reason" "$J" \
	'.binaries[] | select(.path | endswith("/tagbad.sys")) | .status == "invalid" and (.reason | test("under tag [0-9A-F]{64}, which names another digest"))'
jqt "catalogs: a member's own OSAttr wins over the catalog's" "$J" \
	'.binaries[] | select(.path | endswith("/memberos.sys")) | .status == "valid" and .catalog_osattr == "2:6.3"'
J=$OUT/r-drv-catalogs.json
# a certificate table holding no PKCS#7 (an X.509 WIN_CERTIFICATE only) signs nothing: the
# catalog still does (the Authenticode digest leaves the table out, so it is unchanged)
rm -rf "$OUT/catalogs-x509" && cp -a "$D/catalogs" "$OUT/catalogs-x509"
python3 - "$OUT/catalogs-x509/Windows/System32/drivers/netcat.sys" <<'PY'
import struct, sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
opt = struct.unpack_from('<I', b, 0x3c)[0] + 24
dd = opt + (112 if struct.unpack_from('<H', b, opt)[0] == 0x20b else 96)
b += b'\0' * (-len(b) % 8)
blob = b'not a certificate, type 1 (X.509)'
entry = struct.pack('<IHH', 8 + len(blob), 0x0200, 0x0001) + blob
entry += b'\0' * (-len(entry) % 8)
struct.pack_into('<II', b, dd + 4 * 8, len(b), len(entry))
open(p, 'wb').write(b + entry)
PY
run_scan drv-catalogs-x509 --root "$OUT/catalogs-x509"
jqt "catalogs: a driver whose certificate table holds no PKCS#7 is still signed by its catalog" "$OUT/r-drv-catalogs-x509.json" \
	'.binaries[] | select(.path | endswith("/netcat.sys")) | .status == "valid" and (.catalog | endswith("/ctrl.cat"))'

# the same installation with every unsigned driver gone: the catalogs need not be read
rm -rf "$OUT/catalogs-signed" && cp -a "$D/catalogs" "$OUT/catalogs-signed"
find "$OUT/catalogs-signed/Windows/System32/drivers" -name '*.sys' ! -name both.sys -delete
run_scan drv-catalogs-signed --root "$OUT/catalogs-signed"
jqt "catalogs: none read when every driver carries its own signature" "$OUT/r-drv-catalogs-signed.json" \
	'.coverage[] | select(.source == "/Windows/System32/CatRoot") | .status == "ok" and .detail == "not read: every driver carries its own signature"'

# ---- the driver store: packages Windows staged (INF, SYS, CAT), loaded when a device wants them.
# A Kaspersky driver only there, a driver signed only by its own package's catalog, and drivers
# whose package's INF names their provider.
S=$OUT/driverstore
rm -rf "$S" && cp -a "$D/catalogs" "$S"
FR=$S/Windows/System32/DriverStore/FileRepository
mkdir -p "$FR/klif.inf_amd64_5f0cd0a4e8b1a9f2" "$FR/klcat.inf_amd64_0123456789abcdef"
cp "$D/win10/Windows/System32/drivers/klif.sys" "$FR/klif.inf_amd64_5f0cd0a4e8b1a9f2/"
printf '[Version]\r\nSignature="$Windows NT$"\r\n' >"$FR/klif.inf_amd64_5f0cd0a4e8b1a9f2/klif.inf"
mv "$S/Windows/System32/drivers/klcat.sys" "$FR/klcat.inf_amd64_0123456789abcdef/"
mv "$S$CR/klcat.cat" "$FR/klcat.inf_amd64_0123456789abcdef/"
# Packages known only by their INF: a driver with a neutral name and a neutral version resource
# (Contoso; catalog-signed through CatRoot's ctrl.cat, or unsigned) whose package's INF, in
# UTF-16LE with a BOM as Windows writes them (iconv), names the provider; and a lookalike provider.
# mkinf PROVIDER NAME OUT: a minifilter package's INF for NAME.sys, its service NAME
mkinf() {
	{ printf '\377\376'; sed 's/$/\r/' <<INF | iconv -f UTF-8 -t UTF-16LE; } >"$3"
;
; $2.inf - kdetect test fixture, not a real driver package
;
[Version]
Signature   = "\$WINDOWS NT\$"
Class       = "ActivityMonitor"   ; a minifilter's class
ClassGuid   = {b86dff51-a31e-4bac-b3cf-e8cfe75c9fc2}
Provider    = %ProviderName%
DriverVer   = 03/14/2024,21.17.7.539
CatalogFile = $2.cat
PnpLockdown = 1

[DestinationDirs]
DefaultDestDir      = 12
$2.DriverFiles      = 12            ;%windir%\system32\drivers

[DefaultInstall.NTamd64]
OptionDesc          = %ServiceDescription%
CopyFiles           = $2.DriverFiles

[DefaultInstall.NTamd64.Services]
AddService          = %ServiceName%,,$2.Service

[$2.Service]
DisplayName         = %ServiceName%
Description         = %ServiceDescription%
ServiceBinary       = %12%\%DriverName%.sys
Dependencies        = "FltMgr"
ServiceType         = 2                            ;SERVICE_FILE_SYSTEM_DRIVER
StartType           = 0                            ;SERVICE_BOOT_START
ErrorControl        = 1                            ;SERVICE_ERROR_NORMAL
LoadOrderGroup      = "FSFilter Activity Monitor"

[$2.DriverFiles]
%DriverName%.sys

[SourceDisksFiles]
$2.sys = 1,,

[SourceDisksNames]
1 = %DiskId1%,,,

[Strings]
ProviderName        = "$1"
ServiceDescription  = "File system activity monitor"
ServiceName         = "$2"
DriverName          = "$2"
DiskId1             = "$2 Installation Disk"
INF
	cmp -s <(head -c 2 "$3") <(printf '\377\376') || { echo "mkinf: $3 has no UTF-16LE BOM" >&2; exit 1; }
}
PF=fsmon.inf_amd64_7c3a9e0d21b54f68 PL=acmeflt.inf_amd64_4d2e6b8a0c1f3957 PR=fbusmon.inf_amd64_93b1c5e7a2d40f86
mkdir -p "$FR/$PF" "$FR/$PL" "$FR/$PR"
mkinf "AO Kaspersky Lab" fsmon "$FR/$PF/fsmon.inf"
cp "$S/Windows/System32/drivers/netcat.sys" "$FR/$PF/fsmon.sys"
mkinf "Acme (compatible with Kaspersky)" acmeflt "$FR/$PL/acmeflt.inf"
cp "$S/Windows/System32/drivers/oldcat.sys" "$FR/$PL/acmeflt.sys"
mkinf "АО «Лаборатория Касперского»" fbusmon "$FR/$PR/fbusmon.inf"
cp "$S/Windows/System32/drivers/orphan.sys" "$FR/$PR/fbusmon.sys"
run_scan drv-store --root "$S"
expect_rc 1 driverstore
J=$OUT/r-drv-store.json
SP=/Windows/System32/DriverStore/FileRepository
jqt "driver store: a Kaspersky driver only in the store is found" "$J" \
	'[.findings[] | select(.name == "klif.sys") | .path] == [$p]' --arg p "$SP/klif.inf_amd64_5f0cd0a4e8b1a9f2/klif.sys"
jqt "driver store: a driver signed by its package's own catalog is valid, the catalog named" "$J" \
	'.binaries[] | select(.path == $p) | .status == "valid" and .catalog == $c' \
	--arg p "$SP/klcat.inf_amd64_0123456789abcdef/klcat.sys" --arg c "$SP/klcat.inf_amd64_0123456789abcdef/klcat.cat"
jqt "driver store: ... and flagged through that catalog's Kaspersky signer" "$J" \
	'[.findings[] | select(.name == "klcat.sys") | .evidence.catalog] == [$c]' \
	--arg c "$SP/klcat.inf_amd64_0123456789abcdef/klcat.cat"
jqt "driver store: coverage counts its drivers and package catalogs" "$J" \
	'([.coverage[] | select(.source == $s) | .status == "ok" and (.detail | test("^Windows driver store: 5 .sys files in 6 folders"))] == [true]) and
	 ([.coverage[] | select(.source == ($s + " (package catalogs)")) | .detail] == ["1 catalogs of driver packages read"])' --arg s "$SP"
jqt "driver store: a driver known only by its package's INF provider is found, one step lower" "$J" \
	'[.findings[] | select(.name == "fsmon.sys") | [.path, .severity, (.rules | index("KL-DRV-004") != null)]] == [[$p, "high", true]]' \
	--arg p "$SP/$PF/fsmon.sys"
jqt "driver store: ... with the INF as evidence: package, file, provider, service, catalog" "$J" \
	'.findings[] | select(.name == "fsmon.sys") | .evidence | ."driverstore.package" == $f and ."inf.name" == "fsmon.inf" and
	 ."inf.provider" == "AO Kaspersky Lab" and ."inf.service" == ["fsmon"] and ."inf.catalog" == ["fsmon.cat"] and
	 ."inf.class" == "ActivityMonitor" and ."inf.driver_ver" == "03/14/2024,21.17.7.539"' --arg f "$PF"
jqt "driver store: ... its own version resource and signer say nothing of Kaspersky" "$J" \
	'.binaries[] | select(.path == $p) | (.version.CompanyName | test("Kaspersky") | not) and .status == "valid" and
	 .driver_package == {package: $f, name: "fsmon.inf", provider: "AO Kaspersky Lab", class: "ActivityMonitor",
	                     driver_ver: "03/14/2024,21.17.7.539", catalog: ["fsmon.cat"], service: ["fsmon"]}' \
	--arg p "$SP/$PF/fsmon.sys" --arg f "$PF"
jqt "driver store: the Russian legal name as provider, read from UTF-16LE" "$J" \
	'[.findings[] | select(.name == "fbusmon.sys") | .evidence."inf.provider"] == ["АО «Лаборатория Касперского»"]'
jqt "driver store: a provider that merely mentions Kaspersky is not Kaspersky" "$J" \
	'[.findings[] | select(.name == "acmeflt.sys")] == [] and
	 ([.binaries[] | select(.path == $p) | .driver_package.provider] == ["Acme (compatible with Kaspersky)"])' \
	--arg p "$SP/$PL/acmeflt.sys"
jqt "driver store: a finding on another rule names its package too" "$J" \
	'[.findings[] | select(.name == "klif.sys") | .evidence."driverstore.package", .evidence."inf.name"] ==
	 ["klif.inf_amd64_5f0cd0a4e8b1a9f2", "klif.inf"]'
jqt "driver store: a driver outside the store has no package" "$J" \
	'[.binaries[] | select(.path | startswith("/Windows/System32/drivers/")) | .driver_package] | unique == [{}]'
jqt "driver store: coverage counts the INFs read" "$J" \
	'[.coverage[] | select(.source == ($s + " (package INFs)")) | [.status, .detail]] == [["ok", "4 INFs read in 5 packages with drivers"]]' \
	--arg s "$SP"
"$KD" scan --root "$S" >"$OUT/r-drv-store.txt" 2>/dev/null || true
if grep -q 'inf.provider: AO Kaspersky Lab' "$OUT/r-drv-store.txt" &&
	grep -q 'driverstore.package: fsmon.inf_amd64_7c3a9e0d21b54f68' "$OUT/r-drv-store.txt"; then ok; else
	bad "driver store: the text report shows the package and its INF"; fi
# hostile INFs in a package: over the cap, random bytes, a FIFO, a link out of the root; the
# driver beside them is still inspected, and the package's one good INF still read
SH=$OUT/driverstore-hostile
rm -rf "$SH" && cp -a "$S" "$SH"
PH=$SH/Windows/System32/DriverStore/FileRepository/$PF
truncate -s 9M "$PH/huge.inf"
head -c 20000 /dev/urandom >"$PH/random.inf"
mkfifo "$PH/fifo.inf"
ln -s "$PWD/README.md" "$PH/escape.inf"
run_scan drv-store-hostile --root "$SH"
expect_rc 1 driverstore-hostile
J=$OUT/r-drv-store-hostile.json
jqt "driver store, hostile INFs: the package's INF is still read, its driver still found" "$J" \
	'[.findings[] | select(.name == "fsmon.sys") | .evidence."inf.provider"] == ["AO Kaspersky Lab"]'
jqt "driver store, hostile INFs: coverage says some were not read (the cap), links and FIFOs skipped" "$J" \
	'[.coverage[] | select(.source == ($s + " (package INFs)")) | [.status, .detail]] ==
	 [["error", "5 INFs read in 5 packages with drivers, some unreadable, over the 8 MiB cap or empty; some lines malformed or over the caps, skipped"]]' \
	--arg s "$SP"
jqt "no driver store: said, not an error" "$OUT/r-drv-catalogs.json" \
	'[.coverage[] | select(.source == $s) | .status] == ["absent"]' --arg s "$SP"

finish e2e-drivers
