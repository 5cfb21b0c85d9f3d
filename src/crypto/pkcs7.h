/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pkcs7.h - PKCS#7 detached signatures of kernel modules (no OpenSSL types here). */
#ifndef KD_PKCS7_H
#define KD_PKCS7_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/cert.h"
#include "core/util.h"

struct kd_pkcs7;

struct sig_signer {
	char *issuer;			/* issuer name from issuerAndSerialNumber, or NULL */
	struct kvlist issuer_attrs;
	char *serial;			/* lower-case hex, or NULL */
	char *skid;			/* lower-case hex when identified by key id, or NULL */
	char *hash_algo;		/* e.g. "sha256" */
	char *pkey_algo;		/* e.g. "rsaEncryption" */
	int signer_count;
	int embedded_certs;
	bool has_signed_attrs;
};

/* Parse DER PKCS#7 signedData. Returns 0, or -1 with *reason (allocated). */
int pkcs7_parse(const uint8_t *p, size_t n, struct kd_pkcs7 **out, struct sig_signer *signer,
		char **reason);
/* Does this certificate identify the (first) signer? */
bool pkcs7_signer_is(const struct kd_pkcs7 *p7, const struct kd_cert *cert);

enum verify_result {
	VERIFY_OK,
	VERIFY_BAD,		/* the math failed: content or signature altered */
	VERIFY_ERROR,		/* could not decide (unsupported algorithm, ...) */
};

#define PKCS7_MAX_MD 64

/* Digest the content with the signer's digest algorithm. Returns 0, or -1 with *reason. */
int pkcs7_digest(const struct kd_pkcs7 *p7, const uint8_t *content, size_t len, uint8_t *md,
		 unsigned int *mdlen, char **reason);
/* The same in pieces, for content streamed from a file. */
struct kd_digest;
struct kd_digest *pkcs7_digest_begin(const struct kd_pkcs7 *p7, char **reason);
void kd_digest_update(struct kd_digest *d, const void *p, size_t n);
/* Finishes and frees d (NULL allowed, then fails). Returns 0 or -1. */
int kd_digest_end(struct kd_digest *d, uint8_t *md, unsigned int *mdlen);
/*
 * Check the signature over that digest with the certificate's key. Module
 * signatures carry no signed attributes (the kernel refuses them), so the
 * signature covers the content digest itself. *reason is allocated.
 */
enum verify_result pkcs7_verify_digest(const struct kd_pkcs7 *p7, const struct kd_cert *cert,
				       const uint8_t *md, unsigned int mdlen, char **reason);
/* Both of the above: verify the detached content against the signer's certificate. */
enum verify_result pkcs7_verify(const struct kd_pkcs7 *p7, const struct kd_cert *cert,
				const uint8_t *content, size_t len, char **reason);
void pkcs7_free(struct kd_pkcs7 *p7);
void sig_signer_free(struct sig_signer *s);

#endif
