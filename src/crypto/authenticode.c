// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * authenticode.c - Authenticode: the PKCS#7 SignedData in a PE image's
 * certificate table carries SpcIndirectDataContent, which names a digest of
 * the image. We recompute that digest, check the signature over the content,
 * follow nested signatures, and build the signer's chain without a clock and
 * without fetching anything (UEFI ignores expiry; we never touch a network).
 */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/authenticode.h"
#include "crypto/authenticode_priv.h"
#include "crypto/timestamp_priv.h"
#include "crypto/cert_priv.h"
#include "core/cursor.h"
#include "core/util.h"

#define MAX_NESTING 4
#define MAX_SIGS 32
#define MAX_CHAIN 10
#define OID_SPC_INDIRECT_DATA "1.3.6.1.4.1.311.2.1.4"
#define OID_NESTED_SIGNATURE "1.3.6.1.4.1.311.2.4.1"

struct digest_ctx {
	EVP_MD_CTX *md;
};

static void hash_range(const uint8_t *p, size_t n, void *ctx)
{
	EVP_DigestUpdate(((struct digest_ctx *)ctx)->md, p, n);
}

int authenticode_digest(const struct pe_image *pe, const char *algo, uint8_t *md, unsigned int *len)
{
	const EVP_MD *type = EVP_get_digestbyname(algo);
	struct digest_ctx d = { EVP_MD_CTX_new() };
	const char *reason;
	int r = -1;

	if (type && d.md && EVP_DigestInit_ex(d.md, type, NULL) &&
	    pe_authenticode_ranges(pe, hash_range, &d, &reason) == 0 &&
	    EVP_DigestFinal_ex(d.md, md, len))
		r = 0;
	EVP_MD_CTX_free(d.md);
	ERR_clear_error();
	return r;
}

bool der_header(struct cursor *c, uint8_t *tag, size_t *len)
{
	uint8_t b, nbytes;

	if (!cur_u8(c, tag) || !cur_u8(c, &b))
		return false;
	if (b < 0x80) {
		*len = b;
	} else {
		nbytes = b & 0x7f;
		if (nbytes == 0 || nbytes > 4)
			return false;
		*len = 0;
		for (uint8_t i = 0; i < nbytes; i++) {
			if (!cur_u8(c, &b))
				return false;
			*len = *len << 8 | b;
		}
	}
	return *len <= cur_left(c);
}

bool ac_parse_indirect_data(const uint8_t *p, size_t n, struct ac_sig *s)
{
	struct cursor c = cur_init(p, n), di, alg;
	const uint8_t *oid_start, *dig;
	uint8_t tag;
	size_t len, oid_len;
	const unsigned char *q;
	ASN1_OBJECT *obj;
	int nid;

	/* skip SpcAttributeTypeAndOptionalValue */
	if (!der_header(&c, &tag, &len) || tag != 0x30 || !cur_skip(&c, len))
		return false;
	if (!der_header(&c, &tag, &len) || tag != 0x30 || !cur_sub(&c, c.pos, len, &di))
		return false;
	if (!der_header(&di, &tag, &len) || tag != 0x30 || !cur_sub(&di, di.pos, len, &alg) ||
	    !cur_skip(&di, len))
		return false;
	oid_start = alg.base;
	if (!der_header(&alg, &tag, &oid_len) || tag != 0x06)
		return false;
	q = oid_start;
	obj = d2i_ASN1_OBJECT(NULL, &q, (long)(alg.pos + oid_len));
	if (!obj)
		return false;
	nid = OBJ_obj2nid(obj);
	ASN1_OBJECT_free(obj);
	if (nid == NID_undef)
		return false;
	s->digest_algo = xstrdup(OBJ_nid2sn(nid));
	for (char *x = s->digest_algo; *x; x++)
		*x = (char)(*x >= 'A' && *x <= 'Z' ? *x - 'A' + 'a' : *x);
	if (!der_header(&di, &tag, &len) || tag != 0x04 || len > sizeof(s->digest) ||
	    !cur_take(&di, len, &dig))
		return false;
	memcpy(s->digest, dig, len);
	s->digest_len = (unsigned int)len;
	return true;
}

void ac_embedded_certs(PKCS7 *p7, struct ac_sig *s)
{
	STACK_OF(X509) *embedded = p7->d.sign->cert;

	for (int i = 0; embedded && i < sk_X509_num(embedded); i++) {
		X509 *x = sk_X509_value(embedded, i);

		X509_up_ref(x);
		s->certs = xreallocarray(s->certs, s->ncerts + 1, sizeof(*s->certs));
		s->certs[s->ncerts++] = cert_wrap(x);
	}
}

void ac_verify_signed(PKCS7 *p7, const uint8_t *content, size_t len, struct ac_sig *s)
{
	STACK_OF(X509) *signers;
	BIO *bio;

	signers = PKCS7_get0_signers(p7, NULL, 0);
	if (signers && sk_X509_num(signers) == 1) {
		X509 *x = sk_X509_value(signers, 0);

		X509_up_ref(x);
		s->signer = cert_wrap(x);
	}
	sk_X509_free(signers);
	ERR_clear_error();
	bio = len <= INT_MAX ? BIO_new_mem_buf(content, (int)len) : NULL;
	/* NOVERIFY: the chain is judged against the right anchors elsewhere, not here */
	s->sig_ok = bio && s->signer && PKCS7_verify(p7, NULL, NULL, bio, NULL,
						    PKCS7_NOVERIFY | PKCS7_BINARY) == 1;
	if (!s->sig_ok)
		s->error = crypto_errors(s->signer ? "signature does not verify" :
						     "signer certificate not embedded");
	BIO_free(bio);
	ERR_clear_error();
}

static void add_sig(struct ac_result *out, const uint8_t *der, size_t n, int depth,
		    const struct pe_image *pe);

/* Signatures nested in the signer's unauthenticated attributes (dual signing). */
static void nested(struct ac_result *out, PKCS7 *p7, int depth, const struct pe_image *pe)
{
	STACK_OF(PKCS7_SIGNER_INFO) *sis = PKCS7_get_signer_info(p7);
	ASN1_OBJECT *want = OBJ_txt2obj(OID_NESTED_SIGNATURE, 1);

	for (int i = 0; sis && i < sk_PKCS7_SIGNER_INFO_num(sis); i++) {
		STACK_OF(X509_ATTRIBUTE) *attrs = sk_PKCS7_SIGNER_INFO_value(sis, i)->unauth_attr;

		for (int a = 0; attrs && a < sk_X509_ATTRIBUTE_num(attrs); a++) {
			X509_ATTRIBUTE *at = sk_X509_ATTRIBUTE_value(attrs, a);

			if (OBJ_cmp(X509_ATTRIBUTE_get0_object(at), want))
				continue;
			for (int v = 0; v < X509_ATTRIBUTE_count(at); v++) {
				ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(at, v);

				if (t && t->type == V_ASN1_SEQUENCE)
					add_sig(out, t->value.sequence->data,
						(size_t)t->value.sequence->length, depth + 1, pe);
			}
		}
	}
	ASN1_OBJECT_free(want);
}

static void add_sig(struct ac_result *out, const uint8_t *der, size_t n, int depth,
		    const struct pe_image *pe)
{
	const unsigned char *q = der;
	ASN1_TYPE *content;
	struct ac_sig *s;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	struct cursor c;
	uint8_t tag;
	size_t len;
	PKCS7 *p7;
	char oid[64];
	bool accepted;

	if (depth > MAX_NESTING || out->n >= MAX_SIGS)
		return;
	out->sigs = xreallocarray(out->sigs, out->n + 1, sizeof(*out->sigs));
	s = &out->sigs[out->n++];
	memset(s, 0, sizeof(*s));
	s->depth = depth;
	p7 = d2i_PKCS7(NULL, &q, (long)n);
	if (!p7 || !PKCS7_type_is_signed(p7) || !p7->d.sign || !p7->d.sign->contents) {
		s->error = crypto_errors("not a PKCS#7 SignedData");
		s->malformed = true;
		PKCS7_free(p7);
		return;
	}
	OBJ_obj2txt(oid, sizeof(oid), p7->d.sign->contents->type, 1);
	content = p7->d.sign->contents->d.other;
	if (strcmp(oid, OID_SPC_INDIRECT_DATA) || !content || content->type != V_ASN1_SEQUENCE) {
		s->error = xstrdup("content is not SpcIndirectDataContent");
		s->malformed = true;
		PKCS7_free(p7);
		return;
	}
	ac_embedded_certs(p7, s);
	/* the signed content is the SEQUENCE's contents, without its tag and length */
	c = cur_init(content->value.sequence->data, (size_t)content->value.sequence->length);
	if (!der_header(&c, &tag, &len) || tag != 0x30 ||
	    !ac_parse_indirect_data(c.base + c.pos, len, s)) {
		s->error = xstrdup("SpcIndirectDataContent unparseable");
		s->malformed = true;
		PKCS7_free(p7);
		return;
	}
	/* the digests UEFI and Windows accept: MD5 and the like vouch for nothing */
	accepted = !strcmp(s->digest_algo, "sha1") || !strcmp(s->digest_algo, "sha256") ||
		   !strcmp(s->digest_algo, "sha384") || !strcmp(s->digest_algo, "sha512");
	if (accepted && authenticode_digest(pe, s->digest_algo, md, &mdlen) == 0)
		s->digest_matches = mdlen == s->digest_len && !memcmp(md, s->digest, mdlen);
	ac_verify_signed(p7, c.base + c.pos, len, s);
	ac_timestamps(p7, &s->ts);
	if (s->sig_ok && !accepted)
		s->error = xasprintf("digest algorithm %s is not accepted", s->digest_algo);
	else if (s->sig_ok && !s->digest_matches)
		s->error = xstrdup("image digest does not match the signed digest");
	ERR_clear_error();
	nested(out, p7, depth, pe);
	PKCS7_free(p7);
}

void authenticode_check(const struct pe_image *pe, struct ac_result *out)
{
	struct pe_cert *certs;
	const char *reason;
	int n;

	memset(out, 0, sizeof(*out));
	n = pe_certificates(pe, &certs, &reason);
	if (n < 0) {
		out->error = xstrdup(reason);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (certs[i].type != 0x0002) {	/* WIN_CERT_TYPE_PKCS_SIGNED_DATA */
			out->other_entries++;
			continue;
		}
		add_sig(out, certs[i].data, certs[i].len, 0, pe);
	}
	free(certs);
}

void ac_sig_free(struct ac_sig *s)
{
	free(s->digest_algo);
	free(s->error);
	cert_free(s->signer);
	for (size_t k = 0; k < s->ncerts; k++)
		cert_free(s->certs[k]);
	free(s->certs);
	ac_timestamp_free(&s->ts);
	memset(s, 0, sizeof(*s));
}

void ac_result_free(struct ac_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		ac_sig_free(&r->sigs[i]);
	free(r->sigs);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

/* UEFI and Authenticode judge code signing without a clock and for any purpose. */
static int chain_cb(int ok, X509_STORE_CTX *ctx)
{
	switch (X509_STORE_CTX_get_error(ctx)) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
	case X509_V_ERR_INVALID_PURPOSE:
	case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
		return 1;
	default:
		return ok;
	}
}

static struct kd_cert *ref(X509 *x)
{
	X509_up_ref(x);
	return cert_wrap(x);
}

bool authenticode_chain(const struct ac_sig *s, struct kd_cert *const *anchors, size_t nanchors,
			struct kd_cert ***chain, size_t *n)
{
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	bool anchored = false;

	*chain = NULL;
	*n = 0;
	if (!s->signer || !untrusted || !store || !ctx)
		goto out;
	for (size_t i = 0; i < s->ncerts; i++)
		sk_X509_push(untrusted, s->certs[i]->x509);
	for (size_t i = 0; i < nanchors; i++)
		X509_STORE_add_cert(store, anchors[i]->x509);
	/* any certificate of the chain may be the one db trusts, not only a root */
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
	X509_STORE_set_verify_cb(store, chain_cb);
	if (nanchors && X509_STORE_CTX_init(ctx, store, s->signer->x509, untrusted) == 1 &&
	    X509_verify_cert(ctx) == 1) {
		STACK_OF(X509) *got = X509_STORE_CTX_get0_chain(ctx);

		anchored = true;
		for (int i = 0; i < sk_X509_num(got) && i < MAX_CHAIN; i++) {
			*chain = xreallocarray(*chain, *n + 1, sizeof(**chain));
			(*chain)[(*n)++] = ref(sk_X509_value(got, i));
		}
		goto out;
	}
	/* not anchored: as far as the embedded certificates go */
	{
		X509 *cur = s->signer->x509;

		while (cur && *n < MAX_CHAIN) {
			X509 *next = NULL;

			*chain = xreallocarray(*chain, *n + 1, sizeof(**chain));
			(*chain)[(*n)++] = ref(cur);
			if (X509_check_issued(cur, cur) == X509_V_OK)
				break;
			for (size_t i = 0; i < s->ncerts && !next; i++)
				if (s->certs[i]->x509 != cur &&
				    X509_check_issued(s->certs[i]->x509, cur) == X509_V_OK)
					next = s->certs[i]->x509;
			cur = next;
		}
	}
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	sk_X509_free(untrusted);
	ERR_clear_error();
	return anchored;
}

bool cert_tbs_digest(const struct kd_cert *c, const char *algo, uint8_t out[64], unsigned int *len)
{
	const EVP_MD *md = !strcmp(algo, "sha256") ? EVP_sha256() : !strcmp(algo, "sha384") ?
			   EVP_sha384() : !strcmp(algo, "sha512") ? EVP_sha512() : NULL;
	unsigned char *der = NULL;
	int n = md ? i2d_X509(c->x509, &der) : 0;	/* the bytes as parsed, not a re-encoding */
	struct cursor cur;
	const uint8_t *tbs_start;
	uint8_t tag;
	size_t tlen;
	bool ok = false;

	*len = 0;
	if (n <= 0)
		return false;
	/* Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, ... }: hash the first element whole */
	cur = cur_init(der, (size_t)n);
	if (der_header(&cur, &tag, &tlen) && tag == 0x30) {
		tbs_start = cur.base + cur.pos;
		if (der_header(&cur, &tag, &tlen) && tag == 0x30) {
			size_t whole = (size_t)(cur.base + cur.pos - tbs_start) + tlen;

			ok = range_ok((size_t)n, (size_t)(tbs_start - cur.base), whole) &&
			     EVP_Digest(tbs_start, whole, out, len, md, NULL);
		}
	}
	OPENSSL_free(der);
	return ok;
}

bool cert_tbs_sha256(const struct kd_cert *c, uint8_t out[32])
{
	uint8_t md[64];
	unsigned int len;

	if (!cert_tbs_digest(c, "sha256", md, &len) || len != 32)
		return false;
	memcpy(out, md, 32);
	return true;
}
