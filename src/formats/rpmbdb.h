/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpmbdb.h - a read-only reader of rpm's Berkeley DB "Packages" database (a BDB
 * hash file, as RHEL 7/8 write it): every package's header blob, through the
 * callbacks of formats/rpmdb.h.
 */
#ifndef KD_RPMBDB_H
#define KD_RPMBDB_H

#include "formats/rpmdb.h"

/*
 * Walk the hash buckets and hand on each data item whose key is a package
 * number (not 0). 0 when the whole file was walked (w->bad counts items that
 * were skipped, w->reason says why), -1 with w->reason when the file is no
 * readable BDB hash database, or the blob callback's non-zero value.
 */
int rpmbdb_walk(struct rpmdb_walk *w);

#endif
