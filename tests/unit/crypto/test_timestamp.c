// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_timestamp.c - the timestamps of a signature (timestamp.c): a legacy
 * Authenticode countersignature built here with OpenSSL as a timestamp server
 * makes one (a PKCS#7 SignedData over the signer's signature value, whose
 * SignerInfo is moved into the signature), keys made at test time; a
 * countersignature over other bytes, one whose certificate is missing, and
 * hostile attribute values (truncated, mutated, not a SEQUENCE). Valid RFC
 * 3161 tokens are tested end to end with osslsigncode (tests/e2e-drivers.sh).
 */
#include "unit.h"

#include <openssl/pkcs7.h>
#include <stdlib.h>
#include <string.h>

#include "certfix.h"
#include "crypto/timestamp.h"
#include "crypto/timestamp_priv.h"
#include "core/util.h"

#define OID_RFC3161 "1.3.6.1.4.1.311.3.3.1"

struct pki {
	EVP_PKEY *key, *tsa_key;
	X509 *cert, *tsa;
};

static struct pki pki;

static int setup(void **state)
{
	struct cert_spec signer = { .org = "Example Signer", .cn = "Signer", .serial = 1,
				    .to_days = 365 };
	struct cert_spec tsa = { .org = "Example TSA", .cn = "TSA", .serial = 2, .to_days = 365 };

	UNIT_UNUSED(state);
	pki.key = EVP_EC_gen("P-256");	/* fast to make, also under valgrind */
	pki.tsa_key = EVP_EC_gen("P-256");
	assert_non_null(pki.key);
	assert_non_null(pki.tsa_key);
	pki.cert = fx_cert(pki.key, &signer);
	pki.tsa = fx_cert(pki.tsa_key, &tsa);
	/* a TSA's certificate names its purpose (signed again after the extension) */
	fx_ext(pki.tsa, NID_ext_key_usage, "critical,timeStamping");
	assert_true(X509_sign(pki.tsa, pki.tsa_key, EVP_sha256()) > 0);
	return 0;
}

static int teardown(void **state)
{
	UNIT_UNUSED(state);
	X509_free(pki.cert);
	X509_free(pki.tsa);
	EVP_PKEY_free(pki.key);
	EVP_PKEY_free(pki.tsa_key);
	return 0;
}

/* A SignedData over content by key/cert (signed attributes, signingTime among them). */
static PKCS7 *sign(X509 *cert, EVP_PKEY *key, const void *content, size_t n)
{
	BIO *in = BIO_new_mem_buf(content, (int)n);
	PKCS7 *p7 = PKCS7_sign(cert, key, NULL, in, PKCS7_BINARY);

	assert_non_null(p7);
	BIO_free(in);
	return p7;
}

static PKCS7_SIGNER_INFO *first_signer(PKCS7 *p7)
{
	return sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(p7), 0);
}

/* Put der into the signer's unauthenticated attributes as a value of type nid (or OID text). */
static void add_unauth(PKCS7 *p7, int nid, const char *oid, const uint8_t *der, size_t n,
		       int type)
{
	PKCS7_SIGNER_INFO *si = first_signer(p7);
	ASN1_STRING *s = ASN1_STRING_type_new(type);

	assert_true(ASN1_STRING_set(s, der, (int)n));
	if (oid)
		nid = OBJ_txt2nid(oid) != NID_undef ? OBJ_txt2nid(oid) :
		      OBJ_create(oid, "kdRFC3161", "kdetect test RFC 3161 timestamp");
	assert_true(PKCS7_add_attribute(si, nid, type, s));
}

/*
 * The outer signature and a legacy countersignature over `over` (NULL: the
 * outer signature's value) by the TSA, with the TSA certificate in the outer
 * SignedData when with_cert. *der gets the countersignature's SignerInfo DER.
 */
static PKCS7 *countersigned(const uint8_t *over, size_t over_n, bool with_cert, uint8_t **der,
			    int *dlen)
{
	PKCS7 *outer = sign(pki.cert, pki.key, "image digest", 12), *ts;
	const ASN1_OCTET_STRING *sigval = first_signer(outer)->enc_digest;

	if (!over) {
		over = ASN1_STRING_get0_data(sigval);
		over_n = (size_t)ASN1_STRING_length(sigval);
	}
	ts = sign(pki.tsa, pki.tsa_key, over, over_n);
	*der = NULL;
	*dlen = i2d_PKCS7_SIGNER_INFO(first_signer(ts), der);
	assert_true(*dlen > 0);
	add_unauth(outer, NID_pkcs9_countersignature, NULL, *der, (size_t)*dlen, V_ASN1_SEQUENCE);
	if (with_cert)
		assert_true(PKCS7_add_certificate(outer, pki.tsa));
	PKCS7_free(ts);
	return outer;
}

static void test_legacy_valid(void **state)
{
	struct ac_timestamp t = { 0 };
	uint8_t *der;
	int n;
	PKCS7 *p7 = countersigned(NULL, 0, true, &der, &n);

	UNIT_UNUSED(state);
	ac_timestamps(p7, &t);
	assert_string_equal(t.kind, "legacy");
	assert_int_equal(t.status, TS_VALID);
	assert_null(t.reason);
	assert_non_null(t.time);
	assert_int_equal(strlen(t.time), 20);
	assert_non_null(t.tsa);
	assert_string_equal(cert_get_info(t.tsa)->subject, "O=Example TSA, CN=TSA");
	assert_int_equal(t.count, 1);
	assert_string_equal(ts_status_name(t.status), "valid");
	ac_timestamp_free(&t);
	OPENSSL_free(der);
	PKCS7_free(p7);
}

static void test_legacy_invalid(void **state)
{
	struct ac_timestamp t = { 0 };
	uint8_t *der;
	int n;
	/* over other bytes: it timestamps another signature */
	PKCS7 *p7 = countersigned((const uint8_t *)"another signature", 17, true, &der, &n);

	UNIT_UNUSED(state);
	ac_timestamps(p7, &t);
	assert_int_equal(t.status, TS_INVALID);
	assert_string_equal(t.reason,
			    "counterSignature messageDigest is not a digest of this signature's value");
	ac_timestamp_free(&t);
	OPENSSL_free(der);
	PKCS7_free(p7);

	/* a signer without the timeStamping purpose is no TSA */
	{
		X509 *tsa = pki.tsa;
		struct cert_spec plain = { .org = "Example TSA", .cn = "TSA", .serial = 3, .to_days = 365 };

		pki.tsa = fx_cert(pki.tsa_key, &plain);
		p7 = countersigned(NULL, 0, true, &der, &n);
		ac_timestamps(p7, &t);
		assert_int_equal(t.status, TS_INVALID);
		assert_string_equal(t.reason,
				    "the timestamp's signer lacks the timeStamping extended key usage");
		ac_timestamp_free(&t);
		OPENSSL_free(der);
		PKCS7_free(p7);
		X509_free(pki.tsa);
		pki.tsa = tsa;
	}

	/* the TSA's certificate not in the outer SignedData: nothing to check it with */
	p7 = countersigned(NULL, 0, false, &der, &n);
	ac_timestamps(p7, &t);
	assert_int_equal(t.status, TS_INVALID);
	assert_string_equal(t.reason, "counterSignature certificate not embedded");
	assert_null(t.tsa);
	ac_timestamp_free(&t);
	OPENSSL_free(der);
	PKCS7_free(p7);
}

/* Every prefix and random corruptions of a countersignature, and of an RFC 3161 value: no crash. */
static void test_hostile(void **state)
{
	uint8_t *der;
	int n;
	PKCS7 *good = countersigned(NULL, 0, true, &der, &n);
	uint64_t seed = 11;
	/* signed once, copied for each case: RSA signing a thousand times is slow under valgrind */
	PKCS7 *base_x = sign(pki.cert, pki.key, "x", 1);
	PKCS7 *base_other = sign(pki.cert, pki.key, "other content", 13);

	UNIT_UNUSED(state);
	for (int len = 0; len < n; len++) {
		PKCS7 *p7 = PKCS7_dup(base_x);
		struct ac_timestamp t = { 0 };

		assert_true(PKCS7_add_certificate(p7, pki.tsa));
		add_unauth(p7, NID_pkcs9_countersignature, NULL, der, (size_t)len, V_ASN1_SEQUENCE);
		/* the same bytes as an RFC 3161 token: not one */
		add_unauth(p7, 0, OID_RFC3161, der, (size_t)len, V_ASN1_SEQUENCE);
		ac_timestamps(p7, &t);
		assert_int_not_equal(t.status, TS_VALID);
		assert_int_equal(t.count, 2);
		assert_non_null(t.reason);
		ac_timestamp_free(&t);
		PKCS7_free(p7);
	}
	for (int i = 0; i < 500; i++) {
		uint8_t *copy = xmalloc((size_t)n);
		/* other content, so another signature value than the one countersigned */
		PKCS7 *p7 = PKCS7_dup(base_other);
		struct ac_timestamp t = { 0 };

		memcpy(copy, der, (size_t)n);
		for (int k = 0; k < 1 + (int)(unit_rand(&seed) % 3); k++)
			copy[unit_rand(&seed) % (uint64_t)n] = (uint8_t)unit_rand(&seed);
		assert_true(PKCS7_add_certificate(p7, pki.tsa));
		add_unauth(p7, NID_pkcs9_countersignature, NULL, copy, (size_t)n, V_ASN1_SEQUENCE);
		ac_timestamps(p7, &t);
		/* it countersigns another SignedData's value: never valid here */
		assert_int_not_equal(t.status, TS_VALID);
		ac_timestamp_free(&t);
		PKCS7_free(p7);
		free(copy);
	}
	PKCS7_free(base_x);
	PKCS7_free(base_other);
	/* a value that is not a SEQUENCE */
	{
		PKCS7 *p7 = sign(pki.cert, pki.key, "x", 1);
		struct ac_timestamp t = { 0 };

		add_unauth(p7, 0, OID_RFC3161, (const uint8_t *)"abc", 3, V_ASN1_OCTET_STRING);
		ac_timestamps(p7, &t);
		assert_string_equal(t.kind, "rfc3161");
		assert_int_equal(t.status, TS_MALFORMED);
		assert_string_equal(t.reason, "timestamp attribute value is not a SEQUENCE");
		ac_timestamp_free(&t);
		PKCS7_free(p7);
	}
	/* none at all */
	{
		PKCS7 *p7 = sign(pki.cert, pki.key, "x", 1);
		struct ac_timestamp t = { 0 };

		ac_timestamps(p7, &t);
		assert_null(t.kind);
		assert_int_equal(t.status, TS_NONE);
		assert_int_equal(t.count, 0);
		PKCS7_free(p7);
	}
	OPENSSL_free(der);
	PKCS7_free(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_legacy_valid),
		cmocka_unit_test(test_legacy_invalid),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
