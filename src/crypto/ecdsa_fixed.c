// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecdsa_fixed.c - ECDSA verification with both points of the equation fixed.
 *
 * Verifying R = u1*G + u2*Q costs two scalar multiplications. A kernel signs
 * every module with one key, so Q is as fixed as the generator G: here each
 * gets its own table (OpenSSL's precomputation, on a copy of the curve whose
 * generator is Q), and each multiplication becomes a short run of table
 * additions instead of hundreds of doublings. OpenSSL 3.0 has no fast code for
 * P-384, which Debian 13 signs its modules with; here one verification costs
 * about 40 % of EVP's (tests/unit/crypto/test_ecdsa_fixed.c holds every answer
 * against EVP's). From OpenSSL 3.2 on, the library's own P-384 code is used.
 *
 * The tables are built with OpenSSL 3.0's EC_GROUP_precompute_mult and used by
 * EC_POINTs_mul, both deprecated but kept for this in 3.x; the single-scalar
 * EC_POINT_mul would ignore the table (it takes the constant-time ladder meant
 * for secret scalars, which a verification's public ones do not need).
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "crypto/ecdsa_fixed.h"

struct ecdsa_fixed {
	EC_GROUP *by_g;		/* the curve, with a table for its generator G */
	EC_GROUP *by_q;		/* the same curve with Q as its generator, and Q's table */
	BIGNUM *zero;
};

void ecdsa_fixed_free(struct ecdsa_fixed *f)
{
	if (!f)
		return;
	EC_GROUP_free(f->by_g);
	EC_GROUP_free(f->by_q);
	BN_free(f->zero);
	free(f);
}

/* The curve's and the key's point of pk, or -1. */
static int key_point(EVP_PKEY *pk, EC_GROUP **group, EC_POINT **q)
{
	char name[80];
	uint8_t pub[256];
	size_t len = 0;
	int nid;

	*group = NULL;
	*q = NULL;
	/* OpenSSL 3.2 brought its own fast P-384 code (ecp_nistp384): leave it that one */
	if (OpenSSL_version_num() >= 0x30200000L)
		return -1;
	if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_EC ||
	    !EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof(name), NULL) ||
	    !EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub), &len))
		return -1;
	nid = OBJ_txt2nid(name);
	/* P-256 has OpenSSL's own tables and assembly: nothing to win there */
	if (nid == NID_undef || nid == NID_X9_62_prime256v1)
		return -1;
	*group = EC_GROUP_new_by_curve_name(nid);
	*q = *group ? EC_POINT_new(*group) : NULL;
	if (!*q || !EC_POINT_oct2point(*group, *q, pub, len, NULL) ||
	    EC_POINT_is_at_infinity(*group, *q) || EC_POINT_is_on_curve(*group, *q, NULL) != 1) {
		EC_POINT_free(*q);
		EC_GROUP_free(*group);
		*group = NULL;
		*q = NULL;
		return -1;
	}
	return 0;
}

struct ecdsa_fixed *ecdsa_fixed_new(EVP_PKEY *pk)
{
	struct ecdsa_fixed *f;
	EC_GROUP *group;
	EC_POINT *q;
	BN_CTX *bc;
	bool ok;

	if (key_point(pk, &group, &q)) {
		ERR_clear_error();
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	bc = BN_CTX_new();
	f->by_g = group;
	f->by_q = EC_GROUP_dup(group);
	f->zero = BN_new();
	ok = bc && f->by_q && f->zero && EC_GROUP_precompute_mult(f->by_g, bc) &&
	     EC_GROUP_set_generator(f->by_q, q, EC_GROUP_get0_order(group),
				    EC_GROUP_get0_cofactor(group)) &&
	     EC_GROUP_precompute_mult(f->by_q, bc) &&
	     EC_GROUP_have_precompute_mult(f->by_g) && EC_GROUP_have_precompute_mult(f->by_q);
	if (ok)
		BN_zero(f->zero);
	EC_POINT_free(q);
	BN_CTX_free(bc);
	ERR_clear_error();
	if (!ok) {
		ecdsa_fixed_free(f);
		return NULL;
	}
	return f;
}

/*
 * r and s of a signature in strict DER (what OpenSSL's own verification
 * accepts: it re-encodes and compares), each in [1, n-1].
 */
static ECDSA_SIG *read_signature(const uint8_t *sig, size_t siglen, const BIGNUM *order)
{
	const unsigned char *p = sig;
	unsigned char *der = NULL;
	const BIGNUM *r, *s;
	ECDSA_SIG *es;
	int derlen;
	bool ok;

	if (siglen > 1024)
		return NULL;
	es = d2i_ECDSA_SIG(NULL, &p, (long)siglen);
	if (!es)
		return NULL;
	derlen = i2d_ECDSA_SIG(es, &der);
	ECDSA_SIG_get0(es, &r, &s);
	ok = (size_t)(p - sig) == siglen && derlen > 0 && (size_t)derlen == siglen &&
	     memcmp(der, sig, siglen) == 0 && !BN_is_zero(r) && !BN_is_negative(r) &&
	     BN_ucmp(r, order) < 0 && !BN_is_zero(s) && !BN_is_negative(s) && BN_ucmp(s, order) < 0;
	OPENSSL_free(der);
	if (!ok) {
		ECDSA_SIG_free(es);
		return NULL;
	}
	return es;
}

int ecdsa_fixed_verify(const struct ecdsa_fixed *f, const uint8_t *sig, size_t siglen,
		       const uint8_t *md, size_t mdlen)
{
	const BIGNUM *order = EC_GROUP_get0_order(f->by_g);
	const EC_POINT *g = EC_GROUP_get0_generator(f->by_g);
	const EC_POINT *points[1] = { g };
	const BIGNUM *scalars[1] = { f->zero };
	int nbits = BN_num_bits(order), verified = 0;
	BIGNUM *w, *u1, *u2, *e, *x;
	EC_POINT *r1 = NULL, *r2 = NULL;
	const BIGNUM *r, *s;
	ECDSA_SIG *es;
	BN_CTX *bc;

	if (mdlen > 64 || !(es = read_signature(sig, siglen, order)))
		return 0;
	ECDSA_SIG_get0(es, &r, &s);
	bc = BN_CTX_new();
	if (!bc)
		goto out;
	BN_CTX_start(bc);
	w = BN_CTX_get(bc);
	u1 = BN_CTX_get(bc);
	u2 = BN_CTX_get(bc);
	e = BN_CTX_get(bc);
	x = BN_CTX_get(bc);
	r1 = EC_POINT_new(f->by_g);
	r2 = EC_POINT_new(f->by_g);
	if (!x || !r1 || !r2 || !BN_bin2bn(md, (int)mdlen, e))
		goto done;
	/* e: the digest's leftmost bits, as many as the order has (FIPS 186-4, 6.4) */
	if ((int)mdlen * 8 > nbits && !BN_rshift(e, e, (int)mdlen * 8 - nbits))
		goto done;
	/* w = s^-1, u1 = e*w, u2 = r*w (mod n); R = u1*G + u2*Q must not be infinity */
	if (!BN_mod_inverse(w, s, order, bc) || !BN_mod_mul(u1, e, w, order, bc) ||
	    !BN_mod_mul(u2, r, w, order, bc))
		goto done;
	/* each product with its own table; the other point's scalar is zero */
	if (!EC_POINTs_mul(f->by_g, r1, u1, 1, points, scalars, bc) ||
	    !EC_POINTs_mul(f->by_q, r2, u2, 1, points, scalars, bc) ||
	    !EC_POINT_add(f->by_g, r1, r1, r2, bc) || EC_POINT_is_at_infinity(f->by_g, r1) ||
	    !EC_POINT_get_affine_coordinates(f->by_g, r1, x, NULL, bc) ||
	    !BN_nnmod(x, x, order, bc))
		goto done;
	verified = BN_cmp(x, r) == 0;
done:
	BN_CTX_end(bc);
	BN_CTX_free(bc);
out:
	EC_POINT_free(r1);
	EC_POINT_free(r2);
	ECDSA_SIG_free(es);
	ERR_clear_error();
	return verified;
}
