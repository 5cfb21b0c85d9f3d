// SPDX-License-Identifier: GPL-2.0-or-later
/* cert.c - load X.509 certificates (DER, PEM) and describe them. */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/cert_priv.h"
#include "crypto/ecdsa_fixed.h"
#include "core/cursor.h"
#include "core/util.h"

#define CERT_MIN_DER 128
#define CERT_MAX_DER (64 * 1024)

void crypto_init(void)
{
	/*
	 * No openssl.cnf: a host's configuration could load other providers or
	 * change defaults, and the same input must give the same report anywhere.
	 */
	OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
}

char *crypto_errors(const char *prefix)
{
	struct strbuf sb;
	unsigned long e;

	sb_init(&sb);
	sb_puts(&sb, prefix);
	while ((e = ERR_get_error())) {
		const char *r = ERR_reason_error_string(e);

		sb_printf(&sb, "%s%s", sb.len ? ": " : "", r ? r : "unknown OpenSSL error");
	}
	return sb_steal(&sb);
}

char *crypto_asn1_hex(const ASN1_STRING *s)
{
	return hex_encode(ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s), 0);
}

char *crypto_name_string(const X509_NAME *name, struct kvlist *attrs)
{
	struct strbuf sb;
	int count = X509_NAME_entry_count(name);

	sb_init(&sb);
	for (int i = 0; i < count; i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
		int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
		unsigned char *utf8 = NULL;
		char oid[64];
		const char *key;
		int len;

		if (nid != NID_undef) {
			key = OBJ_nid2sn(nid);
		} else {
			OBJ_obj2txt(oid, sizeof(oid), X509_NAME_ENTRY_get_object(e), 1);
			key = oid;
		}
		len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
		if (len < 0)
			continue;
		/* a NUL inside a name must not cut it short ("Kaspersky Lab\0.example"): show it */
		{
			struct strbuf v;

			sb_init(&v);
			for (int k = 0; k < len; k++) {
				if (utf8[k])
					sb_putc(&v, (char)utf8[k]);
				else
					sb_puts(&v, "\xe2\x90\x80");	/* U+2400 SYMBOL FOR NULL */
			}
			sb_printf(&sb, "%s%s=%s", sb.len ? ", " : "", key, v.s ? v.s : "");
			if (attrs)
				kv_add(attrs, key, v.s ? v.s : "");
			sb_free(&v);
		}
		OPENSSL_free(utf8);
	}
	return sb_steal(&sb);
}

static char *asn1_time_iso(const ASN1_TIME *t)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return xstrdup("");
	return xasprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

char *sha256_hex(const void *p, size_t n)
{
	uint8_t md[32];

	if (!EVP_Digest(p, n, md, NULL, EVP_sha256(), NULL))
		return xstrdup("");
	return hex_encode(md, sizeof(md), 0);
}

static char *der_sha256(const X509 *x, int (*i2d)(const X509 *, unsigned char **))
{
	unsigned char *der = NULL;
	int len = i2d(x, &der);
	char *hex;

	if (len <= 0)
		return xstrdup("");
	hex = sha256_hex(der, (size_t)len);
	OPENSSL_free(der);
	return hex;
}

static int i2d_pubkey_of(const X509 *x, unsigned char **out)
{
	return i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), out);
}

struct kd_cert *cert_wrap(X509 *x)
{
	struct kd_cert *c = xcalloc(1, sizeof(*c));
	struct cert_info *i = &c->info;
	const ASN1_OCTET_STRING *skid;
	EVP_PKEY *pk;

	c->x509 = x;
	c->speedup = xcalloc(1, sizeof(*c->speedup));
	i->subject = crypto_name_string(X509_get_subject_name(x), &i->subject_attrs);
	i->issuer = crypto_name_string(X509_get_issuer_name(x), &i->issuer_attrs);
	i->serial = crypto_asn1_hex(X509_get0_serialNumber(x));
	skid = X509_get0_subject_key_id(x);
	i->skid = skid ? crypto_asn1_hex(skid) : NULL;
	i->sha256 = der_sha256(x, i2d_X509);
	i->pubkey_sha256 = der_sha256(x, i2d_pubkey_of);
	pk = X509_get0_pubkey(x);
	i->key_type = pk && EVP_PKEY_get0_type_name(pk) ?
			      xasprintf("%s%d", EVP_PKEY_get0_type_name(pk), EVP_PKEY_get_bits(pk)) :
			      xstrdup("unknown");
	for (char *s = i->key_type; *s; s++)
		*s = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
	i->not_before = asn1_time_iso(X509_get0_notBefore(x));
	i->not_after = asn1_time_iso(X509_get0_notAfter(x));
	ERR_clear_error();
	return c;
}

bool der_cert_candidate(const uint8_t *p, size_t n, size_t *total)
{
	struct cursor c = cur_init(p, n);
	uint8_t tag, lenbyte, hi, lo, inner;
	size_t len;

	/* SEQUENCE with a two-byte length, whose first element is again a long SEQUENCE */
	if (!cur_u8(&c, &tag) || tag != 0x30 || !cur_u8(&c, &lenbyte) || lenbyte != 0x82 ||
	    !cur_u8(&c, &hi) || !cur_u8(&c, &lo) || !cur_u8(&c, &inner) || inner != 0x30)
		return false;
	len = 4 + ((size_t)hi << 8 | lo);
	if (len < CERT_MIN_DER || len > n)
		return false;
	*total = len;
	return true;
}

struct kd_cert *cert_from_der(const uint8_t *p, size_t n, size_t *used)
{
	const unsigned char *q = p;
	X509 *x;

	if (n > CERT_MAX_DER)
		n = CERT_MAX_DER;
	x = d2i_X509(NULL, &q, (long)n);
	if (!x) {
		ERR_clear_error();
		return NULL;
	}
	if (used)
		*used = (size_t)(q - p);
	return cert_wrap(x);
}

int certs_from_bytes(const uint8_t *p, size_t n, struct kd_cert ***out, const char **reason)
{
	struct kd_cert **v = NULL;
	size_t used;
	int count = 0;
	BIO *bio;
	X509 *x;

	*out = NULL;
	if (n > 16u << 20) {
		*reason = "certificate file larger than 16 MiB";
		return -1;
	}
	if (n && p[0] == 0x30) {
		struct kd_cert *c = cert_from_der(p, n, &used);

		if (!c) {
			*reason = "not a DER X.509 certificate";
			return -1;
		}
		v = xmalloc(sizeof(*v));
		v[0] = c;
		*out = v;
		return 1;
	}
	bio = BIO_new_mem_buf(p, (int)n);
	if (!bio) {
		*reason = "out of memory";
		return -1;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		v = xreallocarray(v, (size_t)count + 1, sizeof(*v));
		v[count++] = cert_wrap(x);
	}
	ERR_clear_error();
	BIO_free(bio);
	if (!count) {
		*reason = "no DER or PEM X.509 certificate found";
		return -1;
	}
	*out = v;
	return count;
}

const struct cert_info *cert_get_info(const struct kd_cert *c)
{
	return &c->info;
}

bool cert_has_eku(const struct kd_cert *c, const char *oid)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(c->x509, NID_ext_key_usage, NULL, NULL);
	ASN1_OBJECT *want = OBJ_txt2obj(oid, 1);
	bool found = false;

	for (int i = 0; eku && want && i < sk_ASN1_OBJECT_num(eku) && !found; i++)
		found = !OBJ_cmp(sk_ASN1_OBJECT_value(eku, i), want);
	ASN1_OBJECT_free(want);
	EXTENDED_KEY_USAGE_free(eku);
	ERR_clear_error();
	return found;
}

struct kd_cert *cert_dup(const struct kd_cert *c)
{
	X509_up_ref(c->x509);
	return cert_wrap(c->x509);
}

bool cert_equal(const struct kd_cert *a, const struct kd_cert *b)
{
	return strcmp(a->info.sha256, b->info.sha256) == 0;
}

void cert_free(struct kd_cert *c)
{
	struct cert_info *i;

	if (!c)
		return;
	i = &c->info;
	X509_free(c->x509);
	free(i->subject);
	free(i->issuer);
	kv_free(&i->subject_attrs);
	kv_free(&i->issuer_attrs);
	free(i->serial);
	free(i->skid);
	free(i->sha256);
	free(i->pubkey_sha256);
	free(i->key_type);
	free(i->not_before);
	free(i->not_after);
	ecdsa_fixed_free(atomic_load(&c->speedup->ecdsa));
	free(c->speedup);
	free(c);
}
