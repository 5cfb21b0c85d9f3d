#!/usr/bin/env python3
# Byte-level helpers for the UEFI/boot-chain fixtures (tests/mkefi.sh, tests/mkefivars.sh,
# tests/get-debian-efi.sh): Authenticode digests, PE certificate tables, EFI signature lists,
# efivarfs files, EFI_LOAD_OPTIONs and hostile inputs. Standard library only. Usage: see main().
import hashlib
import os
import struct
import sys
import uuid

# Signature list types (include/linux/efi.h, efitools lib/guid.c)
CERT_X509 = uuid.UUID("a5c059a1-94e4-4aa7-87b5-ab155c2bf072")
CERT_SHA256 = uuid.UUID("c1c41626-504c-4092-aca9-41f936934328")
CERT_X509_SHA256 = uuid.UUID("3bd2a492-96c0-4079-b420-fcf98ef103ed")
TYPE_NAMES = {CERT_X509: "X509", CERT_SHA256: "SHA256", CERT_X509_SHA256: "X509_SHA256"}
ESL_HDR = 28


def die(msg):
    sys.stderr.write("efi-fixture.py: error: %s\n" % msg)
    sys.exit(1)


def rd(path):
    with open(path, "rb") as f:
        return f.read()


def wr(path, data):
    with open(path, "wb") as f:
        f.write(data)


# ------------------------------------------------------------------ PE / Authenticode
class PE:
    """Just enough of a PE/COFF parser for well-formed test images."""

    def __init__(self, data):
        self.d = data
        if data[:2] != b"MZ":
            raise ValueError("no MZ")
        self.pe = struct.unpack_from("<I", data, 0x3C)[0]
        if data[self.pe:self.pe + 4] != b"PE\0\0":
            raise ValueError("no PE signature")
        (self.machine, self.nsec, _, self.symptr, self.nsym, self.optsz, _) = \
            struct.unpack_from("<HHIIIHH", data, self.pe + 4)
        self.opt = self.pe + 24
        magic = struct.unpack_from("<H", data, self.opt)[0]
        if magic == 0x20B:
            dd = self.opt + 112
        elif magic == 0x10B:
            dd = self.opt + 96
        else:
            raise ValueError("bad optional header magic %#x" % magic)
        self.cksum_off = self.opt + 64
        self.size_of_headers = struct.unpack_from("<I", data, self.opt + 60)[0]
        self.secdir_off = dd + 4 * 8
        self.cert_off, self.cert_size = struct.unpack_from("<II", data, self.secdir_off)
        self.sec_off = self.opt + self.optsz
        self.sections = []
        strtab = self.symptr + 18 * self.nsym if self.symptr else 0
        for i in range(self.nsec):
            o = self.sec_off + 40 * i
            raw = data[o:o + 8]
            name = raw.rstrip(b"\0").decode("latin-1")
            if name.startswith("/") and strtab:  # long name in the COFF string table
                so = strtab + int(name[1:])
                name = data[so:data.index(b"\0", so)].decode("latin-1")
            vsize, va, rawsize, rawptr = struct.unpack_from("<IIII", data, o + 8)
            self.sections.append((name, vsize, va, rawsize, rawptr, o))

    def section(self, name):
        for s in self.sections:
            if s[0] == name:
                return s
        raise KeyError(name)


def authenticode(data, algo="sha256"):
    """Authenticode image digest as the kernel (verify_pefile.c) and sbsigntools compute it."""
    p = PE(data)
    h = hashlib.new(algo)
    h.update(data[:p.cksum_off])
    h.update(data[p.cksum_off + 4:p.secdir_off])
    h.update(data[p.secdir_off + 8:p.size_of_headers])
    hashed = p.size_of_headers
    for s in sorted((s for s in p.sections if s[3] > 0), key=lambda s: s[4]):
        h.update(data[s[4]:s[4] + s[3]])
        hashed += s[3]
    certs = p.cert_size if p.cert_off else 0
    if len(data) > hashed + certs:
        h.update(data[hashed:len(data) - certs])
    return h.hexdigest()


def cert_entries(data):
    """[(offset, dwLength, wRevision, wCertificateType, bCertificate)] of the attribute certificate table."""
    p = PE(data)
    out = []
    o, end = p.cert_off, p.cert_off + p.cert_size
    while p.cert_off and o + 8 <= end:
        ln, rev, typ = struct.unpack_from("<IHH", data, o)
        if ln < 8 or o + ln > end:
            raise ValueError("bad WIN_CERTIFICATE at %#x" % o)
        out.append((o, ln, rev, typ, data[o + 8:o + ln]))
        o += (ln + 7) & ~7
    return out


# ------------------------------------------------------------------ DER / X.509
def der_tlv(d, o):
    """(tag, header_len, content_len) of the DER element at offset o."""
    tag, b = d[o], d[o + 1]
    if b < 0x80:
        return tag, 2, b
    n = b & 0x7F
    return tag, 2 + n, int.from_bytes(d[o + 2:o + 2 + n], "big")


def tbs_certificate(der):
    tag, hl, _ = der_tlv(der, 0)
    if tag != 0x30:
        raise ValueError("not a DER certificate")
    tag, hl2, cl2 = der_tlv(der, hl)
    if tag != 0x30:
        raise ValueError("no TBSCertificate")
    return der[hl:hl + hl2 + cl2]


def tbs_sha256(der):
    return hashlib.sha256(tbs_certificate(der)).hexdigest()


# ------------------------------------------------------------------ signature lists
def esl(sigtype, owner, entries, header=b""):
    """An EFI_SIGNATURE_LIST; entries are raw SignatureData (without the owner GUID)."""
    size = 16 + (len(entries[0]) if entries else 0)
    for e in entries:
        if 16 + len(e) != size:
            raise ValueError("entries of different sizes in one list")
    body = b"".join(owner.bytes_le + e for e in entries)
    return sigtype.bytes_le + struct.pack("<III", ESL_HDR + len(header) + len(body), len(header), size) + header + body


def parse_esls(d):
    """Strict parser (efi_parser.c rules); yields (type, owner, data) and raises on any violation."""
    o = 0
    while o < len(d):
        if len(d) - o < ESL_HDR:
            raise ValueError("truncated list header at %d" % o)
        t = uuid.UUID(bytes_le=d[o:o + 16])
        ls, hs, ss = struct.unpack_from("<III", d, o + 16)
        if ls > len(d) - o or ls < ESL_HDR or ss < 16 or hs > ls - ESL_HDR or (ls - ESL_HDR - hs) % ss:
            raise ValueError("bad list at %d: ListSize %d HeaderSize %d SignatureSize %d" % (o, ls, hs, ss))
        e = o + ESL_HDR + hs
        while e < o + ls:
            yield t, uuid.UUID(bytes_le=d[e:e + 16]), d[e + 16:e + ss]
            e += ss
        o += ls


def describe(t, data):
    name = TYPE_NAMES.get(t, "unknown-" + str(t))
    if t == CERT_X509:
        return "%s der-sha256=%s tbs-sha256=%s" % (name, hashlib.sha256(data).hexdigest(), tbs_sha256(data))
    if t == CERT_X509_SHA256:
        return "%s tbs-sha256=%s time=%s" % (name, data[:32].hex(), data[32:48].hex())
    return "%s %s" % (name, data.hex())


# ------------------------------------------------------------------ EFI_LOAD_OPTION
def load_option(desc, path, part_guid, attrs=1, part_no=1, start=2048, size=1048576, optional=b""):
    """EFI_LOAD_OPTION: HD(GPT) media node, then a FilePath node, then End; like efibootmgr writes."""
    hd = struct.pack("<BBHIQQ", 4, 1, 42, part_no, start, size) + uuid.UUID(part_guid).bytes_le + bytes([2, 2])
    p = (path + "\0").encode("utf-16-le")
    fp = struct.pack("<BBH", 4, 4, 4 + len(p)) + p
    end = bytes([0x7F, 0xFF, 4, 0])
    dp = hd + fp + end
    return struct.pack("<IH", attrs, len(dp)) + (desc + "\0").encode("utf-16-le") + dp + optional


# ------------------------------------------------------------------ shim .vendor_cert
def vendor_cert_section(der, deauth=b""):
    """shim's cert_table: {u32 authorized_size, deauthorized_size, authorized_offset, deauthorized_offset}
    then the data; offsets count from the section start (shim cert.S)."""
    return struct.pack("<IIII", len(der), len(deauth), 16, 16 + len(der)) + der + deauth


def c_array(name, data, section=None):
    attr = '__attribute__((section("%s"), used)) ' % section if section else ""
    rows = ",\n".join("\t" + ", ".join("0x%02x" % b for b in data[i:i + 16]) for i in range(0, len(data), 16))
    return "%sconst unsigned char %s[%d] = {\n%s\n};\n" % (attr, name, len(data), rows)


# ------------------------------------------------------------------ hostile inputs
def hostile_pe(base, outdir):
    """Malformed PE files derived from a small, valid, signed image."""
    p = PE(base)
    d = bytearray(base)

    def put(name, b):
        wr(os.path.join(outdir, name), bytes(b))

    def with_secdir(off, size, buf=None):
        b = bytearray(buf if buf is not None else d)
        struct.pack_into("<II", b, p.secdir_off, off, size)
        return b

    # section table starts past EOF: e_lfanew near the end, optional header size huge
    b = bytearray(d)
    struct.pack_into("<H", b, p.pe + 20, 0xFFF0)  # SizeOfOptionalHeader
    put("sectable-past-eof.efi", b)
    # NumberOfSections 0xffff (the table runs into the sections and past EOF)
    b = bytearray(d)
    struct.pack_into("<H", b, p.pe + 6, 0xFFFF)
    put("nsections-ffff.efi", b)
    # a section whose raw data lies past EOF
    b = bytearray(d)
    s = p.sections[0]
    struct.pack_into("<II", b, s[5] + 16, 0x7FFFFFF0, 0x7FFFFFF0)
    put("section-raw-past-eof.efi", b)
    # e_lfanew past EOF and negative-looking
    b = bytearray(d)
    struct.pack_into("<I", b, 0x3C, 0xFFFFFFF0)
    put("lfanew-past-eof.efi", b)
    # certificate table entries: dwLength 0, larger than the file, overlapping the headers
    co, cs = p.cert_off, p.cert_size
    b = bytearray(d)
    struct.pack_into("<I", b, co, 0)
    put("cert-dwlength-0.efi", b)
    b = bytearray(d)
    struct.pack_into("<I", b, co, 0x7FFFFFF8)
    put("cert-dwlength-huge.efi", b)
    b = bytearray(d)
    struct.pack_into("<I", b, co, 7)  # smaller than the 8-byte WIN_CERTIFICATE header
    put("cert-dwlength-7.efi", b)
    put("cert-overlaps-headers.efi", with_secdir(0, len(d)))        # table covers the whole file
    put("cert-dir-past-eof.efi", with_secdir(len(d) + 4096, 4096))  # directory points past EOF
    put("cert-dir-wraps.efi", with_secdir(0xFFFFFFF8, 0x10))        # offset + size overflows u32
    b = bytearray(d)
    struct.pack_into("<HH", b, co + 4, 0x0100, 0x0001)              # X509 type, old revision
    put("cert-wrong-type.efi", b)
    b = bytearray(d[:co + 8 + 64])                                    # PKCS#7 cut short
    put("cert-truncated.efi", with_secdir(co, cs, b))
    b = bytearray(d)
    b[co + 8:co + cs] = bytes(cs - 8)                                 # PKCS#7 replaced by zeros
    put("cert-garbage-pkcs7.efi", b)
    put("empty.efi", b"")
    put("mz-only.efi", b"MZ")
    put("not-pe.efi", b"#!/bin/sh\necho this is not a PE image\n" + bytes(200))
    b = bytearray(d[:0x40]) + bytes(64)                               # DOS header, no PE header
    put("dos-only.efi", b)


def hostile_vars(outdir, vendor_der, kl_der):
    """Malformed efivarfs files (attribute word + data)."""
    G = "-8be4df61-93ca-11d2-aa0d-00e098032b8c"
    S = "-d719b2cb-3d3a-4596-a3bc-dad00e67656f"
    M = "-605dab50-e046-4300-abb6-3dd810dd8b23"
    owner = uuid.UUID("00000000-0000-0000-0000-00000000d7e5")
    auth = struct.pack("<I", 0x27)
    rt = struct.pack("<I", 0x06)

    def put(name, b):
        wr(os.path.join(outdir, name), b)

    def raw_esl(t, ls, hs, ss, payload):
        return t.bytes_le + struct.pack("<III", ls, hs, ss) + payload

    put("PK" + G, b"\x27\x00\x00")                               # shorter than the attribute word
    put("SecureBoot" + G, b"")                                   # zero-length variable file
    put("SetupMode" + G, rt)                                     # attribute word only, no data
    put("KEK" + G, auth + raw_esl(CERT_X509, 28 + 16 + len(vendor_der), 0xFFFFFFF0, 16 + len(vendor_der),
                                  owner.bytes_le + vendor_der))  # HeaderSize huge (28 + hs wraps in u32)
    good = esl(CERT_X509, owner, [vendor_der])
    put("db" + S, auth + good + raw_esl(CERT_X509, 0x7FFFFFFF, 0, 16 + len(kl_der),
                                        owner.bytes_le + kl_der))  # 2nd list: ListSize larger than the data
    # 20 MB, well formed: one SHA256 list of ~437,000 hashes
    n = (20 * 1024 * 1024) // 48
    body = b"".join(owner.bytes_le + hashlib.sha256(struct.pack("<I", i)).digest() for i in range(n))
    put("dbx" + S, auth + CERT_SHA256.bytes_le + struct.pack("<III", ESL_HDR + len(body), 0, 48) + body)
    # type GUID differing from EFI_CERT_X509 only in its last byte, holding a Kaspersky certificate
    near = uuid.UUID(bytes_le=CERT_X509.bytes_le[:15] + bytes([CERT_X509.bytes_le[15] ^ 0x01]))
    put("MokListRT" + M, rt + raw_esl(CERT_X509, 28 + 16 + len(kl_der), 0, 0, owner.bytes_le + kl_der))  # SignatureSize 0
    put("MokListRT1" + M, rt + esl(near, owner, [kl_der]))      # well formed, unknown type: skipped
    h = owner.bytes_le + bytes(32)
    put("MokListXRT" + M, rt + raw_esl(CERT_SHA256, 28 + 3 * 48, 0, 50, h * 3))  # 144 % 50 != 0
    put("MokListTrustedRT" + M, rt + b"\x01\x02\x03\x04\x05")     # longer than the 1 byte expected
    put("MokSBStateRT" + M, rt)                                   # present, no data
    # Boot entries
    part = "5e6f7a8b-0000-4000-8000-00000000e5e5"
    lo = load_option("debian", "\\EFI\\debian\\shimx64.efi", part)
    put("Boot0000" + G, struct.pack("<I", 7) + lo[:4] + struct.pack("<H", 0xFFFF) + lo[6:])  # FilePathListLength huge
    put("Boot0001" + G, struct.pack("<I", 7) + struct.pack("<IH", 1, 4) + ("A" * 64).encode("utf-16-le"))  # unterminated
    # well formed, but the path climbs out of the ESP (Boot0010, so Boot000x are all malformed)
    put("Boot0010" + G, struct.pack("<I", 7) + load_option("escape", "\\EFI\\..\\..\\..\\..\\etc\\passwd", part))
    put("Boot0003" + G, struct.pack("<I", 7) + struct.pack("<IH", 1, 12) + "zero\0".encode("utf-16-le") +
        struct.pack("<BBH", 4, 4, 0) + bytes(8))  # device-path node with Length 0 (loops a naive walker)
    put("BootOrder" + G, struct.pack("<I", 7) + b"\x00\x00\x01\x00\x02")  # odd length
    put("BootCurrent" + G, rt + b"\x42\x00")                               # Boot0042 does not exist
    put("not-a-variable", b"junk")                                          # no -GUID suffix
    put("Bad-zzzzzzzz-93ca-11d2-aa0d-00e098032b8c", rt + b"\x01")           # GUID that is not hex


# ------------------------------------------------------------------ main
def main(argv):
    if len(argv) < 2:
        die("usage: efi-fixture.py COMMAND ARGS (see the source)")
    cmd, a = argv[1], argv[2:]
    if cmd == "authenticode":          # FILE... -> "<sha256>  FILE"
        for f in a:
            print("%s  %s" % (authenticode(rd(f)), f))
    elif cmd == "split-certs":         # PE OUTPREFIX -> OUTPREFIX1.p7, OUTPREFIX2.p7 ... ; prints count
        ents = cert_entries(rd(a[0]))
        for i, (_, _, rev, typ, blob) in enumerate(ents, 1):
            if (rev, typ) != (0x0200, 0x0002):
                die("%s: entry %d is not a PKCS#7 WIN_CERTIFICATE" % (a[0], i))
            # bCertificate is padded to 8 bytes: cut it to the DER length
            tag, hl, cl = der_tlv(blob, 0)
            wr("%s%d.p7" % (a[1], i), blob[:hl + cl])
        print(len(ents))
    elif cmd == "section":              # PE NAME OUT: a section's raw data, cut to VirtualSize
        p = PE(rd(a[0]))
        s = p.section(a[1])
        wr(a[2], p.d[s[4]:s[4] + min(s[1], s[3])])
    elif cmd == "tamper":              # IN OUT SECTION: flip one byte in the middle of a section
        d = bytearray(rd(a[0]))
        s = PE(bytes(d)).section(a[2])
        d[s[4] + min(s[1], s[3]) // 2] ^= 0xFF
        wr(a[1], bytes(d))
    elif cmd == "tbs-sha256":          # CERT.der
        print(tbs_sha256(rd(a[0])))
    elif cmd == "esl-x509-sha256":     # OWNER OUT CERT.der... (TimeOfRevocation all zero)
        wr(a[1], esl(CERT_X509_SHA256, uuid.UUID(a[0]),
                     [hashlib.sha256(tbs_certificate(rd(c))).digest() + bytes(16) for c in a[2:]]))
    elif cmd == "esl-x509-sha256-at":  # OWNER OUT YYYY-MM-DD CERT.der...: TimeOfRevocation that day, 00:00 UTC
        y, mo, dd = (int(x) for x in a[2].split("-"))
        t = struct.pack("<HBBBBBBIhBB", y, mo, dd, 0, 0, 0, 0, 0, 0, 0, 0)
        wr(a[1], esl(CERT_X509_SHA256, uuid.UUID(a[0]),
                     [hashlib.sha256(tbs_certificate(rd(c))).digest() + t for c in a[3:]]))
    elif cmd == "esl-sha256":          # OWNER OUT HEX...
        wr(a[1], esl(CERT_SHA256, uuid.UUID(a[0]), [bytes.fromhex(h) for h in a[2:]]))
    elif cmd == "esl-dump":            # [--efivar] FILE...: print every entry; exit 1 on a malformed list
        skip = 0
        if a and a[0] == "--efivar":
            skip, a = 4, a[1:]
        for f in a:
            d = rd(f)
            try:
                for t, owner, data in parse_esls(d[skip:]):
                    print("%s: owner=%s %s" % (os.path.basename(f), owner, describe(t, data)))
            except ValueError as e:
                die("%s: %s" % (f, e))
    elif cmd == "efivar":              # OUT ATTR [FILE | hex:HEX | u8:N | u16:N]... (efivarfs layout)
        out = struct.pack("<I", int(a[1], 0))
        for x in a[2:]:
            if x.startswith("hex:"):
                out += bytes.fromhex(x[4:])
            elif x.startswith("u8:"):
                out += struct.pack("<B", int(x[3:], 0))
            elif x.startswith("u16:"):
                out += b"".join(struct.pack("<H", int(v, 16)) for v in x[4:].split(","))
            else:
                out += rd(x)
        wr(a[0], out)
    elif cmd == "load-option":         # OUT DESCRIPTION PATH PARTGUID: efivarfs Boot#### file (attr 7)
        wr(a[0], struct.pack("<I", 7) + load_option(a[1], a[2], a[3]))
    elif cmd == "vendor-cert-c":       # CERT.der OUT.c: C source of shim's .vendor_cert section
        with open(a[1], "w") as f:
            f.write(c_array("kdt_vendor_cert", vendor_cert_section(rd(a[0])), ".vendor_cert"))
    elif cmd == "vendor-cert-dump":    # SECTION.bin: print the cert_table fields
        d = rd(a[0])
        asz, dsz, aoff, doff = struct.unpack_from("<IIII", d)
        print("authorized_size=%d deauthorized_size=%d authorized_offset=%d deauthorized_offset=%d"
              % (asz, dsz, aoff, doff))
    elif cmd == "batch":               # FILE: one command per line, its arguments separated by tabs
        with open(a[0]) as f:
            for line in f:
                line = line.rstrip("\n")
                if line:
                    main([argv[0]] + line.split("\t"))
    elif cmd == "hostile-pe":          # SIGNED.efi OUTDIR
        hostile_pe(rd(a[0]), a[1])
    elif cmd == "hostile-vars":        # OUTDIR VENDOR.der KL.der
        hostile_vars(a[0], rd(a[1]), rd(a[2]))
    else:
        die("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
