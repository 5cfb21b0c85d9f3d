/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cert.h - X.509 certificates as kdetect sees them (no OpenSSL types here). */
#ifndef KD_CERT_H
#define KD_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

struct kd_cert;

struct cert_info {
	char *subject;			/* "CN=..., O=..." in certificate order */
	char *issuer;
	struct kvlist subject_attrs;	/* short name -> value, e.g. O, CN, serialNumber */
	struct kvlist issuer_attrs;
	char *serial;			/* lower-case hex */
	char *skid;			/* lower-case hex, or NULL */
	char *sha256;			/* of the DER certificate */
	char *pubkey_sha256;		/* of the DER SubjectPublicKeyInfo */
	char *key_type;			/* e.g. "rsa4096" */
	char *not_before;		/* YYYY-MM-DDTHH:MM:SSZ */
	char *not_after;
};

void crypto_init(void);

/*
 * Parse one DER certificate at p. The encoding must be complete and exactly as
 * long as its header says; *used gets that length. NULL if it is not one.
 */
struct kd_cert *cert_from_der(const uint8_t *p, size_t n, size_t *used);
/* Parse a DER or PEM file's bytes (PEM may hold several). Returns count, or -1 with *reason. */
int certs_from_bytes(const uint8_t *p, size_t n, struct kd_cert ***out, const char **reason);
const struct cert_info *cert_get_info(const struct kd_cert *c);
/* Does the certificate list this extended key usage (dotted OID)? */
bool cert_has_eku(const struct kd_cert *c, const char *oid);
/* Another handle on the same certificate (freed with cert_free). */
struct kd_cert *cert_dup(const struct kd_cert *c);
/* Same certificate (equal DER)? */
bool cert_equal(const struct kd_cert *a, const struct kd_cert *b);
void cert_free(struct kd_cert *c);

/* Lower-case hex SHA-256 of a buffer. */
char *sha256_hex(const void *p, size_t n);

/* Quick test used while scanning raw memory for certificates: DER SEQUENCE of a plausible size. */
bool der_cert_candidate(const uint8_t *p, size_t n, size_t *total);

#endif
