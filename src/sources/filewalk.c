// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filewalk.c - a bounded walk of the install trees (/opt, /usr/lib, ...) for
 * the file rules. Directories are entered only as real directories (no
 * symlink is followed), each at most once, to a fixed depth and file budget.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/filewalk.h"
#include "core/util.h"

struct walker {
	size_t *budget;
	struct walk_stats *st;
	file_fn fn;
	void *ctx;
	struct walk_seen *seen;
};

static size_t dir_hash(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ull ^ (uint64_t)dev;

	return (size_t)(h ^ h >> 29);
}

/* Remember a directory; true when it was entered before (a bind mount, an overlapping place). */
static bool seen_before(struct walk_seen *s, const struct stat *st)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		struct walk_seen grown = { .cap = s->cap ? s->cap * 2 : 1024 };

		grown.slots = xcalloc(grown.cap, sizeof(*grown.slots));
		for (size_t k = 0; k < s->cap; k++) {
			if (!s->slots[k].used)
				continue;
			i = dir_hash(s->slots[k].dev, s->slots[k].ino) & (grown.cap - 1);
			while (grown.slots[i].used)
				i = (i + 1) & (grown.cap - 1);
			grown.slots[i] = s->slots[k];
		}
		grown.n = s->n;
		free(s->slots);
		*s = grown;
	}
	i = dir_hash(st->st_dev, st->st_ino) & (s->cap - 1);
	for (; s->slots[i].used; i = (i + 1) & (s->cap - 1))
		if (s->slots[i].dev == st->st_dev && s->slots[i].ino == st->st_ino)
			return true;
	s->slots[i].used = true;
	s->slots[i].dev = st->st_dev;
	s->slots[i].ino = st->st_ino;
	s->n++;
	return false;
}

void walk_seen_free(struct walk_seen *s)
{
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

static void walk_unreadable(struct walk_stats *st, int err)
{
	st->unreadable++;
	st->denied += err == EACCES || err == EPERM;
}

static void walk(struct walker *w, int fd, const char *path, int depth)
{
	struct strlist names = { 0 };
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (fstat(fd, &st) < 0 || seen_before(w->seen, &st)) {
		close(fd);
		return;
	}
	d = fdopendir(fd);
	if (!d) {
		walk_unreadable(w->st, errno);
		close(fd);
		return;
	}
	w->st->dirs++;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			sl_push(&names, xstrdup(de->d_name));
	sl_sort(&names);
	for (size_t i = 0; i < names.n && !w->st->truncated; i++) {
		const char *name = names.v[i];
		char *sub;

		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			walk_unreadable(w->st, errno);
			continue;
		}
		sub = xasprintf("%s/%s", strcmp(path, "/") ? path : "", name);
		if (S_ISDIR(st.st_mode) && depth >= WALK_DEPTH) {
			w->st->too_deep++;
		} else if (S_ISDIR(st.st_mode)) {
			int cfd = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (cfd < 0)
				walk_unreadable(w->st, errno);
			else
				walk(w, cfd, sub, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			if (*w->budget == 0) {
				w->st->truncated = true;
			} else {
				(*w->budget)--;
				w->st->files++;
				w->fn(sub, name, (uint64_t)st.st_size, dirfd(d), w->ctx);
			}
		}
		free(sub);
	}
	sl_free(&names);
	closedir(d);
}

int files_walk(const struct kd_root *root, const char *dir, struct walk_seen *seen, size_t *budget,
	       struct walk_stats *st, file_fn fn, void *ctx)
{
	struct walker w = { budget, st, fn, ctx, seen };
	char *shown;
	int fd;

	memset(st, 0, sizeof(*st));
	fd = root_openat(root, dir, ROOT_DIR | ROOT_FOLLOW);
	if (fd < 0)
		return fd;
	shown = xasprintf("/%s", dir[0] == '/' ? dir + 1 : dir);
	walk(&w, fd, shown, 0);
	free(shown);
	return 0;
}

int files_walk_as(const struct kd_root *root, const char *dir, const char *shown,
		  struct walk_seen *seen, size_t *budget, struct walk_stats *st, file_fn fn,
		  void *ctx)
{
	struct walker w = { budget, st, fn, ctx, seen };
	int fd;

	memset(st, 0, sizeof(*st));
	fd = root_openat(root, dir, ROOT_DIR);
	if (fd < 0)
		return fd;
	walk(&w, fd, shown, 0);
	return 0;
}
