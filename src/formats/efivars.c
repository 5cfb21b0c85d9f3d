// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * efivars.c - decode what UEFI variables hold: EFI_SIGNATURE_LIST (db, dbx,
 * KEK, PK, MOK lists) and EFI_LOAD_OPTION (Boot####); sources/boot/efivarfs.c
 * reads them. Every size field is checked; GUIDs are compared whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "formats/efivars.h"
#include "core/util.h"

#define MAX_ESL_ENTRIES 100000

static const struct {
	const char *guid;
	enum esl_type type;
	const char *name;
} esl_types[] = {
	{ "a5c059a1-94e4-4aa7-87b5-ab155c2bf072", ESL_X509, "X509" },
	{ "c1c41626-504c-4092-aca9-41f936934328", ESL_SHA256, "SHA256" },
	{ "3bd2a492-96c0-4079-b420-fcf98ef103ed", ESL_X509_SHA256, "X509_SHA256" },
	{ "7076876e-80c2-4ee6-aad2-28b349a6865b", ESL_X509_SHA384, "X509_SHA384" },
	{ "446dbf63-2502-4cda-bcfa-2465d2b0fe9d", ESL_X509_SHA512, "X509_SHA512" },
	{ "826ca512-cf10-4ac9-b187-be01496631bd", ESL_SHA1, "SHA1" },
	{ "ff3e5307-9fd0-48c9-85f1-8ad56c701e01", ESL_SHA384, "SHA384" },
	{ "093e0fae-a6c4-4f50-9f1b-d41e2b89c19a", ESL_SHA512, "SHA512" },
};

void guid_text(const uint8_t g[16], char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12],
		 g[13], g[14], g[15]);
}

const char *esl_type_name(enum esl_type t)
{
	for (size_t i = 0; i < ARRAY_SIZE(esl_types); i++)
		if (esl_types[i].type == t)
			return esl_types[i].name;
	return "other";
}

/* Fixed entry sizes (owner GUID + payload) the types require; 0 for variable (X509). */
static size_t payload_size(enum esl_type t)
{
	switch (t) {
	case ESL_SHA256:
		return 32;
	case ESL_SHA1:
		return 20;
	case ESL_SHA384:
		return 48;
	case ESL_SHA512:
		return 64;
	case ESL_X509_SHA256:
		return 32 + 16;
	case ESL_X509_SHA384:
		return 48 + 16;
	case ESL_X509_SHA512:
		return 64 + 16;
	default:
		return 0;
	}
}

int esl_parse(const uint8_t *p, size_t n, struct esl_entry **out, const char **reason)
{
	struct cursor c = cur_init(p, n);
	int count = 0;

	*out = NULL;
	while (cur_left(&c)) {
		uint32_t list_size, header_size, sig_size;
		const uint8_t *guid;
		char gtext[37];
		enum esl_type type = ESL_OTHER;
		struct cursor list;
		size_t body, want;

		if (!cur_take(&c, 16, &guid) || !cur_le32(&c, &list_size) ||
		    !cur_le32(&c, &header_size) || !cur_le32(&c, &sig_size)) {
			*reason = "signature list header truncated";
			goto bad;
		}
		if (list_size < 28 || list_size - 28 > cur_left(&c)) {
			*reason = "SignatureListSize is below 28 or beyond the data";
			goto bad;
		}
		if (header_size > list_size - 28 || sig_size < 16 ||
		    (list_size - 28 - header_size) % sig_size) {
			*reason = "SignatureHeaderSize or SignatureSize does not fit the list";
			goto bad;
		}
		guid_text(guid, gtext);
		for (size_t i = 0; i < ARRAY_SIZE(esl_types); i++)
			if (strcmp(esl_types[i].guid, gtext) == 0)
				type = esl_types[i].type;
		want = payload_size(type);
		if (want && sig_size != 16 + want) {
			*reason = "SignatureSize does not match the list's signature type";
			goto bad;
		}
		if (!cur_sub(&c, c.pos, list_size - 28, &list) || !cur_skip(&c, list_size - 28) ||
		    !cur_skip(&list, header_size)) {
			*reason = "signature list truncated";
			goto bad;
		}
		body = cur_left(&list);
		for (size_t k = 0; k < body / sig_size; k++) {
			struct esl_entry *e;
			const uint8_t *owner = NULL, *data = NULL;

			if (count >= MAX_ESL_ENTRIES) {
				*reason = "more than 100000 signature entries";
				goto bad;
			}
			if (!cur_take(&list, 16, &owner) || !cur_take(&list, sig_size - 16, &data))
				break;	/* cannot happen: the list size was checked above */
			/* grow by doubling: dbx holds hundreds of entries, a hostile list many more */
			if (((size_t)count & ((size_t)count - 1)) == 0)
				*out = xreallocarray(*out, count ? (size_t)count * 2 : 16, sizeof(**out));
			e = &(*out)[count++];
			e->type = type;
			memcpy(e->type_guid, gtext, sizeof(gtext));
			guid_text(owner, e->owner);
			e->data = data;
			e->len = sig_size - 16;
		}
	}
	return count;
bad:
	free(*out);
	*out = NULL;
	return -1;
}

/* UTF-16LE, NUL-terminated within the cursor (at most max_units), to UTF-8. */
static char *utf16_string(struct cursor *c, size_t max_units)
{
	size_t avail = (c->len - c->pos) / 2, units = avail < max_units ? avail : max_units, n;
	struct strbuf sb;

	sb_init(&sb);
	n = sb_put_utf16le(&sb, c->base + c->pos, units);
	if (n == units) {
		sb_free(&sb);
		return NULL;
	}
	cur_skip(c, 2 * (n + 1));
	return sb_steal(&sb);
}

int load_option_parse(const uint8_t *p, size_t n, struct load_option *out, const char **reason)
{
	struct cursor c = cur_init(p, n), paths;
	uint16_t path_len;

	memset(out, 0, sizeof(*out));
	if (!cur_le32(&c, &out->attrs) || !cur_le16(&c, &path_len)) {
		*reason = "load option truncated";
		return -1;
	}
	out->description = utf16_string(&c, 4096);
	if (!out->description) {
		*reason = "description is not a terminated UTF-16 string";
		return -1;
	}
	if (!cur_sub(&c, c.pos, path_len, &paths)) {
		*reason = "FilePathListLength reaches beyond the variable";
		load_option_free(out);
		return -1;
	}
	/* device path nodes: {type, subtype, u16 length}; type 4 subtype 4 is a file path */
	while (cur_left(&paths) >= 4) {
		uint8_t type = 0, subtype = 0;
		uint16_t len = 0;
		struct cursor node;

		if (!cur_u8(&paths, &type) || !cur_u8(&paths, &subtype) || !cur_le16(&paths, &len) ||
		    len < 4 || !cur_sub(&paths, paths.pos, len - 4u, &node)) {
			*reason = "device path node length is below 4 or beyond the list";
			load_option_free(out);
			return -1;
		}
		cur_skip(&paths, len - 4u);
		if (type == 0x7f && subtype == 0xff)
			break;
		if (type == 4 && subtype == 4) {
			char *s = utf16_string(&node, node.len / 2);

			if (s) {
				char *joined = out->path ? xasprintf("%s%s", out->path, s) : xstrdup(s);

				free(out->path);
				out->path = joined;
				free(s);
			}
		}
	}
	return 0;
}

void load_option_free(struct load_option *lo)
{
	free(lo->description);
	free(lo->path);
	memset(lo, 0, sizeof(*lo));
}
