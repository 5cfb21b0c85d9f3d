/* SPDX-License-Identifier: GPL-2.0-or-later */
/* timestamp.h - the timestamps of an Authenticode signature (no OpenSSL types here). */
#ifndef KD_TIMESTAMP_H
#define KD_TIMESTAMP_H

#include <stddef.h>

#include "crypto/cert.h"

/* A timestamp of a signature: a countersignature over its signature value. */
enum ts_status {
	TS_NONE,			/* not timestamped */
	TS_VALID,			/* the countersignature verifies and covers this signature */
	TS_INVALID,			/* it does not (reason says why) */
	TS_MALFORMED,			/* it cannot be read */
};

struct ac_timestamp {
	enum ts_status status;
	const char *kind;		/* "rfc3161" (TimeStampToken) or "legacy" (PKCS#9 counterSignature) */
	char *reason;			/* why not valid */
	char *time;			/* genTime or signingTime, YYYY-MM-DDTHH:MM:SSZ; NULL when unknown */
	struct kd_cert *tsa;		/* the timestamp's signer, NULL when not found */
	struct kd_cert **tsa_chain;	/* its issuers, as far as the embedded certificates go */
	size_t ntsa_chain;
	unsigned count;			/* timestamps found (the best one is kept) */
};

const char *ts_status_name(enum ts_status s);

#endif
