#!/usr/bin/env python3
# mkhive.py - write a minimal, valid, empty Windows registry hive (regf) for tests/mkhives.sh:
# hivex cannot create a hive from nothing, so this writes the smallest one Windows itself would
# accept (base block, one hbin with the root key, its security cell and one free cell) and the
# fixtures are then filled in by a real third-party writer (hivexregedit --merge). Standard
# library only; the field layout is the one the public format descriptions give (libyal's "Windows
# NT Registry File (REGF) format", msuhanov's "Windows registry file format specification"), no
# code copied; the result is checked by opening it with hivex (hivexsh, hivexml) and Samba's regtree.
#
# Usage: tests/mkhive.py [--minor 3|5] [--root-name NAME] [--file-name NAME] [--time FILETIME] OUT
#        tests/mkhive.py --dirty-from HIVE [--log1 LOG] OUT
# The second form copies HIVE to OUT with the base block of a hive Windows did not close cleanly
# (primary sequence number one ahead of the secondary, checksum recomputed) and writes LOG, a
# transaction log of the new format (file type 6) holding only its base block and no log entries.
#
# Every field is fixed (timestamps included, default 2024-01-01T00:00:00Z), so the same
# arguments give the same bytes. hivex copies the root's timestamp into every key it adds and
# never touches the base block's timestamp, so hives built on this one are deterministic too.
import argparse
import struct
import sys

BASE_BLOCK = 4096
HBIN = 4096
HBIN_HDR = 32

# nk flags (msuhanov spec, "Key node"): the root of a hive, must not be deleted, ASCII name
KEY_HIVE_ENTRY = 0x0004
KEY_NO_DELETE = 0x0008
KEY_COMP_NAME = 0x0020

# 2024-01-01T00:00:00Z as a FILETIME (100 ns ticks since 1601-01-01)
FILETIME_2024 = (1704067200 + 11644473600) * 10000000

NO_CELL = 0xFFFFFFFF


def die(msg):
	sys.stderr.write("mkhive.py: error: %s\n" % msg)
	sys.exit(1)


def checksum(base):
	"""XOR-32 of the base block's first 508 bytes; Windows maps 0 to 1 and -1 to -2. (hivex
	compares the plain XOR, so it would refuse those two rare cases; the fixed fields here never
	give them.)"""
	s = 0
	for (d,) in struct.iter_unpack("<I", bytes(base[:508])):
		s ^= d
	if s == 0xFFFFFFFF:
		s = 0xFFFFFFFE
	elif s == 0:
		s = 1
	return s


def sid(rev_auth, *subs):
	"""A binary SID: revision 1, identifier authority (48-bit big-endian), sub-authorities."""
	return struct.pack("<BB", 1, len(subs)) + rev_auth.to_bytes(6, "big") + \
		b"".join(struct.pack("<I", x) for x in subs)


SID_ADMINS = sid(5, 32, 544)	# BUILTIN\Administrators
SID_SYSTEM = sid(5, 18)		# NT AUTHORITY\SYSTEM
SID_USERS = sid(5, 32, 545)	# BUILTIN\Users
SID_CREATOR = sid(3, 0)		# CREATOR OWNER

KEY_ALL_ACCESS = 0x000F003F
KEY_READ = 0x00020019
GENERIC_ALL = 0x10000000
# ACE flags: OBJECT_INHERIT | CONTAINER_INHERIT; INHERIT_ONLY for CREATOR OWNER
CI_OI = 0x03
INHERIT_ONLY = 0x08


def ace_allowed(flags, mask, who):
	size = 8 + len(who)
	return struct.pack("<BBHI", 0, flags, size, mask) + who


def security_descriptor():
	"""A self-relative security descriptor like a real hive root's: owner Administrators,
	group SYSTEM, a DACL granting full control to Administrators and SYSTEM, read to Users."""
	aces = [
		ace_allowed(CI_OI, KEY_ALL_ACCESS, SID_ADMINS),
		ace_allowed(CI_OI, KEY_ALL_ACCESS, SID_SYSTEM),
		ace_allowed(CI_OI | INHERIT_ONLY, GENERIC_ALL, SID_CREATOR),
		ace_allowed(CI_OI, KEY_READ, SID_USERS),
	]
	body = b"".join(aces)
	acl = struct.pack("<BBHHH", 2, 0, 8 + len(body), len(aces), 0) + body
	# header 20 bytes, then owner, group, DACL
	owner_off = 20
	group_off = owner_off + len(SID_ADMINS)
	dacl_off = group_off + len(SID_SYSTEM)
	# control: SE_SELF_RELATIVE | SE_DACL_PROTECTED | SE_DACL_PRESENT
	control = 0x8000 | 0x1000 | 0x0004
	hdr = struct.pack("<BBHIIII", 1, 0, control, owner_off, group_off, 0, dacl_off)
	return hdr + SID_ADMINS + SID_SYSTEM + acl


def cell(payload):
	"""An allocated cell: negative size, size a multiple of 8 including the 4-byte header."""
	size = (4 + len(payload) + 7) & ~7
	return struct.pack("<i", -size) + payload + b"\0" * (size - 4 - len(payload))


def build(minor, root_name, file_name, filetime):
	try:
		name = root_name.encode("ascii")
	except UnicodeEncodeError:
		die("root name must be ASCII (stored as a compressed name)")
	if not name or len(name) > 255:
		die("root name must be 1..255 characters")

	# cell offsets are relative to the start of the hive bins data (file offset 4096)
	root_off = HBIN_HDR
	nk_len = 76 + len(name)
	sk_off = root_off + ((4 + nk_len + 7) & ~7)

	sd = security_descriptor()
	# sk: signature, reserved, flink, blink (a ring of one: both point at itself),
	# reference count (the root key), descriptor size, descriptor
	sk = cell(b"sk" + struct.pack("<HIIII", 0, sk_off, sk_off, 1, len(sd)) + sd)

	nk = b"nk" + struct.pack("<H", KEY_HIVE_ENTRY | KEY_NO_DELETE | KEY_COMP_NAME)
	nk += struct.pack("<Q", filetime)
	nk += struct.pack("<I", 0)			# access bits
	nk += struct.pack("<I", NO_CELL)		# parent: none for the root
	nk += struct.pack("<II", 0, 0)			# subkeys, volatile subkeys
	nk += struct.pack("<II", NO_CELL, NO_CELL)	# subkey lists
	nk += struct.pack("<II", 0, NO_CELL)		# values, value list
	nk += struct.pack("<I", sk_off)			# security
	nk += struct.pack("<I", NO_CELL)		# class name
	nk += struct.pack("<IIII", 0, 0, 0, 0)		# largest subkey name/class, value name/data
	nk += struct.pack("<I", 0)			# work var
	nk += struct.pack("<HH", len(name), 0)		# name length, class name length
	nk += name
	assert len(nk) == nk_len
	nk = cell(nk)

	cells = nk + sk
	free = HBIN - HBIN_HDR - len(cells)
	if free < 8:
		die("root name too long for one hbin")
	cells += struct.pack("<i", free) + b"\0" * (free - 4)

	hbin = b"hbin" + struct.pack("<II", 0, HBIN)	# offset of this bin, its size
	hbin += b"\0" * 8				# reserved
	hbin += struct.pack("<Q", filetime)		# timestamp (meaningful in the first bin)
	hbin += struct.pack("<I", 0)			# spare
	assert len(hbin) == HBIN_HDR
	hbin += cells
	assert len(hbin) == HBIN

	base = bytearray(BASE_BLOCK)
	struct.pack_into("<4sIIQIIIIIII", base, 0, b"regf",
			 1, 1,			# primary, secondary sequence numbers: equal = clean
			 filetime,		# last written
			 1, minor,		# major, minor version
			 0,			# file type: primary
			 1,			# file format: direct memory load
			 root_off,		# root cell offset
			 HBIN,			# hive bins data size
			 1)			# clustering factor
	fn = file_name.encode("utf-16-le")[:64]
	base[48:48 + len(fn)] = fn
	fix_checksum(base)
	return bytes(base) + hbin


def fix_checksum(base):
	struct.pack_into("<I", base, 508, checksum(base))


def dirty(src, out, log1):
	with open(src, "rb") as f:
		data = bytearray(f.read())
	if len(data) < BASE_BLOCK + HBIN or data[:4] != b"regf":
		die("%s: not a regf hive" % src)
	seq1, seq2 = struct.unpack_from("<II", data, 4)
	if seq1 != seq2:
		die("%s: already dirty (sequence numbers %d, %d)" % (src, seq1, seq2))
	# Windows bumps the primary number before it writes and the secondary one after: a hive
	# whose write never finished has primary = secondary + 1
	struct.pack_into("<II", data, 4, seq2 + 1, seq2)
	fix_checksum(data)
	with open(out, "wb") as f:
		f.write(data)
	if log1:
		log = bytearray(data[:BASE_BLOCK])
		struct.pack_into("<I", log, 28, 6)	# file type: transaction log, new format
		fix_checksum(log)
		with open(log1, "wb") as f:
			f.write(log)


def main():
	ap = argparse.ArgumentParser(description="write a minimal empty regf hive")
	ap.add_argument("--minor", type=int, choices=(3, 5), default=5,
			help="format minor version (1.5 allows lh subkey lists, which hivex writes)")
	ap.add_argument("--root-name", default="ROOT")
	ap.add_argument("--file-name", default="\\SystemRoot\\System32\\Config\\SYSTEM",
			help="original file name kept in the base block (UTF-16, first 32 characters)")
	ap.add_argument("--time", type=int, default=FILETIME_2024,
			help="FILETIME of the base block, the hbin and the root key")
	ap.add_argument("--dirty-from", metavar="HIVE",
			help="copy HIVE with unequal sequence numbers instead of writing an empty hive")
	ap.add_argument("--log1", metavar="LOG", help="with --dirty-from: write LOG (base block only)")
	ap.add_argument("out")
	a = ap.parse_args()
	if a.dirty_from:
		dirty(a.dirty_from, a.out, a.log1)
		return
	if a.log1:
		die("--log1 needs --dirty-from")
	data = build(a.minor, a.root_name, a.file_name, a.time)
	with open(a.out, "wb") as f:
		f.write(data)


if __name__ == "__main__":
	main()
