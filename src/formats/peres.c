// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * peres.c - the VERSIONINFO resource of a PE image (CompanyName, ProductName,
 * FileDescription, OriginalFilename, FileVersion): the resource directory is
 * walked three levels deep (type, name, language), then the VS_VERSIONINFO
 * blocks, every length checked against its container.
 */
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "formats/pe.h"
#include "formats/peres.h"
#include "core/util.h"

#define RT_VERSION 16
#define MAX_RES_ENTRIES 4096
#define MAX_BLOCK_DEPTH 6
#define MAX_STRINGS 64

/* The first entry of a resource directory matching id (or any when id < 0); its offset word. */
static bool res_entry(struct cursor *rsrc, uint32_t dir_off, long id, uint32_t *target)
{
	struct cursor c;
	uint16_t named, ids;

	if (!cur_sub(rsrc, dir_off, 16, &c) || !cur_skip(&c, 12) || !cur_le16(&c, &named) ||
	    !cur_le16(&c, &ids) || (uint32_t)named + ids > MAX_RES_ENTRIES)
		return false;
	if (!cur_sub(rsrc, dir_off + 16, ((uint64_t)named + ids) * 8, &c))
		return false;
	for (uint32_t i = 0; i < (uint32_t)named + ids; i++) {
		uint32_t name = 0, off = 0;

		cur_le32(&c, &name);
		cur_le32(&c, &off);
		if (id < 0 || (!(name & 0x80000000u) && name == (uint32_t)id)) {
			*target = off;
			return true;
		}
	}
	return false;
}

/* UTF-16LE key at the cursor, NUL-terminated, compared with an ASCII string; moves past it. */
static bool take_key(struct cursor *c, char *out, size_t outlen)
{
	size_t k = 0;

	for (;;) {
		uint16_t u;

		if (!cur_le16(c, &u))
			return false;
		if (!u)
			break;
		if (k + 1 < outlen)
			out[k++] = u < 0x80 ? (char)u : '?';
	}
	out[k] = '\0';
	return true;
}

/* UTF-16LE text of n units (or up to a NUL) to UTF-8. */
static char *utf16_text(const uint8_t *p, size_t units)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_put_utf16le(&sb, p, units);
	return sb_steal(&sb);
}

static void align4(struct cursor *c, size_t base)
{
	size_t pos = c->pos + base;

	cur_skip(c, (4 - pos % 4) % 4);
}

/*
 * One block: {u16 wLength, wValueLength, wType; WCHAR key[]; pad; value; pad; children}.
 * String blocks under StringFileInfo/<table> become facts "version.<key>".
 */
static void walk_block(const uint8_t *base, size_t len, size_t off, int depth, int parents,
		       struct kvlist *out)
{
	struct cursor c = cur_init(base, len), blk;
	uint16_t wlen, vlen, type;
	char key[64];

	if (depth > MAX_BLOCK_DEPTH || out->n >= MAX_STRINGS)
		return;
	if (!cur_seek(&c, off) || !cur_le16(&c, &wlen) || wlen < 6 || !cur_sub(&c, off, wlen, &blk))
		return;
	cur_skip(&blk, 2);
	if (!cur_le16(&blk, &vlen) || !cur_le16(&blk, &type) || !take_key(&blk, key, sizeof(key)))
		return;
	align4(&blk, off);
	if (parents == 2) {
		/* a String: wValueLength counts UTF-16 units of text (wType 1) */
		size_t units = vlen;

		if (units * 2 > cur_left(&blk))
			units = cur_left(&blk) / 2;
		if (units && *key) {
			char *fact = xasprintf("version.%s", key);
			char *text = utf16_text(blk.base + blk.pos, units);

			if (!kv_get(out, fact))
				kv_add(out, fact, text);
			free(fact);
			free(text);
		}
		return;
	}
	/* the fixed file info of the root (binary value) and VarFileInfo are not needed */
	if (depth == 0 ? strcmp(key, "VS_VERSION_INFO") : (depth == 1 && strcmp(key, "StringFileInfo")))
		return;
	if (type == 0 && vlen)
		cur_skip(&blk, vlen);
	align4(&blk, off);
	while (cur_left(&blk) >= 6) {
		size_t child = off + blk.pos;
		uint16_t clen;
		struct cursor peek = blk;

		if (!cur_le16(&peek, &clen) || clen < 6 || clen > cur_left(&blk))
			return;
		walk_block(base, len, child, depth + 1, depth == 0 ? 0 : parents + 1, out);
		cur_skip(&blk, clen);
		align4(&blk, off);
	}
}

int pe_version_info(const struct pe_image *pe, struct kvlist *out)
{
	uint32_t t, n, l, data_rva, data_size;
	struct cursor rsrc, entry;
	size_t rsrc_off, data_off;

	if (!pe->rsrc_size || !pe_rva_to_off(pe, pe->rsrc_rva, 16, &rsrc_off))
		return 0;
	rsrc = cur_init(pe->p + rsrc_off, pe->n - rsrc_off);
	if (pe->rsrc_size < rsrc.len)
		rsrc.len = pe->rsrc_size;
	/* type RT_VERSION -> any name -> any language; each step must be a subdirectory */
	if (!res_entry(&rsrc, 0, RT_VERSION, &t) || !(t & 0x80000000u) ||
	    !res_entry(&rsrc, t & 0x7fffffffu, -1, &n) || !(n & 0x80000000u) ||
	    !res_entry(&rsrc, n & 0x7fffffffu, -1, &l) || (l & 0x80000000u))
		return 0;
	if (!cur_sub(&rsrc, l, 16, &entry) || !cur_le32(&entry, &data_rva) ||
	    !cur_le32(&entry, &data_size))
		return -1;
	if (data_size > (1u << 20) || !pe_rva_to_off(pe, data_rva, data_size, &data_off))
		return -1;
	walk_block(pe->p + data_off, data_size, 0, 0, 0, out);
	return (int)out->n;
}
