/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * derfix.h - DER written by hand, for the unit tests of what parses signed
 * data (Authenticode, catalogs). Include after unit.h.
 */
#ifndef KD_DERFIX_H
#define KD_DERFIX_H

#include <stdint.h>
#include <string.h>

struct der {
	uint8_t p[4096];
	size_t n;
};

static inline void der_raw(struct der *d, const void *v, size_t n)
{
	assert_true(d->n + n <= sizeof(d->p));
	memcpy(d->p + d->n, v, n);
	d->n += n;
}

static inline void der_tlv(struct der *d, uint8_t tag, const void *v, size_t n)
{
	uint8_t h[4] = { tag };
	size_t hl;

	if (n < 0x80) {
		h[1] = (uint8_t)n;
		hl = 2;
	} else if (n < 0x100) {
		h[1] = 0x81;
		h[2] = (uint8_t)n;
		hl = 3;
	} else {
		assert_true(n < 0x10000);
		h[1] = 0x82;
		h[2] = (uint8_t)(n >> 8);
		h[3] = (uint8_t)n;
		hl = 4;
	}
	der_raw(d, h, hl);
	der_raw(d, v, n);
}

static const uint8_t OID_SHA256[] = { 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01 };
static const uint8_t OID_SHA1[] = { 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a };

/*
 * SpcIndirectDataContent ::= SEQUENCE {
 *   data SEQUENCE { OID spcPEImageData, SpcPeImageData SEQUENCE { BIT STRING } },
 *   messageDigest SEQUENCE { SEQUENCE { OID, NULL }, OCTET STRING } }
 */
static inline struct der spc_content(const uint8_t *oid, size_t oid_len, const uint8_t *dig, size_t dlen)
{
	static const uint8_t spc_pe_image_data[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01,
						     0x82, 0x37, 0x02, 0x01, 0x0f };
	static const uint8_t flags[] = { 0x03, 0x01, 0x00 };
	static const uint8_t null[] = { 0x05, 0x00 };
	struct der data_c = { 0 }, data = { 0 }, alg_c = { 0 }, di_c = { 0 }, body = { 0 }, out = { 0 };

	der_raw(&data_c, spc_pe_image_data, sizeof(spc_pe_image_data));
	der_tlv(&data_c, 0x30, flags, sizeof(flags));
	der_tlv(&data, 0x30, data_c.p, data_c.n);
	der_raw(&alg_c, oid, oid_len);
	der_raw(&alg_c, null, sizeof(null));
	der_tlv(&di_c, 0x30, alg_c.p, alg_c.n);
	der_tlv(&di_c, 0x04, dig, dlen);
	der_raw(&body, data.p, data.n);
	der_tlv(&body, 0x30, di_c.p, di_c.n);
	der_tlv(&out, 0x30, body.p, body.n);
	return out;
}

static inline size_t der_header_len(const uint8_t *p)
{
	return p[1] < 0x80 ? 2 : 2 + (size_t)(p[1] & 0x7f);
}

#endif
