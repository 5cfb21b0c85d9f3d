// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_pe.c - PE/COFF images (pe.c), their VERSIONINFO resource (peres.c) and
 * Authenticode (authenticode.c). Images are assembled here byte by byte:
 *   0x00  "MZ", e_lfanew (0x3c) = 0x40
 *   0x40  "PE\0\0", the COFF header (20 bytes)
 *   0x58  the optional header, PE32+ (240 bytes: 112 + 16 data directories)
 *         or PE32 (224 bytes: 96 + 16 data directories)
 *         then the section table (40 bytes a section), SizeOfHeaders 0x200
 *   ...   section data, trailing data, the certificate table.
 * Signatures are PKCS#7 SignedData whose content is a SpcIndirectDataContent,
 * made here with OpenSSL the way osslsigncode makes them (EC keys: fast under
 * valgrind). The Authenticode digest is recomputed here from byte ranges
 * written out by hand, not with pe.c's own ranges.
 */
#include "unit.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/authenticode.h"
#include "crypto/cert.h"
#include "crypto/authenticode_priv.h"
#include "crypto/cert_priv.h"
#include "formats/pe.h"
#include "formats/peres.h"
#include "core/util.h"

#include "certfix.h"
#include "derfix.h"

#define E_LFANEW 0x3cu
#define PE_OFF 0x40u
#define COFF (PE_OFF + 4)
#define OPT (COFF + 20)
#define HDRS 0x200u			/* SizeOfHeaders */
#define CHECKSUM (OPT + 64)
#define DIRS (OPT + 112)		/* PE32+ */
#define RSRCDIR (DIRS + 2 * 8)
#define SECDIR (DIRS + 4 * 8)
#define SECT_TABLE (OPT + 240)		/* PE32+ */

#define OID_SPC_INDIRECT_DATA "1.3.6.1.4.1.311.2.1.4"
#define OID_NESTED_SIGNATURE "1.3.6.1.4.1.311.2.4.1"

struct blob {
	uint8_t *p;
	size_t n;
};

/* ---- little helpers ---- */

static void put16(uint8_t *p, size_t off, uint16_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* An exact-size copy: valgrind and ASan see any read past its end. */
static uint8_t *dup_exact(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);

	assert_non_null(q);
	if (n)
		memcpy(q, p, n);
	return q;
}

static struct blob blob_of(uint8_t *der, int n)
{
	struct blob b;

	assert_true(n > 0);
	b.p = dup_exact(der, (size_t)n);
	b.n = (size_t)n;
	OPENSSL_free(der);
	return b;
}

static void sha256(const uint8_t *p, size_t n, uint8_t md[32])
{
	assert_true(EVP_Digest(p, n, md, NULL, EVP_sha256(), NULL));
}

/* ---- building images ---- */

struct sect {
	const char *name;		/* up to 8 bytes; 8 long is stored without a NUL */
	uint32_t vaddr, vsize, rawptr, rawsize;
};

struct spec {
	bool pe32;
	size_t n;			/* file size */
	uint32_t hdrs;			/* SizeOfHeaders, 0: HDRS */
	uint16_t opt_size;		/* 0: 240 (PE32+) or 224 (PE32) */
	uint32_t ndirs;			/* 0: 16 */
	size_t nsect;
	struct sect s[8];
	uint32_t cert_off, cert_size;
	uint32_t rsrc_rva, rsrc_size;
	uint32_t symtab, nsyms;
};

/* Two sections back to back after the headers, then 0x40 bytes of trailing data. */
static struct spec base_spec(void)
{
	struct spec sp = {
		.n = 0x640,
		.nsect = 2,
		.s = {
			{ ".text", 0x1000, 0x200, 0x200, 0x200 },
			{ ".data", 0x2000, 0x300, 0x400, 0x200 },
		},
	};

	return sp;
}

static uint8_t *build(const struct spec *sp, size_t *n)
{
	uint32_t hdrs = sp->hdrs ? sp->hdrs : HDRS;
	uint16_t opt_size = sp->opt_size ? sp->opt_size : sp->pe32 ? 224 : 240;
	uint32_t ndirs = sp->ndirs ? sp->ndirs : 16;
	size_t dirs = OPT + (sp->pe32 ? 96 : 112), table = OPT + opt_size;
	uint8_t *p;

	assert_true(sp->n >= hdrs);
	assert_true(table + sp->nsect * 40 <= hdrs);
	p = malloc(sp->n);
	assert_non_null(p);
	unit_fill_random(p, sp->n, 0x5eed);
	memset(p, 0, hdrs);
	p[0] = 'M';
	p[1] = 'Z';
	put32(p, E_LFANEW, PE_OFF);
	memcpy(p + PE_OFF, "PE\0\0", 4);
	put16(p, COFF, 0x8664);
	put16(p, COFF + 2, (uint16_t)sp->nsect);
	put32(p, COFF + 4, 0x5f000000);
	put32(p, COFF + 8, sp->symtab);
	put32(p, COFF + 12, sp->nsyms);
	put16(p, COFF + 16, opt_size);
	put16(p, COFF + 18, 0x2022);
	put16(p, OPT, sp->pe32 ? 0x10b : 0x20b);
	put32(p, OPT + 16, 0x1000);		/* AddressOfEntryPoint */
	put32(p, OPT + 32, 0x1000);		/* SectionAlignment */
	put32(p, OPT + 36, 0x200);		/* FileAlignment */
	put32(p, OPT + 56, 0x10000);		/* SizeOfImage */
	put32(p, OPT + 60, hdrs);
	put32(p, OPT + 64, 0xc0ffee11);		/* CheckSum */
	put16(p, OPT + 68, 10);			/* EFI application */
	put32(p, dirs - 4, ndirs);
	if (ndirs > 2 && dirs + 24 <= table) {
		put32(p, dirs + 16, sp->rsrc_rva);
		put32(p, dirs + 20, sp->rsrc_size);
	}
	if (ndirs > 4 && dirs + 40 <= table) {
		put32(p, dirs + 32, sp->cert_off);
		put32(p, dirs + 36, sp->cert_size);
	}
	for (size_t i = 0; i < sp->nsect; i++) {
		size_t o = table + 40 * i;
		const char *name = sp->s[i].name ? sp->s[i].name : "";

		memcpy(p + o, name, strnlen(name, 8));
		put32(p, o + 8, sp->s[i].vsize);
		put32(p, o + 12, sp->s[i].vaddr);
		put32(p, o + 16, sp->s[i].rawsize);
		put32(p, o + 20, sp->s[i].rawptr);
		put32(p, o + 36, 0x60000020);
	}
	*n = sp->n;
	return p;
}

/* pe_parse, checking what a failure must leave behind. */
static int parse(const uint8_t *p, size_t n, struct pe_image *pe, const char **reason)
{
	int r;

	*reason = NULL;
	r = pe_parse(p, n, pe, reason);
	if (r) {
		assert_int_equal(r, -1);
		assert_non_null(*reason);
		assert_null(pe->sect);
		assert_int_equal(pe->nsect, 0);
	}
	return r;
}

static void parse_ok(const uint8_t *p, size_t n, struct pe_image *pe)
{
	const char *reason;

	if (parse(p, n, pe, &reason))
		fail_msg("rejected: %s", reason);
}

static void expect_reject(const uint8_t *p, size_t n, const char *why)
{
	uint8_t *copy = dup_exact(p, n);
	struct pe_image pe;
	const char *reason;

	if (parse(copy, n, &pe, &reason) == 0) {
		pe_free(&pe);
		fail_msg("accepted, expected \"%s\"", why);
	}
	if (!strstr(reason, why))
		fail_msg("rejected with \"%s\", expected \"%s\"", reason, why);
	free(copy);
}

static void expect_accept(const uint8_t *p, size_t n)
{
	uint8_t *copy = dup_exact(p, n);
	struct pe_image pe;

	parse_ok(copy, n, &pe);
	pe_free(&pe);
	free(copy);
}

static uint8_t *build_spec_patched(struct spec sp, size_t *n)
{
	return build(&sp, n);
}

/* ---- headers ---- */

static void test_valid_pe32plus(void **state)
{
	struct spec sp = base_spec();
	struct pe_image pe;
	size_t n;
	uint8_t *p;

	UNIT_UNUSED(state);
	sp.n = 0x680;
	sp.cert_off = 0x640;
	sp.cert_size = 0x40;
	sp.rsrc_rva = 0x2010;
	sp.rsrc_size = 0x30;
	p = build(&sp, &n);
	parse_ok(p, n, &pe);
	assert_ptr_equal(pe.p, p);
	assert_int_equal(pe.n, n);
	assert_true(pe.pe32plus);
	assert_int_equal(pe.machine, 0x8664);
	assert_int_equal(pe.subsystem, 10);
	assert_int_equal(pe.checksum_off, CHECKSUM);
	assert_int_equal(pe.certdir_off, SECDIR);
	assert_int_equal(pe.cert_off, 0x640);
	assert_int_equal(pe.cert_size, 0x40);
	assert_int_equal(pe.rsrc_rva, 0x2010);
	assert_int_equal(pe.rsrc_size, 0x30);
	assert_int_equal(pe.size_of_headers, HDRS);
	assert_int_equal(pe.nsect, 2);
	assert_string_equal(pe.sect[0].name, ".text");
	assert_int_equal(pe.sect[0].vaddr, 0x1000);
	assert_int_equal(pe.sect[0].vsize, 0x200);
	assert_int_equal(pe.sect[0].rawptr, 0x200);
	assert_int_equal(pe.sect[0].rawsize, 0x200);
	assert_string_equal(pe.sect[1].name, ".data");
	assert_int_equal(pe.sect[1].vsize, 0x300);
	assert_ptr_equal(pe_section_named(&pe, ".data"), &pe.sect[1]);
	assert_null(pe_section_named(&pe, ".rsrc"));
	assert_null(pe_section_named(&pe, ""));
	pe_free(&pe);
	assert_null(pe.sect);
	assert_int_equal(pe.nsect, 0);
	pe_free(&pe);	/* twice is harmless */
	free(p);

	/* an 8-byte name has no NUL in the table; the parsed one has */
	sp = base_spec();
	sp.s[0].name = ".textbss";
	p = build(&sp, &n);
	parse_ok(p, n, &pe);
	assert_string_equal(pe.sect[0].name, ".textbss");
	pe_free(&pe);
	free(p);

	/* five data directories (up to SECURITY) in an optional header just that long */
	sp = base_spec();
	sp.ndirs = 5;
	sp.opt_size = 112 + 5 * 8;
	p = build(&sp, &n);
	parse_ok(p, n, &pe);
	assert_int_equal(pe.certdir_off, SECDIR);
	assert_int_equal(pe.nsect, 2);
	assert_string_equal(pe.sect[1].name, ".data");
	pe_free(&pe);
	free(p);

	/* NumberOfRvaAndSizes beyond 16 is taken as 16 */
	p = build_spec_patched(base_spec(), &n);
	put32(p, DIRS - 4, 0xffffffffu);
	expect_accept(p, n);
	free(p);
}

static void test_valid_pe32(void **state)
{
	struct spec sp = base_spec();
	struct pe_image pe;
	size_t n;
	uint8_t *p;

	UNIT_UNUSED(state);
	sp.pe32 = true;
	sp.n = 0x650;
	sp.cert_off = 0x640;
	sp.cert_size = 0x10;
	p = build(&sp, &n);
	parse_ok(p, n, &pe);
	assert_false(pe.pe32plus);
	assert_int_equal(pe.checksum_off, OPT + 64);
	assert_int_equal(pe.certdir_off, OPT + 96 + 32);
	assert_int_equal(pe.cert_off, 0x640);
	assert_int_equal(pe.cert_size, 0x10);
	assert_int_equal(pe.nsect, 2);
	assert_string_equal(pe.sect[1].name, ".data");
	pe_free(&pe);
	free(p);
}

static void test_not_pe(void **state)
{
	static const uint8_t tiny[][2] = { { 'M', 'Z' }, { 'Z', 'M' } };
	uint8_t buf[0x400];
	size_t n;
	uint8_t *p;

	UNIT_UNUSED(state);
	expect_reject(tiny[0], 0, "no MZ header");
	expect_reject(tiny[0], 1, "no MZ header");
	expect_reject(tiny[0], 2, "no MZ header");	/* MZ, but no e_lfanew */
	expect_reject(tiny[1], 2, "no MZ header");

	/* MZ and e_lfanew, but no PE: a DOS program */
	memset(buf, 0, sizeof(buf));
	buf[0] = 'M';
	buf[1] = 'Z';
	expect_reject(buf, 0x40, "no PE signature");	/* e_lfanew 0 points at "MZ\0\0" */
	expect_reject(buf, 0x3f, "no MZ header");	/* e_lfanew cut short */
	put32(buf, E_LFANEW, 0x80);
	memcpy(buf + 0x80, "PE\0\1", 4);
	expect_reject(buf, sizeof(buf), "no PE signature");
	memcpy(buf + 0x80, "NE\0\0", 4);
	expect_reject(buf, sizeof(buf), "no PE signature");
	unit_fill_random(buf, sizeof(buf), 42);
	expect_reject(buf, sizeof(buf), "not a PE file");

	/* the PE header of a real image, but the MZ is damaged */
	p = build_spec_patched(base_spec(), &n);
	p[1] = 'z';
	expect_reject(p, n, "no MZ header");
	free(p);
}

static void test_lfanew(void **state)
{
	static const uint32_t bad[] = { 0x640, 0x63e, 0x63c, 0x7fffffffu, 0xfffffffcu, 0xffffffffu };
	size_t n;
	uint8_t *p = build_spec_patched(base_spec(), &n);

	UNIT_UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		put32(p, E_LFANEW, bad[i]);
		expect_reject(p, n, "no PE signature");
	}
	/* "PE\0\0" in the last four bytes: a COFF header cannot follow */
	memcpy(p + n - 4, "PE\0\0", 4);
	put32(p, E_LFANEW, (uint32_t)n - 4);
	expect_reject(p, n, "COFF header truncated");
	memcpy(p + n - 20, "PE\0\0", 4);
	put32(p, E_LFANEW, (uint32_t)n - 20);
	expect_reject(p, n, "COFF header truncated");
	free(p);
}

static void test_number_of_sections(void **state)
{
	struct spec sp = base_spec();
	struct pe_image pe;
	size_t n;
	uint8_t *p = build(&sp, &n);

	UNIT_UNUSED(state);
	put16(p, COFF + 2, 0);
	expect_reject(p, n, "NumberOfSections");
	put16(p, COFF + 2, 97);
	expect_reject(p, n, "NumberOfSections");
	put16(p, COFF + 2, 0xffff);
	expect_reject(p, n, "NumberOfSections");
	put16(p, COFF + 2, 0x8000);
	expect_reject(p, n, "NumberOfSections");
	/* more sections than the table SizeOfHeaders covers */
	put16(p, COFF + 2, (HDRS - SECT_TABLE) / 40 + 1);
	expect_reject(p, n, "SizeOfHeaders does not cover");
	free(p);

	/* 96, the format's limit, is fine */
	memset(&sp, 0, sizeof(sp));
	sp.hdrs = 0x1200;
	sp.n = 0x1400;
	p = build(&sp, &n);
	put16(p, COFF + 2, 96);
	for (size_t i = 0; i < 96; i++) {
		char name[9];

		snprintf(name, sizeof(name), "s%zu", i);
		memcpy(p + SECT_TABLE + 40 * i, name, strlen(name));
	}
	put32(p, SECT_TABLE + 40 * 95 + 16, 0x200);	/* the last one has raw data */
	put32(p, SECT_TABLE + 40 * 95 + 20, 0x1200);
	parse_ok(p, n, &pe);
	assert_int_equal(pe.nsect, 96);
	assert_string_equal(pe.sect[0].name, "s0");
	assert_string_equal(pe.sect[95].name, "s95");
	assert_int_equal(pe.sect[95].rawptr, 0x1200);
	pe_free(&pe);
	put16(p, COFF + 2, 97);
	expect_reject(p, n, "NumberOfSections");
	free(p);
}

static void test_section_table_past_eof(void **state)
{
	struct spec sp = base_spec();
	size_t n;
	uint8_t *p = build(&sp, &n);

	UNIT_UNUSED(state);
	/* the file ends inside the section table */
	expect_reject(p, SECT_TABLE + 40 + 39, "section table reaches beyond");
	expect_reject(p, SECT_TABLE + 40, "section table reaches beyond");
	expect_reject(p, SECT_TABLE + 1, "section table reaches beyond");
	expect_reject(p, SECT_TABLE, "section table reaches beyond");
	/* a SizeOfOptionalHeader that puts the table past the end */
	put16(p, COFF + 16, 0xffff);
	expect_reject(p, n, "section table reaches beyond");
	put16(p, COFF + 16, (uint16_t)(n - OPT - 40));
	expect_reject(p, n, "section table reaches beyond");
	free(p);
}

static void test_optional_header(void **state)
{
	size_t n;
	uint8_t *p = build_spec_patched(base_spec(), &n);
	uint8_t *q;

	UNIT_UNUSED(state);
	/* SizeOfOptionalHeader smaller than the data directories it declares */
	put16(p, COFF + 16, 112 + 15 * 8);
	expect_reject(p, n, "data directories reach beyond SizeOfOptionalHeader");
	put16(p, COFF + 16, 112);
	expect_reject(p, n, "data directories reach beyond SizeOfOptionalHeader");
	put16(p, COFF + 16, 0);
	expect_reject(p, n, "data directories reach beyond SizeOfOptionalHeader");
	put16(p, COFF + 16, 240);
	put32(p, DIRS - 4, 17);		/* clipped to 16, fits */
	expect_accept(p, n);
	/* fewer directories than SECURITY: there is no certificate table entry */
	put32(p, DIRS - 4, 4);
	expect_reject(p, n, "no certificate table directory");
	put32(p, DIRS - 4, 0);
	expect_reject(p, n, "no certificate table directory");
	put32(p, DIRS - 4, 16);
	/* an optional header of another kind (ROM images, or garbage) */
	put16(p, OPT, 0x107);
	expect_reject(p, n, "optional header missing or of unknown kind");
	put16(p, OPT, 0);
	expect_reject(p, n, "optional header missing or of unknown kind");
	/* PE32 magic in a PE32+ layout: NumberOfRvaAndSizes is read at 92, a zero there */
	put16(p, OPT, 0x10b);
	expect_reject(p, n, "no certificate table directory");
	put16(p, OPT, 0x20b);
	expect_accept(p, n);

	/* the file ends inside the optional header */
	expect_reject(p, OPT, "optional header missing");
	expect_reject(p, OPT + 1, "optional header missing");
	expect_reject(p, OPT + 2, "optional header truncated");
	expect_reject(p, OPT + 63, "optional header truncated");
	expect_reject(p, OPT + 69, "optional header truncated");
	expect_reject(p, OPT + 111, "optional header truncated");
	expect_reject(p, DIRS + 8, "data directories truncated");
	expect_reject(p, SECDIR + 7, "data directories truncated");
	expect_reject(p, SECT_TABLE - 1, "data directories truncated");
	/* ... or inside the COFF header */
	expect_reject(p, COFF + 19, "COFF header truncated");
	expect_reject(p, COFF, "COFF header truncated");

	/* with only five directories, what follows the header is the section table */
	q = build_spec_patched(base_spec(), &n);
	put32(q, DIRS - 4, 5);
	put16(q, COFF + 16, 112 + 4 * 8);	/* one short */
	expect_reject(q, n, "data directories reach beyond SizeOfOptionalHeader");
	free(q);
	free(p);
}

static void test_size_of_headers(void **state)
{
	size_t n;
	uint8_t *p = build_spec_patched(base_spec(), &n);

	UNIT_UNUSED(state);
	put32(p, OPT + 60, (uint32_t)n + 1);
	expect_reject(p, n, "SizeOfHeaders");
	put32(p, OPT + 60, 0xffffffffu);
	expect_reject(p, n, "SizeOfHeaders");
	put32(p, OPT + 60, 0);
	expect_reject(p, n, "SizeOfHeaders");
	/* one byte short of the section table's end */
	put32(p, OPT + 60, SECT_TABLE + 2 * 40 - 1);
	expect_reject(p, n, "SizeOfHeaders");
	put32(p, OPT + 60, SECT_TABLE + 2 * 40);
	expect_accept(p, n);
	put32(p, OPT + 60, (uint32_t)n);	/* the whole file is headers: odd, but not unsafe */
	expect_accept(p, n);
	free(p);
}

static void test_section_raw_data(void **state)
{
	static const struct {
		uint32_t ptr, size;
	} bad[] = {
		{ 0x600, 0x41 },		/* one byte past EOF */
		{ 0x640, 1 },			/* starts at EOF */
		{ 0x1000, 0x200 },		/* entirely past EOF */
		{ 0xffffff00u, 0x200 },		/* wraps 32 bits */
		{ 0x200, 0xffffffffu },
		{ 0xffffffffu, 0xffffffffu },
		{ 0xffffffffu, 1 },
	};
	size_t n;
	uint8_t *p = build_spec_patched(base_spec(), &n);
	size_t s1 = SECT_TABLE + 40;
	struct pe_image pe;

	UNIT_UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		put32(p, s1 + 20, bad[i].ptr);
		put32(p, s1 + 16, bad[i].size);
		expect_reject(p, n, "raw data lies beyond the end of the file");
	}
	/* the first section is checked, too */
	put32(p, s1 + 20, 0x400);
	put32(p, s1 + 16, 0x200);
	put32(p, SECT_TABLE + 16, 0xffffffffu);
	expect_reject(p, n, "raw data lies beyond the end of the file");
	put32(p, SECT_TABLE + 16, 0x200);
	/* up to the last byte is fine */
	put32(p, s1 + 16, 0x240);
	expect_accept(p, n);
	/* no raw data (.bss): the pointer is not looked at */
	put32(p, s1 + 16, 0);
	put32(p, s1 + 20, 0xffffffffu);
	parse_ok(p, n, &pe);
	assert_int_equal(pe.sect[1].rawsize, 0);
	assert_int_equal(pe.sect[1].rawptr, 0xffffffffu);
	pe_free(&pe);
	free(p);
}

static void test_cert_table_placement(void **state)
{
	struct spec sp = base_spec();
	struct pe_image pe;
	size_t n;
	uint8_t *p;

	UNIT_UNUSED(state);
	sp.n = 0x680;
	sp.cert_off = 0x640;
	sp.cert_size = 0x40;
	p = build(&sp, &n);
	expect_accept(p, n);
	/* past EOF, or wrapping */
	put32(p, SECDIR + 4, 0x41);
	expect_reject(p, n, "certificate table lies outside the file or over the headers");
	put32(p, SECDIR, 0x680);
	put32(p, SECDIR + 4, 8);
	expect_reject(p, n, "certificate table lies outside");
	put32(p, SECDIR, 0xfffffff8u);
	put32(p, SECDIR + 4, 0x10);
	expect_reject(p, n, "certificate table lies outside");
	put32(p, SECDIR, 0x640);
	put32(p, SECDIR + 4, 0xffffffffu);
	expect_reject(p, n, "certificate table lies outside");
	/* over the headers */
	put32(p, SECDIR, 0);
	put32(p, SECDIR + 4, 0x40);
	expect_reject(p, n, "over the headers");
	put32(p, SECDIR, HDRS - 8);
	put32(p, SECDIR + 4, 0x10);
	expect_reject(p, n, "over the headers");
	put32(p, SECDIR, SECDIR);
	put32(p, SECDIR + 4, 8);
	expect_reject(p, n, "over the headers");
	/* over a section: inside, straddling its start, straddling its end */
	put32(p, SECDIR, 0x300);
	put32(p, SECDIR + 4, 0x20);
	expect_reject(p, n, "certificate table overlaps a section");
	put32(p, SECDIR, 0x3f8);
	put32(p, SECDIR + 4, 0x10);
	expect_reject(p, n, "certificate table overlaps a section");
	put32(p, SECDIR, 0x5f8);
	put32(p, SECDIR + 4, 0x10);
	expect_reject(p, n, "certificate table overlaps a section");
	put32(p, SECDIR, HDRS);
	put32(p, SECDIR + 4, 0x440);	/* covering all of them */
	expect_reject(p, n, "certificate table overlaps a section");
	/* right after the last section: fine */
	put32(p, SECDIR, 0x600);
	put32(p, SECDIR + 4, 0x80);
	expect_accept(p, n);
	/* no size: the offset means nothing */
	put32(p, SECDIR, 0xffffffffu);
	put32(p, SECDIR + 4, 0);
	parse_ok(p, n, &pe);
	assert_int_equal(pe.cert_size, 0);
	pe_free(&pe);
	free(p);
}

/* Every proper prefix of an image is refused, none is read past its end. */
static void test_truncations(void **state)
{
	struct spec sp = base_spec();
	size_t n;
	uint8_t *p;

	UNIT_UNUSED(state);
	sp.n = 0x680;
	sp.cert_off = 0x640;
	sp.cert_size = 0x40;
	p = build(&sp, &n);
	for (size_t len = 0; len <= n; len++) {
		uint8_t *copy = dup_exact(p, len);
		struct pe_image pe;
		const char *reason;
		int r = parse(copy, len, &pe, &reason);

		if (len < n && r == 0)
			fail_msg("a %zu-byte prefix of %zu was accepted", len, n);
		if (len == n) {
			assert_int_equal(r, 0);
			pe_free(&pe);
		}
		free(copy);
	}
	free(p);
}

/* ---- the certificate table ---- */

/* A base image with a certificate table of table_len bytes at 0x640, zeroed. */
static uint8_t *with_table(size_t table_len, size_t *n, struct pe_image *pe)
{
	struct spec sp = base_spec();
	uint8_t *p;

	sp.n = 0x640 + table_len;
	sp.cert_off = 0x640;
	sp.cert_size = (uint32_t)table_len;
	p = build(&sp, n);
	memset(p + 0x640, 0, table_len);
	parse_ok(p, *n, pe);
	return p;
}

static void win_cert(uint8_t *p, size_t off, uint32_t len, uint16_t rev, uint16_t type)
{
	put32(p, off, len);
	put16(p, off + 4, rev);
	put16(p, off + 6, type);
}

static int certs_of(const struct pe_image *pe, struct pe_cert **c, const char **reason)
{
	int r;

	*reason = NULL;
	r = pe_certificates(pe, c, reason);
	if (r < 0) {
		assert_int_equal(r, -1);
		assert_non_null(*reason);
		assert_null(*c);
	}
	return r;
}

static void test_win_certificates(void **state)
{
	struct pe_image pe;
	struct pe_cert *c;
	const char *reason;
	size_t n;
	uint8_t *p;

	UNIT_UNUSED(state);
	/* none */
	p = build_spec_patched(base_spec(), &n);
	parse_ok(p, n, &pe);
	assert_int_equal(certs_of(&pe, &c, &reason), 0);
	assert_null(c);
	pe_free(&pe);
	free(p);

	/* dwLength 0 and 7: below the header itself */
	p = with_table(0x20, &n, &pe);
	win_cert(p, 0x640, 0, 0x0200, 2);
	assert_int_equal(certs_of(&pe, &c, &reason), -1);
	assert_non_null(strstr(reason, "dwLength"));
	win_cert(p, 0x640, 7, 0x0200, 2);
	assert_int_equal(certs_of(&pe, &c, &reason), -1);
	/* larger than the table */
	win_cert(p, 0x640, 0x21, 0x0200, 2);
	assert_int_equal(certs_of(&pe, &c, &reason), -1);
	win_cert(p, 0x640, 0xffffffffu, 0x0200, 2);
	assert_int_equal(certs_of(&pe, &c, &reason), -1);
	/* exactly the table */
	win_cert(p, 0x640, 0x20, 0x0200, 2);
	assert_int_equal(certs_of(&pe, &c, &reason), 1);
	assert_ptr_equal(c[0].data, p + 0x648);
	assert_int_equal(c[0].len, 0x18);
	assert_int_equal(c[0].revision, 0x0200);
	assert_int_equal(c[0].type, 2);
	free(c);
	/* an empty entry (dwLength 8), then the rest of the table holds another */
	win_cert(p, 0x640, 8, 0x0100, 1);
	win_cert(p, 0x648, 0x18, 0x0200, 2);
	assert_int_equal(certs_of(&pe, &c, &reason), 2);
	assert_int_equal(c[0].len, 0);
	assert_int_equal(c[0].type, 1);
	assert_ptr_equal(c[1].data, p + 0x650);
	assert_int_equal(c[1].len, 0x10);
	free(c);
	/* a bad second entry spoils the whole table */
	win_cert(p, 0x648, 3, 0x0200, 2);
	assert_int_equal(certs_of(&pe, &c, &reason), -1);
	pe_free(&pe);
	free(p);

	/* two entries, the first padded to 8 bytes: 13 -> 16 */
	p = with_table(16 + 24, &n, &pe);
	win_cert(p, 0x640, 13, 0x0200, 2);
	memcpy(p + 0x648, "AAAAA", 5);
	memset(p + 0x64d, 0xee, 3);	/* padding bytes, whatever they hold */
	win_cert(p, 0x650, 20, 0x0200, 0x0ef1);
	memcpy(p + 0x658, "BBBBBBBBBBBB", 12);
	assert_int_equal(certs_of(&pe, &c, &reason), 2);
	assert_int_equal(c[0].len, 5);
	assert_memory_equal(c[0].data, "AAAAA", 5);
	assert_int_equal(c[1].len, 12);
	assert_ptr_equal(c[1].data, p + 0x658);
	assert_int_equal(c[1].type, 0x0ef1);
	free(c);
	pe_free(&pe);
	free(p);

	/* the last entry's padding may be cut by the table's end; trailing bytes < 8 are ignored */
	p = with_table(13, &n, &pe);
	win_cert(p, 0x640, 13, 0x0200, 2);
	assert_int_equal(certs_of(&pe, &c, &reason), 1);
	assert_int_equal(c[0].len, 5);
	free(c);
	pe_free(&pe);
	free(p);
	p = with_table(16 + 7, &n, &pe);
	win_cert(p, 0x640, 16, 0x0200, 2);
	memset(p + 0x650, 0xff, 7);
	assert_int_equal(certs_of(&pe, &c, &reason), 1);
	free(c);
	pe_free(&pe);
	free(p);

	/* 16 entries are fine, 17 are not */
	p = with_table(17 * 8, &n, &pe);
	for (size_t i = 0; i < 16; i++)
		win_cert(p, 0x640 + 8 * i, 8, 0x0200, 2);
	pe.cert_size = 16 * 8;
	assert_int_equal(certs_of(&pe, &c, &reason), 16);
	for (size_t i = 0; i < 16; i++)
		assert_int_equal(c[i].len, 0);
	free(c);
	pe.cert_size = 17 * 8;
	win_cert(p, 0x640 + 8 * 16, 8, 0x0200, 2);
	assert_int_equal(certs_of(&pe, &c, &reason), -1);
	assert_non_null(strstr(reason, "16"));
	pe_free(&pe);
	free(p);

	/* a length near 4 GiB after a valid entry */
	p = with_table(0x20, &n, &pe);
	win_cert(p, 0x640, 8, 0x0200, 2);
	win_cert(p, 0x648, 0xfffffff9u, 0x0200, 2);
	assert_int_equal(certs_of(&pe, &c, &reason), -1);
	pe_free(&pe);
	free(p);
}

/* ---- the Authenticode digest ---- */

struct range {
	size_t off, len;
};

/* SHA-256 of the ranges, in the order given. */
static void ref_digest(const uint8_t *p, const struct range *r, size_t k, const EVP_MD *md,
		       uint8_t *out, unsigned int *outlen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	assert_non_null(ctx);
	assert_true(EVP_DigestInit_ex(ctx, md, NULL));
	for (size_t i = 0; i < k; i++)
		assert_true(EVP_DigestUpdate(ctx, p + r[i].off, r[i].len));
	assert_true(EVP_DigestFinal_ex(ctx, out, outlen));
	EVP_MD_CTX_free(ctx);
}

static bool in_ranges(size_t off, const struct range *r, size_t k)
{
	for (size_t i = 0; i < k; i++)
		if (off >= r[i].off && off < r[i].off + r[i].len)
			return true;
	return false;
}

static void check_digest(const struct pe_image *pe, uint8_t *p, size_t n, const struct range *r,
			 size_t k)
{
	uint8_t want[64], got[64], flipped[64];
	unsigned int wlen, glen;

	ref_digest(p, r, k, EVP_sha256(), want, &wlen);
	assert_int_equal(authenticode_digest(pe, "sha256", got, &glen), 0);
	assert_int_equal(glen, 32);
	assert_memory_equal(got, want, 32);
	ref_digest(p, r, k, EVP_sha1(), want, &wlen);
	assert_int_equal(authenticode_digest(pe, "sha1", got, &glen), 0);
	assert_int_equal(glen, 20);
	assert_memory_equal(got, want, 20);
	ref_digest(p, r, k, EVP_sha256(), want, &wlen);
	/* each byte of the file: the digest changes exactly when the byte is covered */
	for (size_t i = 0; i < n; i++) {
		p[i] ^= 0x5a;
		assert_int_equal(authenticode_digest(pe, "sha256", flipped, &glen), 0);
		p[i] ^= 0x5a;
		if (in_ranges(i, r, k) != (memcmp(flipped, want, 32) != 0))
			fail_msg("byte 0x%zx: %s", i, in_ranges(i, r, k) ? "should be hashed, is not" :
									"is hashed, should not be");
	}
}

static void test_authenticode_digest(void **state)
{
	struct spec sp = {
		.n = 0x6a0,
		.nsect = 4,
		.s = {
			/* out of file order in the table; a .bss */
			{ ".c", 0x3000, 0x100, 0x500, 0x100 },
			{ ".a", 0x1000, 0x200, 0x200, 0x200 },
			{ ".bss", 0x5000, 0x1000, 0x12345678, 0 },
			{ ".b", 0x2000, 0x100, 0x400, 0x100 },
		},
		.cert_off = 0x680,
		.cert_size = 0x20,
	};
	/* headers without CheckSum and the SECURITY entry; sections by PointerToRawData; the
	 * data after the last section up to the certificate table */
	const struct range want[] = {
		{ 0, CHECKSUM },
		{ CHECKSUM + 4, SECDIR - CHECKSUM - 4 },
		{ SECDIR + 8, HDRS - SECDIR - 8 },
		{ 0x200, 0x200 },
		{ 0x400, 0x100 },
		{ 0x500, 0x100 },
		{ 0x600, 0x80 },
	};
	const struct range in_table_order[] = {
		{ 0, CHECKSUM },
		{ CHECKSUM + 4, SECDIR - CHECKSUM - 4 },
		{ SECDIR + 8, HDRS - SECDIR - 8 },
		{ 0x500, 0x100 },
		{ 0x200, 0x200 },
		{ 0x400, 0x100 },
		{ 0x600, 0x80 },
	};
	uint8_t md[64], bad[64];
	unsigned int len, blen;
	struct pe_image pe;
	size_t n;
	uint8_t *p = build(&sp, &n);

	UNIT_UNUSED(state);
	parse_ok(p, n, &pe);
	check_digest(&pe, p, n, want, ARRAY_SIZE(want));
	/* the order matters: table order would give another digest */
	assert_int_equal(authenticode_digest(&pe, "sha256", md, &len), 0);
	ref_digest(p, in_table_order, ARRAY_SIZE(in_table_order), EVP_sha256(), bad, &blen);
	assert_memory_not_equal(md, bad, 32);
	/* other algorithms by name; unknown ones fail */
	assert_int_equal(authenticode_digest(&pe, "sha384", md, &len), 0);
	assert_int_equal(len, 48);
	assert_int_equal(authenticode_digest(&pe, "sha512", md, &len), 0);
	assert_int_equal(len, 64);
	assert_int_equal(authenticode_digest(&pe, "no-such-digest", md, &len), -1);
	assert_int_equal(authenticode_digest(&pe, "", md, &len), -1);
	pe_free(&pe);

	/* without a certificate table the trailing data runs to the end of the file */
	put32(p, SECDIR, 0);
	put32(p, SECDIR + 4, 0);
	parse_ok(p, n, &pe);
	{
		struct range all[ARRAY_SIZE(want)];

		memcpy(all, want, sizeof(want));
		all[6].len = n - 0x600;
		check_digest(&pe, p, n, all, ARRAY_SIZE(all));
	}
	pe_free(&pe);
	free(p);

	/* PE32: the SECURITY entry sits 16 bytes earlier */
	{
		struct spec s32 = base_spec();
		const struct range w32[] = {
			{ 0, OPT + 64 },
			{ OPT + 68, 96 + 32 - 68 },
			{ OPT + 96 + 40, HDRS - (OPT + 96 + 40) },
			{ 0x200, 0x440 },
		};

		s32.pe32 = true;
		p = build(&s32, &n);
		parse_ok(p, n, &pe);
		check_digest(&pe, p, n, w32, ARRAY_SIZE(w32));
		pe_free(&pe);
		free(p);
	}
}

/*
 * The trailing data as the Authenticode specification defines it, and as EDK2's
 * DxeImageVerificationLib (HashPeImage), systemd's pehash.c and pesign compute
 * it: SUM_OF_BYTES_HASHED = SizeOfHeaders + the SizeOfRawData of every section,
 * then FileSize - CertificateTableSize - SUM_OF_BYTES_HASHED bytes from file
 * offset SUM_OF_BYTES_HASHED. Equal to "after the last section up to the
 * certificate table" for back-to-back sections and the table last in the file;
 * not for a gap between sections, nor for bytes after the table. dbx and db
 * image hashes are the firmware's digest, so the firmware's ranges are wanted.
 */
static void test_authenticode_digest_spec_tail(void **state)
{
	struct spec gap = {
		.n = 0x6a0,
		.nsect = 3,
		.s = {
			{ ".c", 0x3000, 0x100, 0x500, 0x100 },
			{ ".a", 0x1000, 0x200, 0x200, 0x180 },	/* a gap at 0x380..0x400 */
			{ ".b", 0x2000, 0x100, 0x400, 0x100 },
		},
		.cert_off = 0x680,
		.cert_size = 0x20,
	};
	/* SUM = 0x200 + 0x180 + 0x100 + 0x100 = 0x580; 0x6a0 - 0x20 - 0x580 = 0x100 bytes from it */
	const struct range gap_want[] = {
		{ 0, CHECKSUM },
		{ CHECKSUM + 4, SECDIR - CHECKSUM - 4 },
		{ SECDIR + 8, HDRS - SECDIR - 8 },
		{ 0x200, 0x180 },
		{ 0x400, 0x100 },
		{ 0x500, 0x100 },
		{ 0x580, 0x100 },
	};
	/* the base image, its table at 0x640, then 0x40 bytes more: SUM = 0x600, 0x80 bytes */
	const struct range after_want[] = {
		{ 0, CHECKSUM },
		{ CHECKSUM + 4, SECDIR - CHECKSUM - 4 },
		{ SECDIR + 8, 0x680 - SECDIR - 8 },
	};
	uint8_t want[32], got[32];
	unsigned int len;
	struct pe_image pe;
	struct spec after = base_spec();
	bool gap_ok, after_ok;
	size_t n;
	uint8_t *p;

	UNIT_UNUSED(state);
	p = build(&gap, &n);
	parse_ok(p, n, &pe);
	ref_digest(p, gap_want, ARRAY_SIZE(gap_want), EVP_sha256(), want, &len);
	assert_int_equal(authenticode_digest(&pe, "sha256", got, &len), 0);
	gap_ok = memcmp(got, want, 32) == 0;
	pe_free(&pe);
	free(p);

	after.n = 0x6a0;
	after.cert_off = 0x640;
	after.cert_size = 0x20;
	p = build(&after, &n);
	parse_ok(p, n, &pe);
	ref_digest(p, after_want, ARRAY_SIZE(after_want), EVP_sha256(), want, &len);
	assert_int_equal(authenticode_digest(&pe, "sha256", got, &len), 0);
	after_ok = memcmp(got, want, 32) == 0;
	pe_free(&pe);
	free(p);
	if (!gap_ok || !after_ok)
		fail_msg("trailing data not as the specification and EDK2 hash it:%s%s",
			 gap_ok ? "" : " [gap between sections]",
			 after_ok ? "" : " [bytes after the certificate table]");
}

/* ---- section names, RVAs ---- */

/* Section i's name as "/off". */
static void set_name(uint8_t *p, size_t i, size_t off)
{
	char name[16];

	snprintf(name, sizeof(name), "/%zu", off);
	assert_true(strlen(name) <= 8);
	memset(p + SECT_TABLE + 40 * i, 0, 8);
	memcpy(p + SECT_TABLE + 40 * i, name, strlen(name));
}

static void test_long_section_names(void **state)
{
	struct spec sp = base_spec();
	struct pe_image pe;
	size_t n, strtab = 0x600 + 2 * 18;
	uint8_t *p;
	char long63[64], want[16];

	UNIT_UNUSED(state);
	/* a symbol table of two entries at 0x600, the string table after it */
	sp.n = 0x700;
	sp.symtab = 0x600;
	sp.nsyms = 2;
	sp.s[0].name = "/4";
	sp.s[1].name = "/22";
	p = build(&sp, &n);
	memset(p + 0x600, 0, n - 0x600);
	put32(p, strtab, 40);
	memcpy(p + strtab + 4, ".debug_info_long\0", 17);
	memcpy(p + strtab + 22, ".vendor_cert\0", 13);
	parse_ok(p, n, &pe);
	assert_string_equal(pe.sect[0].name, ".debug_info_long");
	assert_string_equal(pe.sect[1].name, ".vendor_cert");
	assert_ptr_equal(pe_section_named(&pe, ".vendor_cert"), &pe.sect[1]);
	assert_null(pe_section_named(&pe, "/22"));
	pe_free(&pe);

	/* offsets beyond the file stay unresolved */
	memcpy(p + SECT_TABLE, "/999999\0", 8);
	memcpy(p + SECT_TABLE + 40, "/9999999", 8);
	parse_ok(p, n, &pe);
	assert_string_equal(pe.sect[0].name, "/999999");
	assert_string_equal(pe.sect[1].name, "/9999999");
	pe_free(&pe);

	/* a name running to the end of the file without a NUL */
	memset(p + strtab + 4, 'x', n - strtab - 4);
	memcpy(p + SECT_TABLE, "/4\0\0\0\0\0\0", 8);
	memcpy(p + SECT_TABLE + 40, "/63\0\0\0\0\0", 8);
	parse_ok(p, n, &pe);
	assert_string_equal(pe.sect[0].name, "/4");
	assert_string_equal(pe.sect[1].name, "/63");
	pe_free(&pe);

	/* the last byte of the file is the NUL: resolved, as long as it fits */
	p[n - 1] = '\0';
	set_name(p, 0, n - 1 - 10 - strtab);
	parse_ok(p, n, &pe);
	assert_string_equal(pe.sect[0].name, "xxxxxxxxxx");
	pe_free(&pe);
	/* 63 characters fit the name, 64 do not */
	set_name(p, 0, n - 1 - 63 - strtab);
	set_name(p, 1, n - 1 - 64 - strtab);
	parse_ok(p, n, &pe);
	memset(long63, 'x', 63);
	long63[63] = '\0';
	assert_string_equal(pe.sect[0].name, long63);
	snprintf(want, sizeof(want), "/%zu", n - 1 - 64 - strtab);
	assert_string_equal(pe.sect[1].name, want);
	pe_free(&pe);

	/* a string table position beyond the file: symbol table far out, or huge */
	put32(p, COFF + 8, 0xfffffff0u);
	parse_ok(p, n, &pe);
	assert_int_equal(pe.sect[0].name[0], '/');
	pe_free(&pe);
	put32(p, COFF + 8, 0x600);
	put32(p, COFF + 12, 0xffffffffu);
	parse_ok(p, n, &pe);
	assert_int_equal(pe.sect[0].name[0], '/');
	pe_free(&pe);
	/* without a symbol table there is no string table */
	put32(p, COFF + 8, 0);
	put32(p, COFF + 12, 2);
	parse_ok(p, n, &pe);
	assert_int_equal(pe.sect[0].name[0], '/');
	pe_free(&pe);
	free(p);
}

static void test_rva_to_off(void **state)
{
	struct spec sp = base_spec();
	struct pe_image pe;
	size_t n, off;
	uint8_t *p;

	UNIT_UNUSED(state);
	sp.s[1].vsize = 0x1000;		/* virtual size beyond the raw data */
	p = build(&sp, &n);
	parse_ok(p, n, &pe);
	assert_true(pe_rva_to_off(&pe, 0x1000, 0x10, &off));
	assert_int_equal(off, 0x200);
	assert_true(pe_rva_to_off(&pe, 0x1123, 1, &off));
	assert_int_equal(off, 0x323);
	assert_true(pe_rva_to_off(&pe, 0x2000, 0x200, &off));
	assert_int_equal(off, 0x400);
	assert_true(pe_rva_to_off(&pe, 0x21ff, 1, &off));
	assert_int_equal(off, 0x5ff);
	assert_true(pe_rva_to_off(&pe, 0x2200, 0, &off));	/* empty, at the very end */
	/* one byte over the raw data (into the zero-filled virtual part) */
	assert_false(pe_rva_to_off(&pe, 0x2000, 0x201, &off));
	assert_false(pe_rva_to_off(&pe, 0x2200, 1, &off));
	assert_false(pe_rva_to_off(&pe, 0x2fff, 1, &off));
	/* across two sections: not one range */
	assert_false(pe_rva_to_off(&pe, 0x11f0, 0x20, &off));
	/* in the headers, before and between sections, far beyond */
	assert_false(pe_rva_to_off(&pe, 0, 4, &off));
	assert_false(pe_rva_to_off(&pe, 0x10, 0, &off));
	assert_false(pe_rva_to_off(&pe, 0x1200, 1, &off));
	assert_false(pe_rva_to_off(&pe, 0xfff, 2, &off));
	assert_false(pe_rva_to_off(&pe, 0xffffffffu, 1, &off));
	assert_false(pe_rva_to_off(&pe, 0x1000, 0xffffffffu, &off));
	assert_false(pe_rva_to_off(&pe, 0xffffffffu, 0xffffffffu, &off));
	assert_false(pe_rva_to_off(&pe, 0x1001, 0xffffffffu, &off));
	pe_free(&pe);

	/* a section at the top of the address space: no 32-bit wrap */
	put32(p, SECT_TABLE + 40 + 12, 0xffffff00u);
	parse_ok(p, n, &pe);
	assert_true(pe_rva_to_off(&pe, 0xffffff80u, 0x80, &off));
	assert_int_equal(off, 0x480);
	assert_true(pe_rva_to_off(&pe, 0xffffffffu, 1, &off));
	assert_int_equal(off, 0x4ff);
	assert_false(pe_rva_to_off(&pe, 0xffffff00u, 0x201, &off));
	assert_false(pe_rva_to_off(&pe, 0xffffffffu, 0x102, &off));
	pe_free(&pe);
	free(p);
}

/* ---- VERSIONINFO ---- */

#define RSRC_RAW 0x400u
#define RSRC_RVA 0x2000u
#define RSRC_SIZE 0x1400u
#define VER_OFF 0x58u		/* after root 0x00, name 0x18, language 0x30, data entry 0x48 */

struct vb {
	uint8_t p[4096];
	size_t n;
};

static void vb_u16(struct vb *b, uint16_t v)
{
	assert_true(b->n + 2 <= sizeof(b->p));
	b->p[b->n++] = (uint8_t)v;
	b->p[b->n++] = (uint8_t)(v >> 8);
}

static void vb_pad(struct vb *b)
{
	while (b->n % 4)
		b->p[b->n++] = 0;
}

static void vb_ascii(struct vb *b, const char *s)
{
	for (; *s; s++)
		vb_u16(b, (uint8_t)*s);
	vb_u16(b, 0);
}

/* {wLength (set by vb_end), wValueLength, wType, key, padding} */
static size_t vb_begin(struct vb *b, const char *key, uint16_t vlen, uint16_t type)
{
	size_t start = b->n;

	vb_u16(b, 0);
	vb_u16(b, vlen);
	vb_u16(b, type);
	vb_ascii(b, key);
	vb_pad(b);
	return start;
}

static void vb_end(struct vb *b, size_t start)
{
	put16(b->p, start, (uint16_t)(b->n - start));
	vb_pad(b);
}

static size_t vb_string16(struct vb *b, const char *key, const uint16_t *v, size_t units, uint16_t vlen)
{
	size_t s = vb_begin(b, key, vlen, 1);

	for (size_t i = 0; i < units; i++)
		vb_u16(b, v[i]);
	vb_end(b, s);
	return s;
}

static size_t vb_string(struct vb *b, const char *key, const char *val)
{
	size_t s = vb_begin(b, key, (uint16_t)(strlen(val) + 1), 1);

	vb_ascii(b, val);
	vb_end(b, s);
	return s;
}

struct vpos {
	size_t root, vfi, sfi, table, str[6], end_of_table;
};

/* A VS_VERSIONINFO as resource compilers write it, VarFileInfo first. */
static void std_version(struct vb *b, struct vpos *v)
{
	static const uint16_t copyright[] = { 0xa9, ' ', '2', '0', '2', '0', ' ', 0x4e2d, 0 };
	size_t var;

	memset(b, 0, sizeof(*b));
	v->root = vb_begin(b, "VS_VERSION_INFO", 52, 0);
	vb_u16(b, 0x04bd);	/* VS_FIXEDFILEINFO.dwSignature 0xfeef04bd, then zeros */
	vb_u16(b, 0xfeef);
	for (int i = 0; i < 24; i++)
		vb_u16(b, 0);
	vb_pad(b);
	v->vfi = vb_begin(b, "VarFileInfo", 0, 1);
	var = vb_begin(b, "Translation", 4, 0);
	vb_u16(b, 0x0409);
	vb_u16(b, 0x04b0);
	vb_end(b, var);
	vb_end(b, v->vfi);
	v->sfi = vb_begin(b, "StringFileInfo", 0, 1);
	v->table = vb_begin(b, "040904b0", 0, 1);
	v->str[0] = vb_string(b, "CompanyName", "Kaspersky Lab");
	v->str[1] = vb_string(b, "FileDescription", "Klif Mini-Filter [fre_w8_x64]");
	v->str[2] = vb_string(b, "FileVersion", "11.0.0.1");
	v->str[3] = vb_string(b, "OriginalFilename", "klif.sys");
	v->str[4] = vb_string(b, "ProductName", "Kaspersky Anti-Virus");
	v->str[5] = vb_string16(b, "LegalCopyright", copyright, ARRAY_SIZE(copyright),
				ARRAY_SIZE(copyright));
	v->end_of_table = b->n;
	vb_end(b, v->table);
	vb_end(b, v->sfi);
	vb_end(b, v->root);
}

static struct spec rsrc_spec(void)
{
	struct spec sp = {
		.n = RSRC_RAW + RSRC_SIZE,
		.nsect = 2,
		.s = {
			{ ".text", 0x1000, 0x200, 0x200, 0x200 },
			{ ".rsrc", RSRC_RVA, RSRC_SIZE, RSRC_RAW, RSRC_SIZE },
		},
		.rsrc_rva = RSRC_RVA,
		.rsrc_size = RSRC_SIZE,
	};

	return sp;
}

static void res_dir(uint8_t *r, size_t off, uint16_t named, uint16_t ids)
{
	memset(r + off, 0, 16);
	put16(r, off + 12, named);
	put16(r, off + 14, ids);
}

static void res_ent(uint8_t *r, size_t off, uint32_t name, uint32_t target)
{
	put32(r, off, name);
	put32(r, off + 4, target);
}

/* An image whose .rsrc holds RT_VERSION -> 1 -> 0x409 -> the blob. */
static uint8_t *version_image(const struct vb *v, size_t *n)
{
	struct spec sp = rsrc_spec();
	uint8_t *p = build(&sp, n), *r = p + RSRC_RAW;

	memset(r, 0, RSRC_SIZE);
	res_dir(r, 0x00, 0, 1);
	res_ent(r, 0x10, 16, 0x80000000u | 0x18);
	res_dir(r, 0x18, 0, 1);
	res_ent(r, 0x28, 1, 0x80000000u | 0x30);
	res_dir(r, 0x30, 0, 1);
	res_ent(r, 0x40, 0x409, 0x48);
	put32(r, 0x48, RSRC_RVA + VER_OFF);
	put32(r, 0x4c, (uint32_t)v->n);
	assert_true(VER_OFF + v->n <= RSRC_SIZE);
	memcpy(r + VER_OFF, v->p, v->n);
	return p;
}

static int version_of(const uint8_t *p, size_t n, struct kvlist *kv)
{
	uint8_t *copy = dup_exact(p, n);
	struct pe_image pe;
	int r;

	memset(kv, 0, sizeof(*kv));
	parse_ok(copy, n, &pe);
	r = pe_version_info(&pe, kv);
	if (r >= 0)
		assert_int_equal((size_t)r, kv->n);
	pe_free(&pe);
	free(copy);
	return r;
}

static void expect_version_count(const uint8_t *p, size_t n, int want)
{
	struct kvlist kv;
	int r = version_of(p, n, &kv);

	kv_free(&kv);
	if (r != want)
		fail_msg("pe_version_info returned %d, expected %d", r, want);
}

static void test_version_info(void **state)
{
	struct kvlist kv;
	struct vpos v;
	struct vb b;
	size_t n;
	uint8_t *p;

	UNIT_UNUSED(state);
	std_version(&b, &v);
	p = version_image(&b, &n);
	assert_int_equal(version_of(p, n, &kv), 6);
	assert_string_equal(kv_get(&kv, "version.CompanyName"), "Kaspersky Lab");
	assert_string_equal(kv_get(&kv, "version.FileDescription"), "Klif Mini-Filter [fre_w8_x64]");
	assert_string_equal(kv_get(&kv, "version.FileVersion"), "11.0.0.1");
	assert_string_equal(kv_get(&kv, "version.OriginalFilename"), "klif.sys");
	assert_string_equal(kv_get(&kv, "version.ProductName"), "Kaspersky Anti-Virus");
	/* U+00A9 and U+4E2D as UTF-8 */
	assert_string_equal(kv_get(&kv, "version.LegalCopyright"), "\xc2\xa9 2020 \xe4\xb8\xad");
	assert_null(kv_get(&kv, "version.Translation"));
	assert_null(kv_get(&kv, "version.VS_VERSION_INFO"));
	kv_free(&kv);
	free(p);

	/* other resources around it: a named entry and RT_ICON before RT_VERSION */
	{
		uint8_t *r;

		p = version_image(&b, &n);
		r = p + RSRC_RAW;
		memset(r, 0, VER_OFF);
		res_dir(r, 0, 1, 2);
		res_ent(r, 0x10, 0x80000000u | 0xf00, 0x80000000u | 0xe30);	/* named */
		res_ent(r, 0x18, 3, 0x80000000u | 0xe30);			/* RT_ICON */
		res_ent(r, 0x20, 16, 0x80000000u | 0xe60);			/* RT_VERSION */
		res_dir(r, 0xe30, 0, 1);
		res_ent(r, 0xe40, 1, 0xe48);
		put32(r, 0xe48, 0x1000);					/* the icon, in .text */
		put32(r, 0xe4c, 0x10);
		res_dir(r, 0xe60, 0, 1);
		res_ent(r, 0xe70, 1, 0x80000000u | 0xe80);
		res_dir(r, 0xe80, 0, 1);
		res_ent(r, 0xe90, 0x407, 0xea0);
		put32(r, 0xea0, RSRC_RVA + VER_OFF);
		put32(r, 0xea4, (uint32_t)b.n);
		assert_int_equal(version_of(p, n, &kv), 6);
		assert_string_equal(kv_get(&kv, "version.OriginalFilename"), "klif.sys");
		kv_free(&kv);
		free(p);
	}

	/* no resources, or no version among them */
	{
		struct spec sp = base_spec();

		p = build(&sp, &n);
		expect_version_count(p, n, 0);
		free(p);
	}
	p = version_image(&b, &n);
	res_ent(p + RSRC_RAW, 0x10, 3, 0x80000000u | 0x18);
	expect_version_count(p, n, 0);
	free(p);

	/* the StringFileInfo before VarFileInfo, strings with odd byte counts */
	{
		struct vb c;
		size_t root, sfi, table, vfi;

		memset(&c, 0, sizeof(c));
		root = vb_begin(&c, "VS_VERSION_INFO", 0, 0);	/* no fixed info */
		sfi = vb_begin(&c, "StringFileInfo", 0, 1);
		table = vb_begin(&c, "000004b0", 0, 1);
		vb_string(&c, "A", "");				/* an empty value */
		vb_string(&c, "CompanyName", "K");
		vb_string(&c, "CompanyName", "second");		/* the first one counts */
		vb_string(&c, "", "no key");
		vb_end(&c, table);
		vb_end(&c, sfi);
		vfi = vb_begin(&c, "VarFileInfo", 0, 1);
		vb_end(&c, vfi);
		vb_end(&c, root);
		p = version_image(&c, &n);
		assert_int_equal(version_of(p, n, &kv), 2);
		assert_string_equal(kv_get(&kv, "version.A"), "");
		assert_string_equal(kv_get(&kv, "version.CompanyName"), "K");
		kv_free(&kv);
		free(p);
	}
}

static void test_version_info_hostile_blocks(void **state)
{
	struct kvlist kv;
	struct vpos v;
	struct vb b;
	size_t n;
	uint8_t *p;
	int r;

	UNIT_UNUSED(state);
	/* wLength 0, 1, 5 at the root */
	for (uint16_t w = 0; w < 6; w++) {
		std_version(&b, &v);
		put16(b.p, v.root, w);
		p = version_image(&b, &n);
		expect_version_count(p, n, 0);
		free(p);
	}
	/* the root's wLength beyond its container (the resource data entry's size) */
	std_version(&b, &v);
	put16(b.p, v.root, (uint16_t)(b.n + 4));
	p = version_image(&b, &n);
	expect_version_count(p, n, 0);
	put16(p, RSRC_RAW + v.root + VER_OFF, 0xffff);
	expect_version_count(p, n, 0);
	free(p);
	/* the container cut short, the enclosing blocks with it: what fits is read, no more */
	std_version(&b, &v);
	for (size_t cut = 0; cut < b.n; cut += 2) {
		const size_t outer[] = { v.root, v.sfi, v.table };
		struct vb c = b;
		int want = 0;

		for (size_t i = 0; i < ARRAY_SIZE(outer); i++) {
			size_t len = (size_t)(c.p[outer[i]] | c.p[outer[i] + 1] << 8);

			if (cut > outer[i] && cut - outer[i] < len)
				put16(c.p, outer[i], (uint16_t)(cut - outer[i]));
		}
		for (size_t i = 0; i < 6; i++)
			want += v.str[i] + (size_t)(b.p[v.str[i]] | b.p[v.str[i] + 1] << 8) <= cut;
		c.n = cut;
		p = version_image(&c, &n);
		r = version_of(p, n, &kv);
		if (r != want)
			fail_msg("cut at %zu: %d strings, expected %d", cut, r, want);
		kv_free(&kv);
		free(p);
	}

	/* a child beyond its parent: the StringTable past the StringFileInfo */
	std_version(&b, &v);
	put16(b.p, v.table, 0xfff0);
	p = version_image(&b, &n);
	expect_version_count(p, n, 0);
	free(p);
	/* a String past its table: the ones before it are kept */
	std_version(&b, &v);
	put16(b.p, v.str[2], (uint16_t)(v.end_of_table - v.str[2] + 4));
	p = version_image(&b, &n);
	assert_int_equal(version_of(p, n, &kv), 2);
	assert_string_equal(kv_get(&kv, "version.FileDescription"), "Klif Mini-Filter [fre_w8_x64]");
	kv_free(&kv);
	free(p);
	/* a String shorter than a block header: the rest of the table is lost */
	for (uint16_t w = 0; w < 6; w++) {
		std_version(&b, &v);
		put16(b.p, v.str[1], w);
		p = version_image(&b, &n);
		assert_int_equal(version_of(p, n, &kv), 1);
		assert_string_equal(kv_get(&kv, "version.CompanyName"), "Kaspersky Lab");
		kv_free(&kv);
		free(p);
	}

	/* odd lengths: the value is cut, the next sibling still found by alignment */
	std_version(&b, &v);
	assert_int_equal(b.p[v.str[0]], 60);	/* 6 + "CompanyName" 24 + pad 2 + 14 units */
	put16(b.p, v.str[0], 57);		/* 25 bytes of value: 12 units */
	p = version_image(&b, &n);
	assert_int_equal(version_of(p, n, &kv), 6);
	assert_string_equal(kv_get(&kv, "version.CompanyName"), "Kaspersky La");
	assert_string_equal(kv_get(&kv, "version.FileVersion"), "11.0.0.1");
	kv_free(&kv);
	free(p);
	for (size_t i = 0; i < 6; i++) {
		std_version(&b, &v);
		put16(b.p, v.str[i], (uint16_t)(b.p[v.str[i]] | 1));
		put16(b.p, v.table, (uint16_t)((b.p[v.table] | b.p[v.table + 1] << 8) - 1));
		put16(b.p, v.root, (uint16_t)((b.p[v.root] | b.p[v.root + 1] << 8) | 1));
		p = version_image(&b, &n);
		r = version_of(p, n, &kv);
		assert_true(r >= 0 && r <= 6);
		kv_free(&kv);
		free(p);
	}

	/* a value without its NUL, ending the block */
	{
		static const uint16_t abc[] = { 'A', 'B', 'C' };
		static const uint16_t xyz[] = { 'X', 'Y', 'Z', 0, 'Q' };
		size_t root, sfi, table, last, blocks[4];

		memset(&b, 0, sizeof(b));
		root = vb_begin(&b, "VS_VERSION_INFO", 0, 0);
		sfi = vb_begin(&b, "StringFileInfo", 0, 1);
		table = vb_begin(&b, "040904b0", 0, 1);
		vb_string16(&b, "ProductName", abc, 3, 3);	/* wValueLength without the NUL */
		vb_string16(&b, "CompanyName", xyz, 5, 0xffff);	/* wValueLength far beyond */
		last = vb_string16(&b, "FileVersion", abc, 3, 0x7fff);	/* ... and no NUL either */
		vb_end(&b, table);
		vb_end(&b, sfi);
		vb_end(&b, root);
		p = version_image(&b, &n);
		assert_int_equal(version_of(p, n, &kv), 3);
		assert_string_equal(kv_get(&kv, "version.ProductName"), "ABC");
		assert_string_equal(kv_get(&kv, "version.CompanyName"), "XYZ");
		assert_string_equal(kv_get(&kv, "version.FileVersion"), "ABC");
		kv_free(&kv);
		free(p);
		/* the last value's last unit cut off, with every block and the resource ending there */
		blocks[0] = root;
		blocks[1] = sfi;
		blocks[2] = table;
		blocks[3] = last;
		assert_int_equal(b.p[last], 38);	/* 6 + "FileVersion" 24 + pad 2 + 6 */
		for (size_t i = 0; i < 4; i++)
			put16(b.p, blocks[i], (uint16_t)(last + 36 - blocks[i]));
		b.n = last + 36;
		p = version_image(&b, &n);
		assert_int_equal(version_of(p, n, &kv), 3);
		assert_string_equal(kv_get(&kv, "version.FileVersion"), "AB");
		kv_free(&kv);
		free(p);
	}

	/* a key without its NUL, filling the block; a sibling after it */
	{
		size_t root, sfi, table, k;

		memset(&b, 0, sizeof(b));
		root = vb_begin(&b, "VS_VERSION_INFO", 0, 0);
		sfi = vb_begin(&b, "StringFileInfo", 0, 1);
		table = vb_begin(&b, "040904b0", 0, 1);
		k = b.n;
		vb_u16(&b, 14);
		vb_u16(&b, 4);
		vb_u16(&b, 1);
		vb_u16(&b, 'A');
		vb_u16(&b, 'B');
		vb_u16(&b, 'C');
		vb_u16(&b, 'D');
		vb_pad(&b);
		assert_int_equal(b.n - k, 16);
		vb_string(&b, "ProductName", "after");
		vb_end(&b, table);
		vb_end(&b, sfi);
		vb_end(&b, root);
		p = version_image(&b, &n);
		assert_int_equal(version_of(p, n, &kv), 1);
		assert_string_equal(kv_get(&kv, "version.ProductName"), "after");
		kv_free(&kv);
		free(p);
	}

	/* the wrong root key; VarFileInfo posing as StringFileInfo's place */
	std_version(&b, &v);
	b.p[v.root + 6 + 2 * 14] = 'X';		/* VS_VERSION_INFX */
	p = version_image(&b, &n);
	expect_version_count(p, n, 0);
	free(p);
	std_version(&b, &v);
	b.p[v.sfi + 6] = 'X';			/* XtringFileInfo */
	p = version_image(&b, &n);
	expect_version_count(p, n, 0);
	free(p);
	/* a text-typed root: its fixed info is read as children, harmlessly */
	std_version(&b, &v);
	put16(b.p, v.root + 4, 1);
	p = version_image(&b, &n);
	r = version_of(p, n, &kv);
	assert_true(r >= 0 && r <= 6);
	kv_free(&kv);
	free(p);
	/* a fixed-info length beyond the block */
	std_version(&b, &v);
	put16(b.p, v.root + 2, 0xffff);
	p = version_image(&b, &n);
	r = version_of(p, n, &kv);
	assert_true(r >= 0 && r <= 6);
	kv_free(&kv);
	free(p);

	/* at most 64 strings */
	{
		size_t root, sfi, table;

		memset(&b, 0, sizeof(b));
		root = vb_begin(&b, "VS_VERSION_INFO", 0, 0);
		sfi = vb_begin(&b, "StringFileInfo", 0, 1);
		table = vb_begin(&b, "040904b0", 0, 1);
		for (int i = 0; i < 100; i++) {
			char key[8];

			snprintf(key, sizeof(key), "K%d", i);
			vb_string(&b, key, "v");
		}
		vb_end(&b, table);
		vb_end(&b, sfi);
		vb_end(&b, root);
		p = version_image(&b, &n);
		assert_int_equal(version_of(p, n, &kv), 64);
		assert_string_equal(kv_get(&kv, "version.K63"), "v");
		assert_null(kv_get(&kv, "version.K64"));
		kv_free(&kv);
		free(p);
	}
}

static void test_version_info_hostile_directory(void **state)
{
	struct vpos v;
	struct vb b;
	size_t n;
	uint8_t *p, *r;

	UNIT_UNUSED(state);
	std_version(&b, &v);
	p = version_image(&b, &n);
	r = p + RSRC_RAW;
	expect_version_count(p, n, 6);

	/* subdirectory offsets outside the section */
	res_ent(r, 0x10, 16, 0x80000000u | 0x7ffffff0u);
	expect_version_count(p, n, 0);
	res_ent(r, 0x10, 16, 0x80000000u | (RSRC_SIZE - 8));
	expect_version_count(p, n, 0);
	res_ent(r, 0x10, 16, 0x80000000u | (RSRC_SIZE - 16));	/* header fits, no entries */
	expect_version_count(p, n, 0);
	res_ent(r, 0x10, 16, 0x80000000u | 0x18);
	res_ent(r, 0x28, 1, 0xffffffffu);
	expect_version_count(p, n, 0);
	res_ent(r, 0x28, 1, 0x80000000u | 0x30);
	/* a data entry where a directory belongs, and the other way round */
	res_ent(r, 0x10, 16, 0x18);
	expect_version_count(p, n, 0);
	res_ent(r, 0x10, 16, 0x80000000u | 0x18);
	res_ent(r, 0x28, 1, 0x30);
	expect_version_count(p, n, 0);
	res_ent(r, 0x28, 1, 0x80000000u | 0x30);
	res_ent(r, 0x40, 0x409, 0x80000000u | 0x48);
	expect_version_count(p, n, 0);
	/* the data entry outside the section, or straddling its end */
	res_ent(r, 0x40, 0x409, 0x7ffffff0u);
	expect_version_count(p, n, -1);
	res_ent(r, 0x40, 0x409, RSRC_SIZE - 8);
	expect_version_count(p, n, -1);
	res_ent(r, 0x40, 0x409, 0x48);
	expect_version_count(p, n, 6);
	/* the data: unmapped, beyond its section, too large, empty */
	put32(r, 0x48, 0x9000);
	expect_version_count(p, n, -1);
	put32(r, 0x48, 0xffffffffu);
	expect_version_count(p, n, -1);
	put32(r, 0x48, RSRC_RVA + RSRC_SIZE - 0x10);
	expect_version_count(p, n, -1);
	put32(r, 0x48, RSRC_RVA + VER_OFF);
	put32(r, 0x4c, (1u << 20) + 1);
	expect_version_count(p, n, -1);
	put32(r, 0x4c, 0xffffffffu);
	expect_version_count(p, n, -1);
	put32(r, 0x4c, 0);
	expect_version_count(p, n, 0);
	put32(r, 0x4c, (uint32_t)b.n);
	/* 0xffff entries, in either count; 4096 that do not fit */
	res_dir(r, 0, 0, 0xffff);
	expect_version_count(p, n, 0);
	res_dir(r, 0, 0xffff, 1);
	expect_version_count(p, n, 0);
	res_dir(r, 0, 0xffff, 0xffff);
	expect_version_count(p, n, 0);
	res_dir(r, 0, 2048, 2048);
	expect_version_count(p, n, 0);
	res_dir(r, 0, 0, 1);
	res_dir(r, 0x18, 0, 0xffff);
	expect_version_count(p, n, 0);
	res_dir(r, 0x18, 0, 1);
	expect_version_count(p, n, 6);
	/* a named entry is not RT_VERSION, whatever its name offset */
	res_ent(r, 0x10, 0x80000000u | 16, 0x80000000u | 0x18);
	expect_version_count(p, n, 0);
	res_ent(r, 0x10, 16, 0x80000000u | 0x18);

	/* loops: a directory pointing at itself, at the root, at each other */
	res_ent(r, 0x10, 16, 0x80000000u);
	expect_version_count(p, n, 0);
	res_ent(r, 0x10, 16, 0x80000000u | 0x18);
	res_ent(r, 0x28, 1, 0x80000000u | 0x18);
	expect_version_count(p, n, 0);
	res_ent(r, 0x28, 1, 0x80000000u);
	expect_version_count(p, n, 0);
	res_ent(r, 0x28, 1, 0x80000000u | 0x30);
	res_ent(r, 0x40, 0x409, 0x80000000u | 0x30);
	expect_version_count(p, n, 0);
	res_ent(r, 0x40, 0x409, 0x48);

	/* the resource directory itself: too small, unmapped, huge */
	put32(p, RSRCDIR + 4, 8);
	expect_version_count(p, n, 0);
	put32(p, RSRCDIR + 4, 0x47);	/* the language directory cut */
	expect_version_count(p, n, 0);
	put32(p, RSRCDIR + 4, 0x48);	/* the data entry cut */
	expect_version_count(p, n, -1);
	put32(p, RSRCDIR + 4, 0x57);
	expect_version_count(p, n, -1);
	put32(p, RSRCDIR + 4, 0x58);	/* the data itself is found by RVA, not in the directory */
	expect_version_count(p, n, 6);
	put32(p, RSRCDIR + 4, 0xffffffffu);
	expect_version_count(p, n, 6);
	put32(p, RSRCDIR, 0x9000);
	expect_version_count(p, n, 0);
	put32(p, RSRCDIR, RSRC_RVA + RSRC_SIZE - 8);
	expect_version_count(p, n, 0);
	put32(p, RSRCDIR, 0);
	put32(p, RSRCDIR + 4, 0);
	expect_version_count(p, n, 0);
	free(p);
}

/* Random damage to a resource section: whatever comes back, nothing is read out of bounds. */
static void test_version_info_fuzz(void **state)
{
	uint64_t seed = 0x7e57;
	struct vpos v;
	struct vb b;
	size_t n;
	uint8_t *base;

	UNIT_UNUSED(state);
	std_version(&b, &v);
	base = version_image(&b, &n);
	for (int iter = 0; iter < 3000; iter++) {
		uint8_t *p = dup_exact(base, n);
		int flips = 1 + (int)(unit_rand(&seed) % 8);
		struct kvlist kv;
		struct pe_image pe;
		const char *reason;

		for (int i = 0; i < flips; i++) {
			size_t at = RSRC_RAW + unit_rand(&seed) % (VER_OFF + b.n);
			uint64_t x = unit_rand(&seed);

			/* small lengths and offsets are the interesting values */
			p[at] = (x & 0x300) ? (uint8_t)x : (uint8_t)(x >> 16 & 0x0f);
		}
		memset(&kv, 0, sizeof(kv));
		if (parse(p, n, &pe, &reason) == 0) {
			int r = pe_version_info(&pe, &kv);

			assert_true(r >= -1 && r <= 64);
			for (size_t i = 0; i < kv.n; i++)
				assert_non_null(strstr(kv.v[i].key, "version."));
			pe_free(&pe);
		}
		kv_free(&kv);
		free(p);
	}
	free(base);
}

/* Random damage to the headers: parse, and use what was parsed. */
static void test_header_fuzz(void **state)
{
	uint64_t seed = 0xfeed;
	struct vpos v;
	struct vb b;
	size_t n;
	uint8_t *base;
	int accepted = 0;

	UNIT_UNUSED(state);
	std_version(&b, &v);
	base = version_image(&b, &n);
	/* a certificate table over the last 0x100 bytes of .rsrc: shrink the section */
	put32(base, SECT_TABLE + 40 + 16, RSRC_SIZE - 0x100);
	put32(base, SECDIR, (uint32_t)n - 0x100);
	put32(base, SECDIR + 4, 0x100);
	win_cert(base, n - 0x100, 0x40, 0x0200, 2);
	win_cert(base, n - 0xc0, 0xc0, 0x0200, 1);
	for (int iter = 0; iter < 3000; iter++) {
		uint8_t *p = dup_exact(base, n);
		size_t len = n;
		int flips = 1 + (int)(unit_rand(&seed) % 4);
		struct pe_image pe;
		const char *reason;

		for (int i = 0; i < flips; i++) {
			size_t at = unit_rand(&seed) % (SECT_TABLE + 2 * 40);
			uint64_t x = unit_rand(&seed);

			p[at] = (x & 0x100) ? (uint8_t)x : (x & 0x200) ? 0xff : 0;
		}
		if (iter % 7 == 0)
			len = unit_rand(&seed) % (n + 1);
		if (parse(p, len, &pe, &reason) == 0) {
			uint8_t md[64];
			unsigned int mdlen;
			struct pe_cert *c;
			struct kvlist kv = { 0 };
			size_t off;
			int k;

			accepted++;
			assert_true(pe.size_of_headers <= len);
			for (size_t i = 0; i < pe.nsect; i++) {
				assert_true(pe.sect[i].rawsize == 0 ||
					    (uint64_t)pe.sect[i].rawptr + pe.sect[i].rawsize <= len);
				assert_true(memchr(pe.sect[i].name, '\0', sizeof(pe.sect[i].name)));
			}
			authenticode_digest(&pe, "sha256", md, &mdlen);
			k = pe_certificates(&pe, &c, &reason);
			for (int i = 0; i < k; i++)
				assert_true(c[i].data >= p && c[i].data + c[i].len <= p + len);
			free(c);
			pe_version_info(&pe, &kv);
			kv_free(&kv);
			{
				struct ac_result res;

				authenticode_check(&pe, &res);
				for (size_t i = 0; i < res.n; i++)
					assert_true(res.sigs[i].malformed);
				ac_result_free(&res);
			}
			for (int i = 0; i < 8; i++) {
				uint32_t rva = (uint32_t)unit_rand(&seed), l = (uint32_t)unit_rand(&seed);

				if (i & 1)
					rva = RSRC_RVA + rva % 0x2000;
				if (i & 2)
					l %= 0x400;
				if (pe_rva_to_off(&pe, rva, l, &off))
					assert_true((uint64_t)off + l <= len);
			}
			pe_free(&pe);
		}
		free(p);
	}
	assert_true(accepted > 100);
	free(base);
}

/* ---- Authenticode signatures ---- */

struct ident {
	EVP_PKEY *key;
	X509 *x509;
	struct blob der;
	struct kd_cert *cert;
};

static struct ident ca, leaf, other, ca_impostor, cyc_x, cyc_y, expired;

static void make_ident(struct ident *id, EVP_PKEY *key, const char *cn, const char *issuer_cn,
		       EVP_PKEY *issuer_key, long serial, long from_days, long to_days, bool is_ca)
{
	struct cert_spec spec = { .org = "kdetect test", .cn = cn, .issuer_cn = issuer_cn,
				  .issuer_key = issuer_key, .serial = (uint64_t)serial,
				  .from_days = from_days, .to_days = to_days, .ca = is_ca };
	X509 *x = fx_cert(key, &spec);
	uint8_t *der = NULL;

	id->key = key;
	EVP_PKEY_up_ref(key);
	id->x509 = x;
	id->der = blob_of(der, i2d_X509(x, &der));
	id->cert = cert_from_der(id->der.p, id->der.n, NULL);
	assert_non_null(id->cert);
}

static void free_ident(struct ident *id)
{
	EVP_PKEY_free(id->key);
	X509_free(id->x509);
	free(id->der.p);
	cert_free(id->cert);
	memset(id, 0, sizeof(*id));
}

static int group_setup(void **state)
{
	EVP_PKEY *kca = EVP_EC_gen("P-256"), *kleaf = EVP_EC_gen("P-256"), *kother = EVP_EC_gen("P-256");
	EVP_PKEY *kx = EVP_EC_gen("P-256"), *ky = EVP_EC_gen("P-256");

	UNIT_UNUSED(state);
	crypto_init();
	if (!kca || !kleaf || !kother || !kx || !ky)
		return -1;
	make_ident(&ca, kca, "kdetect test CA", "kdetect test CA", kca, 1, 0, 3650, true);
	make_ident(&leaf, kleaf, "kdetect test signer", "kdetect test CA", kca, 2, 0, 365, false);
	make_ident(&other, kother, "unrelated signer", "unrelated signer", kother, 3, 0, 365, true);
	/* the CA's name, another key */
	make_ident(&ca_impostor, kother, "kdetect test CA", "kdetect test CA", kother, 1, 0, 3650, true);
	/* issued by each other, neither self-signed */
	make_ident(&cyc_x, kx, "cycle X", "cycle Y", ky, 0x10, 0, 365, true);
	make_ident(&cyc_y, ky, "cycle Y", "cycle X", kx, 0x11, 0, 365, true);
	/* expired long ago */
	make_ident(&expired, kleaf, "kdetect expired signer", "kdetect test CA", kca, 4, -800, -400, false);
	EVP_PKEY_free(kca);
	EVP_PKEY_free(kleaf);
	EVP_PKEY_free(kother);
	EVP_PKEY_free(kx);
	EVP_PKEY_free(ky);
	return 0;
}

static int group_teardown(void **state)
{
	UNIT_UNUSED(state);
	free_ident(&ca);
	free_ident(&leaf);
	free_ident(&other);
	free_ident(&ca_impostor);
	free_ident(&cyc_x);
	free_ident(&cyc_y);
	free_ident(&expired);
	return 0;
}

static const uint8_t OID_BOGUS[] = { 0x06, 0x03, 0x2a, 0x03, 0x04 };
static const uint8_t OID_RSA[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };

/*
 * SignedData over content (the DER of a SEQUENCE): the signed bytes are the
 * SEQUENCE's contents, the content type SpcIndirectDataContent.
 */
static PKCS7 *spc_pkcs7(const struct ident *id, const struct der *content, X509 *const *certs,
			size_t ncerts)
{
	PKCS7 *p7 = PKCS7_new(), *inner = PKCS7_new();
	PKCS7_SIGNER_INFO *si;
	ASN1_STRING *seq = ASN1_STRING_new();
	ASN1_TYPE *t = ASN1_TYPE_new();
	size_t hl = der_header_len(content->p);
	BIO *bio;

	assert_non_null(p7);
	assert_non_null(inner);
	assert_true(PKCS7_set_type(p7, NID_pkcs7_signed));
	si = PKCS7_add_signature(p7, id->x509, id->key, EVP_sha256());
	assert_non_null(si);
	assert_true(PKCS7_add_signed_attribute(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
					       OBJ_txt2obj(OID_SPC_INDIRECT_DATA, 1)));
	for (size_t i = 0; i < ncerts; i++)
		assert_true(PKCS7_add_certificate(p7, certs[i]));
	assert_true(PKCS7_content_new(p7, NID_pkcs7_data));
	bio = PKCS7_dataInit(p7, NULL);
	assert_non_null(bio);
	assert_int_equal(BIO_write(bio, content->p + hl, (int)(content->n - hl)), (int)(content->n - hl));
	(void)BIO_flush(bio);
	assert_true(PKCS7_dataFinal(p7, bio));
	BIO_free_all(bio);
	/* replace the data content by the SpcIndirectDataContent, as Authenticode has it */
	inner->type = OBJ_txt2obj(OID_SPC_INDIRECT_DATA, 1);
	assert_true(ASN1_STRING_set(seq, content->p, (int)content->n));
	ASN1_TYPE_set(t, V_ASN1_SEQUENCE, seq);
	inner->d.other = t;
	assert_true(PKCS7_set_content(p7, inner));
	return p7;
}

static struct blob p7_der(PKCS7 *p7)
{
	uint8_t *der = NULL;

	return blob_of(der, i2d_PKCS7(p7, &der));
}

/* Add values to the nested-signature attribute of the first signer. */
static void add_nested(PKCS7 *p7, const struct blob *inner, int copies, int type)
{
	PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(p7), 0);
	ASN1_OBJECT *obj = OBJ_txt2obj(OID_NESTED_SIGNATURE, 1);
	X509_ATTRIBUTE *a = X509_ATTRIBUTE_create_by_OBJ(NULL, obj, type, inner->p, (int)inner->n);

	assert_non_null(a);
	for (int i = 1; i < copies; i++)
		assert_true(X509_ATTRIBUTE_set1_data(a, type, inner->p, (int)inner->n));
	if (!si->unauth_attr)
		si->unauth_attr = sk_X509_ATTRIBUTE_new_null();
	assert_true(sk_X509_ATTRIBUTE_push(si->unauth_attr, a) > 0);
	ASN1_OBJECT_free(obj);
}

/* The base image's Authenticode digest, by hand: everything but CheckSum and SECURITY. */
static void base_digest(const EVP_MD *md, uint8_t *out, unsigned int *len)
{
	const struct range r[] = {
		{ 0, CHECKSUM },
		{ CHECKSUM + 4, SECDIR - CHECKSUM - 4 },
		{ SECDIR + 8, 0x640 - SECDIR - 8 },
	};
	size_t n;
	uint8_t *p = build_spec_patched(base_spec(), &n);

	assert_int_equal(n, 0x640);
	ref_digest(p, r, ARRAY_SIZE(r), md, out, len);
	free(p);
}

struct wcert {
	const uint8_t *p;
	size_t n;
	uint16_t type;
};

/* The base image with a certificate table of these entries after its 0x640 bytes. */
static uint8_t *signed_image(const struct wcert *w, size_t k, size_t *n)
{
	struct spec sp = base_spec();
	size_t table = 0, pos = 0x640;
	uint8_t *p;

	for (size_t i = 0; i < k; i++)
		table += (8 + w[i].n + 7) & ~(size_t)7;
	sp.n = 0x640 + table;
	sp.cert_off = table ? 0x640 : 0;
	sp.cert_size = (uint32_t)table;
	p = build(&sp, n);
	for (size_t i = 0; i < k; i++) {
		size_t len = 8 + w[i].n, padded = (len + 7) & ~(size_t)7;

		win_cert(p, pos, (uint32_t)len, 0x0200, w[i].type);
		memcpy(p + pos + 8, w[i].p, w[i].n);
		memset(p + pos + len, 0, padded - len);
		pos += padded;
	}
	return p;
}

/* authenticode_check of an image holding these signatures (all PKCS#7). */
static void check_blobs(const struct blob *sigs, size_t k, uint8_t **img, struct pe_image *pe,
			struct ac_result *res)
{
	struct wcert w[4];
	size_t n;

	assert_true(k <= 4);
	for (size_t i = 0; i < k; i++) {
		w[i].p = sigs[i].p;
		w[i].n = sigs[i].n;
		w[i].type = 2;
	}
	*img = signed_image(w, k, &n);
	parse_ok(*img, n, pe);
	authenticode_check(pe, res);
}

/* A signature by id over the base image's correct sha256 digest. */
static PKCS7 *good_pkcs7(const struct ident *id, X509 *const *certs, size_t ncerts)
{
	uint8_t md[32];
	unsigned int len;
	struct der spc;

	base_digest(EVP_sha256(), md, &len);
	spc = spc_content(OID_SHA256, sizeof(OID_SHA256), md, 32);
	return spc_pkcs7(id, &spc, certs, ncerts);
}

static struct blob good_sig(const struct ident *id, X509 *const *certs, size_t ncerts)
{
	PKCS7 *p7 = good_pkcs7(id, certs, ncerts);
	struct blob b = p7_der(p7);

	PKCS7_free(p7);
	return b;
}

static void test_authenticode_unsigned_and_garbage(void **state)
{
	static const uint8_t junk[] = "this is not DER at all, just a hostile blob of text";
	static const uint8_t tiny[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	static const uint8_t huge_len[] = { 0x30, 0x84, 0xff, 0xff, 0xff, 0xf0, 0x06, 0x09 };
	struct ac_result res;
	struct pe_image pe;
	struct wcert w[3];
	size_t n;
	uint8_t *p;

	UNIT_UNUSED(state);
	/* no certificate table */
	p = signed_image(NULL, 0, &n);
	parse_ok(p, n, &pe);
	authenticode_check(&pe, &res);
	assert_int_equal(res.n, 0);
	assert_null(res.error);
	assert_int_equal(res.other_entries, 0);
	ac_result_free(&res);
	ac_result_free(&res);
	pe_free(&pe);
	free(p);

	/* garbage where the PKCS#7 belongs, several ways */
	w[0] = (struct wcert){ junk, sizeof(junk), 2 };
	w[1] = (struct wcert){ tiny, sizeof(tiny), 2 };
	w[2] = (struct wcert){ huge_len, sizeof(huge_len), 2 };
	p = signed_image(w, 3, &n);
	parse_ok(p, n, &pe);
	authenticode_check(&pe, &res);
	assert_null(res.error);
	assert_int_equal(res.n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_true(res.sigs[i].malformed);
		assert_non_null(res.sigs[i].error);
		assert_false(res.sigs[i].sig_ok);
		assert_false(res.sigs[i].digest_matches);
		assert_null(res.sigs[i].signer);
		assert_int_equal(res.sigs[i].depth, 0);
	}
	ac_result_free(&res);
	pe_free(&pe);
	free(p);

	/* an empty WIN_CERTIFICATE (dwLength 8), and entries of other types */
	w[0] = (struct wcert){ junk, 0, 2 };
	w[1] = (struct wcert){ junk, sizeof(junk), 1 };		/* WIN_CERT_TYPE_X509 */
	w[2] = (struct wcert){ junk, 3, 0x0ef1 };		/* EFI_GUID */
	p = signed_image(w, 3, &n);
	parse_ok(p, n, &pe);
	authenticode_check(&pe, &res);
	assert_int_equal(res.n, 1);
	assert_true(res.sigs[0].malformed);
	assert_int_equal(res.other_entries, 2);
	ac_result_free(&res);

	/* a certificate table that does not parse */
	put32(p, 0x640, 7);
	authenticode_check(&pe, &res);
	assert_int_equal(res.n, 0);
	assert_non_null(res.error);
	assert_non_null(strstr(res.error, "dwLength"));
	ac_result_free(&res);
	pe_free(&pe);
	free(p);
}

static void test_authenticode_valid(void **state)
{
	X509 *chain[] = { leaf.x509, ca.x509 };
	struct blob sig = good_sig(&leaf, chain, 2);
	struct ac_result res;
	struct pe_image pe;
	uint8_t md[32];
	unsigned int len;
	uint8_t *p;

	UNIT_UNUSED(state);
	base_digest(EVP_sha256(), md, &len);
	check_blobs(&sig, 1, &p, &pe, &res);
	assert_null(res.error);
	assert_int_equal(res.n, 1);
	assert_int_equal(res.other_entries, 0);
	{
		const struct ac_sig *s = &res.sigs[0];

		if (s->error)
			fail_msg("error: %s", s->error);
		assert_false(s->malformed);
		assert_true(s->sig_ok);
		assert_true(s->digest_matches);
		assert_int_equal(s->depth, 0);
		assert_string_equal(s->digest_algo, "sha256");
		assert_int_equal(s->digest_len, 32);
		assert_memory_equal(s->digest, md, 32);
		assert_non_null(s->signer);
		assert_true(cert_equal(s->signer, leaf.cert));
		assert_int_equal(s->ncerts, 2);
		assert_true(cert_equal(s->certs[0], leaf.cert) || cert_equal(s->certs[1], leaf.cert));
		assert_true(cert_equal(s->certs[0], ca.cert) || cert_equal(s->certs[1], ca.cert));
	}
	ac_result_free(&res);

	/* a changed byte in a section: the signature holds, the digest does not */
	p[0x300] ^= 1;
	authenticode_check(&pe, &res);
	assert_int_equal(res.n, 1);
	assert_true(res.sigs[0].sig_ok);
	assert_false(res.sigs[0].digest_matches);
	assert_non_null(res.sigs[0].error);
	assert_non_null(strstr(res.sigs[0].error, "digest does not match"));
	ac_result_free(&res);
	p[0x300] ^= 1;
	/* ... in the trailing data too, but not in the CheckSum */
	p[0x63f] ^= 1;
	authenticode_check(&pe, &res);
	assert_false(res.sigs[0].digest_matches);
	ac_result_free(&res);
	p[0x63f] ^= 1;
	p[CHECKSUM] ^= 0xff;
	authenticode_check(&pe, &res);
	assert_true(res.sigs[0].digest_matches);
	assert_null(res.sigs[0].error);
	ac_result_free(&res);
	pe_free(&pe);
	free(p);

	/* the last byte of the DER is the signature's: flipped, it no longer verifies */
	sig.p[sig.n - 1] ^= 0x01;
	check_blobs(&sig, 1, &p, &pe, &res);
	assert_int_equal(res.n, 1);
	assert_false(res.sigs[0].malformed);
	assert_false(res.sigs[0].sig_ok);
	assert_true(res.sigs[0].digest_matches);
	assert_non_null(res.sigs[0].error);
	ac_result_free(&res);
	pe_free(&pe);
	free(p);
	sig.p[sig.n - 1] ^= 0x01;

	/* two signatures, one per WIN_CERTIFICATE */
	{
		X509 *o[] = { other.x509 };
		struct blob two[2] = { sig, good_sig(&other, o, 1) };

		check_blobs(two, 2, &p, &pe, &res);
		assert_int_equal(res.n, 2);
		assert_true(res.sigs[0].sig_ok && res.sigs[0].digest_matches);
		assert_true(res.sigs[1].sig_ok && res.sigs[1].digest_matches);
		assert_true(cert_equal(res.sigs[1].signer, other.cert));
		ac_result_free(&res);
		pe_free(&pe);
		free(p);
		free(two[1].p);
	}

	/* SHA-1 */
	{
		uint8_t md1[20];
		struct der spc;
		PKCS7 *p7;
		struct blob b;

		base_digest(EVP_sha1(), md1, &len);
		spc = spc_content(OID_SHA1, sizeof(OID_SHA1), md1, 20);
		p7 = spc_pkcs7(&leaf, &spc, chain, 2);
		b = p7_der(p7);
		PKCS7_free(p7);
		check_blobs(&b, 1, &p, &pe, &res);
		assert_int_equal(res.n, 1);
		assert_string_equal(res.sigs[0].digest_algo, "sha1");
		assert_int_equal(res.sigs[0].digest_len, 20);
		assert_true(res.sigs[0].digest_matches);
		assert_true(res.sigs[0].sig_ok);
		ac_result_free(&res);
		pe_free(&pe);
		free(p);
		free(b.p);
	}
	free(sig.p);
}

static void expect_one_sig(const struct blob *b, bool malformed, const char *error_part)
{
	struct ac_result res;
	struct pe_image pe;
	uint8_t *p;

	check_blobs(b, 1, &p, &pe, &res);
	assert_null(res.error);
	assert_int_equal(res.n, 1);
	assert_int_equal(res.sigs[0].malformed, malformed);
	assert_false(res.sigs[0].sig_ok);
	assert_non_null(res.sigs[0].error);
	if (!strstr(res.sigs[0].error, error_part))
		fail_msg("error \"%s\", expected \"%s\"", res.sigs[0].error, error_part);
	ac_result_free(&res);
	pe_free(&pe);
	free(p);
}

static void test_authenticode_content(void **state)
{
	X509 *chain[] = { leaf.x509, ca.x509 };
	uint8_t md[65];
	unsigned int len;
	struct der spc;
	PKCS7 *p7;
	struct blob b;

	UNIT_UNUSED(state);
	/* plain signed data, not SpcIndirectDataContent */
	{
		static const char msg[] = "plain data";
		BIO *in = BIO_new_mem_buf(msg, (int)sizeof(msg));
		STACK_OF(X509) *sk = sk_X509_new_null();

		sk_X509_push(sk, ca.x509);
		p7 = PKCS7_sign(leaf.x509, leaf.key, sk, in, PKCS7_BINARY);
		assert_non_null(p7);
		b = p7_der(p7);
		PKCS7_free(p7);
		sk_X509_free(sk);
		BIO_free(in);
		expect_one_sig(&b, true, "not SpcIndirectDataContent");
		free(b.p);
	}

	/* the right content type, contents that are not SpcIndirectDataContent */
	{
		static const uint8_t empty_seq[] = { 0x30, 0x02, 0x30, 0x00 };
		static const uint8_t not_seq[] = { 0x30, 0x03, 0x04, 0x01, 0x00 };

		memset(&spc, 0, sizeof(spc));
		der_raw(&spc, empty_seq, sizeof(empty_seq));
		p7 = spc_pkcs7(&leaf, &spc, chain, 2);
		b = p7_der(p7);
		PKCS7_free(p7);
		expect_one_sig(&b, true, "SpcIndirectDataContent unparseable");
		free(b.p);
		memset(&spc, 0, sizeof(spc));
		der_raw(&spc, not_seq, sizeof(not_seq));
		p7 = spc_pkcs7(&leaf, &spc, chain, 2);
		b = p7_der(p7);
		PKCS7_free(p7);
		expect_one_sig(&b, true, "SpcIndirectDataContent unparseable");
		free(b.p);
	}

	/* an unknown digest algorithm; a digest longer than any */
	memset(md, 0x3c, sizeof(md));
	base_digest(EVP_sha256(), md, &len);
	spc = spc_content(OID_BOGUS, sizeof(OID_BOGUS), md, 32);
	p7 = spc_pkcs7(&leaf, &spc, chain, 2);
	b = p7_der(p7);
	PKCS7_free(p7);
	expect_one_sig(&b, true, "unparseable");
	free(b.p);
	spc = spc_content(OID_SHA256, sizeof(OID_SHA256), md, 65);
	p7 = spc_pkcs7(&leaf, &spc, chain, 2);
	b = p7_der(p7);
	PKCS7_free(p7);
	expect_one_sig(&b, true, "unparseable");
	free(b.p);

	/* a known OID that is not a digest: well formed, but nothing matches */
	{
		struct ac_result res;
		struct pe_image pe;
		uint8_t *p;

		spc = spc_content(OID_RSA, sizeof(OID_RSA), md, 32);
		p7 = spc_pkcs7(&leaf, &spc, chain, 2);
		b = p7_der(p7);
		PKCS7_free(p7);
		check_blobs(&b, 1, &p, &pe, &res);
		assert_int_equal(res.n, 1);
		assert_false(res.sigs[0].malformed);
		assert_false(res.sigs[0].digest_matches);
		assert_true(res.sigs[0].sig_ok);
		assert_non_null(res.sigs[0].error);
		ac_result_free(&res);
		pe_free(&pe);
		free(p);
		free(b.p);
	}

	/* the signer's certificate not embedded (only the CA is) */
	{
		X509 *only_ca[] = { ca.x509 };

		b = good_sig(&leaf, only_ca, 1);
		expect_one_sig(&b, false, "signer certificate not embedded");
		free(b.p);
		b = good_sig(&leaf, NULL, 0);
		expect_one_sig(&b, false, "signer certificate not embedded");
		free(b.p);
	}

	/* signed with another key than the embedded certificate's */
	{
		struct ident wrong = leaf;

		wrong.key = other.key;
		b = good_sig(&wrong, chain, 2);
		expect_one_sig(&b, false, "signature does not verify");
		free(b.p);
	}
}

static void test_authenticode_nested(void **state)
{
	X509 *chain[] = { leaf.x509, ca.x509 };
	X509 *o[] = { other.x509 };
	struct blob inner = good_sig(&other, o, 1), b;
	struct ac_result res;
	struct pe_image pe;
	PKCS7 *p7;
	uint8_t *p;

	UNIT_UNUSED(state);
	/* dual signing: the second signature in the first one's unauthenticated attributes */
	p7 = good_pkcs7(&leaf, chain, 2);
	add_nested(p7, &inner, 1, V_ASN1_SEQUENCE);
	b = p7_der(p7);
	PKCS7_free(p7);
	check_blobs(&b, 1, &p, &pe, &res);
	assert_int_equal(res.n, 2);
	assert_int_equal(res.sigs[0].depth, 0);
	assert_int_equal(res.sigs[1].depth, 1);
	for (size_t i = 0; i < 2; i++) {
		assert_true(res.sigs[i].sig_ok);
		assert_true(res.sigs[i].digest_matches);
		assert_null(res.sigs[i].error);
	}
	assert_true(cert_equal(res.sigs[0].signer, leaf.cert));
	assert_true(cert_equal(res.sigs[1].signer, other.cert));
	ac_result_free(&res);
	pe_free(&pe);
	free(p);
	free(b.p);

	/* a nested value that is not a SEQUENCE is ignored; a garbage SEQUENCE is malformed */
	{
		static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
		struct blob j = { (uint8_t *)junk, sizeof(junk) };

		p7 = good_pkcs7(&leaf, chain, 2);
		add_nested(p7, &inner, 1, V_ASN1_OCTET_STRING);
		add_nested(p7, &j, 1, V_ASN1_SEQUENCE);
		b = p7_der(p7);
		PKCS7_free(p7);
		check_blobs(&b, 1, &p, &pe, &res);
		assert_int_equal(res.n, 2);
		assert_true(res.sigs[0].sig_ok);
		assert_int_equal(res.sigs[1].depth, 1);
		assert_true(res.sigs[1].malformed);
		assert_non_null(res.sigs[1].error);
		ac_result_free(&res);
		pe_free(&pe);
		free(p);
		free(b.p);
	}

	/* seven levels deep: depth 0..4 are read, no deeper */
	{
		struct blob level = good_sig(&other, o, 1);

		for (int d = 0; d < 6; d++) {
			p7 = good_pkcs7(d % 2 ? &other : &leaf, d % 2 ? o : chain, d % 2 ? 1 : 2);
			add_nested(p7, &level, 1, V_ASN1_SEQUENCE);
			free(level.p);
			level = p7_der(p7);
			PKCS7_free(p7);
		}
		check_blobs(&level, 1, &p, &pe, &res);
		assert_int_equal(res.n, 5);
		for (size_t i = 0; i < res.n; i++) {
			assert_int_equal(res.sigs[i].depth, (int)i);
			assert_true(res.sigs[i].sig_ok);
		}
		ac_result_free(&res);
		pe_free(&pe);
		free(p);
		free(level.p);
	}

	/* forty nested values: at most 32 signatures in all */
	p7 = good_pkcs7(&leaf, chain, 2);
	add_nested(p7, &inner, 40, V_ASN1_SEQUENCE);
	b = p7_der(p7);
	PKCS7_free(p7);
	check_blobs(&b, 1, &p, &pe, &res);
	assert_int_equal(res.n, 32);
	assert_int_equal(res.sigs[31].depth, 1);
	assert_true(res.sigs[31].sig_ok);
	ac_result_free(&res);
	pe_free(&pe);
	free(p);
	free(b.p);
	free(inner.p);
}

static void free_chain(struct kd_cert **chain, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cert_free(chain[i]);
	free(chain);
}

/* The first signature of an image signed by id with these certificates embedded. */
static void chain_case(const struct ident *id, X509 *const *embed, size_t nembed,
		       struct kd_cert *const *anchors, size_t nanchors, bool want_anchored,
		       const struct ident *const *want, size_t nwant)
{
	struct blob b = good_sig(id, embed, nembed);
	struct kd_cert **chain;
	struct ac_result res;
	struct pe_image pe;
	size_t n;
	uint8_t *p;

	check_blobs(&b, 1, &p, &pe, &res);
	assert_int_equal(res.n, 1);
	assert_int_equal(authenticode_chain(&res.sigs[0], anchors, nanchors, &chain, &n), want_anchored);
	if (n != nwant)
		fail_msg("chain of %zu, expected %zu", n, nwant);
	for (size_t i = 0; i < n; i++)
		if (!cert_equal(chain[i], want[i]->cert))
			fail_msg("chain[%zu] is %s, expected %s", i, cert_get_info(chain[i])->subject,
				 cert_get_info(want[i]->cert)->subject);
	free_chain(chain, n);
	ac_result_free(&res);
	pe_free(&pe);
	free(p);
	free(b.p);
}

static void test_authenticode_chain(void **state)
{
	X509 *both[] = { leaf.x509, ca.x509 };
	X509 *leaf_only[] = { leaf.x509 };
	X509 *exp_both[] = { expired.x509, ca.x509 };
	X509 *cycle[] = { cyc_x.x509, cyc_y.x509 };
	struct kd_cert *a_ca[] = { ca.cert };
	struct kd_cert *a_leaf[] = { leaf.cert };
	struct kd_cert *a_other[] = { other.cert, ca_impostor.cert };
	const struct ident *leaf_ca[] = { &leaf, &ca };
	const struct ident *exp_ca[] = { &expired, &ca };
	const struct ident *just_leaf[] = { &leaf };

	UNIT_UNUSED(state);
	/* anchored at the CA */
	chain_case(&leaf, both, 2, a_ca, 1, true, leaf_ca, 2);
	/* the CA need not be embedded when it is the anchor */
	chain_case(&leaf, leaf_only, 1, a_ca, 1, true, leaf_ca, 2);
	/* any certificate of the chain may be trusted, the signer's own too */
	chain_case(&leaf, leaf_only, 1, a_leaf, 1, true, just_leaf, 1);
	{
		/* (OpenSSL extends the chain over embedded issuers beyond a trusted leaf) */
		struct blob b = good_sig(&leaf, both, 2);
		struct kd_cert **chain;
		struct ac_result res;
		struct pe_image pe;
		size_t n;
		uint8_t *p;

		check_blobs(&b, 1, &p, &pe, &res);
		assert_true(authenticode_chain(&res.sigs[0], a_leaf, 1, &chain, &n));
		assert_true(n >= 1 && n <= 2);
		assert_true(cert_equal(chain[0], leaf.cert));
		free_chain(chain, n);
		ac_result_free(&res);
		pe_free(&pe);
		free(p);
		free(b.p);
	}
	/* time does not matter */
	chain_case(&expired, exp_both, 2, a_ca, 1, true, exp_ca, 2);
	/* not anchored: as far as the embedded certificates go */
	chain_case(&leaf, both, 2, NULL, 0, false, leaf_ca, 2);
	chain_case(&leaf, leaf_only, 1, NULL, 0, false, just_leaf, 1);
	/* the CA's name with another key is no anchor */
	chain_case(&leaf, both, 2, a_other, 2, false, leaf_ca, 2);
	chain_case(&leaf, leaf_only, 1, a_other, 2, false, just_leaf, 1);

	/* two certificates issuing each other: the walk stops */
	{
		struct blob b = good_sig(&cyc_x, cycle, 2);
		struct kd_cert **chain;
		struct ac_result res;
		struct pe_image pe;
		size_t n;
		uint8_t *p;

		check_blobs(&b, 1, &p, &pe, &res);
		assert_true(res.sigs[0].sig_ok);
		assert_false(authenticode_chain(&res.sigs[0], NULL, 0, &chain, &n));
		assert_true(n >= 2 && n <= 10);
		assert_true(cert_equal(chain[0], cyc_x.cert));
		assert_true(cert_equal(chain[1], cyc_y.cert));
		free_chain(chain, n);
		assert_false(authenticode_chain(&res.sigs[0], a_ca, 1, &chain, &n));
		assert_true(n >= 2 && n <= 10);
		free_chain(chain, n);
		ac_result_free(&res);
		pe_free(&pe);
		free(p);
		free(b.p);
	}

	/* no signer: no chain */
	{
		struct ac_sig none;
		struct kd_cert **chain = (struct kd_cert **)&none;
		size_t n = 99;

		memset(&none, 0, sizeof(none));
		assert_false(authenticode_chain(&none, a_ca, 1, &chain, &n));
		assert_null(chain);
		assert_int_equal(n, 0);
	}
}

/* ---- TBS hashes ---- */

/* The TLV at p: header length and total length. */
static void der_tlv_at(const uint8_t *p, size_t n, size_t *hl, size_t *total)
{
	size_t len = 0;

	assert_true(n >= 2);
	if (p[1] < 0x80) {
		*hl = 2;
		len = p[1];
	} else {
		size_t k = p[1] & 0x7f;

		assert_true(k >= 1 && k <= 3 && n >= 2 + k);
		for (size_t i = 0; i < k; i++)
			len = len << 8 | p[2 + i];
		*hl = 2 + k;
	}
	*total = *hl + len;
	assert_true(*total <= n);
}

/* The TBSCertificate of a DER certificate, sliced out of it. */
static void tbs_slice(const uint8_t *der, size_t n, size_t *off, size_t *len)
{
	size_t hl, total;

	der_tlv_at(der, n, &hl, &total);
	*off = hl;
	der_tlv_at(der + hl, n - hl, &hl, len);
}

static void test_tbs_sha256(void **state)
{
	const struct ident *ids[] = { &ca, &leaf, &other, &expired };

	UNIT_UNUSED(state);
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		uint8_t got[32], want[32], *re = NULL;
		size_t off, len;
		int relen;

		tbs_slice(ids[i]->der.p, ids[i]->der.n, &off, &len);
		sha256(ids[i]->der.p + off, len, want);
		assert_true(cert_tbs_sha256(ids[i]->cert, got));
		assert_memory_equal(got, want, 32);
		/* the same as OpenSSL's own encoding of the TBS, for a DER certificate */
		relen = i2d_re_X509_tbs(ids[i]->x509, &re);
		assert_int_equal(relen, (int)len);
		sha256(re, (size_t)relen, want);
		OPENSSL_free(re);
		assert_memory_equal(got, want, 32);
		/* not the hash of the whole certificate */
		sha256(ids[i]->der.p, ids[i]->der.n, want);
		assert_memory_not_equal(got, want, 32);
	}
}

/*
 * A certificate whose TBSCertificate is valid BER but not DER (the serial's
 * length in long form), correctly signed over those bytes. OpenSSL accepts it;
 * dbx X509_SHA256 entries name the hash of the TBSCertificate as it is in the
 * certificate (EDK2 slices it out of the DER), so that is the hash wanted here.
 */
static void test_tbs_sha256_non_der(void **state)
{
	const uint8_t *der = leaf.der.p;
	size_t n = leaf.der.n, off, tlen, hl, total, ver, pos;
	struct der tbs_c = { 0 }, tbs = { 0 }, cert_c = { 0 }, cert = { 0 };
	uint8_t sig[256], want[32], got[32], *again = NULL;
	size_t siglen = sizeof(sig);
	struct kd_cert *c;
	EVP_MD_CTX *ctx;
	int again_len;

	UNIT_UNUSED(state);
	tbs_slice(der, n, &off, &tlen);
	der_tlv_at(der + off, tlen, &hl, &total);
	pos = off + hl;
	/* [0] version, then the serial INTEGER with a one-byte short-form length */
	der_tlv_at(der + pos, n - pos, &hl, &ver);
	assert_int_equal(der[pos], 0xa0);
	der_raw(&tbs_c, der + pos, ver);
	pos += ver;
	assert_int_equal(der[pos], 0x02);
	assert_true(der[pos + 1] < 0x80);
	{
		const uint8_t longform[] = { 0x02, 0x81, der[pos + 1] };

		der_raw(&tbs_c, longform, sizeof(longform));
		der_raw(&tbs_c, der + pos + 2, der[pos + 1]);
		pos += 2 + der[pos + 1];
	}
	der_raw(&tbs_c, der + pos, off + tlen - pos);
	der_tlv(&tbs, 0x30, tbs_c.p, tbs_c.n);
	/* signed by the CA over exactly these bytes */
	ctx = EVP_MD_CTX_new();
	assert_non_null(ctx);
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, ca.key), 1);
	assert_int_equal(EVP_DigestSign(ctx, sig + 1, &siglen, tbs.p, tbs.n), 1);
	EVP_MD_CTX_free(ctx);
	sig[0] = 0;	/* no unused bits */
	der_raw(&cert_c, tbs.p, tbs.n);
	pos = off + tlen;
	der_tlv_at(der + pos, n - pos, &hl, &total);	/* signatureAlgorithm, as it was */
	der_raw(&cert_c, der + pos, total);
	der_tlv(&cert_c, 0x03, sig, siglen + 1);
	der_tlv(&cert, 0x30, cert_c.p, cert_c.n);

	c = cert_from_der(cert.p, cert.n, NULL);
	assert_non_null(c);
	assert_int_equal(X509_verify(c->x509, ca.key), 1);
	sha256(tbs.p, tbs.n, want);
	assert_true(cert_tbs_sha256(c, got));
	if (memcmp(got, want, 32) != 0) {
		cert_free(c);
		fail_msg("cert_tbs_sha256 hashes a re-encoding, not the certificate's TBSCertificate");
	}
	/* and asking must not change the certificate: its DER and its signature check */
	again_len = i2d_X509(c->x509, &again);
	assert_int_equal(again_len, (int)cert.n);
	assert_memory_equal(again, cert.p, cert.n);
	OPENSSL_free(again);
	assert_int_equal(X509_verify(c->x509, ca.key), 1);
	cert_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_pe32plus),
		cmocka_unit_test(test_valid_pe32),
		cmocka_unit_test(test_not_pe),
		cmocka_unit_test(test_lfanew),
		cmocka_unit_test(test_number_of_sections),
		cmocka_unit_test(test_section_table_past_eof),
		cmocka_unit_test(test_optional_header),
		cmocka_unit_test(test_size_of_headers),
		cmocka_unit_test(test_section_raw_data),
		cmocka_unit_test(test_cert_table_placement),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_win_certificates),
		cmocka_unit_test(test_authenticode_digest),
		cmocka_unit_test(test_authenticode_digest_spec_tail),
		cmocka_unit_test(test_long_section_names),
		cmocka_unit_test(test_rva_to_off),
		cmocka_unit_test(test_version_info),
		cmocka_unit_test(test_version_info_hostile_blocks),
		cmocka_unit_test(test_version_info_hostile_directory),
		cmocka_unit_test(test_version_info_fuzz),
		cmocka_unit_test(test_header_fuzz),
		cmocka_unit_test(test_authenticode_unsigned_and_garbage),
		cmocka_unit_test(test_authenticode_valid),
		cmocka_unit_test(test_authenticode_content),
		cmocka_unit_test(test_authenticode_nested),
		cmocka_unit_test(test_authenticode_chain),
		cmocka_unit_test(test_tbs_sha256),
		cmocka_unit_test(test_tbs_sha256_non_der),
	};

	return cmocka_run_group_tests_name("pe", tests, group_setup, group_teardown);
}
