/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpmndb.h - a read-only reader of rpm's ndb backend "Packages.db" (SUSE): every
 * package's header blob, through the callbacks of formats/rpmdb.h.
 */
#ifndef KD_RPMNDB_H
#define KD_RPMNDB_H

#include "formats/rpmdb.h"

/*
 * Walk the slot table and hand on each used slot's blob once its framing
 * (head, length, tail, adler32) matches the slot. 0 when the whole table was
 * walked (w->bad counts slots skipped, w->reason says why), -1 with w->reason
 * when the file is no ndb package database, or the blob callback's value.
 */
int rpmndb_walk(struct rpmdb_walk *w);

#endif
