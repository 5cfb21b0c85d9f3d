/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpmdb.h - what the readers of an RPM database file share: they read the file
 * through a callback (formats/ does no file access) and hand on each package's
 * header blob (formats/rpmhdr.c parses those). One reader per backend:
 * rpmsqlite.c (rpmdb.sqlite), rpmbdb.c (Berkeley DB hash "Packages", read-only),
 * rpmndb.c (ndb "Packages.db").
 */
#ifndef KD_RPMDB_H
#define KD_RPMDB_H

#include <stddef.h>
#include <stdint.h>

/* Read exactly n bytes at off of the database file into buf: 0, or -errno (short: -EIO). */
typedef int (*rpmdb_read_fn)(void *io, uint64_t off, void *buf, size_t n);
/* One package's header blob; non-zero stops the walk and is returned by it. */
typedef int (*rpmdb_blob_fn)(void *ctx, const uint8_t *blob, size_t n);

struct rpmdb_walk {
	rpmdb_read_fn read;
	void *io;
	uint64_t size;			/* of the database file */
	rpmdb_blob_fn blob;
	void *ctx;
	/* filled in by the walk */
	size_t blobs;			/* blobs handed on */
	size_t bad;			/* records skipped as malformed */
	const char *reason;		/* why it stopped early or skipped records (static) */
};

/* Cap on one header blob: rpm's own limit for a header is 256 MiB; real ones are < 16 MiB. */
#define RPMDB_BLOB_MAX (64u << 20)

#endif
