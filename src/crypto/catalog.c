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
#include <strings.h>

#include "crypto/catalog.h"
#include "crypto/authenticode_priv.h"
#include "crypto/timestamp_priv.h"
#include "crypto/cert_priv.h"
#include "core/cursor.h"
#include "core/util.h"

#define OID_CTL "1.3.6.1.4.1.311.10.1"
#define MAX_MEMBERS 4000000u
#define MAX_ATTRIBUTES 64u

#define MAX_OSATTR 1024u
#define MAX_EXTENSIONS 64u

/* DER of OBJECT IDENTIFIER 1.3.6.1.4.1.311.2.1.4 (SPC_INDIRECT_DATA_OBJID) */
static const uint8_t oid_indirect_data[] = {
	0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x04,
};
/* DER of OBJECT IDENTIFIER 1.3.6.1.4.1.311.12.2.1 (CAT_NAMEVALUE_OBJID) */
static const uint8_t oid_namevalue[] = {
	0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0c, 0x02, 0x01,
};

static bool oid_is(const struct cursor *oid, const uint8_t *want, size_t n)
{
	return oid->len == n && !memcmp(oid->base, want, n);
}

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
static int ctl_subjects(const uint8_t *ctl, size_t n, struct cursor *subjects, struct cursor *ext)
{
	struct cursor top = cur_init(ctl, n), c, e;
	uint8_t tag;
	int seqs = 0;

	*ext = cur_init(NULL, 0);
	if (!der_element(&top, &tag, &c) || tag != 0x30)
		return -1;
	while (cur_left(&c)) {
		if (!der_element(&c, &tag, &e))
			return -1;
		if (tag == 0x30 && ++seqs == 3)
			*subjects = e;
		else if (tag == 0xa0 && seqs >= 2)
			*ext = e;	/* [0] EXPLICIT Extensions: the catalog's own attributes */
	}
	return seqs >= 3 ? 1 : seqs == 2 ? 0 : -1;
}

/* UTF-16 (le: little-endian) text of ASCII characters, NULs at its end dropped; NULL if not such. */
static char *utf16_ascii(const uint8_t *p, size_t n, bool le)
{
	char *out;
	size_t k = 0;

	if (n % 2 || n / 2 > MAX_OSATTR)
		return NULL;
	out = xmalloc(n / 2 + 1);
	for (size_t i = 0; i < n; i += 2) {
		unsigned ch = le ? (unsigned)(p[i] | p[i + 1] << 8) : (unsigned)(p[i] << 8 | p[i + 1]);

		if (ch >= 0x80 || (ch && ch < 0x20)) {
			free(out);
			return NULL;
		}
		out[k++] = (char)ch;
	}
	out[k] = '\0';
	while (k && !out[k - 1])
		k--;
	out[k] = '\0';
	if (strlen(out) != k) {	/* a NUL inside */
		free(out);
		return NULL;
	}
	return out;
}

/*
 * NameValue ::= SEQUENCE { tag BMPString, flags INTEGER, value OCTET STRING
 * (UTF-16LE) }: the value when the tag is "OSAttr", else NULL.
 */
static char *namevalue_osattr(struct cursor *nv_seq)
{
	struct cursor nv, name, flags, value;
	uint8_t tag;
	char *n;
	bool is;

	if (!der_element(nv_seq, &tag, &nv) || tag != 0x30 || !der_element(&nv, &tag, &name) ||
	    tag != 0x1e || !der_element(&nv, &tag, &flags) || tag != 0x02 ||
	    !der_element(&nv, &tag, &value) || tag != 0x04)
		return NULL;
	n = utf16_ascii(name.base, name.len, false);
	is = n && !strcasecmp(n, "OSAttr");
	free(n);
	return is ? utf16_ascii(value.base, value.len, true) : NULL;
}

/* Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
static char *catalog_osattr(struct cursor ext)
{
	struct cursor list, e, oid, v;
	uint8_t tag;
	unsigned k = 0;

	if (!cur_left(&ext) || !der_element(&ext, &tag, &list) || tag != 0x30)
		return NULL;
	while (cur_left(&list) && k++ < MAX_EXTENSIONS) {
		char *osattr;

		if (!der_element(&list, &tag, &e) || tag != 0x30 || !der_element(&e, &tag, &oid) ||
		    tag != 0x06)
			return NULL;
		if (!oid_is(&oid, oid_namevalue, sizeof(oid_namevalue)))
			continue;
		if (!der_element(&e, &tag, &v))
			continue;
		if (tag == 0x01 && !der_element(&e, &tag, &v))
			continue;
		if (tag != 0x04)
			continue;
		osattr = namevalue_osattr(&v);
		if (osattr)
			return osattr;
	}
	return NULL;
}

/* Is the tag (UTF-16LE or ASCII) hex text of n bytes, and does it name d? -1 not hex text, 0 no, 1 yes. */
static int tag_names_digest(const struct cursor *id, const uint8_t *d, size_t n)
{
	char *text = utf16_ascii(id->base, id->len, true), *hex;
	int r;

	if (!text)
		text = xstrndup((const char *)id->base, id->len);
	if (strlen(text) != 2 * n || strspn(text, "0123456789abcdefABCDEF") != 2 * n) {
		free(text);
		return -1;
	}
	hex = hex_encode(d, n, 0);
	r = !strcasecmp(text, hex);
	free(hex);
	free(text);
	return r;
}

/*
 * The digest a member's SPC_INDIRECT_DATA attribute names, if it has one; its
 * tag (subjectIdentifier) into *id, and its own OSAttr into *osattr.
 */
static bool member_digest(struct cursor *member, struct ac_sig *d, struct cursor *id,
			  char **osattr)
{
	struct cursor attrs, attr, oid, values, value;
	uint8_t tag;
	unsigned int k = 0;
	bool found = false;

	*osattr = NULL;
	if (!der_element(member, &tag, id) || tag != 0x04)
		return false;
	if (!der_element(member, &tag, &attrs) || tag != 0x31)
		return false;
	while (cur_left(&attrs) && k++ < MAX_ATTRIBUTES) {
		if (!der_element(&attrs, &tag, &attr) || tag != 0x30)
			return false;
		if (!der_element(&attr, &tag, &oid) || tag != 0x06)
			return false;
		if (oid_is(&oid, oid_namevalue, sizeof(oid_namevalue))) {
			if (!*osattr && der_element(&attr, &tag, &values) && tag == 0x31)
				*osattr = namevalue_osattr(&values);
			continue;
		}
		if (!oid_is(&oid, oid_indirect_data, sizeof(oid_indirect_data)) || found)
			continue;
		if (!der_element(&attr, &tag, &values) || tag != 0x31 ||
		    !der_element(&values, &tag, &value) || tag != 0x30 ||
		    !ac_parse_indirect_data(value.base, value.len, d))
			return false;
		found = true;
	}
	return found;
}

static size_t match_wants(const struct ac_sig *d, const struct cat_want *wants, size_t nwants,
			  bool *matched, const struct cursor *id, const char *osattr,
			  struct cat_result *out)
{
	size_t found = 0;

	for (size_t i = 0; i < nwants; i++) {
		char *hex;

		if (strcmp(d->digest_algo, wants[i].algo) || d->digest_len != wants[i].len ||
		    memcmp(d->digest, wants[i].digest, d->digest_len))
			continue;
		found += !matched[i];
		matched[i] = true;
		hex = hex_encode(d->digest, d->digest_len, 0);
		/* a tag that is a name ("file.sys") is what older makecat wrote: not compared */
		if (tag_names_digest(id, d->digest, d->digest_len) == 0 && !kv_get(&out->bad_tags, hex)) {
			char *text = utf16_ascii(id->base, id->len, true);

			kv_add(&out->bad_tags, hex, text ? text : "(not text)");
			free(text);
		}
		if (osattr && !kv_get(&out->member_osattr, hex))
			kv_add(&out->member_osattr, hex, osattr);
		free(hex);
	}
	return found;
}

int catalog_check(const uint8_t *p, size_t n, const struct cat_want *wants, size_t nwants,
		  bool *matched, struct cat_result *out, char **err)
{
	const unsigned char *q = p;
	struct cursor subjects, member, ext;
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
			 &subjects, &ext);
	if (r < 0) {
		*err = xstrdup("certificate trust list unparseable");
		PKCS7_free(p7);
		return -1;
	}
	while (r > 0 && cur_left(&subjects) && out->members < MAX_MEMBERS) {
		struct ac_sig d = { 0 };
		struct cursor id;
		char *osattr;

		if (!der_element(&subjects, &tag, &member) || tag != 0x30)
			break;
		out->members++;
		/* a member we cannot read vouches for nothing; the others still count */
		if (member_digest(&member, &d, &id, &osattr))
			out->matches += match_wants(&d, wants, nwants, matched, &id, osattr, out);
		free(osattr);
		ac_sig_free(&d);
	}
	if (out->matches) {
		struct cursor ctl = cur_init(content->value.sequence->data,
					     (size_t)content->value.sequence->length), body;

		/* signed: the CTL SEQUENCE's contents octets, as for SpcIndirectDataContent */
		ac_embedded_certs(p7, &out->sig);
		if (der_element(&ctl, &tag, &body))
			ac_verify_signed(p7, body.base, body.len, &out->sig);
		ac_timestamps(p7, &out->sig.ts);
		out->osattr = catalog_osattr(ext);
	}
	PKCS7_free(p7);
	ERR_clear_error();
	return 0;
}

void cat_result_free(struct cat_result *r)
{
	ac_sig_free(&r->sig);
	free(r->osattr);
	kv_free(&r->member_osattr);
	kv_free(&r->bad_tags);
	memset(r, 0, sizeof(*r));
}

/* One "P:MAJOR.MINOR" of an OSAttr list; the cursor moves past it and its comma. */
static bool osattr_entry(const char **p, unsigned *platform, unsigned *major, unsigned *minor)
{
	unsigned *parts[] = { platform, major, minor };
	const char seps[] = { ':', '.', '\0' };

	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		unsigned long v = 0;
		size_t digits = 0;

		while (**p == ' ')
			(*p)++;
		while (**p >= '0' && **p <= '9' && digits < 6) {
			v = v * 10 + (unsigned long)(**p - '0');
			(*p)++;
			digits++;
		}
		if (!digits || (**p >= '0' && **p <= '9'))
			return false;
		*parts[i] = (unsigned)v;
		while (**p == ' ')
			(*p)++;
		if (seps[i] && *(*p)++ != seps[i])
			return false;
	}
	if (**p == ',')
		(*p)++;
	else if (**p)
		return false;
	return true;
}

bool cat_osattr_covers(const char *osattr, unsigned major, unsigned minor)
{
	const char *p = osattr;
	bool covers = false;

	if (!p || !*p || strlen(p) > MAX_OSATTR)
		return false;
	while (*p) {
		unsigned platform, ma, mi;

		if (!osattr_entry(&p, &platform, &ma, &mi))
			return false;	/* malformed: it names nothing we can trust */
		/* platform 2: VER_PLATFORM_WIN32_NT; 1 (Windows 9x) names no NT version */
		if (platform == 2 && ma == major && mi == minor)
			covers = true;
	}
	return covers;
}
