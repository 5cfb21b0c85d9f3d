#!/usr/bin/env bash
# Generates kdetect fixture roots (fake Linux hosts for `kdetect scan --root DIR`) from the modules
# and PKI made by tests/build-kmods.sh, plus OUTDIR/CASES.md and OUTDIR/EXPECT.tsv (expected results).
# Usage: tests/mkroots.sh MODDIR PKIDIR OUTDIR   (e.g. build/test/kmods/modules build/test/kmods/pki build/test/roots)
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/fixlib.sh"
[ $# -eq 3 ] || die "usage: tests/mkroots.sh MODDIR PKIDIR OUTDIR"
for c in openssl xz zstd gzip objcopy depmod modinfo dd truncate mkfifo; do
	command -v "$c" >/dev/null || die "'$c' not found (see the packages 'make check' installs)"
done

MODDIR=$(cd "$1" 2>/dev/null && pwd) || die "no module dir $1"
PKIDIR=$(cd "$2" 2>/dev/null && pwd) || die "no PKI dir $2"
[ -s "$MODDIR/../release" ] || die "$MODDIR/../release missing (run tests/build-kmods.sh first)"
REL=$(cat "$MODDIR/../release")
for f in kdt_neutral.ko kdt_neutral-sha512.ko kdt_neutral-keyid.ko kdt_klsigned.ko kdt_klmeta.ko \
	klpx_lookalike.ko kdt_neutral-other.ko kdt_neutral-unsigned.ko kdt_neutral-tampered.ko \
	kdt_neutral.ko.xz kdt_neutral.ko.zst kdt_neutral.ko.gz kdt_klsigned.ko.xz kdt_klsigned.ko.zst kdt_klsigned.ko.gz \
	kdt_neutral-ec.ko.xz kdt_neutral-ec.ko.zst kdt_neutral-ec-other.ko.xz kdt_neutral-ec-tampered.ko.zst \
	klpx_lookalike-ec.ko.zst; do
	[ -s "$MODDIR/$f" ] || die "$MODDIR/$f missing (run tests/build-kmods.sh first)"
done
for f in vendor/cert.der vendor/cert.pem kl/cert.pem ec/cert.der; do
	[ -s "$PKIDIR/$f" ] || die "$PKIDIR/$f missing (run tests/build-kmods.sh first)"
done
mkdir -p "$3"
OUT=$(cd "$3" && pwd)
[ "$OUT" != / ] || die "refusing OUTDIR=/"

CACHE=$OUT/.cache
TMP=$OUT/.tmp
rm -rf "$TMP"
mkdir -p "$CACHE" "$TMP"
trap 'rm -rf "$TMP"' EXIT
LOG=$TMP/log

# ---------------------------------------------------------------- helpers: bytes
# putb FILE OFFSET PRINTF-ESCAPES: overwrite bytes in place
putb() { printf '%b' "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
# le32 N: printf escapes of N as little-endian u32
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }
fsize() { stat -c %s "$1"; }
# siglen FILE: sig_len (big-endian u32) of the module_signature struct before the 28-byte magic
siglen() {
	od -An -v -j $(($(fsize "$1") - 32)) -N4 -tu1 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'
}
# decompress FILE > stdout, by extension
cat_module() {
	case $1 in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -qdc "$1" ;;
	*.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac
}

# ---------------------------------------------------------------- shared artifacts
SKID=$(openssl x509 -in "$PKIDIR/vendor/cert.pem" -noout -ext subjectKeyIdentifier | sed -n 2p | tr -d ' :\n' | tr 'A-F' 'a-f')
[ ${#SKID} -eq 40 ] || die "could not read the vendor SKID"
KL_SKID=$(openssl x509 -in "$PKIDIR/kl/cert.pem" -noout -ext subjectKeyIdentifier | sed -n 2p | tr -d ' :\n' | tr 'A-F' 'a-f')
CERTSUM=$(sha256sum "$PKIDIR/vendor/cert.der" | cut -c1-16)

# Fake bzImage: "MZ", setup header ("HdrS" at 0x202, setup_sects at 0x1f1, payload_offset/length at
# 0x248/0x24c like the boot protocol), filler, then the payload: an xz stream (--check=crc32 --x86,
# like scripts/xz_wrap.sh) of random bytes + vendor cert DER + random bytes, followed (as in real
# kernels) by the little-endian u32 uncompressed size, then trailing filler.
# make_vmlinuz OUT CERT.der...: a fake image whose builtin key list holds these certificates
make_vmlinuz() {
	local out=$1 v=$TMP/vmlinuz clen=0 c
	shift
	# like certs/system_certificates.S: the list, then 8-aligned, its length as a u64
	for c in "$@"; do clen=$((clen + $(fsize "$c"))); done
	{ head -c 65536 /dev/urandom; cat "$@"; head -c $(((8 - clen % 8) % 8)) /dev/zero
	  printf '%b' "$(le32 "$clen")"; head -c 4 /dev/zero; head -c 16384 /dev/urandom; } >"$TMP/vmlinux.bin"
	xz --check=crc32 --x86 --lzma2=dict=32MiB -c "$TMP/vmlinux.bin" >"$TMP/payload" || die "xz failed"
	printf '%b' "$(le32 "$(fsize "$TMP/vmlinux.bin")")" >>"$TMP/payload"
	head -c 2048 /dev/zero >"$v"                 # boot sector + 3 setup sectors
	putb "$v" 0 'MZ'
	putb "$v" $((0x1f1)) '\x03'                  # setup_sects: protected-mode code at 4*512
	putb "$v" $((0x1fe)) '\x55\xaa'              # boot_flag
	putb "$v" $((0x202)) 'HdrS'                  # header magic
	putb "$v" $((0x206)) '\x0f\x02'              # boot protocol 2.15
	putb "$v" $((0x248)) "$(le32 1024)"          # payload_offset (from protected-mode start)
	putb "$v" $((0x24c)) "$(le32 "$(fsize "$TMP/payload")")"
	head -c 1024 /dev/zero | tr '\0' '\220' >>"$v" # "decompressor" filler (x86 NOPs)
	cat "$TMP/payload" >>"$v"
	head -c 4096 /dev/urandom >>"$v"
	mv "$v" "$out"
}
VMLINUZ=$CACHE/vmlinuz-v2-$CERTSUM
[ -s "$VMLINUZ" ] || make_vmlinuz "$VMLINUZ" "$PKIDIR/vendor/cert.der"
# a kernel that trusts a Kaspersky-named key besides its own
VMLINUZ_KL=$CACHE/vmlinuz-kl-$CERTSUM-$(sha256sum "$PKIDIR/kl/cert.der" | cut -c1-16)
[ -s "$VMLINUZ_KL" ] || make_vmlinuz "$VMLINUZ_KL" "$PKIDIR/vendor/cert.der" "$PKIDIR/kl/cert.der"
KCONFIG=/usr/src/linux-headers-$REL/.config
if [ ! -s "$KCONFIG" ]; then
	KCONFIG=$TMP/config
	printf 'CONFIG_MODULES=y\nCONFIG_MODULE_SIG=y\nCONFIG_MODULE_SIG_ALL=y\nCONFIG_MODULE_SIG_HASH="sha256"\nCONFIG_KERNEL_XZ=y\n' >"$KCONFIG"
fi

# build-id of a module file (raw note, as /sys/module/NAME/notes/.note.gnu.build-id) -> FILE.note
note_of() {
	cat_module "$1" >"$TMP/mod.ko"
	run objcopy -O binary --only-section=.note.gnu.build-id "$TMP/mod.ko" "$TMP/mod.note"
	[ -s "$TMP/mod.note" ] || die "no .note.gnu.build-id in $1"
}
buildid_hex() { note_of "$1"; tail -c 20 "$TMP/mod.note" | od -An -v -tx1 | tr -d ' \n'; }

# ---------------------------------------------------------------- helpers: roots
# add_release ROOT RELEASE: lib/modules/RELEASE skeleton + boot/vmlinuz-RELEASE + boot/config-RELEASE
add_release() {
	local d=$1/lib/modules/$2
	mkdir -p "$d/kernel" "$d/extra" "$d/updates/dkms" "$1/boot"
	: >"$d/modules.order"
	: >"$d/modules.builtin"
	: >"$d/modules.builtin.modinfo"
	ln -sfn "/usr/src/linux-headers-$2" "$d/build" # dangling inside the root, as on a host without headers
	cp "$VMLINUZ" "$1/boot/vmlinuz-$2"
	cp "$KCONFIG" "$1/boot/config-$2"
}
# new_root NAME: fresh root with etc/hostname and the main release
new_root() {
	R=$OUT/$1
	rm -rf "$R"
	mkdir -p "$R/etc"
	echo "$1" >"$R/etc/hostname"
	add_release "$R" "$REL"
}
# live ROOT TAINTED: proc/ and sys/ of a running kernel holding the vendor key as builtin key
live() {
	mkdir -p "$1/proc/sys/kernel" "$1/sys/module"
	echo "$2" >"$1/proc/sys/kernel/tainted"
	echo "$REL" >"$1/proc/sys/kernel/osrelease"
	: >"$1/proc/modules"
	cat >"$1/proc/keys" <<-EOF
	0a1b2c3d I------     1 perm 1f0b0000     0     0 keyring   .builtin_trusted_keys: 1
	1c5e2a44 I------     1 perm 1f0f0000     0     0 keyring   .blacklist: 0
	21d3f0a7 I------     1 perm 1f0b0000     0     0 keyring   .secondary_trusted_keys: 1
	2e9b0c11 I------     1 perm 1f0b0000     0     0 keyring   .platform: 0
	3a0b1c2d I------     1 perm 1f030000     0     0 asymmetri Example Build time autogenerated kernel key: $SKID: X509.rsa ${SKID:32:8} []
	EOF
	# built-in "modules": parameters only, no initstate
	mkdir -p "$1/sys/module/printk/parameters" "$1/sys/module/kernel/parameters" "$1/sys/module/vt/parameters"
	echo Y >"$1/sys/module/printk/parameters/time"
	echo 0 >"$1/sys/module/kernel/parameters/panic"
	echo 1 >"$1/sys/module/vt/parameters/default_utf8"
}
# load ROOT NAME MODFILE|- TAINT [ADDR] [DEPS] [REFCNT]: module shown as loaded in proc/modules + sys/module
load() {
	local r=$1 name=$2 file=$3 taint=$4 addr=${5:-0x0000000000000000} deps=${6:--} refcnt=${7:-0}
	local s=$r/sys/module/$name v sv
	local t=""
	[ -n "$taint" ] && t=" ($taint)"
	printf '%s 16384 %s %s Live %s%s\n' "$name" "$refcnt" "$deps" "$addr" "$t" >>"$r/proc/modules"
	mkdir -p "$s/holders" "$s/notes" "$s/parameters"
	echo live >"$s/initstate"
	echo "$taint" >"$s/taint"
	echo "$refcnt" >"$s/refcnt"
	echo 16384 >"$s/coresize"
	echo 0 >"$s/initsize"
	if [ "$file" = - ]; then # no file: made-up build-id and srcversion
		{ printf '\x04\x00\x00\x00\x14\x00\x00\x00\x03\x00\x00\x00GNU\x00'; head -c 20 /dev/urandom; } >"$s/notes/.note.gnu.build-id"
		openssl rand -hex 12 | tr 'a-f' 'A-F' | cut -c1-23 >"$s/srcversion"
		return
	fi
	note_of "$file"
	cp "$TMP/mod.note" "$s/notes/.note.gnu.build-id"
	sv=$(modinfo -F srcversion "$TMP/mod.ko")
	v=$(modinfo -F version "$TMP/mod.ko")
	[ -n "$sv" ] && echo "$sv" >"$s/srcversion"
	[ -n "$v" ] && echo "$v" >"$s/version"
	true
}
# bind ROOT MODULE BUS DRIVER DEVPATH UEVENT: a device bound to a driver of MODULE, linked the
# way sysfs links it (module -> driver -> device under sys/devices/DEVPATH)
bind() {
	local r=$1 mod=$2 bus=$3 drv=$4 devpath=$5 uevent=$6
	local d=$r/sys/bus/$bus/drivers/$drv dev=${5##*/}
	mkdir -p "$r/sys/devices/$devpath" "$d" "$r/sys/module/$mod/drivers"
	printf '%b' "$uevent" >"$r/sys/devices/$devpath/uevent"
	ln -sfn "../../../../devices/$devpath" "$d/$dev"
	ln -sfn "../../../../module/$mod" "$d/module"
	: >"$d/bind"
	: >"$d/unbind"
	: >"$d/uevent"
	ln -sfn "../../../bus/$bus/drivers/$drv" "$r/sys/module/$mod/drivers/$bus:$drv"
}
# put ROOT RELEASE RELPATH SRC: install a module file
put() {
	mkdir -p "$(dirname "$1/lib/modules/$2/$3")"
	cp "$4" "$1/lib/modules/$2/$3"
}
depmod_all() {
	local d
	for d in "$1"/lib/modules/*/; do
		run depmod -b "$1" "$(basename "$d")"
		# Debian 12's kmod is built without zlib: .ko.gz files never show up in modules.dep
		[ -s "$d/modules.dep" ] ||
			[ -z "$(find "$d" -type f \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' \) -print -quit)" ] ||
			die "depmod left no modules.dep in $d"
	done
}

CASES=$TMP/CASES.md
EXPECT=$TMP/EXPECT.tsv
printf '# case\texit\tkaspersky_findings\tother_findings\n' >"$EXPECT"
expect() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$EXPECT"; }

M=$MODDIR
NEUTRAL_BID=$(buildid_hex "$M/kdt_neutral.ko")
KL_BID=$(buildid_hex "$M/kdt_klsigned.ko")

cat >"$CASES" <<EOF
# kdetect fixture roots (generated by tests/mkroots.sh - do not edit)

- release: \`$REL\` (every root has \`boot/vmlinuz-<rel>\` and \`boot/config-<rel>\` for each \`lib/modules/<rel>\`)
- trusted builtin key (in every fake vmlinuz and in every \`proc/keys\`):
  \`$PKIDIR/vendor/cert.pem\`, CN "Example Build time autogenerated kernel key", SKID \`$SKID\`
- Kaspersky-named test PKI: CA \`$PKIDIR/kl/ca.pem\`, leaf \`$PKIDIR/kl/cert.pem\` (SKID \`$KL_SKID\`);
  modinfo shows kl-signed modules with signer "Kaspersky Test Root CA" (the issuer CN).
  Nothing of it is inside any root.
- build-id kdt_neutral: \`$NEUTRAL_BID\`, kdt_klsigned: \`$KL_BID\`
- **host canary** (kl-signed module OUTSIDE every root): \`$OUT/host-canary/kdt_klsigned.ko\`.
  A scan of any root must never report it or read it.
- fake vmlinuz: bzImage-like header (\`MZ\`, \`HdrS\` at 0x202, payload_offset/length at 0x248/0x24c);
  payload = xz stream (CRC32, x86 BCJ + LZMA2) followed by 4 bytes of uncompressed size (as real
  kernels: decode one stream and ignore what follows); the decompressed blob holds the vendor cert DER
  between random bytes.
- Statuses used below: *valid* = signature verifies with the builtin (vendor) key; *untrusted* =
  verifies, but with a key the kernel does not hold; *invalid* = signature does not verify;
  *unsigned* = no trailer; *malformed* = trailer present but unparsable.
- Exit codes: 0 = nothing found, 1 = findings. "other findings" (loaded without file, name mismatch,
  unsigned/invalid/untrusted module) are counted as findings here; if kdetect reports them as mere
  statuses, only the Kaspersky column decides the exit code. Machine-readable: \`EXPECT.tsv\`.

EOF

# ---------------------------------------------------------------- a. clean
new_root clean
live "$R" 4096
put "$R" "$REL" extra/kdt_neutral.ko "$M/kdt_neutral.ko"
put "$R" "$REL" updates/dkms/klpx_lookalike.ko "$M/klpx_lookalike.ko"
load "$R" kdt_neutral "$M/kdt_neutral.ko" O
depmod_all "$R"
cat >>"$CASES" <<EOF
## clean
- \`extra/kdt_neutral.ko\` valid (vendor key), loaded as kdt_neutral, taint (O), build-id matches the file.
- \`updates/dkms/klpx_lookalike.ko\` valid, not loaded; author "Kasper Industrial Sensors GmbH",
  name starts with "kl": must NOT be flagged.
- tainted = 4096 (O). **Expect: zero findings, exit 0.**

EOF
expect clean 0 0 0

# ---------------------------------------------------------------- b. loaded-nofile
new_root loaded-nofile
live "$R" 12288
put "$R" "$REL" extra/kdt_neutral.ko "$M/kdt_neutral.ko"
load "$R" kdt_neutral "$M/kdt_neutral.ko" O
load "$R" kdt_ghost - OE
depmod_all "$R"
cat >>"$CASES" <<EOF
## loaded-nofile
- kdt_neutral as in *clean* (valid, loaded, no finding).
- \`kdt_ghost\` in proc/modules (OE) and sys/module (random build-id/srcversion) but no file under
  lib/modules nor in modules.dep. tainted = 12288.
- **Expect: 1 finding (loaded module without a file: kdt_ghost), exit 1.**

EOF
expect loaded-nofile 1 0 1

# ---------------------------------------------------------------- c. disguised
new_root disguised
live "$R" 4096
put "$R" "$REL" kernel/drivers/net/e1000x.ko "$M/kdt_neutral.ko"
load "$R" kdt_neutral "$M/kdt_neutral.ko" O
depmod_all "$R"
cat >>"$CASES" <<EOF
## disguised
- \`kernel/drivers/net/e1000x.ko\` is the vendor-signed kdt_neutral (valid signature): internal name
  \`kdt_neutral\` != file name \`e1000x\`; it lives under kernel/ but has no \`intree=Y\`.
- loaded as kdt_neutral (O), build-id matches that file. tainted = 4096.
- **Expect: 1 finding (name mismatch e1000x.ko / kdt_neutral), no Kaspersky finding, exit 1.**

EOF
expect disguised 1 0 1

# ---------------------------------------------------------------- d. kaspersky-signed
new_root kaspersky-signed
live "$R" 12288
for r in "$REL-old" "$REL-old-zst" "$REL-old-gz"; do add_release "$R" "$r"; done
put "$R" "$REL" extra/kdt_klsigned.ko "$M/kdt_klsigned.ko"
put "$R" "$REL" extra/kdt_neutral.ko "$M/kdt_neutral.ko"
put "$R" "$REL-old" extra/kdt_klsigned.ko.xz "$M/kdt_klsigned.ko.xz"
put "$R" "$REL-old-zst" extra/kdt_klsigned.ko.zst "$M/kdt_klsigned.ko.zst"
put "$R" "$REL-old-gz" extra/kdt_klsigned.ko.gz "$M/kdt_klsigned.ko.gz"
load "$R" kdt_neutral "$M/kdt_neutral.ko" O 0xffffffffc0a2f000
load "$R" kdt_klsigned "$M/kdt_klsigned.ko" OE 0xffffffffc09e1000
bind "$R" kdt_klsigned pci kdt_klsigned pci0000:00/0000:00:1c.0/0000:03:00.0 \
	'DRIVER=kdt_klsigned\nPCI_CLASS=118000\nPCI_ID=10B5:9050\nPCI_SUBSYS_ID=10B5:2540\nPCI_SLOT_NAME=0000:03:00.0\nMODALIAS=pci:v000010B5d00009050sv000010B5sd00002540bc11sc80i00\n'
bind "$R" kdt_klsigned usb kdt_klsigned_usb pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.0 \
	'DEVTYPE=usb_interface\nDRIVER=kdt_klsigned_usb\nPRODUCT=46d/c52b/1201\nTYPE=0/0/0\nINTERFACE=3/1/2\nMODALIAS=usb:v046DpC52Bd1201dc00dsc00dp00ic03isc01ip02in00\n'
bind "$R" kdt_neutral platform kdt_neutral platform/kdt_neutral.0 \
	'DRIVER=kdt_neutral\nMODALIAS=platform:kdt_neutral\n'
depmod_all "$R"
cat >>"$CASES" <<EOF
## kaspersky-signed
- \`lib/modules/$REL/extra/kdt_klsigned.ko\`: signed by the "Kaspersky Lab Test Module Signing" leaf
  (issuer "Kaspersky Test Root CA", O=AO Kaspersky Lab); signature cryptographically correct but the
  key is not in the kernel (untrusted). Metadata is neutral ("Test Vendor"). Loaded, taint (OE),
  non-zero address in proc/modules; tainted = 12288. Two devices bound to its drivers: PCI
  0000:03:00.0 (10b5:9050) and USB interface 1-4:1.0 (046d:c52b).
- same module compressed, not loaded: \`$REL-old/extra/kdt_klsigned.ko.xz\`,
  \`$REL-old-zst/extra/kdt_klsigned.ko.zst\`, \`$REL-old-gz/extra/kdt_klsigned.ko.gz\`
  (Debian 12's depmod has no zlib: the .gz is absent from that release's modules.dep).
- \`extra/kdt_neutral.ko\` valid, loaded (O): no finding; platform device kdt_neutral.0 (no ids).
- **Expect: 4 Kaspersky findings (by signer), one of them loaded; exit 1.**

EOF
expect kaspersky-signed 1 4 0

# ---------------------------------------------------------------- e. kaspersky-meta
new_root kaspersky-meta
live "$R" 0
put "$R" "$REL" extra/kdt_klmeta.ko "$M/kdt_klmeta.ko"
depmod_all "$R"
cat >>"$CASES" <<EOF
## kaspersky-meta
- \`extra/kdt_klmeta.ko\`: unsigned, not loaded, author "AO Kaspersky Lab", description
  "Kaspersky test fixture: identified by metadata only". Nothing loaded, tainted = 0.
- **Expect: 1 Kaspersky finding (by metadata), status unsigned; exit 1.**

EOF
expect kaspersky-meta 1 1 0

# ---------------------------------------------------------------- f. unsigned
new_root unsigned
live "$R" 12288
put "$R" "$REL" extra/kdt_neutral.ko "$M/kdt_neutral-unsigned.ko"
load "$R" kdt_neutral "$M/kdt_neutral-unsigned.ko" OE
depmod_all "$R"
cat >>"$CASES" <<EOF
## unsigned
- \`extra/kdt_neutral.ko\` has no signature, loaded with taint (OE); tainted = 12288.
- **Expect: status unsigned, no Kaspersky finding; 1 other finding (unsigned module loaded); exit 1.**

EOF
expect unsigned 1 0 1

# ---------------------------------------------------------------- g. invalid
new_root invalid
live "$R" 0
put "$R" "$REL" extra/kdt_neutral.ko "$M/kdt_neutral-tampered.ko"
depmod_all "$R"
cat >>"$CASES" <<EOF
## invalid
- \`extra/kdt_neutral.ko\`: vendor-signed, then one byte of .modinfo changed ("kdetect Neutral test
  module"): the PKCS#7 names the vendor key but the digest does not match. Not loaded, tainted = 0.
- **Expect: status invalid, no Kaspersky finding; 1 other finding (invalid signature); exit 1.**

EOF
expect invalid 1 0 1

# ---------------------------------------------------------------- h. compressed
new_root compressed
live "$R" 4096
rm "$R/proc/sys/kernel/osrelease"   # the running release must be inferred from build-ids
for r in "$REL-zst" "$REL-gz" "$REL-keyid" "$REL-sha512"; do add_release "$R" "$r"; done
put "$R" "$REL" extra/kdt_neutral.ko.xz "$M/kdt_neutral.ko.xz"
put "$R" "$REL-zst" updates/kdt_neutral.ko.zst "$M/kdt_neutral.ko.zst"
put "$R" "$REL-gz" kernel/drivers/misc/kdt_neutral.ko.gz "$M/kdt_neutral.ko.gz"
put "$R" "$REL-keyid" extra/kdt_neutral.ko "$M/kdt_neutral-keyid.ko"
put "$R" "$REL-sha512" extra/kdt_neutral.ko "$M/kdt_neutral-sha512.ko"
load "$R" kdt_neutral "$M/kdt_neutral.ko.xz" O
depmod_all "$R"
cat >>"$CASES" <<EOF
## compressed
- all valid, vendor key, internal name kdt_neutral:
  \`$REL/extra/kdt_neutral.ko.xz\` (xz, CRC32 check; loaded (O), build-id matches the decompressed file),
  \`$REL-zst/updates/kdt_neutral.ko.zst\`, \`$REL-gz/kernel/drivers/misc/kdt_neutral.ko.gz\` (not in modules.dep: no zlib in Debian 12's kmod),
  \`$REL-keyid/extra/kdt_neutral.ko\` (signer identified by SKID \`$SKID\`, not issuer+serial;
  modinfo shows no signer), \`$REL-sha512/extra/kdt_neutral.ko\` (sha512 digest). tainted = 4096.
- **Expect: 5 modules valid, zero findings, exit 0.**

EOF
expect compressed 0 0 0

# ---------------------------------------------------------------- i. nosys
new_root nosys
put "$R" "$REL" extra/kdt_neutral.ko "$M/kdt_neutral.ko"
put "$R" "$REL" updates/dkms/kdt_klsigned.ko "$M/kdt_klsigned.ko"
put "$R" "$REL" kernel/drivers/misc/klpx_lookalike.ko "$M/klpx_lookalike.ko"
depmod_all "$R"
cat >>"$CASES" <<EOF
## nosys
- offline disk image: only etc/, boot/ and lib/modules/, no proc/ and no sys/ (no load state, no
  proc/keys: the trusted key comes from boot/vmlinuz-$REL only).
- \`extra/kdt_neutral.ko\` valid; \`kernel/drivers/misc/klpx_lookalike.ko\` valid, not flagged;
  \`updates/dkms/kdt_klsigned.ko\` kl-signed (untrusted).
- **Expect: 1 Kaspersky finding (by signer), nothing reported as loaded, no error for the missing
  proc/sys; exit 1.**

EOF
expect nosys 1 1 0

# ---------------------------------------------------------------- k. untrusted (extra case)
new_root untrusted
live "$R" 12288
put "$R" "$REL" extra/kdt_neutral.ko "$M/kdt_neutral-other.ko"
load "$R" kdt_neutral "$M/kdt_neutral-other.ko" OE
depmod_all "$R"
cat >>"$CASES" <<EOF
## untrusted
- \`extra/kdt_neutral.ko\` signed by "Unrelated module key" (O=Unrelated Signer), a correct signature
  by a key the kernel does not hold; loaded (OE), tainted = 12288.
- **Expect: status untrusted, no Kaspersky finding; 1 other finding (untrusted signer); exit 1.**

EOF
expect untrusted 1 0 1

# ---------------------------------------------------------------- j. hostile
CANARY_DIR=$OUT/host-canary
CANARY=$CANARY_DIR/kdt_klsigned.ko
mkdir -p "$CANARY_DIR"
cp "$M/kdt_klsigned.ko" "$CANARY"

new_root hostile
live "$R" 12288
X=$R/lib/modules/$REL/extra
S=$M/kdt_neutral.ko # all malformed trailers come from this vendor-signed module
SZ=$(fsize "$S")
SL=$(siglen "$S")
BODY=$((SZ - 40 - SL))

ln -s "$CANARY" "$X/escape-abs.ko"
up=""
depth=$(echo "$X" | tr -cd / | wc -c)
for _ in $(seq $((depth + 2))); do up="$up../"; done
ln -s "$up${CANARY#/}" "$X/escape-rel.ko"                      # climbs to / then down the canary's path
ln -s "../../../../../host-canary/kdt_klsigned.ko" "$X/escape-rel2.ko" # climbs just out of the root
ln -s "$CANARY_DIR" "$X/escape-dir"                               # directory symlink leaving the root
mkfifo "$X/fifo.ko"
truncate -s 6G "$X/huge.ko"
ln -s loop2.ko "$X/loop1.ko"
ln -s loop1.ko "$X/loop2.ko"
ln -s .. "$X/dirloop"
mkdir -p "$X/sub"
ln -s ../.. "$X/sub/up"
cp "$S" "$X/"$'evil\e[31m\n.ko'
SOCK=no
if command -v python3 >/dev/null &&
	python3 -c 'import os, socket, sys; os.chdir(sys.argv[1]); socket.socket(socket.AF_UNIX).bind("sock.ko")' "$X" 2>/dev/null; then
	SOCK=yes
fi
# trailer layout: body | PKCS#7 (sig_len bytes) | struct module_signature (12) | magic (28)
{ head -c $((SZ - 40)) "$S"; tail -c 20 "$S"; } >"$X/trunc-trailer.ko"  # struct + 8 magic bytes gone
tail -c 30 "$S" >"$X/tiny-magic.ko"                                     # whole magic, file < 40 bytes
cp "$S" "$X/siglen-huge.ko"
putb "$X/siglen-huge.ko" $((SZ - 32)) '\x7f\xff\xff\xff'
cp "$S" "$X/siglen-off-by-one.ko"                                       # sig_len = 1 + bytes available
n=$((SZ - 40 + 1))
putb "$X/siglen-off-by-one.ko" $((SZ - 32)) "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((n >> 24 & 255)) $((n >> 16 & 255)) $((n >> 8 & 255)) $((n & 255)))"
cp "$S" "$X/wrong-idtype.ko"
putb "$X/wrong-idtype.ko" $((SZ - 40 + 2)) '\x01'                       # id_type 1 (X509) instead of 2 (PKCS7)
{ head -c "$BODY" "$S"; head -c "$SL" /dev/urandom; tail -c 40 "$S"; } >"$X/garbage-pkcs7.ko"
{ head -c 4096 /dev/urandom; tail -c $((SL + 40)) "$S"; } >"$X/notelf.ko"
: >"$X/empty.ko"
{ printf '\xfd7zXZ\x00'; head -c 2048 /dev/urandom; } >"$X/bad.ko.xz"
{ printf '\x28\xb5\x2f\xfd'; head -c 2048 /dev/urandom; } >"$X/bad.ko.zst"
# decompression bombs (cached: the xz one takes ~10 s)
if [ ! -s "$CACHE/bomb.ko.xz" ]; then
	head -c 2G /dev/zero | xz -1 -T0 --check=crc32 >"$TMP/bomb.xz" && mv "$TMP/bomb.xz" "$CACHE/bomb.ko.xz"
fi
if [ ! -s "$CACHE/bomb.ko.zst" ]; then
	head -c 2G /dev/zero | zstd -q -1 >"$TMP/bomb.zst" && mv "$TMP/bomb.zst" "$CACHE/bomb.ko.zst"
fi
if [ ! -s "$CACHE/bomb.ko.gz" ]; then
	head -c 512M /dev/zero | gzip -1 >"$TMP/bomb.gz" && mv "$TMP/bomb.gz" "$CACHE/bomb.ko.gz"
fi
cp "$CACHE/bomb.ko.xz" "$CACHE/bomb.ko.zst" "$CACHE/bomb.ko.gz" "$X/"

# live state with junk
load "$R" kdt_neutral "$S" OE
rm "$R/sys/module/kdt_neutral/notes/.note.gnu.build-id"
ln -s "$CANARY" "$R/sys/module/kdt_neutral/notes/.note.gnu.build-id"
# devices: a driver link and a device link that leave the root, and a uevent with junk
bind "$R" kdt_neutral pci kdt_neutral pci0000:00/0000:00:02.0 \
	'PCI_ID=8086:10Z5\nPRODUCT=1/2/3/4/5\nHID_ID=::\nMODALIAS=pci:\001\033[31m\nPCI_ID=12345:1\n'
printf 'PCI_ID=DEAD:BEEF\n' >"$CANARY_DIR/uevent"
ln -s "$up${CANARY_DIR#/}" "$R/sys/bus/pci/drivers/kdt_neutral/0000:00:09.0"
ln -s "$up${CANARY_DIR#/}" "$R/sys/module/kdt_neutral/drivers/pci:escape"
mkdir -p "$R/sys/module/snd_pcm/holders"
echo live >"$R/sys/module/snd_pcm/initstate"
{
	printf 'snd_pcm 155648 2 snd_seq,snd_hda_core, Live 0x0000000000000000\n'
	printf 'ev\033[2Jil\a 16384 0 - Live 0x0000000000000000 (OE)\n'
	printf '%s 16384 0 - Live 0x0000000000000000 (OE)\n' "$(head -c 9961 /dev/zero | tr '\0' k)"
	printf 'this line is not a module line\n'
	printf 'kdt_half 16384\n'
	printf '\n'
	printf 'kdt_neg -5 -1 - Gone 0xzz (??)\n'
	printf 'kdt_noeol 16384 0 - Live 0x0000000000000000 (OE)'
} >>"$R/proc/modules"
{
	printf 'junk\n'
	printf '4b3c2d1e I------     1 perm 1f030000     0     0 asymmetri Evil\033[31m key: nothex!: X509.rsa zz []\n'
	printf '5c4d3e2f I------     1 perm 1f030000     0     0 asymmetri %s: %s: X509.rsa 00000000 []\n' \
		"$(head -c 5000 /dev/zero | tr '\0' A)" "$KL_SKID"
	printf '\001\002\003\n'
	printf '6d5e4f30 I------'
} >>"$R/proc/keys"
cat >>"$CASES" <<EOF
## hostile
All under \`lib/modules/$REL/extra/\` (depmod not run):
- \`escape-abs.ko\` -> \`$CANARY\` (absolute), \`escape-rel.ko\` -> \`$up${CANARY#/}\`
  (climbs to / then down to the canary), \`escape-rel2.ko\` -> \`../../../../../host-canary/kdt_klsigned.ko\`
  (climbs just out of the root), \`escape-dir\` -> \`$CANARY_DIR\` (directory). Resolved inside the root
  they are dangling; followed naively they reach the kl-signed **canary** (=> a false Kaspersky finding).
- \`fifo.ko\` (FIFO: opening it blocks), \`huge.ko\` (sparse 6 GiB), \`loop1.ko\`<->\`loop2.ko\`
  (symlink loop), \`dirloop\` -> \`..\`, \`sub/up\` -> \`../..\` (directory loops),
  \`sock.ko\` (Unix socket: $SOCK), \`\$'evil\\e[31m\\n.ko'\` (ESC sequence + newline in the name; content =
  vendor-signed kdt_neutral: valid signature, name mismatch; must be printed escaped).
- malformed trailers, all built from the vendor-signed kdt_neutral.ko (sig_len $SL):
  \`trunc-trailer.ko\` (module_signature struct and first 8 magic bytes cut: no full magic => unsigned),
  \`tiny-magic.ko\` (30 bytes: 2 struct bytes + full magic, file shorter than a trailer),
  \`siglen-huge.ko\` (sig_len 0x7fffffff), \`siglen-off-by-one.ko\` (sig_len = file size - 40 + 1),
  \`wrong-idtype.ko\` (id_type 1), \`garbage-pkcs7.ko\` (PKCS#7 bytes random), \`notelf.ko\` (4096 random
  bytes + the real PKCS#7+struct+magic: signature fails), \`empty.ko\` (0 bytes),
  \`bad.ko.xz\` / \`bad.ko.zst\` (magic + garbage),
  \`bomb.ko.xz\` (2 GiB of zeros, xz -1 -T0: one stream of many blocks, CRC32), \`bomb.ko.zst\` (2 GiB of zeros, no content size in
  the frame), \`bomb.ko.gz\` (512 MiB of zeros): the decompressed-size cap must stop them.
- \`proc/modules\`: kdt_neutral (OE; its only file is the ESC-named one; its \`sys/module/kdt_neutral/notes/.note.gnu.build-id\` is a
  symlink to the canary), \`snd_pcm\` (in-tree format with deps \`snd_seq,snd_hda_core,\`, no file),
  a name with ESC/BEL, a 10,000-char line, malformed lines, an empty line, a last line without newline.
  \`proc/keys\`: valid lines plus junk, control bytes, a 5,000-char description naming the kl SKID,
  a truncated last line.
- **Expect: no crash, no hang (bounded time and memory), nothing read outside the root, control
  characters escaped in the output, and NO Kaspersky finding (the canary and the kl SKID in a junk
  proc/keys line must not count). Other findings (ghost snd_pcm etc., name mismatch, invalid/malformed
  signatures) are expected: exit 1.**

EOF
expect hostile 1 0 many

# ---------------------------------------------------------------- k. kaspersky-kernelkey
new_root kaspersky-kernelkey
cp "$VMLINUZ_KL" "$R/boot/vmlinuz-$REL"
live "$R" 4096
# the key list holds a Kaspersky-named certificate; proc/keys shows it, as the kernel describes
# a key whose CN does not begin with its O ("O: CN: skid"), and one more key we hold no certificate for
printf '%s I------     1 perm 1f030000     0     0 asymmetri AO Kaspersky Lab: Kaspersky Lab Test Module Signing: %s: X509.rsa %s []\n' \
	4b1c2d3e "$KL_SKID" "${KL_SKID:32:8}" >>"$R/proc/keys"
printf '%s I------     1 perm 1f010000     0     0 asymmetri AO Kaspersky Lab: Kaspersky Lab Secure Boot Key 2: %s: X509.rsa %s []\n' \
	5c2d3e4f 0123456789abcdef0123456789abcdef01234567 01234567 >>"$R/proc/keys"
put "$R" "$REL" extra/kdt_neutral.ko "$M/kdt_neutral.ko"
load "$R" kdt_neutral "$M/kdt_neutral.ko" O
depmod_all "$R"
cat >>"$CASES" <<EOF
## kaspersky-kernelkey
- \`boot/vmlinuz-$REL\` trusts the vendor key and the Kaspersky-named test leaf (SKID \`$KL_SKID\`); proc/keys
  lists both, plus a Kaspersky-named key whose certificate is nowhere on disk.
- **Expect: two critical trust findings (KL-CERT-001): the builtin certificate and the keyring-only key; exit 1.**

EOF
expect kaspersky-kernelkey 1 2 0

# ---------------------------------------------------------------- l. kav4fs / redirfs-other
new_root kav4fs
live "$R" 4096
mkdir -p "$R/opt/kaspersky/kav4fs/bin"
printf '#!/bin/sh\n' >"$R/opt/kaspersky/kav4fs/bin/kav4fs-control"
put "$R" "$REL" extra/kav4fs_oas.ko "$M/kav4fs_oas.ko"
put "$R" "$REL" extra/redirfs.ko "$M/redirfs.ko"
load "$R" kav4fs_oas "$M/kav4fs_oas.ko" O
depmod_all "$R"
new_root redirfs-other
live "$R" 4096
put "$R" "$REL" extra/redirfs.ko "$M/redirfs.ko"
load "$R" redirfs "$M/redirfs.ko" O
depmod_all "$R"
cat >>"$CASES" <<EOF
## kav4fs, redirfs-other
- kav4fs: \`kav4fs_oas\` loaded (critical, by name), \`redirfs\` present, not loaded, with
  \`/opt/kaspersky/kav4fs\` beside it (high), and the install tree (file findings). Exit 1.
- redirfs-other: \`redirfs\` loaded with no Kaspersky tree: RedirFS is third-party code others ship too. **Zero findings, exit 0.**

EOF
expect kav4fs 1 2 0
expect redirfs-other 0 0 0

# ---------------------------------------------------------------- m. kaspersky-builtin
# a vendor kernel with a Kaspersky module compiled in: no .ko, no proc/modules entry;
# modules.builtin.modinfo (written by kbuild) is the only trace
builtin_modinfo() {
	local f=$1
	shift
	printf '%s\0' "$@" >>"$f"
}
new_root kaspersky-builtin
live "$R" 0
add_release "$R" "$REL-vendor-old"
for r in "$REL" "$REL-vendor-old"; do
	d=$R/lib/modules/$r
	printf 'kernel/drivers/misc/klif.ko\nkernel/drivers/net/e1000/e1000.ko\n' >>"$d/modules.builtin"
	builtin_modinfo "$d/modules.builtin.modinfo" \
		"e1000.license=GPL v2" "e1000.file=drivers/net/ethernet/intel/e1000/e1000" \
		"e1000.description=Intel(R) PRO/1000 Network Driver" "e1000.author=Intel Corporation, <linux.nics@intel.com>" \
		"klif.file=drivers/misc/klif" "klif.license=GPL" "klif.author=AO Kaspersky Lab" \
		"klif.description=Kaspersky Lab interceptor (built in)" \
		"bogus-no-dot=1" "=empty.name" "klpx.=no key" \
		"klpx_lookalike.author=Klpx Systems (not Kasper-sky)" "klpx_lookalike.file=drivers/misc/klpx"
done
depmod_all "$R"
cat >>"$CASES" <<EOF
## kaspersky-builtin
- A vendor kernel with \`klif\` (author "AO Kaspersky Lab") compiled in, in the running release
  (critical) and in an installed one (\`$REL-vendor-old\`, high). No module file, nothing loaded.
  e1000 and a lookalike built in beside it; three malformed modinfo strings. **2 Kaspersky findings, exit 1.**

EOF
expect kaspersky-builtin 1 2 0

# ---------------------------------------------------------------- n. the 2026 layouts
# merged /usr: lib is a symlink into usr/, as debootstrap --merged-usr and Fedora make it
merge_usr() {
	mkdir -p "$1/usr/lib"
	if [ -d "$1/lib" ] && [ ! -L "$1/lib" ]; then
		cp -a "$1/lib/." "$1/usr/lib/"
		rm -rf "$1/lib"
	fi
	ln -sfn usr/lib "$1/lib"
}
# a kernel image holding the ECDSA P-384 key
VMLINUZ_EC=$CACHE/vmlinuz-ec-$(sha256sum "$PKIDIR/ec/cert.der" | cut -c1-16)
[ -s "$VMLINUZ_EC" ] || make_vmlinuz "$VMLINUZ_EC" "$PKIDIR/ec/cert.der"
MACHINE_ID=$(printf 'kdetect-rhel-like' | sha256sum | cut -c1-32)

# mergedusr-ec: Debian 13-like, ECDSA P-384 key, .ko.xz and .ko.zst modules, lib -> usr/lib
new_root mergedusr-ec
cp "$VMLINUZ_EC" "$R/boot/vmlinuz-$REL"
put "$R" "$REL" kernel/drivers/misc/kdt_neutral.ko.xz "$M/kdt_neutral-ec.ko.xz"
put "$R" "$REL" kernel/drivers/misc/klpx_lookalike.ko.zst "$M/klpx_lookalike-ec.ko.zst"
put "$R" "$REL" updates/kdt_neutral_other.ko.xz "$M/kdt_neutral-ec-other.ko.xz"
put "$R" "$REL" extra/kdt_neutral_tampered.ko.zst "$M/kdt_neutral-ec-tampered.ko.zst"
depmod_all "$R"
merge_usr "$R"
cat >>"$CASES" <<EOF
## mergedusr-ec
- Merged /usr (\`lib -> usr/lib\`): one module tree, walked once as \`/lib/modules/$REL\`. The
  kernel key is ECDSA P-384 (in \`boot/vmlinuz-$REL\`): \`kdt_neutral.ko.xz\` (sha384) and
  \`klpx_lookalike.ko.zst\` (sha256) valid; \`updates/kdt_neutral_other.ko.xz\` signed by another
  P-384 key (unverifiable); \`extra/kdt_neutral_tampered.ko.zst\` one byte changed (invalid).
- **Expect: 2 valid, 1 unverifiable, 1 invalid; 3 other findings (file names, the tampered
  signature); exit 1.**

EOF
expect mergedusr-ec 1 0 3

# ubuntu-like: two releases, each with its own key, /boot/vmlinuz-<rel> + config + System.map,
# the vmlinuz and vmlinuz.old links in /boot and /, merged /usr
new_root ubuntu-like
add_release "$R" "$REL-old"
cp "$VMLINUZ_EC" "$R/boot/vmlinuz-$REL-old"
for r in "$REL" "$REL-old"; do
	printf 'ffffffff81000000 T _text\n' >"$R/boot/System.map-$r"
done
put "$R" "$REL" kernel/drivers/misc/kdt_neutral.ko.zst "$M/kdt_neutral.ko.zst"
put "$R" "$REL-old" kernel/drivers/misc/kdt_neutral.ko.zst "$M/kdt_neutral-ec.ko.zst"
ln -s "vmlinuz-$REL" "$R/boot/vmlinuz"
ln -s "vmlinuz-$REL-old" "$R/boot/vmlinuz.old"
ln -s "boot/vmlinuz-$REL" "$R/vmlinuz"
ln -s "boot/vmlinuz-$REL-old" "$R/vmlinuz.old"
depmod_all "$R"
merge_usr "$R"
cat >>"$CASES" <<EOF
## ubuntu-like
- Merged /usr, \`boot/vmlinuz-$REL\` (vendor RSA key) and \`boot/vmlinuz-$REL-old\` (ECDSA key),
  config and System.map beside them, the \`vmlinuz\`/\`vmlinuz.old\` links in /boot and /: each
  image read once, each release's \`kdt_neutral.ko.zst\` valid against its own image.
- **Expect: 2 valid, zero findings, exit 0.**

EOF
expect ubuntu-like 0 0 0

# rhel-like: the image ships in lib/modules/<rel>/vmlinuz and is copied to /boot; a rescue image
# (no module tree of its own); merged /usr
new_root rhel-like
rm -rf "$R/lib/modules/$REL/extra" "$R/lib/modules/$REL/updates"
cp "$VMLINUZ" "$R/lib/modules/$REL/vmlinuz"
cp "$VMLINUZ" "$R/boot/vmlinuz-0-rescue-$MACHINE_ID"
printf 'ffffffff81000000 T _text\n' >"$R/boot/System.map-$REL"
echo "$MACHINE_ID" >"$R/etc/machine-id"
put "$R" "$REL" kernel/drivers/misc/kdt_neutral.ko.xz "$M/kdt_neutral.ko.xz"
depmod_all "$R"
merge_usr "$R"
cat >>"$CASES" <<EOF
## rhel-like
- Merged /usr; the image in \`/lib/modules/$REL/vmlinuz\` (read once: \`/usr/lib/modules/...\` is the
  same file) and its copy \`/boot/vmlinuz-$REL\` (read; its key held once for the release);
  \`/boot/vmlinuz-0-rescue-$MACHINE_ID\`, a release with no module tree.
- **Expect: \`kdt_neutral.ko.xz\` valid with the key of /boot/vmlinuz-$REL, zero findings, exit 0.**

EOF
expect rhel-like 0 0 0

# twotrees: lib/modules and usr/lib/modules distinct directories, both walked
new_root twotrees
mkdir -p "$R/usr/lib/modules/$REL/extra"
put "$R" "$REL" extra/kdt_neutral.ko "$M/kdt_neutral.ko"
cp "$M/klpx_lookalike.ko" "$R/usr/lib/modules/$REL/extra/klpx_lookalike.ko"
depmod_all "$R"
cat >>"$CASES" <<EOF
## twotrees
- \`/lib/modules/$REL\` and \`/usr/lib/modules/$REL\` are distinct directories: both walked, each
  module shown under its own tree. **2 valid, zero findings, exit 0.**

EOF
expect twotrees 0 0 0

mv "$CASES" "$OUT/CASES.md"
mv "$EXPECT" "$OUT/EXPECT.tsv"
