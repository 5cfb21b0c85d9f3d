// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pkcs7.c - parse and verify the detached PKCS#7 (CMS) signature of a module.
 *
 * Module signatures carry no certificates (sign-file uses CMS_NOCERTS), so the
 * kernel, and we, find the signer's key by its identifier: issuer and serial,
 * or subject key id. Verification is pinned to that one certificate; no chain
 * is built and no time is checked, as in the kernel.
 */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/cert_priv.h"
#include "crypto/ecdsa_fixed.h"
#include "crypto/pkcs7.h"
#include "core/util.h"

/*
 * The first signer of a SignedData, kept without the rest of it: a scan holds
 * one per module file (thousands) between hashing and verifying.
 */
struct kd_pkcs7 {
	X509_NAME *issuer;		/* issuerAndSerialNumber, or NULL */
	ASN1_INTEGER *serial;
	ASN1_OCTET_STRING *keyid;	/* subjectKeyIdentifier, or NULL */
	ASN1_OBJECT *digest;		/* the digest algorithm, or NULL when none is named */
	char *sig_algo;			/* the signature algorithm's name */
	ASN1_OCTET_STRING *signature;
};

static char *algor_name(const X509_ALGOR *alg)
{
	const ASN1_OBJECT *obj;
	char buf[80];
	int nid;

	if (!alg)
		return xstrdup("unknown");
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	nid = OBJ_obj2nid(obj);
	if (nid != NID_undef)
		return xstrdup(OBJ_nid2ln(nid));	/* "sha256", "rsaEncryption" */
	OBJ_obj2txt(buf, sizeof(buf), obj, 1);
	return xstrdup(buf);
}

int pkcs7_parse(const uint8_t *p, size_t n, struct kd_pkcs7 **out, struct sig_signer *signer,
		char **reason)
{
	const unsigned char *q = p;
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509) *certs;
	ASN1_OCTET_STRING *keyid = NULL;
	X509_NAME *issuer = NULL;
	ASN1_INTEGER *sno = NULL;
	X509_ALGOR *dig = NULL, *sig = NULL;
	struct kd_pkcs7 *p7;
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;

	memset(signer, 0, sizeof(*signer));
	*out = NULL;
	*reason = NULL;
	if (n > 1u << 20) {
		*reason = xstrdup("PKCS#7 signature larger than 1 MiB");
		return -1;
	}
	cms = d2i_CMS_ContentInfo(NULL, &q, (long)n);
	if (!cms) {
		*reason = crypto_errors("PKCS#7 unparseable");
		return -1;
	}
	if ((size_t)(q - p) != n) {
		CMS_ContentInfo_free(cms);
		*reason = xstrdup("PKCS#7 is followed by unexpected bytes");
		return -1;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		CMS_ContentInfo_free(cms);
		*reason = xstrdup("PKCS#7 is not signedData");
		return -1;
	}
	sis = CMS_get0_SignerInfos(cms);
	if (!sis || sk_CMS_SignerInfo_num(sis) < 1) {
		CMS_ContentInfo_free(cms);
		*reason = xstrdup("PKCS#7 has no signer");
		return -1;
	}
	si = sk_CMS_SignerInfo_value(sis, 0);
	signer->signer_count = sk_CMS_SignerInfo_num(sis);
	certs = CMS_get1_certs(cms);
	signer->embedded_certs = certs ? sk_X509_num(certs) : 0;
	sk_X509_pop_free(certs, X509_free);
	signer->has_signed_attrs = CMS_signed_get_attr_count(si) > 0;
	p7 = xcalloc(1, sizeof(*p7));
	if (CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &sno) == 1) {
		if (issuer) {
			signer->issuer = crypto_name_string(issuer, &signer->issuer_attrs);
			p7->issuer = X509_NAME_dup(issuer);
		}
		if (sno) {
			signer->serial = crypto_asn1_hex(sno);
			p7->serial = ASN1_INTEGER_dup(sno);
		}
		if (keyid) {
			signer->skid = crypto_asn1_hex(keyid);
			p7->keyid = ASN1_OCTET_STRING_dup(keyid);
		}
	}
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	signer->hash_algo = algor_name(dig);
	signer->pkey_algo = algor_name(sig);
	p7->sig_algo = xstrdup(signer->pkey_algo);
	if (dig) {
		const ASN1_OBJECT *obj;

		X509_ALGOR_get0(&obj, NULL, NULL, dig);
		p7->digest = OBJ_dup(obj);
	}
	p7->signature = ASN1_OCTET_STRING_dup(CMS_SignerInfo_get0_signature(si));
	CMS_ContentInfo_free(cms);
	if ((issuer && !p7->issuer) || (sno && !p7->serial) || (keyid && !p7->keyid) ||
	    (dig && !p7->digest) || !p7->signature) {
		pkcs7_free(p7);
		sig_signer_free(signer);
		*reason = crypto_errors("PKCS#7 signer not copied");
		return -1;
	}
	ERR_clear_error();
	*out = p7;
	return 0;
}

/* What CMS_SignerInfo_cert_cmp compares: the key id with the SKID, or issuer and serial. */
bool pkcs7_signer_is(const struct kd_pkcs7 *p7, const struct kd_cert *cert)
{
	if (p7->keyid) {
		const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(cert->x509);

		return skid && ASN1_OCTET_STRING_cmp(p7->keyid, skid) == 0;
	}
	return p7->issuer && p7->serial &&
	       X509_NAME_cmp(p7->issuer, X509_get_issuer_name(cert->x509)) == 0 &&
	       ASN1_INTEGER_cmp(p7->serial, X509_get0_serialNumber(cert->x509)) == 0;
}

struct kd_digest {
	EVP_MD_CTX *ctx;
};

struct kd_digest *pkcs7_digest_begin(const struct kd_pkcs7 *p7, char **reason)
{
	const EVP_MD *type;
	struct kd_digest *d;

	*reason = NULL;
	if (!p7->digest) {
		*reason = xstrdup("PKCS#7 names no digest algorithm");
		return NULL;
	}
	type = EVP_get_digestbyobj(p7->digest);
	if (!type) {
		*reason = xstrdup("digest algorithm not supported");
		return NULL;
	}
	d = xcalloc(1, sizeof(*d));
	d->ctx = EVP_MD_CTX_new();
	if (!d->ctx || !EVP_DigestInit_ex(d->ctx, type, NULL)) {
		*reason = crypto_errors("digest failed");
		EVP_MD_CTX_free(d->ctx);
		free(d);
		return NULL;
	}
	return d;
}

void kd_digest_update(struct kd_digest *d, const void *p, size_t n)
{
	EVP_DigestUpdate(d->ctx, p, n);
}

int kd_digest_end(struct kd_digest *d, uint8_t *md, unsigned int *mdlen)
{
	int ok = d ? EVP_DigestFinal_ex(d->ctx, md, mdlen) : 0;

	if (d) {
		EVP_MD_CTX_free(d->ctx);
		free(d);
	}
	ERR_clear_error();
	return ok == 1 ? 0 : -1;
}

int pkcs7_digest(const struct kd_pkcs7 *p7, const uint8_t *content, size_t len, uint8_t *md,
		 unsigned int *mdlen, char **reason)
{
	struct kd_digest *d = pkcs7_digest_begin(p7, reason);

	if (!d)
		return -1;
	kd_digest_update(d, content, len);
	if (kd_digest_end(d, md, mdlen)) {
		*reason = xstrdup("digest failed");
		return -1;
	}
	return 0;
}

static bool key_fits_algorithm(const EVP_PKEY *pk, const char *sigalg)
{
	int id = EVP_PKEY_get_base_id(pk);

	if (id == EVP_PKEY_RSA)
		return strstr(sigalg, "RSA") || strstr(sigalg, "rsa");
	if (id == EVP_PKEY_EC)
		return strstr(sigalg, "ecdsa") || strstr(sigalg, "id-ecPublicKey");
	return false;
}

/* signatures a key verifies the usual way before its tables are built (about 4 verifications' cost) */
#define FIXED_AFTER 16
static pthread_mutex_t fixed_lock = PTHREAD_MUTEX_INITIALIZER;

/* cert's EC tables, built by the first thread that asks once the key has been used enough. */
static const struct ecdsa_fixed *fixed_tables(const struct kd_cert *cert, EVP_PKEY *pk)
{
	struct cert_speedup *su = cert->speedup;

	if (atomic_load(&su->tried))
		return atomic_load(&su->ecdsa);
	if (atomic_fetch_add(&su->uses, 1) + 1 < FIXED_AFTER)
		return NULL;
	pthread_mutex_lock(&fixed_lock);
	if (!atomic_load(&su->tried)) {
		atomic_store(&su->ecdsa, ecdsa_fixed_new(pk));
		atomic_store(&su->tried, true);
	}
	pthread_mutex_unlock(&fixed_lock);
	return atomic_load(&su->ecdsa);
}

enum verify_result pkcs7_verify_digest(const struct kd_pkcs7 *p7, const struct kd_cert *cert,
				       const uint8_t *md, unsigned int mdlen, char **reason)
{
	const ASN1_OCTET_STRING *sig = p7->signature;
	EVP_PKEY *pk = X509_get0_pubkey(cert->x509);
	const char *alg = p7->sig_algo;
	const EVP_MD *md_type;
	EVP_PKEY_CTX *ctx;
	int r;

	*reason = NULL;
	if (!pkcs7_signer_is(p7, cert)) {
		*reason = xstrdup("certificate is not the one the signature names");
		return VERIFY_ERROR;
	}
	if (!pk) {
		*reason = crypto_errors("certificate public key unreadable");
		return VERIFY_ERROR;
	}
	if (strstr(alg, "Pss") || strstr(alg, "PSS")) {
		*reason = xasprintf("signature algorithm %s not supported", alg);
		return VERIFY_ERROR;
	}
	if (!key_fits_algorithm(pk, alg)) {
		*reason = xasprintf("signature algorithm %s does not fit the certificate's key", alg);
		return VERIFY_BAD;
	}
	md_type = p7->digest ? EVP_get_digestbyobj(p7->digest) : NULL;
	/*
	 * A key that signs many modules: its tables say "valid" in less than half
	 * the time. Anything else (a refusal included) is asked of EVP, whose answer
	 * and reason are the ones reported.
	 */
	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC && md_type &&
	    mdlen == (unsigned int)EVP_MD_get_size(md_type)) {
		const struct ecdsa_fixed *f = fixed_tables(cert, pk);

		if (f && ecdsa_fixed_verify(f, ASN1_STRING_get0_data(sig),
					    (size_t)ASN1_STRING_length(sig), md, mdlen) == 1)
			return VERIFY_OK;
	}
	ctx = EVP_PKEY_CTX_new(pk, NULL);
	/*
	 * With no signed attributes (the kernel refuses them) the signature covers
	 * the content digest directly, which is what CMS would check too.
	 */
	if (!ctx || EVP_PKEY_verify_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, md_type) <= 0) {
		EVP_PKEY_CTX_free(ctx);
		*reason = crypto_errors("signature could not be checked");
		return VERIFY_ERROR;
	}
	r = EVP_PKEY_verify(ctx, ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig), md,
			    mdlen);
	EVP_PKEY_CTX_free(ctx);
	if (r == 1) {
		ERR_clear_error();
		return VERIFY_OK;
	}
	*reason = crypto_errors("signature does not match the module content");
	return VERIFY_BAD;
}

enum verify_result pkcs7_verify(const struct kd_pkcs7 *p7, const struct kd_cert *cert,
				const uint8_t *content, size_t len, char **reason)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;

	if (pkcs7_digest(p7, content, len, md, &mdlen, reason))
		return VERIFY_ERROR;
	return pkcs7_verify_digest(p7, cert, md, mdlen, reason);
}

void pkcs7_free(struct kd_pkcs7 *p7)
{
	if (!p7)
		return;
	X509_NAME_free(p7->issuer);
	ASN1_INTEGER_free(p7->serial);
	ASN1_OCTET_STRING_free(p7->keyid);
	ASN1_OBJECT_free(p7->digest);
	free(p7->sig_algo);
	ASN1_OCTET_STRING_free(p7->signature);
	free(p7);
}

void sig_signer_free(struct sig_signer *s)
{
	free(s->issuer);
	kv_free(&s->issuer_attrs);
	free(s->serial);
	free(s->skid);
	free(s->hash_algo);
	free(s->pkey_algo);
	memset(s, 0, sizeof(*s));
}
