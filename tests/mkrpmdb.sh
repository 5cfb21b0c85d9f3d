#!/bin/bash
# mkrpmdb.sh DIR - RPM database fixtures from the real tools, for the readers of
# src/formats/rpmbdb.c and rpmndb.c and the end-to-end tests. Writes into DIR:
#   rpm/*.rpm          small packages built with rpmbuild (one with a header larger than a
#                      Berkeley DB page, so the hash database needs overflow chains)
#   sqlite/rpmdb.sqlite  rpm's own database (default sqlite backend), --justdb installs
#   blobs/N.hex        each package's header blob as rpm stored it (hnum N), in lowercase hex
#   bdb/Packages       a Berkeley DB hash database written by db_load (Berkeley DB's own
#                      code; Debian's rpm cannot write bdb) with rpm's layout: 4-byte
#                      native-order package numbers -> header blobs; page size 4096;
#                      with a key 0 record (next package number) as older rpm has
#   bdb512/Packages    the same with 512-byte pages (longer overflow chains)
#   bdbbe/Packages     the same in big-endian byte order (keys too, as rpm on such a host)
#   bdbmany/Packages   300 packages (the blobs in turn, package numbers 1..300): many hash
#                      buckets over several split points, so the spares table is used
#   bdb/qa.txt         rpm -qa of bdb/ read by rpm's own bdb_ro backend (the oracle)
# mkrpmdb.sh bdb-from SQLITE PACKAGES - the packages of rpm's sqlite database SQLITE as a
# Berkeley DB hash database PACKAGES (as rpm 4.14-4.16 on RHEL 7/8 keeps them), by db_load.
# Needs rpm (rpmbuild), sqlite3 and db5.3-util.
set -eu
if [ "${1:-}" = bdb-from ]; then
	src=${2:?usage: mkrpmdb.sh bdb-from SQLITE PACKAGES} dst=${3:?usage: mkrpmdb.sh bdb-from SQLITE PACKAGES}
	rm -f "$dst"
	# key: the package number as 4 little-endian bytes; data: the header blob; \xx each
	sqlite3 "$src" 'select hnum, lower(hex(blob)) from Packages order by hnum' |
	while IFS='|' read -r n hex; do
		printf '\\%02x\\%02x\\%02x\\%02x\n' $((n & 255)) $((n >> 8 & 255)) \
			$((n >> 16 & 255)) $((n >> 24 & 255))
		printf '%s\n' "$hex" | sed 's/../\\&/g'
	done | db5.3_load -T -t hash -c db_pagesize=4096 -c db_lorder=1234 "$dst"
	exit 0
fi
out=${1:?usage: mkrpmdb.sh DIR}
for t in rpmbuild rpm sqlite3 db5.3_load; do
	command -v $t >/dev/null || { echo "mkrpmdb.sh: $t not found" >&2; exit 1; }
done
out=$(mkdir -p "$out" && cd "$out" && pwd)
rm -rf "$out/rpm" "$out/sqlite" "$out/blobs" "$out/bdb" "$out/bdb512" "$out/bdbbe" "$out/bdbmany" "$out/top"
mkdir -p "$out/rpm" "$out/sqlite" "$out/blobs" "$out/bdb" "$out/bdb512" "$out/bdbbe" "$out/bdbmany" "$out/top"
export HOME=$out/top	# rpm's macros read ~/.rpmmacros; keep the user's out

# spec NAME VERSION NFILES: a package with NFILES empty files (many files: a big header)
spec() {
	local n=$1 v=$2 nf=$3 i
	{
		echo "Name: $n"
		echo "Version: $v"
		echo "Release: 1"
		echo "Summary: kdetect test package $n"
		echo "License: GPL-2.0-or-later"
		echo "BuildArch: noarch"
		echo "%description"
		echo "A package built by kdetect's tests/mkrpmdb.sh."
		echo "%install"
		echo "mkdir -p %{buildroot}/usr/share/$n"
		echo "for i in \$(seq 1 $nf); do : > %{buildroot}/usr/share/$n/file-with-a-long-name-\$i; done"
		echo "%files"
		echo "/usr/share/$n"
	} > "$out/top/$n.spec"
	rpmbuild -bb --quiet --define "_topdir $out/top" --define "_rpmdir $out/rpm" \
		--define '_build_name_fmt %%{NAME}.rpm' --define '_binary_payload w9.gzdio' \
		"$out/top/$n.spec" >/dev/null
}
spec kd-small 1.0 1
spec kd-medium 2.3 20
spec kd-large 0.9 400

rpm --dbpath "$out/sqlite" --initdb
for p in kd-small kd-medium kd-large; do
	rpm --dbpath "$out/sqlite" -i --justdb --nodeps --noscripts --notriggers \
		--ignorearch --ignoreos "$out/rpm/$p.rpm"
done
sqlite3 "$out/sqlite/rpmdb.sqlite" 'select hnum, lower(hex(blob)) from Packages order by hnum' |
while IFS='|' read -r n hex; do
	printf '%s\n' "$hex" > "$out/blobs/$n.hex"
done

# db_load -T input: key line, data line; bytes as \xx (lowercase). Keys: u32 in the
# database's byte order (rpm writes native ones): le or be. With "key0", first rpm's
# bookkeeping record of older versions: key 0, the next package number.
dump() {
	local f n
	[ "${2:-}" != key0 ] || printf '\\00\\00\\00\\00\n\\%02x\\00\\00\\00\n' \
		$(($(ls "$out"/blobs | wc -l) + 1))
	for f in "$out"/blobs/*.hex; do
		n=$(basename "$f" .hex)
		if [ "$1" = le ]; then
			printf '\\%02x\\%02x\\%02x\\%02x\n' $((n & 255)) $((n >> 8 & 255)) \
				$((n >> 16 & 255)) $((n >> 24 & 255))
		else
			printf '\\%02x\\%02x\\%02x\\%02x\n' $((n >> 24 & 255)) $((n >> 16 & 255)) \
				$((n >> 8 & 255)) $((n & 255))
		fi
		sed 's/../\\&/g' "$f"
	done
}
dump le key0 | db5.3_load -T -t hash -c db_pagesize=4096 -c db_lorder=1234 "$out/bdb/Packages"
dump le | db5.3_load -T -t hash -c db_pagesize=512 -c db_lorder=1234 "$out/bdb512/Packages"
many() {
	local i nb
	nb=$(ls "$out"/blobs | wc -l)
	for i in $(seq 1 300); do
		printf '\\%02x\\%02x\\00\\00\n' $((i & 255)) $((i >> 8 & 255))
		sed 's/../\\&/g' "$out/blobs/$(( (i - 1) % nb + 1 )).hex"
	done
}
many | db5.3_load -T -t hash -c db_pagesize=4096 -c db_lorder=1234 -c h_ffactor=4 \
	"$out/bdbmany/Packages"
rpm --define "_db_backend bdb_ro" --dbpath "$out/bdbmany" -qa --qf "%{NAME}\n" | sort >"$out/bdbmany/qa.txt"
dump be | db5.3_load -T -t hash -c db_pagesize=4096 -c db_lorder=4321 "$out/bdbbe/Packages"
rpm --define '_db_backend bdb_ro' --dbpath "$out/bdb" -qa --qf '%{NAME}-%{VERSION}\n' |
	sort > "$out/bdb/qa.txt"
rm -rf "$out/top"
