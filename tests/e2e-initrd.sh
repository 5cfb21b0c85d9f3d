#!/usr/bin/env bash
# e2e-initrd.sh - initramfs images in boot/: trees of the test modules (tests/build-kmods.sh,
# signed with the kernel's sign-file) packed with Debian's cpio -o -H newc, compressed with
# gzip, xz --check=crc32, zstd and lz4 -l, an early uncompressed microcode archive in front
# as initramfs-tools makes it; and hostile images: truncated, junk after the trailer, names
# that climb out, an entry over the member cap, a decompression bomb.
set -euo pipefail
cd "$(dirname "$0")/.."

. tests/lib.sh

kernel_fixtures e2e-initrd
REL=$(cat "$OUT/kmods/release")
W=$OUT/initrd
rm -rf "$W"
mkdir -p "$W"

# tree NAME MODULE...: a tree under $W/NAME with the modules where distributions put them
tree() {
	local t=$W/$1 d
	shift
	d=$t/usr/lib/modules/$REL/kernel/drivers/misc
	mkdir -p "$d" "$t/usr/bin" "$t/etc"
	echo "# a conf file" >"$t/etc/modules"
	printf '#!/bin/sh\n' >"$t/init"
	for m in "$@"; do cp "$M/$m" "$d/"; done
}
# pack DIR: the newc archive of DIR on stdout, sorted, owned by root (as mkinitramfs does)
pack() { (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0); }
# early: the uncompressed microcode archive initramfs-tools puts in front
early() {
	local e=$W/early
	rm -rf "$e"
	mkdir -p "$e/kernel/x86/microcode"
	head -c 3000 /dev/urandom >"$e/kernel/x86/microcode/GenuineIntel.bin"
	: >"$e/early_cpio"
	pack "$e"
}
# root NAME: a copy of the clean fixture root (its kernel's key signs kdt_neutral)
root() { rm -rf "$W/$1" && cp -a "$R/clean" "$W/$1"; }
cov() { jq -r --arg s "$2" '.coverage[] | select(.source == $s) | "\(.status) \(.detail)"' "$OUT/r-$1.json"; }

# ---- Kaspersky modules in an xz image with early microcode: found, naming the image
root kl
tree kl-tree kdt_klsigned.ko kdt_klmeta.ko kdt_neutral.ko
{ early; pack "$W/kl-tree" | xz --check=crc32; } >"$W/kl/boot/initrd.img-$REL"
run_scan kl --root "$W/kl"
expect_rc 1 "kaspersky in initramfs"
IMG=/boot/initrd.img-$REL
jqt "kaspersky in initramfs: the signed module is a finding naming the image" "$OUT/r-kl.json" \
	'[.findings[] | select(.kind == "kaspersky" and .name == "kdt_klsigned")] | length == 1 and (.[0] | .evidence.initramfs == $img and .path == "/usr/lib/modules/\($rel)/kernel/drivers/misc/kdt_klsigned.ko" and (.rules | index("KL-CERT-001")) != null)' \
	--arg img "$IMG" --arg rel "$REL"
jqt "kaspersky in initramfs: same severity as the installed module file would have" "$OUT/r-kl.json" \
	'[.findings[] | select(.kind == "kaspersky" and .evidence.initramfs != null) | .severity] | unique == ["high"]'
jqt "kaspersky in initramfs: the metadata module is found too" "$OUT/r-kl.json" \
	'[.findings[] | select(.kind == "kaspersky" and .name == "kdt_klmeta") | .evidence.initramfs] == [$img]' \
	--arg img "$IMG"
jqt "kaspersky in initramfs: modules[] name the image, the release from the member path" "$OUT/r-kl.json" \
	'[.modules[] | select(.initramfs == $img) | .release] == [$rel, $rel, $rel]' --arg img "$IMG" --arg rel "$REL"
jqt "kaspersky in initramfs: the neutral one is valid and kernel-trusted" "$OUT/r-kl.json" \
	'.modules[] | select(.initramfs != null and .name == "kdt_neutral") | .signature.status == "valid" and .signature.kernel_trusted'
jqt "kaspersky in initramfs: installed modules have initramfs null" "$OUT/r-kl.json" \
	'[.modules[] | select(.path | startswith("/lib/modules/")) | .initramfs] | length > 0 and all(. == null)'
# cpio -t reads the first archive only: count each
N_EARLY=$(pack "$W/early" | cpio -t --quiet | wc -l)
N_MEMBERS=$((N_EARLY + $(pack "$W/kl-tree" | cpio -t --quiet | wc -l)))
check "kaspersky in initramfs: coverage counts the modules and members, xz after the early archive" \
	grep -qx "ok initramfs image: 3 modules in $N_MEMBERS members, compression xz after 1 uncompressed archive of $N_EARLY members" <(cov kl "$IMG")
"$KD" scan --root "$W/kl" >"$OUT/r-kl.txt" || true
check "kaspersky in initramfs: the text report names the image" grep -qF "in initramfs $IMG" "$OUT/r-kl.txt"
# initramfs-tools' own lister (initramfs-tools-core) reads the same images: the same
# members, and the same module files as modules[] holds
lsinit_check() { # NAME IMAGE-FILE
	local l
	l=$(lsinitramfs "$2" | grep -vcx '\.' || true)
	check "$1: lsinitramfs lists as many members ($l)" \
		grep -qE "^ok initramfs image: [0-9]+ modules? in $l members" <(cov "$1" "$IMG")
	check "$1: lsinitramfs lists the same module files" cmp -s \
		<(lsinitramfs "$2" | grep -E '\.ko(\.(xz|zst|gz))?$' | sed 's|^\.\?/\?|/|' | LC_ALL=C sort) \
		<(jq -r '.modules[] | select(.initramfs != null) | .path' "$OUT/r-$1.json" | LC_ALL=C sort)
}
if command -v lsinitramfs >/dev/null 2>&1; then
	lsinit_check kl "$W/kl/boot/initrd.img-$REL"
else
	echo "e2e-initrd: no lsinitramfs (initramfs-tools-core): members not cross-checked"
fi

# ---- clean images: gzip (initramfs-tools), zstd (dracut, and its kdump sibling as a
# hard link, read once), a systemd-boot layout; modules valid, exit 0
root clean
tree clean-tree kdt_neutral.ko kdt_neutral.ko.xz
pack "$W/clean-tree" | gzip -9 >"$W/clean/boot/initrd.img-$REL"
pack "$W/clean-tree" | zstd -q -19 >"$W/clean/boot/initramfs-$REL.img"
ln "$W/clean/boot/initramfs-$REL.img" "$W/clean/boot/initramfs-${REL}kdump.img"
# SUSE's name, and the 070702 format with its data checksums
(cd "$W/clean-tree" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H crc --quiet -R 0:0) | xz --check=crc32 \
	>"$W/clean/boot/initrd-$REL"
ln -s "initrd.img-$REL" "$W/clean/boot/initrd.img"
MID=0123456789abcdef0123456789abcdef
mkdir -p "$W/clean/boot/$MID/$REL"
{ early; pack "$W/clean-tree" | xz --check=crc32; } >"$W/clean/boot/$MID/$REL/initrd"
run_scan clean --root "$W/clean"
expect_rc 0 "clean initramfs"
jqt "clean initramfs: no findings" "$OUT/r-clean.json" '.findings == []'
jqt "clean initramfs: each image read once, two modules each, all valid and kernel-trusted" "$OUT/r-clean.json" \
	'[.modules[] | select(.initramfs != null)] | (group_by(.initramfs) | map(length)) == [2, 2, 2, 2] and all(.signature.status == "valid" and .signature.kernel_trusted)'
jqt "clean initramfs: the four images, by the names they were found under" "$OUT/r-clean.json" \
	'[.modules[] | .initramfs // empty] | unique == ["/boot/\($mid)/\($rel)/initrd", "/boot/initramfs-\($rel).img", "/boot/initrd-\($rel)", "/boot/initrd.img-\($rel)"]' \
	--arg rel "$REL" --arg mid "$MID"
check "clean initramfs: gzip image covered" grep -q "^ok initramfs image: 2 modules in .* members, compression gzip$" <(cov clean "/boot/initrd.img-$REL")
check "clean initramfs: zstd image covered" grep -q "compression zstd$" <(cov clean "/boot/initramfs-$REL.img")
jqt "clean initramfs: the hard link and the symlink are not read again" "$OUT/r-clean.json" \
	'[.coverage[] | select(.source == "/boot/initramfs-\($rel)kdump.img" or .source == "/boot/initrd.img")] == []' --arg rel "$REL"
jqt "clean initramfs: the compressed module inside keeps its compression" "$OUT/r-clean.json" \
	'[.modules[] | select(.initramfs != null) | .compression] | unique == ["none", "xz"]'
"$KD" scan --format json --root "$W/clean" -j 1 >"$OUT/r-clean-j1.json" || true
report_made "$OUT/r-clean-j1.json"
check "clean initramfs: the same members in four images, reported in one order" \
	same_reports "$OUT/r-clean.json" "$OUT/r-clean-j1.json" 'del(.run.argv)'
if command -v lsinitramfs >/dev/null 2>&1; then
	# every image of the root: lsinitramfs takes one, modules[] per image compared
	l=$(lsinitramfs "$W/clean/boot/initramfs-$REL.img" | grep -cE '\.ko(\.xz)?$' || true)
	jqt "clean initramfs: lsinitramfs lists the modules of the zstd image ($l)" "$OUT/r-clean.json" \
		'[.modules[] | select(.initramfs == $img)] | length == $n' \
		--arg img "/boot/initramfs-$REL.img" --argjson n "$l"
fi

# ---- segments after the main archive, as the kernel unpacks them all: a second
# compressed archive holding the Kaspersky module is found; junk after one is a gap
root seg
tree seg-tree kdt_klsigned.ko
{ early; pack "$W/clean-tree" | xz --check=crc32; head -c 7 /dev/zero; pack "$W/seg-tree" | zstd -q; } \
	>"$W/seg/boot/initrd.img-$REL"
run_scan seg --root "$W/seg"
expect_rc 1 "second compressed archive"
jqt "second compressed archive: its module found, naming the image" "$OUT/r-seg.json" \
	'[.findings[] | select(.kind == "kaspersky") | [.name, .evidence.initramfs]] == [["kdt_klsigned", $img]]' --arg img "$IMG"
check "second compressed archive: coverage names both compressions" \
	grep -qE "^ok initramfs image: 3 modules in [0-9]+ members, compression xz\+zstd after 1 uncompressed archive" <(cov seg "$IMG")
# (lsinitramfs reads one compressed archive after the early ones: not this image)
root tail
{ pack "$W/clean-tree" | gzip; printf 'TRAILING GARBAGE'; } >"$W/tail/boot/initrd.img-$REL"
run_scan tail --root "$W/tail"
expect_rc 3 "junk after the compressed archive"
check "junk after the compressed archive: coverage says where" \
	grep -qE "^error initramfs image: data at offset [0-9]+ that is no cpio archive nor a known compression; 2 modules read before that" <(cov tail "$IMG")

# ---- lz4 (legacy format, as the kernel's unpacker wants it) and bzip2, lzma, lzo: the
# compressions initramfs-tools and dracut can use besides gzip, xz and zstd
for z in lz4 bzip2 lzma lzo; do
	root $z
	case $z in
	lz4) pack "$W/kl-tree" | lz4 -l -q -9 ;;
	bzip2) pack "$W/kl-tree" | bzip2 -9 ;;
	lzma) pack "$W/kl-tree" | xz --format=lzma -9 ;;
	lzo) pack "$W/kl-tree" | lzop -9 ;;
	esac >"$W/$z/boot/initrd.img-$REL"
	run_scan $z --root "$W/$z"
	expect_rc 1 "$z initramfs"
	jqt "$z initramfs: the Kaspersky module found" "$OUT/r-$z.json" \
		'[.findings[] | select(.name == "kdt_klsigned") | .evidence.initramfs] == [$img]' --arg img "$IMG"
	check "$z initramfs: coverage names the compression" grep -q "compression $z" <(cov $z "$IMG")
done

# ---- hostile images: never a clean exit, always a reason
hostile() { # NAME RC-EXPECTED REASON-REGEX: scan $W/NAME, check exit status and the image's coverage
	run_scan "$1" --root "$W/$1"
	expect_rc "$2" "$1"
	check "$1: coverage says why ($3)" grep -qE "$3" <(cov "$1" "$IMG")
	jqt "$1: the image's coverage is an error" "$OUT/r-$1.json" \
		'[.coverage[] | select(.source == $img) | .status] == ["error"]' --arg img "$IMG"
}

root trunc
pack "$W/clean-tree" | xz --check=crc32 >"$W/trunc.xz"
head -c $(($(stat -c %s "$W/trunc.xz") / 2)) "$W/trunc.xz" >"$W/trunc/boot/initrd.img-$REL"
hostile trunc 3 '^error initramfs image: xz data corrupt or truncated'

root trunc-raw
pack "$W/clean-tree" >"$W/trunc-raw.cpio"
head -c 5000 "$W/trunc-raw.cpio" >"$W/trunc-raw/boot/initrd.img-$REL"
hostile trunc-raw 3 'archive truncated inside a member|ends without TRAILER'

root junk
{ pack "$W/clean-tree"; printf 'JUNK AFTER THE TRAILER'; } | gzip >"$W/junk/boot/initrd.img-$REL"
hostile junk 3 'junk after the trailer at decoded offset [0-9]+ of the gzip archive; 2 modules read before that'

# a 070702 archive whose data no longer sums to its header's checksum
root crc
(cd "$W/clean-tree" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H crc --quiet -R 0:0) >"$W/crc.cpio"
perl -0777 -pe 's/# a conf file/# a CONF file/' "$W/crc.cpio" >"$W/crc/boot/initrd.img-$REL"
hostile crc 3 'uncompressed cpio archive malformed at offset [0-9]+: data checksum of a 070702 member does not match'

root notcomp
{ early; head -c 4096 /dev/urandom | tr '\0\060' '\001\061'; } >"$W/notcomp/boot/initrd.img-$REL"
hostile notcomp 3 'no cpio archive nor a known compression'

# names that climb out or are absolute: normalised as the kernel unpacks them, never
# opened; the Kaspersky module is still found; a symlink named like a module is skipped
root names
mkdir -p "$W/names-in/x" "$W/evil/lib/modules/$REL"
cp "$M/kdt_klsigned.ko" "$W/evil/lib/modules/$REL/"
ln -s /etc/shadow "$W/evil/lib/modules/$REL/link.ko"
(cd "$W/names-in/x" && printf '%s\n' ../../evil ../../evil/lib ../../evil/lib/modules \
	"../../evil/lib/modules/$REL" "../../evil/lib/modules/$REL/kdt_klsigned.ko" \
	"../../evil/lib/modules/$REL/link.ko" | cpio -o -H newc --quiet -R 0:0) | zstd -q >"$W/names/boot/initrd.img-$REL"
run_scan names --root "$W/names"
expect_rc 1 "names"
jqt "names: the module's path is normalised under the archive's root" "$OUT/r-names.json" \
	'[.modules[] | select(.initramfs != null) | .path] == ["/evil/lib/modules/\($rel)/kdt_klsigned.ko"]' --arg rel "$REL"
check "names: coverage says names were normalised and the symlink skipped" \
	grep -qE '1 device node, symlink or FIFO named like a module skipped; 6 member names absolute, with ".." or a NUL' <(cov names "$IMG")
check "names: nothing written beside the root" [ ! -e "$W/names/evil" ] && [ ! -e "$OUT/evil" ]

# a NUL inside a stored name: the kernel creates the name up to the NUL, a module file;
# a device node named like a module is skipped (where this machine lets us make one)
root nul
tree nul-tree kdt_neutral.ko
D=$W/nul-tree/usr/lib/modules/$REL/kernel/drivers/misc
cp "$M/kdt_klsigned.ko" "$D/kdt_klsigned.ko.XXXX"
NODES=0
mknod "$D/mem.ko" c 1 3 2>/dev/null && NODES=1
pack "$W/nul-tree" >"$W/nul.cpio"
# the name's length stays, the dot before XXXX becomes a NUL (newc 070701: no name checksum)
perl -0777 -pe 's/kdt_klsigned\.ko\.XXXX\0/kdt_klsigned.ko\0XXXX\0/' "$W/nul.cpio" >"$W/nul/boot/initrd.img-$REL"
check "nul: the fixture holds the NUL trick" grep -qaF "kdt_klsigned.ko" "$W/nul/boot/initrd.img-$REL"
run_scan nul --root "$W/nul"
expect_rc 1 "nul"
jqt "nul: the member is the module the kernel would create, found" "$OUT/r-nul.json" \
	'[.findings[] | select(.kind == "kaspersky") | [.path, .evidence.initramfs]] == [["/usr/lib/modules/\($rel)/kernel/drivers/misc/kdt_klsigned.ko", $img]]' \
	--arg rel "$REL" --arg img "$IMG"
check "nul: coverage says a name was normalised, uncompressed image" \
	grep -qE '^ok initramfs image: 2 modules in [0-9]+ members, compression none.*1 member name absolute, with ".." or a NUL' <(cov nul "$IMG")
if [ "$NODES" -eq 1 ]; then
	check "nul: the device node is skipped, not read" \
		grep -qF "1 device node, symlink or FIFO named like a module skipped" <(cov nul "$IMG")
fi

# a member name with a terminal escape and a newline: shown escaped, never raw
root esc
mkdir -p "$W/esc-tree/lib/modules/$REL"
cp "$M/kdt_klsigned.ko" "$W/esc-tree/lib/modules/$REL/$(printf 'kl\033[2J\nx.ko')"
(cd "$W/esc-tree" && find . -mindepth 1 -print0 | LC_ALL=C sort -z | cpio -o -0 -H newc --quiet -R 0:0) |
	gzip >"$W/esc/boot/initrd.img-$REL"
run_scan esc --root "$W/esc"
expect_rc 1 "esc"
# (report.c writes a control byte as the text \xHH, in JSON as in text)
jqt "esc: the module found under its name, its control bytes escaped" "$OUT/r-esc.json" \
	'[.modules[] | select(.initramfs != null) | .path] == [$p]' --arg p "/lib/modules/$REL/kl\x1b[2J\x0ax.ko"
"$KD" scan --root "$W/esc" >"$OUT/r-esc.txt" || true
check "esc: no raw escape byte in the text report" bash -c '! grep -q "$(printf "\033")" "$1"' _ "$OUT/r-esc.txt"

# one module member over the 64 MiB cap: dropped by name, the rest read, incomplete
root big
tree big-tree kdt_neutral.ko
head -c $((65 << 20)) /dev/zero >"$W/big-tree/usr/lib/modules/$REL/kernel/drivers/misc/huge.ko"
pack "$W/big-tree" | zstd -q -1 >"$W/big/boot/initrd.img-$REL"
hostile big 3 "1 module member over the 64 MiB cap not inspected: usr/lib/modules/$REL/kernel/drivers/misc/huge.ko \(68157440 bytes\)"
jqt "big: the module beside it is still inspected" "$OUT/r-big.json" \
	'[.modules[] | select(.initramfs != null) | .name] == ["kdt_neutral"]'

# a decompression bomb: 1.1 GiB of zeros (a sparse file) in a few hundred KiB of zstd
root bomb
mkdir -p "$W/bomb-tree"
cp "$M/kdt_neutral.ko" "$W/bomb-tree/"
truncate -s 1100M "$W/bomb-tree/zeros"
pack "$W/bomb-tree" | zstd -q -1 >"$W/bomb/boot/initrd.img-$REL"
rm -f "$W/bomb-tree/zeros"
hostile bomb 3 'zstd archive decodes beyond the 1024 MiB cap \(a decompression bomb\?\), not read further; 1 module read before that'

finish e2e-initrd
