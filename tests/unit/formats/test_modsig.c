// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_modsig.c - the module signature trailer, read from the end:
 *   [body][PKCS#7][u8 algo, hash, id_type, signer_len, key_id_len, pad[3]; be32 sig_len][magic]
 * with the kernel's mod_check_sig() rules.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "formats/modsig.h"

struct sig_fields {
	uint8_t algo, hash, id_type, signer_len, key_id_len, pad[3];
	uint32_t sig_len;
};

static const struct sig_fields pkcs7_fields = { .id_type = PKEY_ID_PKCS7 };

/* body_len bytes of 'B', sig_bytes bytes of 'S', the 12-byte info, the magic. */
static uint8_t *build(size_t body_len, size_t sig_bytes, const struct sig_fields *f, size_t *n)
{
	size_t len = body_len + sig_bytes + MODSIG_INFO_LEN + MODSIG_MAGIC_LEN;
	uint8_t *p = malloc(len), *q;

	assert_non_null(p);
	memset(p, 'B', body_len);
	memset(p + body_len, 'S', sig_bytes);
	q = p + body_len + sig_bytes;
	q[0] = f->algo;
	q[1] = f->hash;
	q[2] = f->id_type;
	q[3] = f->signer_len;
	q[4] = f->key_id_len;
	memcpy(q + 5, f->pad, 3);
	q[8] = (uint8_t)(f->sig_len >> 24);
	q[9] = (uint8_t)(f->sig_len >> 16);
	q[10] = (uint8_t)(f->sig_len >> 8);
	q[11] = (uint8_t)f->sig_len;
	memcpy(q + MODSIG_INFO_LEN, MODSIG_MAGIC, MODSIG_MAGIC_LEN);
	*n = len;
	return p;
}

static enum modsig_result parse_fields(size_t body_len, size_t sig_bytes, const struct sig_fields *f,
				       struct modsig *ms, const char **reason)
{
	size_t n;
	uint8_t *p = build(body_len, sig_bytes, f, &n);
	enum modsig_result r;

	*reason = NULL;
	r = modsig_parse(p, n, ms, reason);
	free(p);
	return r;
}

static void test_magic_constants(void **state)
{
	UNIT_UNUSED(state);
	assert_int_equal(MODSIG_MAGIC_LEN, 28);
	assert_int_equal(MODSIG_INFO_LEN, 12);
	assert_int_equal(PKEY_ID_PKCS7, 2);
}

static void test_valid(void **state)
{
	struct sig_fields f = pkcs7_fields;
	struct modsig ms;
	const char *reason = NULL;
	size_t n;
	uint8_t *p;

	UNIT_UNUSED(state);
	f.sig_len = 300;
	p = build(1000, 300, &f, &n);
	assert_int_equal(modsig_parse(p, n, &ms, &reason), MODSIG_SIGNED);
	assert_int_equal(ms.body_len, 1000);
	assert_ptr_equal(ms.pkcs7, p + 1000);
	assert_int_equal(ms.pkcs7_len, 300);
	assert_int_equal(ms.id_type, PKEY_ID_PKCS7);
	assert_int_equal(ms.pkcs7[0], 'S');
	assert_int_equal(ms.pkcs7[299], 'S');
	free(p);
}

/* sig_len is big-endian: 0x00000100 is 256, not 65536 or 1. */
static void test_sig_len_big_endian(void **state)
{
	struct sig_fields f = pkcs7_fields;
	struct modsig ms;
	const char *reason;

	UNIT_UNUSED(state);
	f.sig_len = 0x0100;
	assert_int_equal(parse_fields(70000, 256, &f, &ms, &reason), MODSIG_SIGNED);
	assert_int_equal(ms.pkcs7_len, 256);
	assert_int_equal(ms.body_len, 70000);

	f.sig_len = 0x010203;
	assert_int_equal(parse_fields(100, 0x010203, &f, &ms, &reason), MODSIG_SIGNED);
	assert_int_equal(ms.pkcs7_len, 0x010203);
	assert_int_equal(ms.body_len, 100);
}

static void test_unsigned(void **state)
{
	static const char plain[] = "\x7f" "ELF just a module without a signature";
	struct modsig ms;
	const char *reason = NULL;
	uint8_t empty[1] = { 0 };

	UNIT_UNUSED(state);
	memset(&ms, 0xa5, sizeof(ms));
	assert_int_equal(modsig_parse((const uint8_t *)plain, sizeof(plain) - 1, &ms, &reason),
			 MODSIG_UNSIGNED);
	assert_int_equal(ms.body_len, sizeof(plain) - 1);
	assert_null(ms.pkcs7);
	assert_int_equal(ms.pkcs7_len, 0);

	assert_int_equal(modsig_parse(empty, 0, &ms, &reason), MODSIG_UNSIGNED);
	assert_int_equal(ms.body_len, 0);

	/* shorter than the magic, ending in a prefix of it */
	assert_int_equal(modsig_parse((const uint8_t *)"~Module", 7, &ms, &reason), MODSIG_UNSIGNED);
	assert_int_equal(ms.body_len, 7);
}

static void test_magic_damaged(void **state)
{
	struct sig_fields f = pkcs7_fields;
	struct modsig ms;
	const char *reason = NULL;
	size_t n;
	uint8_t *p;

	UNIT_UNUSED(state);
	f.sig_len = 10;
	p = build(100, 10, &f, &n);
	/* each byte of the magic matters */
	for (size_t i = n - MODSIG_MAGIC_LEN; i < n; i++) {
		p[i] ^= 0x20;
		assert_int_equal(modsig_parse(p, n, &ms, &reason), MODSIG_UNSIGNED);
		assert_int_equal(ms.body_len, n);
		p[i] ^= 0x20;
	}
	assert_int_equal(modsig_parse(p, n, &ms, &reason), MODSIG_SIGNED);
	/* the magic must be at the very end: one trailing byte makes it unsigned */
	p = realloc(p, n + 1);
	assert_non_null(p);
	p[n] = '\n';
	assert_int_equal(modsig_parse(p, n + 1, &ms, &reason), MODSIG_UNSIGNED);
	assert_int_equal(ms.body_len, n + 1);
	/* and without its newline it is not the magic */
	assert_int_equal(modsig_parse(p, n - 1, &ms, &reason), MODSIG_UNSIGNED);
	free(p);
}

/* Magic present but no room for the 12-byte struct module_signature. */
static void test_trailer_truncated(void **state)
{
	struct modsig ms;
	const char *reason;
	uint8_t buf[MODSIG_MAGIC_LEN + MODSIG_INFO_LEN];

	UNIT_UNUSED(state);
	for (size_t extra = 0; extra < MODSIG_INFO_LEN; extra++) {
		memset(buf, 0, sizeof(buf));
		if (extra >= 10)
			buf[extra - 10] = PKEY_ID_PKCS7;
		memcpy(buf + extra, MODSIG_MAGIC, MODSIG_MAGIC_LEN);
		reason = NULL;
		assert_int_equal(modsig_parse(buf, extra + MODSIG_MAGIC_LEN, &ms, &reason),
				 MODSIG_MALFORMED);
		assert_non_null(reason);
		assert_null(ms.pkcs7);
	}
}

/* Exactly magic + info and nothing else: sig_len can never fit. */
static void test_info_only(void **state)
{
	struct sig_fields f = pkcs7_fields;
	struct modsig ms;
	const char *reason;

	UNIT_UNUSED(state);
	for (uint32_t s = 0; s < 3; s++) {
		f.sig_len = s;
		assert_int_equal(parse_fields(0, 0, &f, &ms, &reason), MODSIG_MALFORMED);
		assert_non_null(reason);
	}
}

static void test_sig_len_zero(void **state)
{
	struct sig_fields f = pkcs7_fields;
	struct modsig ms;
	const char *reason;

	UNIT_UNUSED(state);
	f.sig_len = 0;
	assert_int_equal(parse_fields(500, 0, &f, &ms, &reason), MODSIG_MALFORMED);
	assert_non_null(reason);
	assert_null(ms.pkcs7);
}

static void test_sig_len_huge(void **state)
{
	static const uint32_t bad[] = { 0xffffffffu, 0x80000000u, 0x7fffffffu, 1u << 20, 611, 610 };
	struct sig_fields f = pkcs7_fields;
	struct modsig ms;
	const char *reason;

	UNIT_UNUSED(state);
	/* 500 body + 110 sig = 610 bytes before the info: sig_len 610 leaves no body */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f.sig_len = bad[i];
		reason = NULL;
		assert_int_equal(parse_fields(500, 110, &f, &ms, &reason), MODSIG_MALFORMED);
		assert_non_null(reason);
		assert_null(ms.pkcs7);
		assert_int_equal(ms.pkcs7_len, 0);
	}
}

/* The kernel rejects sig_len >= modlen - 12, i.e. at least one body byte must remain. */
static void test_sig_len_exact_boundary(void **state)
{
	struct sig_fields f = pkcs7_fields;
	struct modsig ms;
	const char *reason;

	UNIT_UNUSED(state);
	f.sig_len = 99;	/* 1 body byte + 99 = 100 bytes before the info */
	assert_int_equal(parse_fields(1, 99, &f, &ms, &reason), MODSIG_SIGNED);
	assert_int_equal(ms.body_len, 1);
	assert_int_equal(ms.pkcs7_len, 99);

	f.sig_len = 100;
	assert_int_equal(parse_fields(0, 100, &f, &ms, &reason), MODSIG_MALFORMED);

	f.sig_len = 1;	/* the smallest: 1 body byte, 1 signature byte */
	assert_int_equal(parse_fields(1, 1, &f, &ms, &reason), MODSIG_SIGNED);
	assert_int_equal(ms.body_len, 1);
	assert_int_equal(ms.pkcs7_len, 1);

	/* a short sig_len in a long file just moves the body/signature split */
	f.sig_len = 10;
	assert_int_equal(parse_fields(1, 99, &f, &ms, &reason), MODSIG_SIGNED);
	assert_int_equal(ms.body_len, 90);
	assert_int_equal(ms.pkcs7_len, 10);
}

static void test_id_types(void **state)
{
	struct sig_fields f = pkcs7_fields;
	struct modsig ms;
	const char *reason;

	UNIT_UNUSED(state);
	for (unsigned id = 0; id < 256; id++) {
		f.id_type = (uint8_t)id;
		f.sig_len = 50;
		reason = NULL;
		if (id == PKEY_ID_PKCS7) {
			assert_int_equal(parse_fields(100, 50, &f, &ms, &reason), MODSIG_SIGNED);
			continue;
		}
		assert_int_equal(parse_fields(100, 50, &f, &ms, &reason), MODSIG_MALFORMED);
		assert_non_null(reason);
		assert_int_equal(ms.id_type, id);
		assert_null(ms.pkcs7);
	}
	/* legacy PGP (0) and X.509 (1) are told apart from unknown types */
	f.id_type = 0;
	parse_fields(100, 50, &f, &ms, &reason);
	assert_non_null(strstr(reason, "legacy"));
	f.id_type = 1;
	parse_fields(100, 50, &f, &ms, &reason);
	assert_non_null(strstr(reason, "legacy"));
	f.id_type = 3;
	parse_fields(100, 50, &f, &ms, &reason);
	assert_null(strstr(reason, "legacy"));
	assert_non_null(strstr(reason, "unknown"));
}

/* Every field that PKCS#7 signatures leave zero is checked, one at a time. */
static void test_nonzero_fields(void **state)
{
	struct modsig ms;
	const char *reason;

	UNIT_UNUSED(state);
	for (int field = 0; field < 7; field++) {
		for (unsigned v = 1; v < 256; v += 127) {
			struct sig_fields f = pkcs7_fields;

			f.sig_len = 40;
			switch (field) {
			case 0: f.algo = (uint8_t)v; break;
			case 1: f.hash = (uint8_t)v; break;
			case 2: f.signer_len = (uint8_t)v; break;
			case 3: f.key_id_len = (uint8_t)v; break;
			default: f.pad[field - 4] = (uint8_t)v; break;
			}
			reason = NULL;
			assert_int_equal(parse_fields(100, 40, &f, &ms, &reason), MODSIG_MALFORMED);
			assert_non_null(reason);
			assert_null(ms.pkcs7);
		}
	}
}

/* Any tail of a signed module parses without reading outside it. */
static void test_all_suffixes(void **state)
{
	struct sig_fields f = pkcs7_fields;
	struct modsig ms;
	const char *reason;
	size_t n;
	uint8_t *p;

	UNIT_UNUSED(state);
	f.sig_len = 64;
	p = build(64, 64, &f, &n);
	for (size_t start = 0; start <= n; start++) {
		size_t len = n - start;
		uint8_t *copy = malloc(len ? len : 1);	/* exact size: valgrind/ASan see overreads */
		enum modsig_result r;

		assert_non_null(copy);
		memcpy(copy, p + start, len);
		r = modsig_parse(copy, len, &ms, &reason);
		if (start < 64) {
			assert_int_equal(r, MODSIG_SIGNED);
			assert_int_equal(ms.body_len, 64 - start);
		} else if (len >= MODSIG_MAGIC_LEN) {
			assert_int_equal(r, MODSIG_MALFORMED);
		} else {
			assert_int_equal(r, MODSIG_UNSIGNED);
		}
		if (r == MODSIG_SIGNED)
			assert_true(ms.pkcs7 >= copy && ms.pkcs7 + ms.pkcs7_len <= copy + len);
		free(copy);
	}
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_magic_constants),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_sig_len_big_endian),
		cmocka_unit_test(test_unsigned),
		cmocka_unit_test(test_magic_damaged),
		cmocka_unit_test(test_trailer_truncated),
		cmocka_unit_test(test_info_only),
		cmocka_unit_test(test_sig_len_zero),
		cmocka_unit_test(test_sig_len_huge),
		cmocka_unit_test(test_sig_len_exact_boundary),
		cmocka_unit_test(test_id_types),
		cmocka_unit_test(test_nonzero_fields),
		cmocka_unit_test(test_all_suffixes),
	};

	return cmocka_run_group_tests_name("modsig", tests, NULL, NULL);
}
