#!/usr/bin/env bash
# mkroots-modconf.sh - fixture roots for the module load configuration: modprobe.d,
# modules-load.d, GRUB, a BLS entry, etc/kernel/cmdline. The files are text that admins and
# packages write by hand (no tool generates them), so they are written here as such.
# Roots: configured (kav4fs_oas named to load), benign (common lines only), hostile
# (oversized and malformed files; a kav4fs_oas line after them must still be found).
# Usage: tests/mkroots-modconf.sh OUTDIR MODULES  (MODULES: tests/build-kmods.sh OUTDIR/modules,
# the real test modules; the ones DKMS "built" are copies of them)
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 OUTDIR MODULES" >&2; exit 2; }
KMODS=$(cd "$2" && pwd)
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
[ "$OUT" != / ] || { echo "refusing OUTDIR=/" >&2; exit 2; }

new_root() {
	R=$OUT/$1
	rm -rf "$R"
	mkdir -p "$R/etc" "$R/boot/grub" "$R/boot/loader/entries" "$R/etc/modprobe.d" \
		"$R/etc/modules-load.d" "$R/usr/lib/modules-load.d" "$R/usr/lib/modprobe.d" \
		"$R/etc/default" "$R/etc/kernel"
	printf 'ID=debian\nVERSION_ID="12"\n' >"$R/etc/os-release"
}

benign_lines() {
	echo 'options snd_hda_intel power_save=1' >"$R/etc/modprobe.d/snd.conf"
	echo 'blacklist pcspkr' >"$R/etc/modprobe.d/blacklist.conf"
	printf '# /etc/modules\nloop\n' >"$R/etc/modules"
	ln -s ../modules "$R/etc/modules-load.d/modules.conf"
	cat >"$R/boot/grub/grub.cfg" <<-'EOF'
	menuentry 'Debian GNU/Linux' {
		linux	/boot/vmlinuz-6.1.0-18-amd64 root=UUID=0c4e ro quiet i915.enable_psr=0
	}
	EOF
	echo 'GRUB_CMDLINE_LINUX_DEFAULT="quiet splash"' >"$R/etc/default/grub"
	printf 'title Debian\nlinux /vmlinuz\noptions root=/dev/sda1 ro systemd.unit=multi-user.target\n' \
		>"$R/boot/loader/entries/debian.conf"
}

new_root benign
benign_lines

new_root configured
benign_lines
cat >"$R/etc/modprobe.d/kav4fs.conf" <<-'EOF'
	# Kaspersky on-access module
	install kav4fs_oas /sbin/insmod \
		/opt/kaspersky/kav4fs/lib/kav4fs_oas.ko; /bin/true
	options kav4fs_oas debug=0
	softdep snd_hda_intel post: kav4fs_oas
EOF
# a module of another name that an install command loads from a Kaspersky tree
echo 'install kl_hook /bin/sh /opt/kaspersky/kesl/libexec/load-hook.sh' >"$R/etc/modprobe.d/zz-hook.conf"
echo kav4fs_oas >"$R/usr/lib/modules-load.d/kav4fs.conf"
# the same name in etc/ masks it: a second one in lib/ must not be read
echo redirfs >"$R/usr/lib/modules-load.d/masked.conf"
ln -s /dev/null "$R/etc/modules-load.d/masked.conf"
echo 'blacklist kav4fs_oas' >"$R/usr/lib/modprobe.d/old-kav.conf"
cat >>"$R/boot/grub/grub.cfg" <<-'EOF'
	menuentry 'Debian (kav)' {
		linux	/boot/vmlinuz-6.1.0-18-amd64 root=UUID=0c4e ro modules-load=kav4fs_oas
	}
EOF
printf 'title Kav\noptions root=/dev/sda1 rd.driver.pre=kav4fs_oas\n' >"$R/boot/loader/entries/kav.conf"

new_root hostile
benign_lines
head -c 1048576 /dev/zero | tr '\0' a >"$R/etc/modprobe.d/longline.conf"
seq 1 100000 | sed 's/^/options snd_x p=/' >"$R/etc/modprobe.d/many.conf"
printf 'install foo /bin/true \\' >"$R/etc/modprobe.d/eof.conf"
printf 'options a\0b x=1\nblacklist nulmod\n' >"$R/etc/modprobe.d/nul.conf"
{ printf 'root=/dev/sda1 '; head -c 1048576 /dev/zero | tr '\0' x; echo; } >"$R/etc/kernel/cmdline"
echo kav4fs_oas >"$R/etc/modules-load.d/zz-kav.conf"

# the same hostile files without a Kaspersky line: nothing found, but the scan is incomplete
rm -rf "$OUT/hostile-clean"
cp -a "$OUT/hostile" "$OUT/hostile-clean"
rm "$OUT/hostile-clean/etc/modules-load.d/zz-kav.conf"

# ---------------------------------------------------------------- DKMS
# dkms_add ROOT NAME VERSION MODULE: a source tree registered by the real `dkms add`, told to use
# the root's usr/src and var/lib/dkms (--sourcetree, --dkmstree: the host's trees are not
# touched). dkms links source to "$sourcetree/NAME-VERSION"; on the installed system that is
# /usr/src/NAME-VERSION, so the link is rewritten to the path the system itself would hold.
dkms_add() {
	local r=$1 name=$2 ver=$3 mod=$4
	mkdir -p "$r/usr/src/$name-$ver" "$r/var/lib/dkms"
	cat >"$r/usr/src/$name-$ver/dkms.conf" <<-EOF
	PACKAGE_NAME="$name"
	PACKAGE_VERSION="$ver"
	BUILT_MODULE_NAME[0]="$mod"
	DEST_MODULE_LOCATION[0]="/updates/dkms"
	AUTOINSTALL="yes"
	EOF
	echo "obj-m := $mod.o" >"$r/usr/src/$name-$ver/Makefile"
	dkms add -m "$name" -v "$ver" --sourcetree "$r/usr/src" --dkmstree "$r/var/lib/dkms" >/dev/null
	ln -sfn "/usr/src/$name-$ver" "$r/var/lib/dkms/$name/$ver/source"
}
# dkms_built ROOT NAME VERSION MODULE KERNEL: what `dkms build` and `dkms install` leave. They
# need the kernel's headers and a compiler for a kernel that is not this machine's, so the
# layout is written as dkms 3.0 writes it: <kernel>/<arch>/module/MODULE.ko and the
# kernel-<kernel>-<arch> link to <version>/<kernel>/<arch>. The .ko is the real test module
# of that name (tests/build-kmods.sh).
dkms_built() {
	local r=$1 name=$2 ver=$3 mod=$4 k=$5
	mkdir -p "$r/var/lib/dkms/$name/$ver/$k/x86_64/module"
	cp "$KMODS/$mod.ko" "$r/var/lib/dkms/$name/$ver/$k/x86_64/module/$mod.ko"
	ln -sfn "$ver/$k/x86_64" "$r/var/lib/dkms/$name/kernel-$k-x86_64"
}
command -v dkms >/dev/null || { echo "mkroots-modconf.sh: dkms not installed (tools/install-deps.sh test)" >&2; exit 1; }
dkms_add "$OUT/configured" kav4fs 8.0.4 kav4fs_oas
dkms_built "$OUT/configured" kav4fs 8.0.4 kav4fs_oas 6.1.0-18-amd64
dkms_add "$OUT/benign" kdt-neutral 1.0 kdt_neutral
dkms_built "$OUT/benign" kdt-neutral 1.0 kdt_neutral 6.1.0-18-amd64
# a DKMS package whose name says nothing, built from a module whose metadata names Kaspersky
dkms_add "$OUT/configured" hookfs 2.1 kdt_klmeta
dkms_built "$OUT/configured" hookfs 2.1 kdt_klmeta 6.1.0-18-amd64
# a dkms.conf that is shell: DKMS would run it, kdetect must read it as text (never given to dkms)
for r in hostile hostile-clean; do
	mkdir -p "$OUT/$r/usr/src/evil-1.0"
	cat >"$OUT/$r/usr/src/evil-1.0/dkms.conf" <<-'EOF'
	PACKAGE_NAME="evil$(rm -rf /)"
	PACKAGE_VERSION=`rm -rf /`
	BUILT_MODULE_NAME[99999999999999999999]=x
	rm -rf /
	EOF
done
mkdir -p "$OUT/hostile/usr/src/kav4fs-8.0.4"
printf 'PACKAGE_NAME=kav4fs\nBUILT_MODULE_NAME[0]=kav4fs_oas\n' >"$OUT/hostile/usr/src/kav4fs-8.0.4/dkms.conf"

# a live host's view (run in a chroot): proc/cmdline is the command line, the boot files are not
new_root live
benign_lines
mkdir -p "$R/proc"
echo 'BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 root=UUID=0c4e ro rd.modules-load=kav4fs_oas' \
	>"$R/proc/cmdline"
printf 'title Kav\noptions root=/dev/sda1 modules-load=kav4fs_oas\n' >"$R/boot/loader/entries/kav.conf"
