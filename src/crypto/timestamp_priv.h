/* SPDX-License-Identifier: GPL-2.0-or-later */
/* timestamp_priv.h - what timestamp.c gives authenticode.c and catalog.c: the timestamps of a SignedData. */
#ifndef KD_TIMESTAMP_PRIV_H
#define KD_TIMESTAMP_PRIV_H

#include <openssl/pkcs7.h>

#include "crypto/timestamp.h"

/*
 * The timestamps in the (first) signer's unauthenticated attributes: an RFC
 * 3161 TimeStampToken or a legacy Authenticode counterSignature, each checked
 * against the signer's signature value, the best of them into *out.
 */
void ac_timestamps(PKCS7 *p7, struct ac_timestamp *out);
void ac_timestamp_free(struct ac_timestamp *t);

#endif
