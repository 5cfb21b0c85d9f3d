/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecdsa_fixed.h - ECDSA verification for one public key that signs thousands
 * of files (a kernel's module key), with tables precomputed for that key.
 */
#ifndef KD_ECDSA_FIXED_H
#define KD_ECDSA_FIXED_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

struct ecdsa_fixed;

/*
 * Tables for pk's EC key, or NULL: not an EC key, a curve OpenSSL already
 * verifies fast (P-256; every curve from OpenSSL 3.2 on, which has its own
 * P-384 and P-521 code), or the setup failed (then verify the usual way).
 */
struct ecdsa_fixed *ecdsa_fixed_new(EVP_PKEY *pk);
void ecdsa_fixed_free(struct ecdsa_fixed *f);
/*
 * Check the DER signature sig over the digest md: 1 when it verifies, 0 when it
 * does not or cannot be read (the caller asks OpenSSL's EVP verify for the
 * reason), never 1 for a signature EVP_PKEY_verify would refuse. Safe to call
 * from several threads at once.
 */
int ecdsa_fixed_verify(const struct ecdsa_fixed *f, const uint8_t *sig, size_t siglen,
		       const uint8_t *md, size_t mdlen);

#endif
