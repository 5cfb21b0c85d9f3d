// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bbolt.c - read-only reader of bbolt (BoltDB) database files.
 *
 * Layout (go.etcd.io/bbolt, little-endian): the file is pages of one size.
 * Every page starts with a 16-byte header (id u64, flags u16, count u16,
 * overflow u32: the pages that follow it and belong to it). Pages 0 and 1 are
 * the two meta pages; after the header: magic 0xED0CDAED, version 2, page size,
 * flags, the root bucket {root page u64, sequence u64}, freelist page, high-water
 * page, txid, and an FNV-1a 64 checksum of the 56 bytes before it. The newest
 * valid meta (higher txid) is the database. A bucket is a B+tree: branch pages
 * (flag 0x01) hold 16-byte elements {key offset u32, key size u32, child page
 * u64}, leaf pages (0x02) hold {flags u32, offset u32, key size u32, value size
 * u32}; an element's offset counts from the element itself. A leaf element with
 * flag 0x01 is a nested bucket: its value is a bucket header {root page,
 * sequence}; root page 0 means an inline bucket whose leaf page follows the
 * header inside the value.
 *
 * Bounds: page ids lie in the file (and are not the meta pages), a page and its
 * overflow lie in the file and within BBOLT_PAGE_MAX, a page's header names the
 * page it is read as, elements and their keys and values lie inside their page,
 * trees and nested buckets are at most BBOLT_DEPTH_MAX deep, and no page is
 * read twice in one call (a cycle); the file is at most BBOLT_FILE_MAX.
 */
#include "formats/bbolt.h"

#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "core/util.h"

#define BOLT_MAGIC	0xED0CDAEDu
#define BOLT_VERSION	2
#define PAGE_HDR	16
#define ELEM_SIZE	16
#define META_SIZE	64
#define META_SUMMED	56
#define F_BRANCH	0x01
#define F_LEAF		0x02
#define LEAF_BUCKET	0x01

struct page {
	uint8_t *buf;		/* owned */
	size_t len;
	uint16_t flags, count;
};

/* One call's state: the pages it has read, so a cycle ends it. */
struct op {
	struct bbolt_db *db;
	uint8_t *seen;
	uint64_t npages;
};

/* A bucket: a tree from a page, or an inline leaf page (owned copy). */
struct bucket {
	uint64_t root;
	uint8_t *inl;
	size_t inl_len;
};

static int fail(struct bbolt_db *db, const char *why)
{
	db->reason = why;
	return -1;
}

static uint64_t fnv1a64(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint32_t le32(const uint8_t *p)
{
	struct cursor c = cur_init(p, 4);
	uint32_t v = 0;

	cur_le32(&c, &v);
	return v;
}

static uint64_t le64(const uint8_t *p)
{
	struct cursor c = cur_init(p, 8);
	uint64_t v = 0;

	cur_le64(&c, &v);
	return v;
}

struct meta {
	uint32_t page_size;
	uint64_t root, txid;
};

/* The meta page at off: true when it is whole and valid. */
static bool read_meta(struct bbolt_db *db, uint64_t off, struct meta *m)
{
	uint8_t buf[PAGE_HDR + META_SIZE];
	const uint8_t *p = buf + PAGE_HDR;

	if (!range_ok(db->size, off, sizeof(buf)) || db->read(db->io, off, buf, sizeof(buf)))
		return false;
	if (le32(p) != BOLT_MAGIC || le32(p + 4) != BOLT_VERSION)
		return false;
	if (fnv1a64(p, META_SUMMED) != le64(p + META_SUMMED))
		return false;
	m->page_size = le32(p + 8);
	m->root = le64(p + 16);
	m->txid = le64(p + 48);
	/* bbolt takes the OS page size: a power of two; 1 KiB..64 KiB is plausible */
	return m->page_size >= 1024 && m->page_size <= 65536 &&
	       !(m->page_size & (m->page_size - 1));
}

int bbolt_open(struct bbolt_db *db)
{
	static const uint32_t sizes[] = { 4096, 8192, 16384, 32768, 65536, 1024, 2048 };
	struct meta m0, m1, *best = NULL;
	bool ok0, ok1 = false;

	db->reason = NULL;
	/* (each call keeps a bitmap of the pages it has read) */
	if (db->size > BBOLT_FILE_MAX)
		return fail(db, "file larger than the cap of 1 GiB");
	ok0 = read_meta(db, 0, &m0);
	if (ok0) {
		ok1 = read_meta(db, m0.page_size, &m1) && m1.page_size == m0.page_size;
	} else {
		/* meta 0 is bad: find meta 1 where a page size would put it */
		for (size_t i = 0; i < ARRAY_SIZE(sizes) && !ok1; i++)
			ok1 = read_meta(db, sizes[i], &m1) && m1.page_size == sizes[i];
	}
	if (ok0)
		best = &m0;
	if (ok1 && (!best || m1.txid > best->txid))
		best = &m1;
	if (!best)
		return fail(db, "no valid meta page (bad magic, version or checksum)");
	db->page_size = best->page_size;
	db->root = best->root;
	db->txid = best->txid;
	return 0;
}

static int load_page(struct op *op, uint64_t id, struct page *pg)
{
	struct bbolt_db *db = op->db;
	uint8_t hdr[PAGE_HDR];
	uint64_t ov, len;

	memset(pg, 0, sizeof(*pg));
	if (id < 2 || id >= op->npages)
		return fail(db, "page id out of range");
	if (op->seen[id / 8] & (1u << (id % 8)))
		return fail(db, "page reached twice (a cycle)");
	op->seen[id / 8] |= (uint8_t)(1u << (id % 8));
	if (db->read(db->io, id * db->page_size, hdr, sizeof(hdr)))
		return fail(db, "read error");
	if (le64(hdr) != id)
		return fail(db, "page header names another page");
	ov = le32(hdr + 12);
	if (ov >= op->npages - id)
		return fail(db, "page overflow past the end of the file");
	len = (ov + 1) * db->page_size;
	if (len > BBOLT_PAGE_MAX)
		return fail(db, "page overflow past the cap");
	pg->buf = xmalloc((size_t)len);
	pg->len = (size_t)len;
	if (db->read(db->io, id * db->page_size, pg->buf, pg->len)) {
		free(pg->buf);
		pg->buf = NULL;
		return fail(db, "read error");
	}
	pg->flags = (uint16_t)(pg->buf[8] | pg->buf[9] << 8);
	pg->count = (uint16_t)(pg->buf[10] | pg->buf[11] << 8);
	if (!range_ok(pg->len, PAGE_HDR, (uint64_t)pg->count * ELEM_SIZE)) {
		free(pg->buf);
		pg->buf = NULL;
		return fail(db, "page elements past the page");
	}
	return 0;
}

/* An inline bucket's page, a view into its value (not owned). */
static int inline_page(struct op *op, const struct bucket *b, struct page *pg)
{
	memset(pg, 0, sizeof(*pg));
	if (b->inl_len < PAGE_HDR)
		return fail(op->db, "inline bucket shorter than a page header");
	pg->buf = b->inl;
	pg->len = b->inl_len;
	pg->flags = (uint16_t)(pg->buf[8] | pg->buf[9] << 8);
	pg->count = (uint16_t)(pg->buf[10] | pg->buf[11] << 8);
	if (pg->flags != F_LEAF)
		return fail(op->db, "inline bucket page is not a leaf");
	if (!range_ok(pg->len, PAGE_HDR, (uint64_t)pg->count * ELEM_SIZE))
		return fail(op->db, "page elements past the page");
	return 0;
}

struct elem {
	uint32_t flags;
	const uint8_t *key, *val;
	size_t klen, vlen;
	uint64_t child;
};

/* Element i of a page, its key (and value) checked to lie inside the page. */
static int get_elem(struct op *op, const struct page *pg, uint16_t i, struct elem *e)
{
	size_t at = PAGE_HDR + (size_t)i * ELEM_SIZE;
	const uint8_t *p = pg->buf + at;
	uint64_t koff;

	memset(e, 0, sizeof(*e));
	if (pg->flags == F_LEAF) {
		e->flags = le32(p);
		koff = (uint64_t)at + le32(p + 4);
		e->klen = le32(p + 8);
		e->vlen = le32(p + 12);
		if (!range_ok(pg->len, koff, (uint64_t)e->klen + e->vlen))
			return fail(op->db, "element key or value past its page");
		e->key = pg->buf + koff;
		e->val = e->key + e->klen;
		return 0;
	}
	koff = (uint64_t)at + le32(p);
	e->klen = le32(p + 4);
	e->child = le64(p + 8);
	if (!range_ok(pg->len, koff, e->klen))
		return fail(op->db, "element key past its page");
	e->key = pg->buf + koff;
	return 0;
}

static int key_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
	int r = memcmp(a, b, al < bl ? al : bl);

	if (r)
		return r;
	return al < bl ? -1 : al > bl;
}

static void page_free(const struct bucket *b, struct page *pg)
{
	if (!b->inl)
		free(pg->buf);
	pg->buf = NULL;
}

/* Find key in bucket b: 0 (*e points into *leaf, which the caller frees), 1 none, -1. */
static int find(struct op *op, const struct bucket *b, const uint8_t *key, size_t klen,
		struct page *leaf, struct elem *e)
{
	uint64_t id = b->root;

	for (int depth = 0; depth < BBOLT_DEPTH_MAX; depth++) {
		struct page pg;
		int r = b->inl ? inline_page(op, b, &pg) : load_page(op, id, &pg);

		if (r)
			return r;
		if (pg.flags == F_LEAF) {
			for (uint16_t i = 0; i < pg.count; i++) {
				if (get_elem(op, &pg, i, e)) {
					page_free(b, &pg);
					return -1;
				}
				if (!key_cmp(e->key, e->klen, key, klen)) {
					*leaf = pg;
					return 0;
				}
			}
			page_free(b, &pg);
			return 1;
		}
		if (pg.flags != F_BRANCH || !pg.count) {
			page_free(b, &pg);
			return fail(op->db, pg.flags != F_BRANCH ? "tree page is neither branch nor leaf"
								  : "empty branch page");
		}
		/* the last child whose first key is <= key (the first one if none is) */
		id = 0;
		for (uint16_t i = 0; i < pg.count; i++) {
			struct elem be;

			if (get_elem(op, &pg, i, &be)) {
				page_free(b, &pg);
				return -1;
			}
			if (i && key_cmp(be.key, be.klen, key, klen) > 0)
				break;
			id = be.child;
		}
		page_free(b, &pg);
	}
	return fail(op->db, "tree deeper than the cap");
}

static void bucket_free(struct bucket *b)
{
	free(b->inl);
	b->inl = NULL;
}

/* The nested bucket a leaf element holds. */
static int sub_bucket(struct op *op, const struct elem *e, struct bucket *out)
{
	memset(out, 0, sizeof(*out));
	if (e->vlen < 16)
		return fail(op->db, "bucket header shorter than 16 bytes");
	out->root = le64(e->val);
	if (out->root)
		return 0;
	out->inl_len = e->vlen - 16;
	out->inl = xmalloc(out->inl_len ? out->inl_len : 1);
	memcpy(out->inl, e->val + 16, out->inl_len);
	return 0;
}

static int op_init(struct op *op, struct bbolt_db *db)
{
	op->db = db;
	db->reason = NULL;
	if (!db->page_size)
		return fail(db, "database not opened");
	op->npages = db->size / db->page_size;
	op->seen = xcalloc((size_t)(op->npages / 8 + 1), 1);
	return 0;
}

/* The bucket at path: 0, 1 (not there), -1. */
static int walk_path(struct op *op, const char *const *path, size_t npath, struct bucket *out)
{
	struct bucket b = { .root = op->db->root };

	if (npath > BBOLT_DEPTH_MAX)
		return fail(op->db, "bucket path deeper than the cap");
	for (size_t i = 0; i < npath; i++) {
		struct page leaf;
		struct elem e;
		struct bucket next;
		int r = find(op, &b, (const uint8_t *)path[i], strlen(path[i]), &leaf, &e);

		if (r) {
			bucket_free(&b);
			return r;
		}
		if (!(e.flags & LEAF_BUCKET)) {
			page_free(&b, &leaf);
			bucket_free(&b);
			return 1;
		}
		r = sub_bucket(op, &e, &next);
		page_free(&b, &leaf);
		bucket_free(&b);
		if (r)
			return r;
		b = next;
	}
	*out = b;
	return 0;
}

int bbolt_get(struct bbolt_db *db, const char *const *path, size_t npath, const char *key,
	      uint8_t **val, size_t *len)
{
	struct op op;
	struct bucket b;
	struct page leaf;
	struct elem e;
	int r;

	*val = NULL;
	*len = 0;
	if (op_init(&op, db))
		return -1;
	r = walk_path(&op, path, npath, &b);
	if (!r) {
		r = find(&op, &b, (const uint8_t *)key, strlen(key), &leaf, &e);
		if (!r) {
			if (e.flags & LEAF_BUCKET) {
				r = 1;
			} else {
				*val = xmalloc(e.vlen + 1);
				memcpy(*val, e.val, e.vlen);
				(*val)[e.vlen] = 0;
				*len = e.vlen;
			}
			page_free(&b, &leaf);
		}
		bucket_free(&b);
	}
	free(op.seen);
	return r;
}

static int list(struct op *op, const struct bucket *b, uint64_t id, int depth, bbolt_key_fn fn,
		void *ctx)
{
	struct page pg;
	int r;

	if (depth >= BBOLT_DEPTH_MAX)
		return fail(op->db, "tree deeper than the cap");
	r = b->inl ? inline_page(op, b, &pg) : load_page(op, id, &pg);
	if (r)
		return r;
	if (pg.flags != F_LEAF && pg.flags != F_BRANCH) {
		page_free(b, &pg);
		return fail(op->db, "tree page is neither branch nor leaf");
	}
	for (uint16_t i = 0; i < pg.count && !r; i++) {
		struct elem e;

		r = get_elem(op, &pg, i, &e);
		if (r)
			break;
		if (pg.flags == F_LEAF)
			r = fn(ctx, e.key, e.klen, e.flags & LEAF_BUCKET);
		else
			r = list(op, b, e.child, depth + 1, fn, ctx);
	}
	page_free(b, &pg);
	return r;
}

int bbolt_keys(struct bbolt_db *db, const char *const *path, size_t npath, bbolt_key_fn fn,
	       void *ctx)
{
	struct op op;
	struct bucket b;
	int r;

	if (op_init(&op, db))
		return -1;
	r = walk_path(&op, path, npath, &b);
	if (!r) {
		r = list(&op, &b, b.root, 0, fn, ctx);
		bucket_free(&b);
	}
	free(op.seen);
	return r;
}

int bbolt_uvarint(const uint8_t *p, size_t n, uint64_t *v)
{
	uint64_t x = 0;

	for (size_t i = 0; i < n && i < 10; i++) {
		if (i == 9 && p[i] > 1)
			return -1;
		x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}
