// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_efivars.c - UEFI variables (efivars.c): GUIDs as text, EFI signature
 * lists, efivarfs files read through a root, MOK lists, Boot#### load options.
 * Everything is assembled here byte by byte:
 *   EFI_SIGNATURE_LIST { GUID SignatureType; u32 SignatureListSize,
 *       SignatureHeaderSize, SignatureSize; u8 header[]; { GUID owner; u8 data[] }[] }
 *   efivarfs file      { u32 attributes; u8 data[] }
 *   EFI_LOAD_OPTION    { u32 Attributes; u16 FilePathListLength; CHAR16 Description[];
 *       device path nodes { u8 type, subtype; u16 length; ... }; u8 OptionalData[] }
 */
#include "unit.h"
#include "fsfix.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/efivars.h"
#include "sources/boot/efivarfs.h"
#include "core/root.h"
#include "core/util.h"

/* EFI_CERT_X509_GUID a5c059a1-94e4-4aa7-87b5-ab155c2bf072 as it is on disk */
static const uint8_t X509_GUID[16] = { 0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a,
				       0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72 };
/* EFI_CERT_SHA256_GUID c1c41626-504c-4092-aca9-41f936934328 */
static const uint8_t SHA256_GUID[16] = { 0x26, 0x16, 0xc4, 0xc1, 0x4c, 0x50, 0x92, 0x40,
					 0xac, 0xa9, 0x41, 0xf9, 0x36, 0x93, 0x43, 0x28 };
/* Microsoft's owner GUID 77fa9abd-0359-4d32-bd60-28f4e78f784b */
static const uint8_t MS_OWNER[16] = { 0xbd, 0x9a, 0xfa, 0x77, 0x59, 0x03, 0x32, 0x4d,
				      0xbd, 0x60, 0x28, 0xf4, 0xe7, 0x8f, 0x78, 0x4b };

#define MS_OWNER_TEXT "77fa9abd-0359-4d32-bd60-28f4e78f784b"
#define X509_TEXT "a5c059a1-94e4-4aa7-87b5-ab155c2bf072"
#define SHA256_TEXT "c1c41626-504c-4092-aca9-41f936934328"

/* ---- buffers ---- */

struct buf {
	uint8_t *p;
	size_t n, cap;
};

static void b_put(struct buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 256;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void b_u8(struct buf *b, uint8_t v)
{
	b_put(b, &v, 1);
}

static void b_u16(struct buf *b, uint16_t v)
{
	uint8_t le[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	b_put(b, le, 2);
}

static void b_u32(struct buf *b, uint32_t v)
{
	uint8_t le[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	b_put(b, le, 4);
}

static void b_fill(struct buf *b, uint8_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b_u8(b, (uint8_t)(v + i));
}

static void put16(uint8_t *p, size_t off, uint16_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
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

/* "xxxxxxxx-xxxx-..." to the on-disk bytes, written independently of guid_text. */
static void guid_bytes(const char *text, uint8_t g[16])
{
	static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	uint8_t be[16];
	size_t k = 0;

	for (const char *s = text; *s && k < 16; s++) {
		unsigned int v;

		if (*s == '-')
			continue;
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		be[k++] = (uint8_t)v;
		s++;
	}
	assert_int_equal(k, 16);
	for (int i = 0; i < 16; i++)
		g[order[i]] = be[i];
}

/* ---- GUIDs ---- */

static void test_guid_text(void **state)
{
	static const uint8_t seq[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	uint8_t ff[16], g[16];
	char out[48];

	UNIT_UNUSED(state);
	memset(out, 'Z', sizeof(out));
	guid_text(X509_GUID, out);
	assert_string_equal(out, X509_TEXT);
	assert_int_equal(out[37], 'Z');		/* 36 characters and the NUL, no more */
	guid_text(SHA256_GUID, out);
	assert_string_equal(out, SHA256_TEXT);
	guid_text(MS_OWNER, out);
	assert_string_equal(out, MS_OWNER_TEXT);
	/* the first three fields little-endian, the rest in order */
	guid_text(seq, out);
	assert_string_equal(out, "03020100-0504-0706-0809-0a0b0c0d0e0f");
	memset(ff, 0xff, sizeof(ff));
	guid_text(ff, out);
	assert_string_equal(out, "ffffffff-ffff-ffff-ffff-ffffffffffff");
	/* the header's constants, through the test's own conversion */
	guid_bytes(GUID_GLOBAL, g);
	assert_int_equal(g[0], 0x61);	/* 8be4df61: 61 df e4 8b on disk */
	assert_int_equal(g[3], 0x8b);
	guid_text(g, out);
	assert_string_equal(out, GUID_GLOBAL);
	guid_bytes(GUID_SHIM_LOCK, g);
	guid_text(g, out);
	assert_string_equal(out, GUID_SHIM_LOCK);
	guid_bytes(GUID_SECURITY_DB, g);
	guid_text(g, out);
	assert_string_equal(out, GUID_SECURITY_DB);
	guid_bytes(X509_TEXT, g);
	assert_memory_equal(g, X509_GUID, 16);

	assert_string_equal(esl_type_name(ESL_X509), "X509");
	assert_string_equal(esl_type_name(ESL_SHA256), "SHA256");
	assert_string_equal(esl_type_name(ESL_X509_SHA256), "X509_SHA256");
	assert_string_equal(esl_type_name(ESL_SHA1), "SHA1");
	assert_string_equal(esl_type_name(ESL_OTHER), "other");
	assert_string_equal(esl_type_name((enum esl_type)1234), "other");
}

/* ---- signature lists ---- */

/* A list of count entries, each the owner and data bytes starting at fill (+1 per entry). */
static void esl(struct buf *b, const uint8_t type[16], uint32_t header_size, uint32_t sig_size,
		size_t count, const uint8_t owner[16], uint8_t fill)
{
	b_put(b, type, 16);
	b_u32(b, (uint32_t)(28 + header_size + count * sig_size));
	b_u32(b, header_size);
	b_u32(b, sig_size);
	b_fill(b, 0xee, header_size);
	for (size_t i = 0; i < count; i++) {
		b_put(b, owner, 16);
		b_fill(b, (uint8_t)(fill + i), sig_size - 16);
	}
}

/* A list header with any sizes, then n body bytes. */
static void esl_raw(struct buf *b, const uint8_t type[16], uint32_t list_size, uint32_t header_size,
		    uint32_t sig_size, size_t n)
{
	b_put(b, type, 16);
	b_u32(b, list_size);
	b_u32(b, header_size);
	b_u32(b, sig_size);
	b_fill(b, 0x40, n);
}

struct parsed {
	uint8_t *copy;
	struct esl_entry *e;
	int n;
	const char *reason;
};

static struct parsed parse(const struct buf *b)
{
	struct parsed r;

	r.copy = dup_exact(b->p, b->n);
	r.reason = NULL;
	r.e = (struct esl_entry *)&r;	/* must be replaced */
	r.n = esl_parse(r.copy, b->n, &r.e, &r.reason);
	if (r.n < 0) {
		assert_int_equal(r.n, -1);
		assert_non_null(r.reason);
		assert_null(r.e);
	} else {
		for (int i = 0; i < r.n; i++) {
			assert_true(r.e[i].data >= r.copy && r.e[i].data + r.e[i].len <= r.copy + b->n);
			assert_int_equal(strlen(r.e[i].type_guid), 36);
			assert_int_equal(strlen(r.e[i].owner), 36);
		}
		if (r.n == 0)
			assert_null(r.e);
	}
	return r;
}

static void parsed_free(struct parsed *r)
{
	free(r->e);
	free(r->copy);
}

static void expect_bad(const struct buf *b, const char *why)
{
	struct parsed r = parse(b);

	if (r.n >= 0)
		fail_msg("accepted (%d entries), expected \"%s\"", r.n, why);
	if (!strstr(r.reason, why))
		fail_msg("rejected with \"%s\", expected \"%s\"", r.reason, why);
	parsed_free(&r);
}

static int count_of(const struct buf *b)
{
	struct parsed r = parse(b);
	int n = r.n;

	parsed_free(&r);
	return n;
}

static void test_esl_x509(void **state)
{
	struct buf b = { 0 };
	struct parsed r;

	UNIT_UNUSED(state);
	esl(&b, X509_GUID, 0, 16 + 300, 1, MS_OWNER, 0x30);
	esl(&b, X509_GUID, 0, 16 + 7, 1, X509_GUID, 0x01);
	r = parse(&b);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.e[0].type, ESL_X509);
	assert_string_equal(r.e[0].type_guid, X509_TEXT);
	assert_string_equal(r.e[0].owner, MS_OWNER_TEXT);
	assert_ptr_equal(r.e[0].data, r.copy + 28 + 16);
	assert_int_equal(r.e[0].len, 300);
	assert_int_equal(r.e[0].data[0], 0x30);
	assert_int_equal(r.e[0].data[299], (uint8_t)(0x30 + 299));
	assert_int_equal(r.e[1].type, ESL_X509);
	assert_string_equal(r.e[1].owner, X509_TEXT);
	assert_ptr_equal(r.e[1].data, r.copy + 28 + 316 + 28 + 16);
	assert_int_equal(r.e[1].len, 7);
	parsed_free(&r);
	free(b.p);

	/* X509 entries are of any size, even a SHA-256's, or none */
	memset(&b, 0, sizeof(b));
	esl(&b, X509_GUID, 0, 16 + 32, 2, MS_OWNER, 0);
	esl(&b, X509_GUID, 0, 16, 3, MS_OWNER, 0);
	r = parse(&b);
	assert_int_equal(r.n, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(r.e[i].type, ESL_X509);
	assert_int_equal(r.e[1].len, 32);
	assert_int_equal(r.e[4].len, 0);
	parsed_free(&r);
	free(b.p);
}

static void test_esl_hashes(void **state)
{
	static const struct {
		const char *guid;
		enum esl_type type;
		uint32_t payload;
	} types[] = {
		{ SHA256_TEXT, ESL_SHA256, 32 },
		{ "826ca512-cf10-4ac9-b187-be01496631bd", ESL_SHA1, 20 },
		{ "ff3e5307-9fd0-48c9-85f1-8ad56c701e01", ESL_SHA384, 48 },
		{ "093e0fae-a6c4-4f50-9f1b-d41e2b89c19a", ESL_SHA512, 64 },
		{ "3bd2a492-96c0-4079-b420-fcf98ef103ed", ESL_X509_SHA256, 32 + 16 },
		{ "7076876e-80c2-4ee6-aad2-28b349a6865b", ESL_X509_SHA384, 48 + 16 },
		{ "446dbf63-2502-4cda-bcfa-2465d2b0fe9d", ESL_X509_SHA512, 64 + 16 },
	};
	struct buf b = { 0 };
	struct parsed r;

	UNIT_UNUSED(state);
	/* three SHA-256 hashes, as in dbx */
	esl(&b, SHA256_GUID, 0, 48, 3, MS_OWNER, 0xa0);
	r = parse(&b);
	assert_int_equal(r.n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(r.e[i].type, ESL_SHA256);
		assert_string_equal(r.e[i].type_guid, SHA256_TEXT);
		assert_string_equal(r.e[i].owner, MS_OWNER_TEXT);
		assert_int_equal(r.e[i].len, 32);
		assert_ptr_equal(r.e[i].data, r.copy + 28 + 48 * (size_t)i + 16);
		assert_int_equal(r.e[i].data[0], (uint8_t)(0xa0 + i));
	}
	parsed_free(&r);
	free(b.p);

	/* every fixed-size type: its own size only */
	for (size_t t = 0; t < ARRAY_SIZE(types); t++) {
		uint8_t g[16];

		guid_bytes(types[t].guid, g);
		memset(&b, 0, sizeof(b));
		esl(&b, g, 0, 16 + types[t].payload, 2, MS_OWNER, 1);
		r = parse(&b);
		assert_int_equal(r.n, 2);
		assert_int_equal(r.e[1].type, types[t].type);
		assert_string_equal(r.e[1].type_guid, types[t].guid);
		assert_string_equal(esl_type_name(types[t].type), esl_type_name(r.e[1].type));
		assert_int_equal(r.e[1].len, types[t].payload);
		parsed_free(&r);
		free(b.p);
		for (int d = -16; d <= 16; d += 8) {
			if (d == 0)
				continue;
			memset(&b, 0, sizeof(b));
			esl(&b, g, 0, (uint32_t)(16 + (int)types[t].payload + d), 1, MS_OWNER, 1);
			expect_bad(&b, "does not match the list's signature type");
			free(b.p);
		}
		memset(&b, 0, sizeof(b));
		esl(&b, g, 0, 16 + types[t].payload + 1, 1, MS_OWNER, 1);
		expect_bad(&b, "does not match");
		free(b.p);
	}

	/* X509_SHA256: the hash, then the EFI_TIME of revocation */
	{
		uint8_t g[16];

		guid_bytes("3bd2a492-96c0-4079-b420-fcf98ef103ed", g);
		memset(&b, 0, sizeof(b));
		b_put(&b, g, 16);
		b_u32(&b, 28 + 64);
		b_u32(&b, 0);
		b_u32(&b, 64);
		b_put(&b, MS_OWNER, 16);
		b_fill(&b, 0x11, 32);
		b_u16(&b, 2024);	/* EFI_TIME: year, month, day ... */
		b_u8(&b, 5);
		b_u8(&b, 17);
		b_fill(&b, 0, 12);
		r = parse(&b);
		assert_int_equal(r.n, 1);
		assert_int_equal(r.e[0].type, ESL_X509_SHA256);
		assert_int_equal(r.e[0].len, 48);
		assert_int_equal(r.e[0].data[0], 0x11);
		assert_int_equal(r.e[0].data[31], 0x11 + 31);
		assert_int_equal(r.e[0].data[32] | r.e[0].data[33] << 8, 2024);
		assert_int_equal(r.e[0].data[34], 5);
		parsed_free(&r);
		free(b.p);
	}
}

static void test_esl_guid_matching(void **state)
{
	uint8_t g[16];
	struct buf b = { 0 };
	struct parsed r;
	char text[37];

	UNIT_UNUSED(state);
	/* differing from X509 only in the last byte, the first byte, the middle */
	for (int k = 0; k < 3; k++) {
		static const int at[3] = { 15, 0, 8 };

		memcpy(g, X509_GUID, 16);
		g[at[k]] ^= 0x01;
		memset(&b, 0, sizeof(b));
		esl(&b, g, 0, 16 + 300, 1, MS_OWNER, 0x30);
		r = parse(&b);
		assert_int_equal(r.n, 1);
		assert_int_equal(r.e[0].type, ESL_OTHER);
		guid_text(g, text);
		assert_string_equal(r.e[0].type_guid, text);
		assert_string_not_equal(r.e[0].type_guid, X509_TEXT);
		parsed_free(&r);
		free(b.p);
	}
	/* the X509 GUID's text read as big-endian bytes: not X509 either */
	{
		static const uint8_t be[16] = { 0xa5, 0xc0, 0x59, 0xa1, 0x94, 0xe4, 0x4a, 0xa7,
						0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72 };

		memset(&b, 0, sizeof(b));
		esl(&b, be, 0, 16 + 300, 1, MS_OWNER, 0x30);
		r = parse(&b);
		assert_int_equal(r.n, 1);
		assert_int_equal(r.e[0].type, ESL_OTHER);
		parsed_free(&r);
		free(b.p);
	}
	/* SHA-256 but for the last byte: not a hash list, any size goes */
	memcpy(g, SHA256_GUID, 16);
	g[15] ^= 0x80;
	memset(&b, 0, sizeof(b));
	esl(&b, g, 0, 16 + 20, 2, MS_OWNER, 0);
	r = parse(&b);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.e[0].type, ESL_OTHER);
	assert_int_equal(r.e[0].len, 20);
	parsed_free(&r);
	free(b.p);
	/* an all-zero GUID, entries of just an owner */
	memset(g, 0, sizeof(g));
	memset(&b, 0, sizeof(b));
	esl(&b, g, 4, 16, 4, MS_OWNER, 0);
	r = parse(&b);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.e[3].type, ESL_OTHER);
	assert_string_equal(r.e[3].type_guid, "00000000-0000-0000-0000-000000000000");
	assert_int_equal(r.e[3].len, 0);
	parsed_free(&r);
	free(b.p);
}

static void test_esl_sizes(void **state)
{
	struct buf b = { 0 };
	struct parsed r;

	UNIT_UNUSED(state);
	/* nothing at all: no entries */
	r = parse(&b);
	assert_int_equal(r.n, 0);
	parsed_free(&r);
	/* a header cut short */
	for (size_t n = 1; n < 28; n++) {
		memset(&b, 0, sizeof(b));
		esl(&b, SHA256_GUID, 0, 48, 1, MS_OWNER, 0);
		b.n = n;
		expect_bad(&b, "header truncated");
		free(b.p);
	}
	/* SignatureListSize below 28, beyond the data */
	static const uint32_t bad_list[] = { 0, 1, 27, 28 + 48 + 1, 28 + 96, 0x7fffffffu, 0xffffffffu };
	for (size_t i = 0; i < ARRAY_SIZE(bad_list); i++) {
		memset(&b, 0, sizeof(b));
		esl_raw(&b, SHA256_GUID, bad_list[i], 0, 48, 48);
		expect_bad(&b, "SignatureListSize");
		free(b.p);
	}
	/* SignatureHeaderSize beyond the list */
	static const uint32_t bad_header[] = { 49, 64, 0x7fffffffu, 0xffffffe4u, 0xffffffffu };
	for (size_t i = 0; i < ARRAY_SIZE(bad_header); i++) {
		memset(&b, 0, sizeof(b));
		esl_raw(&b, SHA256_GUID, 28 + 48, bad_header[i], 48, 48);
		expect_bad(&b, "SignatureHeaderSize or SignatureSize");
		free(b.p);
	}
	/* SignatureSize 0 (no division by it), below 16, not dividing the body */
	static const uint32_t bad_sig[] = { 0, 1, 15, 17, 47, 49, 95, 0xffffffffu };
	for (size_t i = 0; i < ARRAY_SIZE(bad_sig); i++) {
		uint8_t g[16] = { 0x42 };

		memset(&b, 0, sizeof(b));
		esl_raw(&b, g, 28 + 96, 0, bad_sig[i], 96);
		expect_bad(&b, "SignatureHeaderSize or SignatureSize");
		free(b.p);
	}
	/* a header, then the entries */
	memset(&b, 0, sizeof(b));
	esl(&b, SHA256_GUID, 12, 48, 2, MS_OWNER, 0x50);
	r = parse(&b);
	assert_int_equal(r.n, 2);
	assert_ptr_equal(r.e[0].data, r.copy + 28 + 12 + 16);
	assert_int_equal(r.e[0].data[0], 0x50);
	parsed_free(&r);
	free(b.p);
	/* a header that is all of the list: no entries, fine */
	memset(&b, 0, sizeof(b));
	esl(&b, SHA256_GUID, 20, 48, 0, MS_OWNER, 0);
	esl(&b, SHA256_GUID, 0, 48, 0, MS_OWNER, 0);
	esl(&b, SHA256_GUID, 0, 48, 1, MS_OWNER, 0x77);
	r = parse(&b);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.e[0].data[0], 0x77);
	parsed_free(&r);
	free(b.p);
	/* good lists, then a bad one: nothing is returned */
	memset(&b, 0, sizeof(b));
	esl(&b, SHA256_GUID, 0, 48, 3, MS_OWNER, 0);
	esl(&b, X509_GUID, 0, 16 + 100, 1, MS_OWNER, 0);
	esl_raw(&b, SHA256_GUID, 28 + 48, 0, 47, 48);
	expect_bad(&b, "SignatureHeaderSize or SignatureSize");
	free(b.p);
	/* ... or trailing bytes that are no list */
	memset(&b, 0, sizeof(b));
	esl(&b, SHA256_GUID, 0, 48, 3, MS_OWNER, 0);
	b_fill(&b, 0, 5);
	expect_bad(&b, "header truncated");
	free(b.p);
}

static void test_esl_many_lists(void **state)
{
	struct buf b = { 0 };
	struct parsed r;
	size_t off = 0;

	UNIT_UNUSED(state);
	for (int i = 0; i < 1000; i++) {
		if (i % 10 == 9)
			esl(&b, X509_GUID, 0, 16 + 64 + (uint32_t)i % 7, 1, MS_OWNER, (uint8_t)i);
		else
			esl(&b, SHA256_GUID, 0, 48, 1 + (size_t)i % 3, MS_OWNER, (uint8_t)i);
	}
	r = parse(&b);
	{
		int want = 0;

		for (int i = 0; i < 1000; i++)
			want += i % 10 == 9 ? 1 : 1 + i % 3;
		assert_int_equal(r.n, want);
	}
	/* in order, each where its list put it */
	for (int i = 0, k = 0; i < 1000; i++) {
		size_t count = i % 10 == 9 ? 1 : 1 + (size_t)i % 3;
		size_t sig = i % 10 == 9 ? 16 + 64 + (size_t)i % 7 : 48;

		for (size_t j = 0; j < count; j++, k++) {
			assert_int_equal(r.e[k].type, i % 10 == 9 ? ESL_X509 : ESL_SHA256);
			assert_ptr_equal(r.e[k].data, r.copy + off + 28 + sig * j + 16);
			assert_int_equal(r.e[k].data[0], (uint8_t)(i + (int)j));
		}
		off += 28 + sig * count;
	}
	assert_int_equal(off, b.n);
	parsed_free(&r);
	free(b.p);
}

/* Prefixes: whole lists parse, a cut one is refused. */
static void test_esl_truncations(void **state)
{
	struct buf b = { 0 };
	size_t ends[3];

	UNIT_UNUSED(state);
	esl(&b, SHA256_GUID, 0, 48, 2, MS_OWNER, 0);
	ends[0] = b.n;
	esl(&b, X509_GUID, 8, 16 + 200, 1, MS_OWNER, 0);
	ends[1] = b.n;
	esl(&b, SHA256_GUID, 0, 48, 3, MS_OWNER, 0);
	ends[2] = b.n;
	for (size_t len = 0; len <= b.n; len++) {
		struct buf cut = b;
		int want = -1;

		cut.n = len;
		if (len == 0)
			want = 0;
		else if (len == ends[0])
			want = 2;
		else if (len == ends[1])
			want = 3;
		else if (len == ends[2])
			want = 6;
		if (count_of(&cut) != want)
			fail_msg("prefix of %zu: %d entries, expected %d", len, count_of(&cut), want);
	}
	free(b.p);
}

/* Random damage: any answer, but every entry inside the input. */
static void test_esl_fuzz(void **state)
{
	uint64_t seed = 0xe51;
	struct buf b = { 0 };

	UNIT_UNUSED(state);
	esl(&b, SHA256_GUID, 0, 48, 2, MS_OWNER, 0);
	esl(&b, X509_GUID, 8, 16 + 200, 1, MS_OWNER, 0);
	esl(&b, SHA256_GUID, 0, 48, 3, MS_OWNER, 0);
	for (int iter = 0; iter < 5000; iter++) {
		struct buf m = { 0 };
		struct parsed r;

		b_put(&m, b.p, b.n);
		for (int k = 1 + (int)(unit_rand(&seed) % 4); k > 0; k--) {
			size_t at = unit_rand(&seed) % m.n;
			uint64_t x = unit_rand(&seed);

			m.p[at] = (x & 0x300) == 0 ? 0 : (x & 0x300) == 0x100 ? 0xff : (uint8_t)(x >> 32);
		}
		if (iter % 5 == 0)
			m.n = unit_rand(&seed) % (m.n + 1);
		r = parse(&m);	/* checks the entries' bounds */
		parsed_free(&r);
		free(m.p);
	}
	free(b.p);
}

static bool under_valgrind(void)
{
	const char *pre = getenv("LD_PRELOAD");

	return pre && strstr(pre, "vgpreload");
}

/* The entry limit. Growing the array one entry at a time is quadratic where realloc copies. */
static void test_esl_entry_limit(void **state)
{
	struct buf b = { 0 };
	uint8_t g[16] = { 0x99 };

	UNIT_UNUSED(state);
#ifdef __SANITIZE_ADDRESS__
	fprintf(stderr, "NOTE: 100000-entry list skipped under ASan (quadratic realloc copying)\n");
	skip();
#endif
	if (under_valgrind()) {
		fprintf(stderr, "NOTE: 100000-entry list skipped under valgrind (quadratic realloc copying)\n");
		skip();
	}
	esl(&b, g, 0, 16, 100000, MS_OWNER, 0);
	assert_int_equal(count_of(&b), 100000);
	esl(&b, g, 0, 16, 1, MS_OWNER, 0);
	expect_bad(&b, "more than 100000");
	free(b.p);
}

/* ---- efivarfs through a root ---- */

#define EFIVARS "sys/firmware/efi/efivars"
#define MOKVARS "sys/firmware/efi/mok-variables"

struct fx {
	char root[64];
	char out[64];
	struct kd_root r;
};

static void rel_path(const struct fx *f, const char *rel, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", f->root, rel);
}

/* efivars/NAME-GUID with the attribute word and data. */
static void put_var(const struct fx *f, const char *name, const char *guid, uint32_t attrs,
		    const void *data, size_t n)
{
	char path[512];
	struct buf b = { 0 };

	b_u32(&b, attrs);
	b_put(&b, data, n);
	snprintf(path, sizeof(path), "%s/" EFIVARS "/%s-%s", f->root, name, guid);
	fx_write(path, b.p, b.n);
	free(b.p);
}

static void put_raw(const struct fx *f, const char *rel, const void *data, size_t n)
{
	char path[512];

	rel_path(f, rel, path, sizeof(path));
	fx_write(path, data, n);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char path[512];

	if (!f)
		return -1;
	strcpy(f->root, "/tmp/kd-efiroot-XXXXXX");
	strcpy(f->out, "/tmp/kd-efiout-XXXXXX");
	if (!mkdtemp(f->root) || !mkdtemp(f->out))
		return -1;
	rel_path(f, EFIVARS, path, sizeof(path));
	fx_mkdir_p(path);
	rel_path(f, MOKVARS, path, sizeof(path));
	fx_mkdir_p(path);
	if (root_init(&f->r, f->root, true) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	root_fini(&f->r);
	fx_rm_rf(f->root);
	fx_rm_rf(f->out);
	free(f);
	return 0;
}

static void expect_var_err(const struct fx *f, const char *name, const char *guid, int err)
{
	struct efivar v;
	int r;

	memset(&v, 0xa5, sizeof(v));
	r = efivar_read(&f->r, name, guid, &v);
	if (r != -err)
		fail_msg("%s-%s: %d, expected -%s", name, guid, r, strerror(err));
	assert_null(v.data);
	assert_int_equal(v.len, 0);
}

static void test_efivar_read(void **state)
{
	struct fx *f = *state;
	struct efivar v;
	char path[512], target[600];

	put_var(f, "SecureBoot", GUID_GLOBAL, 0x06, "\x01", 1);
	assert_int_equal(efivar_read(&f->r, "SecureBoot", GUID_GLOBAL, &v), 0);
	assert_int_equal(v.attrs, 6);
	assert_int_equal(v.len, 1);
	assert_int_equal(v.data[0], 1);
	free(v.data);

	/* the attribute word is little-endian; the data follows it whole */
	{
		uint8_t data[300];

		unit_fill_random(data, sizeof(data), 300);
		put_var(f, "db", GUID_SECURITY_DB, 0x80000027u, data, sizeof(data));
		assert_int_equal(efivar_read(&f->r, "db", GUID_SECURITY_DB, &v), 0);
		assert_int_equal(v.attrs, 0x80000027u);
		assert_int_equal(v.len, sizeof(data));
		assert_memory_equal(v.data, data, sizeof(data));
		free(v.data);
	}
	/* just the attribute word: empty data */
	put_var(f, "Empty", GUID_GLOBAL, 7, NULL, 0);
	assert_int_equal(efivar_read(&f->r, "Empty", GUID_GLOBAL, &v), 0);
	assert_int_equal(v.attrs, 7);
	assert_int_equal(v.len, 0);
	assert_non_null(v.data);
	free(v.data);

	/* shorter than the attribute word */
	put_raw(f, EFIVARS "/Short-" GUID_GLOBAL, "\x07\x00\x00", 3);
	expect_var_err(f, "Short", GUID_GLOBAL, EINVAL);
	put_raw(f, EFIVARS "/Zero-" GUID_GLOBAL, "", 0);
	expect_var_err(f, "Zero", GUID_GLOBAL, EINVAL);
	/* absent; present under another GUID */
	expect_var_err(f, "Missing", GUID_GLOBAL, ENOENT);
	expect_var_err(f, "SecureBoot", GUID_SHIM_LOCK, ENOENT);
	/* not a regular file: a directory, a FIFO (which must not block) */
	rel_path(f, EFIVARS "/Dir-" GUID_GLOBAL, path, sizeof(path));
	assert_int_equal(mkdir(path, 0755), 0);
	assert_true(efivar_read(&f->r, "Dir", GUID_GLOBAL, &v) < 0);
	assert_null(v.data);
	rel_path(f, EFIVARS "/Fifo-" GUID_GLOBAL, path, sizeof(path));
	assert_int_equal(mkfifo(path, 0644), 0);
	alarm(20);
	assert_true(efivar_read(&f->r, "Fifo", GUID_GLOBAL, &v) < 0);
	alarm(0);
	/* a symlink out of the root is resolved inside it */
	snprintf(target, sizeof(target), "%s/secret", f->out);
	fx_write(target, "\x07\x00\x00\x00OUTSIDE", 11);
	rel_path(f, EFIVARS "/Link-" GUID_GLOBAL, path, sizeof(path));
	assert_int_equal(symlink(target, path), 0);
	expect_var_err(f, "Link", GUID_GLOBAL, ENOENT);
	rel_path(f, EFIVARS "/Up-" GUID_GLOBAL, path, sizeof(path));
	snprintf(target, sizeof(target), "../../../../../../../..%s/secret", f->out);
	assert_int_equal(symlink(target, path), 0);
	expect_var_err(f, "Up", GUID_GLOBAL, ENOENT);
	/* ... and one inside the root is followed */
	rel_path(f, EFIVARS "/Alias-" GUID_GLOBAL, path, sizeof(path));
	assert_int_equal(symlink("SecureBoot-" GUID_GLOBAL, path), 0);
	assert_int_equal(efivar_read(&f->r, "Alias", GUID_GLOBAL, &v), 0);
	assert_int_equal(v.len, 1);
	free(v.data);
	/* larger than any variable store */
	rel_path(f, EFIVARS "/Huge-" GUID_GLOBAL, path, sizeof(path));
	{
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		assert_true(fd >= 0);
		assert_int_equal(ftruncate(fd, (4 << 20) + 1), 0);
		close(fd);
	}
	expect_var_err(f, "Huge", GUID_GLOBAL, EFBIG);
}

static void test_mok_list_read(void **state)
{
	struct fx *f = *state;
	struct buf list = { 0 };
	uint8_t *data;
	size_t len;
	char *src;
	char path[512];
	struct esl_entry *e;
	const char *reason;

	/* one ESL split across MokListRT and MokListRT1, as shim does for large lists */
	esl(&list, X509_GUID, 0, 16 + 900, 1, MS_OWNER, 0x30);
	put_var(f, "MokListRT", GUID_SHIM_LOCK, 6, list.p, 500);
	put_var(f, "MokListRT1", GUID_SHIM_LOCK, 6, list.p + 500, list.n - 500);
	put_var(f, "MokListRT3", GUID_SHIM_LOCK, 6, "gap", 3);	/* after a gap: not part of it */
	assert_int_equal(mok_list_read(&f->r, "MokListRT", &data, &len, &src), 0);
	assert_int_equal(len, list.n);
	assert_memory_equal(data, list.p, list.n);
	assert_string_equal(src, "/sys/firmware/efi/efivars/MokListRT-" GUID_SHIM_LOCK);
	assert_int_equal(esl_parse(data, len, &e, &reason), 1);
	assert_int_equal(e[0].type, ESL_X509);
	assert_int_equal(e[0].len, 900);
	free(e);
	free(data);
	free(src);

	/* the mok-variables table, when present, wins, and has no attribute word */
	put_raw(f, MOKVARS "/MokListRT", list.p, list.n);
	assert_int_equal(mok_list_read(&f->r, "MokListRT", &data, &len, &src), 0);
	assert_int_equal(len, list.n);
	assert_memory_equal(data, list.p, list.n);
	assert_string_equal(src, "/sys/firmware/efi/mok-variables/MokListRT");
	free(data);
	free(src);
	/* ... even empty */
	put_raw(f, MOKVARS "/MokListRT", "", 0);
	assert_int_equal(mok_list_read(&f->r, "MokListRT", &data, &len, &src), 0);
	assert_int_equal(len, 0);
	assert_string_equal(src, "/sys/firmware/efi/mok-variables/MokListRT");
	free(data);
	free(src);
	/* ... but not when it is no file */
	rel_path(f, MOKVARS "/MokListRT", path, sizeof(path));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(mok_list_read(&f->r, "MokListRT", &data, &len, &src), 0);
	assert_int_equal(len, list.n);
	assert_string_equal(src, "/sys/firmware/efi/efivars/MokListRT-" GUID_SHIM_LOCK);
	free(data);
	free(src);

	/* absent; only the second part; the first part broken */
	assert_int_equal(mok_list_read(&f->r, "MokListXRT", &data, &len, &src), -ENOENT);
	put_var(f, "MokListXRT1", GUID_SHIM_LOCK, 6, "x", 1);
	assert_int_equal(mok_list_read(&f->r, "MokListXRT", &data, &len, &src), -ENOENT);
	put_raw(f, EFIVARS "/MokListXRT-" GUID_SHIM_LOCK, "\x06\x00", 2);
	assert_int_equal(mok_list_read(&f->r, "MokListXRT", &data, &len, &src), -EINVAL);
	/* a broken later part ends the list */
	put_var(f, "MokListXRT", GUID_SHIM_LOCK, 6, "first", 5);
	put_raw(f, EFIVARS "/MokListXRT1-" GUID_SHIM_LOCK, "\x06", 1);
	put_var(f, "MokListXRT2", GUID_SHIM_LOCK, 6, "third", 5);
	assert_int_equal(mok_list_read(&f->r, "MokListXRT", &data, &len, &src), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(data, "first", 5);
	free(data);
	free(src);

	/* no end of parts: at most 64 are read */
	for (int i = 0; i < 80; i++) {
		char name[32];
		uint8_t c = (uint8_t)i;

		snprintf(name, sizeof(name), i ? "MokListTrusted%d" : "MokListTrusted", i);
		put_var(f, name, GUID_SHIM_LOCK, 6, &c, 1);
	}
	assert_int_equal(mok_list_read(&f->r, "MokListTrusted", &data, &len, &src), 0);
	assert_int_equal(len, 64);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(data[i], i);
	free(data);
	free(src);
	free(list.p);
}

/* ---- load options ---- */

static void b_utf16(struct buf *b, const char *s)
{
	for (; *s; s++)
		b_u16(b, (uint8_t)*s);
	b_u16(b, 0);
}

static void node(struct buf *b, uint8_t type, uint8_t sub, const void *data, size_t n)
{
	b_u8(b, type);
	b_u8(b, sub);
	b_u16(b, (uint16_t)(4 + n));
	b_put(b, data, n);
}

static void node_file(struct buf *b, const char *path)
{
	struct buf s = { 0 };

	b_utf16(&s, path);
	node(b, 4, 4, s.p, s.n);
	free(s.p);
}

static void node_hd(struct buf *b)
{
	uint8_t hd[38];

	unit_fill_random(hd, sizeof(hd), 0x4d);
	node(b, 4, 1, hd, sizeof(hd));
}

static void node_end(struct buf *b)
{
	node(b, 0x7f, 0xff, NULL, 0);
}

/* attrs, FilePathListLength, description (UTF-16 units incl. NUL), nodes, optional data */
static void load_option(struct buf *b, uint32_t attrs, const uint16_t *desc, size_t units,
			const struct buf *nodes, const void *opt, size_t optn)
{
	b_u32(b, attrs);
	b_u16(b, (uint16_t)nodes->n);
	for (size_t i = 0; i < units; i++)
		b_u16(b, desc[i]);
	b_put(b, nodes->p, nodes->n);
	b_put(b, opt, optn);
}

static void ascii16(uint16_t *out, const char *s)
{
	size_t i = 0;

	for (; s[i]; i++)
		out[i] = (uint8_t)s[i];
	out[i] = 0;
}

static int lo_parse(const struct buf *b, struct load_option *lo, const char **reason)
{
	uint8_t *copy = dup_exact(b->p, b->n);
	int r;

	*reason = NULL;
	memset(lo, 0x5a, sizeof(*lo));
	r = load_option_parse(copy, b->n, lo, reason);
	free(copy);	/* nothing may point into the input */
	if (r) {
		assert_int_equal(r, -1);
		assert_non_null(*reason);
		assert_null(lo->description);
		assert_null(lo->path);
	} else {
		assert_non_null(lo->description);
	}
	return r;
}

static void expect_lo_bad(const struct buf *b, const char *why)
{
	struct load_option lo;
	const char *reason;

	if (lo_parse(b, &lo, &reason) == 0) {
		load_option_free(&lo);
		fail_msg("accepted, expected \"%s\"", why);
	}
	if (!strstr(reason, why))
		fail_msg("rejected with \"%s\", expected \"%s\"", reason, why);
}

static void test_load_option(void **state)
{
	uint16_t desc[64];
	struct buf nodes = { 0 }, b = { 0 };
	struct load_option lo;
	const char *reason;

	UNIT_UNUSED(state);
	/* what efibootmgr writes for shim: HD(...)/File(\EFI\debian\shimx64.efi), end */
	ascii16(desc, "debian");
	node_hd(&nodes);
	node_file(&nodes, "\\EFI\\debian\\shimx64.efi");
	node_end(&nodes);
	load_option(&b, 1, desc, 7, &nodes, "\x01\x02\x03", 3);
	assert_int_equal(lo_parse(&b, &lo, &reason), 0);
	assert_int_equal(lo.attrs, 1);
	assert_string_equal(lo.description, "debian");
	assert_string_equal(lo.path, "\\EFI\\debian\\shimx64.efi");
	load_option_free(&lo);
	assert_null(lo.description);
	load_option_free(&lo);	/* twice is harmless */
	free(b.p);
	free(nodes.p);

	/* a path in two nodes is one path; a node after the end node is not read */
	memset(&nodes, 0, sizeof(nodes));
	memset(&b, 0, sizeof(b));
	ascii16(desc, "split");
	node_hd(&nodes);
	node_file(&nodes, "\\EFI");
	node(&nodes, 0x7f, 0x01, NULL, 0);	/* end of this instance: not the end */
	node_file(&nodes, "\\debian\\grubx64.efi");
	node_end(&nodes);
	node_file(&nodes, "\\EFI\\evil\\after-end.efi");
	load_option(&b, 0x0101, desc, 6, &nodes, NULL, 0);
	assert_int_equal(lo_parse(&b, &lo, &reason), 0);
	assert_int_equal(lo.attrs, 0x0101);
	assert_string_equal(lo.path, "\\EFI\\debian\\grubx64.efi");
	load_option_free(&lo);
	free(b.p);
	free(nodes.p);

	/* no file path at all: a PXE entry (MAC node), or an empty list */
	{
		uint8_t mac[33] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

		memset(&nodes, 0, sizeof(nodes));
		memset(&b, 0, sizeof(b));
		ascii16(desc, "UEFI PXEv4");
		node(&nodes, 3, 11, mac, sizeof(mac));
		node_end(&nodes);
		load_option(&b, 1, desc, 11, &nodes, NULL, 0);
		assert_int_equal(lo_parse(&b, &lo, &reason), 0);
		assert_string_equal(lo.description, "UEFI PXEv4");
		assert_null(lo.path);
		load_option_free(&lo);
		free(b.p);
		memset(&b, 0, sizeof(b));
		nodes.n = 0;
		load_option(&b, 0, desc, 11, &nodes, "opt", 3);
		assert_int_equal(lo_parse(&b, &lo, &reason), 0);
		assert_null(lo.path);
		load_option_free(&lo);
		free(b.p);
		free(nodes.p);
	}
	/* no end node, and trailing bytes too few for a node */
	memset(&nodes, 0, sizeof(nodes));
	memset(&b, 0, sizeof(b));
	node_file(&nodes, "\\a.efi");
	b_put(&nodes, "\x04\x04\x20", 3);
	load_option(&b, 1, desc, 11, &nodes, NULL, 0);
	assert_int_equal(lo_parse(&b, &lo, &reason), 0);
	assert_string_equal(lo.path, "\\a.efi");
	load_option_free(&lo);
	free(b.p);
	free(nodes.p);
	/* an empty description */
	memset(&nodes, 0, sizeof(nodes));
	memset(&b, 0, sizeof(b));
	node_end(&nodes);
	desc[0] = 0;
	load_option(&b, 1, desc, 1, &nodes, NULL, 0);
	assert_int_equal(lo_parse(&b, &lo, &reason), 0);
	assert_string_equal(lo.description, "");
	load_option_free(&lo);
	free(b.p);
	free(nodes.p);
}

static void test_load_option_hostile(void **state)
{
	uint16_t desc[16];
	struct buf nodes = { 0 }, b = { 0 };
	struct load_option lo;
	const char *reason;
	size_t fpl_at = 4, path_at;

	UNIT_UNUSED(state);
	ascii16(desc, "debian");
	node_file(&nodes, "\\EFI\\x.efi");
	node_end(&nodes);
	load_option(&b, 1, desc, 7, &nodes, NULL, 0);
	path_at = 6 + 14;
	/* too short for the fixed fields */
	for (size_t n = 0; n < 6; n++) {
		struct buf cut = b;

		cut.n = n;
		expect_lo_bad(&cut, "truncated");
	}
	/* FilePathListLength beyond the data; exactly the data is fine */
	put16(b.p, fpl_at, (uint16_t)(nodes.n + 1));
	expect_lo_bad(&b, "FilePathListLength");
	put16(b.p, fpl_at, 0xffff);
	expect_lo_bad(&b, "FilePathListLength");
	put16(b.p, fpl_at, (uint16_t)nodes.n);
	assert_int_equal(lo_parse(&b, &lo, &reason), 0);
	load_option_free(&lo);
	/* a node length below 4, or beyond the list */
	for (uint16_t l = 0; l < 4; l++) {
		put16(b.p, path_at + 2, l);
		expect_lo_bad(&b, "device path node length");
	}
	put16(b.p, path_at + 2, (uint16_t)(nodes.n + 1));
	expect_lo_bad(&b, "device path node length");
	put16(b.p, path_at + 2, 0xffff);
	expect_lo_bad(&b, "device path node length");
	/* the end node's length below 4 */
	put16(b.p, path_at + 2, (uint16_t)(nodes.n - 4));
	put16(b.p, path_at + nodes.n - 2, 2);
	expect_lo_bad(&b, "device path node length");
	put16(b.p, path_at + nodes.n - 2, 4);
	assert_int_equal(lo_parse(&b, &lo, &reason), 0);
	assert_string_equal(lo.path, "\\EFI\\x.efi");
	load_option_free(&lo);
	/* a file path node without its NUL is no path; an odd length is read to the NUL */
	put16(b.p, path_at + 2, (uint16_t)(nodes.n - 4 - 2));
	b.p[path_at + nodes.n - 4 - 2] = 0x7f;	/* the NUL's place holds the end node now */
	b.p[path_at + nodes.n - 4 - 1] = 0xff;
	put16(b.p, path_at + nodes.n - 4, 4);
	b.n -= 2;
	put16(b.p, fpl_at, (uint16_t)(nodes.n - 2));
	assert_int_equal(lo_parse(&b, &lo, &reason), 0);
	assert_null(lo.path);
	load_option_free(&lo);
	free(b.p);
	memset(&b, 0, sizeof(b));
	load_option(&b, 1, desc, 7, &nodes, NULL, 0);
	/* the NUL's second byte cut off: the next node is read from one byte early,
	 * 00 7f ff 04, a node of 0x04ff bytes */
	put16(b.p, path_at + 2, (uint16_t)(nodes.n - 4 - 1));
	expect_lo_bad(&b, "device path node length");
	free(b.p);

	/* a description without its NUL, running to the end */
	memset(&b, 0, sizeof(b));
	b_u32(&b, 1);
	b_u16(&b, 0);
	b_u16(&b, 'a');
	b_u16(&b, 'b');
	expect_lo_bad(&b, "description");
	b_u8(&b, 0);		/* half a NUL */
	expect_lo_bad(&b, "description");
	b_u8(&b, 0);
	assert_int_equal(lo_parse(&b, &lo, &reason), 0);
	assert_string_equal(lo.description, "ab");
	load_option_free(&lo);
	free(b.p);
	/* 4095 characters are a description, 4096 are not */
	for (int k = 4095; k <= 4096; k++) {
		memset(&b, 0, sizeof(b));
		b_u32(&b, 1);
		b_u16(&b, 0);
		for (int i = 0; i < k; i++)
			b_u16(&b, 'D');
		b_u16(&b, 0);
		if (k == 4095) {
			assert_int_equal(lo_parse(&b, &lo, &reason), 0);
			assert_int_equal(strlen(lo.description), 4095);
			load_option_free(&lo);
		} else {
			expect_lo_bad(&b, "description");
		}
		free(b.p);
	}

	/* every prefix: refused until the whole file path list is there */
	memset(&b, 0, sizeof(b));
	load_option(&b, 1, desc, 7, &nodes, "optional", 8);
	for (size_t n = 0; n <= b.n; n++) {
		struct buf cut = b;
		int r;

		cut.n = n;
		r = lo_parse(&cut, &lo, &reason);
		if ((r == 0) != (n >= path_at + nodes.n))
			fail_msg("prefix of %zu: %d", n, r);
		if (r == 0) {
			assert_string_equal(lo.path, "\\EFI\\x.efi");
			load_option_free(&lo);
		}
	}
	free(b.p);
	free(nodes.p);
}

/* UTF-16 to UTF-8: what is valid stays, what is not becomes U+FFFD, controls are kept. */
static void test_load_option_text(void **state)
{
	static const uint16_t desc[] = { 'A', 0xe9, 0x20ac, 0x1b, 0xd800, 'B', 0xdc00, 0xd83d, 0xde00,
					  0xffff, 0x7f, 0 };
	/* lone halves as U+FFFD, the pair D83D DE00 as U+1F600 */
	static const char want[] = "A\xc3\xa9\xe2\x82\xac\x1b\xef\xbf\xbd" "B\xef\xbf\xbd"
				   "\xf0\x9f\x98\x80\xef\xbf\xbf\x7f";
	uint16_t path[] = { '\\', 0xe9, 0xd800, 'x', 0 };
	struct buf nodes = { 0 }, b = { 0 };
	struct load_option lo;
	const char *reason;

	UNIT_UNUSED(state);
	{
		struct buf s = { 0 };

		for (size_t i = 0; i < ARRAY_SIZE(path); i++)
			b_u16(&s, path[i]);
		node(&nodes, 4, 4, s.p, s.n);
		free(s.p);
	}
	node_end(&nodes);
	load_option(&b, 1, desc, ARRAY_SIZE(desc), &nodes, NULL, 0);
	assert_int_equal(lo_parse(&b, &lo, &reason), 0);
	assert_string_equal(lo.description, want);
	assert_string_equal(lo.path, "\\\xc3\xa9\xef\xbf\xbdx");
	/* no UTF-8 encoding of a surrogate (CESU-8, ED A0..BF xx) */
	for (const char *s = lo.description; *s; s++)
		assert_false((uint8_t)s[0] == 0xed && ((uint8_t)s[1] & 0xe0) == 0xa0);
	load_option_free(&lo);
	free(b.p);
	free(nodes.p);
}

/* Random damage to a load option: any answer, nothing read out of bounds. */
static void test_load_option_fuzz(void **state)
{
	uint64_t seed = 0x10ad;
	uint16_t desc[16];
	struct buf nodes = { 0 }, b = { 0 };

	UNIT_UNUSED(state);
	ascii16(desc, "Windows");
	node_hd(&nodes);
	node_file(&nodes, "\\EFI\\Microsoft\\Boot\\bootmgfw.efi");
	node_end(&nodes);
	load_option(&b, 1, desc, 8, &nodes, "WINDOWS\0\x01\x00\x00\x00", 12);
	for (int iter = 0; iter < 5000; iter++) {
		struct buf m = { 0 };
		struct load_option lo;
		const char *reason;

		b_put(&m, b.p, b.n);
		for (int k = 1 + (int)(unit_rand(&seed) % 4); k > 0; k--) {
			size_t at = unit_rand(&seed) % m.n;
			uint64_t x = unit_rand(&seed);

			m.p[at] = (x & 0x300) == 0 ? 0 : (x & 0x300) == 0x100 ? (uint8_t)(x >> 40 & 7) :
										   (uint8_t)(x >> 32);
		}
		if (iter % 5 == 0)
			m.n = unit_rand(&seed) % (m.n + 1);
		if (lo_parse(&m, &lo, &reason) == 0)
			load_option_free(&lo);
		free(m.p);
	}
	free(b.p);
	free(nodes.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guid_text),
		cmocka_unit_test(test_esl_x509),
		cmocka_unit_test(test_esl_hashes),
		cmocka_unit_test(test_esl_guid_matching),
		cmocka_unit_test(test_esl_sizes),
		cmocka_unit_test(test_esl_many_lists),
		cmocka_unit_test(test_esl_truncations),
		cmocka_unit_test(test_esl_fuzz),
		cmocka_unit_test(test_esl_entry_limit),
		cmocka_unit_test_setup_teardown(test_efivar_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mok_list_read, setup, teardown),
		cmocka_unit_test(test_load_option),
		cmocka_unit_test(test_load_option_hostile),
		cmocka_unit_test(test_load_option_text),
		cmocka_unit_test(test_load_option_fuzz),
	};

	return cmocka_run_group_tests_name("efivars", tests, NULL, NULL);
}
