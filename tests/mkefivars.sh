#!/usr/bin/env bash
# Generates boot-chain fixture roots (efivarfs variables, an ESP under boot/efi, etc/fstab) from the
# test PKI, the binaries of tests/mkefi.sh (PKIDIR/../bin if signed with PKIDIR, else built into
# OUTDIR/efi) and Debian's shim/GRUB (tests/get-debian-efi.sh), plus OUTDIR/EFI.md and EXPECT-efi.tsv.
# Usage: tests/mkefivars.sh PKIDIR DEBIAN_EFI_CACHE OUTDIR   (e.g. build/test/efi/pki build/test/debian-efi build/test/efiroots)
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/fixlib.sh"
[ $# -eq 3 ] || die "usage: tests/mkefivars.sh PKIDIR DEBIAN_EFI_CACHE OUTDIR"
for c in cert-to-efi-sig-list hash-to-efi-sig-list sig-list-to-certs sbverify openssl python3 mkfifo truncate; do
	command -v "$c" >/dev/null || die "'$c' not found (apt-get install efitools openssl python3)"
done
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
# the interpreter itself, not a version-manager shim (those cost ~0.5 s per call)
PY="$(python3 -c 'import sys; print(sys.executable)') -S $HERE/efi-fixture.py"
KLBOOT=$REPO/rules/certs/KLBOOTEV_2018.cer
[ -s "$KLBOOT" ] || die "$KLBOOT missing"

"$HERE/pki.sh" "$1" # no-op when the PKI is complete (kl/, vendor/, other/)
PKI=$(cd "$1" && pwd)
DEB=$(cd "$2" 2>/dev/null && pwd) || die "no Debian EFI cache $2 (run tests/get-debian-efi.sh $2 first)"
SHIM=$DEB/root/usr/lib/shim/shimx64.efi.signed
GRUB=$DEB/root/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed
for f in "$SHIM" "$GRUB" "$DEB/shim-vendor_cert.bin"; do
	[ -s "$f" ] || die "$f missing (run tests/get-debian-efi.sh $2 first)"
done
MSCERTS=$(ls "$DEB"/ms-certs/*UEFI-CA-20[0-9][0-9].pem 2>/dev/null || true)
[ "$(echo "$MSCERTS" | grep -c .)" -ge 1 ] || die "no Microsoft UEFI CA certificate in $DEB/ms-certs"
mkdir -p "$3"
OUT=$(cd "$3" && pwd)
[ "$OUT" != / ] || die "refusing OUTDIR=/"

# EFI binaries: those of tests/mkefi.sh EFIDIR when PKIDIR is EFIDIR/pki and they were signed with it,
# else build them into OUTDIR/efi
EFI=$(dirname "$PKI")
if [ -s "$EFI/hashes.tsv" ] && [ -s "$EFI/bin/vendor.efi" ] &&
	sbverify --cert "$PKI/vendor/cert.pem" "$EFI/bin/vendor.efi" >/dev/null 2>&1; then
	[ "$EFI" = "$OUT/efi" ] || rm -rf "$OUT/efi"
else
	EFI=$OUT/efi
	"$HERE/mkefi.sh" "$PKI" "$EFI"
fi
BIN=$EFI/bin

TMP=$OUT/.tmp
rm -rf "$TMP"
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
LOG=$TMP/log

GLOBAL=8be4df61-93ca-11d2-aa0d-00e098032b8c
SECDB=d719b2cb-3d3a-4596-a3bc-dad00e67656f
SHIMLOCK=605dab50-e046-4300-abb6-3dd810dd8b23
MSOWNER=77fa9abd-0359-4d32-bd60-28f4e78f784b # Microsoft's SignatureOwner in db/dbx
TESTOWNER=4b445445-4354-4e45-8000-0000000e57e5
ESPUUID=1234-ABCD
PARTUUID=5e6f7a8b-0000-4000-8000-00000000e5e5

# ---------------------------------------------------------------- PK/KEK test keys (kept in OUTDIR/.keys)
KEYS=$OUT/.keys
if [ ! -s "$KEYS/pk.pem" ] || [ ! -s "$KEYS/kek.pem" ]; then
	rm -rf "$KEYS"
	mkdir -p "$KEYS"
	chmod 700 "$KEYS"
	for k in pk:"kdetect test Platform Key" kek:"kdetect test Key Exchange Key"; do
		run openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/O=kdetect tests/CN=${k#*:}" \
			-keyout "$KEYS/${k%%:*}.key" -out "$KEYS/${k%%:*}.pem" -set_serial "0x$(openssl rand -hex 16)"
	done
fi

# ---------------------------------------------------------------- signature lists
E=$TMP/esl
mkdir -p "$E"
# x509 NAME OWNER CERT(.pem|.der): one EFI_CERT_X509 list (efitools wants PEM)
x509() {
	local pem=$3
	case $3 in
	*.der | *.cer) pem=$TMP/$1.pem && run openssl x509 -inform DER -in "$3" -out "$pem" ;;
	esac
	run cert-to-efi-sig-list -g "$2" "$pem" "$E/$1.esl"
}
x509 pk "$TESTOWNER" "$KEYS/pk.pem"
x509 kek "$TESTOWNER" "$KEYS/kek.pem"
x509 vendor "$TESTOWNER" "$PKI/vendor/cert.pem"
x509 kl "$SHIMLOCK" "$PKI/kl/cert.pem"
x509 other "$TESTOWNER" "$PKI/other/cert.pem"
x509 klboot "$TESTOWNER" "$KLBOOT"
: >"$E/ms.esl"
for c in $MSCERTS; do
	x509 ms1 "$MSOWNER" "$c"
	cat "$E/ms1.esl" >>"$E/ms.esl"
done
# shim's built-in vendor certificate (Debian Secure Boot CA) and vendor dbx, as shim mirrors them
# into MokListRT / MokListXRT
VC=$DEB/shim-vendor_cert.bin
read -r ASZ DSZ AOFF DOFF < <($PY vendor-cert-dump "$VC" | sed 's/[a-z_]*=//g')
# dd, not "tail | head": under pipefail, tail's SIGPIPE would fail the script
dd if="$VC" of="$TMP/debian-ca.der" bs=1 skip="$AOFF" count="$ASZ" status=none
dd if="$VC" of="$E/shim-vendor-dbx.esl" bs=1 skip="$DOFF" count="$DSZ" status=none
openssl x509 -inform DER -in "$TMP/debian-ca.der" -noout -subject 2>/dev/null | grep 'Debian Secure Boot CA' >/dev/null ||
	die "shim's .vendor_cert does not hold the Debian Secure Boot CA"
x509 debian-ca "$SHIMLOCK" "$TMP/debian-ca.der"
x509 vendor-mok "$SHIMLOCK" "$PKI/vendor/cert.pem"

# hash lists: hash-to-efi-sig-list computes the Authenticode SHA-256 of a test binary. It fails on
# Debian's shim/GRUB but still exits 0 with an all-zero hash, so every list is checked against
# efi-fixture.py's digest.
# hashlist NAME EFI-BINARY
hashlist() {
	run hash-to-efi-sig-list "$2" "$E/$1.esl"
	local want got
	want=$($PY authenticode "$2" | cut -d' ' -f1)
	got=$($PY esl-dump "$E/$1.esl" | awk '{print $NF}')
	[ "$got" = "$want" ] || die "hash-to-efi-sig-list gave $got for $2, expected $want"
}
hashlist plain-hash "$BIN/plain.efi"
hashlist vendor-hash "$BIN/vendor.efi"
# the six Authenticode hashes of Kaspersky FDE loaders that Microsoft's dbx revokes (a patched
# firmware's dbx holds them; they say nothing about Kaspersky being installed)
KL_FDE_DBX="81d8fb4c9e2e7a8225656b4b8273b7cba4b03ef2e9eb20e0a0291624eca1ba86
b92af298dc08049b78c77492d6551b710cd72aada3d77be54609e43278ef6e4d
e19dae83c02e6f281358d4ebd11d7723b4f5ea0e357907d5443decc5f93c1e9d
39dbc2288ef44b5f95332cb777e31103e840dba680634aa806f5c9b100061802
32f5940ca29dd812a2c145e6fc89646628ffcc7c7a42cae512337d8d29c40bbd
10d45fcba396aef3153ee8f6ecae58afe8476a280a2026fc71f6217dcf49ba2f"
# shellcheck disable=SC2086
run $PY esl-sha256 "$MSOWNER" "$E/msdbx.esl" $KL_FDE_DBX
# X509_SHA256: SHA-256 of the kl leaf's TBSCertificate, TimeOfRevocation all zero (= always)
run $PY esl-x509-sha256 "$TESTOWNER" "$E/kl-tbs.esl" "$PKI/kl/cert.der"

cat "$E/ms.esl" "$E/vendor.esl" >"$E/db.esl"
cat "$E/msdbx.esl" "$E/plain-hash.esl" >"$E/dbx.esl"
cat "$E/vendor-mok.esl" "$E/debian-ca.esl" >"$E/moklist.esl"

# every list must parse strictly, and efitools must read back the certificates
run $PY esl-dump "$E"/*.esl
for f in pk kek vendor kl other klboot debian-ca; do
	rm -f "$TMP/back"-*
	run sig-list-to-certs "$E/$f.esl" "$TMP/back"
	[ -s "$TMP/back-0.der" ] || die "sig-list-to-certs cannot read $f.esl"
done
cmp -s "$TMP/back-0.der" "$TMP/debian-ca.der" || die "debian-ca.esl does not round-trip"

# ---------------------------------------------------------------- root helpers
R=
new_root() {
	R=$OUT/$1
	rm -rf "$R"
	mkdir -p "$R/sys/firmware/efi/efivars" "$R/boot/efi/EFI" "$R/etc"
	cat >"$R/etc/fstab" <<EOF
# /etc/fstab: static file system information.
UUID=0b7e5b1c-6a2e-4c1e-9d4a-5f3c2b1a0e9d /               ext4    errors=remount-ro 0       1
UUID=$ESPUUID  /boot/efi       vfat    umask=0077      0       1
EOF
}
# efivarfs files and load options are queued and written by one efi-fixture.py run at the end
Q=$TMP/queue
: >"$Q"
queue() { local IFS=$'\t'; printf '%s\n' "$*" >>"$Q"; }
# var NAME GUID ATTR DATA...: an efivarfs file (DATA: files, hex:.., u8:N, u16:a,b as efi-fixture.py efivar)
var() {
	local name=$1 guid=$2
	shift 2
	queue efivar "$R/sys/firmware/efi/efivars/$name-$guid" "$@"
}
# secure_boot SECUREBOOT SETUPMODE
secure_boot() {
	var SecureBoot $GLOBAL 0x06 "u8:$1"
	var SetupMode $GLOBAL 0x06 "u8:$2"
}
# keys DB.esl DBX.esl: PK, KEK (test keys), db and dbx (authenticated variables)
keys() {
	var PK $GLOBAL 0x27 "$E/pk.esl"
	var KEK $GLOBAL 0x27 "$E/kek.esl"
	var db $SECDB 0x27 "$1"
	var dbx $SECDB 0x27 "$2"
}
# boot NUM DESCRIPTION PATH: Boot#### load option (HD(GPT) + file path)
boot() { queue load-option "$R/sys/firmware/efi/efivars/Boot$1-$GLOBAL" "$2" "$3" "$PARTUUID"; }
# esp SRC DEST...: copy into the ESP (DEST relative to boot/efi)
esp() {
	local src=$1 d
	shift
	for d in "$@"; do
		mkdir -p "$(dirname "$R/boot/efi/$d")"
		cp "$src" "$R/boot/efi/$d"
	done
}
debian_esp() {
	esp "$SHIM" EFI/debian/shimx64.efi EFI/BOOT/BOOTX64.EFI
	esp "$GRUB" EFI/debian/grubx64.efi
	printf 'search.fs_uuid 0b7e5b1c-6a2e-4c1e-9d4a-5f3c2b1a0e9d root\nset prefix=($root)/boot/grub\nconfigfile $prefix/grub.cfg\n' \
		>"$R/boot/efi/EFI/debian/grub.cfg"
	boot 0000 debian '\EFI\debian\shimx64.efi'
}
# shim's runtime mirrors
mok() { var MokListRT $SHIMLOCK 0x06 "$@"; }
mokx() { var MokListXRT $SHIMLOCK 0x06 "$E/shim-vendor-dbx.esl"; }

hashof() { awk -F'\t' -v f="$1" '$1 == f { print $2 }' "$EFI/hashes.tsv"; }
subject() { openssl x509 -in "$1" -noout -subject -nameopt RFC2253 | sed 's/^subject=//'; }
{ read -r SHIM_AH _; read -r GRUB_AH _; } < <($PY authenticode "$SHIM" "$GRUB")
KL_TBS=$($PY tbs-sha256 "$PKI/kl/cert.der")

# ---------------------------------------------------------------- roots
# sb-debian: a Debian 12 machine with Secure Boot on
new_root sb-debian
secure_boot 1 0
keys "$E/db.esl" "$E/dbx.esl"
mok "$E/moklist.esl"
mokx
debian_esp
esp "$BIN/vendor.efi" EFI/test/vendor.efi
var BootOrder $GLOBAL 0x07 u16:0000
var BootCurrent $GLOBAL 0x06 u16:0000

# sb-kaspersky-db: sb-debian + KLBOOTEV_2018.cer in db + the Kaspersky-named test leaf in MokListRT
new_root sb-kaspersky-db
secure_boot 1 0
cat "$E/db.esl" "$E/klboot.esl" >"$TMP/db-kl.esl"
keys "$TMP/db-kl.esl" "$E/dbx.esl"
mok "$E/moklist.esl" "$E/kl.esl"
mokx
debian_esp
esp "$BIN/vendor.efi" EFI/test/vendor.efi
var BootOrder $GLOBAL 0x07 u16:0000
var BootCurrent $GLOBAL 0x06 u16:0000

# kl-boot: Kaspersky pre-boot chain on the ESP, booted from it, Secure Boot off
new_root kl-boot
secure_boot 0 0
keys "$E/db.esl" "$E/dbx.esl"
mok "$E/moklist.esl"
mokx
debian_esp
esp "$BIN/klshim.efi" EFI/kaspersky/klshim.efi
esp "$BIN/kl.efi" EFI/kaspersky/kl_main.efi
esp "$BIN/fde_ld0-efi64-test.efi" EFI/kaspersky/fde_ld0-efi64-test.efi
esp "$BIN/klshim-strings.efi" EFI/tools/klshim-strings.efi
esp "$BIN/klshim-cert.efi" EFI/tools/klshim-cert.efi
boot 0001 'Kaspersky Disk Encryption' '\EFI\kaspersky\klshim.efi'
var BootOrder $GLOBAL 0x07 u16:0001,0000
var BootCurrent $GLOBAL 0x06 u16:0001

# revoked: dbx revokes by image hash, by certificate TBS hash and by certificate
new_root revoked
secure_boot 1 0
cat "$E/msdbx.esl" "$E/vendor-hash.esl" "$E/kl-tbs.esl" "$E/other.esl" >"$TMP/dbx-revoked.esl"
keys "$E/db.esl" "$TMP/dbx-revoked.esl"
mok "$E/moklist.esl"
mokx
debian_esp
for f in vendor kl other dual tampered; do esp "$BIN/$f.efi" "EFI/test/$f.efi"; done
boot 0002 'revoked test' '\EFI\test\vendor.efi'
var BootOrder $GLOBAL 0x07 u16:0000,0002
var BootCurrent $GLOBAL 0x06 u16:0000

# revoked-time: dbx revokes the kl leaf by TBS hash from 2024-06-01 (TimeOfRevocation): a signature
# timestamped before that is not revoked by the entry, one timestamped after it and one not timestamped are
new_root revoked-time
secure_boot 1 0
run $PY esl-x509-sha256-at "$TESTOWNER" "$TMP/kl-tbs-time.esl" 2024-06-01 "$PKI/kl/cert.der"
keys "$E/db.esl" "$TMP/kl-tbs-time.esl"
mok "$E/moklist.esl"
mokx
debian_esp
for f in kl klts-early klts-late; do esp "$BIN/$f.efi" "EFI/test/$f.efi"; done
var BootOrder $GLOBAL 0x07 u16:0000
var BootCurrent $GLOBAL 0x06 u16:0000

# mok-off: shim validation disabled, MOK not trusted for modules, MokListRT split in two variables
new_root mok-off
secure_boot 1 0
keys "$E/db.esl" "$E/dbx.esl"
mok "$E/vendor-mok.esl"
var MokListRT1 $SHIMLOCK 0x06 "$E/debian-ca.esl" "$E/kl.esl"
mokx
var MokSBStateRT $SHIMLOCK 0x06 u8:1
debian_esp
var BootOrder $GLOBAL 0x07 u16:0000
var BootCurrent $GLOBAL 0x06 u16:0000

# mok-trusted: like sb-debian, but MokListTrustedRT makes MokListRT trusted for kernel modules
new_root mok-trusted
secure_boot 1 0
keys "$E/db.esl" "$E/dbx.esl"
mok "$E/moklist.esl"
mokx
var MokListTrustedRT $SHIMLOCK 0x06 u8:1
debian_esp
var BootOrder $GLOBAL 0x07 u16:0000
var BootCurrent $GLOBAL 0x06 u16:0000

# setup-mode: SecureBoot=1 but SetupMode=1 and no PK: not enforcing
new_root setup-mode
secure_boot 1 1
var db $SECDB 0x27 "$E/db.esl"
debian_esp
var BootOrder $GLOBAL 0x07 u16:0000

# hostile-efi: lying sizes in every variable, malformed PE files, escapes, special files
new_root hostile-efi
V=$R/sys/firmware/efi/efivars
run $PY hostile-vars "$V" "$PKI/vendor/cert.der" "$KLBOOT"
mkfifo "$V/dbDefault-$GLOBAL"
ln -s /dev/zero "$V/KEKDefault-$GLOBAL"
truncate -s 4G "$V/dbrDefault-$GLOBAL"
CANARY_DIR=$OUT/host-canary
mkdir -p "$CANARY_DIR"
cp "$BIN/klshim.efi" "$CANARY_DIR/klshim.efi"
ln -s "$CANARY_DIR/klshim.efi" "$V/PKDefault-$GLOBAL"
H=$R/boot/efi/EFI/hostile
mkdir -p "$H"
run $PY hostile-pe "$BIN/vendor.efi" "$H"
ln -s /etc/passwd "$R/boot/efi/EFI/escape.efi"
ln -s "$CANARY_DIR/klshim.efi" "$R/boot/efi/EFI/escape-abs.efi"
up=""
depth=$(echo "${R#/}/boot/efi/EFI" | tr -cd / | wc -c)
for _ in $(seq $((depth + 3))); do up="$up../"; done
ln -s "$up${CANARY_DIR#/}/klshim.efi" "$R/boot/efi/EFI/escape-rel.efi"   # climbs to / then down to the canary
ln -s "../../../../host-canary/klshim.efi" "$R/boot/efi/EFI/escape-rel2.efi" # climbs just out of the root
ln -s "$CANARY_DIR" "$R/boot/efi/EFI/escape-dir"
ln -s loop2.efi "$R/boot/efi/EFI/loop1.efi"
ln -s loop1.efi "$R/boot/efi/EFI/loop2.efi"
ln -s .. "$R/boot/efi/EFI/dirloop"
mkfifo "$R/boot/efi/EFI/fifo.efi"
truncate -s 6G "$R/boot/efi/EFI/huge.efi"
d=$R/boot/efi/EFI/deep
for i in $(seq 50); do d=$d/d$i; done
mkdir -p "$d"
cp "$BIN/vendor.efi" "$d/deep.efi"
cp "$BIN/vendor.efi" "$R/boot/efi/EFI/"$'evil\e[31m\n.efi'
cp "$BIN/vendor.efi" "$R/boot/efi/EFI/UPPER.EFI"
echo "UUID=$ESPUUID  /efi  vfat  umask=0077  0  1" >>"$R/etc/fstab" # a second ESP mount point that does not exist

run $PY batch "$Q"

# ---------------------------------------------------------------- EFI.md + EXPECT-efi.tsv
ex() { printf '%s\n' "$*" >>"$TMP/EXPECT-efi.tsv"; }
printf '# root\tsecure_boot_enforcing\tshim_validation\tmok_trusted_for_modules\tkaspersky_critical\tkaspersky_other\n' >"$TMP/EXPECT-efi.tsv"
ex "sb-debian	yes	on	no	0	0"
ex "sb-kaspersky-db	yes	on	no	2	0"
ex "kl-boot	no	on	no	0	6"
ex "revoked	yes	on	no	0	2"
ex "mok-off	yes	off	no	1	0"
ex "mok-trusted	yes	on	yes	0	0"
ex "setup-mode	no	on	no	0	0"
ex "hostile-efi	unknown	unknown	unknown	-	-"

MS_LIST=$(for c in $MSCERTS; do printf '`%s` (%s) + ' "$(basename "$c")" "$(subject "$c")"; done)
cat >"$TMP/EFI.md" <<EOF
# kdetect boot-chain fixture roots (generated by tests/mkefivars.sh - do not edit)

Each root has \`sys/firmware/efi/efivars/Name-GUID\` files (efivarfs layout: 4-byte little-endian
attribute word, then the data), an ESP under \`boot/efi/\` and an \`etc/fstab\` line mounting
\`UUID=$ESPUUID\` at \`/boot/efi\` (vfat).

## Shared material
- GUIDs: EFI_GLOBAL_VARIABLE \`$GLOBAL\` (PK, KEK, SecureBoot, SetupMode, Boot####, BootOrder,
  BootCurrent); EFI_IMAGE_SECURITY_DATABASE \`$SECDB\` (db, dbx); SHIM_LOCK \`$SHIMLOCK\`
  (MokListRT, MokListRT1, MokListXRT, MokSBStateRT, MokListTrustedRT).
- Attributes: PK/KEK/db/dbx 0x27 (NV|BS|RT|time-based authenticated write); SecureBoot, SetupMode,
  BootCurrent 0x06 (volatile BS|RT); Boot####, BootOrder 0x07; shim's Mok*RT mirrors 0x06 (shim creates
  them volatile).
- Signature owners: Microsoft \`$MSOWNER\` for the Microsoft entries, \`$TESTOWNER\` for test
  entries, SHIM_LOCK for MOK entries.
- PK: \`$(subject "$KEYS/pk.pem")\`; KEK: \`$(subject "$KEYS/kek.pem")\` (self-signed test keys in
  \`$KEYS\`, never committed).
- db (standard): ${MS_LIST}vendor test cert \`$(subject "$PKI/vendor/cert.pem")\`.
  The Microsoft certificates are the CA certificates embedded in Debian's signed shim (the same ones real
  firmware holds in db).
- dbx (standard): one SHA256 list with the six Microsoft-revoked Kaspersky FDE loader hashes
  (\`fde_ld0-efi64-production/release.efi\`; their presence in dbx only means the firmware is patched,
  **not** a Kaspersky finding) + one SHA256 list with the Authenticode hash of \`plain.efi\`
  (\`$(hashof plain.efi)\`, not on any ESP).
- MokListRT (standard): the vendor test cert + shim's built-in vendor certificate (Debian Secure Boot
  CA, from shim's \`.vendor_cert\`), as shim mirrors it. MokListXRT: shim's vendor dbx
  ($($PY esl-dump "$E/shim-vendor-dbx.esl" | grep -c ' SHA256 ') SHA256 hashes from \`.vendor_cert\`).
- Debian ESP (\`debian_esp\`): \`EFI/debian/shimx64.efi\` (Debian's shim, signed under Microsoft's
  UEFI CAs above; Authenticode \`$SHIM_AH\`),
  \`EFI/BOOT/BOOTX64.EFI\` (same file), \`EFI/debian/grubx64.efi\` (signed by Debian's GRUB signer,
  which chains to the Debian Secure Boot CA, which is in shim/MokListRT but **not** in db;
  Authenticode \`$GRUB_AH\`), \`EFI/debian/grub.cfg\`; Boot0000 "debian" =
  HD(1,GPT,$PARTUUID)/\\EFI\\debian\\shimx64.efi.
- Test binaries (\`$BIN\`, from tests/mkefi.sh; Authenticode hashes in \`$EFI/hashes.tsv\`):
  plain (unsigned), vendor (vendor key), kl (Kaspersky-named leaf \`$(subject "$PKI/kl/cert.pem")\` +
  its CA in the signature), other (unrelated key), dual (two WIN_CERTIFICATE entries: vendor, then kl),
  nested (one entry, kl nested in vendor via 1.3.6.1.4.1.311.2.4.1), tampered (vendor-signed, one .text
  byte flipped), klshim (fake Kaspersky shim: ASCII \`UEFI SHIM (KL PATCH)\`, \`\\kl_main.efi\` in
  ASCII and UTF-16LE, \`.vendor_cert\` section = {u32 authorized_size=$(stat -c %s "$KLBOOT"),
  deauthorized_size=0, authorized_offset=16, deauthorized_offset=$((16 + $(stat -c %s "$KLBOOT")))} +
  KLBOOTEV_2018.cer DER, vendor-signed; the section header names it \`/4\` via the COFF string table,
  like Debian's shim does (\`/37\`)), klshim-strings (strings only), klshim-cert (.vendor_cert only),
  fde_ld0-efi64-test (unsigned; its hash is not one of the six).
- Semantics used below: Secure Boot enforcing only when SecureBoot=1 and SetupMode=0; shim
  validation off when MokSBStateRT exists; MOK certificates trusted for modules only with
  MokListTrustedRT; a Kaspersky certificate in PK, KEK, db or MokList is critical; a Boot#### entry
  pointing at a Kaspersky loader is a finding; a binary is allowed if its image hash or a certificate of
  its chain is in db, and denied if its image hash, a certificate of its chain, or the TBS hash of one
  is in dbx (any signature's, as edk2 does) - dbx wins. Machine-readable: \`EXPECT-efi.tsv\`
  (kaspersky_critical/kaspersky_other are counts of distinct Kaspersky findings as grouped below; adapt
  if kdetect groups differently).

## sb-debian
- SecureBoot=1, SetupMode=0, standard PK/KEK/db/dbx/MokListRT/MokListXRT; BootOrder=0000,
  BootCurrent=0000; ESP = Debian ESP + \`EFI/test/vendor.efi\`.
- **Expect:** Secure Boot enforcing; shim validation on; MOK not trusted for modules (no
  MokListTrustedRT). shimx64.efi/BOOTX64.EFI: 2 valid signatures, allowed by db (Microsoft UEFI CA 2011
  and 2023). grubx64.efi: valid, not in db (trusted through shim's vendor cert/MokListRT).
  vendor.efi: valid, allowed by db. The six Kaspersky hashes in dbx: no finding.
  **No Kaspersky finding.**

## sb-kaspersky-db
- As sb-debian, but db also holds \`KLBOOTEV_2018.cer\` (Kaspersky Lab, DigiCert EV Code Signing CA
  (SHA2)) and MokListRT also holds the Kaspersky-named test leaf (last list, owner SHIM_LOCK).
- **Expect: 2 critical findings** (Kaspersky certificate in db; Kaspersky certificate in MokListRT).
  Everything else as sb-debian.

## kl-boot
- SecureBoot=0, SetupMode=0 (nothing enforced), standard keys; ESP = Debian ESP +
  \`EFI/kaspersky/klshim.efi\` (fake shim), \`EFI/kaspersky/kl_main.efi\` (= kl.efi),
  \`EFI/kaspersky/fde_ld0-efi64-test.efi\`, \`EFI/tools/klshim-strings.efi\`,
  \`EFI/tools/klshim-cert.efi\`. Boot0001 "Kaspersky Disk Encryption" =
  HD(1,GPT,...)/\\EFI\\kaspersky\\klshim.efi; BootOrder=0001,0000; BootCurrent=0001.
- **Expect:** Secure Boot not enforcing. Kaspersky findings: (1) Boot0001 (and BootCurrent) points at
  a Kaspersky loader; (2) klshim.efi = Kaspersky shim (banner, embedded KLBOOTEV_2018 vendor cert,
  kl_main.efi beside it); (3) kl_main.efi signed by the Kaspersky-named test chain (valid signature;
  not in db); (4) fde_ld0-efi64-test.efi by name (unsigned); (5) tools/klshim-strings.efi (banner only);
  (6) tools/klshim-cert.efi (.vendor_cert with KLBOOTEV_2018 only). Nothing critical in the key
  databases (none holds a Kaspersky certificate).

## revoked
- SecureBoot=1, SetupMode=0; db standard; dbx = six Kaspersky FDE hashes + SHA256 of vendor.efi
  (\`$(hashof vendor.efi)\`) + X509_SHA256 of the kl test leaf's TBSCertificate (\`$KL_TBS\`,
  TimeOfRevocation all zero) + X509 of the \`other\` test cert; ESP = Debian ESP + \`EFI/test/\`
  {vendor,kl,other,dual,tampered}.efi; Boot0002 "revoked test" -> \\EFI\\test\\vendor.efi;
  BootOrder=0000,0002.
- **Expect:** vendor.efi valid but **denied** (image hash in dbx, although its certificate is in db);
  kl.efi valid, not in db, **denied** (TBS hash of its signer certificate in dbx) - and a Kaspersky
  finding (Kaspersky-named signer); other.efi valid, **denied** (certificate in dbx); dual.efi two valid
  signatures, vendor one allowed by db but **denied** (kl signer's TBS in dbx) - a Kaspersky finding
  (second signer); tampered.efi signature **invalid** (digest mismatch: file
  \`$(hashof tampered.efi)\`, signed one differs). Boot0002 points at a denied binary. The shim and grub
  stay as in sb-debian. No critical finding.

## mok-off
- SecureBoot=1, SetupMode=0, standard keys; MokSBStateRT present (1 byte, 0x01); MokListTrustedRT
  absent; MokListRT = the vendor test cert, **MokListRT1** = the Debian CA + the Kaspersky-named test
  leaf (the split continuation: only a reader that also reads MokListRT1, ... sees them).
- **Expect:** Secure Boot enforcing but **shim validation disabled**; MOK not trusted for modules;
  **1 critical finding** (Kaspersky certificate in MokList, from MokListRT1).

## mok-trusted
- As sb-debian without \`EFI/test\`, plus MokListTrustedRT (1 byte, 0x01).
- **Expect:** MOK certificates (vendor test cert, Debian CA) trusted for kernel modules (.machine);
  no Kaspersky finding.

## setup-mode
- SecureBoot=1, SetupMode=1, no PK/KEK/dbx, db standard; Debian ESP.
- **Expect:** Secure Boot **not** enforcing (setup mode); no Kaspersky finding.

## hostile-efi
Must not crash, hang, read outside the root or report the host canary; exit 0 or 1, never a signal.
- **host canary** (a fake Kaspersky shim OUTSIDE the root): \`$CANARY_DIR/klshim.efi\`; any report of
  it means kdetect escaped the root.
- efivars: PK 3 bytes (shorter than the attribute word); SecureBoot 0 bytes (as efivarfs shows an
  uncommitted variable); SetupMode attribute word only; KEK: HeaderSize 0xfffffff0 (28 + HeaderSize wraps a u32); db: a valid X509 list (vendor cert)
  then a list with ListSize 0x7fffffff; dbx: **20 MB**, one well-formed SHA256 list of 436,906 hashes;
  MokListRT: SignatureSize 0 (holding KLBOOTEV_2018.cer); MokListRT1: a well-formed list whose type
  GUID differs from EFI_CERT_X509 only in its last byte, holding KLBOOTEV_2018.cer (an unknown type:
  skipped, **not** taken as X509, so no Kaspersky finding from it); MokListXRT: SignatureSize 50 not dividing 144; MokListTrustedRT 5 bytes;
  MokSBStateRT attribute word only; Boot0000 FilePathListLength 0xffff; Boot0001 description not
  NUL-terminated and no device path; Boot0003 a device-path node of Length 0 (Boot000x are all
  malformed); Boot0010 well formed, path \\EFI\\..\\..\\..\\..\\etc\\passwd (must resolve inside the
  root); BootOrder of odd length; BootCurrent = 0x0042 (no Boot0042);
  \`not-a-variable\` (no GUID); \`Bad-zzzzzzzz-...\` (non-hex GUID); \`dbDefault-...\` a FIFO;
  \`KEKDefault-...\` -> /dev/zero; \`PKDefault-...\` -> the host canary (absolute); \`dbrDefault-...\`
  a 4 GiB sparse file.
- ESP \`EFI/hostile/\` (from vendor.efi): sectable-past-eof (SizeOfOptionalHeader 0xfff0),
  nsections-ffff, section-raw-past-eof, lfanew-past-eof, cert-dwlength-0, cert-dwlength-7,
  cert-dwlength-huge, cert-overlaps-headers (directory = whole file), cert-dir-past-eof, cert-dir-wraps
  (offset 0xfffffff8), cert-wrong-type (X509 type, revision 0x0100), cert-truncated, cert-garbage-pkcs7,
  empty.efi (0 bytes), mz-only.efi, not-pe.efi, dos-only.efi.
- ESP \`EFI/\`: escape.efi -> /etc/passwd (resolves inside the root: missing); escape-abs.efi,
  escape-rel.efi, escape-rel2.efi, escape-dir -> the host canary; loop1/loop2.efi (symlink loop);
  dirloop -> ..; fifo.efi; huge.efi (6 GiB sparse); \`deep/d1/.../d50/deep.efi\` (50 levels; vendor.efi);
  a file name with ESC and newline; UPPER.EFI (upper-case extension, vendor.efi).
- etc/fstab has a second vfat line for \`/efi\`, which does not exist in the root.
- **Expect:** no Kaspersky finding at all (in particular none from the canary or the near-X509
  MokListRT1); malformed variables/lists/PEs reported as malformed, not as signed or trusted.
EOF

mv "$TMP/EFI.md" "$OUT/EFI.md"
mv "$TMP/EXPECT-efi.tsv" "$OUT/EXPECT-efi.tsv"
