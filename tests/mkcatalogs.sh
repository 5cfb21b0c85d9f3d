#!/usr/bin/env bash
# Windows catalog-signed driver fixtures for kdetect: OUTDIR/catalogs, a Windows root whose drivers are signed
# through catalogs in Windows/System32/CatRoot/{F750E6C3-38EE-11D1-85E5-00C04FC295EE} (built by
# tests/catalog-fixture.py, signed with osslsigncode by tests/pki.sh's kl/ key and tests/mkdrivers.sh's test WHCP
# key), hostile catalogs, OUTDIR/catalogs/CATALOGS.md + catalogs.tsv, and the drivers' rows appended to
# OUTDIR/drivers.tsv and OUTDIR/DRIVERS.md.
# tests/mkdrivers.sh runs it at its end and exports the helpers reused here: mkrc, build and run (with B, LOG,
# CC and WINDRES). Usage (by tests/mkdrivers.sh): tests/mkcatalogs.sh PKIDIR OUTDIR
set -euo pipefail

die() { echo "mkcatalogs.sh: error: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: tests/mkcatalogs.sh PKIDIR OUTDIR   (run by tests/mkdrivers.sh)"
for f in mkrc build run; do
	declare -F $f >/dev/null || die "no $f(): tests/mkdrivers.sh runs this script and exports its helpers"
done
: "${B:?}" "${LOG:?}"
PKI=$(cd "$1" && pwd) || die "no PKI dir $1"
OUT=$(cd "$2" && pwd) || die "no OUTDIR $2"
WHCP=$OUT/pki-mswhcp
for f in "$PKI"/kl/{key,cert,ca}.pem "$WHCP"/{key,cert,ca}.pem "$OUT/drivers.tsv" "$OUT/DRIVERS.md"; do
	[ -s "$f" ] || die "$f missing (tests/mkdrivers.sh makes it before it runs this script)"
done
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
PYF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/catalog-fixture.py
py() { run "$PYTHON" "$PYF" "$@"; }
# pyout ARGS: catalog-fixture.py's stdout (for $(...))
pyout() { "$PYTHON" "$PYF" "$@" 2>>"$LOG" || die "catalog-fixture.py $* failed (log: $LOG)"; }

C=$B/catalogs
rm -rf "$C"
mkdir -p "$C"
echo "=== mkcatalogs.sh" >>"$LOG"

# --- 1. drivers: mkdrivers.sh's mkrc + build (FIXTURE differs, so every image and digest does) -------------
CO="Contoso Industrial Ltd"
PR="Contoso Fieldbus Adapter"
IDS="netcat oldcat klcat orphan brokencat stale both"
for id in $IDS; do
	if [ -e "$B/$id.rc" ] || [ -e "$B/$id.sys" ]; then
		die "$id: tests/mkdrivers.sh already builds a driver of that name"
	fi
	mkrc "$id" 040904B0 "$CO" "$PR" "Contoso fieldbus adapter driver" "$id.sys" "5.1.2.0"
	build "$id"
done
for id in netcat oldcat klcat orphan brokencat; do cp "$B/$id.sys" "$C/$id.sys"; done
# stale.sys: the shipped file is $B/stale.sys with one .text byte changed (checksum fixed); klcat.cat lists the
# digest of $B/stale.sys, the build before the patch
py patch-text "$B/stale.sys" "$C/stale.sys"
cp "$B/stale.sys" "$C/stale-old.sys"

# sign kl|whcp IN OUT HASH: embedded signature (PE) or catalog signature (.cat), leaf + CA in the PKCS#7
sign() {
	local certs key ca
	case $1 in
	kl) certs=$PKI/kl/cert.pem key=$PKI/kl/key.pem ca=$PKI/kl/ca.pem ;;
	whcp) certs=$WHCP/cert.pem key=$WHCP/key.pem ca=$WHCP/ca.pem ;;
	*) die "sign: unknown key set $1" ;;
	esac
	rm -f "$3"             # osslsigncode does not overwrite
	run osslsigncode sign -certs "$certs" -key "$key" -ac "$ca" -h "$4" -in "$2" -out "$3"
}
sign kl "$B/both.sys" "$C/both.sys" sha256

# --- 2. Authenticode digests: osslsigncode extract-data, cross-checked with catalog-fixture.py ---------------
declare -A D1 D256
# digest NAME: $C/NAME.sys -> $C/NAME.sha1.idc, $C/NAME.sha256.idc (SpcIndirectDataContent), D1[NAME], D256[NAME]
digest() {
	local a o p
	for a in sha1 sha256; do
		rm -f "$C/$1.$a.p7"
		run osslsigncode extract-data -h $a -in "$C/$1.sys" -out "$C/$1.$a.p7"
		o=$(pyout idc "$C/$1.$a.p7" "$C/$1.$a.idc")
		p=$(pyout authenticode "$C/$1.sys" $a)
		[ "$o" = "$a $p" ] || die "$1: osslsigncode extract-data says '$o', catalog-fixture.py says '$a $p'"
		if [ $a = sha1 ]; then D1[$1]=$p; else D256[$1]=$p; fi
	done
}
for id in $IDS stale-old; do digest "$id"; done
[ "${D256[stale]}" != "${D256[stale-old]}" ] || die "stale.sys: the patch did not change the digest"

# --- 3. catalogs ------------------------------------------------------------------------------------------
# mkcat NAME VERSION MEMBER=DRIVER[:wrongtype]...: $C/NAME.u.cat, unsigned, members listed under MEMBER with
# DRIVER's digest (SHA-1 for CatalogVersion 1, SHA-256 for 2)
mkcat() {
	local name=$1 v=$2 a=sha256 m specs=()
	[ "$v" = 1 ] && a=sha1
	shift 2
	for m; do
		local mem=${m%%=*} rest=${m#*=}
		local drv=${rest%%:*} mode=
		[ "$drv" = "$rest" ] || mode=:${rest#*:}
		specs+=("$mem=$C/$drv.$a.idc$mode")
	done
	py make "$C/$name.u.cat" "$v" "${specs[@]}"
}
mkcat ctrl 2 netcat.sys=netcat both.sys=both
sign whcp "$C/ctrl.u.cat" "$C/ctrl.cat" sha256
mkcat legacy 1 oldcat.sys=oldcat
mkcat klcat 2 klcat.sys=klcat stale.sys=stale-old
sign kl "$C/klcat.u.cat" "$C/klcat.cat" sha256
mkcat broken-orig 2 brokencat.sys=brokencat
sign kl "$C/broken-orig.u.cat" "$C/broken-orig.cat" sha256
py flip-ctl "$C/broken-orig.cat" "$C/broken.cat"
mkcat lure 2 orphan.sys=orphan
sign kl "$C/lure.u.cat" "$C/lure.cat" sha256
n=$(stat -c %s "$C/lure.cat")
head -c $((n * 6 / 10)) "$C/lure.cat" >"$C/truncated.cat"
mkcat wrongtype 2 orphan.sys=orphan:wrongtype
sign kl "$C/wrongtype.u.cat" "$C/wrongtype.cat" sha256
py random "$C/x.cat" 3000 4243

# --- 4. verify (osslsigncode verify -catalog, offline) -------------------------------------------------------
NOFETCH=()
vhelp=$(osslsigncode verify --help 2>&1 || true)
case $vhelp in *-ignore-crl*) NOFETCH=(-ignore-crl) ;; *-ignore-cdp*) NOFETCH=(-ignore-cdp) ;; esac
# catalog_ok CAT DRIVER CAFILE DIGEST: osslsigncode accepts DRIVER as a member of CAT, one signature "ok", and
# both the catalog's and the computed message digest are DIGEST
catalog_ok() {
	local o d=${4^^}
	o=$(osslsigncode verify -catalog "$1" -CAfile "$3" "${NOFETCH[@]}" -in "$2" 2>&1) ||
		{ echo "$o" >>"$LOG"; return 1; }
	echo "$o" >>"$LOG"
	[ "$(grep -c '^Signature verification: ok' <<<"$o")" -eq 1 ] &&
		grep -q "^Current message digest *: $d" <<<"$o" &&
		grep -q "^Calculated message digest *: $d" <<<"$o" &&
		grep -q '^File is signed in catalog' <<<"$o"
}
must_ok() { catalog_ok "$@" || die "osslsigncode does not accept $2 as a member of $1 (CA $3; log: $LOG)"; }
must_fail() {
	! osslsigncode verify -catalog "$1" -CAfile "$3" "${NOFETCH[@]}" -in "$2" >>"$LOG" 2>&1 ||
		die "osslsigncode accepts $2 as a member of $1 (CA $3), it must not"
}
KLCA=$PKI/kl/ca.pem WCA=$WHCP/ca.pem
must_ok "$C/ctrl.cat" "$C/netcat.sys" "$WCA" "${D256[netcat]}"
must_ok "$C/ctrl.cat" "$C/both.sys" "$WCA" "${D256[both]}"
must_ok "$C/klcat.cat" "$C/klcat.sys" "$KLCA" "${D256[klcat]}"
# legacy.cat: a SHA-1 signature when osslsigncode (OpenSSL policy) verifies one, else SHA-256
LEGACY_HASH=sha1
sign whcp "$C/legacy.u.cat" "$C/legacy.cat" sha1
if ! catalog_ok "$C/legacy.cat" "$C/oldcat.sys" "$WCA" "${D1[oldcat]}"; then
	LEGACY_HASH=sha256
	sign whcp "$C/legacy.u.cat" "$C/legacy.cat" sha256
	must_ok "$C/legacy.cat" "$C/oldcat.sys" "$WCA" "${D1[oldcat]}"
fi
# what the hostile ones started from is accepted, so only the damage makes them fail
must_ok "$C/broken-orig.cat" "$C/brokencat.sys" "$KLCA" "${D256[brokencat]}"
must_ok "$C/klcat.cat" "$C/stale-old.sys" "$KLCA" "${D256[stale-old]}"
must_ok "$C/lure.cat" "$C/orphan.sys" "$KLCA" "${D256[orphan]}"
must_fail "$C/broken.cat" "$C/brokencat.sys" "$KLCA"
must_fail "$C/klcat.cat" "$C/stale.sys" "$KLCA"
must_fail "$C/truncated.cat" "$C/orphan.sys" "$KLCA"
must_fail "$C/wrongtype.cat" "$C/orphan.sys" "$KLCA"
must_fail "$C/x.cat" "$C/orphan.sys" "$KLCA"
for cat in ctrl legacy klcat; do must_fail "$C/$cat.cat" "$C/orphan.sys" "$KLCA"; done
must_fail "$C/ctrl.cat" "$C/netcat.sys" "$KLCA"              # the chain must end at the CA given
must_fail "$C/klcat.cat" "$C/klcat.sys" "$WCA"
must_fail "$C/ctrl.cat" "$C/oldcat.sys" "$WCA"               # not a member
must_fail "$C/legacy.cat" "$C/netcat.sys" "$WCA"
# embedded signatures: both.sys has one (kl), the others none
osslsigncode verify -CAfile "$KLCA" "${NOFETCH[@]}" -in "$C/both.sys" >>"$LOG" 2>&1 ||
	die "both.sys: its embedded signature does not verify"
for id in netcat oldcat klcat orphan brokencat stale; do
	! osslsigncode verify -CAfile "$KLCA" "${NOFETCH[@]}" -in "$C/$id.sys" >>"$LOG" 2>&1 || die "$id.sys is signed"
done
# strict read-back: every well-formed member's tag is its digest, and the digests are the drivers'
# members CAT EXPECTED: catalog-fixture.py members' member lines, as "name alg digest check" lines
members() { pyout members "$1" | awk -F'\t' 'NR > 1 { print $2, $4, $5, $6 }'; }
chk() { [ "$(members "$C/$1.cat")" = "$2" ] || die "$1.cat members: $(members "$C/$1.cat" | tr '\n' '|') expected $2"; }
chk ctrl "netcat.sys sha256 ${D256[netcat]} ok
both.sys sha256 ${D256[both]} ok"
chk legacy "oldcat.sys sha1 ${D1[oldcat]} ok"
chk klcat "klcat.sys sha256 ${D256[klcat]} ok
stale.sys sha256 ${D256[stale-old]} ok"
chk broken "brokencat.sys sha256 ${D256[brokencat]} ok"
chk wrongtype "orphan.sys - - SPC_INDIRECT_DATA: SpcIndirectDataContent: tag 0x4, expected 0x30"
# (here-strings, not pipes: grep -q leaving early would fail the writer under pipefail)
grep -q "${D256[orphan]^^}" <<<"$(pyout members "$C/wrongtype.cat")" || die "wrongtype.cat: its tag is not orphan.sys's digest"
for f in truncated x; do
	grep -q $'^catalog\t.*malformed' <<<"$(pyout members "$C/$f.cat")" || die "$f.cat reads as well-formed"
done
# the drivers carry their VERSIONINFO
for id in $IDS; do
	$WINDRES -i "$C/$id.sys" -O rc 2>>"$LOG" | grep -F "VALUE \"CompanyName\", \"$CO\"" >/dev/null ||
		die "$id.sys: no CompanyName $CO"
done

# --- 5. the root -----------------------------------------------------------------------------------------
R=$OUT/catalogs
GUID='{F750E6C3-38EE-11D1-85E5-00C04FC295EE}'
D=Windows/System32/drivers
CR=Windows/System32/CatRoot/$GUID
rm -rf "$R"
mkdir -p "$R/$D" "$R/$CR/d.cat"
for id in $IDS; do cp "$C/$id.sys" "$R/$D/"; done
for f in ctrl legacy klcat broken truncated wrongtype x; do cp "$C/$f.cat" "$R/$CR/"; done
: >"$R/$CR/empty.cat"

# --- 5b. catalogs-tags: a member whose tag names another digest, and a member with its own OSAttr -----------
for id in tagbad memberos; do
	mkrc "$id" 040904B0 "$CO" "$PR" "Contoso fieldbus adapter driver" "$id.sys" "5.1.2.0"
	build "$id"
	cp "$B/$id.sys" "$C/$id.sys"
	digest "$id"
done
mkcat tags 2 tagbad.sys=tagbad:badtag memberos.sys=memberos:os=2:6.3
sign whcp "$C/tags.u.cat" "$C/tags.cat" sha256
[ "$(members "$C/tags.cat" | sed -E 's/^([^ ]+) [^ ]+ [^ ]+ /\1 /')" = "tagbad.sys tag is not the digest
memberos.sys ok" ] || die "tags.cat members: $(members "$C/tags.cat" | tr '\n' '|')"
TR=$OUT/catalogs-tags
rm -rf "$TR"
mkdir -p "$TR/$D" "$TR/$CR"
cp "$C/tagbad.sys" "$C/memberos.sys" "$TR/$D/"
cp "$C/tags.cat" "$C/ctrl.cat" "$TR/$CR/"
cp "$C/netcat.sys" "$TR/$D/"

# --- 6. drivers.tsv, DRIVERS.md, catalogs/CATALOGS.md, catalogs/catalogs.tsv --------------------------------
subject() { openssl x509 -in "$1" -noout -subject -nameopt RFC2253 | sed 's/^subject=//'; }
sha256fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g'; }
KL_SUBJ=$(subject "$PKI/kl/cert.pem") KL_CA_SUBJ=$(subject "$PKI/kl/ca.pem")
W_SUBJ=$(subject "$WHCP/cert.pem") W_CA_SUBJ=$(subject "$WHCP/ca.pem")
TSV=$OUT/drivers.tsv
grep -v $'^catalogs/' "$TSV" >"$C/tsv" && cat "$C/tsv" >"$TSV"
c=catalogs/$D k=CatRoot/$GUID
# expect PATH VERDICT SIGNATURE REASON (as tests/mkdrivers.sh)
expect() {
	[ -e "$OUT/$1" ] || die "expect: $1 does not exist"
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$TSV"
}
nv="no embedded signature; version resource neutral ($CO)"
expect "$c/netcat.sys" none valid "catalog-signed: member (SHA-256) of $k/ctrl.cat (CatalogVersion 2), signed by the test WHCP leaf; $nv"
expect "$c/oldcat.sys" none valid "catalog-signed: member (SHA-1) of $k/legacy.cat (CatalogVersion 1, $LEGACY_HASH signature), WHCP; $nv"
expect "$c/klcat.sys" kaspersky valid "catalog-signed: member (SHA-256) of $k/klcat.cat, signed by the Kaspersky test leaf (O=AO Kaspersky Lab); $nv"
expect "$c/orphan.sys" none unsigned "in no valid catalog: truncated.cat (cut) and wrongtype.cat (no digest in its member) name its digest in their tags; $nv"
expect "$c/brokencat.sys" none invalid "its real digest is in $k/broken.cat (kl-signed), whose CTL has a changed byte: catalog signature invalid, so no Kaspersky finding; $nv"
expect "$c/stale.sys" none unsigned "klcat.cat lists stale.sys by name with the digest of the build before a .text byte changed: no catalog holds its digest [invalid acceptable if reported as a digest mismatch]; $nv"
expect "$c/both.sys" kaspersky valid "embedded signature by the Kaspersky test leaf AND member (SHA-256) of $k/ctrl.cat (WHCP): two valid signatures; version resource neutral ($CO)"

ckl=$(awk -F'\t' 'index($1, "catalogs/") == 1 && $2 == "kaspersky"' "$TSV" | wc -l)
cat >"$C/section.md" <<EOF
## catalogs (\`catalogs/$D\`, catalogs in \`catalogs/Windows/System32/CatRoot/$GUID\`): $ckl Kaspersky findings, high
Drivers without embedded signatures (but both.sys) signed through catalogs (tests/mkcatalogs.sh; the format, every
file and the digests: \`catalogs/CATALOGS.md\`). A driver is catalog-signed when its Authenticode digest (SHA-1 or
SHA-256, as the catalog's members) is the SPC_INDIRECT_DATA digest of a member of a catalog whose signature is
valid; the catalog's signer then counts as the driver's signer, as an embedded one does: klcat.sys is Kaspersky
by its catalog alone. broken.cat (kl-signed, CTL byte changed) is no evidence; stale.sys is listed by name with
an old digest; orphan.sys's digest is the tag of members in a truncated catalog and in one with a wrong-typed
SPC_INDIRECT_DATA value; x.cat is random bytes, empty.cat is empty and d.cat a directory: none of them may stop
the scan. *signature* of a catalog-signed driver: the status of the signature that decides (embedded or catalog).

EOF
awk -v f="$C/section.md" '$0 == "## Files" { while ((getline l < f) > 0) print l } { print }' "$OUT/DRIVERS.md" >"$C/md"
awk -F'\t' 'index($1, "catalogs/") == 1 { printf "| `%s` | %s | %s | %s |\n", $1, $2, $3, $4 }' "$TSV" >>"$C/md"
cp "$C/md" "$OUT/DRIVERS.md"

CTSV=$R/catalogs.tsv
printf '# path\tstatus\tsigner\tmembers\treason\n' >"$CTSV"
# cexpect FILE STATUS SIGNER MEMBERS REASON
cexpect() {
	[ -e "$R/$CR/$1" ] || die "cexpect: $1 does not exist"
	printf '%s\t%s\t%s\t%s\t%s\n' "$CR/$1" "$2" "$3" "$4" "$5" >>"$CTSV"
}
cexpect ctrl.cat valid whcp "netcat.sys both.sys" "CatalogVersion 2 (subjectAlgorithm 1.3.6.1.4.1.311.12.1.3), SHA-256 members, SHA-256 signature"
cexpect legacy.cat valid whcp "oldcat.sys" "CatalogVersion 1 (1.3.6.1.4.1.311.12.1.2), SHA-1 member, $LEGACY_HASH signature"
cexpect klcat.cat valid kl "klcat.sys stale.sys" "CatalogVersion 2; the stale.sys member holds the digest of an older stale.sys (matches no file)"
cexpect broken.cat invalid kl "brokencat.sys" "kl-signed, then the last byte of the CTL's listIdentifier changed: message digest mismatch"
cexpect truncated.cat malformed - "-" "first 60% of a kl-signed catalog listing orphan.sys (outer DER length says more)"
cexpect wrongtype.cat valid kl "-" "kl signature valid; its one member (tag = orphan.sys's SHA-256) has SPC_INDIRECT_DATA value OCTET STRING(digest) instead of SpcIndirectDataContent: member malformed, matches nothing [rejecting the whole catalog as malformed is acceptable]"
cexpect x.cat malformed - "-" "3000 random bytes"
cexpect empty.cat malformed - "-" "0 bytes"
cexpect d.cat skipped - "-" "a directory named like a catalog: not read, no error"

{
	cat <<EOF
# kdetect catalog-signed driver fixtures (generated by tests/mkcatalogs.sh - do not edit)

A Windows root whose drivers are signed through **catalog files**, the way Windows signs most drivers:
\`Windows/System32/CatRoot/$GUID/*.cat\`. Every key is a test key made at test time; nothing here is a real
Microsoft or Kaspersky file. Machine-readable: \`../drivers.tsv\` (rows \`catalogs/...\`: path, verdict, signature,
reason) and \`catalogs.tsv\` here (catalog path relative to this directory, status, signer, members, reason).

## Signers
- **whcp** (tests/mkdrivers.sh's test WHCP PKI): leaf \`$W_SUBJ\`
  (SHA-256 $(sha256fp "$WHCP/cert.pem")), CA \`$W_CA_SUBJ\`.
- **kl** (tests/pki.sh \`kl/\`): leaf \`$KL_SUBJ\`
  (SHA-256 $(sha256fp "$PKI/kl/cert.pem")), CA \`$KL_CA_SUBJ\`.

Each catalog's PKCS#7 carries the leaf and its CA (\`osslsigncode sign -ac\`), as the drivers' signatures do: verify
the chain inside the signature (no trust store, like the embedded signatures). Signing time: when the fixtures
were made; no timestamp.

## The format (what these files hold; real catalogs may add the optional CTL fields named below)
- A catalog is a DER **PKCS#7 v1.5 SignedData** (ContentInfo 1.2.840.113549.1.7.2), version 1, digestAlgorithms
  {sha256} (or sha1), contentInfo { contentType **1.3.6.1.4.1.311.10.1** (szOID_CTL), content **[0] EXPLICIT CTL**
  }, certificates [0], signerInfos (one). The CTL SEQUENCE is the [0]'s content **directly** (no OCTET STRING).
- The signer's messageDigest covers the CTL's DER **contents octets** (its SEQUENCE without tag and length),
  as PKCS#7 v1.5 does for a content type other than \`data\`; osslsigncode's signed attributes: contentType
  1.3.6.1.4.1.311.10.1, signingTime, SpcStatementType (1.3.6.1.4.1.311.2.1.11), messageDigest.
- CTL: \`SEQUENCE { subjectUsage SEQUENCE { OID 1.3.6.1.4.1.311.12.1.1 }, listIdentifier OCTET STRING (16
  bytes), ctlThisUpdate UTCTime 250301120000Z, subjectAlgorithm SEQUENCE { OID 1.3.6.1.4.1.311.12.1.2
  (CatalogVersion 1) | 1.3.6.1.4.1.311.12.1.3 (CatalogVersion 2), NULL }, trustedSubjects SEQUENCE OF member,
  [0] EXPLICIT SEQUENCE OF Extension }\`. No version INTEGER, sequenceNumber or ctlNextUpdate are written (the
  ASN.1 allows them: an INTEGER first, an INTEGER after listIdentifier, a time after ctlThisUpdate; osslsigncode's
  parser allows none of them). The extension is catalog-level CAT_NAMEVALUE: \`{ OID 1.3.6.1.4.1.311.12.2.1,
  OCTET STRING (DER of NameValue { BMPString "OSAttr", INTEGER 0x10010001, OCTET STRING UTF-16LE "2:10.0" + NUL
  }) }\` (legacy.cat: "2:5.2,2:6.0,2:6.1").
- member: \`SEQUENCE { subjectIdentifier OCTET STRING, attributes SET OF Attribute }\`, Attribute = \`SEQUENCE
  { OID, SET OF value }\`. subjectIdentifier is the member **tag**: the digest in upper-case hex, UTF-16LE, with
  a terminating NUL (82 bytes for SHA-1, 130 for SHA-256). Attributes (DER order):
  - 1.3.6.1.4.1.311.12.2.1 CAT_NAMEVALUE: \`{ BMPString "File", INTEGER 0x10010001, OCTET STRING UTF-16LE file
    name + NUL }\`;
  - 1.3.6.1.4.1.311.12.2.2 CAT_MEMBERINFO: \`{ BMPString "{C689AAB8-8E78-11D0-8C47-00C04FC295EE}" (the PE SIP),
    INTEGER 512 }\`;
  - 1.3.6.1.4.1.311.2.1.4 SPC_INDIRECT_DATA: **SpcIndirectDataContent** \`{ { OID 1.3.6.1.4.1.311.2.1.15
    (SPC_PE_IMAGE_DATA), SpcPeImageData { BIT STRING, [0] { [2] { [0] "<<<Obsolete>>>" } } } }, DigestInfo {
    { sha1 1.3.14.3.2.26 | sha256 2.16.840.1.101.3.4.2.1, NULL }, OCTET STRING digest } }\` - byte for byte the
    SpcIndirectDataContent \`osslsigncode extract-data\` makes for the file, i.e. what an embedded signature signs.
- The digest is the file's **Authenticode** (PE image) digest: everything but the CheckSum field, the
  certificate-table directory entry and the certificate table. So both.sys's catalog digest is that of the
  image without its embedded signature (equal to the unsigned build's: the file size is a multiple of 8).
- **Match on the SPC_INDIRECT_DATA digest**, with its algorithm; the tag is only a name (Windows' catalog
  database indexes the SPC_INDIRECT_DATA digests; osslsigncode \`verify -catalog\` compares them). The
  "File" name is not evidence of anything (stale.sys).

## Layout
\`\`\`
catalogs/
  CATALOGS.md  catalogs.tsv
  $D/
    netcat.sys oldcat.sys klcat.sys orphan.sys brokencat.sys stale.sys both.sys
  $CR/
    ctrl.cat legacy.cat klcat.cat broken.cat truncated.cat wrongtype.cat x.cat empty.cat d.cat/
\`\`\`

## Drivers
All are tiny mingw-built PE32+ drivers like tests/mkdrivers.sh's (its \`build\`), VERSIONINFO CompanyName
"$CO", ProductName "$PR", OriginalFilename = the file name. Only both.sys has an embedded signature.

| driver | SHA-1 Authenticode | SHA-256 Authenticode | listed in | verdict / signature |
|---|---|---|---|---|
| netcat.sys | ${D1[netcat]} | ${D256[netcat]} | ctrl.cat (SHA-256) | none / valid (WHCP catalog) |
| oldcat.sys | ${D1[oldcat]} | ${D256[oldcat]} | legacy.cat (SHA-1) | none / valid (WHCP catalog) |
| klcat.sys | ${D1[klcat]} | ${D256[klcat]} | klcat.cat (SHA-256) | **kaspersky** / valid (kl catalog) |
| orphan.sys | ${D1[orphan]} | ${D256[orphan]} | - (its SHA-256 is the tag in truncated.cat and wrongtype.cat) | none / unsigned |
| brokencat.sys | ${D1[brokencat]} | ${D256[brokencat]} | broken.cat (SHA-256, catalog signature invalid) | none / invalid |
| stale.sys | ${D1[stale]} | ${D256[stale]} | - | none / unsigned |
| (stale.sys before the patch) | ${D1[stale-old]} | ${D256[stale-old]} | klcat.cat as "stale.sys" | (not a file here) |
| both.sys | ${D1[both]} | ${D256[both]} | ctrl.cat (SHA-256) + embedded kl signature | **kaspersky** / valid (both) |

What a correct verifier concludes:
- **netcat.sys**: signed (catalog ctrl.cat, signer WHCP test leaf), no Kaspersky finding; vendor from VERSIONINFO
  only, like an attestation-signed driver.
- **oldcat.sys**: signed (legacy.cat: CatalogVersion 1, SHA-1 member digest), no finding. Hash the file with the
  member's algorithm (SHA-1 here), not always SHA-256.
- **klcat.sys**: signed by catalog klcat.cat whose signer is O=AO Kaspersky Lab: **one Kaspersky finding, high**,
  although nothing in the file says Kaspersky. The finding should name the catalog.
- **orphan.sys**: unsigned. truncated.cat is cut (no signature to check) and wrongtype.cat's member has no
  SpcIndirectDataContent; a verifier that matches tags alone would wrongly call it signed by the kl key.
- **brokencat.sys**: its digest is in broken.cat, whose signature fails (the CTL's listIdentifier lost a bit):
  signature invalid, and the kl signer is **not** evidence (as for tampered.sys). No finding.
- **stale.sys**: no catalog holds its digest; klcat.cat names "stale.sys" with another digest. Unsigned (or
  invalid if reported as a digest mismatch), **no** Kaspersky finding: a name match is not a signature.
- **both.sys**: two valid signatures, the embedded one by the Kaspersky test leaf (**Kaspersky finding, high**) and
  the WHCP catalog ctrl.cat; the catalog must not hide the embedded signer, nor the embedded signature the
  catalog (its digest excludes the certificate table).

## Catalogs
| catalog | status | signer | members | what it is |
|---|---|---|---|---|
EOF
	awk -F'\t' 'NR > 1 { sub(/.*\//, "", $1); printf "| `%s` | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }' "$CTSV"
	cat <<EOF

Hostile catalogs (truncated.cat, wrongtype.cat, x.cat, empty.cat, d.cat/) must not stop anything: every other
catalog and driver is still checked, nothing crashes or hangs, each is reported (malformed, or skipped for the
directory). Cross-checked when the fixtures were made (\`osslsigncode verify -catalog CAT -in DRIVER -CAfile CA
${NOFETCH[*]}\`): accepted netcat.sys/ctrl.cat, both.sys/ctrl.cat, oldcat.sys/legacy.cat, klcat.sys/klcat.cat
(each with its own CA only); refused brokencat.sys/broken.cat, stale.sys/klcat.cat, orphan.sys/truncated.cat,
orphan.sys/wrongtype.cat, orphan.sys/x.cat and every non-member.
EOF
} >"$R/CATALOGS.md"
