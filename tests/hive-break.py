#!/usr/bin/env python3
# hive-break.py - write hostile variants of a valid Windows registry hive (regf) for kdetect's
# registry tests: truncated, bad checksum, bad root, cyclic and out-of-bounds subkey lists (lh, li,
# ri), huge or misplaced value data, overlong key names, broken big-data (db) values and hbins of
# the wrong size. Each variant is one file in OUTDIR; one line per variant says what is broken, and
# OUTDIR/BREAK.tsv lists them (file, what is broken, the cell changed). Standard library only.
#
# Usage: tests/hive-break.py [--check] IN OUTDIR
#   --check  open every variant with hivexsh, list the root's subkeys, walk it with hivexml (each
#            with a timeout) and add to its line how hivex takes it: "open" (hivex_open rejects
#            it), "root" (opens, listing the root fails), "walk" (the root lists, a full walk
#            fails) or "read", with hivex's reason (its HIVEX_DEBUG "returning E... because"
#            line); fails when a tool hangs or dies of a signal
#
# New cells (the ri and li lists, the big-data value) go into one extra hbin appended at the end
# (the base block's hive bins size and checksum updated), so every other cell keeps its offset.
# Targets are found by path (ControlSet001\Services and its klif key in a SYSTEM hive from
# tests/mkhives.sh), else the first key that fits, so any valid hive with a few keys works; a
# variant the input has nothing for is printed as "NAME<TAB>SKIPPED: why" and not written.
import os
import struct
import subprocess
import sys

BASE = 4096
NO_CELL = 0xFFFFFFFF
OUTSIDE = 0x7FFFF000		# a cell offset far beyond any fixture's bins


def die(msg):
	sys.stderr.write("hive-break.py: error: %s\n" % msg)
	sys.exit(1)


def checksum(d):
	s = 0
	for (x,) in struct.iter_unpack("<I", bytes(d[:508])):
		s ^= x
	return {0: 1, 0xFFFFFFFF: 0xFFFFFFFE}.get(s, s)


def fix_checksum(d):
	struct.pack_into("<I", d, 508, checksum(d))


class Hive:
	"""Just enough of a regf reader to find the cells to break (the input is trusted)."""

	def __init__(self, data):
		self.d = bytearray(data)
		if self.d[:4] != b"regf":
			die("not a regf hive")
		self.root = self.u32(36, absolute=True)
		self.bins_size = self.u32(40, absolute=True)

	def u32(self, off, absolute=False):
		return struct.unpack_from("<I", self.d, off if absolute else BASE + off)[0]

	def u16(self, off):
		return struct.unpack_from("<H", self.d, BASE + off)[0]

	def put32(self, off, v):
		struct.pack_into("<I", self.d, BASE + off, v)

	def put16(self, off, v):
		struct.pack_into("<H", self.d, BASE + off, v)

	def cell_size(self, off):
		return -struct.unpack_from("<i", self.d, BASE + off)[0]

	def sig(self, off):
		return bytes(self.d[BASE + off + 4:BASE + off + 6])

	# nk fields, offsets from the cell start (after the 4-byte size)
	def nk_name(self, nk):
		n = self.u16(nk + 4 + 72)
		return bytes(self.d[BASE + nk + 4 + 76:BASE + nk + 4 + 76 + n]).decode("latin-1")

	def nk_subkeys(self, nk):
		lst = self.u32(nk + 4 + 28)
		return [] if self.u32(nk + 4 + 20) == 0 else self.list_entries(lst)

	def list_entries(self, lst):
		sig = self.sig(lst)
		n = self.u16(lst + 6)
		if sig in (b"lf", b"lh"):
			return [self.u32(lst + 8 + 8 * i) for i in range(n)]
		if sig == b"li":
			return [self.u32(lst + 8 + 4 * i) for i in range(n)]
		if sig == b"ri":
			out = []
			for i in range(n):
				out += self.list_entries(self.u32(lst + 8 + 4 * i))
			return out
		die("subkey list at 0x%x is %r" % (lst, sig))

	def nk_values(self, nk):
		n = self.u32(nk + 4 + 36)
		vl = self.u32(nk + 4 + 40)
		return [self.u32(vl + 4 + 4 * i) for i in range(n)]

	def vk_name(self, vk):
		n = self.u16(vk + 6)
		return bytes(self.d[BASE + vk + 4 + 20:BASE + vk + 4 + 20 + n]).decode("latin-1")

	def child(self, nk, name):
		for c in self.nk_subkeys(nk):
			if self.nk_name(c).lower() == name.lower():
				return c
		return None

	def find(self, path):
		nk = self.root
		for part in filter(None, path.split("\\")):
			nk = self.child(nk, part)
			if nk is None:
				return None
		return nk

	def walk(self):
		"""Every key, breadth first, as (path, offset)."""
		todo = [("", self.root)]
		while todo:
			path, nk = todo.pop(0)
			yield path, nk
			for c in self.nk_subkeys(nk):
				todo.append((path + "\\" + self.nk_name(c), c))

	def append_bin(self, payloads, fill_last=False):
		"""Append one hbin holding PAYLOADS as allocated cells; return their offsets. The
		payloads may be callables taking the list of offsets (to point at each other).
		FILL_LAST: the last cell grows to the end of the hbin, which ends the file."""
		sizes = []
		for p in payloads:
			n = len(p(None)) if callable(p) else len(p)
			sizes.append((4 + n + 7) & ~7)
		start = self.bins_size
		offs = []
		o = start + 32
		for s in sizes:
			offs.append(o)
			o += s
		binsize = ((o - start) + (0 if fill_last else 8) + 4095) & ~4095
		if fill_last:
			sizes[-1] += binsize - (o - start)
			o = start + binsize
		b = bytearray(binsize)
		b[0:4] = b"hbin"
		struct.pack_into("<II", b, 4, start, binsize)
		struct.pack_into("<Q", b, 20, struct.unpack_from("<Q", self.d, 12)[0])
		for p, off, s in zip(payloads, offs, sizes):
			data = p(offs) if callable(p) else p
			struct.pack_into("<i", b, off - start, -s)
			b[off - start + 4:off - start + 4 + len(data)] = data
		free = binsize - (o - start)
		if free:
			struct.pack_into("<i", b, o - start, free)
		# the file may have slack after the bins: the new bin goes right after them
		del self.d[BASE + self.bins_size:]
		self.d += b
		self.bins_size += binsize
		struct.pack_into("<I", self.d, 40, self.bins_size)
		fix_checksum(self.d)
		return offs


class Skip(Exception):
	"""The input has nothing this variant can break (e.g. an empty hive has no subkey list)."""


def pick(h, paths, test, what):
	for p in paths:
		nk = h.find(p)
		if nk is not None and test(nk):
			return p, nk
	for p, nk in h.walk():
		if test(nk):
			return p, nk
	raise Skip("the input has no %s" % what)


def services(h):
	"""A key with at least two subkeys in an lf/lh list (the cycle and out-of-bins targets)."""
	return pick(h, ["ControlSet001\\Services"],
		    lambda nk: len(h.nk_subkeys(nk)) >= 2 and h.sig(h.u32(nk + 4 + 28)) in (b"lf", b"lh"),
		    "key with a subkey list of two or more")


def value_with_data(h):
	"""(key path, key, vk) of a value whose data is not inline (in a cell of its own)."""
	def ok(nk):
		return any(not (h.u32(vk + 4 + 4) & 0x80000000) and h.u32(vk + 4 + 4) > 4
			   for vk in h.nk_values(nk))
	p, nk = pick(h, ["ControlSet001\\Services\\klif"], ok, "value with its data in a cell")
	for vk in h.nk_values(nk):
		if not (h.u32(vk + 4 + 4) & 0x80000000) and h.u32(vk + 4 + 4) > 4:
			return p, nk, vk


def leaf_key(h):
	return pick(h, ["ControlSet001\\Services\\klif"], lambda nk: nk != h.root, "key below the root")


def disp(p):
	return "\\" + p if not p.startswith("\\") else p


# --- the variants: each takes a fresh Hive and returns (what is broken, the changed offset) -----------

def v_truncated(h):
	# cut in the middle of the last hbin: its declared size runs past the end of the file
	cut = BASE + h.bins_size - 2048
	del h.d[cut:]
	return "file cut at 0x%x, inside the last hbin (hive bins size 0x%x)" % (cut, h.bins_size), cut


def v_truncated_bins(h):
	# cut at an hbin boundary: every remaining hbin is whole, the base block promises more
	first = h.u32(8) if h.d[BASE:BASE + 4] == b"hbin" else 4096
	if first >= h.bins_size:
		raise Skip("one hbin only")
	cut = BASE + first
	del h.d[cut:]
	return "file cut at 0x%x after the first hbin; base block says 0x%x bytes of bins" % (
		cut, h.bins_size), cut


def v_bad_checksum(h):
	struct.pack_into("<I", h.d, 508, checksum(h.d) ^ 0x00010000)
	return "base block checksum off by one bit", 508


def v_root_outside(h):
	struct.pack_into("<I", h.d, 36, OUTSIDE)
	fix_checksum(h.d)
	return "root cell offset 0x%x, beyond the file (checksum fixed)" % OUTSIDE, 36


def v_root_not_nk(h):
	sk = h.u32(h.root + 4 + 44)
	struct.pack_into("<I", h.d, 36, sk)
	fix_checksum(h.d)
	return "root cell offset points at the root's sk cell (0x%x), not an nk (checksum fixed)" % sk, 36


def v_lh_cycle_self(h):
	p, nk = services(h)
	lst = h.u32(nk + 4 + 28)
	h.put32(lst + 8, nk)
	return "%s: first entry of its %s list (0x%x) points back at the key itself (0x%x)" % (
		disp(p), h.sig(lst).decode(), lst, nk), lst


def v_lh_cycle_root(h):
	p, nk = pick(h, ["ControlSet001\\Services\\klif\\Instances"],
		     lambda n: len(h.nk_subkeys(n)) >= 1 and n != h.root, "key below the root with subkeys")
	lst = h.u32(nk + 4 + 28)
	h.put32(lst + 8, h.root)
	return "%s: its %s list (0x%x) names the root key (0x%x) as a subkey" % (
		disp(p), h.sig(lst).decode(), lst, h.root), lst


def v_lh_outside(h):
	p, nk = services(h)
	lst = h.u32(nk + 4 + 28)
	h.put32(lst + 8 + 8, OUTSIDE)
	return "%s: second entry of its %s list (0x%x) points at 0x%x, outside the bins" % (
		disp(p), h.sig(lst).decode(), lst, OUTSIDE), lst


def v_lh_count_overrun(h):
	p, nk = services(h)
	lst = h.u32(nk + 4 + 28)
	h.put16(lst + 6, 0xFFFF)
	return "%s: its %s list (0x%x, %d bytes) claims 65535 entries" % (
		disp(p), h.sig(lst).decode(), lst, h.cell_size(lst)), lst


def v_subkey_count_huge(h):
	p, nk = services(h)
	h.put32(nk + 4 + 20, 0x7FFFFFFF)
	return "%s: nk (0x%x) claims 0x7fffffff subkeys" % (disp(p), nk), nk


def v_li_outside(h):
	# the key's list replaced by an li list: its real subkeys, then one entry outside the bins
	p, nk = services(h)
	subs = h.nk_subkeys(nk)
	ents = subs + [OUTSIDE]
	(li,) = h.append_bin([b"li" + struct.pack("<H", len(ents)) +
			      b"".join(struct.pack("<I", x) for x in ents)])
	h.put32(nk + 4 + 28, li)
	h.put32(nk + 4 + 20, len(ents))
	return "%s: subkey list replaced by an li list (0x%x) whose last entry points at 0x%x" % (
		disp(p), li, OUTSIDE), li


def v_ri_cycle(h):
	# an ri list whose second entry is the ri list itself: index lists nested without end
	p, nk = services(h)
	lst = h.u32(nk + 4 + 28)
	(ri,) = h.append_bin([lambda offs: b"ri" + struct.pack("<HII", 2, lst, offs[0] if offs else 0)])
	h.put32(nk + 4 + 28, ri)
	return "%s: subkey list replaced by an ri list (0x%x) whose entries are the old %s list and the ri itself" % (
		disp(p), ri, h.sig(lst).decode()), ri


def v_ri_to_nk(h):
	# an ri list that points straight at a key instead of at a list
	p, nk = services(h)
	first = h.nk_subkeys(nk)[0]
	(ri,) = h.append_bin([b"ri" + struct.pack("<HI", 1, first)])
	h.put32(nk + 4 + 28, ri)
	return "%s: subkey list replaced by an ri list (0x%x) whose entry is an nk (0x%x), not a list" % (
		disp(p), ri, first), ri


def v_value_len_huge(h):
	p, nk, vk = value_with_data(h)
	h.put32(vk + 4 + 4, 0x7FFFFFFF)
	return "%s: value \"%s\" (vk 0x%x) declares 0x7fffffff bytes of data" % (
		disp(p), h.vk_name(vk), vk), vk


def v_value_len_cell(h):
	# a length beyond its data cell but below hivex's 8 MB cap, the cell not a db
	p, nk, vk = value_with_data(h)
	h.put32(vk + 4 + 4, 0x100000)
	return "%s: value \"%s\" (vk 0x%x) declares 1 MiB of data in a %d-byte cell" % (
		disp(p), h.vk_name(vk), vk, h.cell_size(h.u32(vk + 4 + 8))), vk


def v_value_offset_outside(h):
	p, nk, vk = value_with_data(h)
	h.put32(vk + 4 + 8, OUTSIDE)
	return "%s: value \"%s\" (vk 0x%x) has its data at 0x%x, outside the bins" % (
		disp(p), h.vk_name(vk), vk, OUTSIDE), vk


def v_value_list_outside(h):
	p, nk = pick(h, ["ControlSet001\\Services\\klif"], lambda n: h.u32(n + 4 + 36) > 0, "key with values")
	vl = h.u32(nk + 4 + 40)
	h.put32(vl + 4, OUTSIDE)
	return "%s: first entry of its value list (0x%x) points at 0x%x" % (disp(p), vl, OUTSIDE), vl


def v_value_count_huge(h):
	p, nk = pick(h, ["ControlSet001\\Services\\klif"], lambda n: h.u32(n + 4 + 36) > 0, "key with values")
	h.put32(nk + 4 + 36, 0x7FFFFFFF)
	return "%s: nk (0x%x) claims 0x7fffffff values" % (disp(p), nk), nk


def v_vk_name_overrun(h):
	p, nk, vk = value_with_data(h)
	h.put16(vk + 6, 0xFFFF)
	return "%s: value name length of vk 0x%x is 65535, beyond its %d-byte cell" % (
		disp(p), vk, h.cell_size(vk)), vk


def v_nk_name_overrun(h):
	p, nk = leaf_key(h)
	h.put16(nk + 4 + 72, 0xFFFF)
	return "%s: nk (0x%x) name length 65535, beyond its %d-byte cell" % (disp(p), nk, h.cell_size(nk)), nk


def v_nk_is_vk(h):
	# a subkey list entry that points at a value cell
	p, nk, vk = value_with_data(h)
	parent = services(h)[1]
	lst = h.u32(parent + 4 + 28)
	h.put32(lst + 8, vk)
	return "%s: first entry of its list (0x%x) points at a vk cell (0x%x)" % (
		disp(services(h)[0]), lst, vk), lst


BIG = 20000		# more than 16344 bytes: Windows stores such data as big data (db)
SEG = 16344		# the largest segment Windows writes


def big_data_bytes():
	return bytes((i * 7 + 3) & 0xFF for i in range(BIG))


def big_data(h, broken):
	"""Give the root key one REG_BINARY value "BigData" of BIG bytes stored as db + segments;
	BROKEN: None, "outside" (second segment offset outside the bins), "count" (db claims
	more segments than its list holds), "notdb" (the data cell is a segment, no db)."""
	data = big_data_bytes()
	segs = [data[:SEG], data[SEG:]]
	name = b"BigData"

	def vk(offs):
		d = offs[1] if offs else 0
		if broken == "notdb" and offs:
			d = offs[3]
		return b"vk" + struct.pack("<HIIIHH", len(name), BIG, d, 3, 1, 0) + name

	def db(offs):
		n = 2 if broken != "count" else 1000
		return b"db" + struct.pack("<HII", n, offs[2] if offs else 0, 0)

	def seglist(offs):
		a, b = (offs[3], offs[4]) if offs else (0, 0)
		if broken == "outside":
			b = OUTSIDE
		return struct.pack("<II", a, b)

	def vlist(offs):
		return struct.pack("<I", offs[0] if offs else 0)

	if broken == "eof":
		# the segment list is the file's last cell, filled with valid segment offsets;
		# the db claims 65535 segments, so a reader that does not bound the list by its
		# cell runs off the end of the file
		offs = h.append_bin([vk, db, vlist, segs[0], segs[1], seglist], fill_last=True)
		vk_, db_, vl_, s0, s1, sl = offs
		h.put32(db_ + 4 + 4, sl)
		h.put16(db_ + 4 + 2, 0xFFFF)
		h.put32(vk_ + 4 + 8, db_)
		n = (h.cell_size(sl) - 4) // 4
		for i in range(n):
			h.put32(sl + 4 + 4 * i, s0 if i == 0 else s1)
		h.put32(h.root + 4 + 36, 1)
		h.put32(h.root + 4 + 40, vl_)
		struct.pack_into("<I", h.d, BASE + vl_ + 4, vk_)
		return [vk_, db_, sl, s0, s1, vl_]
	offs = h.append_bin([vk, db, seglist, segs[0], segs[1], vlist])
	h.put32(h.root + 4 + 36, 1)
	h.put32(h.root + 4 + 40, offs[5])
	return offs


def v_db_ok(h):
	offs = big_data(h, None)
	return "VALID: root value \"BigData\" (REG_BINARY, %d bytes, byte i = (7*i+3) & 0xff) as db 0x%x " \
	       "with 2 segments (%d + %d bytes)" % (BIG, offs[1], SEG, BIG - SEG), offs[0]


def v_db_segment_outside(h):
	offs = big_data(h, "outside")
	return "root value \"BigData\": db 0x%x's second segment offset is 0x%x, outside the bins" % (
		offs[1], OUTSIDE), offs[2]


def v_db_count_overrun(h):
	offs = big_data(h, "count")
	return "root value \"BigData\": db 0x%x claims 1000 segments, its list (0x%x) holds 2" % (
		offs[1], offs[2]), offs[1]


def v_db_list_at_eof(h):
	offs = big_data(h, "eof")
	return "root value \"BigData\": db 0x%x claims 65535 segments; its list (0x%x, %d bytes, all valid " \
	       "segment offsets) is the last cell of the file" % (offs[1], offs[2], h.cell_size(offs[2])), offs[1]


def v_db_missing(h):
	offs = big_data(h, "notdb")
	return "root value \"BigData\": %d bytes declared, data points at a %d-byte segment cell, no db" % (
		BIG, SEG), offs[0]


def first_bin_size_off():
	return BASE + 8


def v_hbin_size_odd(h):
	struct.pack_into("<I", h.d, first_bin_size_off(), 0x1234)
	return "first hbin's size is 0x1234 (not a multiple of 4096)", first_bin_size_off() - BASE


def v_hbin_size_overrun(h):
	struct.pack_into("<I", h.d, first_bin_size_off(), 0x10000000)
	return "first hbin's size is 256 MiB, beyond the end of the file", first_bin_size_off() - BASE


def v_hbin_size_zero(h):
	struct.pack_into("<I", h.d, first_bin_size_off(), 0)
	return "first hbin's size is 0 (a reader that trusts it never advances)", first_bin_size_off() - BASE


def v_hbin_offset(h):
	# the second hbin says it is somewhere else
	first = h.u32(8)
	if first >= h.bins_size:
		h.append_bin([b"\0" * 8])
	struct.pack_into("<I", h.d, BASE + first + 4, 0x2000000)
	return "second hbin (at 0x%x) claims offset 0x2000000" % first, first


def v_cell_size_overrun(h):
	# the cell after the root nk is given a size that runs past its hbin
	nk = h.root
	nxt = nk + ((h.cell_size(nk) + 7) & ~7)
	struct.pack_into("<i", h.d, BASE + nxt, -0x100000)
	return "cell at 0x%x (after the root) claims 1 MiB, past the end of its hbin" % nxt, nxt


def v_cell_size_zero(h):
	nk = h.root
	nxt = nk + ((h.cell_size(nk) + 7) & ~7)
	struct.pack_into("<i", h.d, BASE + nxt, 0)
	return "cell at 0x%x (after the root) has size 0 (a cell walk that trusts it never advances)" % nxt, nxt


def v_not_regf(h):
	h.d[0:4] = b"regX"
	fix_checksum(h.d)
	return "base block signature \"regX\" (checksum fixed)", 0


def v_major_2(h):
	struct.pack_into("<I", h.d, 20, 2)
	fix_checksum(h.d)
	return "major version 2 (checksum fixed)", 20


def v_tiny(h):
	del h.d[512:]
	return "512 bytes: part of a base block only", 0


VARIANTS = [
	("truncated", v_truncated),
	("truncated-bins", v_truncated_bins),
	("tiny", v_tiny),
	("bad-checksum", v_bad_checksum),
	("not-regf", v_not_regf),
	("major-2", v_major_2),
	("root-outside", v_root_outside),
	("root-not-nk", v_root_not_nk),
	("hbin-size-odd", v_hbin_size_odd),
	("hbin-size-overrun", v_hbin_size_overrun),
	("hbin-size-zero", v_hbin_size_zero),
	("hbin-offset", v_hbin_offset),
	("cell-size-overrun", v_cell_size_overrun),
	("cell-size-zero", v_cell_size_zero),
	("lh-cycle-self", v_lh_cycle_self),
	("lh-cycle-root", v_lh_cycle_root),
	("lh-outside", v_lh_outside),
	("lh-count-overrun", v_lh_count_overrun),
	("lh-to-vk", v_nk_is_vk),
	("subkey-count-huge", v_subkey_count_huge),
	("li-outside", v_li_outside),
	("ri-cycle", v_ri_cycle),
	("ri-to-nk", v_ri_to_nk),
	("nk-name-overrun", v_nk_name_overrun),
	("value-count-huge", v_value_count_huge),
	("value-list-outside", v_value_list_outside),
	("vk-name-overrun", v_vk_name_overrun),
	("value-len-huge", v_value_len_huge),
	("value-len-cell", v_value_len_cell),
	("value-offset-outside", v_value_offset_outside),
	("db-ok", v_db_ok),
	("db-segment-outside", v_db_segment_outside),
	("db-count-overrun", v_db_count_overrun),
	("db-missing", v_db_missing),
	("db-list-at-eof", v_db_list_at_eof),
]


def run(cmd, stdin=b"", timeout=10):
	"""(status, reason): status "ok", "fail", "timeout" or "signal N"; reason the last of
	hivex's debug lines "returning EXXX because: ...", or the tool's last error line."""
	env = dict(os.environ, HIVEX_DEBUG="1")
	try:
		p = subprocess.run(cmd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
				   timeout=timeout, env=env)
	except subprocess.TimeoutExpired:
		return "timeout", ""
	if p.returncode < 0:
		return "signal %d" % -p.returncode, ""
	lines = p.stderr.decode("utf-8", "replace").splitlines()
	why = [ln.split("returning ", 1)[1] for ln in lines if "returning " in ln and " because: " in ln]
	reason = why[-1].replace(" because: ", ": ") if why else ""
	return ("ok" if p.returncode == 0 else "fail"), reason


def check(path):
	"""How hivex takes the file: "open" (hivex_open rejects it), "walk" (it opens, the root's
	subkeys list, a full walk (hivexml) fails), "root" (it opens, listing the root's subkeys
	fails), "read" (opens and walks). Dies on a hang or a signal."""
	st, why = run(["hivexsh", path])
	if st not in ("ok", "fail"):
		die("%s: hivexsh: %s" % (path, st))
	if st == "fail":
		return "open", why
	st, why = run(["hivexsh", path], stdin=b"ls\n")
	if st not in ("ok", "fail"):
		die("%s: hivexsh ls: %s" % (path, st))
	root_ok = st == "ok"
	st, why2 = run(["hivexml", path])
	if st not in ("ok", "fail"):
		die("%s: hivexml: %s" % (path, st))
	if not root_ok:
		return "root", why
	return ("walk", why2) if st == "fail" else ("read", "")


def main():
	args = sys.argv[1:]
	do_check = False
	if args and args[0] == "--check":
		do_check = True
		args = args[1:]
	if len(args) != 2:
		die("usage: tests/hive-break.py [--check] IN OUTDIR")
	src, outdir = args
	with open(src, "rb") as f:
		data = f.read()
	os.makedirs(outdir, exist_ok=True)
	rows = []
	for name, fn in VARIANTS:
		h = Hive(data)
		try:
			what, off = fn(h)
		except Skip as e:
			print("%s\tSKIPPED: %s" % (name, e))
			continue
		path = os.path.join(outdir, name)
		with open(path, "wb") as f:
			f.write(h.d)
		line = "%s\t%s" % (name, what)
		if do_check:
			how, msg = check(path)
			if name == "db-ok":
				if how != "read":
					die("%s: hivex does not read the valid big-data variant" % path)
				p = subprocess.run(["hivexget", path, "\\", "BigData"], stdout=subprocess.PIPE,
						   timeout=10)
				if p.returncode != 0 or p.stdout != big_data_bytes():
					die("%s: hivexget reads BigData as %d other bytes" % (path, len(p.stdout)))
				msg = "BigData reads back as its %d bytes" % BIG
			line += "\thivex: %s%s" % (how, (" (" + msg + ")") if msg else "")
		print(line)
		rows.append("%s\t%s\t0x%x\n" % (name, what, off))
	with open(os.path.join(outdir, "BREAK.tsv"), "w") as f:
		f.write("# file\twhat is broken\toffset changed (cell offset, or file offset for the base block)\n")
		f.writelines(rows)


if __name__ == "__main__":
	main()
