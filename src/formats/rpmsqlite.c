// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpmsqlite.c - the SQLite file format (sqlite.org/fileformat2.html), as much
 * of it as reading rpm's Packages table needs: the header's page size, the
 * schema table (rooted at page 1) for the Packages table's root page, then
 * that table's b-tree (interior 0x05, leaf 0x0D pages) and each row's record,
 * whose second column is the header blob (the first, hnum, is the rowid and
 * stored as NULL). Payloads larger than a page continue in overflow chains.
 * Every page is read through the callback, so a 150 MB database is never in
 * memory; every page is used once at most (a second use is a cycle), the
 * depth and the number of pages are capped. What is on disk is what is read:
 * a WAL file's newer transactions are not seen (the caller says so).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "formats/rpmsqlite.h"
#include "core/util.h"

#define SQLITE_MAGIC "SQLite format 3"
#define HEADER_SIZE 100
#define PAGE_INTERIOR_TABLE 0x05
#define PAGE_LEAF_TABLE 0x0d
#define SCHEMA_RECORD_MAX (1u << 20)

struct db {
	struct rpmdb_walk *w;
	uint32_t page_size;
	uint32_t usable;		/* page size less the reserved bytes at each page's end */
	uint32_t npages;
	uint8_t *seen;			/* a bit per page: used once at most */
	uint8_t *levels[RPMSQLITE_DEPTH_MAX];	/* a page buffer per b-tree level */
	uint8_t *ovfl;			/* overflow page buffer */
	const char *fatal;
};

/* A row's record, whole: payload assembled from the cell and its overflow chain. */
typedef int (*row_fn)(struct db *db, const uint8_t *rec, size_t n, void *ctx);

static bool read_page(struct db *db, uint32_t pgno, uint8_t *buf)
{
	if (pgno == 0 || pgno > db->npages) {
		db->fatal = "SQLite page number out of range";
		return false;
	}
	if (db->seen[(pgno - 1) / 8] & (1u << ((pgno - 1) % 8))) {
		db->fatal = "SQLite page used twice (a cycle)";
		return false;
	}
	db->seen[(pgno - 1) / 8] |= (uint8_t)(1u << ((pgno - 1) % 8));
	if (db->w->read(db->w->io, (uint64_t)(pgno - 1) * db->page_size, buf, db->page_size)) {
		db->fatal = "SQLite database could not be read";
		return false;
	}
	return true;
}

static bool varint(struct cursor *c, uint64_t *v)
{
	uint64_t x = 0;

	for (int i = 0; i < 9; i++) {
		uint8_t b;

		if (!cur_u8(c, &b))
			return false;
		if (i == 8) {
			*v = x << 8 | b;
			return true;
		}
		x = x << 7 | (b & 0x7f);
		if (!(b & 0x80)) {
			*v = x;
			return true;
		}
	}
	return false;
}

static bool be16(struct cursor *c, uint16_t *v)
{
	uint8_t b[2];

	if (!cur_copy(c, b, 2))
		return false;
	*v = (uint16_t)(b[0] << 8 | b[1]);
	return true;
}

/*
 * A leaf cell's payload, whole, in a new buffer: the local part, then the
 * overflow chain. false with *bad set for a malformed cell, or db->fatal.
 */
static bool payload(struct db *db, struct cursor *cell, uint8_t **out, size_t *outn,
		    uint64_t cap, const char **bad)
{
	uint64_t p, rowid, local;
	uint32_t u = db->usable, x = u - 35, m = (u - 12) * 32 / 255 - 23, next;
	const uint8_t *src;
	uint8_t *buf;
	size_t have;

	if (!varint(cell, &p) || !varint(cell, &rowid)) {
		*bad = "SQLite cell truncated";
		return false;
	}
	if (p > cap) {
		*bad = "SQLite record larger than a package header can be";
		return false;
	}
	local = p;
	if (p > x) {
		uint64_t k = m + (p - m) % (u - 4);

		local = k <= x ? k : m;
	}
	if (!cur_take(cell, local, &src)) {
		*bad = "SQLite cell overruns its page";
		return false;
	}
	buf = xmalloc(p ? p : 1);
	memcpy(buf, src, local);
	have = local;
	if (have < p) {
		struct cursor pc;
		uint8_t b[4];

		if (!cur_copy(cell, b, 4)) {
			free(buf);
			*bad = "SQLite cell overruns its page";
			return false;
		}
		next = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
		while (have < p) {
			size_t take;

			if (!read_page(db, next, db->ovfl)) {
				free(buf);
				return false;
			}
			pc = cur_init(db->ovfl, u);
			cur_be32(&pc, &next);
			take = p - have < u - 4 ? (size_t)(p - have) : u - 4;
			memcpy(buf + have, db->ovfl + 4, take);
			have += take;
		}
	}
	*out = buf;
	*outn = (size_t)p;
	return true;
}

static bool walk_tree(struct db *db, uint32_t pgno, unsigned depth, uint64_t cap, row_fn fn,
		      void *ctx, int *stop)
{
	uint8_t *pg;
	size_t hoff = pgno == 1 ? HEADER_SIZE : 0;
	struct cursor c, hdr;
	uint8_t type;
	uint16_t ncells, skip16;
	uint32_t right = 0;

	if (depth >= RPMSQLITE_DEPTH_MAX) {
		db->fatal = "SQLite b-tree deeper than any real one";
		return false;
	}
	if (!db->levels[depth])
		db->levels[depth] = xmalloc(db->page_size);
	pg = db->levels[depth];
	if (!read_page(db, pgno, pg))
		return false;
	c = cur_init(pg, db->usable);
	if (!cur_sub(&c, hoff, db->usable - hoff, &hdr) || !cur_u8(&hdr, &type) ||
	    !be16(&hdr, &skip16) || !be16(&hdr, &ncells) || !cur_skip(&hdr, 3)) {
		db->fatal = "SQLite page header truncated";
		return false;
	}
	if (type != PAGE_INTERIOR_TABLE && type != PAGE_LEAF_TABLE) {
		db->fatal = "SQLite page is not a table b-tree page";
		return false;
	}
	if (type == PAGE_INTERIOR_TABLE && !cur_be32(&hdr, &right)) {
		db->fatal = "SQLite page header truncated";
		return false;
	}
	if ((uint64_t)ncells * 2 > cur_left(&hdr)) {
		db->fatal = "SQLite cell count larger than its page";
		return false;
	}
	for (uint16_t i = 0; i < ncells; i++) {
		uint16_t off;
		struct cursor cell;

		be16(&hdr, &off);
		/* a cell lies after the cell pointer array, inside the usable part of the page */
		if (off < hoff + hdr.pos + 2 * (size_t)(ncells - i - 1) || off >= db->usable ||
		    !cur_sub(&c, off, db->usable - off, &cell)) {
			db->w->bad++;
			db->w->reason = "SQLite cell pointer out of its page";
			continue;
		}
		if (type == PAGE_INTERIOR_TABLE) {
			uint32_t child;
			uint64_t key;

			if (!cur_be32(&cell, &child) || !varint(&cell, &key)) {
				db->fatal = "SQLite interior cell truncated";
				return false;
			}
			if (!walk_tree(db, child, depth + 1, cap, fn, ctx, stop) || *stop)
				return !db->fatal;
		} else {
			uint8_t *rec;
			size_t n;
			const char *bad = NULL;

			if (!payload(db, &cell, &rec, &n, cap, &bad)) {
				if (db->fatal)
					return false;
				db->w->bad++;
				db->w->reason = bad;
				continue;
			}
			*stop = fn(db, rec, n, ctx);
			free(rec);
			if (*stop)
				return true;
		}
	}
	if (type == PAGE_INTERIOR_TABLE)
		return walk_tree(db, right, depth + 1, cap, fn, ctx, stop);
	return true;
}

struct column {
	uint64_t serial;
	const uint8_t *p;
	size_t n;
};

static size_t serial_size(uint64_t t)
{
	static const uint8_t fixed[] = { 0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0 };

	if (t < 12)
		return fixed[t];
	return (size_t)((t - 12) / 2);
}

/* Column col of a record, or false when the record is malformed or shorter. */
static bool record_column(const uint8_t *rec, size_t n, unsigned col, struct column *out)
{
	struct cursor c = cur_init(rec, n), types;
	uint64_t hsize, body;

	if (!varint(&c, &hsize) || hsize < c.pos || hsize > n)
		return false;
	types = cur_init(rec, (size_t)hsize);
	types.pos = c.pos;
	body = hsize;
	for (unsigned i = 0;; i++) {
		uint64_t t;
		size_t sz;

		if (!cur_left(&types) || !varint(&types, &t) || t == 10 || t == 11)
			return false;
		if (t > (uint64_t)SIZE_MAX)
			return false;
		sz = serial_size(t);
		if (!range_ok(n, body, sz))
			return false;
		if (i == col) {
			out->serial = t;
			out->p = rec + body;
			out->n = sz;
			return true;
		}
		body += sz;
	}
}

static bool column_text(const struct column *c, const char *s)
{
	return c->serial >= 13 && c->serial % 2 && c->n == strlen(s) && !memcmp(c->p, s, c->n);
}

static bool column_int(const struct column *c, uint64_t *v)
{
	uint64_t x = 0;

	if (c->serial == 8 || c->serial == 9) {
		*v = c->serial - 8;
		return true;
	}
	if (c->serial < 1 || c->serial > 6)
		return false;
	for (size_t i = 0; i < c->n; i++)
		x = x << 8 | c->p[i];
	*v = x;
	return true;
}

/* sqlite_schema(type, name, tbl_name, rootpage, sql): the Packages table's root page. */
static int schema_row(struct db *db, const uint8_t *rec, size_t n, void *ctx)
{
	uint64_t *root = ctx, v;
	struct column type, name, rootpage;

	(void)db;
	if (!record_column(rec, n, 0, &type) || !record_column(rec, n, 1, &name) ||
	    !record_column(rec, n, 3, &rootpage))
		return 0;
	if (!column_text(&type, "table") || !column_text(&name, "Packages"))
		return 0;
	if (!column_int(&rootpage, &v) || v == 0 || v > UINT32_MAX)
		*root = UINT64_MAX;
	else
		*root = v;
	return 1;
}

static int package_row(struct db *db, const uint8_t *rec, size_t n, void *ctx)
{
	struct column blob;
	struct rpmdb_walk *w = db->w;
	int r;

	(void)ctx;
	if (!record_column(rec, n, 1, &blob) || blob.serial < 12 || blob.serial % 2 || !blob.n) {
		w->bad++;
		w->reason = "Packages row without a header blob";
		return 0;
	}
	r = w->blob(w->ctx, blob.p, blob.n);
	w->blobs++;
	return r;
}

static int fail(struct rpmdb_walk *w, const char *why)
{
	w->reason = why;
	return -1;
}

static int walk(struct db *db)
{
	struct rpmdb_walk *w = db->w;
	uint8_t h[HEADER_SIZE];
	uint64_t root = 0;
	uint32_t ps, enc;
	int stop = 0;

	if (w->size < HEADER_SIZE || w->read(w->io, 0, h, sizeof(h)))
		return fail(w, "too short for an SQLite database");
	if (memcmp(h, SQLITE_MAGIC, sizeof(SQLITE_MAGIC)))
		return fail(w, "not an SQLite database");
	ps = (uint32_t)h[16] << 8 | h[17];
	if (ps == 1)
		ps = 65536;
	if (ps < 512 || ps > 65536 || (ps & (ps - 1)))
		return fail(w, "SQLite page size invalid");
	if (ps - h[20] < 480)
		return fail(w, "SQLite reserved space leaves too small a page");
	enc = (uint32_t)h[56] << 24 | (uint32_t)h[57] << 16 | (uint32_t)h[58] << 8 | h[59];
	if (enc != 0 && enc != 1)	/* 0: an empty database, no text yet */
		return fail(w, "SQLite text encoding is not UTF-8");
	db->page_size = ps;
	db->usable = ps - h[20];
	/* the file as it is: its size says how many pages there are */
	if (w->size / ps > RPMSQLITE_PAGES_MAX)
		return fail(w, "SQLite database larger than kdetect reads");
	db->npages = (uint32_t)(w->size / ps);
	db->seen = xcalloc(db->npages / 8 + 1, 1);
	db->ovfl = xmalloc(ps);
	if (!walk_tree(db, 1, 0, SCHEMA_RECORD_MAX, schema_row, &root, &stop))
		return fail(w, db->fatal);
	if (!root)
		return fail(w, "SQLite database has no Packages table");
	if (root == UINT64_MAX)
		return fail(w, "SQLite schema's Packages root page invalid");
	/* the schema is read: those pages are not the Packages table's */
	stop = 0;
	if (!walk_tree(db, (uint32_t)root, 0, RPMDB_BLOB_MAX + 64, package_row, NULL, &stop))
		return fail(w, db->fatal);
	return stop;
}

int rpmsqlite_walk(struct rpmdb_walk *w)
{
	struct db db = { .w = w };
	int r;

	w->blobs = 0;
	w->bad = 0;
	w->reason = NULL;
	r = walk(&db);
	for (size_t i = 0; i < RPMSQLITE_DEPTH_MAX; i++)
		free(db.levels[i]);
	free(db.ovfl);
	free(db.seen);
	return r;
}
