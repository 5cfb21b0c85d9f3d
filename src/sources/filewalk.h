/* SPDX-License-Identifier: GPL-2.0-or-later */
/* filewalk.h - the bounded walk of install trees, shared by the walks of one scan. */
#ifndef KD_FILEWALK_H
#define KD_FILEWALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/root.h"
#include "core/util.h"
#include "store/records.h"

/* Directories already walked, shared by the walks of one scan. */
struct walk_seen {
	struct {
		bool used;
		dev_t dev;
		ino_t ino;
	} *slots;
	size_t n;
	size_t cap;
};

/*
 * Walk a directory of the root (never through a symlink), calling fn for each
 * regular file with its absolute path in the root, its name, size, and the
 * directory descriptor it lies in. Bounded by depth and by *budget files.
 */
typedef void (*file_fn)(const char *path, const char *name, uint64_t size, int dirfd, void *ctx);
int files_walk(const struct kd_root *root, const char *dir, struct walk_seen *seen, size_t *budget,
	       struct walk_stats *st, file_fn fn, void *ctx);
/*
 * The same walk of dir as files_walk, with paths shown under shown (a layer's
 * files as inside its container), and dir itself not entered through a symlink.
 */
int files_walk_as(const struct kd_root *root, const char *dir, const char *shown,
		  struct walk_seen *seen, size_t *budget, struct walk_stats *st, file_fn fn,
		  void *ctx);
void walk_seen_free(struct walk_seen *s);

#endif
