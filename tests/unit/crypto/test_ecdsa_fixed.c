// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_ecdsa_fixed.c - verification with tables for one key (ecdsa_fixed.c)
 * held against OpenSSL's EVP_PKEY_verify, the reference: keys made at test
 * time on P-384 and P-521 (and P-256, which keeps OpenSSL's own code); every
 * signature made by EVP verifies; and no altered one (a bit of the digest, of
 * r or of s; r or s zero, n, or r + n; DER not minimal; bytes after it; another
 * key's signature; a digest cut short) is ever called valid when EVP refuses
 * it, for digests of 20 to 64 bytes (longer than the order: truncated).
 */
#include "unit.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/ecdsa_fixed.h"

/* EVP's verdict: 1 valid, anything else not */
static int evp_verify(EVP_PKEY *pk, const uint8_t *sig, size_t siglen, const uint8_t *md,
		      size_t mdlen)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pk, NULL);
	int r;

	assert_non_null(c);
	assert_true(EVP_PKEY_verify_init(c) > 0);
	r = EVP_PKEY_verify(c, sig, siglen, md, mdlen);
	EVP_PKEY_CTX_free(c);
	return r == 1;
}

static size_t evp_sign(EVP_PKEY *pk, const uint8_t *md, size_t mdlen, uint8_t *sig, size_t cap)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pk, NULL);
	size_t len = cap;

	assert_non_null(c);
	assert_true(EVP_PKEY_sign_init(c) > 0);
	assert_true(EVP_PKEY_sign(c, sig, &len, md, mdlen) > 0);
	EVP_PKEY_CTX_free(c);
	return len;
}

/* The fast path agrees with EVP on sig, and says valid exactly when EVP does. */
static void agree(const struct ecdsa_fixed *f, EVP_PKEY *pk, const uint8_t *sig, size_t siglen,
		  const uint8_t *md, size_t mdlen, int want)
{
	int fast = ecdsa_fixed_verify(f, sig, siglen, md, mdlen);


	assert_int_equal(evp_verify(pk, sig, siglen, md, mdlen), want);
	assert_int_equal(fast, want);
}

/* DER of SEQUENCE { INTEGER r, INTEGER s } from big-endian magnitudes (no sign fixing). */
static size_t der_sig(uint8_t *out, const uint8_t *r, size_t rl, const uint8_t *s, size_t sl)
{
	size_t n = 0, body = 2 + rl + 2 + sl;

	out[n++] = 0x30;
	if (body >= 128)
		out[n++] = 0x81;
	out[n++] = (uint8_t)body;
	out[n++] = 0x02;
	out[n++] = (uint8_t)rl;
	memcpy(out + n, r, rl);
	n += rl;
	out[n++] = 0x02;
	out[n++] = (uint8_t)sl;
	memcpy(out + n, s, sl);
	return n + sl;
}

/* r and s of a DER signature, as minimal positive INTEGER contents */
static void split_sig(const uint8_t *sig, size_t len, BIGNUM **r, BIGNUM **s)
{
	const unsigned char *p = sig;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)len);

	assert_non_null(es);
	*r = BN_dup(ECDSA_SIG_get0_r(es));
	*s = BN_dup(ECDSA_SIG_get0_s(es));
	ECDSA_SIG_free(es);
}

static size_t int_content(const BIGNUM *b, uint8_t *out)
{
	int n = BN_num_bytes(b);

	if (n == 0) {
		out[0] = 0;
		return 1;
	}
	out[0] = 0;
	BN_bn2bin(b, out + 1);
	/* a leading zero only when the top bit is set */
	if (out[1] & 0x80)
		return (size_t)n + 1;
	memmove(out, out + 1, (size_t)n);
	return (size_t)n;
}

static size_t sig_of(const BIGNUM *r, const BIGNUM *s, uint8_t *out)
{
	uint8_t rb[80], sb[80];
	size_t rl = int_content(r, rb), sl = int_content(s, sb);

	return der_sig(out, rb, rl, sb, sl);
}

static void curve_case(const char *curve, const BIGNUM *order)
{
	EVP_PKEY *pk = EVP_EC_gen(curve), *other = EVP_EC_gen(curve);
	struct ecdsa_fixed *f;
	static const size_t mdlens[] = { 20, 28, 32, 48, 64 };

	assert_non_null(pk);
	assert_non_null(other);
	f = ecdsa_fixed_new(pk);
	/* from OpenSSL 3.2 on the library's own code is the fast one: nothing to test */
	if (OpenSSL_version_num() >= 0x30200000L) {
		assert_null(f);
		EVP_PKEY_free(pk);
		EVP_PKEY_free(other);
		return;
	}
	assert_non_null(f);
	for (size_t k = 0; k < sizeof(mdlens) / sizeof(mdlens[0]); k++) {
		/* a few signatures per digest length: each costs much under valgrind */
		for (int i = 0; i < 3; i++) {
			uint8_t md[64], sig[160], bad[170], osig[160];
			size_t mdlen = mdlens[k], len, olen, n;
			BIGNUM *r, *s, *t = BN_new();

			assert_true(RAND_bytes(md, (int)mdlen) == 1);
			len = evp_sign(pk, md, mdlen, sig, sizeof(sig));
			agree(f, pk, sig, len, md, mdlen, 1);
			/* one bit of the digest */
			md[i % mdlen] ^= (uint8_t)(1u << (i % 8));
			agree(f, pk, sig, len, md, mdlen, 0);
			md[i % mdlen] ^= (uint8_t)(1u << (i % 8));
			/* one bit anywhere in the signature's bytes (structure or value) */
			memcpy(bad, sig, len);
			bad[(size_t)i * 7 % len] ^= (uint8_t)(0x80u >> (i % 8));
			agree(f, pk, bad, len, md, mdlen, evp_verify(pk, bad, len, md, mdlen));
			assert_int_equal(ecdsa_fixed_verify(f, bad, len, md, mdlen), 0);
			/* bytes after the DER */
			memcpy(bad, sig, len);
			bad[len] = 0;
			agree(f, pk, bad, len + 1, md, mdlen, 0);
			/* another key's signature of the same digest */
			olen = evp_sign(other, md, mdlen, osig, sizeof(osig));
			agree(f, pk, osig, olen, md, mdlen, 0);
			/* r or s out of range: 0, n, r + n */
			split_sig(sig, len, &r, &s);
			BN_zero(t);
			n = sig_of(t, s, bad);
			agree(f, pk, bad, n, md, mdlen, 0);
			n = sig_of(r, t, bad);
			agree(f, pk, bad, n, md, mdlen, 0);
			n = sig_of(order, s, bad);
			agree(f, pk, bad, n, md, mdlen, 0);
			n = sig_of(r, order, bad);
			agree(f, pk, bad, n, md, mdlen, 0);
			assert_true(BN_add(t, r, order));
			n = sig_of(t, s, bad);
			agree(f, pk, bad, n, md, mdlen, 0);
			/* n - s: the other valid s (ECDSA is malleable; EVP accepts it too) */
			assert_true(BN_sub(t, order, s));
			n = sig_of(r, t, bad);
			agree(f, pk, bad, n, md, mdlen, 1);
			/* r with a leading zero it does not need: not DER */
			{
				uint8_t rb[80], sb[80];
				size_t rl = int_content(r, rb + 1) + 1, sl = int_content(s, sb);

				rb[0] = 0;
				if (rb[1] != 0) {	/* not already a sign byte */
					n = der_sig(bad, rb, rl, sb, sl);
					agree(f, pk, bad, n, md, mdlen, 0);
				}
			}
			/*
			 * The digest one byte short: refused, unless the order is shorter than
			 * what is left (only its leftmost bits count, for EVP as for us).
			 */
			agree(f, pk, sig, len, md, mdlen - 1,
			      (mdlen - 1) * 8 >= (size_t)BN_num_bits(order) ? 1 : 0);
			BN_free(r);
			BN_free(s);
			BN_free(t);
		}
	}
	/* nothing at all, and garbage */
	{
		uint8_t md[32] = { 0 }, junk[8] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01 };

		assert_int_equal(ecdsa_fixed_verify(f, junk, 0, md, sizeof(md)), 0);
		agree(f, pk, junk, sizeof(junk), md, sizeof(md), 0);
	}
	ecdsa_fixed_free(f);
	EVP_PKEY_free(pk);
	EVP_PKEY_free(other);
}

static BIGNUM *order_of(int nid)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(nid);
	BIGNUM *n;

	assert_non_null(g);
	n = BN_dup(EC_GROUP_get0_order(g));
	EC_GROUP_free(g);
	return n;
}

static void test_p384(void **state)
{
	BIGNUM *n = order_of(NID_secp384r1);

	UNIT_UNUSED(state);
	curve_case("P-384", n);
	BN_free(n);
}

static void test_p521(void **state)
{
	BIGNUM *n = order_of(NID_secp521r1);

	UNIT_UNUSED(state);
	curve_case("P-521", n);
	BN_free(n);
}

/* P-256 keeps OpenSSL's own tables; RSA is not ECDSA: no fast path offered */
static void test_not_offered(void **state)
{
	EVP_PKEY *p256 = EVP_EC_gen("P-256"), *rsa = EVP_RSA_gen(1024);

	UNIT_UNUSED(state);
	assert_non_null(p256);
	assert_non_null(rsa);
	assert_null(ecdsa_fixed_new(p256));
	assert_null(ecdsa_fixed_new(rsa));
	EVP_PKEY_free(p256);
	EVP_PKEY_free(rsa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_p384),
		cmocka_unit_test(test_p521),
		cmocka_unit_test(test_not_offered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
