#!/usr/bin/env bash
# Generates userland fixture roots for `kdetect scan --root DIR` (dpkg status, systemd units, SysV
# scripts, product files, proc/ for live-mode chroot runs) plus OUTDIR/USERLAND.md and OUTDIR/USERLAND.tsv
# (expected results). Every file is a small fake; coreutils only. Usage: tests/mkroots-userland.sh OUTDIR
set -euo pipefail

die() { echo "mkroots-userland.sh: error: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: tests/mkroots-userland.sh OUTDIR"
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
[ "$OUT" != / ] || die "refusing OUTDIR=/"
CASES="kesl appliance klnagent scanengine lookalikes remnants rpm endpoint"

TMP=$OUT/.tmp-userland
rm -rf "$TMP"
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT

# ---------------------------------------------------------------- helpers (paths relative to $R)
# new_root NAME [merged]: fresh root with etc/hostname and etc/os-release; "merged" = merged /usr
# (bin, sbin, lib, lib64 are symlinks into usr/, as on a fresh Debian 12)
new_root() {
	R=$OUT/$1
	rm -rf "$R"
	mkdir -p "$R/etc"
	echo "$1" >"$R/etc/hostname"
	if [ "${2:-}" = merged ]; then
		mkdir -p "$R/usr/bin" "$R/usr/sbin" "$R/usr/lib" "$R/usr/lib64"
		ln -s usr/bin "$R/bin"
		ln -s usr/sbin "$R/sbin"
		ln -s usr/lib "$R/lib"
		ln -s usr/lib64 "$R/lib64"
	fi
	txt etc/os-release <<-'EOF'
	PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
	NAME="Debian GNU/Linux"
	VERSION_ID="12"
	VERSION="12 (bookworm)"
	VERSION_CODENAME=bookworm
	ID=debian
	EOF
}
# txt REL [MODE] < TEXT: a text file
txt() {
	mkdir -p "$(dirname "$R/$1")"
	cat >"$R/$1"
	[ -z "${2:-}" ] || chmod "$2" "$R/$1"
}
# fakebin REL: a fake executable (ELF magic, then a line of text)
fakebin() {
	mkdir -p "$(dirname "$R/$1")"
	printf '\177ELF\002\001\001\000kdetect fixture: fake %s, not a real program\n' "${1##*/}" >"$R/$1"
	chmod 755 "$R/$1"
}
# lnk TARGET REL: a symlink (TARGET as written, absolute or relative)
lnk() {
	mkdir -p "$(dirname "$R/$2")"
	ln -sfn "$1" "$R/$2"
}
# raw REL PRINTF-FORMAT [ARG...]: a file written by printf (for bytes that are not text)
raw() {
	local f=$R/$1
	shift
	mkdir -p "$(dirname "$f")"
	# shellcheck disable=SC2059
	printf "$@" >"$f"
}
# avbase REL BANNER: an antivirus base file: BANNER (0x40-byte header field, NUL-padded), an
# "Authenticity" field, then filler
avbase() {
	local pad
	mkdir -p "$(dirname "$R/$1")"
	pad=$((64 - ${#2}))
	[ "$pad" -gt 0 ] || die "banner too long: $2"
	{ printf '%s' "$2"; head -c "$pad" /dev/zero; printf 'Kaspersky Lab. 01.03.2024 12:00\000'
	  printf 'kdetect fixture base %s\n' "${1##*/}"; } >"$R/$1"
}
KLBANNER='AVP Antiviral Database. (c)Kaspersky Lab 1997-2024.'

# dpkg status paragraphs
DPKG=var/lib/dpkg/status
dpkg_init() {
	mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates"
	: >"$R/$DPKG"
}
# pkg NAME STATUS VERSION MAINTAINER DESCRIPTION [DEPENDS]
pkg() {
	{
		printf 'Package: %s\nStatus: %s\nPriority: optional\nSection: misc\n' "$1" "$2"
		printf 'Installed-Size: %s\nMaintainer: %s\nArchitecture: amd64\nVersion: %s\n' \
			"$(( (${#1} * 977) % 9000 + 64 ))" "$4" "$3"
		[ "$2" != "deinstall ok config-files" ] || printf 'Config-Version: %s\n' "$3"
		[ -z "${6:-}" ] || printf 'Depends: %s\n' "$6"
		printf 'Description: %s\n .\n kdetect test fixture package.\n\n' "$5"
	} >>"$R/$DPKG"
}
# pkglist NAME PATH...: var/lib/dpkg/info/NAME.list as dpkg writes it: "/.", then every directory
# on the way to each PATH and the PATH itself, each once (paths as the package ships them)
pkglist() {
	local name=$1 p d
	shift
	{
		echo /.
		for p in "$@"; do
			d=
			while IFS= read -r c; do
				[ -n "$c" ] || continue
				d=$d/$c
				echo "$d"
			done < <(tr / '\n' <<<"${p#/}")
		done
	} | awk '!seen[$0]++' >"$R/var/lib/dpkg/info/$name.list"
}
# base_pkgs: three ordinary Debian 12 packages with the fields real entries have
base_pkgs() {
	cat >>"$R/$DPKG" <<-'EOF'
	Package: bash
	Essential: yes
	Status: install ok installed
	Priority: required
	Section: shells
	Installed-Size: 7163
	Maintainer: Matthias Klose <doko@debian.org>
	Architecture: amd64
	Multi-Arch: foreign
	Version: 5.2.15-2+b7
	Replaces: bash-completion (<< 20060301-0), bash-doc (<= 2.05-1)
	Depends: base-files (>= 2.1.12), debianutils (>= 5.6-0.1)
	Pre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6)
	Recommends: bash-completion (>= 20060301-0)
	Suggests: bash-doc
	Conflicts: bash-completion (<< 20060301-0)
	Conffiles:
	 /etc/bash.bashrc 89269e1298235f1b12b4c16e4065ad0d
	 /etc/skel/.bash_logout 22bfb8c1dd94b5f3813a2b25da67463f
	 /etc/skel/.bashrc 0a0ac5e8e1d04ee9a7eb2a4ee46a08f5
	 /etc/skel/.profile f4e81ade7d6f9fb342541152d08e7a97
	Description: GNU Bourne Again SHell
	 Bash is an sh-compatible command language interpreter that executes
	 commands read from the standard input or from a file.  Bash also
	 incorporates useful features from the Korn and C shells (ksh and csh).
	 .
	 Bash is ultimately intended to be a conformant implementation of the
	 IEEE POSIX Shell and Tools specification (IEEE Working Group 1003.2).
	Homepage: http://tiswww.case.edu/php/chet/bash/bashtop.html

	Package: coreutils
	Essential: yes
	Status: install ok installed
	Priority: required
	Section: utils
	Installed-Size: 18062
	Maintainer: Michael Stone <mstone@debian.org>
	Architecture: amd64
	Multi-Arch: foreign
	Version: 9.1-1
	Pre-Depends: libacl1 (>= 2.2.23), libattr1 (>= 1:2.4.44), libc6 (>= 2.34), libgmp10 (>= 2:6.2.1+dfsg1), libselinux1 (>= 3.1~), libssl3 (>= 3.0.0)
	Description: GNU core utilities
	 This package contains the basic file, shell and text manipulation
	 utilities which are expected to exist on every operating system.
	Homepage: https://www.gnu.org/software/coreutils/

	Package: openssl
	Status: install ok installed
	Priority: optional
	Section: utils
	Installed-Size: 2317
	Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
	Architecture: amd64
	Version: 3.0.15-1~deb12u1
	Depends: libc6 (>= 2.34), libssl3 (>= 3.0.9)
	Suggests: ca-certificates
	Conffiles:
	 /etc/ssl/openssl.cnf 24ab0497cc8e9e63ce2fbab6ea2de20d
	Description: Secure Sockets Layer toolkit - cryptographic utility
	 This package is part of the OpenSSL project's implementation of the SSL
	 and TLS cryptographic protocols for secure communication over the
	 Internet.
	Homepage: https://www.openssl.org/

	EOF
}

# systemd: unit DIR NAME EXEC DESCRIPTION [EXECSTART-PREFIX]; enable NAME TARGETPATH (symlink target)
unit() {
	txt "$1/$2" <<-EOF
	[Unit]
	Description=$4
	After=network.target

	[Service]
	Type=simple
	ExecStart=${5:-}$3
	Restart=on-failure

	[Install]
	WantedBy=multi-user.target
	EOF
}
enable() { lnk "$2" "etc/systemd/system/multi-user.target.wants/$1"; }
# SysV: initscript NAME DAEMON; rclinks NAME PRIO: links as `update-rc.d NAME defaults` makes them
initscript() {
	txt "etc/init.d/$1" 755 <<-EOF
	#!/bin/sh
	### BEGIN INIT INFO
	# Provides:          $1
	# Required-Start:    \$remote_fs \$syslog
	# Required-Stop:     \$remote_fs \$syslog
	# Default-Start:     2 3 4 5
	# Default-Stop:      0 1 6
	# Short-Description: $1 (kdetect test fixture)
	### END INIT INFO
	DAEMON=$2
	case "\$1" in
	start) exec "\$DAEMON" ;;
	stop|restart|status) exit 0 ;;
	*) echo "Usage: \$0 {start|stop|restart|status}" >&2; exit 3 ;;
	esac
	EOF
}
rclinks() {
	local l
	for l in 2 3 4 5; do lnk "../init.d/$1" "etc/rc$l.d/S$2$1"; done
	for l in 0 1 6; do lnk "../init.d/$1" "etc/rc$l.d/K$2$1"; done
}

# proc: proc PID COMM UID EXE-TARGET: proc/PID/{comm,status,cmdline,exe}
proc() {
	local d=proc/$1
	mkdir -p "$R/$d"
	printf '%s\n' "$2" >"$R/$d/comm"
	printf '%s\000' "$4" >"$R/$d/cmdline"
	printf 'Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%s\nNgid:\t0\nPid:\t%s\nPPid:\t%s\nTracerPid:\t0\nUid:\t%s\t%s\t%s\t%s\nGid:\t%s\t%s\t%s\t%s\nFDSize:\t64\nGroups:\t\nThreads:\t4\n' \
		"$2" "$1" "$1" "$(( $1 == 1 ? 0 : 1 ))" "$3" "$3" "$3" "$3" "$3" "$3" "$3" "$3" >"$R/$d/status"
	ln -sfn "$4" "$R/$d/exe"
}
# a live host also has /sys mounted: kdetect calls a live scan without it incomplete
proc_init() { proc 1 systemd 0 /usr/lib/systemd/systemd; fakebin usr/lib/systemd/systemd; mkdir -p "$R/sys/module"; }

# ---------------------------------------------------------------- expected results
MD=$TMP/USERLAND.md
TSV=$TMP/USERLAND.tsv
cat >"$TSV" <<'EOF'
# USERLAND.tsv - generated by tests/mkroots-userland.sh; see USERLAND.md for the format and severities.
# case	exit	finding (kind:subject)...
EOF
# expect CASE EXIT FINDING...
expect() { local IFS=$'\t'; printf '%s\n' "$*" >>"$TSV"; }

cat >"$MD" <<'EOF'
# kdetect userland fixture roots (generated by tests/mkroots-userland.sh - do not edit)

Each directory is a fake root for `kdetect scan --root OUTDIR/CASE`. Every file is a small fake
(ELF magic plus a line of text, or plain text); nothing is a real Kaspersky binary. Roots have no
`boot/` and no `lib/modules/`, so module sources are reported absent (not incomplete).

## Expectations: conventions

- **Exit status** follows the lead's rule: 1 if any finding has severity low or higher (info
  findings alone do not count); 3 if nothing was found but a readable source was not read; 0 else.
- **Severity** per the spec's guidance: `high` installed Kaspersky product, service or root
  process; `medium` Kaspersky engine/SDK inside a third-party product; `low` remnants
  (configuration left behind, a deinstalled package, bases without an engine); `info` logs.
- **Process findings** come from `proc/` on a live host only. A row `CASE` is a `--root` scan
  (no process facts); a row `CASE/live` is the same root scanned in live mode from a chroot
  (`cp -a` the root, copy kdetect and its libraries in, `chroot ROOT /kdetect scan`), where
  `/proc` is the fixture's `proc/` (which has no `self`, `modules` or `keys`) and `/sys` its
  `sys/` (a live scan without a `/sys` is incomplete).

`USERLAND.tsv`: lines starting with `#` are comments; each other line is tab-separated:
`case`, `exit`, then one column per expected finding as `kind:subject`:

| kind | subject | a finding matches when |
|---|---|---|
| `package` | package name | a package finding whose package.name equals it |
| `service` | unit name (`kesl.service`) or SysV script name (`kesl`) | a service finding whose service.name equals it |
| `process` | pid | a process finding whose process.pid equals it |
| `file` | absolute path in the root | a file finding (one per rule) lists this path among its matched files |
| `module` | (not used: no root here has modules) | |

Package, service and process columns are **exact**: the set of subjects of findings of those kinds
must equal the listed set (several rules may each report the same subject).
File columns are **at least**: other files of the same product tree may be listed too (which
ones depends on the rules), but no file or subject in a case's "Must not be flagged" list may
appear in any finding. A row with no finding column means **zero findings** (of every kind).

EOF

# ================================================================ 1. kesl
new_root kesl
dpkg_init
base_pkgs
pkg kesl "install ok installed" 12.1.0.1297 "AO Kaspersky Lab <support@kaspersky.com>" \
	"Kaspersky Endpoint Security for Linux" "perl, libc6 (>= 2.17)"
K=opt/kaspersky/kesl
fakebin $K/bin/kesl-control
txt $K/bin/kesl-setup.pl 755 <<<'#!/usr/bin/perl
# kdetect fixture: fake kesl-setup.pl
exit 0;'
txt $K/libexec/kesl_launcher.sh 755 <<<'#!/bin/sh
# kdetect fixture: fake kesl_launcher.sh
exec /opt/kaspersky/kesl/libexec/wdserver "$@"'
fakebin $K/libexec/wdserver
mkdir -p "$R/$K/lib"
txt $K/doc/license.en <<<'END USER LICENSE AGREEMENT (kdetect fixture: fake license text)'
txt var/opt/kaspersky/kesl/common/kesl.ini <<'EOF'
[General]
; kdetect fixture: fake kesl.ini
InstallDir=/opt/kaspersky/kesl
NtpFwMark=0x200
BypassFwMark=0x400
EOF
txt var/log/kaspersky/kesl/kesl.log <<<'2024-03-01 12:00:00.000 INF kdetect fixture: fake KESL log line'
unit lib/systemd/system kesl.service /opt/kaspersky/kesl/libexec/kesl_launcher.sh \
	"Kaspersky Endpoint Security for Linux"
unit lib/systemd/system kesl-supervisor.service /opt/kaspersky/kesl/libexec/kesl_launcher.sh \
	"Kaspersky Endpoint Security for Linux supervisor" -
enable kesl.service /lib/systemd/system/kesl.service
initscript kesl /opt/kaspersky/kesl/libexec/kesl_launcher.sh
rclinks kesl 01
proc_init
proc 1234 wdserver 0 /opt/kaspersky/kesl/libexec/wdserver
pkglist kesl /$K/bin/kesl-control /$K/bin/kesl-setup.pl /$K/libexec/kesl_launcher.sh \
	/$K/libexec/wdserver /$K/lib /$K/doc/license.en /var/opt/kaspersky/kesl/common \
	/lib/systemd/system/kesl.service /lib/systemd/system/kesl-supervisor.service /etc/init.d/kesl
cat >>"$MD" <<'EOF'
## kesl

KESL installed, classic (not merged) /usr: `lib/` is a real directory.

- `var/lib/dpkg/status`: bash, coreutils, **kesl** (install ok installed, 12.1.0.1297, "AO Kaspersky
  Lab <support@kaspersky.com>", amd64), openssl; `var/lib/dpkg/info/kesl.list` names the tree's
  files, `/var/opt/kaspersky/kesl/common`, both units and `/etc/init.d/kesl`.
- `/opt/kaspersky/kesl/`: `bin/kesl-control`, `bin/kesl-setup.pl`, `libexec/kesl_launcher.sh`,
  `libexec/wdserver`, `lib/` (empty), `doc/license.en`.
- `/var/opt/kaspersky/kesl/common/kesl.ini` (`NtpFwMark=0x200`, `BypassFwMark=0x400`).
- `/var/log/kaspersky/kesl/kesl.log` (not a walked place: no file finding from it by default).
- `lib/systemd/system/kesl.service` (ExecStart=/opt/kaspersky/kesl/libexec/kesl_launcher.sh),
  enabled: `etc/systemd/system/multi-user.target.wants/kesl.service -> /lib/systemd/system/kesl.service`
  (absolute: must resolve inside the root).
- `lib/systemd/system/kesl-supervisor.service`, **not enabled**, `ExecStart=-/opt/kaspersky/kesl/libexec/kesl_launcher.sh`
  (the `-` prefix is systemd syntax: service.exec is the path without it).
- SysV `etc/init.d/kesl` (DAEMON=kesl_launcher.sh), links as update-rc.d makes them:
  `etc/rc{2,3,4,5}.d/S01kesl`, `etc/rc{0,1,6}.d/K01kesl` -> `../init.d/kesl` (enabled).
- `proc/1` systemd (uid 0, exe -> /usr/lib/systemd/systemd), `proc/1234` **wdserver** (uid 0,
  exe -> /opt/kaspersky/kesl/libexec/wdserver; kesl_launcher.sh exists, so the generic name is confirmed).

| kind | subject | severity |
|---|---|---|
| package | kesl | high |
| service | kesl.service (systemd, enabled yes) | high |
| service | kesl-supervisor.service (systemd, enabled no) | high |
| service | kesl (sysv, enabled yes) | high |
| file | /opt/kaspersky/kesl/bin/kesl-control, /opt/kaspersky/kesl/libexec/kesl_launcher.sh (+ the rest of the tree) | high |
| file | /var/opt/kaspersky/kesl/common/kesl.ini | low (configuration rule; listed in a high finding is acceptable if one rule covers all of /var/opt/kaspersky and /opt/kaspersky) |
| process (live only) | 1234 wdserver | high |

Must not be flagged: package bash/coreutils/openssl, process 1 (systemd), /usr/lib/systemd/systemd.
Unit files under lib/systemd/system may be listed by a file rule that reads content.
**Exit 1** (both modes). The text report shows all of it as one thing, product kesl: the files
and the unit's program are in its tree, and the package's file list names the tree and the SysV script.

EOF
expect kesl 1 package:kesl service:kesl.service service:kesl-supervisor.service service:kesl \
	file:/opt/kaspersky/kesl/bin/kesl-control file:/opt/kaspersky/kesl/libexec/kesl_launcher.sh \
	file:/var/opt/kaspersky/kesl/common/kesl.ini
expect kesl/live 1 package:kesl service:kesl.service service:kesl-supervisor.service service:kesl \
	file:/opt/kaspersky/kesl/bin/kesl-control file:/opt/kaspersky/kesl/libexec/kesl_launcher.sh \
	file:/var/opt/kaspersky/kesl/common/kesl.ini process:1234

# ================================================================ 2. appliance
new_root appliance
dpkg_init
base_pkgs
pkg acme-gateway "install ok installed" 4.2.1-3 "Acme Networks <support@acme.example>" \
	"Acme mail and web gateway" "libc6 (>= 2.34), libssl3 (>= 3.0.0)"
A=opt/acme-gateway
fakebin $A/bin/acme-scand
fakebin $A/engine/kavehost
avbase $A/engine/bases/base001.avc "$KLBANNER"
avbase $A/engine/bases/base002.avc "$KLBANNER"
avbase $A/engine/bases/daily.kdc "$KLBANNER"
fakebin $A/engine/bases/scanner.ppl
fakebin $A/engine/bases/unpacker.ppl
txt $A/etc/acme-gateway.conf <<<'# kdetect fixture: Acme gateway configuration
engine=/opt/acme-gateway/engine/kavehost'
unit lib/systemd/system acme-gateway.service /opt/acme-gateway/bin/acme-scand "Acme mail and web gateway"
enable acme-gateway.service /lib/systemd/system/acme-gateway.service
avbase srv/filtr/bases/base001.avc "$KLBANNER"
avbase srv/filtr/bases/base002.avc "$KLBANNER"
txt srv/filtr/README <<<'filtr: retired mail filter, engine removed 2023 (kdetect fixture)'
cat >>"$MD" <<'EOF'
## appliance

A third-party product (Acme gateway) that embeds Kaspersky's engine; no Kaspersky package.

- dpkg: bash, coreutils, **acme-gateway** ("Acme Networks <support@acme.example>"), openssl.
- `/opt/acme-gateway/bin/acme-scand`, `/opt/acme-gateway/etc/acme-gateway.conf`,
  `/opt/acme-gateway/engine/kavehost`, `/opt/acme-gateway/engine/bases/{base001.avc,base002.avc,daily.kdc}`
  (each begins with `AVP Antiviral Database. (c)Kaspersky Lab 1997-2024.`, NUL-padded to 0x40, then
  `Kaspersky Lab. 01.03.2024 12:00`), `/opt/acme-gateway/engine/bases/{scanner.ppl,unpacker.ppl}`.
- `lib/systemd/system/acme-gateway.service` (ExecStart=/opt/acme-gateway/bin/acme-scand), enabled.
- Second product, a remnant: `/srv/filtr/bases/{base001.avc,base002.avc}` (same banner) and a
  README; no engine, no plug-ins.

| kind | subject | severity |
|---|---|---|
| file | /opt/acme-gateway/engine/kavehost | medium |
| file | /opt/acme-gateway/engine/bases/base001.avc, base002.avc, daily.kdc | medium |
| file | /opt/acme-gateway/engine/bases/scanner.ppl, unpacker.ppl (if a plug-in rule exists) | medium |
| file | /srv/filtr/bases/base001.avc, base002.avc | low or info intended: bases without an engine (see note) |

Note: file rules give one finding per rule and place (a product tree such as /opt/acme-gateway,
else a directory), and the rule language cannot make a bases match depend on an engine in the
same directory, so /srv/filtr/bases is a bases finding of its own, at the same (medium) severity as
the appliance's bases. The appliance's engine and bases are one thing (product acme-gateway), the
remnant in /srv/filtr another.

Must not be flagged: package acme-gateway, service acme-gateway.service, /opt/acme-gateway/bin/acme-scand,
/opt/acme-gateway/etc/acme-gateway.conf (it names the path "kavehost" in text; a content rule must
not treat that as the engine), /srv/filtr/README. **Exit 1.**

EOF
expect appliance 1 file:/opt/acme-gateway/engine/kavehost file:/opt/acme-gateway/engine/bases/base001.avc \
	file:/opt/acme-gateway/engine/bases/base002.avc file:/opt/acme-gateway/engine/bases/daily.kdc \
	file:/srv/filtr/bases/base001.avc file:/srv/filtr/bases/base002.avc

# ================================================================ 3. klnagent
new_root klnagent merged
dpkg_init
base_pkgs
pkg klnagent64 "install ok installed" 14.2.0-35148 "AO Kaspersky Lab <support@kaspersky.com>" \
	"Kaspersky Security Center Network Agent" "libc6 (>= 2.17), perl"
N=opt/kaspersky/klnagent64
fakebin $N/bin/klnagchk
fakebin $N/sbin/klnagent
txt $N/lib/bin/setup/postinstall.pl 755 <<<'#!/usr/bin/perl
# kdetect fixture: fake postinstall.pl
exit 0;'
txt var/opt/kaspersky/klnagent64/klnagent.conf <<'EOF'
# kdetect fixture: fake Network Agent configuration
KLNAGENT_SERVER=ksc.example.internal
KLNAGENT_PORT=14000
KLNAGENT_SSLPORT=13000
EOF
unit usr/lib/systemd/system klnagent64.service /opt/kaspersky/klnagent64/sbin/klnagent \
	"Kaspersky Security Center Network Agent"
enable klnagent64.service /lib/systemd/system/klnagent64.service
proc_init
proc 1300 klnagent 0 /opt/kaspersky/klnagent64/sbin/klnagent
pkglist klnagent64 /$N/bin/klnagchk /$N/sbin/klnagent /$N/lib/bin/setup/postinstall.pl \
	/lib/systemd/system/klnagent64.service
cat >>"$MD" <<'EOF'
## klnagent

Network Agent on a **merged-/usr** root, like a fresh Debian 12: `lib -> usr/lib`, `bin -> usr/bin`,
`sbin -> usr/sbin`, `lib64 -> usr/lib64` (relative symlinks).

- dpkg: bash, coreutils, **klnagent64** (install ok installed, 14.2.0-35148, AO Kaspersky Lab), openssl;
  `var/lib/dpkg/info/klnagent64.list` names the unit as the package ships it, `/lib/systemd/system/klnagent64.service`.
- `/opt/kaspersky/klnagent64/`: `bin/klnagchk`, `sbin/klnagent`, `lib/bin/setup/postinstall.pl`.
- `/var/opt/kaspersky/klnagent64/klnagent.conf` (the file name is made up; the directory is the indicator).
- unit file `usr/lib/systemd/system/klnagent64.service` (ExecStart=/opt/kaspersky/klnagent64/sbin/klnagent),
  reachable as `/lib/systemd/system/klnagent64.service` through the `lib` symlink; enabled:
  `etc/systemd/system/multi-user.target.wants/klnagent64.service -> /lib/systemd/system/klnagent64.service`.
- `proc/1` systemd, `proc/1300` **klnagent** (uid 0, exe -> /opt/kaspersky/klnagent64/sbin/klnagent).

| kind | subject | severity |
|---|---|---|
| package | klnagent64 | high |
| service | klnagent64.service (systemd, enabled yes) — one subject, reported **once per rule**, although /lib/systemd/system and /usr/lib/systemd/system are the same directory here | high |
| file | /opt/kaspersky/klnagent64/sbin/klnagent, /opt/kaspersky/klnagent64/bin/klnagchk, .../lib/bin/setup/postinstall.pl | high |
| file | /var/opt/kaspersky/klnagent64/klnagent.conf | low (or inside the high finding, as for kesl) |
| process (live only) | 1300 klnagent | high |

Files under /usr/lib/systemd/system are reported with their real path (`/usr/lib/...`), once.
Must not be flagged: bash/coreutils/openssl, process 1. **Exit 1** (both modes).

EOF
expect klnagent 1 package:klnagent64 service:klnagent64.service \
	file:/opt/kaspersky/klnagent64/sbin/klnagent file:/opt/kaspersky/klnagent64/bin/klnagchk \
	file:/var/opt/kaspersky/klnagent64/klnagent.conf
expect klnagent/live 1 package:klnagent64 service:klnagent64.service \
	file:/opt/kaspersky/klnagent64/sbin/klnagent file:/opt/kaspersky/klnagent64/bin/klnagchk \
	file:/var/opt/kaspersky/klnagent64/klnagent.conf process:1300

# ================================================================ 4. scanengine
new_root scanengine
dpkg_init
base_pkgs
S=opt/kaspersky/ScanEngine
fakebin $S/bin/kavhttpd
fakebin $S/bin/kavicapd
fakebin $S/bin/kavhttp_client
fakebin $S/bin/klScanEngineUI
raw $S/bin/appinfo.kli 'kdetect fixture: fake appinfo.kli\000\001\002'
avbase $S/bin/bases/base001.avc "$KLBANNER"
avbase $S/bin/bases/base002.avc "$KLBANNER"
fakebin $S/ppl/avengine.ppl
unit etc/systemd/system kavhttpd.service /opt/kaspersky/ScanEngine/bin/kavhttpd "Kaspersky Scan Engine (HTTP)"
unit etc/systemd/system kavicapd.service /opt/kaspersky/ScanEngine/bin/kavicapd "Kaspersky Scan Engine (ICAP)"
unit etc/systemd/system klScanEngineUI.service /opt/kaspersky/ScanEngine/bin/klScanEngineUI \
	"Kaspersky Scan Engine GUI"
enable kavhttpd.service ../kavhttpd.service
cat >>"$MD" <<'EOF'
## scanengine

Kaspersky Scan Engine, installed from its archive (no package): units written by its installer
into `etc/systemd/system/`.

- dpkg: bash, coreutils, openssl only.
- `/opt/kaspersky/ScanEngine/bin/{kavhttpd,kavicapd,kavhttp_client,klScanEngineUI,appinfo.kli}`,
  `/opt/kaspersky/ScanEngine/bin/bases/{base001.avc,base002.avc}` (Kaspersky banner; `bin/bases`
  as in Kaspersky's documentation), `/opt/kaspersky/ScanEngine/ppl/avengine.ppl`.
- `etc/systemd/system/{kavhttpd,kavicapd,klScanEngineUI}.service` (ExecStart=/opt/kaspersky/ScanEngine/bin/<name>);
  only kavhttpd enabled, by a **relative** link:
  `etc/systemd/system/multi-user.target.wants/kavhttpd.service -> ../kavhttpd.service`.

| kind | subject | severity |
|---|---|---|
| service | kavhttpd.service (enabled yes) | high |
| service | kavicapd.service (enabled no) | high |
| service | klScanEngineUI.service (enabled no) | high |
| file | /opt/kaspersky/ScanEngine/bin/kavhttpd, /opt/kaspersky/ScanEngine/bin/appinfo.kli (+ rest of the tree) | high |
| file | /opt/kaspersky/ScanEngine/bin/bases/base001.avc, base002.avc | medium (the bases rule) or inside the high finding |

Must not be flagged: any package. **Exit 1.**

EOF
expect scanengine 1 service:kavhttpd.service service:kavicapd.service service:klScanEngineUI.service \
	file:/opt/kaspersky/ScanEngine/bin/kavhttpd file:/opt/kaspersky/ScanEngine/bin/appinfo.kli \
	file:/opt/kaspersky/ScanEngine/bin/bases/base001.avc file:/opt/kaspersky/ScanEngine/bin/bases/base002.avc

# ================================================================ 5. lookalikes
new_root lookalikes
dpkg_init
base_pkgs
pkg kesl-tools-community "install ok installed" 0.9.2-1 "Jane Doe <jane@example.org>" \
	"Kernel Event Streaming Library tools (community edition)"
pkg keslx "install ok installed" 2.1-4 "Example Labs <packages@example.org>" \
	"KESLX extended kernel event streaming daemon"
pkg klnagentd-monitor "install ok installed" 1.0.3 "Example Labs <packages@example.org>" \
	"Kernel log and network agent daemon monitor"
pkg kasper-sensors "install ok installed" 3.4.0-2 "Kasper Industrial Sensors GmbH <info@kasper-sensors.example>" \
	"Drivers and tools for Kasper industrial sensors"
raw opt/vendor/drivers/klif.sys 'MZ\220\000kdetect fixture: Example Vendor klif.sys (Kernel Link Interface Filter)\n'
txt opt/vendor/README <<'EOF'
Example Vendor sensor bridge.
Named after Kasper, our founder; the mascot is Kasperle, the puppet.
EOF
txt opt/vendor/kl_bridge.conf <<<'# kdetect fixture: kernel-link bridge configuration (Example Vendor)
bridge=kl0'
txt opt/vendor/appinfo.kli.bak <<<'kdetect fixture: Example Vendor application info backup'
raw opt/avp-tools/db/base001.avc 'AVP Antiviral Database. (c)Example Corp 2001-2024.\000\000\000example test vectors\n'
txt opt/avp-tools/README <<<'avp-tools: Audio/Video Pipeline tools (kdetect fixture)'
fakebin usr/local/bin/wdserver
fakebin usr/bin/kesla
unit lib/systemd/system kesla.service /usr/bin/kesla "Kesla home automation hub"
enable kesla.service /lib/systemd/system/kesla.service
initscript kess-backup /usr/local/bin/kess-backup
rclinks kess-backup 02
fakebin usr/local/bin/kess-backup
proc_init
proc 2000 wdserver 0 /usr/local/bin/wdserver
cat >>"$MD" <<'EOF'
## lookalikes

A clean root full of names that resemble Kaspersky indicators. **Zero findings, exit 0, in both modes.**

- dpkg: bash, coreutils, openssl and, all install ok installed, amd64:
  `kesl-tools-community` (Jane Doe), `keslx` (Example Labs), `klnagentd-monitor` (Example Labs),
  `kasper-sensors` ("Kasper Industrial Sensors GmbH <info@kasper-sensors.example>").
- `/opt/vendor/drivers/klif.sys` (another vendor's file named like Kaspersky's Windows driver; `MZ` + text),
  `/opt/vendor/README` ("Kasper", "Kasperle"), `/opt/vendor/kl_bridge.conf` (text, not a module),
  `/opt/vendor/appinfo.kli.bak` (not the engine's exact name).
- `/opt/avp-tools/db/base001.avc`: begins with `AVP Antiviral Database. (c)Example Corp 2001-2024.`
  (same prefix up to "(c)", no "Kaspersky Lab"; same file name as a real base).
- `lib/systemd/system/kesla.service` (ExecStart=/usr/bin/kesla), enabled (absolute link); `/usr/bin/kesla`.
- SysV `etc/init.d/kess-backup` (DAEMON=/usr/local/bin/kess-backup), enabled via
  `etc/rc{2,3,4,5}.d/S02kess-backup`; `/usr/local/bin/kess-backup`.
- `/usr/local/bin/wdserver`; `proc/2000` **wdserver** (uid 0, exe -> /usr/local/bin/wdserver), and NO
  `/opt/kaspersky/kesl/libexec/kesl_launcher.sh` anywhere; `proc/1` systemd.

EOF
expect lookalikes 0
expect lookalikes/live 0

# ================================================================ 6. remnants
new_root remnants
dpkg_init
base_pkgs
pkg kesl "deinstall ok config-files" 12.1.0.1297 "AO Kaspersky Lab <support@kaspersky.com>" \
	"Kaspersky Endpoint Security for Linux" "perl, libc6 (>= 2.17)"
txt var/opt/kaspersky/kesl/common/kesl.ini <<'EOF'
[General]
; kdetect fixture: fake kesl.ini left behind after removal
NtpFwMark=0x200
BypassFwMark=0x400
EOF
txt var/log/kaspersky/kesl/kesl.log <<<'2024-03-01 12:00:00.000 INF kdetect fixture: service stopped, package removed'
# dpkg -r keeps in the list what it could not remove: directories not empty, conffiles
pkglist kesl /var/opt/kaspersky/kesl/common
cat >>"$MD" <<'EOF'
## remnants

Leftovers of an uninstalled KESL (`apt remove`, not purge).

- dpkg: bash, coreutils, **kesl** (`Status: deinstall ok config-files`, Config-Version 12.1.0.1297), openssl;
  `var/lib/dpkg/info/kesl.list` still names the directories `dpkg -r` left because they are not empty
  (`/var/opt/kaspersky/kesl/common`).
- `/var/opt/kaspersky/kesl/common/kesl.ini`, `/var/log/kaspersky/kesl/kesl.log`.
- No `/opt/kaspersky`, no units, no SysV script, no proc/.

| kind | subject | severity |
|---|---|---|
| package | kesl (status deinstall ok config-files) | low (NOT high: nothing is installed) |
| file | /var/opt/kaspersky/kesl/common/kesl.ini | low |
| (none) | /var/log/kaspersky/kesl/kesl.log | not walked by default; info if a rule or `--path /var/log/kaspersky` reaches it |

Every finding must be low or info; no high finding. **Exit 1**, because low counts as a finding
(the lead's rule: low or higher gives exit 1, info alone does not). If the rules rate the
config-files package and kesl.ini as info instead, the expected exit becomes 0.

EOF
expect remnants 1 package:kesl file:/var/opt/kaspersky/kesl/common/kesl.ini

# ================================================================ 7. rpm
new_root rpm
txt etc/os-release <<'EOF'
NAME="Example Enterprise Linux"
VERSION="9.4"
ID="exel"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.4"
PRETTY_NAME="Example Enterprise Linux 9.4"
EOF
raw var/lib/rpm/rpmdb.sqlite 'SQLite format 3\000\020\000\001\001\000@  kdetect fixture: junk, not a database\n'
mkdir -p "$R/usr/lib/systemd/system" "$R/opt"
cat >>"$MD" <<'EOF'
## rpm

An RPM-based root: `var/lib/rpm/rpmdb.sqlite` (the SQLite magic, then junk: not a valid database)
and no `var/lib/dpkg/`; `etc/os-release` says "Example Enterprise Linux 9.4"; empty
`usr/lib/systemd/system/` and `opt/`.

- Expect **no finding** and **exit 3**: the coverage must name the RPM database
  (`/var/lib/rpm/rpmdb.sqlite`) as present but not read (status error, or another non-ok,
  non-absent status that makes the inspection incomplete), and dpkg status as absent.

EOF
expect rpm 3

# ================================================================ 8. endpoint
new_root endpoint
dpkg_init
base_pkgs
pkg kesl "install ok installed" 12.1.0.1297 "AO Kaspersky Lab <support@kaspersky.com>" \
	"Kaspersky Endpoint Security for Linux" "perl, libc6 (>= 2.17)"
pkg klnagent64 "install ok installed" 14.2.0-35148 "AO Kaspersky Lab <support@kaspersky.com>" \
	"Kaspersky Security Center Network Agent" "libc6 (>= 2.17), perl"
fakebin $K/bin/kesl-control
fakebin $K/libexec/wdserver
txt $K/libexec/kesl_launcher.sh 755 <<<'#!/bin/sh
exec /opt/kaspersky/kesl/libexec/wdserver "$@"'
unit lib/systemd/system kesl.service /opt/kaspersky/kesl/libexec/kesl_launcher.sh \
	"Kaspersky Endpoint Security for Linux"
enable kesl.service /lib/systemd/system/kesl.service
fakebin $N/bin/klnagchk
fakebin $N/sbin/klnagent
unit lib/systemd/system klnagent64.service /opt/kaspersky/klnagent64/sbin/klnagent \
	"Kaspersky Security Center Network Agent"
enable klnagent64.service /lib/systemd/system/klnagent64.service
pkglist kesl /$K/bin/kesl-control /$K/libexec/kesl_launcher.sh /$K/libexec/wdserver \
	/lib/systemd/system/kesl.service
pkglist klnagent64 /$N/bin/klnagchk /$N/sbin/klnagent /lib/systemd/system/klnagent64.service
proc_init
proc 1234 wdserver 0 /opt/kaspersky/kesl/libexec/wdserver
proc 1300 klnagent 0 /opt/kaspersky/klnagent64/sbin/klnagent
cat >>"$MD" <<'EOF'
## endpoint

A managed endpoint: KESL and the Network Agent side by side under `/opt/kaspersky`, each with its
package (and file list), its enabled unit and (live) its process.

- dpkg: bash, coreutils, **kesl**, **klnagent64** (both install ok installed, AO Kaspersky Lab), openssl;
  `kesl.list` and `klnagent64.list` name each package's files and unit.
- `/opt/kaspersky/kesl/{bin/kesl-control,libexec/kesl_launcher.sh,libexec/wdserver}`,
  `/opt/kaspersky/klnagent64/{bin/klnagchk,sbin/klnagent}`.
- `lib/systemd/system/{kesl,klnagent64}.service`, both enabled.
- `proc/1234` wdserver, `proc/1300` klnagent (uid 0, exe in their trees).

Two products, two things: the file rules give one finding per rule and product tree (KL-FILE-001 twice),
and findings of the two trees are never grouped together. **Exit 1** (both modes).

EOF
expect endpoint 1 package:kesl package:klnagent64 service:kesl.service service:klnagent64.service \
	file:/opt/kaspersky/kesl/bin/kesl-control file:/opt/kaspersky/klnagent64/sbin/klnagent
expect endpoint/live 1 package:kesl package:klnagent64 service:kesl.service service:klnagent64.service \
	file:/opt/kaspersky/kesl/bin/kesl-control file:/opt/kaspersky/klnagent64/sbin/klnagent \
	process:1234 process:1300

# ---------------------------------------------------------------- done
cat >>"$MD" <<'EOF'
## Cases with proc/

kesl (pids 1, 1234), klnagent (pids 1, 1300), lookalikes (pids 1, 2000), endpoint (pids 1, 1234, 1300). Each `proc/PID` has `comm`,
`status` (`Uid:\t0\t0\t0\t0`), `cmdline` and `exe` (a symlink to the absolute executable path; the
target exists in the root).
EOF
mv "$MD" "$OUT/USERLAND.md"
mv "$TSV" "$OUT/USERLAND.tsv"
for c in $CASES; do [ -s "$OUT/$c/etc/hostname" ] || die "case $c not built"; done
