#!/usr/bin/env python3
"""Windows catalog (.cat) fixture helper for tests/mkcatalogs.sh (stdlib only; DER written and read by hand).

A catalog is a PKCS#7 v1.5 SignedData (1.2.840.113549.1.7.2) whose content type is szOID_CTL
(1.3.6.1.4.1.311.10.1) and whose content, the [0] EXPLICIT of the inner ContentInfo, is the
Certificate Trust List SEQUENCE itself (not wrapped in an OCTET STRING):

  CertificateTrustList ::= SEQUENCE {
    -- version INTEGER DEFAULT v1: omitted (osslsigncode's MsCtlContent has no version, no sequenceNumber)
    subjectUsage      SEQUENCE OF OID                  -- { 1.3.6.1.4.1.311.12.1.1 szOID_CATALOG_LIST }
    listIdentifier    OCTET STRING                     -- 16 bytes (osslsigncode requires it)
    ctlThisUpdate     UTCTime
    subjectAlgorithm  AlgorithmIdentifier              -- 1.3.6.1.4.1.311.12.1.2 (v1) / .12.1.3 (v2), NULL
    trustedSubjects   SEQUENCE OF TrustedSubject
    ctlExtensions [0] EXPLICIT SEQUENCE OF Extension   -- { 1.3.6.1.4.1.311.12.2.1, OCTET STRING(NameValue) }
  }
  TrustedSubject ::= SEQUENCE { subjectIdentifier OCTET STRING, attributes SET OF Attribute }
  Attribute ::= SEQUENCE { type OID, values SET OF ANY }

Members as makecat writes them for a PE file: subjectIdentifier = the "tag", the file's Authenticode digest
as upper-case hex in UTF-16LE with a terminating NUL; attributes CAT_NAMEVALUE (1.3.6.1.4.1.311.12.2.1)
NameValue { BMPString "File", INTEGER 0x10010001, OCTET STRING UTF-16LE name + NUL }, CAT_MEMBERINFO
(1.3.6.1.4.1.311.12.2.2) { BMPString "{C689AAB8-8E78-11D0-8C47-00C04FC295EE}" (the PE SIP), INTEGER 512 },
and SPC_INDIRECT_DATA (1.3.6.1.4.1.311.2.1.4) whose value is the SpcIndirectDataContent
{ SpcAttributeTypeAndOptionalValue { 1.3.6.1.4.1.311.2.1.15, SpcPeImageData }, DigestInfo }: here the very
SpcIndirectDataContent `osslsigncode extract-data` produces for the file (see cmd_idc).

The signature (made by `osslsigncode sign`, not here) covers the CTL's DER *contents octets* (the SEQUENCE
without its tag and length), as PKCS#7 v1.5 does for content that is not `data`.

Commands (argv[1]):
  idc P7 OUT                 SpcIndirectDataContent of an `osslsigncode extract-data` output -> OUT; prints "alg hex"
  authenticode FILE ALG      the PE's Authenticode digest (PE/COFF spec order), hex; checks the linear form agrees
  make OUT VERSION NAME=IDC[:wrongtype|:badtag|:os=OSATTR]...   unsigned catalog (SignedData without signers)
                             -> OUT; badtag: the tag names another digest; os=: the member's own OSAttr
  members CAT                strict read of a catalog: one line per member, tab-separated
  flip-ctl IN OUT            one byte of the CTL's listIdentifier changed (signature breaks, members unchanged)
  patch-text IN OUT          one .text byte changed, PE checksum fixed
  random OUT N SEED          N pseudo-random bytes
"""
import hashlib, random, struct, sys

OID_SIGNED_DATA = '1.2.840.113549.1.7.2'
OID_CTL = '1.3.6.1.4.1.311.10.1'
OID_CATALOG_LIST = '1.3.6.1.4.1.311.12.1.1'
OID_CATALOG_MEMBER = {1: '1.3.6.1.4.1.311.12.1.2', 2: '1.3.6.1.4.1.311.12.1.3'}
OID_CAT_NAMEVALUE = '1.3.6.1.4.1.311.12.2.1'
OID_CAT_MEMBERINFO = '1.3.6.1.4.1.311.12.2.2'
OID_SPC_INDIRECT_DATA = '1.3.6.1.4.1.311.2.1.4'
OID_SPC_PE_IMAGE_DATA = '1.3.6.1.4.1.311.2.1.15'
OID_SHA1 = '1.3.14.3.2.26'
OID_SHA256 = '2.16.840.1.101.3.4.2.1'
ALG_NAME = {OID_SHA1: 'sha1', OID_SHA256: 'sha256'}
VERSION_ALG = {1: 'sha1', 2: 'sha256'}   # CatalogVersion 1 = SHA-1 members, 2 = SHA-256 members
PE_SIP_GUID = '{C689AAB8-8E78-11D0-8C47-00C04FC295EE}'
NV_FLAGS = 0x10010001       # CRYPTCAT_ATTR_AUTHENTICATED | CRYPTCAT_ATTR_DATAASCII | CRYPTCAT_ATTR_NAMEASCII
THIS_UPDATE = '250301120000Z'
OSATTR = {1: '2:5.2,2:6.0,2:6.1', 2: '2:10.0'}


def die(msg):
    sys.exit('catalog-fixture.py: ' + msg)


def rd(p):
    with open(p, 'rb') as f:
        return f.read()


def wr(p, b):
    with open(p, 'wb') as f:
        f.write(bytes(b))


# --- DER writing -------------------------------------------------------------------------------------------
def der_len(n):
    if n < 0x80:
        return bytes([n])
    s = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([0x80 | len(s)]) + s


def tlv(tag, content): return bytes([tag]) + der_len(len(content)) + content
def seq(*items): return tlv(0x30, b''.join(items))
def set_of(*items): return tlv(0x31, b''.join(sorted(items)))     # DER: SET OF sorted by encoding
def octets(b): return tlv(0x04, b)
def bmp(s): return tlv(0x1e, s.encode('utf-16-be'))
def null(): return b'\x05\x00'
def utctime(s): return tlv(0x17, s.encode('ascii'))
def explicit(n, content): return tlv(0xa0 | n, content)
def utf16z(s): return s.encode('utf-16-le') + b'\0\0'


def integer(n):
    b = n.to_bytes(max(1, (n.bit_length() + 8) // 8), 'big', signed=True)
    return tlv(0x02, b)


def oid(dotted):
    a = [int(x) for x in dotted.split('.')]
    out = bytearray([40 * a[0] + a[1]])
    for v in a[2:]:
        chunk = [v & 0x7f]
        v >>= 7
        while v:
            chunk.append(0x80 | (v & 0x7f))
            v >>= 7
        out += bytes(reversed(chunk))
    return tlv(0x06, bytes(out))


# --- DER reading (strict: definite lengths only, minimal length forms, everything in bounds) ---------------
class Bad(Exception):
    pass


def hdr(b, o, end):
    """-> tag, content offset, content length, offset after the element"""
    if o + 2 > end:
        raise Bad('truncated header at %d' % o)
    tag, l = b[o], b[o + 1]
    if tag & 0x1f == 0x1f:
        raise Bad('multi-byte tag at %d' % o)
    o += 2
    if l & 0x80:
        n = l & 0x7f
        if n == 0 or n > 4 or o + n > end:
            raise Bad('bad length at %d' % (o - 1))
        l = int.from_bytes(b[o:o + n], 'big')
        if l < 0x80 or l >> (8 * (n - 1)) == 0:
            raise Bad('non-minimal length at %d' % (o - 1))
        o += n
    if o + l > end:
        raise Bad('element at %d runs past its parent (%d > %d)' % (o, o + l, end))
    return tag, o, l, o + l


def kids(b, o, l):
    out, end = [], o + l
    while o < end:
        t, co, cl, o = hdr(b, o, end)
        out.append((t, co, cl))
    return out


def want(el, tag, what):
    if el[0] != tag:
        raise Bad('%s: tag %#x, expected %#x' % (what, el[0], tag))
    return el


def oid_str(b, co, cl):
    if cl == 0:
        raise Bad('empty OID')
    v, out = 0, []
    for i in range(co, co + cl):
        v = (v << 7) | (b[i] & 0x7f)
        if not b[i] & 0x80:
            out.append(v)
            v = 0
    first = out[0]
    return '.'.join(str(x) for x in ([min(first // 40, 2), first - 40 * min(first // 40, 2)] + out[1:]))


def raw(b, el):
    """the whole TLV of a child (t, co, cl) whose header we re-find from its content offset"""
    t, co, cl = el
    hl = 2 if cl < 0x80 else 2 + (cl.bit_length() + 7) // 8
    return bytes(b[co - hl:co + cl])


def parse_idc(b):
    """SpcIndirectDataContent DER -> (data type OID, digest algorithm OID, digest)"""
    t, co, cl, end = hdr(b, 0, len(b))
    if t != 0x30 or end != len(b):
        raise Bad('SpcIndirectDataContent: not one SEQUENCE')
    k = kids(b, co, cl)
    if len(k) != 2:
        raise Bad('SpcIndirectDataContent: %d elements' % len(k))
    data = kids(b, *want(k[0], 0x30, 'data')[1:])
    dtype = oid_str(b, *want(data[0], 0x06, 'data type')[1:])
    di = kids(b, *want(k[1], 0x30, 'messageDigest')[1:])
    if len(di) != 2:
        raise Bad('DigestInfo: %d elements' % len(di))
    alg = kids(b, *want(di[0], 0x30, 'digestAlgorithm')[1:])
    aoid = oid_str(b, *want(alg[0], 0x06, 'digest OID')[1:])
    _, dco, dcl = want(di[1], 0x04, 'digest')
    return dtype, aoid, bytes(b[dco:dco + dcl])


def signed_data(b):
    """outer ContentInfo -> (SignedData children, content type OID, content element)"""
    t, co, cl, end = hdr(b, 0, len(b))
    if t != 0x30:
        raise Bad('not a SEQUENCE')
    if end != len(b):
        raise Bad('%d bytes after the ContentInfo' % (len(b) - end))
    ci = kids(b, co, cl)
    if oid_str(b, *want(ci[0], 0x06, 'contentType')[1:]) != OID_SIGNED_DATA:
        raise Bad('not signedData')
    sd_el = kids(b, *want(ci[1], 0xa0, 'content')[1:])
    sd = kids(b, *want(sd_el[0], 0x30, 'SignedData')[1:])
    inner = kids(b, *want(sd[2], 0x30, 'contentInfo')[1:])
    ctype = oid_str(b, *want(inner[0], 0x06, 'inner contentType')[1:])
    content = kids(b, *want(inner[1], 0xa0, 'inner content')[1:])
    if len(content) != 1:
        raise Bad('inner content: %d elements' % len(content))
    return sd, ctype, content[0]


def ctl_parts(b, ctl):
    """CTL SEQUENCE element -> dict of its fields (as elements)"""
    k = kids(b, *want(ctl, 0x30, 'CTL')[1:])
    i = 0
    if k[i][0] == 0x02:
        i += 1                              # version present (not written by us)
    parts = {'usage': want(k[i], 0x30, 'subjectUsage')}
    i += 1
    if k[i][0] == 0x04:
        parts['listid'] = k[i]
        i += 1
    if k[i][0] == 0x02:
        i += 1                              # sequenceNumber
    parts['time'] = want(k[i], 0x17, 'ctlThisUpdate')
    i += 1
    if k[i][0] in (0x17, 0x18):
        i += 1                              # ctlNextUpdate
    parts['alg'] = want(k[i], 0x30, 'subjectAlgorithm')
    parts['subjects'] = want(k[i + 1], 0x30, 'trustedSubjects')
    parts['ext'] = k[i + 2] if len(k) > i + 2 else None
    return parts


# --- Authenticode digest of a PE -------------------------------------------------------------------------
def u16(b, o): return struct.unpack_from('<H', b, o)[0]
def u32(b, o): return struct.unpack_from('<I', b, o)[0]


class PE:
    def __init__(self, b):
        self.b = b
        lfanew = u32(b, 0x3c)
        if b[:2] != b'MZ' or b[lfanew:lfanew + 4] != b'PE\0\0':
            die('not a PE file')
        self.coff = lfanew + 4
        self.opt = self.coff + 20
        plus = u16(b, self.opt) == 0x20b
        self.cksum = self.opt + 64
        self.nrva = self.opt + (108 if plus else 92)
        self.certdir = self.nrva + 4 + 8 * 4
        if u32(b, self.nrva) < 5:
            die('no certificate table directory entry')
        self.size_of_headers = u32(b, self.opt + 60)
        self.sect = self.opt + u16(b, self.coff + 16)

    def sections(self):
        for i in range(u16(self.b, self.coff + 2)):
            o = self.sect + 40 * i
            name = bytes(self.b[o:o + 8]).rstrip(b'\0').decode()
            vsize, va, rawsize, rawptr = struct.unpack_from('<IIII', self.b, o + 8)
            yield dict(name=name, vsize=vsize, va=va, rawsize=rawsize, rawptr=rawptr)

    def checksum(self):
        b = bytes(self.b) + (b'\0' if len(self.b) % 2 else b'')
        s = 0
        for i in range(0, len(b), 2):
            if i in (self.cksum, self.cksum + 2):
                continue
            s += b[i] | b[i + 1] << 8
            s = (s & 0xffff) + (s >> 16)
        s = (s & 0xffff) + (s >> 16)
        return (s + len(self.b)) & 0xffffffff


def authenticode(b, alg):
    """Authenticode digest per the PE/COFF spec: headers without CheckSum and the certificate table entry,
    then the sections in PointerToRawData order, then what follows them up to the certificate table.
    Cross-checked with the linear form signers use (everything but the three excluded ranges)."""
    pe = PE(b)
    cert_off, cert_size = struct.unpack_from('<II', b, pe.certdir)
    h = hashlib.new(alg)
    h.update(b[:pe.cksum])
    h.update(b[pe.cksum + 4:pe.certdir])
    h.update(b[pe.certdir + 8:pe.size_of_headers])
    done = pe.size_of_headers
    for s in sorted(pe.sections(), key=lambda s: s['rawptr']):
        if s['rawsize']:
            h.update(b[s['rawptr']:s['rawptr'] + s['rawsize']])
            done += s['rawsize']
    end = len(b) - cert_size
    if cert_size and cert_off + cert_size != len(b):
        die('certificate table is not at the end of the file')
    if done < end:
        h.update(b[done:end])
    lin = hashlib.new(alg)
    lin.update(b[:pe.cksum])
    lin.update(b[pe.cksum + 4:pe.certdir])
    lin.update(b[pe.certdir + 8:cert_off if cert_size else len(b)])
    if lin.digest() != h.digest():
        die('spec-order and linear Authenticode digests differ (sections not contiguous?)')
    if not cert_size and len(b) % 8:
        # osslsigncode (like signtool, which pads before it appends a signature) hashes an unsigned file as
        # if zero-padded to 8 bytes; makecat hashes it as it is. Our builds avoid the question.
        die('unsigned file size %d is not a multiple of 8: its digest is ambiguous' % len(b))
    return h.digest()


# --- commands --------------------------------------------------------------------------------------------
def cmd_idc(p7, out):
    b = rd(p7)
    sd, ctype, content = signed_data(b)
    if ctype != OID_SPC_INDIRECT_DATA:
        die('%s: content type %s' % (p7, ctype))
    idc = raw(b, want(content, 0x30, 'SpcIndirectDataContent'))
    dtype, aoid, dig = parse_idc(idc)
    if dtype != OID_SPC_PE_IMAGE_DATA:
        die('%s: data type %s is not SPC_PE_IMAGE_DATA' % (p7, dtype))
    wr(out, idc)
    print(ALG_NAME.get(aoid, aoid), dig.hex())


def cmd_authenticode(path, alg):
    print(authenticode(rd(path), alg).hex())


def member(name, idc, mode):
    _, aoid, dig = parse_idc(idc)
    tag = utf16z(dig.hex().upper())
    nv = seq(bmp('File'), integer(NV_FLAGS), octets(utf16z(name)))
    mi = seq(bmp(PE_SIP_GUID), integer(512))
    extra = []
    if mode == 'badtag':
        # hash text of the right length naming another digest: Windows, which finds a member by its tag,
        # would not find this one for the file
        tag = utf16z(hashlib.sha256(dig).hexdigest().upper()[:2 * len(dig)])
        mode = ''
    elif mode.startswith('os='):
        # the member's own OSAttr, as makecat writes for "<file>ATTR1=0x10010001:OSAttr:2:6.3"
        extra = [seq(oid(OID_CAT_NAMEVALUE),
                     set_of(seq(bmp('OSAttr'), integer(NV_FLAGS), octets(utf16z(mode[3:])))))]
        mode = ''
    if mode == 'wrongtype':
        # an OCTET STRING holding the bare digest where a SpcIndirectDataContent SEQUENCE belongs. (Not the
        # SpcIndirectDataContent wrapped in an OCTET STRING: osslsigncode 2.9 reads an attribute value's
        # bytes whatever its tag, so it accepts that one; Windows' CryptDecodeObject would not.)
        value = octets(dig)
    elif mode == '':
        value = idc
    else:
        die('unknown member mode ' + mode)
    attrs = [seq(oid(OID_CAT_NAMEVALUE), set_of(nv)),
             seq(oid(OID_CAT_MEMBERINFO), set_of(mi)),
             seq(oid(OID_SPC_INDIRECT_DATA), set_of(value))] + extra
    return aoid, seq(octets(tag), set_of(*attrs))


def cmd_make(out, version, *specs):
    version = int(version)
    members = []
    for spec in specs:
        name, _, rest = spec.partition('=')
        path, _, mode = rest.partition(':')
        aoid, m = member(name, rd(path), mode)
        if ALG_NAME.get(aoid) != VERSION_ALG[version]:
            die('%s: %s digest in a CatalogVersion %d catalog' % (name, ALG_NAME.get(aoid, aoid), version))
        members.append(m)
    osattr = seq(bmp('OSAttr'), integer(NV_FLAGS), octets(utf16z(OSATTR[version])))
    ctl = seq(seq(oid(OID_CATALOG_LIST)),
              octets(hashlib.md5(out.encode()).digest()),       # listIdentifier: 16 bytes, stable per name
              utctime(THIS_UPDATE),
              seq(oid(OID_CATALOG_MEMBER[version]), null()),
              seq(*members),
              explicit(0, seq(seq(oid(OID_CAT_NAMEVALUE), octets(osattr)))))
    sd = seq(integer(1), set_of(), seq(oid(OID_CTL), explicit(0, ctl)), set_of())
    cat = seq(oid(OID_SIGNED_DATA), explicit(0, sd))
    # osslsigncode finds the signedData OID at offset 4 when the outer length byte is 0x82, else at 5
    if cat[1] != 0x82:
        die('unsigned catalog of %d bytes: osslsigncode wants a 2-byte outer length' % len(cat))
    wr(out, cat)


def cmd_members(path):
    """tab-separated: member index, File name, tag, digest algorithm, digest, check ('ok' or why not)"""
    b = rd(path)
    try:
        sd, ctype, ctl = signed_data(b)
        if ctype != OID_CTL:
            raise Bad('content type %s' % ctype)
        p = ctl_parts(b, ctl)
        subjects = kids(b, *p['subjects'][1:])
    except (Bad, IndexError) as e:
        print('catalog\t-\t-\t-\t-\tmalformed: %s' % e)
        return
    signers = len(kids(b, *sd[-1][1:])) if sd[-1][0] == 0x31 else 0
    alg = oid_str(b, *kids(b, *p['alg'][1:])[0][1:])
    print('catalog\tsigners=%d\t%s\t-\t-\tok' % (signers, alg))
    for i, s in enumerate(subjects):
        name, tag, aname, dig, why = '-', '-', '-', '-', 'ok'
        try:
            k = kids(b, *want(s, 0x30, 'TrustedSubject')[1:])
            _, tco, tcl = want(k[0], 0x04, 'subjectIdentifier')
            tag = bytes(b[tco:tco + tcl]).decode('utf-16-le').rstrip('\0')
            for a in kids(b, *want(k[1], 0x31, 'attributes')[1:]):
                ak = kids(b, *want(a, 0x30, 'Attribute')[1:])
                aoid = oid_str(b, *want(ak[0], 0x06, 'attribute type')[1:])
                vals = kids(b, *want(ak[1], 0x31, 'attribute values')[1:])
                if aoid == OID_CAT_NAMEVALUE:
                    nv = kids(b, *want(vals[0], 0x30, 'NameValue')[1:])
                    _, vco, vcl = want(nv[2], 0x04, 'NameValue value')
                    name = bytes(b[vco:vco + vcl]).decode('utf-16-le').rstrip('\0')
                elif aoid == OID_SPC_INDIRECT_DATA:
                    try:
                        _, daoid, d = parse_idc(raw(b, want(vals[0], 0x30, 'SpcIndirectDataContent')))
                        aname, dig = ALG_NAME.get(daoid, daoid), d.hex()
                    except (Bad, IndexError) as e:
                        why = 'SPC_INDIRECT_DATA: %s' % e
            if why == 'ok' and dig == '-':
                why = 'no SPC_INDIRECT_DATA digest'
            elif why == 'ok' and tag.upper() != dig.upper():
                why = 'tag is not the digest'
        except (Bad, IndexError) as e:
            why = 'malformed: %s' % e
        print('%d\t%s\t%s\t%s\t%s\t%s' % (i, name, tag, aname, dig, why))


def cmd_flip_ctl(src, dst):
    b = bytearray(rd(src))
    _, ctype, ctl = signed_data(b)
    p = ctl_parts(b, ctl)
    before = [raw(b, s) for s in kids(b, *p['subjects'][1:])]
    _, co, cl = p['listid']
    b[co + cl - 1] ^= 0x01
    after = [raw(b, s) for s in kids(b, *ctl_parts(b, signed_data(b)[2])['subjects'][1:])]
    if before != after:
        die('flip-ctl changed a member')
    wr(dst, b)


def cmd_patch_text(src, dst):
    b = bytearray(rd(src))
    pe = PE(b)
    t = next(s for s in pe.sections() if s['name'] == '.text')
    b[t['rawptr'] + 4] ^= 0x01
    struct.pack_into('<I', b, pe.cksum, pe.checksum())
    wr(dst, b)


def cmd_random(out, n, seed):
    r = random.Random(int(seed))
    wr(out, bytes(r.randrange(256) for _ in range(int(n))))


if __name__ == '__main__':
    if len(sys.argv) < 2 or 'cmd_' + sys.argv[1].replace('-', '_') not in globals():
        die('usage: catalog-fixture.py idc|authenticode|make|members|flip-ctl|patch-text|random ARGS')
    globals()['cmd_' + sys.argv[1].replace('-', '_')](*sys.argv[2:])
