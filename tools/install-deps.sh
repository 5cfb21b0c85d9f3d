#!/bin/sh
# install-deps.sh build|test|headers RELEASE - install the Debian/Ubuntu packages kdetect
# needs to be built (build) or tested (test), or the kernel headers of one release (headers:
# the test modules a test kernel loads must be built against its very release). Installs
# only what is missing, and says nothing when everything is present. Debian 12, Ubuntu
# 22.04 and 24.04.
set -eu

prog=install-deps.sh
die() { echo "$prog: error: $*" >&2; exit 1; }
usage() { echo "usage: $prog build|test|headers RELEASE" >&2; exit 2; }

[ $# -ge 1 ] || usage
mode=$1
case $mode in
build|test) [ $# -eq 1 ] || usage ;;
headers)
	[ $# -eq 2 ] || usage
	release=$2
	case $release in
	''|*[!A-Za-z0-9.+~_-]*) die "bad kernel release '$release'" ;;
	esac
	;;
*) usage ;;
esac

command -v dpkg-query >/dev/null 2>&1 ||
	die "dpkg-query not found: this script knows Debian and Ubuntu only"

os_id=
os_like=
if [ -r /etc/os-release ]; then
	# shellcheck disable=SC1091
	os_id=$(. /etc/os-release && echo "${ID:-}")
	# shellcheck disable=SC1091
	os_like=$(. /etc/os-release && echo "${ID_LIKE:-}")
fi
case " $os_id $os_like " in
*" ubuntu "*) headers=linux-headers-generic ;;
*) headers=linux-headers-amd64 ;;
esac

# installed PKG: true when dpkg has PKG (any architecture) in state "installed"
installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q ' installed$'
}

missing=
# want ALTERNATIVE...: each argument is one alternative, a space-separated set of packages
# that must all be installed. Satisfied by any alternative; otherwise the first is queued.
want() {
	for alt in "$@"; do
		ok=1
		for p in $alt; do
			installed "$p" || { ok=0; break; }
		done
		[ $ok -eq 1 ] && return 0
	done
	for p in $1; do
		installed "$p" || missing="$missing $p"
	done
}

if [ "$mode" = headers ]; then
	# on Debian the package pulls in its linux-kbuild-X.Y (kbuild scripts and sign-file)
	want "linux-headers-$release"
else
	# build: gcc alone lacks the C library headers (libc6-dev is only a Recommends of gcc)
	want build-essential "gcc make libc6-dev"
	# pkg-config is a transitional package for pkgconf on Debian 12 and Ubuntu 24.04
	want pkg-config pkgconf
	for pkg in libelf-dev libkmod-dev libudev-dev libssl-dev liblzma-dev libzstd-dev zlib1g-dev \
	    libbz2-dev liblz4-dev liblzo2-dev libhivex-dev; do
		want "$pkg"
	done
fi

if [ "$mode" = test ]; then
	# $headers pulls in the headers of the current kernel ABI and, on Debian, the
	# matching linux-kbuild-X.Y (kbuild scripts and sign-file)
	for pkg in libcmocka-dev mandoc jq kmod xz-utils zstd gzip bzip2 lz4 lzop "$headers" valgrind \
	    dpkg-dev strace sbsigntool efitools osslsigncode gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 \
	    rpm sqlite3 db5.3-util; do
		want "$pkg"
	done
	# RPM fixture roots (tests/mkrpmroots.sh): rpmbuild and rpm write real rpm databases,
	# sqlite3 grows one to the size of a real distribution's
	want rpm
	want sqlite3
	# every JSON report the tests make is checked against src/report.schema.json
	want python3-jsonschema
	# tests/e2e-trixie.sh: Debian 13's kernel package, its Release file checked with this keyring
	want debian-archive-keyring
	# DKMS trees in fixture roots (tests/mkroots-modconf.sh): dkms add registers a source
	want dkms
	# the real-kernel test (tests/e2e-qemu.sh): Debian's kernel under qemu, booted into a
	# busybox initramfs; busybox-static replaces the dynamic busybox package
	for pkg in qemu-system-x86 busybox-static cpio; do
		want "$pkg"
	done
	# initramfs images (tests/e2e-initrd.sh): cpio archives compressed as distributions do
	want lz4
	# ... and listed by initramfs-tools' lsinitramfs, to cross-check the members read
	want initramfs-tools-core
	command -v python3 >/dev/null 2>&1 || want python3
	# bench/bench.sh: peak RSS from /usr/bin/time -f %M
	want time
	# container storage fixtures (tests/mkroots-containers.sh): real Podman storage
	want podman
	# ... and real containerd storage, made by containerd and ctr
	want containerd
	# Windows registry hives (tests/mkhives.sh): filled by hivexregedit (Perl bindings), read
	# back with hivexget, hivexsh and hivexml
	want libhivex-bin
	want libwin-hivex-perl
fi

[ -n "$missing" ] || exit 0
missing=${missing# }

apt_opts="-o DPkg::Lock::Timeout=600"
if [ "$(id -u)" -eq 0 ]; then
	as_root=
elif command -v sudo >/dev/null 2>&1; then
	as_root=sudo
else
	echo "$prog: missing packages: $missing" >&2
	echo "$prog: run as root:" >&2
	echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing" >&2
	exit 1
fi

echo "$prog: installing: $missing" >&2
# shellcheck disable=SC2086
$as_root env DEBIAN_FRONTEND=noninteractive apt-get $apt_opts update -q >&2 ||
	die "apt-get update failed"
# shellcheck disable=SC2086
$as_root env DEBIAN_FRONTEND=noninteractive apt-get $apt_opts install -y -q \
	--no-install-recommends $missing >&2 ||
	die "apt-get install failed: $missing"
