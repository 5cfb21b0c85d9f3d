// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_catalog.c - Windows catalog parsing (catalog_check): catalogs built here
 * in DER, unsigned (signatures are tested end to end with osslsigncode-signed
 * catalogs), and hostile ones: truncated at every length, mutated at random,
 * members with attributes of the wrong shape.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/catalog.h"
#include "core/util.h"

#include "derfix.h"

/* An element with tag around what in holds. */
static struct der wrap(uint8_t tag, const struct der *in)
{
	struct der out = { 0 };

	der_tlv(&out, tag, in->p, in->n);
	return out;
}

static void add(struct der *d, const struct der *e)
{
	der_raw(d, e->p, e->n);
}

static const uint8_t oid_indirect[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37,
					0x02, 0x01, 0x04 };
static const uint8_t oid_ctl[] = { 0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0a, 0x01 };

static const uint8_t sha256_digest[32] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 9 };
static const uint8_t sha1_digest[20] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 1, 2, 3 };
static const uint8_t other_digest[32] = { 0x99 };

/* CAT_NAMEVALUE "File" = name, as makecat writes it (the value's shape does not matter here) */
static void name_attr(struct der *attrs)
{
	static const uint8_t oid[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37,
				       0x0c, 0x02, 0x01 };
	struct der nv = { 0 }, attr = { 0 }, set;

	der_tlv(&nv, 0x1e, "\0F\0i\0l\0e", 8);
	der_tlv(&nv, 0x02, "\x10\x01\x00\x01", 4);
	der_tlv(&nv, 0x04, "d\0.\0s\0y\0s\0", 10);
	set = wrap(0x30, &nv);
	set = wrap(0x31, &set);
	der_raw(&attr, oid, sizeof(oid));
	add(&attr, &set);
	set = wrap(0x30, &attr);
	add(attrs, &set);
}

/* A member: tag and its attributes (the SET's contents). */
static void member(struct der *subjects, const char *tag, const struct der *attrs)
{
	struct der m = { 0 }, e;

	der_tlv(&m, 0x04, tag, strlen(tag));
	der_tlv(&m, 0x31, attrs->p, attrs->n);
	e = wrap(0x30, &m);
	add(subjects, &e);
}

/* An attribute of type SPC_INDIRECT_DATA whose one value is value. */
static void indirect_attr(struct der *attrs, const struct der *value)
{
	struct der attr = { 0 }, e;

	der_raw(&attr, oid_indirect, sizeof(oid_indirect));
	der_tlv(&attr, 0x31, value->p, value->n);
	e = wrap(0x30, &attr);
	add(attrs, &e);
}

static void digest_member(struct der *subjects, const char *tag, const uint8_t *oid, size_t oid_len,
			  const uint8_t *d, size_t n)
{
	struct der attrs = { 0 }, spc = spc_content(oid, oid_len, d, n);

	name_attr(&attrs);
	indirect_attr(&attrs, &spc);
	member(subjects, tag, &attrs);
}

/* CertificateTrustList; subjects NULL: none */
static struct der ctl(const struct der *subjects)
{
	static const uint8_t usage[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37,
					 0x0c, 0x01, 0x01 };
	static const uint8_t member_alg[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37,
					      0x0c, 0x01, 0x02, 0x05, 0x00 };
	struct der body = { 0 };

	der_tlv(&body, 0x30, usage, sizeof(usage));
	der_tlv(&body, 0x04, "0123456789abcdef", 16);
	der_tlv(&body, 0x17, "261128020000Z", 13);
	der_tlv(&body, 0x30, member_alg, sizeof(member_alg));
	if (subjects)
		der_tlv(&body, 0x30, subjects->p, subjects->n);
	return wrap(0x30, &body);
}

/* An unsigned PKCS#7 SignedData (no signer infos) carrying content of type oid. */
static struct der signed_data(const uint8_t *oid, size_t oid_len, const struct der *content)
{
	static const uint8_t signed_oid[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
					      0x07, 0x02 };
	struct der ci = { 0 }, sd = { 0 }, outer = { 0 }, e;

	der_raw(&ci, oid, oid_len);
	der_tlv(&ci, 0xa0, content->p, content->n);
	der_tlv(&sd, 0x02, "\x01", 1);
	der_tlv(&sd, 0x31, "", 0);
	e = wrap(0x30, &ci);
	add(&sd, &e);
	der_tlv(&sd, 0x31, "", 0);
	der_raw(&outer, signed_oid, sizeof(signed_oid));
	e = wrap(0x30, &sd);
	der_tlv(&outer, 0xa0, e.p, e.n);
	return wrap(0x30, &outer);
}

static struct der catalog(const struct der *subjects)
{
	struct der c = ctl(subjects);

	return signed_data(oid_ctl, sizeof(oid_ctl), &c);
}

/* The three members of the ordinary catalog: sha256, a bad one, sha1. */
static struct der ordinary(void)
{
	struct der subjects = { 0 }, bad = { 0 }, integer = { 0 };

	digest_member(&subjects, "S256", OID_SHA256, sizeof(OID_SHA256), sha256_digest, 32);
	der_tlv(&integer, 0x02, "\x05", 1);
	indirect_attr(&bad, &integer);
	member(&subjects, "BAD", &bad);
	digest_member(&subjects, "S1", OID_SHA1, sizeof(OID_SHA1), sha1_digest, 20);
	return catalog(&subjects);
}

static void wants_init(struct cat_want w[3])
{
	memset(w, 0, 3 * sizeof(*w));
	w[0].algo = "sha256";
	memcpy(w[0].digest, sha256_digest, 32);
	w[0].len = 32;
	w[1].algo = "sha1";
	memcpy(w[1].digest, sha1_digest, 20);
	w[1].len = 20;
	w[2].algo = "sha256";
	memcpy(w[2].digest, other_digest, 32);
	w[2].len = 32;
}

static void test_members_matched(void **state)
{
	struct der c = ordinary();
	struct cat_want w[3];
	bool matched[3] = { false };
	struct cat_result r;
	char *err;

	UNIT_UNUSED(state);
	wants_init(w);
	assert_int_equal(catalog_check(c.p, c.n, w, 3, matched, &r, &err), 0);
	assert_null(err);
	assert_int_equal(r.members, 3);
	assert_int_equal(r.matches, 2);
	assert_true(matched[0]);
	assert_true(matched[1]);
	assert_false(matched[2]);
	/* a match makes us check the signature: there is no signer here */
	assert_false(r.sig.sig_ok);
	assert_non_null(r.sig.error);
	cat_result_free(&r);

	/* a digest of the right algorithm but another length is not a match */
	w[0].len = 31;
	memset(matched, 0, sizeof(matched));
	assert_int_equal(catalog_check(c.p, c.n, w, 1, matched, &r, &err), 0);
	assert_int_equal(r.matches, 0);
	assert_false(matched[0]);
	cat_result_free(&r);
}

static void test_no_match_no_signature_check(void **state)
{
	struct der c = ordinary();
	struct cat_want w[3];
	bool matched[1] = { false };
	struct cat_result r;
	char *err;

	UNIT_UNUSED(state);
	wants_init(w);
	assert_int_equal(catalog_check(c.p, c.n, &w[2], 1, matched, &r, &err), 0);
	assert_int_equal(r.members, 3);
	assert_int_equal(r.matches, 0);
	assert_null(r.sig.error);
	assert_null(r.sig.signer);
	assert_int_equal(r.sig.ncerts, 0);
	cat_result_free(&r);
	/* nothing wanted at all */
	assert_int_equal(catalog_check(c.p, c.n, NULL, 0, NULL, &r, &err), 0);
	assert_int_equal(r.members, 3);
	cat_result_free(&r);
}

static void test_not_catalogs(void **state)
{
	static const uint8_t oid_data[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
					    0x07, 0x01 };
	struct der data = { 0 }, x = { 0 }, seq = { 0 }, inner = { 0 };
	struct der c, none = catalog(NULL), notseq, shortctl;
	struct cat_result r;
	bool matched[3];
	struct cat_want w[3];
	char *err;

	UNIT_UNUSED(state);
	der_tlv(&data, 0x04, "data", 4);
	c = signed_data(oid_data, sizeof(oid_data), &data);
	der_tlv(&x, 0x04, "x", 1);
	notseq = signed_data(oid_ctl, sizeof(oid_ctl), &x);
	der_tlv(&inner, 0x30, "", 0);
	seq = wrap(0x30, &inner);
	shortctl = signed_data(oid_ctl, sizeof(oid_ctl), &seq);
	wants_init(w);
	assert_int_equal(catalog_check(c.p, c.n, w, 3, matched, &r, &err), -1);
	assert_string_equal(err, "content is not a certificate trust list");
	free(err);
	assert_int_equal(catalog_check(notseq.p, notseq.n, w, 3, matched, &r, &err), -1);
	free(err);
	assert_int_equal(catalog_check(shortctl.p, shortctl.n, w, 3, matched, &r, &err), -1);
	assert_string_equal(err, "certificate trust list unparseable");
	free(err);
	assert_int_equal(catalog_check((const uint8_t *)"MZ\x90\x00", 4, w, 3, matched, &r, &err), -1);
	assert_non_null(err);
	free(err);
	assert_int_equal(catalog_check(NULL, 0, w, 3, matched, &r, &err), -1);
	free(err);
	/* a catalog without members is a catalog */
	assert_int_equal(catalog_check(none.p, none.n, w, 3, matched, &r, &err), 0);
	assert_int_equal(r.members, 0);
	cat_result_free(&r);
}

/* Every prefix of a catalog, and random corruptions of it: no crash, no match made up. */
static void test_hostile(void **state)
{
	struct der c = ordinary();
	struct cat_want w[3];
	uint64_t seed = 7;

	UNIT_UNUSED(state);
	wants_init(w);
	for (size_t len = 0; len < c.n; len++) {
		uint8_t *copy = xmalloc(len ? len : 1);
		bool matched[3] = { false };
		struct cat_result r;
		char *err;

		memcpy(copy, c.p, len);
		if (catalog_check(copy, len, w, 3, matched, &r, &err) == 0)
			cat_result_free(&r);
		assert_false(matched[2]);
		free(err);
		free(copy);
	}
	for (int i = 0; i < 3000; i++) {
		uint8_t *copy = xmalloc(c.n);
		bool matched[3] = { false };
		struct cat_result r;
		char *err;

		memcpy(copy, c.p, c.n);
		for (int k = 0; k < 1 + (int)(unit_rand(&seed) % 4); k++)
			copy[unit_rand(&seed) % c.n] = (uint8_t)unit_rand(&seed);
		if (catalog_check(copy, c.n, w, 3, matched, &r, &err) == 0) {
			assert_true(r.matches <= 2);
			cat_result_free(&r);
		}
		assert_false(matched[2]);
		free(err);
		free(copy);
	}
}

/* NameValue { BMPString name, INTEGER flags, OCTET STRING UTF-16LE value + NUL } */
static struct der namevalue(const char *name, const char *value)
{
	struct der nv = { 0 }, bmp = { 0 }, le = { 0 };

	for (const char *c = name; *c; c++) {
		uint8_t be[2] = { 0, (uint8_t)*c };

		der_raw(&bmp, be, 2);
	}
	for (const char *c = value;; c++) {
		uint8_t u[2] = { (uint8_t)*c, 0 };

		der_raw(&le, u, 2);
		if (!*c)
			break;
	}
	der_tlv(&nv, 0x1e, bmp.p, bmp.n);
	der_tlv(&nv, 0x02, "\x10\x01\x00\x01", 4);
	der_tlv(&nv, 0x04, le.p, le.n);
	return wrap(0x30, &nv);
}

static const uint8_t oid_namevalue[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37,
					 0x0c, 0x02, 0x01 };

/* A member whose tag is text in UTF-16LE (with its NUL), with an OSAttr of its own when os. */
static void tagged_member(struct der *subjects, const char *tag, const uint8_t *d, const char *os)
{
	struct der attrs = { 0 }, spc = spc_content(OID_SHA256, sizeof(OID_SHA256), d, 32);
	struct der m = { 0 }, t = { 0 }, e;

	name_attr(&attrs);
	indirect_attr(&attrs, &spc);
	if (os) {
		struct der attr = { 0 }, nv = namevalue("OSAttr", os), set = wrap(0x31, &nv);

		der_raw(&attr, oid_namevalue, sizeof(oid_namevalue));
		add(&attr, &set);
		e = wrap(0x30, &attr);
		add(&attrs, &e);
	}
	for (const char *c = tag;; c++) {
		uint8_t u[2] = { (uint8_t)*c, 0 };

		der_raw(&t, u, 2);
		if (!*c)
			break;
	}
	der_tlv(&m, 0x04, t.p, t.n);
	der_tlv(&m, 0x31, attrs.p, attrs.n);
	e = wrap(0x30, &m);
	add(subjects, &e);
}

/* A catalog with extensions [0] holding the catalog's own OSAttr (an Extension without critical). */
static struct der catalog_os(const struct der *subjects, const char *os)
{
	static const uint8_t usage[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37,
					 0x0c, 0x01, 0x01 };
	static const uint8_t member_alg[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37,
					      0x0c, 0x01, 0x03, 0x05, 0x00 };
	struct der body = { 0 }, ext = { 0 }, exts, nv = namevalue("OSAttr", os), e, list;

	der_tlv(&body, 0x30, usage, sizeof(usage));
	der_tlv(&body, 0x04, "0123456789abcdef", 16);
	der_tlv(&body, 0x17, "261128020000Z", 13);
	der_tlv(&body, 0x30, member_alg, sizeof(member_alg));
	der_tlv(&body, 0x30, subjects->p, subjects->n);
	der_raw(&ext, oid_namevalue, sizeof(oid_namevalue));
	der_tlv(&ext, 0x04, nv.p, nv.n);
	e = wrap(0x30, &ext);
	list = wrap(0x30, &e);
	exts = wrap(0xa0, &list);
	add(&body, &exts);
	e = wrap(0x30, &body);
	return signed_data(oid_ctl, sizeof(oid_ctl), &e);
}

static void test_tags_and_osattr(void **state)
{
	struct der subjects = { 0 }, c;
	struct cat_want w[3];
	bool matched[3] = { false };
	struct cat_result r;
	char *good = hex_encode(sha256_digest, 32, 0), *err;
	char other[65];
	char key_other[65];

	UNIT_UNUSED(state);
	wants_init(w);
	for (size_t i = 0; i < strlen(good); i++)	/* makecat writes upper case */
		good[i] = (char)(good[i] >= 'a' && good[i] <= 'f' ? good[i] - 32 : good[i]);
	tagged_member(&subjects, good, sha256_digest, "2:6.3");
	memset(other, 'A', 64);
	other[64] = '\0';
	tagged_member(&subjects, other, other_digest, NULL);
	c = catalog_os(&subjects, "2:6.1,2:10.0");
	assert_int_equal(catalog_check(c.p, c.n, w, 3, matched, &r, &err), 0);
	assert_int_equal(r.members, 2);
	assert_true(matched[0]);
	assert_true(matched[2]);
	assert_string_equal(r.osattr, "2:6.1,2:10.0");
	/* the member's own OSAttr, keyed by its digest */
	free(good);
	good = hex_encode(sha256_digest, 32, 0);
	assert_string_equal(kv_get(&r.member_osattr, good), "2:6.3");
	/* the good tag is no bad tag; the hex tag naming another digest is */
	assert_null(kv_get(&r.bad_tags, good));
	{
		char *h = hex_encode(other_digest, 32, 0);

		snprintf(key_other, sizeof(key_other), "%s", h);
		free(h);
	}
	assert_string_equal(kv_get(&r.bad_tags, key_other), other);
	assert_int_equal(r.bad_tags.n, 1);
	cat_result_free(&r);
	free(good);

	/* every prefix: no crash */
	for (size_t len = 0; len < c.n; len++) {
		bool m[3] = { false };

		if (catalog_check(c.p, len, w, 3, m, &r, &err) == 0)
			cat_result_free(&r);
		free(err);
	}
}

static void test_osattr_covers(void **state)
{
	UNIT_UNUSED(state);
	assert_true(cat_osattr_covers("2:6.1,2:10.0", 10, 0));
	assert_true(cat_osattr_covers("2:6.1,2:10.0", 6, 1));
	assert_false(cat_osattr_covers("2:6.1,2:10.0", 6, 3));
	assert_true(cat_osattr_covers("2:5.2,2:6.0,2:6.1", 6, 0));
	assert_true(cat_osattr_covers(" 2:10.0 , 2:6.3", 6, 3));
	assert_true(cat_osattr_covers("2:10.0,", 10, 0));
	/* platform 1 (Windows 9x) names no NT version */
	assert_false(cat_osattr_covers("1:4.10", 4, 10));
	/* malformed: nothing is trusted */
	assert_false(cat_osattr_covers("2:10.0,garbage", 10, 0));
	assert_false(cat_osattr_covers("2:10", 10, 0));
	assert_false(cat_osattr_covers("2:10.0.1", 10, 0));
	assert_false(cat_osattr_covers("2:1000000.0", 1000000, 0));
	assert_false(cat_osattr_covers("", 10, 0));
	assert_false(cat_osattr_covers(NULL, 10, 0));
	assert_false(cat_osattr_covers(":.", 0, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members_matched),
		cmocka_unit_test(test_no_match_no_signature_check),
		cmocka_unit_test(test_not_catalogs),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_tags_and_osattr),
		cmocka_unit_test(test_osattr_covers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
