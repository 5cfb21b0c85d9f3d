/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * certfix.h - X.509 certificates made at test time with OpenSSL, for the unit
 * tests of certificate, PKCS#7 and Authenticode handling. Include after unit.h.
 */
#ifndef KD_CERTFIX_H
#define KD_CERTFIX_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct cert_spec {
	const char *org;
	const char *cn;
	size_t cn_len;			/* 0: strlen(cn); more for a CN with a NUL in it */
	const char *issuer_cn;		/* NULL: self-issued */
	EVP_PKEY *issuer_key;		/* NULL: self-signed */
	uint64_t serial;
	long from_days, to_days;	/* validity, from now */
	bool ca;			/* basicConstraints CA:TRUE, critical */
	bool skid;			/* a subjectKeyIdentifier */
};

static inline X509_NAME *fx_name(const char *org, const char *cn, size_t cn_len)
{
	X509_NAME *name = X509_NAME_new();

	assert_non_null(name);
	assert_true(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)org, -1,
					       -1, 0));
	assert_true(X509_NAME_add_entry_by_NID(name, NID_commonName, V_ASN1_UTF8STRING,
					       (const unsigned char *)cn, (int)cn_len, -1, 0));
	return name;
}

static inline void fx_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(ext);
	assert_true(X509_add_ext(x, ext, -1));
	X509_EXTENSION_free(ext);
}

/* A certificate for key as s describes it, signed with SHA-256. */
static inline X509 *fx_cert(EVP_PKEY *key, const struct cert_spec *s)
{
	X509 *x = X509_new();
	X509_NAME *sub = fx_name(s->org, s->cn, s->cn_len ? s->cn_len : strlen(s->cn));
	X509_NAME *iss = s->issuer_cn ? fx_name(s->org, s->issuer_cn, strlen(s->issuer_cn)) : NULL;

	assert_non_null(x);
	assert_true(X509_set_version(x, 2));
	assert_true(ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), s->serial));
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), s->from_days * 86400));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), s->to_days * 86400));
	assert_true(X509_set_subject_name(x, sub));
	assert_true(X509_set_issuer_name(x, iss ? iss : sub));
	X509_NAME_free(sub);
	X509_NAME_free(iss);
	assert_true(X509_set_pubkey(x, key));
	if (s->ca)
		fx_ext(x, NID_basic_constraints, "critical,CA:TRUE");
	if (s->skid)
		fx_ext(x, NID_subject_key_identifier, "hash");
	assert_true(X509_sign(x, s->issuer_key ? s->issuer_key : key, EVP_sha256()) > 0);
	return x;
}

#endif
