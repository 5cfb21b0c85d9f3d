// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpmhdr.c - one RPM header blob as rpm's database stores it: be32 il (index
 * entries), be32 dl (data bytes), il entries of {tag, type, offset, count},
 * then the data store. Every entry is checked before any is used: its type,
 * its alignment, its data inside the store (strings NUL-terminated there), no
 * two entries' data overlapping, and the immutable region's trailer when the
 * header has one. Only then are the tags kdetect needs looked up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "formats/rpmhdr.h"
#include "core/util.h"

enum {
	T_NULL, T_CHAR, T_INT8, T_INT16, T_INT32, T_INT64, T_STRING, T_BIN, T_STRING_ARRAY,
	T_I18NSTRING,
};

/* the region tags: a header's first entry, pointing at a 16-byte trailer */
#define TAG_HEADERIMAGE 61
#define TAG_HEADERSIGNATURES 62
#define TAG_HEADERIMMUTABLE 63

struct entry {
	uint32_t tag, type, off, count;
	uint32_t end;		/* one past the entry's last data byte */
};

struct hdr {
	struct cursor store;
	struct entry *e;
	size_t n;
};

/* End of count NUL-terminated strings starting at off, or 0 when they leave the store. */
static uint32_t strings_end(const struct cursor *store, uint32_t off, uint32_t count)
{
	size_t pos = off;

	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *nul;

		if (pos >= store->len)
			return 0;
		nul = memchr(store->base + pos, 0, store->len - pos);
		if (!nul)
			return 0;
		pos = (size_t)(nul - store->base) + 1;
	}
	return (uint32_t)pos;
}

static const char *check_entry(const struct cursor *store, struct entry *e)
{
	static const uint8_t size[] = { 0, 1, 1, 2, 4, 8 };
	uint64_t bytes;

	if (e->type > T_I18NSTRING)
		return "header entry of unknown type";
	if (e->type == T_NULL) {
		e->end = e->off;
		return e->off <= store->len ? NULL : "header entry outside the data store";
	}
	if (e->count == 0)
		return "header entry with no values";
	if (e->off >= store->len)
		return "header entry outside the data store";
	switch (e->type) {
	case T_STRING:
		if (e->count != 1)
			return "header string entry with more than one value";
		/* fall through */
	case T_STRING_ARRAY:
	case T_I18NSTRING:
		if (e->count > store->len - e->off)
			return "header string count larger than the data store";
		e->end = strings_end(store, e->off, e->count);
		return e->end ? NULL : "header string not NUL-terminated inside the data store";
	case T_BIN:
		bytes = e->count;
		break;
	default:
		if (e->off % size[e->type])
			return "header entry misaligned";
		bytes = (uint64_t)e->count * size[e->type];
		break;
	}
	if (!range_ok(store->len, e->off, bytes))
		return "header entry count overflows the data store";
	e->end = (uint32_t)(e->off + bytes);
	return NULL;
}

static int cmp_off(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a, *y = *(const struct entry *const *)b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* No byte of the store belongs to two entries: each is trusted for its own data only. */
static bool no_overlap(struct hdr *h)
{
	const struct entry **by_off = xcalloc(h->n, sizeof(*by_off));
	bool ok = true;

	for (size_t i = 0; i < h->n; i++)
		by_off[i] = &h->e[i];
	qsort(by_off, h->n, sizeof(*by_off), cmp_off);
	for (size_t i = 1; i < h->n && ok; i++)
		ok = by_off[i]->off >= by_off[i - 1]->end;
	free(by_off);
	return ok;
}

/* The region entry's trailer repeats its tag and points back (negative offset) at the index. */
static const char *check_region(const struct hdr *h)
{
	const struct entry *r = &h->e[0];
	struct cursor t;
	uint32_t tag, type, off, count;
	int32_t back;

	if (r->tag != TAG_HEADERIMAGE && r->tag != TAG_HEADERSIGNATURES &&
	    r->tag != TAG_HEADERIMMUTABLE)
		return NULL;
	if (r->type != T_BIN || r->count != 16 || !cur_sub(&h->store, r->off, 16, &t))
		return "header region entry malformed";
	if (!cur_be32(&t, &tag) || !cur_be32(&t, &type) || !cur_be32(&t, &off) ||
	    !cur_be32(&t, &count))
		return "header region trailer truncated";
	back = (int32_t)off;
	if (tag != r->tag || type != T_BIN || count != 16 || back >= 0 || back == INT32_MIN ||
	    (uint32_t)-back % 16 || (uint32_t)-back / 16 > h->n)
		return "header region trailer malformed";
	return NULL;
}

static const struct entry *find(const struct hdr *h, uint32_t tag)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->e[i].tag == tag)
			return &h->e[i];
	return NULL;
}

/* The first string of a string entry (the C locale of an I18NSTRING), copied. */
static char *get_string(const struct hdr *h, uint32_t tag)
{
	const struct entry *e = find(h, tag);

	if (!e || (e->type != T_STRING && e->type != T_STRING_ARRAY && e->type != T_I18NSTRING))
		return NULL;
	return xstrdup((const char *)h->store.base + e->off);
}

static void add_file(struct rpmhdr_pkg *p, size_t max, const char *dir, const char *base)
{
	if (p->nfiles >= max) {
		p->files_dropped++;
		return;
	}
	if (!p->files)
		p->files = xcalloc(max, sizeof(*p->files));
	p->files[p->nfiles++] = xasprintf("%s%s", dir, base);
}

static const char *get_files(const struct hdr *h, size_t max, struct rpmhdr_pkg *p)
{
	const struct entry *base = find(h, RPMTAG_BASENAMES), *dir, *idx;
	const char **dirs;
	struct cursor ic;
	const char *s;

	if (!base) {
		const struct entry *old = find(h, RPMTAG_OLDFILENAMES);

		if (!old)
			return NULL;
		if (old->type != T_STRING_ARRAY)
			return "header file list of the wrong type";
		s = (const char *)h->store.base + old->off;
		for (uint32_t i = 0; i < old->count; i++, s += strlen(s) + 1)
			add_file(p, max, "", s);
		return NULL;
	}
	dir = find(h, RPMTAG_DIRNAMES);
	idx = find(h, RPMTAG_DIRINDEXES);
	if (!dir || !idx || base->type != T_STRING_ARRAY || dir->type != T_STRING_ARRAY ||
	    idx->type != T_INT32 || idx->count != base->count)
		return "header file list inconsistent";
	dirs = xcalloc(dir->count, sizeof(*dirs));
	s = (const char *)h->store.base + dir->off;
	for (uint32_t i = 0; i < dir->count; i++, s += strlen(s) + 1)
		dirs[i] = s;
	ic = cur_init(h->store.base + idx->off, (size_t)idx->count * 4);
	s = (const char *)h->store.base + base->off;
	for (uint32_t i = 0; i < base->count; i++, s += strlen(s) + 1) {
		uint32_t d;

		if (!cur_be32(&ic, &d) || d >= dir->count) {
			free(dirs);
			return "header file's directory index out of range";
		}
		add_file(p, max, dirs[d], s);
	}
	free(dirs);
	return NULL;
}

int rpmhdr_parse(const uint8_t *blob, size_t n, size_t max_files, struct rpmhdr_pkg *out,
		 const char **reason)
{
	struct cursor c = cur_init(blob, n);
	struct hdr h = { 0 };
	const struct entry *ep;
	const char *why = NULL;
	uint32_t il, dl;

	memset(out, 0, sizeof(*out));
	if (!cur_be32(&c, &il) || !cur_be32(&c, &dl)) {
		*reason = "header truncated";
		return -1;
	}
	if (il == 0 || il > RPMHDR_IL_MAX || dl > RPMHDR_DL_MAX) {
		*reason = "header index or data size out of range";
		return -1;
	}
	/* the index, then the store; what follows the store (padding) is not read */
	if (!range_ok(n, 8 + (uint64_t)il * 16, dl)) {
		*reason = "header larger than its record";
		return -1;
	}
	h.store = cur_init(blob + 8 + (size_t)il * 16, dl);
	h.n = il;
	h.e = xcalloc(il, sizeof(*h.e));
	for (uint32_t i = 0; i < il && !why; i++) {
		struct entry *e = &h.e[i];

		cur_be32(&c, &e->tag);
		cur_be32(&c, &e->type);
		cur_be32(&c, &e->off);
		cur_be32(&c, &e->count);
		why = check_entry(&h.store, e);
	}
	if (!why)
		why = check_region(&h);
	if (!why && !no_overlap(&h))
		why = "header entries' data overlap";
	if (!why) {
		out->name = get_string(&h, RPMTAG_NAME);
		if (!out->name || !out->name[0])
			why = "header without a package name";
	}
	if (!why) {
		out->version = get_string(&h, RPMTAG_VERSION);
		out->release = get_string(&h, RPMTAG_RELEASE);
		out->summary = get_string(&h, RPMTAG_SUMMARY);
		out->vendor = get_string(&h, RPMTAG_VENDOR);
		out->packager = get_string(&h, RPMTAG_PACKAGER);
		out->url = get_string(&h, RPMTAG_URL);
		out->arch = get_string(&h, RPMTAG_ARCH);
		ep = find(&h, RPMTAG_EPOCH);
		if (ep && ep->type == T_INT32) {
			struct cursor ec = cur_init(h.store.base + ep->off, 4);
			uint32_t epoch = 0;

			cur_be32(&ec, &epoch);
			out->epoch = xasprintf("%u", epoch);
		}
		why = get_files(&h, max_files, out);
	}
	free(h.e);
	if (why) {
		rpmhdr_free(out);
		*reason = why;
		return -1;
	}
	return 0;
}

void rpmhdr_free(struct rpmhdr_pkg *p)
{
	free(p->name);
	free(p->version);
	free(p->release);
	free(p->summary);
	free(p->vendor);
	free(p->packager);
	free(p->url);
	free(p->arch);
	free(p->epoch);
	for (size_t i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->files);
	memset(p, 0, sizeof(*p));
}
