#!/usr/bin/env python3
# bbolt-break.py - break a real bbolt database file the ways tests/e2e-containers.sh
# expects kdetect to survive: HOW FILE, HOW one of
#   magic      both meta pages get a wrong magic
#   checksums  both meta pages keep their fields but get a wrong checksum
#   range      both metas name a root page past the end of the file (checksums fixed)
#   cycle      the root page becomes a branch page whose one child is itself
import struct
import sys

how, path = sys.argv[1], sys.argv[2]
d = bytearray(open(path, "rb").read())
ps = struct.unpack_from("<I", d, 16 + 8)[0]


def fnv1a64(b):
    h = 0xCBF29CE484222325
    for x in b:
        h = ((h ^ x) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def metas():
    return (16, ps + 16)


def fix(m):
    struct.pack_into("<Q", d, m + 56, fnv1a64(d[m:m + 56]))


for m in metas():
    if how == "magic":
        struct.pack_into("<I", d, m, 0xDEADBEEF)
    elif how == "checksums":
        struct.pack_into("<Q", d, m + 56, fnv1a64(d[m:m + 56]) ^ 1)
    elif how == "range":
        struct.pack_into("<Q", d, m + 16, len(d) // ps + 1000)
        fix(m)
# the cycle: the newer meta's root page, rewritten as a branch pointing at itself
if how == "cycle":
    m = max(metas(), key=lambda m: struct.unpack_from("<Q", d, m + 48)[0])
    root = struct.unpack_from("<Q", d, m + 16)[0]
    o = root * ps
    struct.pack_into("<QHHI", d, o, root, 0x01, 1, 0)
    struct.pack_into("<IIQ", d, o + 16, 16, 2, root)
    d[o + 32:o + 34] = b"v1"
open(path, "wb").write(d)
