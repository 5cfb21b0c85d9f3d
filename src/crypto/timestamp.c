// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * timestamp.c - the timestamps of an Authenticode signature. A timestamp
 * authority countersigns the signer's signature value (encryptedDigest) and
 * says when; Windows then judges the signer's certificates at that time, not
 * now. Two kinds sit in the SignerInfo's unauthenticated attributes:
 *
 *   RFC 3161 (1.3.6.1.4.1.311.3.3.1): a TimeStampToken, a CMS SignedData over
 *     TSTInfo whose messageImprint is a digest of the encryptedDigest and whose
 *     genTime is the time;
 *   legacy Authenticode (PKCS#9 counterSignature, 1.2.840.113549.1.9.6): a
 *     SignerInfo whose messageDigest attribute is a digest of the
 *     encryptedDigest, whose signingTime is the time, and whose certificate is
 *     among those of the outer SignedData.
 *
 * Each is verified here with the certificate it names (no chain to a trusted
 * TSA root: we hold none, as for the signatures themselves), and never with a
 * clock or a network.
 */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/timestamp_priv.h"
#include "crypto/cert_priv.h"
#include "core/util.h"

#define OID_RFC3161_TIMESTAMP "1.3.6.1.4.1.311.3.3.1"
#define MAX_TIMESTAMPS 8
#define MAX_TSA_CHAIN 8

const char *ts_status_name(enum ts_status s)
{
	switch (s) {
	case TS_VALID:
		return "valid";
	case TS_INVALID:
		return "invalid";
	case TS_MALFORMED:
		return "malformed";
	default:
		return "none";
	}
}

void ac_timestamp_free(struct ac_timestamp *t)
{
	free(t->reason);
	free(t->time);
	cert_free(t->tsa);
	for (size_t i = 0; i < t->ntsa_chain; i++)
		cert_free(t->tsa_chain[i]);
	free(t->tsa_chain);
	memset(t, 0, sizeof(*t));
}

static char *time_iso(const ASN1_TIME *t)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return NULL;
	return xasprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static struct kd_cert *ref(X509 *x)
{
	X509_up_ref(x);
	return cert_wrap(x);
}

/* The TSA signer's issuers among certs, nearest first. */
static void tsa_chain(struct ac_timestamp *t, X509 *signer, STACK_OF(X509) *certs)
{
	X509 *cur = signer;

	while (cur && t->ntsa_chain < MAX_TSA_CHAIN && X509_check_issued(cur, cur) != X509_V_OK) {
		X509 *next = NULL;

		for (int i = 0; certs && i < sk_X509_num(certs) && !next; i++) {
			X509 *c = sk_X509_value(certs, i);

			if (c != cur && X509_cmp(c, cur) && X509_check_issued(c, cur) == X509_V_OK)
				next = c;
		}
		if (!next)
			break;
		t->tsa_chain = xreallocarray(t->tsa_chain, t->ntsa_chain + 1, sizeof(*t->tsa_chain));
		t->tsa_chain[t->ntsa_chain++] = ref(next);
		cur = next;
	}
}

static bool digest_is(const EVP_MD *md, const ASN1_OCTET_STRING *want, const ASN1_OCTET_STRING *of)
{
	uint8_t got[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!md || !want || !of ||
	    !EVP_Digest(ASN1_STRING_get0_data(of), (size_t)ASN1_STRING_length(of), got, &n, md, NULL))
		return false;
	return (int)n == ASN1_STRING_length(want) && !memcmp(got, ASN1_STRING_get0_data(want), n);
}

static void fail(struct ac_timestamp *t, enum ts_status st, char *reason)
{
	t->status = st;
	free(t->reason);
	t->reason = reason;
}

/* RFC 3161: the TimeStampToken der[0..n) against the signature value sigval. */
static void rfc3161(const uint8_t *der, size_t n, const ASN1_OCTET_STRING *sigval,
		    STACK_OF(X509) *outer, struct ac_timestamp *t)
{
	const unsigned char *q = der;
	CMS_ContentInfo *cms = n <= LONG_MAX ? d2i_CMS_ContentInfo(NULL, &q, (long)n) : NULL;
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509) *certs = NULL;
	const ASN1_OBJECT *algo_obj;
	TS_MSG_IMPRINT *imprint;
	TS_TST_INFO *tst = NULL;
	X509_ALGOR *algo;
	BIO *out = NULL;
	BUF_MEM *mem;
	X509 *signer = NULL;

	t->kind = "rfc3161";
	if (!cms || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		fail(t, TS_MALFORMED, crypto_errors("RFC 3161 timestamp is not a CMS SignedData"));
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_id_smime_ct_TSTInfo) {
		fail(t, TS_MALFORMED, xstrdup("RFC 3161 timestamp does not hold a TSTInfo"));
		goto out;
	}
	sis = CMS_get0_SignerInfos(cms);
	if (!sis || sk_CMS_SignerInfo_num(sis) != 1) {
		fail(t, TS_MALFORMED, xstrdup("RFC 3161 timestamp has not exactly one signer"));
		goto out;
	}
	/* the TSA's certificate: in the token, else (as some signers put it) in the outer SignedData */
	certs = CMS_get1_certs(cms);
	if (!certs)
		certs = sk_X509_new_null();
	for (int i = 0; outer && certs && i < sk_X509_num(outer); i++) {
		X509 *x = sk_X509_value(outer, i);

		if (X509_up_ref(x) && !sk_X509_push(certs, x))
			X509_free(x);
	}
	for (int i = 0; certs && i < sk_X509_num(certs) && !signer; i++)
		if (CMS_SignerInfo_cert_cmp(sk_CMS_SignerInfo_value(sis, 0), sk_X509_value(certs, i)) == 0)
			signer = sk_X509_value(certs, i);
	if (signer) {
		t->tsa = ref(signer);
		tsa_chain(t, signer, certs);
	}
	out = BIO_new(BIO_s_mem());
	/* the signer only, not a chain to a TSA root: the chain is reported, not anchored */
	if (!signer || !out ||
	    CMS_verify(cms, certs, NULL, NULL, out, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
		fail(t, TS_INVALID, crypto_errors(signer ? "RFC 3161 timestamp signature does not verify" :
						  "RFC 3161 timestamp signer certificate not embedded"));
		/* still say when it claims, from the content, for the reader */
	}
	if (t->status != TS_INVALID && BIO_get_mem_ptr(out, &mem) > 0 && mem) {
		const unsigned char *c = (const unsigned char *)mem->data;

		tst = mem->length <= LONG_MAX ? d2i_TS_TST_INFO(NULL, &c, (long)mem->length) : NULL;
	} else {
		ASN1_OCTET_STRING **pos = CMS_get0_content(cms);
		const unsigned char *c = pos && *pos ? ASN1_STRING_get0_data(*pos) : NULL;

		tst = c ? d2i_TS_TST_INFO(NULL, &c, ASN1_STRING_length(*pos)) : NULL;
	}
	if (!tst) {
		fail(t, TS_MALFORMED, crypto_errors("RFC 3161 TSTInfo unparseable"));
		goto out;
	}
	t->time = time_iso(TS_TST_INFO_get_time(tst));
	if (t->status == TS_INVALID)
		goto out;
	if (!t->time) {
		fail(t, TS_MALFORMED, xstrdup("RFC 3161 genTime unreadable"));
		goto out;
	}
	imprint = TS_TST_INFO_get_msg_imprint(tst);
	algo = imprint ? TS_MSG_IMPRINT_get_algo(imprint) : NULL;
	X509_ALGOR_get0(&algo_obj, NULL, NULL, algo);
	if (!imprint || !digest_is(EVP_get_digestbyobj(algo_obj), TS_MSG_IMPRINT_get_msg(imprint),
				   sigval)) {
		fail(t, TS_INVALID,
		     xstrdup("RFC 3161 messageImprint is not a digest of this signature's value"));
		goto out;
	}
	t->status = TS_VALID;
out:
	TS_TST_INFO_free(tst);
	BIO_free(out);
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
}

/* The legacy counterSignature: a SignerInfo over the signature value sigval. */
static void legacy(const uint8_t *der, size_t n, const ASN1_OCTET_STRING *sigval,
		   STACK_OF(X509) *certs, struct ac_timestamp *t)
{
	const unsigned char *q = der;
	PKCS7_SIGNER_INFO *si = n <= LONG_MAX ? d2i_PKCS7_SIGNER_INFO(NULL, &q, (long)n) : NULL;
	ASN1_OCTET_STRING *md_attr;
	unsigned char *attrs = NULL;
	const EVP_MD *md;
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY *key;
	ASN1_TYPE *when;
	X509 *signer = NULL;
	int alen;

	t->kind = "legacy";
	if (!si || !si->issuer_and_serial || !si->digest_alg || !si->enc_digest) {
		fail(t, TS_MALFORMED, crypto_errors("counterSignature is not a SignerInfo"));
		goto out;
	}
	signer = certs ? X509_find_by_issuer_and_serial(certs, si->issuer_and_serial->issuer,
							si->issuer_and_serial->serial) : NULL;
	if (signer) {
		t->tsa = ref(signer);
		tsa_chain(t, signer, certs);
	}
	when = PKCS7_get_signed_attribute(si, NID_pkcs9_signingTime);
	if (when && (when->type == V_ASN1_UTCTIME || when->type == V_ASN1_GENERALIZEDTIME))
		t->time = time_iso((const ASN1_TIME *)when->value.ptr);
	if (!t->time) {
		fail(t, TS_MALFORMED, xstrdup("counterSignature has no readable signingTime"));
		goto out;
	}
	md = EVP_get_digestbyobj(si->digest_alg->algorithm);
	md_attr = PKCS7_digest_from_attributes(si->auth_attr);
	if (!md || !md_attr) {
		fail(t, TS_MALFORMED, xstrdup(md ? "counterSignature has no messageDigest" :
					      "counterSignature digest algorithm unknown"));
		goto out;
	}
	if (!digest_is(md, md_attr, sigval)) {
		fail(t, TS_INVALID,
		     xstrdup("counterSignature messageDigest is not a digest of this signature's value"));
		goto out;
	}
	if (!signer) {
		fail(t, TS_INVALID, xstrdup("counterSignature certificate not embedded"));
		goto out;
	}
	/* the signature covers the DER of the authenticated attributes as a SET OF */
	alen = ASN1_item_i2d((ASN1_VALUE *)si->auth_attr, &attrs, ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY));
	key = X509_get0_pubkey(signer);
	ctx = EVP_MD_CTX_new();
	if (alen <= 0 || !key || !ctx || EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) != 1 ||
	    EVP_DigestVerify(ctx, ASN1_STRING_get0_data(si->enc_digest),
			     (size_t)ASN1_STRING_length(si->enc_digest), attrs, (size_t)alen) != 1) {
		fail(t, TS_INVALID, crypto_errors("counterSignature signature does not verify"));
		goto out;
	}
	t->status = TS_VALID;
out:
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(attrs);
	PKCS7_SIGNER_INFO_free(si);
	ERR_clear_error();
}

#define OID_TIMESTAMPING_EKU "1.3.6.1.5.5.7.3.8"

/*
 * What Windows also wants of a timestamp's signer: the timeStamping extended
 * key usage, and a validity period that holds the time it gives.
 */
static void tsa_checks(struct ac_timestamp *t)
{
	const struct cert_info *ci;

	if (t->status != TS_VALID || !t->tsa)
		return;
	ci = cert_get_info(t->tsa);
	if (!cert_has_eku(t->tsa, OID_TIMESTAMPING_EKU))
		fail(t, TS_INVALID, xstrdup("the timestamp's signer lacks the timeStamping extended key usage"));
	else if ((*ci->not_before && strcmp(t->time, ci->not_before) < 0) ||
		 (*ci->not_after && strcmp(t->time, ci->not_after) > 0))
		fail(t, TS_INVALID, xasprintf("the timestamp's signer was not valid at %s (valid %s to %s)",
					      t->time, ci->not_before, ci->not_after));
}

/* Keep the better of two: a valid one, else the first. */
static void keep(struct ac_timestamp *best, struct ac_timestamp *t)
{
	best->count++;
	if (!best->kind || (best->status != TS_VALID && t->status == TS_VALID)) {
		unsigned count = best->count;

		ac_timestamp_free(best);
		*best = *t;
		best->count = count;
		return;
	}
	ac_timestamp_free(t);
}

void ac_timestamps(PKCS7 *p7, struct ac_timestamp *out)
{
	STACK_OF(PKCS7_SIGNER_INFO) *sis = PKCS7_get_signer_info(p7);
	PKCS7_SIGNER_INFO *si = sis && sk_PKCS7_SIGNER_INFO_num(sis) > 0 ?
				sk_PKCS7_SIGNER_INFO_value(sis, 0) : NULL;
	STACK_OF(X509_ATTRIBUTE) *attrs = si ? si->unauth_attr : NULL;
	ASN1_OBJECT *rfc = OBJ_txt2obj(OID_RFC3161_TIMESTAMP, 1);
	unsigned seen = 0;

	for (int a = 0; attrs && rfc && a < sk_X509_ATTRIBUTE_num(attrs); a++) {
		X509_ATTRIBUTE *at = sk_X509_ATTRIBUTE_value(attrs, a);
		const ASN1_OBJECT *obj = X509_ATTRIBUTE_get0_object(at);
		bool is_rfc = !OBJ_cmp(obj, rfc);

		if (!is_rfc && OBJ_obj2nid(obj) != NID_pkcs9_countersignature)
			continue;
		for (int v = 0; v < X509_ATTRIBUTE_count(at) && seen < MAX_TIMESTAMPS; v++, seen++) {
			ASN1_TYPE *ty = X509_ATTRIBUTE_get0_type(at, v);
			struct ac_timestamp t = { 0 };

			if (!ty || ty->type != V_ASN1_SEQUENCE) {
				t.kind = is_rfc ? "rfc3161" : "legacy";
				t.status = TS_MALFORMED;
				t.reason = xstrdup("timestamp attribute value is not a SEQUENCE");
			} else if (is_rfc) {
				rfc3161(ty->value.sequence->data, (size_t)ty->value.sequence->length,
					si->enc_digest, p7->d.sign->cert, &t);
			} else {
				legacy(ty->value.sequence->data, (size_t)ty->value.sequence->length,
				       si->enc_digest, p7->d.sign->cert, &t);
			}
			tsa_checks(&t);
			keep(out, &t);
		}
	}
	ASN1_OBJECT_free(rfc);
	ERR_clear_error();
}
