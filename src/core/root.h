/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * root.h - read-only access to files of the inspected system, confined to its
 * root. Every path kdetect opens is relative to a root directory ("/" on the
 * live host, DIR with --root); symlinks, absolute or "..", resolve inside it.
 */
#ifndef KD_ROOT_H
#define KD_ROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct kd_root {
	int fd;			/* O_PATH descriptor of the root directory */
	char *path;		/* as given, for the report */
	bool offline;		/* --root was given */
};

/* Open flags for root_openat(). */
enum {
	ROOT_FOLLOW = 1 << 0,	/* follow a symlink in the last component (inside the root) */
	ROOT_DIR = 1 << 1,	/* want a directory */
};

int root_init(struct kd_root *root, const char *path, bool offline);
void root_fini(struct kd_root *root);

/*
 * Returns a read-only descriptor or -errno. Only regular files open (-EINVAL
 * otherwise), or directories with ROOT_DIR.
 */
int root_openat(const struct kd_root *root, const char *rel, int flags);
/* lstat (or stat with ROOT_FOLLOW) of rel inside the root. Returns 0 or -errno. */
int root_stat(const struct kd_root *root, const char *rel, int flags, struct stat *st);
/* Read a whole small file, NUL-terminated, at most cap bytes; -EFBIG when larger. */
int root_read_file(const struct kd_root *root, const char *rel, size_t cap, char **buf, size_t *len);
/*
 * Names in directory rel (following symlinks inside the root), without "." and
 * "..", at most max, appended to out, which is then sorted. With links_only, only
 * the entries that are symlinks. Returns 0, 1 when the directory held more than
 * max (which ones were kept is the directory's order, not the sorted one), or
 * -errno (out untouched).
 */
struct strlist;
int root_list_dir(const struct kd_root *root, const char *rel, bool links_only, size_t max,
		  struct strlist *out);
/* Read an open descriptor to EOF (sizes of pseudo files lie), at most cap bytes. */
int fd_read_all(int fd, size_t cap, uint8_t **buf, size_t *len);
struct kd_buf;
/* fd_read_all into b, reusing its memory (b->len: the bytes read, NUL after them). */
int fd_read_into(int fd, size_t cap, struct kd_buf *b);
/*
 * Read an open descriptor that must be a regular file (-EINVAL otherwise: a
 * FIFO or device swapped in is not read), at most cap bytes; closes fd.
 */
int fd_read_regular(int fd, size_t cap, uint8_t **buf, size_t *len);

/* Tests use this to exercise the resolver used on kernels without openat2(2). */
extern bool root_force_fallback;

#endif
