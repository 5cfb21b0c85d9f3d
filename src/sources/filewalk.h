/* SPDX-License-Identifier: GPL-2.0-or-later */
/* filewalk.h - the bounded walk of install trees, shared by the walks of one scan. */
#ifndef KD_FILEWALK_H
#define KD_FILEWALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
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
 * The same walk, for callers that do not always need a file's size: fn gets each
 * entry the directory lists as a regular file, with st when the walk had to
 * lstat it anyway, else NULL, and finds out itself (fstat of what it opens, or
 * lstat). fn returns 0 for a regular file, 1 when it is none after all, or
 * -errno when it could not be examined (counted as lstat's failure would be).
 * With shown, paths are shown under it (a layer's files as inside its
 * container) and dir itself is not entered through a symlink.
 */
typedef int (*file_open_fn)(const char *path, const char *name, int dirfd, const struct stat *st,
			    void *ctx);
int files_walk_open(const struct kd_root *root, const char *dir, const char *shown,
		    struct walk_seen *seen, size_t *budget, struct walk_stats *st,
		    file_open_fn fn, void *ctx);
/*
 * The same walk again, for callers that read the start of every file: fn gets
 * each regular file with its first head_bytes bytes (fewer when it is shorter,
 * none when it could not be opened), in the walk's order. threaded: a second
 * thread opens and reads the files while the walk goes on.
 */
typedef void (*file_head_fn)(const char *path, const char *name, uint64_t size,
			     const uint8_t *head, size_t len, void *ctx);
int files_walk_head(const struct kd_root *root, const char *dir, const char *shown,
		    struct walk_seen *seen, size_t *budget, struct walk_stats *st,
		    size_t head_bytes, bool threaded, file_head_fn fn, void *ctx);
void walk_seen_free(struct walk_seen *s);

#endif
