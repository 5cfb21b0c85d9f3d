#!/usr/bin/env bash
# mkinitramfs-qemu.sh - builds the initramfs the real-kernel test (tests/e2e-qemu.sh) boots:
# busybox-static, an /init that loads modules and runs kdetect, the static kdetect binary,
# the Debian kernel image (for its builtin certificate), a handful of Debian's own signed
# modules at their real paths, the test modules under extra/, and modules.dep from depmod.
#
# Usage: tests/mkinitramfs-qemu.sh DEBROOT KMODDIR KDETECT OUTDIR [KDETECT_STD HWDB]
#   DEBROOT      unpacked Debian kernel package (tests/get-debian-kernel.sh)
#   KMODDIR      tests/build-kmods.sh output (modules/ and pki/)
#   KDETECT      the static kdetect binary
#   OUTDIR       rebuilt from scratch: OUTDIR/stage (the tree), OUTDIR/initrd.gz
#   KDETECT_STD  optional: the standard (dynamic) build, copied with its shared libraries,
#                run after the static one (report in section "report-std")
#   HWDB         with it: a udev hwdb.bin for the standard build's device names
# The guest prints its results on the console between "@@KDT-QEMU <NAME> BEGIN/END" lines.
set -euo pipefail

die() { echo "mkinitramfs-qemu.sh: error: $*" >&2; exit 1; }
[ $# -eq 4 ] || [ $# -eq 6 ] ||
	die "usage: tests/mkinitramfs-qemu.sh DEBROOT KMODDIR KDETECT OUTDIR [KDETECT_STD HWDB]"
DEB=${1%/}
KM=${2%/}
KDBIN=$3
OUT=${4%/}
KDSTD=${5:-}
HWDB=${6:-}

for c in cpio gzip xz zstd depmod modinfo readelf; do
	command -v "$c" >/dev/null || die "'$c' not found (tools/install-deps.sh test installs it)"
done
BB=$(command -v busybox || true)
[ -n "$BB" ] || die "busybox not found (apt-get install busybox-static)"
# the initramfs has no C library: busybox and kdetect must both be static
static() {
	local f=$1 hdr
	hdr=$(LC_ALL=C readelf -lW "$f" 2>/dev/null) || return 1
	case $hdr in *"program interpreter"*) return 1 ;; esac
	return 0
}
static "$BB" || die "$BB is not statically linked (apt-get install busybox-static)"
[ -f "$KDBIN" ] || die "kdetect binary $KDBIN not found (make portable)"
static "$KDBIN" || die "$KDBIN is not statically linked (make portable builds kdetect-static)"

# the one release the package holds
mapfile -t rels < <(find "$DEB/lib/modules" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null)
[ "${#rels[@]}" -eq 1 ] || die "expected one release under $DEB/lib/modules, found: ${rels[*]:-none}"
REL=${rels[0]}
VMLINUZ=$DEB/boot/vmlinuz-$REL
[ -f "$VMLINUZ" ] || die "$VMLINUZ not found"
DM=$DEB/lib/modules/$REL

# Debian's own modules by file name, dependencies first, staged at their paths in the
# package: e1000 binds qemu's default NIC (PCI 0000:00:03.0), vfat needs fat,
# pcspkr binds a platform device
DEBIAN_MODS="e1000 fat vfat dummy crc-itu-t pcspkr"
# the test modules, signed with a key the kernel does not hold: taint O and E
TEST_MODS="kdt_neutral.ko kav4fs_oas.ko klpx_lookalike.ko"
CERT=$KM/pki/vendor/cert.pem
[ -f "$CERT" ] || die "$CERT not found (tests/build-kmods.sh)"

# every test module must have been built for this very kernel, or insmod refuses it
for m in $TEST_MODS; do
	f=$KM/modules/$m
	[ -f "$f" ] || die "$f not found (tests/build-kmods.sh)"
	vm=$(modinfo -F vermagic "$f") || die "modinfo $f failed"
	[ "${vm%% *}" = "$REL" ] ||
		die "$m was built for '${vm%% *}', the Debian kernel image is '$REL': rebuild them with tests/build-kmods.sh $KM $REL (which installs linux-headers-$REL if missing)"
done

mkdir -p "$OUT"
S=$OUT/stage
rm -rf "$S" "$OUT/initrd.gz"
mkdir -p "$S"/{bin,sbin,proc,sys,dev,tmp,boot,certs,etc} "$S/lib/modules/$REL/extra"

cp "$BB" "$S/bin/busybox"
for a in $("$BB" --list); do
	[ "$a" = busybox ] || ln -s busybox "$S/bin/$a"
done
cp "$KDBIN" "$S/kdetect"
chmod 0755 "$S/kdetect"
if [ -n "$KDSTD" ]; then
	# the standard build and the shared libraries it needs, where the loader looks for them
	cp "$KDSTD" "$S/kdetect-std"
	# (no ld.so.cache in the guest: the loader's built-in multiarch paths find them)
	for lib in $(ldd "$KDSTD" | grep -oE '/[^ ]+'); do
		mkdir -p "$S$(dirname "$lib")"
		cp -L "$lib" "$S$lib"
	done
	mkdir -p "$S/etc/udev"
	cp "$HWDB" "$S/etc/udev/hwdb.bin"
fi
cp "$VMLINUZ" "$S/boot/"
cp "$DEB/boot/config-$REL" "$S/boot/" 2>/dev/null || true
cp "$CERT" "$S/certs/vendor.pem"
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "$DM/$f" ] && cp "$DM/$f" "$S/lib/modules/$REL/"
done

: >"$S/modules.load"
for name in $DEBIAN_MODS; do
	# the one file NAME.ko[.xz|.zst|.gz] below kernel/
	mapfile -t found < <(cd "$DM" && find kernel -type f \( -name "$name.ko" -o -name "$name.ko.xz" \
		-o -name "$name.ko.zst" -o -name "$name.ko.gz" \))
	[ "${#found[@]}" -eq 1 ] || die "expected one module file $name.ko* in the Debian package, found: ${found[*]:-none}"
	m=${found[0]}
	# busybox's insmod takes plain .ko files: a compressed one goes in decompressed (its
	# signature covers the uncompressed module)
	plain=${m%.xz}; plain=${plain%.zst}; plain=${plain%.gz}
	mkdir -p "$S/lib/modules/$REL/$(dirname "$m")"
	case $m in
	*.xz) xz -dc "$DM/$m" >"$S/lib/modules/$REL/$plain" ;;
	*.zst) zstd -qdc "$DM/$m" >"$S/lib/modules/$REL/$plain" ;;
	*.gz) gzip -dc "$DM/$m" >"$S/lib/modules/$REL/$plain" ;;
	*) cp "$DM/$m" "$S/lib/modules/$REL/$plain" ;;
	esac
	echo "$plain" >>"$S/modules.load"
done
for m in $TEST_MODS; do
	cp "$KM/modules/$m" "$S/lib/modules/$REL/extra/$m"
	echo "extra/$m" >>"$S/modules.load"
done
# modules.dep(.bin) of the staging tree only (Debian's System.map is a placeholder, so
# depmod cannot check symbols against the kernel)
depmod -b "$S" "$REL" 2>"$OUT/depmod.err" ||
	{ cat "$OUT/depmod.err" >&2; die "depmod -b $S $REL failed"; }
[ -s "$S/lib/modules/$REL/modules.dep" ] || die "depmod wrote no modules.dep"

cat >"$S/init" <<EOF
#!/bin/sh
# generated by tests/mkinitramfs-qemu.sh
REL=$REL
EOF
cat >>"$S/init" <<'EOF'
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
# kernel messages (module signature warnings, e1000 link) must not interleave with our output
dmesg -n 1
hostname kdt-qemu

# section NAME COMMAND...: the command's output between marker lines, base64 so that
# nothing the console does to bytes (CR, control characters) can alter it
section() {
	name=$1; shift
	echo "@@KDT-QEMU $name BEGIN"
	"$@" 2>&1 | base64
	echo "@@KDT-QEMU $name END"
}

# devices: "module bus driver device" for each device bound to a driver a module registers
devices() {
	for d in /sys/module/*/drivers/*; do
		[ -d "$d" ] || continue
		m=${d#/sys/module/}
		m=${m%%/*}
		bd=${d##*/}
		for l in "$d"/*; do
			[ -L "$l" ] && [ "${l##*/}" != module ] || continue
			echo "$m ${bd%%:*} ${bd#*:} ${l##*/}"
		done
	done
}

for m in $(cat /modules.load); do
	if insmod "/lib/modules/$REL/$m"; then
		echo "@@KDT-QEMU insmod ok $m"
	else
		echo "@@KDT-QEMU insmod failed $m"
	fi
done

section tainted cat /proc/sys/kernel/tainted
section modules cat /proc/modules
section keys cat /proc/keys
section e1000-device readlink /sys/bus/pci/devices/0000:00:03.0/driver
section devices devices

echo "@@KDT-QEMU kdetect start $(cat /proc/uptime)"
/kdetect scan --format json --cert /certs/vendor.pem >/tmp/report.json 2>/tmp/report.err
rc=$?
echo "@@KDT-QEMU kdetect end $(cat /proc/uptime)"
section report cat /tmp/report.json
section stderr cat /tmp/report.err
echo "@@KDT-QEMU rc $rc"
if [ -x /kdetect-std ]; then
	/kdetect-std scan --format json --cert /certs/vendor.pem >/tmp/report-std.json 2>/tmp/report-std.err
	echo "@@KDT-QEMU rc-std $?"
	section report-std cat /tmp/report-std.json
	section stderr-std cat /tmp/report-std.err
fi
echo "@@KDT-QEMU done"
sync
poweroff -f
# not reached unless poweroff fails: with panic=-1 and -no-reboot, qemu exits
echo o >/proc/sysrq-trigger
EOF
chmod 0755 "$S/init"

(cd "$S" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$OUT/initrd.gz.tmp"
mv "$OUT/initrd.gz.tmp" "$OUT/initrd.gz"
echo "$REL" >"$OUT/release"
