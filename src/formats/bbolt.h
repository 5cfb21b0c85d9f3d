/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bbolt.h - a small read-only reader of bbolt (BoltDB) database files, the
 * format containerd keeps its metadata in. It reads the file through a callback
 * (formats/ does no file access, as with rpmdb.h), looks up one value by a path
 * of bucket names and a key, and lists the keys of a bucket.
 */
#ifndef KD_BBOLT_H
#define KD_BBOLT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Read exactly n bytes at off of the database file into buf: 0, or -errno (short: -EIO). */
typedef int (*bbolt_read_fn)(void *io, uint64_t off, void *buf, size_t n);
/* One key of a bucket (bucket: it names a nested bucket); non-zero stops the listing. */
typedef int (*bbolt_key_fn)(void *ctx, const uint8_t *key, size_t len, bool bucket);

#define BBOLT_PAGE_MAX (16u << 20)	/* one page with its overflow */
#define BBOLT_FILE_MAX (1ull << 30)	/* containerd's meta.db of a large node is < 1 GiB */
#define BBOLT_DEPTH_MAX 32		/* of a B+tree and of nested buckets */

struct bbolt_db {
	bbolt_read_fn read;
	void *io;
	uint64_t size;			/* of the database file */
	/* filled in by bbolt_open */
	uint32_t page_size;
	uint64_t root;			/* the root bucket's page */
	uint64_t txid;
	const char *reason;		/* why the last call failed (static) */
};

/* Pick the valid meta page with the higher txid: 0, or -1 with db->reason. */
int bbolt_open(struct bbolt_db *db);
/*
 * The value of key in the bucket at path (npath bucket names from the root):
 * 0 and a malloc'd copy in *val (NUL-terminated, *len without it); 1: no such
 * bucket or key (or key names a bucket); -1: the file is malformed (db->reason).
 */
int bbolt_get(struct bbolt_db *db, const char *const *path, size_t npath, const char *key,
	      uint8_t **val, size_t *len);
/* Each key of the bucket at path, in file order: 0, 1 (no such bucket), -1 (db->reason),
 * or what fn returned to stop. */
int bbolt_keys(struct bbolt_db *db, const char *const *path, size_t npath, bbolt_key_fn fn,
	       void *ctx);
/* A Go uvarint (containerd's snapshot ids): 0, or -1 when malformed or past 64 bits. */
int bbolt_uvarint(const uint8_t *p, size_t n, uint64_t *v);

#endif
