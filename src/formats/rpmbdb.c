// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpmbdb.c - read-only reader of rpm's Berkeley DB hash database "Packages".
 *
 * Layout (Berkeley DB 4.x/5.x hash, as rpm on RHEL 7/8 writes it): page 0 is the
 * hash metadata page (magic 0x061561, page size, last page number, bucket masks,
 * and the "spares" table that maps a bucket to its first page). Every bucket is a
 * chain of hash pages (next_pgno) holding key/data item pairs; an item is stored
 * inline (H_KEYDATA) or, when large, as a reference to a chain of overflow pages
 * with the total length (H_OFFPAGE). The file's byte order is the writer's; the
 * magic tells which. Keys are rpm's 4-byte package numbers (key 0, where present,
 * is rpm's bookkeeping, no package), data the header blobs.
 *
 * Bounds: each page is read at most once (a visited bitmap over the pages the
 * file holds), so a walk reads at most the file's size and no chain can loop.
 */
#include "formats/rpmbdb.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "core/util.h"

#define BDB_HASH_MAGIC	0x061561u
#define BDB_BTREE_MAGIC	0x053162u
#define BDB_PAGE_MIN	512u
#define BDB_PAGE_MAX	65536u
#define BDB_META_SIZE	512u	/* the hash metadata lies in the first 512 bytes */
#define BDB_PAGE_HDR	26u	/* lsn, pgno, prev, next, entries, hf_offset, level, type */
#define BDB_CHKSUM	0x01u	/* metaflags: pages carry a checksum (other header size) */

/* page types */
#define P_HASH_UNSORTED	2
#define P_OVERFLOW	7
#define P_HASH		13

/* hash item types */
#define H_KEYDATA	1
#define H_DUPLICATE	2
#define H_OFFPAGE	3
#define H_OFFDUP	4

struct bdb {
	struct rpmdb_walk *w;
	bool be;
	uint32_t psize;
	uint32_t npages;	/* pages that exist: min(last + 1, size / psize) */
	uint8_t *page;		/* the bucket page being read */
	uint8_t *ovpage;	/* an overflow page */
	uint8_t *visited;	/* one bit per page */
};

struct bdb_page {
	uint32_t pgno, next;
	uint16_t entries, hfoff;
	uint8_t type;
};

static bool rd16(struct cursor *c, bool be, uint16_t *v)
{
	uint8_t b[2];

	if (!cur_copy(c, b, 2))
		return false;
	*v = be ? (uint16_t)(b[0] << 8 | b[1]) : (uint16_t)(b[0] | b[1] << 8);
	return true;
}

static bool rd32(struct cursor *c, bool be, uint32_t *v)
{
	return be ? cur_be32(c, v) : cur_le32(c, v);
}

static void bad(struct bdb *db, const char *why)
{
	db->w->bad++;
	if (!db->w->reason)
		db->w->reason = why;
}

/* Read page pgno into buf once; its header into *h. NULL: fine, else why not. */
static const char *read_page(struct bdb *db, uint32_t pgno, uint8_t *buf, struct bdb_page *h)
{
	struct cursor c;

	if (!pgno || pgno >= db->npages)
		return "page number beyond the file";
	if (db->visited[pgno / 8] & (1u << (pgno % 8)))
		return "page reached twice (a cycle or a shared chain)";
	db->visited[pgno / 8] |= (uint8_t)(1u << (pgno % 8));
	if (db->w->read(db->w->io, (uint64_t)pgno * db->psize, buf, db->psize))
		return "page could not be read";
	c = cur_init(buf, db->psize);
	if (!cur_seek(&c, 8) || !rd32(&c, db->be, &h->pgno) || !cur_skip(&c, 4) ||
	    !rd32(&c, db->be, &h->next) || !rd16(&c, db->be, &h->entries) ||
	    !rd16(&c, db->be, &h->hfoff) || !cur_skip(&c, 1) || !cur_u8(&c, &h->type))
		return "page header truncated";
	if (h->pgno != pgno)
		return "page does not carry its own number";
	return NULL;
}

/* Gather an overflow chain of tlen bytes from pgno into a new buffer *out. */
static const char *read_overflow(struct bdb *db, uint32_t pgno, uint32_t tlen, uint8_t **out)
{
	uint8_t *buf, *p;
	uint32_t left = tlen;
	const char *why;
	struct bdb_page h;

	if (!tlen)
		return "overflow item of length 0";
	if (tlen > RPMDB_BLOB_MAX)
		return "overflow item larger than a header can be";
	if (tlen > db->w->size)
		return "overflow item longer than the file";
	buf = p = xmalloc(tlen);
	while (left) {
		why = read_page(db, pgno, db->ovpage, &h);
		if (!why && h.type != P_OVERFLOW)
			why = "overflow chain reaches a page that is no overflow page";
		if (!why && (!h.hfoff || h.hfoff > db->psize - BDB_PAGE_HDR || h.hfoff > left))
			why = "overflow page length out of range";
		if (why) {
			free(buf);
			return why;
		}
		memcpy(p, db->ovpage + BDB_PAGE_HDR, h.hfoff);
		p += h.hfoff;
		left -= h.hfoff;
		pgno = h.next;
		if (left && !pgno) {
			free(buf);
			return "overflow chain ends before its length";
		}
	}
	*out = buf;
	return NULL;
}

/*
 * Item idx of a hash page as bytes: inline ones point into the page (*owned NULL),
 * off-page ones are gathered into *owned. NULL: fine, else why not.
 */
static const char *get_item(struct bdb *db, const struct bdb_page *h, unsigned idx,
			    const uint8_t **data, size_t *len, uint8_t **owned)
{
	struct cursor c = cur_init(db->page, db->psize), it;
	uint16_t start, prev;
	uint32_t end, pgno, tlen;
	uint8_t type;

	*owned = NULL;
	if (!cur_seek(&c, BDB_PAGE_HDR + 2u * idx) || !rd16(&c, db->be, &start))
		return "item index truncated";
	/* items fill the page from its end down: one ends where the one before starts */
	end = db->psize;
	if (idx) {
		if (!cur_seek(&c, BDB_PAGE_HDR + 2u * (idx - 1)) || !rd16(&c, db->be, &prev))
			return "item index truncated";
		end = prev;
	}
	if (start < BDB_PAGE_HDR + 2u * h->entries || start >= end ||
	    !cur_sub(&c, start, (uint64_t)end - start, &it))
		return "item outside its page";
	if (!cur_u8(&it, &type))
		return "empty item";
	switch (type) {
	case H_KEYDATA:
		*len = cur_left(&it);
		*data = it.base + it.pos;
		return NULL;
	case H_OFFPAGE:
		if (!cur_skip(&it, 3) || !rd32(&it, db->be, &pgno) || !rd32(&it, db->be, &tlen))
			return "off-page item truncated";
		{
			const char *why = read_overflow(db, pgno, tlen, owned);

			if (why)
				return why;
		}
		*data = *owned;
		*len = tlen;
		return NULL;
	case H_DUPLICATE:
	case H_OFFDUP:
		return "duplicate data items (not written by rpm)";
	default:
		return "unknown hash item type";
	}
}

/* The items of one hash page: 0, or the blob callback's stop value. */
static int walk_page(struct bdb *db, const struct bdb_page *h)
{
	const uint8_t *key, *data;
	size_t klen, dlen;
	uint8_t *kown, *down;
	const char *why;
	struct cursor kc;
	uint32_t pkgno;
	int rc;

	if (BDB_PAGE_HDR + 2u * h->entries > db->psize) {
		bad(db, "hash page index larger than the page");
		return 0;
	}
	if (h->entries % 2)
		bad(db, "hash page with a key and no data");
	for (unsigned i = 0; i + 1 < h->entries; i += 2) {
		why = get_item(db, h, i, &key, &klen, &kown);
		if (why) {
			bad(db, why);
			continue;
		}
		kc = cur_init(key, klen);
		if (klen != 4 || !rd32(&kc, db->be, &pkgno)) {
			free(kown);
			bad(db, "key is no 4-byte package number");
			continue;
		}
		free(kown);
		if (!pkgno)
			continue;	/* rpm's bookkeeping record */
		why = get_item(db, h, i + 1, &data, &dlen, &down);
		if (!why && !dlen)
			why = "empty header blob";
		if (why) {
			free(down);
			bad(db, why);
			continue;
		}
		db->w->blobs++;
		rc = db->w->blob(db->w->ctx, data, dlen);
		free(down);
		if (rc)
			return rc;
	}
	return 0;
}

/* The chain of pages of one bucket, from its first page. */
static int walk_bucket(struct bdb *db, uint32_t pgno)
{
	struct bdb_page h;
	const char *why;
	int rc;

	while (pgno) {
		why = read_page(db, pgno, db->page, &h);
		if (!why && h.type != P_HASH && h.type != P_HASH_UNSORTED)
			why = "bucket page is no hash page";
		if (why) {
			bad(db, why);
			return 0;
		}
		rc = walk_page(db, &h);
		if (rc)
			return rc;
		pgno = h.next;
	}
	return 0;
}

static unsigned bits(uint32_t v)
{
	unsigned n = 0;

	for (; v; v >>= 1)
		n++;
	return n;
}

int rpmbdb_walk(struct rpmdb_walk *w)
{
	uint8_t meta[BDB_META_SIZE];
	uint32_t magic = 0, version = 0, last = 0, maxbucket = 0, spares[32] = { 0 };
	uint8_t encrypt = 0, metaflags = 0;
	struct bdb db = { .w = w };
	struct cursor c;
	uint64_t exist;
	int rc = 0;

	w->blobs = w->bad = 0;
	w->reason = NULL;
	if (w->size < BDB_META_SIZE) {
		w->reason = "shorter than a Berkeley DB metadata page";
		return -1;
	}
	if (w->read(w->io, 0, meta, sizeof(meta))) {
		w->reason = "metadata page could not be read";
		return -1;
	}
	c = cur_init(meta, sizeof(meta));
	if (!cur_seek(&c, 12) || !cur_le32(&c, &magic)) {
		w->reason = "metadata page truncated";
		return -1;
	}
	if (magic != BDB_HASH_MAGIC) {
		c.pos = 12;
		cur_be32(&c, &magic);
		db.be = true;
	}
	if (magic != BDB_HASH_MAGIC) {
		w->reason = magic == BDB_BTREE_MAGIC || __builtin_bswap32(magic) == BDB_BTREE_MAGIC ?
			"a Berkeley DB btree, not the hash database rpm writes" :
			"not a Berkeley DB hash database (bad magic)";
		return -1;
	}
	rd32(&c, db.be, &version);
	rd32(&c, db.be, &db.psize);
	cur_u8(&c, &encrypt);
	cur_skip(&c, 1);
	cur_u8(&c, &metaflags);
	cur_seek(&c, 32);
	rd32(&c, db.be, &last);
	cur_seek(&c, 72);
	rd32(&c, db.be, &maxbucket);
	cur_seek(&c, 96);
	for (unsigned i = 0; i < 32; i++)
		rd32(&c, db.be, &spares[i]);
	if (version < 8 || version > 10) {
		w->reason = "unsupported Berkeley DB hash version";
		return -1;
	}
	if (db.psize < BDB_PAGE_MIN || db.psize > BDB_PAGE_MAX || (db.psize & (db.psize - 1))) {
		w->reason = "Berkeley DB page size out of range";
		return -1;
	}
	if (encrypt) {
		w->reason = "encrypted Berkeley DB database";
		return -1;
	}
	if (metaflags & BDB_CHKSUM) {
		w->reason = "Berkeley DB pages with checksums (not written by rpm)";
		return -1;
	}
	exist = w->size / db.psize;
	if ((uint64_t)last + 1 > exist) {
		/* truncated: walk what is there, and say the rest is missing */
		bad(&db, "file shorter than its last page");
	} else {
		exist = (uint64_t)last + 1;
	}
	if (exist > UINT32_MAX)
		exist = UINT32_MAX;
	db.npages = (uint32_t)exist;
	if (maxbucket >= db.npages) {
		w->reason = "more hash buckets than pages";
		return -1;
	}
	db.page = xmalloc(db.psize);
	db.ovpage = xmalloc(db.psize);
	db.visited = xcalloc(db.npages / 8 + 1, 1);
	db.visited[0] = 1;	/* the metadata page is no bucket */
	for (uint32_t b = 0; b <= maxbucket && !rc; b++) {
		unsigned sp = bits(b);
		uint64_t pg;

		if (sp >= 32) {
			bad(&db, "bucket beyond the spares table");
			break;
		}
		pg = (uint64_t)b + spares[sp];
		if (!pg || pg >= db.npages) {
			bad(&db, "bucket page beyond the file");
			continue;
		}
		rc = walk_bucket(&db, (uint32_t)pg);
	}
	free(db.page);
	free(db.ovpage);
	free(db.visited);
	return rc;
}
