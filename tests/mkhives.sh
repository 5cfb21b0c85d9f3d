#!/usr/bin/env bash
# Generates Windows registry hive fixtures for kdetect: minimal empty hives from tests/mkhive.py, filled
# by a real third-party writer (hivexregedit --merge, from .reg texts written here), read back with
# hivexget and checked. Scenarios, each a tree OUTDIR/<scenario>/Windows/System32/config/: kics (a
# KICS-for-Nodes-like installation), lookalike (near misses only), clean (ordinary Windows 10) and dirty
# (kics's hives, SYSTEM not closed cleanly, with a SYSTEM.LOG1). OUTDIR/HIVES.md says what is where.
# Usage: tests/mkhives.sh OUTDIR

# Windows paths end in backslashes inside single quotes, on purpose
# shellcheck disable=SC1003
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/fixlib.sh"
[ $# -eq 1 ] || die "usage: tests/mkhives.sh OUTDIR"

for c in python3 hivexregedit hivexget hivexsh iconv od cmp; do
	command -v "$c" >/dev/null || die "'$c' not found (apt-get install libhivex-bin libwin-hivex-perl python3)"
done
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MKHIVE=$HERE/mkhive.py

mkdir -p "$1"
OUT=$(cd "$1" && pwd)
[ "$OUT" != / ] || die "refusing OUTDIR=/"
B=$OUT/.build
rm -rf "$B" "$OUT/kics" "$OUT/lookalike" "$OUT/clean" "$OUT/dirty"
mkdir -p "$B"
LOG=$OUT/build.log
: >"$LOG"

# --- .reg writer -----------------------------------------------------------------------------------------
# reg_new FILE PREFIX: start FILE ("Windows Registry Editor Version 5.00"); keys are written under PREFIX
# (e.g. HKEY_LOCAL_MACHINE\SYSTEM), which hivexregedit --prefix strips again.
REG=
PFX=
CURKEY=
declare -A SEEN VSEEN
reg_new() {
	REG=$1
	PFX=$2
	SEEN=()
	VSEEN=()
	printf 'Windows Registry Editor Version 5.00\r\n' >"$REG"
}

# key PATH: open key PATH (relative to the hive's root); hivexregedit creates a key only under an existing
# parent, so every ancestor not yet written gets its own (empty) section first. A blank line ends a section.
key() {
	local path=$1 part acc=
	# shellcheck disable=SC2141  # split on the backslashes of a key path
	local IFS='\'
	CURKEY=$path
	for part in $path; do
		acc=${acc:+$acc\\}$part
		if [ -z "${SEEN[$acc]+x}" ]; then
			SEEN[$acc]=1
			printf '\n[%s\\%s]\n' "$PFX" "$acc" >>"$REG"
		fi
	done
}

# quoted STRING: STRING in .reg double quotes (backslash and quote escaped)
quoted() {
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	printf '"%s"' "$s"
}

# u16hex STRING...: each STRING as UTF-16LE with its NUL, as .reg hex bytes ("61,00,00,00"); ASCII in
# bash (no process per value), anything else through iconv
u16hex() {
	local s i out='' LC_ALL=C
	for s in "$@"; do
		if [[ $s == *[![:ascii:]]* ]]; then
			out+=$(printf '%s\0' "$s" | iconv -f UTF-8 -t UTF-16LE | od -An -v -tx1 |
				tr -s ' \n' '  ' | sed 's/^ //; s/ $//; s/ /,/g'),
			continue
		fi
		for ((i = 0; i < ${#s}; i++)); do
			printf -v out '%s%02x,00,' "$out" "'${s:i:1}"
		done
		out+=00,00,
	done
	printf '%s' "${out%,}"
}

# value writers: NAME "@" is the key's default value. hivexregedit would store a name given twice in a
# section twice (Windows compares value names case-insensitively), so that is an error here.
vname() {
	local id="$CURKEY|${1,,}"
	[ -z "${VSEEN[$id]+x}" ] || die "${REG##*/}: value \"$1\" of $CURKEY written twice"
	VSEEN[$id]=1
	if [ "$1" = @ ]; then printf '@'; else quoted "$1"; fi
}
sz() { { vname "$1"; printf '='; quoted "$2"; printf '\n'; } >>"$REG"; }
dword() { { vname "$1"; printf '=dword:%08x\n' "$2"; } >>"$REG"; }
expand() { { vname "$1"; printf '=hex(2):%s\n' "$(u16hex "$2")"; } >>"$REG"; }
# multi NAME STRING...: REG_MULTI_SZ, each string NUL-terminated, then the final empty string
multi() {
	local n=$1
	shift
	{ vname "$n"; printf '=hex(7):%s\n' "$(u16hex "$@" '')"; } >>"$REG"
}
# binary NAME HEX: REG_BINARY from hex digits ("0102ff")
binary() { { vname "$1"; printf '=hex:%s\n' "$(commas "$2")"; } >>"$REG"; }
# commas HEX: "0102ff" as "01,02,ff"
commas() {
	local h=$1 out='' i
	for ((i = 0; i < ${#h}; i += 2)); do out+=${h:i:2},; done
	printf '%s' "${out%,}"
}
# qword NAME N: REG_QWORD, little-endian
qword() {
	local v=$2 i h=
	for i in 0 1 2 3 4 5 6 7; do
		h+=$(printf '%02x' $(((v >> (8 * i)) & 255)))
	done
	{ vname "$1"; printf '=hex(b):%s\n' "$(commas "$h")"; } >>"$REG"
}

# merge HIVE REGFILE PREFIX ROOTNAME FILENAME: a fresh minimal hive, then hivexregedit merges REGFILE into it
merge() {
	run python3 "$MKHIVE" --root-name "$4" --file-name "$5" "$1"
	run hivexregedit --merge --prefix "$3" "$1" "$2"
}

# expect HIVE KEY VALUE WANT: hivexget reads VALUE of KEY back as WANT (strings as text, dwords as signed
# decimal, multi-strings one per line)
CHECKS=0
expect() {
	local got
	got=$(hivexget "$1" "$2" "$3" 2>>"$LOG") || die "${1#"$OUT"/}: hivexget cannot read $2 \"$3\""
	[ "$got" = "$4" ] || die "${1#"$OUT"/}: $2 \"$3\" reads back as '$got', expected '$4'"
	CHECKS=$((CHECKS + 1))
}
# expect_key HIVE KEY: KEY exists (hivexsh can cd into it); expect_nokey: it does not
expect_key() {
	printf 'cd %s\n' "$2" | hivexsh "$1" >>"$LOG" 2>&1 || die "${1#"$OUT"/}: key $2 missing"
	CHECKS=$((CHECKS + 1))
}
expect_nokey() {
	if printf 'cd %s\n' "$2" | hivexsh "$1" >>"$LOG" 2>&1; then
		die "${1#"$OUT"/}: key $2 should not exist"
	fi
	CHECKS=$((CHECKS + 1))
}

# --- SYSTEM ---------------------------------------------------------------------------------------------
# select_key CURRENT LKG
select_key() {
	key 'Select'
	dword Current "$1"
	dword Default "$1"
	dword Failed 0
	dword LastKnownGood "$2"
}

# control CS: the Control keys a scan reads (computer name, ELAM policy and backup folder)
control() {
	key "$1\\Control\\ComputerName\\ComputerName"
	sz ComputerName HMI-01
	key "$1\\Control\\EarlyLaunch"
	# 3 = good, unknown and bad-but-critical boot drivers are initialized (the default)
	dword DriverLoadPolicy 3
	# the folder ELAM installers put a backup copy of their driver in (Microsoft's "ELAM driver
	# requirements" page names the value but not its data; the folder is the ELAMBKUP folder Windows 10
	# installations have, from memory, not from a source)
	sz BackupPath 'C:\Windows\ELAMBKUP'
}

# winpath IMAGEPATH NAME TYPE: the file a service's ImagePath names, relative to the root of the Windows
# volume, with / for \ and the case kept as written (Windows matches case-insensitively): \SystemRoot\ and
# %SystemRoot%\ are Windows/, \??\C:\ and C:\ the volume's root, a relative path is under Windows/; a driver
# without ImagePath is Windows/System32/drivers/NAME.sys; a quoted path loses its quotes and arguments
winpath() {
	local p=$1 lc
	if [ "$p" = - ]; then
		case $3 in
		1|2) p="System32\\drivers\\$2.sys" ;;
		*) printf -- -; return ;;
		esac
	fi
	case $p in
	\"*) p=${p#\"}; p=${p%%\"*} ;;
	*' '-*) p=${p%% -*} ;;
	esac
	lc=${p,,}
	case $lc in
	'\systemroot\'*) p=Windows\\${p:12} ;;
	'%systemroot%\'*) p=Windows\\${p:13} ;;
	'\??\c:\'*) p=${p:7} ;;
	'c:\'*) p=${p:3} ;;
	*) p=Windows\\$p ;;
	esac
	printf '%s' "${p//\\//}"
}

# [EC=N] [FILE=STATE] svc CS NAME TYPE START [IMAGEPATH|-] [GROUP|-] [DISPLAYNAME|-]: one service key,
# ErrorControl N (default 1, normal); a row of OUTDIR/services.tsv, the file's STATE "present" (the driver
# file is to be put there; the default for drivers), "missing" (must not exist), "any" (the test decides)
SVCROWS=
svc() {
	key "$1\\Services\\$2"
	dword Type "$3"
	dword Start "$4"
	dword ErrorControl "${EC:-1}"
	[ "${5:--}" = - ] || expand ImagePath "$5"
	[ "${6:--}" = - ] || sz Group "$6"
	[ "${7:--}" = - ] || sz DisplayName "$7"
	local state=${FILE:-}
	if [ -z "$state" ]; then
		case $(($3)) in
		1|2) state=present ;;
		*) state=- ;;
		esac
	fi
	printf -v SVCROWS '%s%s\t%s\t%s\t0x%x\t%d\t%s\t%s\t%s\t%s\n' "$SVCROWS" "$SCEN" "$1" "$2" "$3" "$4" \
		"${6:--}" "${5:--}" "$(winpath "${5:--}" "$2" $(($3)))" "$state"
}

# instance CS SERVICE INSTANCE ALTITUDE: a minifilter's Instances key with one (default) instance
instance() {
	key "$1\\Services\\$2\\Instances"
	sz DefaultInstance "$3"
	key "$1\\Services\\$2\\Instances\\$3"
	sz Altitude "$4"
	dword Flags 0
}

# windows_services CS: the ordinary Windows 10 services every scenario has
windows_services() {
	local cs=$1
	FILE=any svc "$cs" disk 1 0 'System32\drivers\disk.sys' 'SCSI Class' '@disk.inf,%disk_ServiceDesc%;Disk Driver'
	# no ImagePath: Windows loads system32\drivers\Ntfs.sys
	FILE=any svc "$cs" Ntfs 2 3 - 'Boot File System' Ntfs
	FILE=any svc "$cs" Tcpip 1 0 'System32\drivers\tcpip.sys' PNP_TDI 'TCP/IP Protocol Driver'
	FILE=any svc "$cs" FltMgr 2 0 'system32\drivers\fltmgr.sys' 'FSFilter Infrastructure' \
		'@%SystemRoot%\system32\drivers\fltmgr.sys,-10001'
	FILE=any svc "$cs" WdFilter 2 0 'system32\drivers\wd\WdFilter.sys' 'FSFilter Anti-Virus' \
		'@%ProgramFiles%\Windows Defender\MpAsDesc.dll,-340'
	multi DependOnService FltMgr
	instance "$cs" WdFilter 'WdFilter Instance' 328010
	FILE=any svc "$cs" WdBoot 1 0 'system32\drivers\wd\WdBoot.sys' Early-Launch \
		'@%ProgramFiles%\Windows Defender\MpAsDesc.dll,-390'
	# a disabled driver
	FILE=any svc "$cs" Beep 1 4 - 'Base' Beep
	FILE=any svc "$cs" EventLog 0x20 2 '%SystemRoot%\System32\svchost.exe -k LocalServiceNetworkRestricted -p' \
		- '@%SystemRoot%\system32\wevtsvc.dll,-200'
	sz ObjectName 'NT AUTHORITY\LocalService'
}

KICS_DIR='C:\Program Files (x86)\Kaspersky Lab\Kaspersky Industrial CyberSecurity for Nodes\'
NAGENT_DIR='C:\Program Files (x86)\Kaspersky Lab\NetworkAgent\'

# kaspersky_services CS: KICS for Nodes' drivers and services as its installer registers them, with
# klhk's file renamed and klbackupdisk's file gone
kaspersky_services() {
	local cs=$1
	svc "$cs" klif 2 0 'system32\DRIVERS\klif.sys' 'FSFilter Anti-Virus' 'Kaspersky Lab Driver'
	sz Description 'Kaspersky Lab file system filter driver'
	multi DependOnService FltMgr
	dword SupportedFeatures 3
	instance "$cs" klif 'klif Instance' 320400
	svc "$cs" klflt 1 1 '\SystemRoot\System32\drivers\klflt.sys' 'PNP Filter' 'Kaspersky Lab filter core'
	# ELAM drivers are critical: without them the boot fails
	EC=3 svc "$cs" klelam 1 0 'system32\drivers\klelam.sys' Early-Launch 'Kaspersky Lab ELAM driver'
	# a remnant: the service is still registered, its file is gone
	FILE=missing svc "$cs" klbackupdisk 1 0 '\SystemRoot\system32\DRIVERS\klbackupdisk.sys' - 'Kaspersky Lab backup disk driver'
	svc "$cs" KAVFS 0x10 2 "\"${KICS_DIR}kavfs.exe\"" - 'Kaspersky Security Service'
	sz ObjectName LocalSystem
	svc "$cs" klnagent 0x10 2 "\"${NAGENT_DIR}klnagent.exe\"" - 'Kaspersky Security Center Network Agent'
	sz ObjectName LocalSystem
}

system_kics() {
	SCEN=kics
	reg_new "$B/kics-SYSTEM.reg" 'HKEY_LOCAL_MACHINE\SYSTEM'
	select_key 1 2
	control ControlSet001
	windows_services ControlSet001
	kaspersky_services ControlSet001
	# renamed: the hypervisor hooking driver's file has a neutral name outside System32\drivers
	svc ControlSet001 klhk 1 1 '\??\C:\ProgramData\Acme\drv0042.dat' - 'Kaspersky Lab service driver'
	# ControlSet002 (LastKnownGood): the set before the last update, no klhk yet, the old kl1 still there
	control ControlSet002
	windows_services ControlSet002
	kaspersky_services ControlSet002
	FILE=missing svc ControlSet002 kl1 1 0 'system32\DRIVERS\kl1.sys' 'Boot Bus Extender' 'Kaspersky Lab Boot Driver'
}

system_lookalike() {
	SCEN=lookalike
	reg_new "$B/lookalike-SYSTEM.reg" 'HKEY_LOCAL_MACHINE\SYSTEM'
	select_key 1 1
	control ControlSet001
	windows_services ControlSet001
	# another vendor's activity monitor with a klif-like name, at an altitude Kaspersky never had
	svc ControlSet001 klifs 2 0 'system32\drivers\klifs.sys' 'FSFilter Activity Monitor' 'Acme KLIFS File Monitor'
	sz Description 'Acme Automation file activity monitor'
	multi DependOnService FltMgr
	instance ControlSet001 klifs 'klifs Instance' 385210
	# klfltr, not klflt
	svc ControlSet001 klfltr 1 3 'System32\drivers\klfltr.sys' - 'Acme Keyboard Layout Filter'
}

system_clean() {
	SCEN=clean
	reg_new "$B/clean-SYSTEM.reg" 'HKEY_LOCAL_MACHINE\SYSTEM'
	select_key 1 1
	control ControlSet001
	windows_services ControlSet001
}

# --- SOFTWARE -------------------------------------------------------------------------------------------
windows_version() {
	key 'Microsoft\Windows NT\CurrentVersion'
	sz ProductName 'Windows 10 Enterprise LTSC 2021'
	sz EditionID EnterpriseS
	sz InstallationType Client
	sz CurrentVersion 6.3
	dword CurrentMajorVersionNumber 10
	dword CurrentMinorVersionNumber 0
	sz CurrentBuild 19044
	sz CurrentBuildNumber 19044
	dword UBR 3570
	sz DisplayVersion 21H2
	sz SystemRoot 'C:\Windows'
	sz RegisteredOrganization 'Acme Water Works'
}

# product VIEW KEY NAME PUBLISHER VERSION LOCATION: an Uninstall entry; VIEW is "" (64-bit) or WOW6432Node\
product() {
	key "${1}Microsoft\\Windows\\CurrentVersion\\Uninstall\\$2"
	sz DisplayName "$3"
	sz Publisher "$4"
	sz DisplayVersion "$5"
	[ "${6:--}" = - ] || sz InstallLocation "$6"
	sz InstallDate 20240115
	case $2 in
	'{'*) sz UninstallString "MsiExec.exe /X$2"
	      dword WindowsInstaller 1 ;;
	*) sz UninstallString "${6}Uninstall.exe" ;;
	esac
}

windows_products() {
	product '' 7-Zip '7-Zip 23.01 (x64)' 'Igor Pavlov' 23.01 'C:\Program Files\7-Zip\'
	product 'WOW6432Node\' '{8bdfe669-9705-4184-9368-db9ce581e0e7}' \
		'Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33130' 'Microsoft Corporation' 14.38.33130.0 -
	key 'WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\{8bdfe669-9705-4184-9368-db9ce581e0e7}'
	dword SystemComponent 0
}

KICS_GUID='{7A4192A1-84C4-4E90-A31B-B91D4A6A1F58}'
NAGENT_GUID='{8F1A2F0E-4D3C-4B8E-9C2B-6E1F3A5D7B90}'

software_kics() {
	reg_new "$B/kics-SOFTWARE.reg" 'HKEY_LOCAL_MACHINE\SOFTWARE'
	windows_version
	windows_products
	product '' "$KICS_GUID" 'Kaspersky Industrial CyberSecurity for Nodes' 'AO Kaspersky Lab' 3.2.0.1234 "$KICS_DIR"
	product 'WOW6432Node\' "$NAGENT_GUID" 'Kaspersky Security Center Network Agent' 'AO Kaspersky Lab' \
		14.0.0.10902 "$NAGENT_DIR"
	key 'KasperskyLab\protected\KICS4Nodes\environment'
	sz ProductName 'Kaspersky Industrial CyberSecurity for Nodes'
	sz ProductVersion 3.2.0.1234
	sz ProductRoot "$KICS_DIR"
	sz ProductCode "$KICS_GUID"
	key 'WOW6432Node\KasperskyLab\Components\34\1103\1.0.0.0'
	sz ProductRoot "$NAGENT_DIR"
	sz ProductDisplayName 'Kaspersky Security Center Network Agent'
	sz ProductVersion 14.0.0.10902
	sz ProductCode "$NAGENT_GUID"
}

software_lookalike() {
	reg_new "$B/lookalike-SOFTWARE.reg" 'HKEY_LOCAL_MACHINE\SOFTWARE'
	windows_version
	windows_products
	product '' '{C3E1B7A2-5D4F-4A61-8B0E-2A9D6F3C1E47}' 'Acme HMI Suite' \
		'Acme Automation (Kaspersky compatible)' 5.4.2 'C:\Program Files\Acme\HMI Suite\'
	product 'WOW6432Node\' AcmeBackupAgent 'Kaspersky-compatible Backup Agent' Acme 2.1.0 \
		'C:\Program Files (x86)\Acme\Backup Agent\'
	key 'Acme\HMI Suite'
	sz Compatibility 'Tested with Kaspersky Industrial CyberSecurity for Nodes'
}

software_clean() {
	reg_new "$B/clean-SOFTWARE.reg" 'HKEY_LOCAL_MACHINE\SOFTWARE'
	windows_version
	windows_products
}

# --- DRIVERS --------------------------------------------------------------------------------------------
KLIF_PKG=klif.inf_amd64_5f0cd0a4e8b1a9f2
DISK_PKG=disk.inf_amd64_d3b1c3a8e6e2b7c4

# pkgversion CLASSGUIDHEX FILETIME MAJOR MINOR BUILD REV: the Version value's bytes as hex: class GUID,
# driver date (FILETIME), driver version (four 16-bit parts, QWORD); treat as opaque
pkgversion() {
	local v=$(( ($3 << 48) | ($4 << 32) | ($5 << 16) | $6 )) t=$2 i h=$1
	for i in 0 1 2 3 4 5 6 7; do h+=$(printf '%02x' $(((t >> (8 * i)) & 255))); done
	for i in 0 1 2 3 4 5 6 7; do h+=$(printf '%02x' $(((v >> (8 * i)) & 255))); done
	printf '%s' "$h"
}

# driverpkg PKG INF PROVIDER CLASSGUIDHEX MAJOR MINOR BUILD REV
driverpkg() {
	key "DriverDatabase\\DriverPackages\\$1"
	sz Provider "$3"
	sz SignerName 'Microsoft Windows Hardware Compatibility Publisher'
	dword SignerScore 0x0d000005
	binary Version "$(pkgversion "$4" 133485408000000000 "$5" "$6" "$7" "$8")"
	key "DriverDatabase\\DriverInfFiles\\$2"
	multi @ "$1"
	sz Active "$1"
}

drivers_kics() {
	reg_new "$B/kics-DRIVERS.reg" 'HKEY_LOCAL_MACHINE\DRIVERS'
	key 'DriverDatabase'
	sz Architecture amd64
	# legacy (no device class): the all-zero class GUID; disk drives: {4d36e967-e325-11ce-bfc1-08002be10318}
	driverpkg "$KLIF_PKG" klif.inf 'AO Kaspersky Lab' 00000000000000000000000000000000 11 0 3 129
	driverpkg "$DISK_PKG" disk.inf Microsoft 67e9364d25e3ce11bfc108002be10318 10 0 19041 3570
}

# --- build ----------------------------------------------------------------------------------------------
SYSFN='\SystemRoot\System32\Config\SYSTEM'
SWFN='emRoot\System32\Config\SOFTWARE'
DRVFN='\SystemRoot\System32\Config\DRIVERS'
for s in kics lookalike clean; do
	cfg=$OUT/$s/Windows/System32/config
	mkdir -p "$cfg"
	"system_$s"
	merge "$cfg/SYSTEM" "$B/$s-SYSTEM.reg" 'HKEY_LOCAL_MACHINE\SYSTEM' ROOT "$SYSFN"
	"software_$s"
	merge "$cfg/SOFTWARE" "$B/$s-SOFTWARE.reg" 'HKEY_LOCAL_MACHINE\SOFTWARE' ROOT "$SWFN"
done
drivers_kics
merge "$OUT/kics/Windows/System32/config/DRIVERS" "$B/kics-DRIVERS.reg" 'HKEY_LOCAL_MACHINE\DRIVERS' \
	ROOT "$DRVFN"

{
	printf '# scenario\tcontrol_set\tservice\ttype\tstart\tgroup\timage_path\tfile\tfile_state\n'
	printf '%s' "$SVCROWS"
} >"$OUT/services.tsv"

# dirty: kics's hives, SYSTEM's base block marked as written but not closed, and a log beside it
cfg=$OUT/dirty/Windows/System32/config
mkdir -p "$cfg"
cp "$OUT/kics/Windows/System32/config/SOFTWARE" "$OUT/kics/Windows/System32/config/DRIVERS" "$cfg/"
run python3 "$MKHIVE" --dirty-from "$OUT/kics/Windows/System32/config/SYSTEM" --log1 "$cfg/SYSTEM.LOG1" \
	"$cfg/SYSTEM"

# --- read back ------------------------------------------------------------------------------------------
for s in kics lookalike clean dirty; do
	cfg=$OUT/$s/Windows/System32/config
	for h in SYSTEM SOFTWARE; do
		run hivexml "$cfg/$h"
	done
	expect "$cfg/SYSTEM" '\Select' Current 1
	expect "$cfg/SYSTEM" '\ControlSet001\Control\EarlyLaunch' DriverLoadPolicy 3
	expect "$cfg/SYSTEM" '\ControlSet001\Services\disk' ImagePath 'System32\drivers\disk.sys'
	expect "$cfg/SYSTEM" '\ControlSet001\Services\Ntfs' Type 2
	expect "$cfg/SYSTEM" '\ControlSet001\Services\WdFilter\Instances\WdFilter Instance' Altitude 328010
	expect "$cfg/SOFTWARE" '\Microsoft\Windows NT\CurrentVersion' ProductName 'Windows 10 Enterprise LTSC 2021'
	expect "$cfg/SOFTWARE" '\Microsoft\Windows NT\CurrentVersion' CurrentMajorVersionNumber 10
	expect "$cfg/SOFTWARE" '\Microsoft\Windows\CurrentVersion\Uninstall\7-Zip' Publisher 'Igor Pavlov'
done
for s in kics dirty; do
	cfg=$OUT/$s/Windows/System32/config
	S=$cfg/SYSTEM
	run hivexml "$cfg/DRIVERS"
	expect "$S" '\Select' LastKnownGood 2
	expect "$S" '\ControlSet001\Services\klif' Start 0
	expect "$S" '\ControlSet001\Services\klif' Type 2
	expect "$S" '\ControlSet001\Services\klif' ImagePath 'system32\DRIVERS\klif.sys'
	expect "$S" '\ControlSet001\Services\klif' Group 'FSFilter Anti-Virus'
	expect "$S" '\ControlSet001\Services\klif' DependOnService FltMgr
	expect "$S" '\ControlSet001\Services\klif\Instances' DefaultInstance 'klif Instance'
	expect "$S" '\ControlSet001\Services\klif\Instances\klif Instance' Altitude 320400
	expect "$S" '\ControlSet001\Services\klif\Instances\klif Instance' Flags 0
	expect "$S" '\ControlSet001\Services\klflt' ImagePath '\SystemRoot\System32\drivers\klflt.sys'
	expect "$S" '\ControlSet001\Services\klelam' Group Early-Launch
	expect "$S" '\ControlSet001\Services\klelam' ErrorControl 3
	expect "$S" '\ControlSet001\Services\klhk' ImagePath '\??\C:\ProgramData\Acme\drv0042.dat'
	expect "$S" '\ControlSet001\Services\klbackupdisk' Start 0
	expect "$S" '\ControlSet001\Services\KAVFS' Type 16
	expect "$S" '\ControlSet001\Services\KAVFS' ImagePath "\"${KICS_DIR}kavfs.exe\""
	expect "$S" '\ControlSet002\Services\kl1' Start 0
	expect_key "$S" '\ControlSet002\Services\klif\Instances\klif Instance'
	expect_key "$cfg/SOFTWARE" '\KasperskyLab\protected'
	expect_nokey "$S" '\ControlSet002\Services\klhk'
	expect_nokey "$S" '\ControlSet001\Services\kl1'
	expect "$S" '\ControlSet001\Control\EarlyLaunch' BackupPath 'C:\Windows\ELAMBKUP'
	W=$cfg/SOFTWARE
	expect "$W" "\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$KICS_GUID" Publisher 'AO Kaspersky Lab'
	expect "$W" "\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$KICS_GUID" InstallLocation "$KICS_DIR"
	expect "$W" "\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$NAGENT_GUID" DisplayName \
		'Kaspersky Security Center Network Agent'
	expect "$W" '\KasperskyLab\protected\KICS4Nodes\environment' ProductVersion 3.2.0.1234
	expect "$W" '\WOW6432Node\KasperskyLab\Components\34\1103\1.0.0.0' ProductRoot "$NAGENT_DIR"
	D=$cfg/DRIVERS
	expect "$D" "\\DriverDatabase\\DriverPackages\\$KLIF_PKG" Provider 'AO Kaspersky Lab'
	expect "$D" '\DriverDatabase\DriverInfFiles\klif.inf' Active "$KLIF_PKG"
done
L=$OUT/lookalike/Windows/System32/config
expect "$L/SYSTEM" '\ControlSet001\Services\klifs\Instances\klifs Instance' Altitude 385210
expect "$L/SYSTEM" '\ControlSet001\Services\klfltr' ImagePath 'System32\drivers\klfltr.sys'
expect_nokey "$L/SYSTEM" '\ControlSet001\Services\klif'
expect "$L/SOFTWARE" '\Microsoft\Windows\CurrentVersion\Uninstall\{C3E1B7A2-5D4F-4A61-8B0E-2A9D6F3C1E47}' \
	Publisher 'Acme Automation (Kaspersky compatible)'
expect_nokey "$L/SOFTWARE" '\KasperskyLab'
C=$OUT/clean/Windows/System32/config
expect_nokey "$C/SYSTEM" '\ControlSet001\Services\klif'
expect_nokey "$C/SYSTEM" '\ControlSet002'
expect_nokey "$C/SOFTWARE" '\KasperskyLab'
[ ! -e "$C/DRIVERS" ] || die "clean has a DRIVERS hive"

# dirty differs from kics in the base block only
cmp -s -i 4096 "$OUT/kics/Windows/System32/config/SYSTEM" "$OUT/dirty/Windows/System32/config/SYSTEM" ||
	die "dirty/SYSTEM differs from kics/SYSTEM beyond the base block"
[ -s "$OUT/dirty/Windows/System32/config/SYSTEM.LOG1" ] || die "dirty has no SYSTEM.LOG1"

# a second, independent regf reader when there is one: Samba's regtree (registry-tools) must read the
# same keys and values. It is given copies: Samba's regf backend may write to the file it opens.
# (grep_tree TREE LINE: the dump has LINE, leading spaces ignored)
grep_tree() {
	sed 's/^ *//' "$1" | grep -xF -- "$2" >/dev/null || die "regtree does not show '$2' in ${1##*/} (log: $LOG)"
	CHECKS=$((CHECKS + 1))
}
if command -v regtree >/dev/null; then
	for s in kics lookalike clean; do
		for h in SYSTEM SOFTWARE; do
			cp "$OUT/$s/Windows/System32/config/$h" "$B/regtree.hive"
			regtree -s /dev/null -F "$B/regtree.hive" >"$B/$s-$h.tree" 2>>"$LOG" ||
				die "regtree cannot read $s/Windows/System32/config/$h (log: $LOG)"
		done
		grep_tree "$B/$s-SYSTEM.tree" 'ImagePath = REG_EXPAND_SZ : System32\drivers\disk.sys'
		grep_tree "$B/$s-SYSTEM.tree" 'DriverLoadPolicy = REG_DWORD : 0x00000003'
		grep_tree "$B/$s-SOFTWARE.tree" 'ProductName = REG_SZ : Windows 10 Enterprise LTSC 2021'
	done
	grep_tree "$B/kics-SYSTEM.tree" 'Altitude = REG_SZ : 320400'
	grep_tree "$B/kics-SYSTEM.tree" 'ImagePath = REG_EXPAND_SZ : \??\C:\ProgramData\Acme\drv0042.dat'
	grep_tree "$B/kics-SOFTWARE.tree" 'Publisher = REG_SZ : AO Kaspersky Lab'
	grep_tree "$B/lookalike-SOFTWARE.tree" 'Publisher = REG_SZ : Acme Automation (Kaspersky compatible)'
	rm -f "$B/regtree.hive"
fi

# --- OUTDIR/HIVES.md ------------------------------------------------------------------------------------
cat >"$OUT/HIVES.md" <<'EOF'
# Registry hive fixtures (tests/mkhives.sh)

Each scenario is the root of a Windows volume (`C:\`): `<scenario>/Windows/System32/config/` holds the
hives. Every hive starts as tests/mkhive.py's minimal empty hive (regf 1.5, root key `ROOT`, one sk cell,
all timestamps 2024-01-01T00:00:00Z) and is filled by `hivexregedit --merge --prefix
'HKEY_LOCAL_MACHINE\<HIVE>'` from the .reg texts in `.build/` (kept for reading); the result is read back
with hivexget/hivexsh/hivexml, and, when registry-tools is installed, with Samba's regtree (an independent
regf reader; the `.tree` dumps stay in `.build/`). The same script gives the same bytes (hivex copies the root's timestamp
into the keys it adds and never rewrites the base block's). hivex never frees or reuses cells, so the
hives carry orphaned (still allocated) old subkey and value lists, as hives written by hivex do.

`services.tsv` lists every service key: scenario, control set, service, Type, Start, Group, ImagePath as
stored, the file it names relative to the volume root (case as written, Windows matches
case-insensitively; the driver files belong in `Windows/System32/drivers/`), and the file's state:
`present` (put a driver there: a Kaspersky-signed one for Kaspersky services, another vendor's for the
lookalikes), `missing` (must not exist), `any` (ordinary Windows driver: the test decides), `-` (a
user-mode service, not a driver). The driver files themselves are not made here.

ImagePath forms, and the file each names (relative to the volume root):

| ImagePath as stored (REG_EXPAND_SZ)          | file                                            |
|----------------------------------------------|-------------------------------------------------|
| `system32\DRIVERS\klif.sys`                  | `Windows/system32/DRIVERS/klif.sys`             |
| `\SystemRoot\System32\drivers\klflt.sys`     | `Windows/System32/drivers/klflt.sys`            |
| `\??\C:\ProgramData\Acme\drv0042.dat`        | `ProgramData/Acme/drv0042.dat` (klhk, renamed)  |
| `%SystemRoot%\System32\svchost.exe -k ...`   | `Windows/System32/svchost.exe` (user mode)      |
| `"C:\Program Files (x86)\...\kavfs.exe"`     | `Program Files (x86)/.../kavfs.exe` (user mode) |
| (none; Ntfs, Beep)                           | `Windows/System32/drivers/<service>.sys`        |

## kics: Kaspersky Industrial CyberSecurity for Nodes on Windows 10

SYSTEM (`kics/Windows/System32/config/SYSTEM`):

- `Select`: Current=1, Default=1, Failed=0, LastKnownGood=2.
- `ControlSet001\Control\EarlyLaunch`: DriverLoadPolicy=3, BackupPath=`C:\Windows\ELAMBKUP` (also in
  ControlSet002); `Control\ComputerName\ComputerName`: ComputerName=`HMI-01`.
- `ControlSet001\Services` (dwords; ErrorControl 1 unless said):
  - `klif`: Type 2 (file system driver), Start 0 (boot), Group `FSFilter Anti-Virus`, ImagePath
    `system32\DRIVERS\klif.sys`, DisplayName `Kaspersky Lab Driver`, Description `Kaspersky Lab file
    system filter driver`, DependOnService (multi) `FltMgr`, SupportedFeatures 3;
    `klif\Instances`: DefaultInstance `klif Instance`; `klif\Instances\klif Instance`: Altitude
    `320400` (REG_SZ), Flags 0. File: present.
  - `klflt`: Type 1, Start 1 (system), Group `PNP Filter`, ImagePath
    `\SystemRoot\System32\drivers\klflt.sys`, DisplayName `Kaspersky Lab filter core`. File: present.
  - `klelam`: Type 1, Start 0, ErrorControl 3, Group `Early-Launch`, ImagePath
    `system32\drivers\klelam.sys`, DisplayName `Kaspersky Lab ELAM driver`. File: present (a backup
    copy in `Windows/ELAMBKUP/klelam.sys` is optional).
  - `klhk`: Type 1, Start 1, ImagePath `\??\C:\ProgramData\Acme\drv0042.dat`, DisplayName `Kaspersky
    Lab service driver`: the renamed driver, found only through its service. File: present, at
    `ProgramData/Acme/drv0042.dat` (a Kaspersky-signed driver under a neutral name). ControlSet001 only.
  - `klbackupdisk`: Type 1, Start 0, ImagePath `\SystemRoot\system32\DRIVERS\klbackupdisk.sys`,
    DisplayName `Kaspersky Lab backup disk driver`: the remnant. File: MISSING.
  - `KAVFS`: Type 0x10 (own process), Start 2, ImagePath `"C:\Program Files (x86)\Kaspersky
    Lab\Kaspersky Industrial CyberSecurity for Nodes\kavfs.exe"` (with the quotes), DisplayName
    `Kaspersky Security Service`, ObjectName `LocalSystem`.
  - `klnagent`: Type 0x10, Start 2, ImagePath `"C:\Program Files (x86)\Kaspersky
    Lab\NetworkAgent\klnagent.exe"`, DisplayName `Kaspersky Security Center Network Agent`.
  - ordinary Windows 10 services (also in lookalike and clean): `disk` (1, 0, `System32\drivers\disk.sys`,
    `SCSI Class`), `Ntfs` (2, 3, no ImagePath, `Boot File System`), `Tcpip` (1, 0,
    `System32\drivers\tcpip.sys`, `PNP_TDI`), `FltMgr` (2, 0, `system32\drivers\fltmgr.sys`, `FSFilter
    Infrastructure`), `WdFilter` (2, 0, `system32\drivers\wd\WdFilter.sys`, `FSFilter Anti-Virus`,
    instance `WdFilter Instance` at Altitude `328010`: a non-Kaspersky minifilter in klif's group),
    `WdBoot` (1, 0, `system32\drivers\wd\WdBoot.sys`, `Early-Launch`: Microsoft's ELAM driver), `Beep`
    (1, 4 disabled, no ImagePath), `EventLog` (0x20 shared process, 2, `%SystemRoot%\System32\svchost.exe
    -k LocalServiceNetworkRestricted -p`).
- `ControlSet002` (LastKnownGood, the set before the last update): the same services without `klhk`,
  plus `kl1`: Type 1, Start 0, Group `Boot Bus Extender`, ImagePath `system32\DRIVERS\kl1.sys`,
  DisplayName `Kaspersky Lab Boot Driver`. File: MISSING. kl1 is only in ControlSet002.

SOFTWARE (`kics/Windows/System32/config/SOFTWARE`):

- `Microsoft\Windows NT\CurrentVersion`: ProductName `Windows 10 Enterprise LTSC 2021`, EditionID
  `EnterpriseS`, InstallationType `Client`, CurrentVersion `6.3`, CurrentMajorVersionNumber 10 (dword),
  CurrentMinorVersionNumber 0 (dword), CurrentBuild `19044`, CurrentBuildNumber `19044`, UBR 3570
  (dword), DisplayVersion `21H2`, SystemRoot `C:\Windows`, RegisteredOrganization `Acme Water Works`
  (the same in every scenario).
- `Microsoft\Windows\CurrentVersion\Uninstall\{7A4192A1-84C4-4E90-A31B-B91D4A6A1F58}`: DisplayName
  `Kaspersky Industrial CyberSecurity for Nodes`, Publisher `AO Kaspersky Lab`, DisplayVersion
  `3.2.0.1234`, InstallLocation `C:\Program Files (x86)\Kaspersky Lab\Kaspersky Industrial
  CyberSecurity for Nodes\`, InstallDate `20240115`, UninstallString `MsiExec.exe /X{7A41...1F58}`,
  WindowsInstaller 1.
- `WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\{8F1A2F0E-4D3C-4B8E-9C2B-6E1F3A5D7B90}`:
  DisplayName `Kaspersky Security Center Network Agent`, Publisher `AO Kaspersky Lab`, DisplayVersion
  `14.0.0.10902`, InstallLocation `C:\Program Files (x86)\Kaspersky Lab\NetworkAgent\`.
- `KasperskyLab\protected\KICS4Nodes\environment`: ProductName `Kaspersky Industrial CyberSecurity for
  Nodes`, ProductVersion `3.2.0.1234`, ProductRoot (the KICS folder above), ProductCode (its GUID).
- `WOW6432Node\KasperskyLab\Components\34\1103\1.0.0.0`: ProductRoot `C:\Program Files (x86)\Kaspersky
  Lab\NetworkAgent\`, ProductDisplayName `Kaspersky Security Center Network Agent`, ProductVersion
  `14.0.0.10902`, ProductCode (its GUID).
- ordinary products (every scenario): `Uninstall\7-Zip` (DisplayName `7-Zip 23.01 (x64)`, Publisher
  `Igor Pavlov`, DisplayVersion `23.01`, InstallLocation `C:\Program Files\7-Zip\`) and
  `WOW6432Node\...\Uninstall\{8bdfe669-9705-4184-9368-db9ce581e0e7}` (`Microsoft Visual C++ 2015-2022
  Redistributable (x64) - 14.38.33130`, `Microsoft Corporation`, `14.38.33130.0`, no InstallLocation).

The Kaspersky key names below `KasperskyLab` and the GUIDs are made up to look like an installation;
the product names, publisher and driver/service names are the ones the issue names.

DRIVERS (`kics/Windows/System32/config/DRIVERS`, only in kics and dirty):

- `DriverDatabase`: Architecture `amd64`.
- `DriverDatabase\DriverPackages\klif.inf_amd64_5f0cd0a4e8b1a9f2`: Provider `AO Kaspersky Lab`,
  SignerName `Microsoft Windows Hardware Compatibility Publisher`, SignerScore 0x0d000005, Version
  (REG_BINARY, 32 bytes: class GUID (zero: legacy), driver date FILETIME 2024-01-01, version 11.0.3.129
  as four little-endian 16-bit parts in a QWORD; the layout is this fixture's, treat it as opaque).
  `DriverDatabase\DriverInfFiles\klif.inf`: default value (multi) `klif.inf_amd64_5f0cd0a4e8b1a9f2`,
  Active `klif.inf_amd64_5f0cd0a4e8b1a9f2`. Its files belong in
  `Windows/System32/DriverStore/FileRepository/klif.inf_amd64_5f0cd0a4e8b1a9f2/`.
- the same for the ordinary `disk.inf_amd64_d3b1c3a8e6e2b7c4` (Provider `Microsoft`, disk drive class
  GUID, version 10.0.19041.3570) and `DriverInfFiles\disk.inf`.

## lookalike: near misses, no Kaspersky

SYSTEM: `Select` Current=1, LastKnownGood=1; only ControlSet001; the ordinary services, plus
- `klifs`: Type 2, Start 0, Group `FSFilter Activity Monitor`, ImagePath `system32\drivers\klifs.sys`,
  DisplayName `Acme KLIFS File Monitor`, Description `Acme Automation file activity monitor`,
  `Instances\klifs Instance` Altitude `385210` (not Kaspersky's). File: present (another vendor's).
- `klfltr` (not klflt): Type 1, Start 3, ImagePath `System32\drivers\klfltr.sys`, DisplayName `Acme
  Keyboard Layout Filter`. File: present (another vendor's).

SOFTWARE: the Windows version keys and ordinary products, plus
- `Uninstall\{C3E1B7A2-5D4F-4A61-8B0E-2A9D6F3C1E47}`: DisplayName `Acme HMI Suite`, Publisher `Acme
  Automation (Kaspersky compatible)`, DisplayVersion `5.4.2`, InstallLocation `C:\Program
  Files\Acme\HMI Suite\`.
- `WOW6432Node\...\Uninstall\AcmeBackupAgent`: DisplayName `Kaspersky-compatible Backup Agent`,
  Publisher `Acme`, DisplayVersion `2.1.0`.
- `Acme\HMI Suite`: Compatibility `Tested with Kaspersky Industrial CyberSecurity for Nodes`.
No `KasperskyLab` key, no DRIVERS hive.

## clean: ordinary Windows 10

SYSTEM and SOFTWARE with only the ordinary services, Windows version keys and products (7-Zip, Visual
C++); no ControlSet002, no DRIVERS hive.

## dirty: a hive Windows did not close cleanly

kics's SOFTWARE and DRIVERS as they are, and kics's SYSTEM whose base block has primary sequence number
3, secondary 2 (checksum recomputed; the rest byte for byte kics's), plus `SYSTEM.LOG1`: a 4096-byte
transaction log of the new format (a base block of file type 6, no log entries; hivex refuses to open
it as a hive, it is smaller than 8 KiB). hivex opens the dirty
hive and reads it as kics's; a reader should say the hive was not closed cleanly and that its log was
not replayed (the scan is read-only).

## Hostile hives (tests/hive-break.py IN OUTDIR)

From a valid hive (e.g. `kics/Windows/System32/config/SYSTEM`) one file per variant; `OUTDIR/BREAK.tsv`
says what each breaks and the cell changed; `--check` opens each with hivexsh and walks it with hivexml
(timeouts) and prints how hivex 1.3.23 takes it. New cells (li/ri lists, big data) go into one extra hbin
at the end. With kics's SYSTEM:

rejected by hivex_open (hivexsh cannot open the file):

| file                | broken                                                       | hivex         |
|---------------------|--------------------------------------------------------------|---------------|
| `truncated`         | cut inside the last hbin                                     | ENOTSUP       |
| `tiny`              | 512 bytes                                                    | EINVAL        |
| `bad-checksum`      | base block checksum                                          | EINVAL        |
| `not-regf`          | signature `regX`                                             | ENOTSUP       |
| `major-2`           | major version 2                                              | ENOTSUP       |
| `root-outside`      | root cell offset 0x7ffff000                                  | ENOTSUP       |
| `root-not-nk`       | root cell offset at the sk cell                              | ENOTSUP       |
| `hbin-size-odd`     | first hbin size 0x1234                                       | ENOTSUP       |
| `hbin-size-overrun` | first hbin size 256 MiB                                      | ENOTSUP       |
| `hbin-size-zero`    | first hbin size 0                                            | ENOTSUP       |
| `hbin-offset`       | second hbin's own offset field wrong                         | ENOTSUP       |
| `cell-size-overrun` | a cell 1 MiB long inside a 4 KiB hbin                        | ENOTSUP       |
| `cell-size-zero`    | a cell of size 0                                             | ENOTSUP       |

opened by hivex, failing only when the broken part is read (hivexsh opens it; hivexml's walk fails):

| file                   | broken                                                            | hivex    |
|------------------------|-------------------------------------------------------------------|----------|
| `truncated-bins`       | cut after the first hbin (base block promises more); the root's subkey list is gone: listing the root fails | EFAULT |
| `lh-cycle-self`        | `\ControlSet001\Services`' lh list names Services itself          | ELOOP (hivex_visit) |
| `lh-cycle-root`        | `...\klif\Instances`' lh list names the root key                  | ELOOP (hivex_visit) |
| `lh-outside`           | an lh entry at 0x7ffff000                                         | EFAULT   |
| `lh-count-overrun`     | lh list claims 65535 entries in 128 bytes                         | EFAULT   |
| `lh-to-vk`             | an lh entry points at a vk cell                                   | EFAULT   |
| `subkey-count-huge`    | nk claims 0x7fffffff subkeys                                      | ERANGE   |
| `li-outside`           | li list with an entry at 0x7ffff000                               | EFAULT   |
| `ri-cycle`             | ri list whose entry is the ri itself                              | ERANGE (children limit; hivex also stops ri nesting at depth 32) |
| `ri-to-nk`             | ri entry is an nk, not a list                                     | ENOTSUP  |
| `nk-name-overrun`      | `klif`'s name length 65535                                        | EFAULT   |
| `value-count-huge`     | `klif` claims 0x7fffffff values                                   | ERANGE   |
| `value-list-outside`   | `klif`'s value list entry at 0x7ffff000                           | EFAULT   |
| `vk-name-overrun`      | a value name length 65535                                         | EFAULT   |
| `value-len-huge`       | `klif` ImagePath data length 0x7fffffff                           | ERANGE (> 8 MB cap) |
| `value-len-cell`       | `klif` ImagePath data length 1 MiB in a 56-byte cell              | EINVAL   |
| `value-offset-outside` | `klif` ImagePath data at 0x7ffff000                               | EFAULT   |
| `db-segment-outside`   | big-data value, second segment at 0x7ffff000                      | EINVAL   |
| `db-count-overrun`     | big-data db claims 1000 segments, its list holds 2                | EINVAL (hivex reads past the list cell into the next cell, then stops at an invalid offset) |
| `db-missing`           | 20000 bytes declared, data is a plain 16344-byte cell, no db      | EINVAL   |
| `db-list-at-eof`       | db claims 65535 segments; its list, full of valid segment offsets, is the file's last cell | EINVAL, after reading PAST THE END of the file's mapping |

A hivex weakness the reader must guard against itself: hivex_value_value() walks a db's segment list
for as many entries as the db claims without bounding them by the list's cell (lib/value.c, hivex
1.3.23). `db-count-overrun` reads into the next cell; `db-list-at-eof` reads beyond the file's mmap
(no fault here because other memory happened to follow; it may fault elsewhere, and neither valgrind nor
ASan sees reads of mmap'd memory). Before hivex_value_value() on a value whose data is not inline, take
hivex_value_data_cell_offset(), read that cell from the file with the cursor and, when it is a db
(signature "db"), check count * 4 <= its list cell's size - 4 (or refuse db values: nothing kdetect
needs is larger than 16 KiB). The other lists (lf/lh/li/ri, value lists) hivex bounds by their cells.

Samba's regf reader (registry-tools' regtree, used by tests/mkhives.sh as a second reader of the valid
hives, on copies) is no alternative: it aborts or dies of SIGSEGV on most of these variants, and it
rewrote the `bad-checksum` file it was given.

and one valid variant: `db-ok`, the root key with a REG_BINARY value `BigData` of 20000 bytes (byte i =
(7*i+3) & 0xff) stored as big data (db, two segments of 16344 and 3656 bytes), which hivex reads.

Everything else in these files is intact, and a reader should report the broken key or value with a
reason and go on with the rest. With hivex: `\Select` still reads in every variant that opens except
`truncated-bins`; when a key's subkey list is broken (the lh/li/ri and subkey-count variants, all on
`\ControlSet001\Services`) hivex fails every lookup below that key (hivex_node_get_child and
hivex_node_children give up on the whole list), so no service reads, while `Services\disk` still reads
in the nk-name, value and db variants (those break `klif` or the root's `BigData` only).
EOF

echo "mkhives.sh: $CHECKS checks passed; hives in $OUT (HIVES.md, services.tsv)"
