// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_elfmod.c - .modinfo, the this_module name and the build-id note of
 * module images built byte by byte here, then broken in every way a hostile
 * file can be.
 */
#include "unit.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "formats/elfmod.h"

/* ---- a tiny ELF writer ---- */

struct sec {
	const char *name;
	uint32_t type;
	const void *data;
	size_t size;
};

struct elf_img {
	uint8_t *p;
	size_t n;
	bool is64, be;
	size_t shoff;
	size_t shentsize;
	size_t nsec;		/* including the null section and .shstrtab */
	size_t strsz;		/* size of .shstrtab */
	size_t data_off[16];	/* file offset of section i's contents */
};

static void put16(uint8_t *p, uint16_t v, bool be)
{
	p[be ? 1 : 0] = (uint8_t)v;
	p[be ? 0 : 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v, bool be)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v, bool be)
{
	for (int i = 0; i < 8; i++)
		p[be ? 7 - i : i] = (uint8_t)(v >> (8 * i));
}

/* Set a field of section header i: 0 name, 1 type, 2 offset, 3 size, 4 link. */
enum { SH_NAME, SH_TYPE, SH_OFFSET, SH_SIZE, SH_LINK };

static void set_shdr(struct elf_img *e, size_t i, int field, uint64_t v)
{
	uint8_t *h = e->p + e->shoff + i * e->shentsize;

	if (e->is64) {
		static const size_t off64[] = { 0, 4, 24, 32, 40 };

		if (field <= SH_TYPE || field == SH_LINK)
			put32(h + off64[field], (uint32_t)v, e->be);
		else
			put64(h + off64[field], v, e->be);
	} else {
		static const size_t off32[] = { 0, 4, 16, 20, 24 };

		put32(h + off32[field], (uint32_t)v, e->be);
	}
}

/* Header fields by name, for both classes. */
enum { EH_SHOFF, EH_SHENTSIZE, EH_SHNUM, EH_SHSTRNDX };

static void set_ehdr(struct elf_img *e, int field, uint64_t v)
{
	if (e->is64) {
		switch (field) {
		case EH_SHOFF: put64(e->p + 40, v, e->be); break;
		case EH_SHENTSIZE: put16(e->p + 58, (uint16_t)v, e->be); break;
		case EH_SHNUM: put16(e->p + 60, (uint16_t)v, e->be); break;
		default: put16(e->p + 62, (uint16_t)v, e->be); break;
		}
	} else {
		switch (field) {
		case EH_SHOFF: put32(e->p + 32, (uint32_t)v, e->be); break;
		case EH_SHENTSIZE: put16(e->p + 46, (uint16_t)v, e->be); break;
		case EH_SHNUM: put16(e->p + 48, (uint16_t)v, e->be); break;
		default: put16(e->p + 50, (uint16_t)v, e->be); break;
		}
	}
}

static size_t align8(size_t x)
{
	return (x + 7) & ~(size_t)7;
}

/* [ehdr][section data ...][.shstrtab][section headers] */
static void build_elf(struct elf_img *e, bool is64, bool be, const struct sec *secs, size_t nsecs)
{
	size_t ehsize = is64 ? 64 : 52, shentsize = is64 ? 64 : 40;
	size_t off = ehsize, strsz = 1, nsec = nsecs + 2, stroff, name_off[16];
	char strtab[512];

	assert_true(nsec <= 16);
	memset(e, 0, sizeof(*e));
	strtab[0] = '\0';
	for (size_t i = 0; i < nsecs; i++) {
		size_t l = strlen(secs[i].name) + 1;

		name_off[i + 1] = strsz;
		memcpy(strtab + strsz, secs[i].name, l);
		strsz += l;
	}
	name_off[nsec - 1] = strsz;
	memcpy(strtab + strsz, ".shstrtab", 10);
	strsz += 10;

	for (size_t i = 0; i < nsecs; i++) {
		off = align8(off);
		e->data_off[i + 1] = off;
		if (secs[i].type != SHT_NOBITS)
			off += secs[i].size;
	}
	stroff = off;
	e->data_off[nsec - 1] = stroff;
	off = align8(off + strsz);
	e->shoff = off;
	e->n = off + nsec * shentsize;
	e->p = calloc(1, e->n);
	assert_non_null(e->p);
	e->is64 = is64;
	e->be = be;
	e->shentsize = shentsize;
	e->nsec = nsec;
	e->strsz = strsz;

	memcpy(e->p, ELFMAG, SELFMAG);
	e->p[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	e->p[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
	e->p[EI_VERSION] = EV_CURRENT;
	put16(e->p + 16, ET_REL, be);
	put16(e->p + 18, is64 ? (be ? EM_S390 : EM_X86_64) : EM_386, be);
	put32(e->p + 20, EV_CURRENT, be);
	if (is64) {
		put16(e->p + 52, 64, be);	/* e_ehsize */
	} else {
		put16(e->p + 40, 52, be);
	}
	set_ehdr(e, EH_SHOFF, e->shoff);
	set_ehdr(e, EH_SHENTSIZE, shentsize);
	set_ehdr(e, EH_SHNUM, nsec);
	set_ehdr(e, EH_SHSTRNDX, nsec - 1);

	for (size_t i = 0; i < nsecs; i++) {
		if (secs[i].type != SHT_NOBITS && secs[i].size)
			memcpy(e->p + e->data_off[i + 1], secs[i].data, secs[i].size);
		set_shdr(e, i + 1, SH_NAME, name_off[i + 1]);
		set_shdr(e, i + 1, SH_TYPE, secs[i].type);
		set_shdr(e, i + 1, SH_OFFSET, e->data_off[i + 1]);
		set_shdr(e, i + 1, SH_SIZE, secs[i].size);
	}
	memcpy(e->p + stroff, strtab, strsz);
	set_shdr(e, nsec - 1, SH_NAME, name_off[nsec - 1]);
	set_shdr(e, nsec - 1, SH_TYPE, SHT_STRTAB);
	set_shdr(e, nsec - 1, SH_OFFSET, stroff);
	set_shdr(e, nsec - 1, SH_SIZE, strsz);
}

/* ---- the contents of a typical module ---- */

static const char modinfo_blob[] =
	"license=GPL\0"
	"version=1.0\0\0\0"			/* NUL padding between entries */
	"description=a=b\0"			/* '=' inside a value */
	"srcversion=0123456789ABCDEF0123456\0"
	"depends=\0"				/* empty value */
	"name=hello\0"
	"vermagic=6.1.0-18-amd64 SMP preempt mod_unload modversions \0";

static uint8_t this_module64[1024];
static uint8_t this_module32[512];

static const uint8_t build_id_note[] = {
	4, 0, 0, 0, 20, 0, 0, 0, 3, 0, 0, 0, 'G', 'N', 'U', 0,
	0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
	0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};

static const char build_id_hex[] = "deadbeef000102030405060708090a0b0c0d0e0f";

static void init_this_module(void)
{
	memset(this_module64, 0, sizeof(this_module64));
	memcpy(this_module64 + 24, "hello", 6);
	memset(this_module32, 0, sizeof(this_module32));
	memcpy(this_module32 + 12, "hello32", 8);
}

static void build_module(struct elf_img *e, bool is64, bool be)
{
	struct sec secs[] = {
		{ ".text", SHT_PROGBITS, "\xc3", 1 },
		{ ".modinfo", SHT_PROGBITS, modinfo_blob, sizeof(modinfo_blob) - 1 },
		{ ".gnu.linkonce.this_module", SHT_PROGBITS, is64 ? this_module64 : this_module32,
		  is64 ? sizeof(this_module64) : sizeof(this_module32) },
		{ ".note.gnu.build-id", SHT_NOTE, build_id_note, sizeof(build_id_note) },
		{ ".bss", SHT_NOBITS, NULL, 4096 },
	};

	init_this_module();
	build_elf(e, is64, be, secs, sizeof(secs) / sizeof(secs[0]));
}

/* Section indices of build_module(). */
enum { IDX_TEXT = 1, IDX_MODINFO, IDX_THIS, IDX_NOTE, IDX_BSS, IDX_SHSTRTAB };

static int setup(void **state)
{
	UNIT_UNUSED(state);
	elfmod_init();
	return 0;
}

static void check_modinfo(const struct elfmod *m)
{
	assert_int_equal(m->modinfo.n, 7);
	assert_string_equal(m->modinfo.v[0].key, "license");
	assert_string_equal(m->modinfo.v[0].value, "GPL");
	assert_string_equal(kv_get(&m->modinfo, "version"), "1.0");
	assert_string_equal(kv_get(&m->modinfo, "description"), "a=b");
	assert_string_equal(kv_get(&m->modinfo, "depends"), "");
	assert_string_equal(kv_get(&m->modinfo, "name"), "hello");
	assert_string_equal(m->modinfo.v[6].key, "vermagic");
}

/* ---- well-formed modules ---- */

static void test_valid64(void **state)
{
	struct elf_img e;
	struct elfmod m;
	const char *reason = NULL;

	UNIT_UNUSED(state);
	build_module(&e, true, false);
	assert_int_equal(elfmod_parse(e.p, e.n, &m, &reason), 0);
	check_modinfo(&m);
	assert_string_equal(m.this_module_name, "hello");
	assert_non_null(m.build_id);
	assert_string_equal(m.build_id, build_id_hex);
	elfmod_free(&m);
	free(e.p);
}

static void test_valid32(void **state)
{
	struct elf_img e;
	struct elfmod m;
	const char *reason = NULL;

	UNIT_UNUSED(state);
	build_module(&e, false, false);
	assert_int_equal(elfmod_parse(e.p, e.n, &m, &reason), 0);
	check_modinfo(&m);
	assert_string_equal(m.this_module_name, "hello32");	/* name at offset 12 on 32-bit */
	assert_string_equal(m.build_id, build_id_hex);
	elfmod_free(&m);
	free(e.p);
}

/* A big-endian module (s390x) inspected offline: the headers are converted. */
static void test_big_endian(void **state)
{
	struct elf_img e;
	struct elfmod m;
	const char *reason = NULL;

	UNIT_UNUSED(state);
	build_module(&e, true, true);
	assert_int_equal(elfmod_parse(e.p, e.n, &m, &reason), 0);
	check_modinfo(&m);
	assert_string_equal(m.this_module_name, "hello");
	elfmod_free(&m);
	free(e.p);
}

/*
 * The image may be a read-only mapping of the file: libelf must never write
 * through the pointer it was given (ELF_C_READ_MMAP_PRIVATE would).
 */
static void test_readonly_mapping(void **state)
{
	UNIT_UNUSED(state);
	for (int variant = 0; variant < 3; variant++) {
		struct elf_img e;
		struct elfmod m;
		const char *reason = NULL;
		size_t maplen;
		uint8_t *map;

		build_module(&e, variant != 1, variant == 2);
		maplen = (e.n + 4095) & ~(size_t)4095;
		map = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		assert_true(map != MAP_FAILED);
		memcpy(map, e.p, e.n);
		assert_int_equal(mprotect(map, maplen, PROT_READ), 0);
		assert_int_equal(elfmod_parse(map, e.n, &m, &reason), 0);
		assert_non_null(m.this_module_name);
		elfmod_free(&m);
		munmap(map, maplen);
		free(e.p);
	}
}

/* ---- not ELF, or not enough of it ---- */

static void test_not_elf(void **state)
{
	static const char text[] = "#!/bin/sh\necho this is not a kernel module\n";
	uint8_t zeros[256] = { 0 };
	struct elfmod m;
	const char *reason = NULL;

	UNIT_UNUSED(state);
	assert_int_equal(elfmod_parse((const uint8_t *)text, sizeof(text) - 1, &m, &reason), -1);
	assert_non_null(reason);
	assert_int_equal(elfmod_parse(zeros, sizeof(zeros), &m, &reason), -1);
	assert_int_equal(elfmod_parse(zeros, 0, &m, &reason), -1);
	assert_int_equal(elfmod_parse((const uint8_t *)"\x7f" "ELF", 4, &m, &reason), -1);
	assert_null(m.this_module_name);
	assert_int_equal(m.modinfo.n, 0);
}

static void test_bad_class(void **state)
{
	struct elf_img e;
	struct elfmod m;
	const char *reason = NULL;

	UNIT_UNUSED(state);
	build_module(&e, true, false);
	for (int cls = 0; cls < 256; cls++) {
		if (cls == ELFCLASS32 || cls == ELFCLASS64)
			continue;
		e.p[EI_CLASS] = (uint8_t)cls;
		assert_int_equal(elfmod_parse(e.p, e.n, &m, &reason), -1);
	}
	/* a 64-bit image that claims to be 32-bit: headers read as garbage, no crash */
	e.p[EI_CLASS] = ELFCLASS32;
	if (elfmod_parse(e.p, e.n, &m, &reason) == 0)
		elfmod_free(&m);
	/* an unknown byte order */
	e.p[EI_CLASS] = ELFCLASS64;
	e.p[EI_DATA] = 7;
	assert_int_equal(elfmod_parse(e.p, e.n, &m, &reason), -1);
	free(e.p);
}

/* Every proper prefix of a module (section headers come last) is refused. */
static void test_every_truncation(void **state)
{
	UNIT_UNUSED(state);
	for (int variant = 0; variant < 2; variant++) {
		struct elf_img e;

		build_module(&e, variant == 0, false);
		for (size_t len = 0; len < e.n; len++) {
			uint8_t *copy = malloc(len ? len : 1);	/* exact size for valgrind/ASan */
			struct elfmod m;
			const char *reason = NULL;

			assert_non_null(copy);
			memcpy(copy, e.p, len);
			if (elfmod_parse(copy, len, &m, &reason) != -1)
				fail_msg("a module truncated to %zu of %zu bytes was accepted", len, e.n);
			assert_non_null(reason);
			free(copy);
		}
		free(e.p);
	}
}

/* ---- lying headers ---- */

static void expect_refused(struct elf_img *e, const char *what)
{
	struct elfmod m;
	const char *reason = NULL;
	int r = elfmod_parse(e->p, e->n, &m, &reason);

	if (r != -1) {
		elfmod_free(&m);
		fail_msg("%s: accepted", what);
	}
	assert_non_null(reason);
}

static void test_shoff_beyond_file(void **state)
{
	static const uint64_t bad[] = {
		0, 1, 0x1000000, UINT32_MAX, UINT64_MAX, UINT64_MAX - 63, (uint64_t)1 << 63,
	};

	UNIT_UNUSED(state);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct elf_img e;

		build_module(&e, true, false);
		if (bad[i] == 0 || bad[i] == 1) {
			/* shoff 0 means "no section headers"; 1 overlaps the ELF header */
			set_ehdr(&e, EH_SHOFF, bad[i]);
			expect_refused(&e, "small e_shoff");
		} else {
			set_ehdr(&e, EH_SHOFF, bad[i]);
			expect_refused(&e, "e_shoff beyond the file");
		}
		free(e.p);
		/* just past the end, by a little */
		build_module(&e, true, false);
		set_ehdr(&e, EH_SHOFF, e.shoff + 8);
		expect_refused(&e, "section headers running past the end");
		free(e.p);
	}
	/* the same on 32-bit */
	{
		struct elf_img e;

		build_module(&e, false, false);
		set_ehdr(&e, EH_SHOFF, UINT32_MAX - 10);
		expect_refused(&e, "32-bit e_shoff beyond the file");
		free(e.p);
	}
}

static void test_shnum_shentsize_shstrndx(void **state)
{
	struct elf_img e;
	struct elfmod m;
	const char *reason;

	UNIT_UNUSED(state);
	build_module(&e, true, false);
	set_ehdr(&e, EH_SHNUM, 0xfeff);
	expect_refused(&e, "e_shnum larger than the file");
	free(e.p);

	/*
	 * libelf ignores e_shentsize and reads sizeof(Elf64_Shdr) strides (the
	 * kernel's elf_validity_check() refuses such a file). Whatever is decided,
	 * the headers are not read with the lying stride.
	 */
	build_module(&e, true, false);
	for (unsigned sz = 0; sz < 0x10000; sz += sz < 130 ? 1 : 4099) {
		set_ehdr(&e, EH_SHENTSIZE, sz);
		reason = NULL;
		if (elfmod_parse(e.p, e.n, &m, &reason) == 0) {
			assert_string_equal(m.this_module_name, "hello");
			elfmod_free(&m);
		}
	}
	free(e.p);

	build_module(&e, true, false);
	set_ehdr(&e, EH_SHSTRNDX, 200);
	expect_refused(&e, "e_shstrndx out of range");
	free(e.p);

	/* shstrndx pointing at a section that is not a string table: names read as junk */
	build_module(&e, true, false);
	set_ehdr(&e, EH_SHSTRNDX, IDX_NOTE);
	reason = NULL;
	if (elfmod_parse(e.p, e.n, &m, &reason) == 0)
		elfmod_free(&m);
	free(e.p);

	/* extended numbering: e_shnum 0, the count in section 0's sh_size */
	build_module(&e, true, false);
	set_ehdr(&e, EH_SHNUM, 0);
	set_shdr(&e, 0, SH_SIZE, e.nsec);
	assert_int_equal(elfmod_parse(e.p, e.n, &m, &reason), 0);
	assert_string_equal(m.this_module_name, "hello");
	elfmod_free(&m);
	/* ... with a count that does not fit the file */
	set_shdr(&e, 0, SH_SIZE, 0xffffffffu);
	expect_refused(&e, "extended e_shnum beyond the file");
	set_shdr(&e, 0, SH_SIZE, UINT64_MAX);
	expect_refused(&e, "extended e_shnum of 2^64-1");
	free(e.p);

	/* extended shstrndx: SHN_XINDEX with the index in section 0's sh_link */
	build_module(&e, true, false);
	set_ehdr(&e, EH_SHSTRNDX, SHN_XINDEX);
	set_shdr(&e, 0, SH_LINK, IDX_SHSTRTAB);
	assert_int_equal(elfmod_parse(e.p, e.n, &m, &reason), 0);
	elfmod_free(&m);
	set_shdr(&e, 0, SH_LINK, 0x7fffffff);
	expect_refused(&e, "extended e_shstrndx out of range");
	free(e.p);
}

static void test_section_outside_file(void **state)
{
	static const struct {
		uint64_t off, size;
	} bad[] = {
		{ 0, 0x100000 },		/* size beyond the file */
		{ 0x100000, 16 },		/* offset beyond the file */
		{ UINT64_MAX - 5, 16 },		/* offset + size wraps */
		{ 16, UINT64_MAX },
		{ UINT64_MAX, UINT64_MAX },
		{ (uint64_t)1 << 63, (uint64_t)1 << 63 },
	};

	UNIT_UNUSED(state);
	for (int idx = IDX_MODINFO; idx <= IDX_NOTE; idx++) {
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			struct elf_img e;
			char what[64];

			build_module(&e, true, false);
			set_shdr(&e, (size_t)idx, SH_OFFSET, bad[i].off);
			set_shdr(&e, (size_t)idx, SH_SIZE, bad[i].size);
			snprintf(what, sizeof(what), "section %d case %zu", idx, i);
			expect_refused(&e, what);
			free(e.p);
		}
		/* one byte too long */
		{
			struct elf_img e;

			build_module(&e, true, false);
			set_shdr(&e, (size_t)idx, SH_OFFSET, e.n - 10);
			set_shdr(&e, (size_t)idx, SH_SIZE, 11);
			expect_refused(&e, "section one byte past the end");
			free(e.p);
		}
	}
	/* exactly up to the end is fine (the section overlaps the headers, harmlessly) */
	{
		struct elf_img e;
		struct elfmod m;
		const char *reason;

		build_module(&e, true, false);
		set_shdr(&e, IDX_NOTE, SH_OFFSET, e.n - 8);
		set_shdr(&e, IDX_NOTE, SH_SIZE, 8);
		assert_int_equal(elfmod_parse(e.p, e.n, &m, &reason), 0);
		assert_null(m.build_id);
		elfmod_free(&m);
		free(e.p);
	}
}

/* SHT_NOBITS sections have no bytes in the file: their offset and size mean nothing. */
static void test_nobits_sections_skipped(void **state)
{
	struct elf_img e;
	struct elfmod m;
	const char *reason;

	UNIT_UNUSED(state);
	build_module(&e, true, false);
	set_shdr(&e, IDX_MODINFO, SH_TYPE, SHT_NOBITS);
	set_shdr(&e, IDX_MODINFO, SH_OFFSET, UINT64_MAX);
	set_shdr(&e, IDX_MODINFO, SH_SIZE, UINT64_MAX);
	assert_int_equal(elfmod_parse(e.p, e.n, &m, &reason), 0);
	assert_int_equal(m.modinfo.n, 0);
	assert_string_equal(m.this_module_name, "hello");
	elfmod_free(&m);
	free(e.p);
}

static void test_section_names(void **state)
{
	struct elf_img e;
	struct elfmod m;
	const char *reason;

	UNIT_UNUSED(state);
	/* names pointing outside .shstrtab are skipped: here both module sections */
	build_module(&e, true, false);
	set_shdr(&e, IDX_MODINFO, SH_NAME, 0xfffffff0u);
	set_shdr(&e, IDX_THIS, SH_NAME, 100000);
	reason = NULL;
	assert_int_equal(elfmod_parse(e.p, e.n, &m, &reason), -1);
	assert_non_null(strstr(reason, "not a kernel module"));
	free(e.p);

	/* a .shstrtab without its final NUL: the last name must not run off the end */
	build_module(&e, true, false);
	assert_int_equal(e.p[e.data_off[IDX_SHSTRTAB] + e.strsz - 1], '\0');
	e.p[e.data_off[IDX_SHSTRTAB] + e.strsz - 1] = 'X';
	if (elfmod_parse(e.p, e.n, &m, &reason) == 0)
		elfmod_free(&m);
	free(e.p);

	/* a section named ".modinfoX" is not .modinfo */
	{
		struct sec secs[] = {
			{ ".modinfoX", SHT_PROGBITS, "license=GPL", 12 },
			{ ".gnu.linkonce.this_module.x", SHT_PROGBITS, this_module64, 100 },
		};

		init_this_module();
		build_elf(&e, true, false, secs, 2);
		expect_refused(&e, "look-alike section names");
		free(e.p);
	}
}

static void test_not_a_module(void **state)
{
	struct sec secs[] = {
		{ ".text", SHT_PROGBITS, "\xc3", 1 },
		{ ".data", SHT_PROGBITS, "data", 4 },
	};
	struct elf_img e;
	struct elfmod m;
	const char *reason = NULL;

	UNIT_UNUSED(state);
	build_elf(&e, true, false, secs, 2);
	assert_int_equal(elfmod_parse(e.p, e.n, &m, &reason), -1);
	assert_non_null(strstr(reason, "not a kernel module"));
	free(e.p);

	/* no sections at all */
	build_elf(&e, true, false, secs, 0);
	assert_int_equal(elfmod_parse(e.p, e.n, &m, &reason), -1);
	free(e.p);
}

/* ---- this_module ---- */

static char *name_of(bool is64, const void *data, size_t size, int *r)
{
	struct sec secs[] = {
		{ ".modinfo", SHT_PROGBITS, "license=GPL", 12 },
		{ ".gnu.linkonce.this_module", SHT_PROGBITS, data, size },
	};
	struct elf_img e;
	struct elfmod m;
	const char *reason;
	char *name = NULL;

	build_elf(&e, is64, false, secs, 2);
	*r = elfmod_parse(e.p, e.n, &m, &reason);
	if (*r == 0) {
		name = m.this_module_name ? strdup(m.this_module_name) : NULL;
		elfmod_free(&m);
	}
	free(e.p);
	return name;
}

static void test_this_module_name(void **state)
{
	uint8_t buf[200];
	char *name;
	int r;

	UNIT_UNUSED(state);
	/* all 56 name bytes used, no NUL in them (a NUL follows outside the field) */
	memset(buf, 0, sizeof(buf));
	memset(buf + 24, 'A', 56);
	name = name_of(true, buf, sizeof(buf), &r);
	assert_int_equal(r, 0);
	assert_null(name);

	/* 55 characters and a NUL: the longest valid name */
	buf[24 + 55] = '\0';
	name = name_of(true, buf, sizeof(buf), &r);
	assert_non_null(name);
	assert_int_equal(strlen(name), 55);
	free(name);

	/* empty name */
	memset(buf, 0, sizeof(buf));
	name = name_of(true, buf, sizeof(buf), &r);
	assert_int_equal(r, 0);
	assert_null(name);

	/* the section is shorter than the name's offset */
	memset(buf, 'x', sizeof(buf));
	name = name_of(true, buf, 20, &r);
	assert_int_equal(r, 0);
	assert_null(name);
	name = name_of(true, buf, 24, &r);
	assert_null(name);
	name = name_of(true, buf, 0, &r);
	assert_null(name);

	/* the section ends inside the name: a NUL before the end is fine ... */
	memset(buf, 0, sizeof(buf));
	memcpy(buf + 24, "ab", 3);
	name = name_of(true, buf, 27, &r);
	assert_non_null(name);
	assert_string_equal(name, "ab");
	free(name);
	/* ... but without one the name is not read past the section */
	name = name_of(true, buf, 26, &r);
	assert_int_equal(r, 0);
	assert_null(name);

	/* 32-bit: offset 12, 60 bytes */
	memset(buf, 0, sizeof(buf));
	memset(buf + 12, 'B', 60);
	name = name_of(false, buf, sizeof(buf), &r);
	assert_int_equal(r, 0);
	assert_null(name);
	buf[12 + 59] = '\0';
	name = name_of(false, buf, sizeof(buf), &r);
	assert_non_null(name);
	assert_int_equal(strlen(name), 59);
	free(name);
}

/* Without .modinfo, a this_module whose name is unreadable leaves nothing to go on. */
static void test_this_module_only_bad_name(void **state)
{
	uint8_t buf[100];
	struct sec secs[] = { { ".gnu.linkonce.this_module", SHT_PROGBITS, buf, sizeof(buf) } };
	struct elf_img e;
	struct elfmod m;
	const char *reason = NULL;

	UNIT_UNUSED(state);
	memset(buf, 'Z', sizeof(buf));
	build_elf(&e, true, false, secs, 1);
	assert_int_equal(elfmod_parse(e.p, e.n, &m, &reason), -1);
	assert_null(m.this_module_name);
	free(e.p);

	memset(buf, 0, sizeof(buf));
	memcpy(buf + 24, "only_name", 10);
	build_elf(&e, true, false, secs, 1);
	assert_int_equal(elfmod_parse(e.p, e.n, &m, &reason), 0);
	assert_string_equal(m.this_module_name, "only_name");
	assert_int_equal(m.modinfo.n, 0);
	elfmod_free(&m);
	free(e.p);
}

/* Two this_module sections: the last one counts, the first is not leaked. */
static void test_duplicate_sections(void **state)
{
	uint8_t a[100] = { 0 }, b[100] = { 0 };
	struct sec secs[] = {
		{ ".gnu.linkonce.this_module", SHT_PROGBITS, a, sizeof(a) },
		{ ".modinfo", SHT_PROGBITS, "a=1", 4 },
		{ ".gnu.linkonce.this_module", SHT_PROGBITS, b, sizeof(b) },
		{ ".modinfo", SHT_PROGBITS, "b=2", 4 },
	};
	struct elf_img e;
	struct elfmod m;
	const char *reason;

	UNIT_UNUSED(state);
	memcpy(a + 24, "first", 6);
	memcpy(b + 24, "second", 7);
	build_elf(&e, true, false, secs, 4);
	assert_int_equal(elfmod_parse(e.p, e.n, &m, &reason), 0);
	assert_string_equal(m.this_module_name, "second");
	assert_int_equal(m.modinfo.n, 2);
	elfmod_free(&m);
	free(e.p);
}

/* ---- .modinfo ---- */

static void test_modinfo_parse(void **state)
{
	struct kvlist kv = { 0 };

	UNIT_UNUSED(state);
	/* no NUL at all: one entry running to the end */
	modinfo_parse((const uint8_t *)"license=GPL", 11, &kv);
	assert_int_equal(kv.n, 1);
	assert_string_equal(kv.v[0].key, "license");
	assert_string_equal(kv.v[0].value, "GPL");
	kv_free(&kv);

	/* strings without '=' or with an empty key are not entries */
	{
		static const char blob[] = "noequals\0=value\0key=\0k=v\0\0\0=\0";

		modinfo_parse((const uint8_t *)blob, sizeof(blob) - 1, &kv);
		assert_int_equal(kv.n, 2);
		assert_string_equal(kv.v[0].key, "key");
		assert_string_equal(kv.v[0].value, "");
		assert_string_equal(kv.v[1].key, "k");
		assert_string_equal(kv.v[1].value, "v");
		kv_free(&kv);
	}

	/* only NULs, and nothing */
	{
		uint8_t zeros[64] = { 0 };

		modinfo_parse(zeros, sizeof(zeros), &kv);
		assert_int_equal(kv.n, 0);
		modinfo_parse(zeros, 0, &kv);
		assert_int_equal(kv.n, 0);
		kv_free(&kv);
	}

	/* the value stops at the end of the buffer even without a NUL */
	{
		static const char blob[] = "a=1\0b=2XXXXXXXX";

		modinfo_parse((const uint8_t *)blob, 7, &kv);
		assert_int_equal(kv.n, 2);
		assert_string_equal(kv.v[1].value, "2");
		kv_free(&kv);
	}

	/* duplicate keys are kept in file order (module aliases, parm descriptions) */
	{
		static const char blob[] = "alias=pci:v1\0alias=pci:v2\0";

		modinfo_parse((const uint8_t *)blob, sizeof(blob) - 1, &kv);
		assert_int_equal(kv.n, 2);
		assert_string_equal(kv.v[0].value, "pci:v1");
		assert_string_equal(kv.v[1].value, "pci:v2");
		assert_string_equal(kv_get(&kv, "alias"), "pci:v1");
		kv_free(&kv);
	}

	/* binary junk: stored as bytes, terminated, nothing read past the buffer */
	{
		uint8_t junk[4096];

		unit_fill_random(junk, sizeof(junk), 99);
		for (size_t len = 0; len <= 64; len++) {
			uint8_t *copy = malloc(len ? len : 1);

			assert_non_null(copy);
			memcpy(copy, junk, len);
			modinfo_parse(copy, len, &kv);
			free(copy);
		}
		modinfo_parse(junk, sizeof(junk), &kv);
		for (size_t i = 0; i < kv.n; i++) {
			assert_true(strlen(kv.v[i].key) > 0);
			assert_null(strchr(kv.v[i].key, '='));
		}
		kv_free(&kv);
	}
}

static void test_modinfo_many_entries(void **state)
{
	size_t count = 20000, len = count * 4;
	char *blob = malloc(len);
	struct kvlist kv = { 0 };

	UNIT_UNUSED(state);
	assert_non_null(blob);
	for (size_t i = 0; i < count; i++)
		memcpy(blob + i * 4, "k=v", 4);
	modinfo_parse((const uint8_t *)blob, len, &kv);
	assert_int_equal(kv.n, count);
	kv_free(&kv);
	free(blob);
}

/* ---- build-id notes ---- */

static uint8_t *note(uint32_t namesz, uint32_t descsz, uint32_t type, const char *name,
		     size_t name_bytes, size_t desc_bytes, size_t *n)
{
	size_t len = 12 + name_bytes + desc_bytes;
	uint8_t *p = calloc(1, len);

	assert_non_null(p);
	put32(p, namesz, false);
	put32(p + 4, descsz, false);
	put32(p + 8, type, false);
	memcpy(p + 12, name, name_bytes < strlen(name) + 1 ? name_bytes : strlen(name) + 1);
	for (size_t i = 0; i < desc_bytes; i++)
		p[12 + name_bytes + i] = (uint8_t)(0xa0 + i);
	*n = len;
	return p;
}

static char *build_id_of(uint32_t namesz, uint32_t descsz, uint32_t type, const char *name,
			 size_t name_bytes, size_t desc_bytes)
{
	size_t n;
	uint8_t *p = note(namesz, descsz, type, name, name_bytes, desc_bytes, &n);
	char *id = note_build_id(p, n);

	free(p);
	return id;
}

static void test_note_build_id(void **state)
{
	char *id;

	UNIT_UNUSED(state);
	id = note_build_id(build_id_note, sizeof(build_id_note));
	assert_non_null(id);
	assert_string_equal(id, build_id_hex);
	free(id);

	/* a short (MD5-size) and the longest accepted build-id */
	id = build_id_of(4, 16, 3, "GNU", 4, 16);
	assert_non_null(id);
	assert_int_equal(strlen(id), 32);
	free(id);
	id = build_id_of(4, 64, 3, "GNU", 4, 64);
	assert_non_null(id);
	assert_int_equal(strlen(id), 128);
	free(id);

	/* not a build-id: wrong type, wrong owner, empty or oversized descriptor */
	assert_null(build_id_of(4, 20, 1, "GNU", 4, 20));
	assert_null(build_id_of(4, 20, 3, "GNX", 4, 20));
	assert_null(build_id_of(3, 20, 3, "GNU", 4, 20));
	assert_null(build_id_of(4, 0, 3, "GNU", 4, 0));
	assert_null(build_id_of(4, 65, 3, "GNU", 4, 68));

	/* sizes that point outside the buffer */
	assert_null(build_id_of(0xffffffffu, 20, 3, "GNU", 4, 20));
	assert_null(build_id_of(4, 0xffffffffu, 3, "GNU", 4, 20));
	assert_null(build_id_of(0xfffffffdu, 0, 3, "GNU", 4, 20));	/* padding wraps */
	assert_null(build_id_of(4, 0xfffffffdu, 3, "GNU", 4, 20));
	assert_null(build_id_of(256, 20, 3, "GNU", 4, 20));		/* fits the limit, not the buffer */
	assert_null(build_id_of(4, 4096, 3, "GNU", 4, 20));
	assert_null(build_id_of(4, 21, 3, "GNU", 4, 20));		/* one byte short */

	/* a header alone, and less */
	assert_null(note_build_id(build_id_note, 12));
	assert_null(note_build_id(build_id_note, 11));
	assert_null(note_build_id(build_id_note, 0));
}

/* The build-id may follow other notes; padding to 4 bytes is honoured. */
static void test_note_list(void **state)
{
	uint8_t buf[256];
	size_t off = 0;
	char *id;

	UNIT_UNUSED(state);
	memset(buf, 0, sizeof(buf));
	/* note 1: name "Linux" (namesz 6, padded to 8), desc 5 bytes (padded to 8), type 1 */
	put32(buf + off, 6, false);
	put32(buf + off + 4, 5, false);
	put32(buf + off + 8, 1, false);
	memcpy(buf + off + 12, "Linux", 6);
	memcpy(buf + off + 20, "\x03\x03\x03GN", 5);	/* desc looks like a note start */
	off += 12 + 8 + 8;
	/* note 2: the build-id */
	memcpy(buf + off, build_id_note, sizeof(build_id_note));
	off += sizeof(build_id_note);
	id = note_build_id(buf, off);
	assert_non_null(id);
	assert_string_equal(id, build_id_hex);
	free(id);

	/* every proper prefix of the list: no complete build-id, no read past the end */
	for (size_t len = 0; len < off; len++) {
		uint8_t *copy = malloc(len ? len : 1);

		assert_non_null(copy);
		memcpy(copy, buf, len);
		id = note_build_id(copy, len);
		assert_null(id);	/* any proper prefix lacks the complete build-id */
		free(copy);
	}
}

/* A module whose note section lies about its sizes still parses; the id is dropped. */
static void test_module_with_bad_note(void **state)
{
	uint8_t bad_note[sizeof(build_id_note)];
	struct sec secs[] = {
		{ ".modinfo", SHT_PROGBITS, "license=GPL", 12 },
		{ ".note.gnu.build-id", SHT_NOTE, bad_note, sizeof(bad_note) },
	};
	struct elf_img e;
	struct elfmod m;
	const char *reason;

	UNIT_UNUSED(state);
	memcpy(bad_note, build_id_note, sizeof(bad_note));
	put32(bad_note, 0xfffffff0u, false);
	build_elf(&e, true, false, secs, 2);
	assert_int_equal(elfmod_parse(e.p, e.n, &m, &reason), 0);
	assert_null(m.build_id);
	elfmod_free(&m);
	free(e.p);

	memcpy(bad_note, build_id_note, sizeof(bad_note));
	put32(bad_note + 4, 0x7fffffffu, false);
	build_elf(&e, true, false, secs, 2);
	assert_int_equal(elfmod_parse(e.p, e.n, &m, &reason), 0);
	assert_null(m.build_id);
	elfmod_free(&m);
	free(e.p);
}

/* Random corruption of a valid module: parse or refuse, never crash or overread. */
static void test_random_corruption(void **state)
{
	struct elf_img e;
	uint64_t seed = 12345;

	UNIT_UNUSED(state);
	for (int variant = 0; variant < 2; variant++) {
		build_module(&e, variant == 0, false);
		for (int iter = 0; iter < 1500; iter++) {
			uint8_t *copy = malloc(e.n);
			struct elfmod m;
			const char *reason;
			int flips = 1 + (int)(unit_rand(&seed) % 8);

			assert_non_null(copy);
			memcpy(copy, e.p, e.n);
			for (int f = 0; f < flips; f++) {
				uint64_t r = unit_rand(&seed);
				/* mostly hit the headers, where the lies matter */
				size_t pos = (r & 1) ? (size_t)((r >> 8) % 64) :
						       e.shoff + (size_t)((r >> 8) % (e.n - e.shoff));

				copy[pos] = (uint8_t)(r >> 40);
			}
			if (elfmod_parse(copy, e.n, &m, &reason) == 0) {
				for (size_t i = 0; i < m.modinfo.n; i++)
					assert_non_null(m.modinfo.v[i].value);
				elfmod_free(&m);
			}
			free(copy);
		}
		free(e.p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid64),
		cmocka_unit_test(test_valid32),
		cmocka_unit_test(test_big_endian),
		cmocka_unit_test(test_readonly_mapping),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_bad_class),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_shoff_beyond_file),
		cmocka_unit_test(test_shnum_shentsize_shstrndx),
		cmocka_unit_test(test_section_outside_file),
		cmocka_unit_test(test_nobits_sections_skipped),
		cmocka_unit_test(test_section_names),
		cmocka_unit_test(test_not_a_module),
		cmocka_unit_test(test_this_module_name),
		cmocka_unit_test(test_this_module_only_bad_name),
		cmocka_unit_test(test_duplicate_sections),
		cmocka_unit_test(test_modinfo_parse),
		cmocka_unit_test(test_modinfo_many_entries),
		cmocka_unit_test(test_note_build_id),
		cmocka_unit_test(test_note_list),
		cmocka_unit_test(test_module_with_bad_note),
		cmocka_unit_test(test_random_corruption),
	};

	return cmocka_run_group_tests_name("elfmod", tests, setup, NULL);
}
