#!/usr/bin/env bash
# mkrpmroots.sh OUTDIR - RPM-based fixture roots built with Debian's real rpm tools:
# rpmbuild makes a small "kesl" package (files under /opt/kaspersky/kesl/, Vendor "AO
# Kaspersky Lab") and a benign one; `rpm --root R --dbpath ... -i --justdb` records them in
# the root's database, in the backend this rpm uses (sqlite, checked). Roots:
#   rpm-kesl      var/lib/rpm/rpmdb.sqlite: kesl and the benign package
#   rpm-benign    var/lib/rpm/rpmdb.sqlite: the benign packages only (one of 600 files)
#   rpm-sysimage  usr/lib/sysimage/rpm/rpmdb.sqlite: kesl, its files installed too (Fedora 36+,
#                 openSUSE layout)
#   rpm-both      usr/lib/rpm/macros sets %_dbpath to usr/lib/sysimage/rpm (kesl there);
#                 a stale var/lib/rpm/rpmdb.sqlite holds the benign package only
#   rpm-large     rpm-benign's database grown by sqlite3 to 256 packages, ~13 MB (interior
#                 b-tree pages, overflow chains, as large RHEL databases have)
#   rpm-corrupt   rpm-benign's database with page 1's b-tree header overwritten
#   rpm-truncated rpm-kesl's database cut to its first two pages
# OUTDIR/RPMROOTS.tsv: root, database, `rpm -qa | wc -l` of it.
set -euo pipefail
. "$(dirname "$0")/fixlib.sh"

[ $# -eq 1 ] || die "usage: tests/mkrpmroots.sh OUTDIR"
command -v rpmbuild >/dev/null && command -v rpm >/dev/null && command -v sqlite3 >/dev/null ||
	die "rpm, rpmbuild or sqlite3 not found (tools/install-deps.sh test)"
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
[ "$OUT" != / ] || die "refusing OUTDIR=/"
LOG=$OUT/mkrpmroots.log
: >"$LOG"
TMP=$OUT/.tmp-rpm
rm -rf "$TMP"
mkdir -p "$TMP/top/SPECS" "$TMP/home"
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP/home

backend=$(rpm --eval '%_db_backend')
[ "$backend" = sqlite ] || die "this rpm's database backend is '$backend', not sqlite"

# spec NAME VERSION RELEASE VENDOR DIR [NFILES]: a noarch package of one small script in DIR
# and NFILES data files beside it (many files: a header larger than an SQLite page, whose
# record continues in overflow pages)
spec() {
	local nfiles=${6:-0}
	cat >"$TMP/top/SPECS/$1.spec" <<-SPEC
	Name: $1
	Version: $2
	Release: $3
	Summary: kdetect fixture package $1
	License: GPL-2.0-or-later
	Vendor: $4
	Packager: kdetect tests <tests@example.invalid>
	URL: https://example.invalid/$1
	BuildArch: noarch
	%description
	A kdetect test fixture: one script in $5.
	%install
	mkdir -p %{buildroot}$5
	printf '#!/bin/sh\necho $1\n' > %{buildroot}$5/$1-control
	chmod 755 %{buildroot}$5/$1-control
	for i in \$(seq 1 $nfiles); do echo \$i > %{buildroot}$5/data-file-with-a-long-name-\$i.dat; done
	%files
	$5/$1-control
	SPEC
	[ "$nfiles" -eq 0 ] || echo "$5/data-file-with-a-long-name-*.dat" >>"$TMP/top/SPECS/$1.spec"
	run rpmbuild --define "_topdir $TMP/top" -bb "$TMP/top/SPECS/$1.spec"
}
spec kesl 12.1.0 1297 "AO Kaspersky Lab" /opt/kaspersky/kesl/bin
spec acme-tools 2.4 3 "Acme Tools Ltd" /opt/acme/bin
spec acme-data 1.0 1 "Acme Tools Ltd" /opt/acme/data 600
KESL_RPM=$(ls "$TMP"/top/RPMS/noarch/kesl-*.noarch.rpm)
ACME_RPM=$(ls "$TMP"/top/RPMS/noarch/acme-tools-*.noarch.rpm)
DATA_RPM=$(ls "$TMP"/top/RPMS/noarch/acme-data-*.noarch.rpm)

# install_db ROOT DBPATH RPM...: record the packages in ROOT's database at DBPATH;
# JUSTDB= (empty) installs their files into ROOT too
install_db() {
	local root=$1 dbpath=$2
	shift 2
	mkdir -p "$root/$dbpath"
	run rpm --root "$root" --dbpath "$dbpath" --initdb
	run rpm --root "$root" --dbpath "$dbpath" -i ${JUSTDB---justdb} --nodeps --noscripts \
		--nosignature "$@"
	[ -f "$root/$dbpath/rpmdb.sqlite" ] || die "no rpmdb.sqlite in $root/$dbpath"
}
count() { rpm --root "$1" --dbpath "$2" -qa | wc -l; }

new_root() {
	R=$OUT/$1
	rm -rf "$R"
	mkdir -p "$R/etc"
	echo "$1" >"$R/etc/hostname"
	printf 'NAME="Rocky Linux"\nVERSION_ID="9.4"\nID="rocky"\nID_LIKE="rhel centos fedora"\n' \
		>"$R/etc/os-release"
}

: >"$OUT/RPMROOTS.tsv"
new_root rpm-kesl
install_db "$R" /var/lib/rpm "$ACME_RPM" "$KESL_RPM"
printf 'rpm-kesl\t/var/lib/rpm/rpmdb.sqlite\t%s\n' "$(count "$R" /var/lib/rpm)" >>"$OUT/RPMROOTS.tsv"

new_root rpm-benign
install_db "$R" /var/lib/rpm "$ACME_RPM" "$DATA_RPM"
printf 'rpm-benign\t/var/lib/rpm/rpmdb.sqlite\t%s\n' "$(count "$R" /var/lib/rpm)" >>"$OUT/RPMROOTS.tsv"

new_root rpm-sysimage
JUSTDB= install_db "$R" /usr/lib/sysimage/rpm "$KESL_RPM"
printf 'rpm-sysimage\t/usr/lib/sysimage/rpm/rpmdb.sqlite\t%s\n' \
	"$(count "$R" /usr/lib/sysimage/rpm)" >>"$OUT/RPMROOTS.tsv"

new_root rpm-both
install_db "$R" /usr/lib/sysimage/rpm "$KESL_RPM"
install_db "$R" /var/lib/rpm "$ACME_RPM"
mkdir -p "$R/usr/lib/rpm"
printf '%%_usr\t/usr\n%%_dbpath\t\t%%{_usr}/lib/sysimage/rpm\n%%_db_backend\t\tsqlite\n' \
	>"$R/usr/lib/rpm/macros"
printf 'rpm-both\t/usr/lib/sysimage/rpm/rpmdb.sqlite\t%s\n' \
	"$(count "$R" /usr/lib/sysimage/rpm)" >>"$OUT/RPMROOTS.tsv"

new_root rpm-large
mkdir -p "$R/var/lib/rpm"
cp "$OUT/rpm-benign/var/lib/rpm/rpmdb.sqlite" "$R/var/lib/rpm/"
for _ in 1 2 3 4 5 6 7; do
	run sqlite3 "$R/var/lib/rpm/rpmdb.sqlite" 'INSERT INTO Packages (blob) SELECT blob FROM Packages'
done
printf 'rpm-large\t/var/lib/rpm/rpmdb.sqlite\t%s\n' "$(count "$R" /var/lib/rpm)" >>"$OUT/RPMROOTS.tsv"

new_root rpm-corrupt
mkdir -p "$R/var/lib/rpm"
cp "$OUT/rpm-benign/var/lib/rpm/rpmdb.sqlite" "$R/var/lib/rpm/"
# page 1's b-tree page type (offset 100): neither a table interior nor a leaf page
printf '\x42' | dd of="$R/var/lib/rpm/rpmdb.sqlite" bs=1 seek=100 conv=notrunc status=none

new_root rpm-truncated
mkdir -p "$R/var/lib/rpm"
ps=$(od -An -tu1 -j16 -N2 "$OUT/rpm-kesl/var/lib/rpm/rpmdb.sqlite" | awk '{ print $1 * 256 + $2 }')
head -c $((ps * 2)) "$OUT/rpm-kesl/var/lib/rpm/rpmdb.sqlite" >"$R/var/lib/rpm/rpmdb.sqlite"
