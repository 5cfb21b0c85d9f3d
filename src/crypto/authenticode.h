/* SPDX-License-Identifier: GPL-2.0-or-later */
/* authenticode.h - Authenticode signatures of PE images (no OpenSSL types here). */
#ifndef KD_AUTHENTICODE_H
#define KD_AUTHENTICODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/cert.h"
#include "crypto/timestamp.h"
#include "formats/pe.h"

struct ac_sig {
	int depth;			/* 0: a WIN_CERTIFICATE's own signature; 1+: nested in it */
	char *digest_algo;		/* "sha256", ... (the SpcIndirectDataContent digest) */
	uint8_t digest[64];		/* the image digest the signature vouches for */
	unsigned int digest_len;
	bool digest_matches;		/* ... equals the image's own digest */
	bool sig_ok;			/* the PKCS#7 signature checks out with the signer's certificate */
	bool malformed;			/* not an Authenticode SignedData at all */
	char *error;			/* why not, when not */
	struct kd_cert *signer;		/* the signer's certificate, from those embedded */
	struct kd_cert **certs;		/* every embedded certificate */
	size_t ncerts;
	struct ac_timestamp ts;		/* its timestamp, kind NULL when none */
};

struct ac_result {
	struct ac_sig *sigs;
	size_t n;
	char *error;			/* the certificate table itself is unusable */
	size_t other_entries;		/* WIN_CERTIFICATEs that are not PKCS#7 */
};

/* Parse and check every signature of a parsed PE image (nested ones too). */
void authenticode_check(const struct pe_image *pe, struct ac_result *out);
void ac_result_free(struct ac_result *r);
void ac_sig_free(struct ac_sig *s);

/* Authenticode digest of the image with a named algorithm; 0, or -1. */
int authenticode_digest(const struct pe_image *pe, const char *algo, uint8_t *md, unsigned int *len);

/*
 * The signer's chain, built from the embedded certificates up to one of the
 * anchors if it can (time is ignored, as UEFI does). *chain lists signer
 * first; the entries are new references. Returns whether an anchor was reached.
 */
bool authenticode_chain(const struct ac_sig *s, struct kd_cert *const *anchors, size_t nanchors,
			struct kd_cert ***chain, size_t *n);
/* SHA-256 of a certificate's TBSCertificate (dbx X509_SHA256 entries name those). */
bool cert_tbs_sha256(const struct kd_cert *c, uint8_t out[32]);
/* The same with "sha256", "sha384" or "sha512" (dbx X509_SHA384/512); *len gets the size. */
bool cert_tbs_digest(const struct kd_cert *c, const char *algo, uint8_t out[64], unsigned int *len);

#endif
