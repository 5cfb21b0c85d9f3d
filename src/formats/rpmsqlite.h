/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpmsqlite.h - rpm's SQLite database (rpmdb.sqlite): the blobs of its
 * Packages table, read page by page through the walk's callback.
 */
#ifndef KD_RPMSQLITE_H
#define KD_RPMSQLITE_H

#include "formats/rpmdb.h"

/* Caps: b-tree depth (SQLite's own is 20), pages in a file (a real one has < 100000). */
#define RPMSQLITE_DEPTH_MAX 20
#define RPMSQLITE_PAGES_MAX (1u << 24)

/*
 * Walk the Packages table: 0 when all of it was walked (w->bad counts cells
 * skipped as malformed), -1 with w->reason when the file could not be read
 * (not SQLite, no Packages table, corrupt), or the blob callback's non-zero
 * stop value.
 */
int rpmsqlite_walk(struct rpmdb_walk *w);

#endif
