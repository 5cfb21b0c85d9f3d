/* SPDX-License-Identifier: GPL-2.0-or-later */
/* modsig.h - the signature trailer appended to a kernel module. */
#ifndef KD_MODSIG_H
#define KD_MODSIG_H

#include <stddef.h>
#include <stdint.h>

#define MODSIG_MAGIC "~Module signature appended~\n"
#define MODSIG_MAGIC_LEN (sizeof(MODSIG_MAGIC) - 1)
#define MODSIG_INFO_LEN 12
#define PKEY_ID_PKCS7 2

enum modsig_result {
	MODSIG_UNSIGNED,
	MODSIG_SIGNED,
	MODSIG_MALFORMED,
};

struct modsig {
	uint64_t body_len;		/* bytes covered by the signature */
	const uint8_t *pkcs7;		/* points into the image; NULL if outside the tail given */
	size_t pkcs7_len;
	uint8_t id_type;
};

/*
 * Split a module image into body and signature. For MODSIG_UNSIGNED body_len
 * is the whole image; for MODSIG_MALFORMED *reason says why.
 */
enum modsig_result modsig_parse(const uint8_t *p, size_t n, struct modsig *out, const char **reason);
/*
 * The same from the last n bytes of a file of file_len bytes, so a large module
 * need not be read whole. When the PKCS#7 reaches further back than the tail,
 * pkcs7 is NULL and pkcs7_len says how much more to read.
 */
enum modsig_result modsig_parse_tail(const uint8_t *p, size_t n, uint64_t file_len,
				     struct modsig *out, const char **reason);

#endif
