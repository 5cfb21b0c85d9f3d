// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rpmndb.c - read-only reader of rpm's ndb package database "Packages.db".
 *
 * Layout (rpm's lib/backend/ndb, all little-endian): the file starts with slot
 * pages of 4096 bytes. The first 32 bytes are the header ("RpmP", version 0,
 * generation, number of slot pages, next package index); the rest of the slot
 * pages are 16-byte slots ("Slot", package index, offset and count in 16-byte
 * blocks; offset 0: free). A slot's blocks hold one blob: a head ("BlbS",
 * package index, generation, length), the header blob, zero padding, and a tail
 * (adler32 of everything before it, length, "BlbE").
 *
 * Bounds: the slot pages lie inside the file, each blob inside the file and
 * within RPMDB_BLOB_MAX, and all blobs together read no more than the file's
 * size (overlapping slots cannot multiply the reads).
 */
#include "formats/rpmndb.h"

#include <stdbool.h>
#include <stdlib.h>

#include "core/cursor.h"
#include "core/util.h"

#define NDB_MAGIC	0x506d7052u	/* "RpmP" */
#define NDB_SLOT_MAGIC	0x746f6c53u	/* "Slot" */
#define NDB_HEAD_MAGIC	0x53626c42u	/* "BlbS" */
#define NDB_TAIL_MAGIC	0x45626c42u	/* "BlbE" */
#define NDB_VERSION	0
#define NDB_PAGE	4096u
#define NDB_HDR_SIZE	32u
#define NDB_SLOT	16u
#define NDB_BLK		16u
#define NDB_HEAD	16u
#define NDB_TAIL	12u

static void bad(struct rpmdb_walk *w, const char *why)
{
	w->bad++;
	if (!w->reason)
		w->reason = why;
}

/* adler32 (RFC 1950), as rpm frames its blobs with it */
static uint32_t adler32(const uint8_t *p, size_t n)
{
	uint32_t a = 1, b = 0;

	while (n) {
		size_t chunk = n < 5552 ? n : 5552;	/* no overflow of b before the modulo */

		n -= chunk;
		while (chunk--) {
			a += *p++;
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return b << 16 | a;
}

/* One used slot's blob: 0 (delivered or counted bad), or the callback's value. */
static int walk_blob(struct rpmdb_walk *w, uint32_t pkgidx, uint64_t blkoff, uint64_t blkcnt,
		     uint64_t *budget)
{
	uint32_t magic, idx, gen, len, sum, tlen, tmagic;
	uint64_t off = blkoff * NDB_BLK, n = blkcnt * NDB_BLK;
	struct cursor c, t;
	uint8_t *buf;
	int rc;

	if (n < NDB_HEAD + NDB_TAIL) {
		bad(w, "slot too small for a blob");
		return 0;
	}
	if (n - NDB_HEAD - NDB_TAIL > (uint64_t)RPMDB_BLOB_MAX + NDB_BLK) {
		bad(w, "blob larger than a header can be");
		return 0;
	}
	if (!range_ok(w->size, off, n)) {
		bad(w, "slot points outside the file");
		return 0;
	}
	if (n > *budget) {
		bad(w, "slots overlap (more blob bytes than the file holds)");
		return 0;
	}
	*budget -= n;
	buf = xmalloc(n);
	if (w->read(w->io, off, buf, n)) {
		free(buf);
		bad(w, "blob could not be read");
		return 0;
	}
	c = cur_init(buf, n);
	cur_le32(&c, &magic);
	cur_le32(&c, &idx);
	cur_le32(&c, &gen);
	cur_le32(&c, &len);
	cur_sub(&c, n - NDB_TAIL, NDB_TAIL, &t);
	cur_le32(&t, &sum);
	cur_le32(&t, &tlen);
	cur_le32(&t, &tmagic);
	if (magic != NDB_HEAD_MAGIC || tmagic != NDB_TAIL_MAGIC)
		bad(w, "blob framing magic missing");
	else if (idx != pkgidx)
		bad(w, "blob of another package than its slot");
	else if (len != tlen || (uint64_t)len + NDB_HEAD + NDB_TAIL > n ||
		 ((uint64_t)len + NDB_HEAD + NDB_TAIL + NDB_BLK - 1) / NDB_BLK != blkcnt)
		bad(w, "blob length does not match its slot");
	else if (!len)
		bad(w, "empty header blob");
	else if (len > RPMDB_BLOB_MAX)
		bad(w, "blob larger than a header can be");
	else if (adler32(buf, n - NDB_TAIL) != sum)
		bad(w, "blob checksum mismatch");
	else {
		w->blobs++;
		rc = w->blob(w->ctx, buf + NDB_HEAD, len);
		free(buf);
		return rc;
	}
	free(buf);
	return 0;
}

int rpmndb_walk(struct rpmdb_walk *w)
{
	uint32_t magic, version, gen, npages;
	uint8_t hdr[NDB_HDR_SIZE], *page;
	uint64_t budget, firstblk;
	struct cursor c;
	int rc = 0;

	w->blobs = w->bad = 0;
	w->reason = NULL;
	if (w->size < NDB_PAGE) {
		w->reason = "shorter than an ndb slot page";
		return -1;
	}
	if (w->read(w->io, 0, hdr, sizeof(hdr))) {
		w->reason = "ndb header could not be read";
		return -1;
	}
	c = cur_init(hdr, sizeof(hdr));
	cur_le32(&c, &magic);
	cur_le32(&c, &version);
	cur_le32(&c, &gen);
	cur_le32(&c, &npages);
	if (magic != NDB_MAGIC) {
		w->reason = "not an rpm ndb package database (bad magic)";
		return -1;
	}
	if (version != NDB_VERSION) {
		w->reason = "unsupported ndb version";
		return -1;
	}
	if (!npages || (uint64_t)npages * NDB_PAGE > w->size) {
		w->reason = "ndb slot pages beyond the file";
		return -1;
	}
	budget = w->size - (uint64_t)npages * NDB_PAGE;
	firstblk = (uint64_t)npages * (NDB_PAGE / NDB_BLK);
	page = xmalloc(NDB_PAGE);
	for (uint32_t pg = 0; pg < npages && !rc; pg++) {
		if (w->read(w->io, (uint64_t)pg * NDB_PAGE, page, NDB_PAGE)) {
			bad(w, "slot page could not be read");
			continue;
		}
		c = cur_init(page, NDB_PAGE);
		if (!pg)
			cur_skip(&c, NDB_HDR_SIZE);
		while (cur_left(&c) >= NDB_SLOT && !rc) {
			uint32_t smagic, pkgidx, blkoff, blkcnt;

			cur_le32(&c, &smagic);
			cur_le32(&c, &pkgidx);
			cur_le32(&c, &blkoff);
			cur_le32(&c, &blkcnt);
			if (smagic != NDB_SLOT_MAGIC) {
				bad(w, "slot without its magic");
				continue;
			}
			if (!blkoff)
				continue;	/* free slot */
			if (!pkgidx || !blkcnt || blkoff < firstblk) {
				bad(w, "slot points outside the blob area");
				continue;
			}
			rc = walk_blob(w, pkgidx, blkoff, blkcnt, &budget);
		}
	}
	free(page);
	return rc;
}
