// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_catalog.c - Windows catalog parsing (catalog_check): catalogs built here
 * in DER, unsigned (signatures are tested end to end with osslsigncode-signed
 * catalogs), and hostile ones: truncated at every length, mutated at random,
 * members with attributes of the wrong shape.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "util.h"

struct blob {
	uint8_t *p;
	size_t n;
};

static struct blob raw(const void *p, size_t n)
{
	struct blob b = { xmalloc(n ? n : 1), n };

	memcpy(b.p, p, n);
	return b;
}

/* tag, DER length, contents (which it frees) */
static struct blob tlv(uint8_t tag, struct blob in)
{
	uint8_t hdr[6];
	size_t h = 0;
	struct blob out;

	hdr[h++] = tag;
	if (in.n < 0x80) {
		hdr[h++] = (uint8_t)in.n;
	} else if (in.n < 0x100) {
		hdr[h++] = 0x81;
		hdr[h++] = (uint8_t)in.n;
	} else if (in.n < 0x10000) {
		hdr[h++] = 0x82;
		hdr[h++] = (uint8_t)(in.n >> 8);
		hdr[h++] = (uint8_t)in.n;
	} else {
		hdr[h++] = 0x83;
		hdr[h++] = (uint8_t)(in.n >> 16);
		hdr[h++] = (uint8_t)(in.n >> 8);
		hdr[h++] = (uint8_t)in.n;
	}
	out.n = h + in.n;
	out.p = xmalloc(out.n);
	memcpy(out.p, hdr, h);
	memcpy(out.p + h, in.p, in.n);
	free(in.p);
	return out;
}

/* a followed by b (both freed) */
static struct blob cat(struct blob a, struct blob b)
{
	struct blob out = { xmalloc(a.n + b.n + 1), a.n + b.n };

	memcpy(out.p, a.p, a.n);
	memcpy(out.p + a.n, b.p, b.n);
	free(a.p);
	free(b.p);
	return out;
}

static struct blob empty(void)
{
	return raw("", 0);
}

#define OID(...) tlv(0x06, raw((const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })))
#define SEQ(x) tlv(0x30, x)
#define SET(x) tlv(0x31, x)

static const uint8_t sha256_digest[32] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 9 };
static const uint8_t sha1_digest[20] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 1, 2, 3 };
static const uint8_t other_digest[32] = { 0x99 };

static struct blob oid_sha256(void)
{
	return OID(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01);
}

static struct blob oid_sha1(void)
{
	return OID(0x2b, 0x0e, 0x03, 0x02, 0x1a);
}

static struct blob oid_indirect(void)
{
	return OID(0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x04);
}

/* SpcIndirectDataContent { SpcAttributeTypeAndOptionalValue (PE image data), DigestInfo } */
static struct blob indirect_data(struct blob alg, const uint8_t *d, size_t n)
{
	struct blob pe = SEQ(cat(OID(0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x0f),
				 SEQ(empty())));
	struct blob di = SEQ(cat(SEQ(cat(alg, tlv(0x05, empty()))), tlv(0x04, raw(d, n))));

	return SEQ(cat(pe, di));
}

/* CAT_NAMEVALUE "File" = name, as makecat writes it (the value's shape does not matter here) */
static struct blob name_attr(void)
{
	return SEQ(cat(OID(0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0c, 0x02, 0x01),
		       SET(SEQ(cat(tlv(0x1e, raw("\0F\0i\0l\0e", 8)),
				   cat(tlv(0x02, raw("\x10\x01\x00\x01", 4)),
				       tlv(0x04, raw("d\0.\0s\0y\0s\0", 10))))))));
}

static struct blob member(const char *tag, struct blob attrs)
{
	return SEQ(cat(tlv(0x04, raw(tag, strlen(tag))), SET(attrs)));
}

static struct blob digest_member(const char *tag, struct blob alg, const uint8_t *d, size_t n)
{
	return member(tag, cat(name_attr(), SEQ(cat(oid_indirect(), SET(indirect_data(alg, d, n))))));
}

/* CertificateTrustList; subjects NULL: none */
static struct blob ctl(struct blob *subjects)
{
	struct blob head = cat(SEQ(OID(0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0c, 0x01, 0x01)),
			       cat(tlv(0x04, raw("0123456789abcdef", 16)),
				   tlv(0x17, raw("261128020000Z", 13))));
	struct blob alg = SEQ(cat(OID(0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0c, 0x01, 0x02),
				  tlv(0x05, empty())));

	head = cat(head, alg);
	if (subjects)
		head = cat(head, SEQ(*subjects));
	return SEQ(head);
}

/* An unsigned PKCS#7 SignedData (no signer infos) carrying content of type oid. */
static struct blob signed_data(struct blob content_oid, struct blob content)
{
	struct blob ci = SEQ(cat(content_oid, tlv(0xa0, content)));
	struct blob sd = SEQ(cat(tlv(0x02, raw("\x01", 1)), cat(SET(empty()), cat(ci, SET(empty())))));

	return SEQ(cat(OID(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02), tlv(0xa0, sd)));
}

static struct blob oid_ctl(void)
{
	return OID(0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0a, 0x01);
}

static struct blob catalog(struct blob *subjects)
{
	return signed_data(oid_ctl(), ctl(subjects));
}

/* The three members of the ordinary catalog: sha256, a bad one, sha1. */
static struct blob ordinary(void)
{
	struct blob bad_attr = member("BAD", SEQ(cat(oid_indirect(), SET(tlv(0x02, raw("\x05", 1))))));
	struct blob m = cat(digest_member("S256", oid_sha256(), sha256_digest, 32),
			    cat(bad_attr, digest_member("S1", oid_sha1(), sha1_digest, 20)));

	return catalog(&m);
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
	struct blob c = ordinary();
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
	free(c.p);
}

static void test_no_match_no_signature_check(void **state)
{
	struct blob c = ordinary();
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
	free(c.p);
}

static void test_not_catalogs(void **state)
{
	struct blob c = signed_data(OID(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01),
				    tlv(0x04, raw("data", 4)));
	struct blob none = catalog(NULL);
	struct blob notseq = signed_data(oid_ctl(), tlv(0x04, raw("x", 1)));
	struct blob shortctl = signed_data(oid_ctl(), SEQ(SEQ(empty())));
	struct cat_result r;
	bool matched[3];
	struct cat_want w[3];
	char *err;

	UNIT_UNUSED(state);
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
	free(c.p);
	free(none.p);
	free(notseq.p);
	free(shortctl.p);
}

/* Every prefix of a catalog, and random corruptions of it: no crash, no match made up. */
static void test_hostile(void **state)
{
	struct blob c = ordinary();
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
	free(c.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members_matched),
		cmocka_unit_test(test_no_match_no_signature_check),
		cmocka_unit_test(test_not_catalogs),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
