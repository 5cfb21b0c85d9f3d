#!/usr/bin/env bash
# Timestamped Windows driver fixtures for kdetect: OUTDIR/timestamps, a Windows root whose drivers are signed by
# a code-signing PKI made here (a CA, a current leaf, a leaf that expired 2020-10-22, an ELAM leaf) and
# timestamped by a test TSA made here: RFC 3161 by osslsigncode's built-in TSA (-TSA-certs/-TSA-key/-TSA-time),
# legacy Authenticode by tests/legacy-tsa.py on 127.0.0.1 (osslsigncode -t). Tampered timestamps too.
# OUTDIR/timestamps/TIMESTAMPS.md says what each is. Keys are made at each run, nothing is committed.
# tests/mkdrivers.sh runs it at its end with its helpers (mkrc, build, run; B, LOG, CC, WINDRES).
# Usage (by tests/mkdrivers.sh): tests/mktimestamps.sh OUTDIR
set -euo pipefail

die() { echo "mktimestamps.sh: error: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: tests/mktimestamps.sh OUTDIR   (run by tests/mkdrivers.sh)"
for f in mkrc build run; do
	declare -F $f >/dev/null || die "no $f(): tests/mkdrivers.sh runs this script and exports its helpers"
done
: "${B:?}" "${LOG:?}"
OUT=$(cd "$1" && pwd) || die "no OUTDIR $1"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
echo "=== mktimestamps.sh" >>"$LOG"

T=$B/ts
P=$T/pki
rm -rf "$T"
mkdir -p "$P/new"
: >"$P/index.txt"
echo 1000 >"$P/serial"
cat >"$P/ca.cnf" <<EOF
[ ca ]
default_ca = testca
[ testca ]
dir = $P
database = $P/index.txt
new_certs_dir = $P/new
serial = $P/serial
default_md = sha256
policy = anything
unique_subject = no
email_in_dn = no
[ anything ]
organizationName = optional
commonName = supplied
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ ca_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ elam ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning,1.3.6.1.4.1.311.61.4.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ tsa ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF

# cert NAME SUBJECT START END EXT [ISSUER]: $P/NAME.key, $P/NAME.pem; self-signed without ISSUER.
# openssl ca, for validity periods in the past (openssl x509 -req starts them now)
cert() {
	local name=$1 subj=$2 start=$3 end=$4 ext=$5 issuer=${6:-}
	run openssl req -new -newkey rsa:2048 -nodes -keyout "$P/$name.key" -out "$P/$name.csr" \
		-subj "$subj" -config "$P/ca.cnf"
	if [ -z "$issuer" ]; then
		run openssl ca -batch -config "$P/ca.cnf" -selfsign -keyfile "$P/$name.key" -in "$P/$name.csr" \
			-startdate "$start" -enddate "$end" -extfile "$P/ca.cnf" -extensions "$ext" -notext \
			-out "$P/$name.pem"
	else
		run openssl ca -batch -config "$P/ca.cnf" -cert "$P/$issuer.pem" -keyfile "$P/$issuer.key" \
			-in "$P/$name.csr" -startdate "$start" -enddate "$end" -extfile "$P/ca.cnf" -extensions "$ext" \
			-notext -out "$P/$name.pem"
	fi
}
cert ca "/O=AO Kaspersky Lab/CN=Kaspersky Test Timestamp-era Code Signing CA" 20150101000000Z 20450101000000Z ca_ext
cert leaf "/O=AO Kaspersky Lab/CN=Kaspersky Lab Test Driver Signing" 20150101000000Z 20450101000000Z leaf ca
cert expired "/O=AO Kaspersky Lab/CN=Kaspersky Lab Test Driver Signing 2018" 20180101000000Z 20201022000000Z leaf ca
cert elam "/O=Example ELAM Vendor/CN=Example Early Launch Anti-malware Publisher" 20150101000000Z 20450101000000Z elam ca
cert tsaca "/O=Example Timestamping/CN=Example Test TSA Root" 20100101000000Z 20450101000000Z ca_ext
cert tsa "/O=Example Timestamping/CN=Example Test Timestamp Responder" 20100101000000Z 20400101000000Z tsa tsaca
cat "$P/tsa.pem" "$P/tsaca.pem" >"$P/tsa-chain.pem"

# the legacy TSA: our own HTTP server on 127.0.0.1, stopped when we end
rm -f "$T/port"
"$PYTHON" "$HERE/legacy-tsa.py" "$P/tsa.pem" "$P/tsa.key" "$P/tsaca.pem" "$T/port" "$LOG" &
TSA_PID=$!
trap 'kill "$TSA_PID" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
[ -s "$T/port" ] || die "tests/legacy-tsa.py did not start (log: $LOG)"
TSA_URL=http://127.0.0.1:$(cat "$T/port")/

# --- drivers -----------------------------------------------------------------------------------------------
CO="AO Kaspersky Lab"
IDS="tsrfc tslegacy tsexpired tsnots tsbadrfc tsbadlegacy tsimprint tselam tscurrent"
for id in $IDS; do
	[ ! -e "$B/$id.sys" ] || die "$id: another fixture builds a driver of that name"
	mkrc "$id" 040904B0 "$CO" "Kaspersky Test Timestamps" "timestamp fixture $id" "$id.sys" "1.0.0.1"
	build "$id"
done
# 2019-05-01T12:00:00Z, before the expired leaf's end (2020-10-22)
TS_TIME=1556712000
# sign ID LEAF [osslsigncode options]: $T/ID.sys signed by LEAF with the CA in the PKCS#7
sign() {
	local id=$1 leaf=$2
	shift 2
	rm -f "$T/$id.sys"
	run osslsigncode sign -certs "$P/$leaf.pem" -key "$P/$leaf.key" -ac "$P/ca.pem" -h sha256 "$@" \
		-in "$B/$id.sys" -out "$T/$id.sys"
}
RFC=(-TSA-certs "$P/tsa-chain.pem" -TSA-key "$P/tsa.key" -TSA-time "$TS_TIME")
sign tsrfc leaf "${RFC[@]}"
sign tslegacy leaf -t "$TSA_URL"
sign tsexpired expired "${RFC[@]}"
sign tsnots expired
sign tsbadrfc leaf "${RFC[@]}"
sign tsbadlegacy leaf -t "$TSA_URL"
sign tsimprint leaf "${RFC[@]}"
sign tselam elam
sign tscurrent leaf

# tamper: the RFC 3161 genTime (inside the TSA-signed TSTInfo), the legacy signingTime (inside the
# countersigned attributes), and the messageImprint of a token (so it covers some other signature)
"$PYTHON" - "$T" <<'PY' >>"$LOG" 2>&1 || die "tampering failed (log: $LOG)"
import sys
t = sys.argv[1]
def patch(name, find, repl, count=1):
    p = '%s/%s.sys' % (t, name)
    b = open(p, 'rb').read()
    assert b.count(find) >= 1, (name, find)
    i = b.rindex(find)
    b = b[:i] + repl + b[i + len(find):]
    open(p, 'wb').write(b)
    print('tampered', name, find, '->', repl)
# GeneralizedTime 20190501120000Z
patch('tsbadrfc', b'20190501120000Z', b'20190501120001Z')
PY
# the legacy signingTime is a UTCTime of the run's day: change its last seconds digit
"$PYTHON" - "$T/tsbadlegacy.sys" <<'PY' >>"$LOG" 2>&1 || die "tampering failed (log: $LOG)"
import re, sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
# signingTime attribute: OID 1.2.840.113549.1.9.5, SET { UTCTime }
oid = bytes.fromhex('06092a864886f70d010905')
i = b.rindex(oid)
j = i + len(oid) + 2            # SET tag+len
assert b[j] == 0x17, hex(b[j])
k = j + 2 + b[j + 1] - 2         # last digit before 'Z'
b[k] = ord('0') + (b[k] - ord('0') + 1) % 10
open(p, 'wb').write(bytes(b))
print('tampered signingTime of', p)
PY
# messageImprint: tsimprint.sys gets tsrfc.sys's token, a good token over another signature's value
# (the two tokens differ in the imprint and the serial number, whose encoding may be a byte shorter: then the
# signing is repeated, the transplant wants tokens of one length)
cat >"$T/transplant.py" <<'PY'
import sys
# the attribute SEQUENCE { OID 1.3.6.1.4.1.311.3.3.1, SET { TimeStampToken } }: the SET's bytes
oid = bytes.fromhex('060a2b0601040182370303 01'.replace(' ', ''))
def token(b):
    i = b.rindex(oid) + len(oid)
    assert b[i] == 0x31
    n = b[i + 1]
    hdr = 2
    if n & 0x80:
        k = n & 0x7f
        n = int.from_bytes(b[i + 2:i + 2 + k], 'big')
        hdr += k
    return i, hdr + n
src = open(sys.argv[1], 'rb').read()
dst = bytearray(open(sys.argv[2], 'rb').read())
si, sn = token(src)
di, dn = token(dst)
assert sn == dn, 'tokens of different lengths (%d, %d)' % (sn, dn)
dst[di:di + dn] = src[si:si + sn]
open(sys.argv[2], 'wb').write(bytes(dst))
print('token of', sys.argv[1], 'into', sys.argv[2])
PY
# (the serial and the TSA's ECDSA signature vary in length: a pair may take several signings;
# eight were once not enough in CI)
for try in $(seq 64); do
	"$PYTHON" "$T/transplant.py" "$T/tsrfc.sys" "$T/tsimprint.sys" >>"$LOG" 2>&1 && break
	[ "$try" -lt 64 ] || die "token transplant failed after $try signings (log: $LOG)"
	sign tsimprint leaf "${RFC[@]}"
done
kill "$TSA_PID" 2>/dev/null || true
wait "$TSA_PID" 2>/dev/null || true
trap - EXIT

R=$OUT/timestamps
rm -rf "$R"
mkdir -p "$R/Windows/System32/drivers"
for id in $IDS; do cp "$T/$id.sys" "$R/Windows/System32/drivers/"; done
cp "$P/ca.pem" "$P/tsaca.pem" "$R/"
cat >"$R/TIMESTAMPS.md" <<EOF
# Timestamped driver fixtures (tests/mktimestamps.sh)

Signed with osslsigncode by a CA and leaves made at test time (O=AO Kaspersky Lab, 2015-2045; the leaf
"2018" valid 2018-01-01 to 2020-10-22); timestamps by a test TSA (Example Test Timestamp Responder, 2010-2040).

| driver | signer | timestamp |
|---|---|---|
| tsrfc.sys | current leaf | RFC 3161 (osslsigncode's built-in TSA), genTime 2019-05-01T12:00:00Z |
| tslegacy.sys | current leaf | legacy Authenticode (tests/legacy-tsa.py), signingTime the run's time |
| tsexpired.sys | leaf expired 2020-10-22 | RFC 3161 2019-05-01: valid as Windows judges it |
| tsnots.sys | leaf expired 2020-10-22 | none: expired and not timestamped |
| tsbadrfc.sys | current leaf | RFC 3161 with genTime changed after signing: invalid |
| tsbadlegacy.sys | current leaf | legacy with signingTime changed after signing: invalid |
| tsimprint.sys | current leaf | tsrfc.sys's RFC 3161 token (good, but over another signature value): invalid |
| tselam.sys | ELAM leaf (EKU 1.3.6.1.4.1.311.61.4.1) | none |
| tscurrent.sys | current leaf | none |
EOF
