/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cert_priv.h - what cert.c shares with the other OpenSSL files: the certificate's X509. */
#ifndef KD_CERT_PRIV_H
#define KD_CERT_PRIV_H

#include <openssl/x509.h>
#include <stdatomic.h>

#include "core/util.h"
#include "crypto/cert.h"

struct ecdsa_fixed;

/*
 * What verifying with a certificate learns as it goes, shared by the threads
 * that verify with it: after enough signatures, tables for its EC key.
 */
struct cert_speedup {
	atomic_uint uses;
	atomic_bool tried;
	struct ecdsa_fixed *_Atomic ecdsa;
};

struct kd_cert {
	X509 *x509;
	struct cert_info info;
	struct cert_speedup *speedup;
};

/* Wrap an X509 (taking the reference) and describe it. */
struct kd_cert *cert_wrap(X509 *x);
/* "CN=a, O=b" plus the attributes as short-name/value pairs. */
char *crypto_name_string(const X509_NAME *name, struct kvlist *attrs);
char *crypto_asn1_hex(const ASN1_STRING *s);
/* Take OpenSSL's error queue as one string, clearing it. */
char *crypto_errors(const char *prefix);

#endif
