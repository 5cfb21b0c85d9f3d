/* SPDX-License-Identifier: GPL-2.0-or-later */
/* crypto_priv.h - what the OpenSSL files (cert.c, pkcs7.c, authenticode.c, catalog.c) share. */
#ifndef KD_CRYPTO_PRIV_H
#define KD_CRYPTO_PRIV_H

#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "crypto/authenticode.h"
#include "crypto/cert.h"
#include "core/cursor.h"

struct kd_cert {
	X509 *x509;
	struct cert_info info;
};

/* Wrap an X509 (taking the reference) and describe it. */
struct kd_cert *cert_wrap(X509 *x);
/* "CN=a, O=b" plus the attributes as short-name/value pairs. */
char *crypto_name_string(const X509_NAME *name, struct kvlist *attrs);
char *crypto_asn1_hex(const ASN1_STRING *s);
/* Take OpenSSL's error queue as one string, clearing it. */
char *crypto_errors(const char *prefix);

/* One DER header: tag and content length; the cursor moves to the content. */
bool der_header(struct cursor *c, uint8_t *tag, size_t *len);
/*
 * SpcIndirectDataContent ::= SEQUENCE { data SpcAttributeTypeAndOptionalValue,
 *     messageDigest DigestInfo }; DigestInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }
 * p points at the SEQUENCE's content. Fills s's digest algorithm and digest.
 */
bool ac_parse_indirect_data(const uint8_t *p, size_t n, struct ac_sig *s);
/* The certificates embedded in a PKCS#7 SignedData, into s->certs. */
void ac_embedded_certs(PKCS7 *p7, struct ac_sig *s);
/*
 * The signer of a PKCS#7 SignedData into s, and whether its signature covers
 * content (the signed content's contents octets).
 */
void ac_verify_signed(PKCS7 *p7, const uint8_t *content, size_t len, struct ac_sig *s);

#endif
