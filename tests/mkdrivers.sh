#!/usr/bin/env bash
# Generates Windows driver fixtures for kdetect: tiny mingw-built PE "drivers" with VERSIONINFO resources,
# Authenticode-signed by the test PKI (tests/pki.sh) and a test WHCP PKI made here, hostile PE files, fixture
# roots and OUTDIR/DRIVERS.md + OUTDIR/drivers.tsv. Usage: tests/mkdrivers.sh PKIDIR OUTDIR
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/fixlib.sh"
[ $# -eq 2 ] || die "usage: tests/mkdrivers.sh PKIDIR OUTDIR   (PKIDIR made by tests/pki.sh)"

CC=x86_64-w64-mingw32-gcc
WINDRES=x86_64-w64-mingw32-windres
for c in $CC $WINDRES osslsigncode openssl python3 truncate mkfifo; do
	command -v "$c" >/dev/null ||
		die "'$c' not found (apt-get install gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 osslsigncode openssl python3)"
done

PKI=$(cd "$1" 2>/dev/null && pwd) || die "no PKI dir $1 (run tests/pki.sh DIR first)"
for f in kl/key.pem kl/cert.pem kl/ca.pem vendor/key.pem vendor/cert.pem; do
	[ -s "$PKI/$f" ] || die "$PKI/$f missing (run tests/pki.sh $1)"
done
mkdir -p "$2"
OUT=$(cd "$2" && pwd)
[ "$OUT" != / ] || die "refusing OUTDIR=/"

B=$OUT/.build
rm -rf "$B"
mkdir -p "$B"
LOG=$OUT/build.log
: >"$LOG"

# --- 1. test WHCP PKI (kept when complete, like tests/pki.sh) --------------------------------------------
WHCP=$OUT/pki-mswhcp
whcp_complete() {
	local f
	for f in ca.key ca.pem key.pem cert.pem; do [ -s "$WHCP/$f" ] || return 1; done
}
if ! whcp_complete; then
	rm -rf "$WHCP" "$WHCP.tmp"
	mkdir -p "$WHCP.tmp"
	W=$WHCP.tmp
	cat >"$W/ext.cnf" <<'EOF'
[ ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ leaf ]
# like the real attestation leaf: code signing + Windows Hardware Driver (Attested) Verification
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning,1.3.6.1.4.1.311.10.3.5,1.3.6.1.4.1.311.10.3.5.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer
EOF
	(umask 077
	 run openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 3650 \
		-keyout "$W/ca.key" -out "$W/ca.pem" \
		-subj "/C=US/O=Microsoft Corporation/OU=kdetect TEST PKI - not issued by Microsoft/CN=Microsoft Windows Third Party Component CA 2014 (TEST)" \
		-config "$W/ext.cnf" -extensions ca -set_serial "0x$(openssl rand -hex 16)"
	 run openssl req -new -newkey rsa:2048 -nodes -sha256 -keyout "$W/key.pem" -out "$W/leaf.csr" \
		-subj "/C=US/ST=Washington/L=Redmond/O=Microsoft Corporation/CN=Microsoft Windows Hardware Compatibility Publisher" \
		-config "$W/ext.cnf"
	 run openssl x509 -req -sha256 -days 3650 -in "$W/leaf.csr" -CA "$W/ca.pem" -CAkey "$W/ca.key" \
		-set_serial "0x$(openssl rand -hex 16)" -extfile "$W/ext.cnf" -extensions leaf -out "$W/cert.pem")
	rm -f "$W/leaf.csr" "$W/ext.cnf"
	run openssl verify -CAfile "$W/ca.pem" "$W/cert.pem"
	mv "$W" "$WHCP"
fi

# --- 2. build the tiny drivers ------------------------------------------------------------------------------
cat >"$B/driver.c" <<'EOF'
/* kdetect test fixture: a do-nothing "driver", not a real one */
typedef long NTSTATUS;
__declspec(dllimport) unsigned long DbgPrint(const char *fmt, ...);
NTSTATUS DriverEntry(void *DriverObject, void *RegistryPath)
{
	(void)DriverObject;
	(void)RegistryPath;
	DbgPrint("kdetect fixture " FIXTURE "\n");
	return 0;
}
EOF

# mkrc ID TABLE COMPANY PRODUCT DESCRIPTION ORIGNAME VERSION: write $B/ID.rc (a normal VERSIONINFO)
mkrc() {
	local id=$1 table=$2 company=$3 product=$4 desc=$5 orig=$6 ver=$7 num
	num=${ver%% *}
	num=${num//./,}
	cat >"$B/$id.rc" <<EOF
LANGUAGE 9, 1
1 VERSIONINFO
FILEVERSION $num
PRODUCTVERSION $num
FILEFLAGSMASK 0x3f
FILEFLAGS 0x0
FILEOS 0x40004
FILETYPE 0x3
FILESUBTYPE 0x7
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "$table"
    BEGIN
      VALUE "CompanyName", "$company"
      VALUE "FileDescription", "$desc"
      VALUE "FileVersion", "$ver"
      VALUE "InternalName", "${orig%.*}"
      VALUE "LegalCopyright", "© $company"
      VALUE "OriginalFilename", "$orig"
      VALUE "ProductName", "$product"
      VALUE "ProductVersion", "$ver"
      VALUE "Comments", "kdetect test fixture - not a real driver"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x${table:0:4}, 0x${table:4:4}
  END
END
EOF
}

# rawrc ID BLOB: $B/ID.rc holding BLOB verbatim as the RT_VERSION (16) resource
rawrc() {
	printf 'LANGUAGE 9, 1\n1 16 "%s"\n' "$2" >"$B/$1.rc"
}

# build ID: $B/ID.rc (if any) + driver.c -> $B/ID.sys (unsigned)
build() {
	local id=$1 objs=()
	if [ -f "$B/$id.rc" ]; then
		run $WINDRES -c 65001 -O coff -i "$B/$id.rc" -o "$B/$id.res.o"
		objs=("$B/$id.res.o")
	fi
	run $CC -O2 -nostdlib -ffreestanding -s -DFIXTURE="\"$id\"" \
		-Wl,--subsystem,native -e DriverEntry -Wl,--no-insert-timestamp \
		-Wl,--image-base,0x140000000 -o "$B/$id.sys" "$B/driver.c" "${objs[@]}" -lntoskrnl
}

KL_CO="AO Kaspersky Lab"
KL_PR="Kaspersky Anti-Virus"
NEUTRAL_CO="Example Industrial Controls Ltd"
NEUTRAL_PR="Example Motion Controller"

mkrc klif 040904B0 "$KL_CO" "$KL_PR" "Klif Mini-Filter [fre_win7_x64]" klif.sys "21.25.7.539"
mkrc klhk 040904B0 "$KL_CO" "$KL_PR" "Kaspersky Lab klhk driver (test fixture)" klhk.sys "21.25.7.539"
mkrc klflt 040904B0 "$KL_CO" "$KL_PR" "Kaspersky Lab klflt driver (test fixture)" klflt.sys "21.25.7.539"
mkrc klpd 000004B0 "$KL_CO" "$KL_PR" "Kaspersky Lab klpd driver (test fixture)" klpd.sys "21.25.7.539"
mkrc kliff 040904B0 "Kliff Industrial Automation GmbH" "Kliff Fieldbus Suite" "Kliff Industrial Fieldbus Filter" klif.sys "4.1.0.2"
mkrc kneps 040904B0 "Kneps Networks Inc." "Kneps Edge Agent" "Kneps packet filter" kneps.sys "2.0.3.0"
mkrc netio 040904B0 "Microsoft Corporation" "Microsoft® Windows® Operating System" "Network I/O Subsystem" \
	netio.sys "10.0.19041.1 (WinBuild.160101.0800)"
for id in dual tampered hostile multicert nocerts pagehash sha1; do
	mkrc $id 040904B0 "$NEUTRAL_CO" "$NEUTRAL_PR" "Example motion controller driver" "$id.sys" "3.2.0.17"
done

PY=$B/pe.py
cat >"$PY" <<'PYEOF'
# PE helpers for tests/mkdrivers.sh (generated; stdlib only)
import os, random, struct, sys

def u16(b, o): return struct.unpack_from('<H', b, o)[0]
def u32(b, o): return struct.unpack_from('<I', b, o)[0]
def p16(b, o, v): struct.pack_into('<H', b, o, v & 0xffff)
def p32(b, o, v): struct.pack_into('<I', b, o, v & 0xffffffff)
def rd(p): return bytearray(open(p, 'rb').read())
def wr(p, b):
    with open(p, 'wb') as f: f.write(bytes(b))

class PE:
    def __init__(self, b):
        self.b = b
        self.lfanew = u32(b, 0x3c)
        assert b[self.lfanew:self.lfanew + 4] == b'PE\0\0'
        self.coff = self.lfanew + 4
        self.opt = self.coff + 20
        self.plus = u16(b, self.opt) == 0x20b
        self.checksum_off = self.opt + 64
        self.nrva_off = self.opt + (108 if self.plus else 92)
        self.dd = self.nrva_off + 4
        self.sect_off = self.opt + u16(b, self.coff + 16)
    def dir(self, i): return struct.unpack_from('<II', self.b, self.dd + 8 * i)
    def set_dir(self, i, va, sz): struct.pack_into('<II', self.b, self.dd + 8 * i, va & 0xffffffff, sz & 0xffffffff)
    def sections(self):
        out = []
        for i in range(u16(self.b, self.coff + 2)):
            o = self.sect_off + 40 * i
            name = bytes(self.b[o:o + 8]).rstrip(b'\0').decode()
            vsize, va, rawsize, rawptr = struct.unpack_from('<IIII', self.b, o + 8)
            out.append(dict(name=name, off=o, vsize=vsize, va=va, rawsize=rawsize, rawptr=rawptr))
        return out
    def section(self, name):
        return next(s for s in self.sections() if s['name'] == name)
    def rva2off(self, rva):
        for s in self.sections():
            if s['va'] <= rva < s['va'] + max(s['vsize'], s['rawsize']):
                return s['rawptr'] + rva - s['va']
        raise ValueError('rva %#x' % rva)
    def checksum(self):
        b = bytes(self.b) + (b'\0' if len(self.b) % 2 else b'')
        s = 0
        for i in range(0, len(b), 2):
            if i in (self.checksum_off, self.checksum_off + 2):
                continue
            s += b[i] | b[i + 1] << 8
            s = (s & 0xffff) + (s >> 16)
        s = (s & 0xffff) + (s >> 16)
        return (s + len(self.b)) & 0xffffffff
    def fix_checksum(self): p32(self.b, self.checksum_off, self.checksum())
    def certs(self):
        va, sz = self.dir(4)
        out, o = [], va
        while o < va + sz:
            n = u32(self.b, o)
            out.append(bytes(self.b[o:o + n]))
            o += (n + 7) & ~7
        return out
    # resource tree: offsets of the RT_VERSION entries (type, name and language levels) and its data entry
    def version_rsrc(self):
        rva, _ = self.dir(2)
        base = self.rva2off(rva)
        def entries(d):
            n = u16(self.b, d + 12) + u16(self.b, d + 14)
            return [d + 16 + 8 * i for i in range(n)]
        t = next(e for e in entries(base) if u32(self.b, e) == 16)
        nd = base + (u32(self.b, t + 4) & 0x7fffffff)
        ne = entries(nd)[0]
        ld = base + (u32(self.b, ne + 4) & 0x7fffffff)
        le = entries(ld)[0]
        de = base + u32(self.b, le + 4)
        return dict(base=base, type_entry=t, name_dir=nd, name_entry=ne, lang_dir=ld, lang_entry=le,
                    data_entry=de, data_off=self.rva2off(u32(self.b, de)), data_size=u32(self.b, de + 4))

# --- VERSIONINFO builder -------------------------------------------------------------------------------
def pad4(b):
    while len(b) % 4: b += b'\0'

def node(key, value=b'', vlen=0, vtype=1, children=(), wlen=None, key_nul=True):
    b = bytearray(6) + key.encode('utf-16-le') + (b'\0\0' if key_nul else b'')
    if value or children: pad4(b)
    b += value
    for c in children:
        pad4(b)
        b += c
    p16(b, 0, len(b) if wlen is None else wlen)
    p16(b, 2, vlen)
    p16(b, 4, vtype)
    return b

def string(k, v, term=True, **kw):
    val = v.encode('utf-16-le') + (b'\0\0' if term else b'')
    return node(k, val, len(v) + (1 if term else 0), 1, **kw)

FIXED = struct.pack('<13I', 0xFEEF04BD, 0x00010000, 0x00030002, 0x00000011, 0x00030002, 0x00000011,
                    0x3f, 0, 0x40004, 3, 7, 0, 0)
NEUTRAL = [('CompanyName', 'Example Industrial Controls Ltd'), ('FileDescription', 'Example hostile fixture'),
           ('FileVersion', '3.2.0.17'), ('OriginalFilename', 'hostile.sys'), ('ProductName', 'Example Motion Controller')]

def table(strings, lang='040904B0', **kw): return node(lang, children=strings, **kw)
def sfi(tables, **kw): return node('StringFileInfo', children=tables, **kw)
def vfi(): return node('VarFileInfo', children=[node('Translation', struct.pack('<HH', 0x409, 1200), 4, 0)])
def root(children, **kw): return node('VS_VERSION_INFO', FIXED, len(FIXED), 0, children, **kw)
def neutral_strings(): return [string(k, v) for k, v in NEUTRAL]
KL_LURE = lambda: sfi([table([string('CompanyName', 'AO Kaspersky Lab'), string('ProductName', 'Kaspersky Anti-Virus')])])

def viblobs(d):
    """hostile VERSIONINFO blobs: name -> (blob, data entry size or None)"""
    out = {}
    s = neutral_strings()
    s[0] = string('CompanyName', NEUTRAL[0][1], wlen=0)
    out['vi-wlength-0'] = (root([sfi([table(s)]), vfi()]), None)
    out['vi-root-wlength-0'] = (root([sfi([table(neutral_strings())]), vfi()], wlen=0), None)
    s = neutral_strings()
    s[0] = string('CompanyName', NEUTRAL[0][1], wlen=0xfff0)
    out['vi-wlength-overflow'] = (root([sfi([table(s)]), vfi()]), None)
    # root claims more than the resource holds; what follows it in the file is a Kaspersky StringFileInfo
    v = root([sfi([table(neutral_strings())]), vfi()])
    pad4(v)
    lure = KL_LURE()
    p16(v, 0, len(v) + len(lure))
    out['vi-root-overflow-lure'] = (v + lure, len(v))
    s = [string(k, val) for k, val in NEUTRAL]
    for i, x in enumerate(s):
        p16(x, 0, u16(x, 0) + (1 if i % 2 == 0 else -1))   # odd wLength: one byte too long / too short
    t = table(s)
    p16(t, 0, u16(t, 0) | 1)
    out['vi-odd-lengths'] = (root([sfi([t]), vfi()]), None)
    # the last value of the resource has no NUL; right after the resource (in the file) comes " / AO Kaspersky Lab"
    s = neutral_strings()[1:] + [string('CompanyName', NEUTRAL[0][1], term=False)]
    v = root([vfi(), sfi([table(s)])])
    out['vi-value-no-nul-lure'] = (v + ' / AO Kaspersky Lab'.encode('utf-16-le') + b'\0\0', len(v))
    s = neutral_strings() + [node('CompanyName', key_nul=False)]
    out['vi-key-no-nul'] = (root([vfi(), sfi([table(s)])]), None)
    # 5000 levels of nesting below the StringTable (wLength is 16 bits: 12 bytes a level)
    deep = string('CompanyName', NEUTRAL[0][1])
    for _ in range(5000):
        deep = node('d', children=[deep])
    out['vi-deep-nesting'] = (root([sfi([table(neutral_strings()[1:] + [deep])]), vfi()]), None)
    for name, (blob, size) in out.items():
        assert len(blob) < 0x10000, name
        wr(os.path.join(d, name + '.bin'), blob)
        if size is not None:
            open(os.path.join(d, name + '.size'), 'w').write('%d\n' % size)

# --- DER: drop the certificates of a PKCS#7 SignedData ---------------------------------------------------
def der_hdr(b, o):
    tag, l = b[o], b[o + 1]
    o += 2
    if l & 0x80:
        n = l & 0x7f
        l = int.from_bytes(b[o:o + n], 'big')
        o += n
    return tag, o, l            # tag, content offset, content length

def der_len(n):
    if n < 0x80: return bytes([n])
    s = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([0x80 | len(s)]) + s

def der(tag, content): return bytes([tag]) + der_len(len(content)) + content

def children(b, o, l):
    out, end = [], o + l
    while o < end:
        tag, c, n = der_hdr(b, o)
        out.append((tag, bytes(b[o:c + n])))
        o = c + n
    return out

def strip_certs(p7):
    tag, c, n = der_hdr(p7, 0)                  # ContentInfo
    oid, ctx = children(p7, c, n)
    _, c2, n2 = der_hdr(ctx[1], 0)              # [0] EXPLICIT
    _, c3, n3 = der_hdr(ctx[1], c2)             # SignedData
    sd = [x for x in children(ctx[1], c3, n3) if x[0] != 0xa0]   # drop [0] IMPLICIT certificates
    assert len(sd) == len(children(ctx[1], c3, n3)) - 1
    return der(0x30, oid[1] + der(0xa0, der(0x30, b''.join(x[1] for x in sd))))

def set_certs(pe, entries):
    """replace the certificate table (at the end of the file) with ENTRIES (raw PKCS#7 or (rev,type,bytes))"""
    va, sz = pe.dir(4)
    assert va + sz == len(pe.b)
    del pe.b[va:]
    for e in entries:
        rev, typ, data = e if isinstance(e, tuple) else (0x200, 2, e)
        w = bytearray(struct.pack('<IHH', 8 + len(data), rev, typ)) + data
        while len(w) % 8: w += b'\0'
        pe.b += w
    pe.set_dir(4, va, len(pe.b) - va)
    pe.fix_checksum()

def certs_payload(pe):
    return [c[8:u32(c, 0)] for c in pe.certs()]

# --- commands --------------------------------------------------------------------------------------------
def cmd_checksum(path):
    pe = PE(rd(path))
    pe.fix_checksum()
    wr(path, pe.b)

def cmd_verify_checksum(*paths):
    for path in paths:
        pe = PE(rd(path))
        assert u32(pe.b, pe.checksum_off) == pe.checksum(), 'checksum of ' + path

def cmd_flip_text(src, dst):
    pe = PE(rd(src))
    t = pe.section('.text')
    pe.b[t['rawptr'] + 4] ^= 0x01
    wr(dst, pe.b)

def cmd_multicert(vendor_signed, kl_signed, dst):
    v, k = PE(rd(vendor_signed)), PE(rd(kl_signed))
    va = v.dir(4)[0]
    assert va == k.dir(4)[0]
    for pe in (v, k):                           # same image apart from checksum and certificate table
        p32(pe.b, pe.checksum_off, 0)
        pe.set_dir(4, 0, 0)
    assert v.b[:va] == k.b[:va], 'vendor- and kl-signed images differ'
    v, k = PE(rd(vendor_signed)), PE(rd(kl_signed))
    set_certs(v, certs_payload(v) + certs_payload(k))
    wr(dst, v.b)

def cmd_nocerts(src, dst):
    pe = PE(rd(src))
    set_certs(pe, [strip_certs(certs_payload(pe)[0])])
    wr(dst, pe.b)

def cmd_hostile(b, h):
    """b: build dir (hostile.sys unsigned, hostile-kl.sys kl-signed, vi-*.sys); h: output dir"""
    base = rd(os.path.join(b, 'hostile.sys'))
    klb = rd(os.path.join(b, 'hostile-kl.sys'))
    def out(name, data): wr(os.path.join(h, name), data)
    def pe(data): return PE(bytearray(data))

    # PE headers
    p = pe(base); out('sect-table-past-eof.sys', p.b[:p.sect_off + 20])
    p = pe(base); p16(p.b, p.coff + 2, 0xffff); out('nsections-ffff.sys', p.b)
    p = pe(base); p16(p.b, p.coff + 16, 0xffff); out('opthdr-size-huge.sys', p.b)
    p = pe(base); p32(p.b, p.nrva_off, 0xffffffff); out('rva-count-huge.sys', p.b)
    p = pe(base); p32(p.b, 0x3c, 0xfffffff0); out('lfanew-negative.sys', p.b)
    out('mz-truncated.sys', b'MZ\x90\x00')
    p = pe(klb); s = p.sections()[-1]; p32(p.b, s['off'] + 16, 0x7ffff000); out('section-raw-past-eof.sys', p.b)
    p = pe(klb); s = p.section('.text')
    p32(p.b, s['off'] + 20, 0xfffffe00); p32(p.b, s['off'] + 16, 0x400); out('section-offset-wrap.sys', p.b)

    # certificate table (all on the kl-signed neutral image: a lax parser would find the Kaspersky signer)
    va, sz = PE(bytearray(klb)).dir(4)
    p = pe(klb); p32(p.b, va, 0); out('cert-dwlength-0.sys', p.b)
    p = pe(klb); p32(p.b, va, 0x7ffffff0); out('cert-dwlength-huge.sys', p.b)
    p = pe(klb); p32(p.b, va, 0xfffffffc); out('cert-dwlength-wrap.sys', p.b)
    p = pe(klb); p.set_dir(4, va, 16); out('cert-dir-size-short.sys', p.b)
    p = pe(klb); p.set_dir(4, 0x200, len(p.b) - 0x200); out('cert-overlaps-headers.sys', p.b)
    p = pe(klb); p.set_dir(4, len(p.b) + 0x1000, 0x800); out('cert-dir-past-eof.sys', p.b)
    p = pe(klb); n = u32(p.b, va)
    rnd = random.Random(4242)
    p.b[va + 8:va + n] = bytes(rnd.randrange(256) for _ in range(n - 8)); out('cert-pkcs7-garbage.sys', p.b)
    p = pe(klb); p7 = certs_payload(p)[0]
    set_certs(p, [p7[:len(p7) * 6 // 10]]); out('cert-pkcs7-truncated.sys', p.b)

    # resource directory
    p = pe(base); r = p.version_rsrc(); p32(p.b, r['name_entry'] + 4, 0x80000000); out('rsrc-cycle.sys', p.b)
    p = pe(base); r = p.version_rsrc(); p32(p.b, r['type_entry'] + 4, 0x80000000); out('rsrc-self-loop.sys', p.b)
    p = pe(base); r = p.version_rsrc(); p16(p.b, r['base'] + 14, 0xffff); out('rsrc-entries-ffff.sys', p.b)
    p = pe(base); r = p.version_rsrc(); p32(p.b, r['data_entry'], 0xffffff00); out('rsrc-data-rva-bad.sys', p.b)
    p = pe(base); r = p.version_rsrc(); p32(p.b, r['data_entry'] + 4, 0x7fffffff); out('rsrc-data-size-huge.sys', p.b)

    # VERSIONINFO: the vi-*.sys built from the blobs; cut the data entry where a .size file says so
    for f in sorted(os.listdir(b)):
        if not (f.startswith('vi-') and f.endswith('.sys')):
            continue
        p = pe(rd(os.path.join(b, f)))
        sizef = os.path.join(b, f[:-4] + '.size')
        if os.path.exists(sizef):
            r = p.version_rsrc()
            p32(p.b, r['data_entry'] + 4, int(open(sizef).read()))
        p.fix_checksum()
        out(f, p.b)

    out('klflt.sys', b'')
    rnd = random.Random(77)
    out('kneps.sys', b'not a PE file\n' + bytes(rnd.randrange(256) for _ in range(4082)))

if __name__ == '__main__':
    cmd, args = sys.argv[1], sys.argv[2:]
    globals()['cmd_' + cmd.replace('-', '_')](*args) if cmd != 'viblobs' else viblobs(*args)
PYEOF

# Debian's python3 when there is one: a pyenv shim in PATH costs 0.4 s a call
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
py() { run "$PYTHON" "$PY" "$@"; }

py viblobs "$B"
for f in "$B"/vi-*.bin; do
	id=$(basename "$f" .bin)
	rawrc "$id" "$f"
done
for rc in "$B"/*.rc; do build "$(basename "$rc" .rc)"; done
build klbackupflt                     # no .rc: no resource at all
py checksum "$B/klbackupflt.sys"

# --- 3. sign --------------------------------------------------------------------------------------------
# sign kl|vendor|whcp IN OUT [osslsigncode sign options]
sign() {
	local ks=$1 in=$2 out=$3 certs key ac=()
	shift 3
	case $ks in
	kl) certs=$PKI/kl/cert.pem key=$PKI/kl/key.pem ac=(-ac "$PKI/kl/ca.pem") ;;
	vendor) certs=$PKI/vendor/cert.pem key=$PKI/vendor/key.pem ;;
	whcp) certs=$WHCP/cert.pem key=$WHCP/key.pem ac=(-ac "$WHCP/ca.pem") ;;
	*) die "sign: unknown key set $ks" ;;
	esac
	rm -f "$out"
	run osslsigncode sign -certs "$certs" -key "$key" "${ac[@]}" "$@" -in "$in" -out "$out"
}
S=$B/signed
mkdir -p "$S"
sign kl "$B/klif.sys" "$S/klif.sys" -h sha256
sign whcp "$B/klhk.sys" "$S/klhk.sys" -h sha256
sign vendor "$B/kliff.sys" "$S/kliff.sys" -h sha256
sign whcp "$B/netio.sys" "$S/netio.sys" -h sha256
sign vendor "$B/dual.sys" "$S/dual-vendor.sys" -h sha256
sign kl "$S/dual-vendor.sys" "$S/dual.sys" -h sha256 -nest
sign kl "$B/tampered.sys" "$S/tampered-orig.sys" -h sha256
py flip-text "$S/tampered-orig.sys" "$S/tampered.sys"
sign kl "$B/klflt.sys" "$S/klflt.sys" -h sha256
sign whcp "$B/kneps.sys" "$S/kneps.sys" -h sha256
sign vendor "$B/multicert.sys" "$S/multicert-vendor.sys" -h sha256
sign kl "$B/multicert.sys" "$S/multicert-kl.sys" -h sha256
py multicert "$S/multicert-vendor.sys" "$S/multicert-kl.sys" "$S/multicert.sys"
sign kl "$B/nocerts.sys" "$S/nocerts-orig.sys" -h sha256
py nocerts "$S/nocerts-orig.sys" "$S/nocerts.sys"
sign kl "$B/pagehash.sys" "$S/pagehash.sys" -h sha256 -ph
sign kl "$B/sha1.sys" "$S/sha1.sys" -h sha1
sign kl "$B/hostile.sys" "$B/hostile-kl.sys" -h sha256

# --- 4. verify (offline: no CRL/CDP fetch) -------------------------------------------------------------
NOFETCH=()
vhelp=$(osslsigncode verify --help 2>&1 || true)
case $vhelp in *-ignore-crl*) NOFETCH=(-ignore-crl) ;; *-ignore-cdp*) NOFETCH=(-ignore-cdp) ;; esac
cat "$PKI/vendor/cert.pem" "$PKI/kl/ca.pem" >"$B/ca-vendor-kl.pem"
# verifies FILE CAFILE NSIGS: osslsigncode exits 0 and reports NSIGS signatures "ok" (one line each in
# every version; 2.9 also prints "Number of verified signatures")
verifies() {
	local o
	o=$(osslsigncode verify -CAfile "$2" "${NOFETCH[@]}" -in "$1" 2>&1) || { echo "$o" >>"$LOG"; return 1; }
	echo "$o" >>"$LOG"
	[ "$(grep -c '^Signature verification: ok' <<<"$o")" -eq "$3" ]
}
verify_ok() { verifies "$@" || die "$1 does not verify against $2 with $3 signature(s) (log: $LOG)"; }
verify_fails() {
	! osslsigncode verify -CAfile "$2" "${NOFETCH[@]}" -in "$1" >>"$LOG" 2>&1 || die "$1 verifies but must not"
}
verify_ok "$S/klif.sys" "$PKI/kl/ca.pem" 1
verify_ok "$S/klflt.sys" "$PKI/kl/ca.pem" 1
verify_ok "$S/pagehash.sys" "$PKI/kl/ca.pem" 1
verify_ok "$S/klhk.sys" "$WHCP/ca.pem" 1
verify_ok "$S/netio.sys" "$WHCP/ca.pem" 1
verify_ok "$S/kneps.sys" "$WHCP/ca.pem" 1
verify_ok "$S/kliff.sys" "$PKI/vendor/cert.pem" 1
verify_ok "$S/dual.sys" "$B/ca-vendor-kl.pem" 2
verify_ok "$S/multicert-kl.sys" "$PKI/kl/ca.pem" 1
# multicert.sys: osslsigncode rejects a table of two entries ("Corrupted attribute certificate table");
# pe.py multicert asserted that both entries sign the same image, and each verified on its own above.
verify_ok "$S/multicert-vendor.sys" "$PKI/vendor/cert.pem" 1
verify_ok "$S/tampered-orig.sys" "$PKI/kl/ca.pem" 1
verify_fails "$S/tampered.sys" "$PKI/kl/ca.pem"
verify_fails "$S/nocerts.sys" "$PKI/kl/ca.pem"
verify_fails "$S/kliff.sys" "$PKI/kl/ca.pem"
verify_fails "$S/klhk.sys" "$PKI/kl/ca.pem"
verify_fails "$B/klbackupflt.sys" "$PKI/kl/ca.pem"
SHA1_OK=1
verifies "$S/sha1.sys" "$PKI/kl/ca.pem" 1 || SHA1_OK=0      # OpenSSL policy may refuse SHA-1
# every PE checksum is right but tampered.sys's: the flipped byte leaves it stale, on purpose
cks=()
for f in "$S"/*.sys "$B/klbackupflt.sys"; do
	case $f in */tampered.sys) ;; *) cks+=("$f") ;; esac
done
py verify-checksum "${cks[@]}"

# resources: windres must decompile each VERSIONINFO and find its CompanyName
# has_company FILE COMPANY
has_company() {
	$WINDRES -i "$1" -O rc 2>>"$LOG" | grep -F "VALUE \"CompanyName\", \"$2\"" >/dev/null ||
		die "$1: no VERSIONINFO with CompanyName \"$2\""
}
for f in klif klflt; do has_company "$S/$f.sys" "$KL_CO"; done
has_company "$S/klhk.sys" "$KL_CO"
has_company "$B/klpd.sys" "$KL_CO"
has_company "$S/kliff.sys" "Kliff Industrial Automation GmbH"
has_company "$S/netio.sys" "Microsoft Corporation"
has_company "$S/kneps.sys" "Kneps Networks Inc."
for f in dual tampered multicert nocerts pagehash sha1; do has_company "$S/$f.sys" "$NEUTRAL_CO"; done
$WINDRES -i "$B/klpd.sys" -O rc 2>>"$LOG" | grep 'BLOCK "000004B0"' >/dev/null || die "klpd.sys: no 000004B0 table"
x86_64-w64-mingw32-objdump -h "$B/klbackupflt.sys" | grep '\.rsrc' >/dev/null && die "klbackupflt.sys has a .rsrc"
x86_64-w64-mingw32-objdump -p "$S/klif.sys" | grep 'DLL Name: ntoskrnl.exe' >/dev/null || die "klif.sys does not import ntoskrnl.exe"

# --- 5. fixture roots ----------------------------------------------------------------------------------
rm -rf "$OUT/win10" "$OUT/edge-win" "$OUT/hostile-win" "$OUT/dualboot" "$OUT/host-canary"
D=Windows/System32/drivers
W10=$OUT/win10/$D
mkdir -p "$W10/K4W-21-25" "$W10/vendor"
cp "$S/klif.sys" "$S/klhk.sys" "$S/netio.sys" "$S/dual.sys" "$S/tampered.sys" "$W10/"
cp "$B/klbackupflt.sys" "$W10/"
cp "$S/klif.sys" "$W10/K4W-21-25/klif.sys"
cp "$S/kliff.sys" "$W10/vendor/klif.sys"

E=$OUT/edge-win/$D
mkdir -p "$E"
cp "$S/multicert.sys" "$S/nocerts.sys" "$S/pagehash.sys" "$S/kneps.sys" "$E/"
cp "$S/klflt.sys" "$E/KLFLT.SYS"
cp "$S/klif.sys" "$E/KLIF.KES-21-9.sys"
cp "$B/klpd.sys" "$E/klpd.sys"
[ $SHA1_OK -eq 0 ] || cp "$S/sha1.sys" "$E/sha1.sys"

H=$OUT/hostile-win/$D
mkdir -p "$H" "$OUT/host-canary"
py hostile "$B" "$H"
cp "$B/hostile.sys" "$H/huge.sys"
truncate -s 100M "$H/huge.sys"
cp "$S/klif.sys" "$H/control.sys"
cp "$S/klif.sys" "$OUT/host-canary/klif.sys"
ln -s "$OUT/host-canary/klif.sys" "$H/escape-abs.sys"
ln -s ../../../../host-canary/klif.sys "$H/escape-rel.sys"
ln -s .. "$H/loop"
mkfifo "$H/fifo.sys"
cp "$S/kliff.sys" "$H/"$'esc\e[31m\n.sys'

DB=$OUT/dualboot
mkdir -p "$DB/etc" "$DB/mnt/windows/$D" "$DB/media/usb/$D"
cat >"$DB/etc/fstab" <<'EOF'
# /etc/fstab: static file system information (kdetect fixture: dual-boot laptop)
# <file system>                           <mount point>  <type>   <options>                     <dump> <pass>
UUID=6f1d2c3e-0b7a-4e59-9a43-1c2d3e4f5a6b /              ext4     errors=remount-ro             0      1
UUID=3A1B-7C2D                            /boot/efi      vfat     umask=0077                    0      1
UUID=0f2e4d6c8b0a1234                     /mnt/windows   ntfs-3g  ro,uid=1000,windows_names     0      0
UUID=a1b2c3d4-e5f6-4711-8899-aabbccddeeff none           swap     sw                            0      0
# second NTFS disk, not mounted now (mount point absent in this root)
LABEL=Data                                /mnt/win\040data ntfs3  nofail,ro                     0      0
#/dev/sdb1                                /media/usb     ntfs     defaults                      0      0
EOF
cat >"$DB/etc/os-release" <<'EOF'
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
EOF
cp "$S/klif.sys" "$S/netio.sys" "$DB/mnt/windows/$D/"
cp "$S/kliff.sys" "$DB/media/usb/$D/klif.sys"

# --- 6. DRIVERS.md and drivers.tsv ---------------------------------------------------------------------
TSV=$OUT/drivers.tsv
printf '# path\tverdict\tsignature\treason\n' >"$TSV"
# expect PATH VERDICT SIGNATURE REASON
expect() {
	[ -e "$OUT/$1" ] || die "expect: $1 does not exist"
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$TSV"
}
w=win10/$D e=edge-win/$D h=hostile-win/$D
expect "$w/klif.sys" kaspersky valid "signer chain: leaf O=AO Kaspersky Lab, CA Kaspersky Test Root CA (+ version resource AO Kaspersky Lab)"
expect "$w/K4W-21-25/klif.sys" kaspersky valid "copy of klif.sys in the product-versioned subfolder"
expect "$w/klhk.sys" kaspersky valid "WHCP (attestation) signature: vendor only in VERSIONINFO CompanyName AO Kaspersky Lab"
expect "$w/vendor/klif.sys" none valid "lookalike: CompanyName Kliff Industrial Automation GmbH, vendor-signed; name klif.sys must not decide"
expect "$w/klbackupflt.sys" none unsigned "known Kaspersky name only: no version resource, no signature"
expect "$w/netio.sys" none valid "Microsoft Corporation, WHCP-signed"
expect "$w/dual.sys" kaspersky valid "primary signature by the vendor key, nested second signature (1.3.6.1.4.1.311.2.4.1) by the Kaspersky test leaf; version resource neutral"
expect "$w/tampered.sys" none invalid "kl-signed, then one .text byte changed: digest mismatch; a signer in an invalid signature does not count; version resource neutral"
expect "$e/multicert.sys" kaspersky valid "two WIN_CERTIFICATE entries: 1st vendor, 2nd Kaspersky test leaf (both valid for the image); version resource neutral"
expect "$e/nocerts.sys" none unverifiable "kl signature with the certificates removed from the PKCS#7: signer not in the signature; version resource neutral"
expect "$e/pagehash.sys" kaspersky valid "Kaspersky test signature with page hashes (SpcSerializedObject in SpcPeImageData); version resource neutral"
expect "$e/kneps.sys" none valid "WHCP-signed, CompanyName Kneps Networks Inc.: a known Kaspersky name from another company"
expect "$e/KLFLT.SYS" kaspersky valid "upper-case name and extension; kl-signed, version resource AO Kaspersky Lab"
expect "$e/KLIF.KES-21-9.sys" kaspersky valid "klif.sys renamed the KES way (name.KES-21-9.sys)"
expect "$e/klpd.sys" kaspersky unsigned "unsigned; VERSIONINFO string table 000004B0 (not 040904B0) with CompanyName AO Kaspersky Lab"
[ $SHA1_OK -eq 0 ] || expect "$e/sha1.sys" kaspersky valid "Kaspersky test signature with a SHA-1 digest; version resource neutral"
expect "$h/control.sys" kaspersky valid "control: copy of klif.sys (proves the scan goes on past the hostile files)"
expect "$h/sect-table-past-eof.sys" malformed malformed "file ends 20 bytes into the section table"
expect "$h/nsections-ffff.sys" malformed malformed "NumberOfSections 0xffff: section table far past EOF"
expect "$h/opthdr-size-huge.sys" malformed malformed "SizeOfOptionalHeader 0xffff: beyond the file"
expect "$h/rva-count-huge.sys" malformed malformed "NumberOfRvaAndSizes 0xffffffff (unsigned, neutral) [none/unsigned acceptable if capped at 16]"
expect "$h/lfanew-negative.sys" malformed malformed "e_lfanew 0xfffffff0 (negative as int32, past EOF as uint32)"
expect "$h/mz-truncated.sys" malformed malformed "4 bytes: MZ and nothing else"
expect "$h/section-raw-past-eof.sys" malformed malformed "kl-signed, then the last section's SizeOfRawData set to 0x7ffff000"
expect "$h/section-offset-wrap.sys" malformed malformed "kl-signed, then .text PointerToRawData 0xfffffe00 + SizeOfRawData 0x400 (wraps 32 bits)"
expect "$h/cert-dwlength-0.sys" malformed malformed "kl-signed; WIN_CERTIFICATE dwLength 0 (a loop that adds dwLength never ends)"
expect "$h/cert-dwlength-huge.sys" malformed malformed "kl-signed; dwLength 0x7ffffff0, larger than the file"
expect "$h/cert-dwlength-wrap.sys" malformed malformed "kl-signed; dwLength 0xfffffffc (rounding up to 8 wraps to 0)"
expect "$h/cert-dir-size-short.sys" malformed malformed "kl-signed; certificate directory Size 16 < dwLength"
expect "$h/cert-overlaps-headers.sys" malformed malformed "kl-signed; certificate directory at file offset 0x200 (inside SizeOfHeaders) up to EOF"
expect "$h/cert-dir-past-eof.sys" malformed malformed "kl-signed; certificate directory at EOF+0x1000"
expect "$h/cert-pkcs7-garbage.sys" malformed malformed "WIN_CERTIFICATE header fine, PKCS#7 bytes random"
expect "$h/cert-pkcs7-truncated.sys" malformed malformed "kl PKCS#7 cut to 60% (outer DER length says more); the kl certificates are still in the bytes"
expect "$h/rsrc-cycle.sys" malformed unsigned "resource name-level entry points back to the root directory"
expect "$h/rsrc-self-loop.sys" malformed unsigned "root RT_VERSION entry's subdirectory is the root itself"
expect "$h/rsrc-entries-ffff.sys" malformed unsigned "root resource directory NumberOfIdEntries 0xffff"
expect "$h/rsrc-data-rva-bad.sys" malformed unsigned "VERSIONINFO data entry RVA 0xffffff00"
expect "$h/rsrc-data-size-huge.sys" malformed unsigned "VERSIONINFO data entry Size 0x7fffffff"
expect "$h/vi-wlength-0.sys" malformed unsigned "String CompanyName wLength 0"
expect "$h/vi-root-wlength-0.sys" malformed unsigned "VS_VERSIONINFO wLength 0"
expect "$h/vi-wlength-overflow.sys" malformed unsigned "String CompanyName wLength 0xfff0, larger than its StringTable and the resource"
expect "$h/vi-root-overflow-lure.sys" malformed unsigned "VS_VERSIONINFO wLength larger than the resource; the bytes after it hold a Kaspersky StringFileInfo (lure)"
expect "$h/vi-odd-lengths.sys" malformed unsigned "odd wLength on every String (one byte long / short) and on the StringTable [none acceptable if tolerated]"
expect "$h/vi-value-no-nul-lure.sys" malformed unsigned "last value (CompanyName) has no NUL; after the resource: ' / AO Kaspersky Lab' (lure) [none acceptable if bounded by wValueLength]"
expect "$h/vi-key-no-nul.sys" malformed unsigned "last String key without NUL at the end of the resource"
expect "$h/vi-deep-nesting.sys" malformed unsigned "5000 nested blocks below the StringTable [none acceptable if the depth limit just skips them]"
expect "$h/klflt.sys" malformed malformed "0 bytes; a known Kaspersky name"
expect "$h/kneps.sys" malformed malformed "not a PE (text + random bytes); a known Kaspersky name"
expect "$h/huge.sys" none unsigned "100 MiB sparse: neutral unsigned driver + zeros [skipping it as too large is acceptable]"
d=dualboot
expect "$d/mnt/windows/$D/klif.sys" kaspersky valid "the Windows partition named in etc/fstab (ntfs-3g at /mnt/windows): auto-discovery"
expect "$d/mnt/windows/$D/netio.sys" none valid "Microsoft Corporation, WHCP-signed"
expect "$d/media/usb/$D/klif.sys" none valid "lookalike (Kliff Industrial Automation GmbH) on a removable disk not in fstab"

# fingerprint PEM: "subject; issuer ...; SHA-256 ..."
fingerprint() {
	printf '%s; issuer %s; SHA-256 %s' \
		"$(openssl x509 -in "$1" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')" \
		"$(openssl x509 -in "$1" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')" \
		"$(openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g')"
}
# count ROOT VERDICT: drivers.tsv lines of ROOT with VERDICT
count() { awk -F'\t' -v r="$1/" -v v="$2" 'index($1, r) == 1 && $2 == v' "$TSV" | wc -l; }

{
	cat <<EOF
# kdetect Windows driver fixtures (generated by tests/mkdrivers.sh - do not edit)

Every file below is a tiny PE32+ "driver" built with mingw-w64 (\`DriverEntry\` returning 0, imports
\`DbgPrint\` from ntoskrnl.exe, subsystem native, ImageBase 0x140000000) and signed with osslsigncode.
None is a real Kaspersky or Microsoft file; every key is a test key made at test time.
Machine-readable expectations: \`drivers.tsv\` (path relative to this directory, verdict, signature, reason).
Every root has Kaspersky findings, so a scan of any of them exits 1.

## Test PKIs (outside every root)
- **kl** (\`$PKI/kl\`): $(fingerprint "$PKI/kl/cert.pem").
  CA: $(fingerprint "$PKI/kl/ca.pem"). Signatures carry leaf and CA (\`-ac\`).
- **vendor** (\`$PKI/vendor\`, self-signed leaf): $(fingerprint "$PKI/vendor/cert.pem").
- **WHCP test** (\`$WHCP\`): $(fingerprint "$WHCP/cert.pem"); EKU codeSigning,
  1.3.6.1.4.1.311.10.3.5 and 1.3.6.1.4.1.311.10.3.5.1 (like the real attestation leaf).
  CA: $(fingerprint "$WHCP/ca.pem"). The real chain goes up to "Microsoft Root Certificate Authority
  2010"; this one is a self-signed test root with "(TEST)" in its name.
- No timestamp countersignatures (that needs a TSA). Every signature is SHA-256 unless said otherwise.

## Statuses and verdicts (drivers.tsv columns)
- *signature*: **valid** = the Authenticode digest matches and the PKCS#7 verifies with the certificates
  it carries (chain built inside the signature; the test CAs are trusted nowhere, so there is no trust
  store decision, like YARA's "verified"); **invalid** = digest or signature does not match;
  **unsigned** = no certificate table; **malformed** = the PE or its certificate table cannot be parsed
  strictly; **unverifiable** = well-formed but cannot be checked (signer certificate absent).
  With several signatures (nested, or several WIN_CERTIFICATE entries) the column is the status of the
  one that decides the verdict.
- *verdict*: **kaspersky** = one Kaspersky finding for this file; **none** = no Kaspersky finding;
  **malformed** = no Kaspersky finding, the file is reported as malformed/unparsable.
- **Severity of a Kaspersky driver: high.** A driver file on a Windows partition is kernel-privileged
  code that is installed but not running on this host: like a module file that is not loaded
  (critical -> high).
- **Evidence:** a valid signature whose signer chain names Kaspersky (O=AO Kaspersky Lab / Kaspersky
  Lab, serialNumber=1027739867473), in any signature: primary, nested (unauthenticated attribute
  1.3.6.1.4.1.311.2.4.1) or a later WIN_CERTIFICATE entry; or VERSIONINFO CompanyName
  "AO Kaspersky Lab" in any StringTable. Under a "Microsoft Windows Hardware Compatibility Publisher"
  (WHCP, attestation) signature the vendor shows **only** in the version resource: the finding should
  say so (e.g. "signed by Microsoft (WHCP attestation); vendor from VERSIONINFO: AO Kaspersky Lab").
  A known driver name (klif, klhk, klflt, klbackupflt, kneps, klim6, ...) confirms, never decides alone.
- A signer inside an **invalid** or **unverifiable** signature is not evidence (a PKCS#7 blob is easy to
  copy): tampered.sys and nocerts.sys have neutral version resources and expect no Kaspersky finding
  (reporting the bad signature as a finding of its own, not a Kaspersky one, is fine, as for modules).

## win10 (\`win10/$D\`): $(count win10 kaspersky) Kaspersky findings, all high
The layout of a Windows 10 partition: klif.sys, klhk.sys, klbackupflt.sys, netio.sys, dual.sys,
tampered.sys, \`K4W-21-25/klif.sys\` (the product-versioned subfolder recent products use) and
\`vendor/klif.sys\` (another company's klif.sys).

## edge-win (\`edge-win/$D\`): $(count edge-win kaspersky) Kaspersky findings, all high
Harder but legitimate cases: two WIN_CERTIFICATE entries, page hashes, SHA-1, upper-case \`.SYS\`, a
KES-style renamed file, a 000004B0 string table, a signature without certificates, a known Kaspersky
name WHCP-signed for another company.$([ $SHA1_OK -eq 1 ] || printf '\n(sha1.sys left out: osslsigncode could not verify a SHA-1 signature on this host.)')

## hostile-win (\`hostile-win/$D\`): exactly $(count hostile-win kaspersky) Kaspersky finding (control.sys)
Expect: no crash, no hang, bounded time and memory, nothing read outside the root, and no Kaspersky
finding but \`control.sys\`. The kl-signed hostile files carry a real Kaspersky test signature behind a
broken structure; the *-lure files put "AO Kaspersky Lab" just outside the bounds a strict parser keeps.
A lax parser reports Kaspersky there, which is wrong. Where a tolerant parse is acceptable the reason
says "[none acceptable ...]"; for every rsrc-* and vi-* file (a sound PE, unsigned, with a broken resource
tree or VERSIONINFO) reporting the file as having no usable version information (verdict none) is also
acceptable. Not in drivers.tsv (not regular files, or a name TSV cannot hold):
- \`escape-abs.sys\` -> \`$OUT/host-canary/klif.sys\` (absolute) and \`escape-rel.sys\` ->
  \`../../../../host-canary/klif.sys\` (climbs out of the root). The **canary** is a kl-signed
  Kaspersky driver outside every root: followed naively they give a false Kaspersky finding; resolved
  inside the root they dangle. Expect no finding from them.
- \`loop\` -> \`..\` (directory loop for a recursive \`drivers/**\` walk) and \`fifo.sys\` (a FIFO: opening
  it blocks): not followed, not opened (or opened non-blocking), no hang.
- \`\$'esc\\e[31m\\n.sys'\` (ESC sequence and newline in the name): a copy of the lookalike, so no
  finding; wherever the name is printed it must be escaped.
- \`huge.sys\` is sparse: 100 MiB apparent size, a few KiB on disk.

## dualboot (\`dualboot/\`): $(count dualboot kaspersky) Kaspersky finding, high
A Linux root of a dual-boot laptop, only \`etc/os-release\`, \`etc/fstab\`, \`mnt/\` and \`media/\` (no
lib/modules, boot, proc or sys): fstab mounts an NTFS partition (\`ntfs-3g\`) at \`/mnt/windows\`;
kdetect should find \`mnt/windows/$D\` from fstab by itself. fstab also names \`/mnt/win\\040data\`
(ntfs3, octal-escaped space), which does not exist in the root: skipped without error; and a commented-out
ntfs line for \`/media/usb\`, which must be ignored.
\`media/usb/$D/klif.sys\` (not in fstab) is the lookalike: no finding whether or not it is scanned.

## Files
| path | verdict | signature | what it is |
|---|---|---|---|
EOF
	awk -F'\t' 'NR > 1 { printf "| `%s` | %s | %s | %s |\n", $1, $2, $3, $4 }' "$TSV"
} >"$OUT/DRIVERS.md"

# --- 7. catalog-signed drivers: tests/mkcatalogs.sh makes OUTDIR/catalogs with the helpers above and adds its
# rows to drivers.tsv and a section to DRIVERS.md
export B LOG CC WINDRES
export -f run mkrc build
bash "$(dirname "${BASH_SOURCE[0]}")/mkcatalogs.sh" "$PKI" "$OUT"
# --- 8. timestamped drivers: tests/mktimestamps.sh makes OUTDIR/timestamps (its own PKI and TSA)
bash "$(dirname "${BASH_SOURCE[0]}")/mktimestamps.sh" "$OUT"

rm -rf "$B"
