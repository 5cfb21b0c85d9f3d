/* SPDX-License-Identifier: GPL-2.0-or-later */
/* authenticode_priv.h - what authenticode.c shares with catalog.c: DER and SignedData helpers. */
#ifndef KD_AUTHENTICODE_PRIV_H
#define KD_AUTHENTICODE_PRIV_H

#include <openssl/pkcs7.h>

#include "core/cursor.h"
#include "crypto/authenticode.h"

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
