// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * catalog.c - Windows catalog files. A catalog is a PKCS#7 SignedData whose
 * content is a Certificate Trust List (szOID_CTL); each of its trustedSubjects
 * (members) names a file by the digest in its SPC_INDIRECT_DATA attribute, the
 * Authenticode digest for a PE file. A file no signature of its own covers is
 * signed when a catalog with a good signature lists its digest.
 *
 * Only the parts we need are read, through the bounds-checked cursor; the
 * signature is checked only for a catalog that lists a file we look for, so a
 * Windows installation's thousands of catalogs cost a walk each.
 */
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/catalog.h"
#include "crypto/authenticode_priv.h"
#include "crypto/cert_priv.h"
#include "core/cursor.h"
#include "core/util.h"

#define OID_CTL "1.3.6.1.4.1.311.10.1"
#define MAX_MEMBERS 4000000u
#define MAX_ATTRIBUTES 64u

/* DER of OBJECT IDENTIFIER 1.3.6.1.4.1.311.2.1.4 (SPC_INDIRECT_DATA_OBJID) */
static const uint8_t oid_indirect_data[] = {
	0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x04,
};

/* The next element of c: its tag, and a cursor over its contents. */
static bool der_element(struct cursor *c, uint8_t *tag, struct cursor *inner)
{
	size_t len;

	return der_header(c, tag, &len) && cur_sub(c, c->pos, len, inner) && cur_skip(c, len);
}

/*
 * CertificateTrustList ::= SEQUENCE { version INTEGER DEFAULT v1, subjectUsage
 * SEQUENCE, listIdentifier OCTET STRING OPTIONAL, sequenceNumber INTEGER
 * OPTIONAL, ctlThisUpdate Time, ctlNextUpdate Time OPTIONAL, subjectAlgorithm
 * AlgorithmIdentifier, trustedSubjects SEQUENCE OF OPTIONAL, [0] extensions }:
 * the members are its third SEQUENCE. 1 with *subjects, 0 when there are none,
 * -1 when ctl is not a SEQUENCE of such elements.
 */
static int ctl_subjects(const uint8_t *ctl, size_t n, struct cursor *subjects)
{
	struct cursor top = cur_init(ctl, n), c, e;
	uint8_t tag;
	int seqs = 0;

	if (!der_element(&top, &tag, &c) || tag != 0x30)
		return -1;
	while (cur_left(&c)) {
		if (!der_element(&c, &tag, &e))
			return -1;
		if (tag == 0x30 && ++seqs == 3) {
			*subjects = e;
			return 1;
		}
	}
	return seqs == 2 ? 0 : -1;
}

/* The digest a member's SPC_INDIRECT_DATA attribute names, if it has one. */
static bool member_digest(struct cursor *member, struct ac_sig *d)
{
	struct cursor id, attrs, attr, oid, values, value;
	uint8_t tag;
	unsigned int k = 0;

	if (!der_element(member, &tag, &id) || tag != 0x04)
		return false;
	if (!der_element(member, &tag, &attrs) || tag != 0x31)
		return false;
	while (cur_left(&attrs) && k++ < MAX_ATTRIBUTES) {
		if (!der_element(&attrs, &tag, &attr) || tag != 0x30)
			return false;
		if (!der_element(&attr, &tag, &oid) || tag != 0x06)
			return false;
		if (oid.len != sizeof(oid_indirect_data) ||
		    memcmp(oid.base, oid_indirect_data, oid.len))
			continue;
		if (!der_element(&attr, &tag, &values) || tag != 0x31 ||
		    !der_element(&values, &tag, &value) || tag != 0x30)
			return false;
		return ac_parse_indirect_data(value.base, value.len, d);
	}
	return false;
}

static size_t match_wants(const struct ac_sig *d, const struct cat_want *wants, size_t nwants,
			  bool *matched)
{
	size_t found = 0;

	for (size_t i = 0; i < nwants; i++) {
		if (!strcmp(d->digest_algo, wants[i].algo) && d->digest_len == wants[i].len &&
		    !memcmp(d->digest, wants[i].digest, d->digest_len)) {
			found += !matched[i];
			matched[i] = true;
		}
	}
	return found;
}

int catalog_check(const uint8_t *p, size_t n, const struct cat_want *wants, size_t nwants,
		  bool *matched, struct cat_result *out, char **err)
{
	const unsigned char *q = p;
	struct cursor subjects, member;
	ASN1_TYPE *content;
	char oid[64];
	PKCS7 *p7;
	uint8_t tag;
	int r;

	memset(out, 0, sizeof(*out));
	*err = NULL;
	p7 = n <= LONG_MAX ? d2i_PKCS7(NULL, &q, (long)n) : NULL;
	if (!p7 || !PKCS7_type_is_signed(p7) || !p7->d.sign || !p7->d.sign->contents) {
		*err = crypto_errors("not a PKCS#7 SignedData");
		PKCS7_free(p7);
		return -1;
	}
	OBJ_obj2txt(oid, sizeof(oid), p7->d.sign->contents->type, 1);
	content = p7->d.sign->contents->d.other;
	if (strcmp(oid, OID_CTL) || !content || content->type != V_ASN1_SEQUENCE) {
		*err = xstrdup("content is not a certificate trust list");
		PKCS7_free(p7);
		return -1;
	}
	r = ctl_subjects(content->value.sequence->data, (size_t)content->value.sequence->length,
			 &subjects);
	if (r < 0) {
		*err = xstrdup("certificate trust list unparseable");
		PKCS7_free(p7);
		return -1;
	}
	while (r > 0 && cur_left(&subjects) && out->members < MAX_MEMBERS) {
		struct ac_sig d = { 0 };

		if (!der_element(&subjects, &tag, &member) || tag != 0x30)
			break;
		out->members++;
		/* a member we cannot read vouches for nothing; the others still count */
		if (member_digest(&member, &d))
			out->matches += match_wants(&d, wants, nwants, matched);
		ac_sig_free(&d);
	}
	if (out->matches) {
		struct cursor ctl = cur_init(content->value.sequence->data,
					     (size_t)content->value.sequence->length), body;

		/* signed: the CTL SEQUENCE's contents octets, as for SpcIndirectDataContent */
		ac_embedded_certs(p7, &out->sig);
		if (der_element(&ctl, &tag, &body))
			ac_verify_signed(p7, body.base, body.len, &out->sig);
	}
	PKCS7_free(p7);
	ERR_clear_error();
	return 0;
}

void cat_result_free(struct cat_result *r)
{
	ac_sig_free(&r->sig);
	memset(r, 0, sizeof(*r));
}
