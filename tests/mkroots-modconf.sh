#!/usr/bin/env bash
# mkroots-modconf.sh - fixture roots for the module load configuration: modprobe.d,
# modules-load.d, GRUB, a BLS entry, etc/kernel/cmdline. The files are text that admins and
# packages write by hand (no tool generates them), so they are written here as such.
# Roots: configured (kav4fs_oas named to load), benign (common lines only), hostile
# (oversized and malformed files; a kav4fs_oas line after them must still be found).
# Usage: tests/mkroots-modconf.sh OUTDIR
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
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
EOF
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
