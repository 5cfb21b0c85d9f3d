/* SPDX-License-Identifier: GPL-2.0-or-later */
/* efivars.h - UEFI variables (efivarfs), EFI signature lists and boot load options. */
#ifndef KD_EFIVARS_H
#define KD_EFIVARS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUID_GLOBAL "8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define GUID_SECURITY_DB "d719b2cb-3d3a-4596-a3bc-dad00e67656f"
#define GUID_SHIM_LOCK "605dab50-e046-4300-abb6-3dd810dd8b23"

enum esl_type {
	ESL_X509,
	ESL_SHA256,
	ESL_X509_SHA256,
	ESL_X509_SHA384,
	ESL_X509_SHA512,
	ESL_SHA1,
	ESL_SHA384,
	ESL_SHA512,
	ESL_OTHER,
};

struct esl_entry {
	enum esl_type type;
	char type_guid[37];
	char owner[37];
	const uint8_t *data;		/* certificate DER, or hash (then time for X509_SHA*) */
	size_t len;
};

/* Text form of a 16-byte EFI GUID (first three fields little-endian). */
void guid_text(const uint8_t g[16], char out[37]);
const char *esl_type_name(enum esl_type t);
/* Decode EFI_SIGNATURE_LISTs; entries point into p. Returns the count, or -1 with *reason. */
int esl_parse(const uint8_t *p, size_t n, struct esl_entry **out, const char **reason);

struct load_option {
	uint32_t attrs;
	char *description;		/* UTF-8, control characters kept for the report to escape */
	char *path;			/* the file path node(s), "\EFI\...", or NULL */
};

/* Decode an EFI_LOAD_OPTION (Boot####). Returns 0, or -1 with *reason. */
int load_option_parse(const uint8_t *p, size_t n, struct load_option *out, const char **reason);
void load_option_free(struct load_option *lo);

#endif
