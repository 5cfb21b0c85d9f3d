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
#include <sys/syscall.h>
#include <unistd.h>

#include "sources/filewalk.h"
#include "core/util.h"

struct walker {
	size_t *budget;
	struct walk_stats *st;
	file_fn fn;		/* one of fn, open_fn */
	file_open_fn open_fn;
	void *ctx;
	struct walk_seen *seen;
	struct strbuf path;	/* the current entry's path, as shown */
	uint8_t *dents;		/* getdents64 buffer, one for the walk */
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

/* One entry of a directory: its name and the type getdents reported (DT_UNKNOWN: not said). */
struct dir_entry {
	char *name;
	unsigned char type;
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct dir_entry *)a)->name, ((const struct dir_entry *)b)->name);
}

/* The kernel's record of getdents64(2); glibc's wrapper is not everywhere. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

#define DENTS_BUF 32768u

/*
 * The entries of the directory open at fd, but "." and "..", sorted by name.
 * Read with getdents64 on the descriptor itself: fdopendir would stat and fcntl
 * each directory again. An error ends the listing, as readdir(3) would.
 */
static struct dir_entry *read_entries(struct walker *w, int fd, size_t *n)
{
	struct dir_entry *v = NULL;
	size_t cap = 0;
	long got;

	*n = 0;
	if (!w->dents)
		w->dents = xmalloc(DENTS_BUF);
	while ((got = syscall(SYS_getdents64, fd, w->dents, DENTS_BUF)) > 0) {
		for (long off = 0; off < got;) {
			const struct linux_dirent64 *de = (const void *)(w->dents + off);

			off += de->d_reclen;
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (*n == cap) {
				cap = cap ? 2 * cap : 16;
				v = xreallocarray(v, cap, sizeof(*v));
			}
			v[*n].name = xstrdup(de->d_name);
			v[(*n)++].type = de->d_type;
		}
	}
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_entry);
	return v;
}

/*
 * Every entry is examined as lstat would see it. getdents' type saves the lstat
 * where it says enough: a directory is opened (O_NOFOLLOW), a regular file goes
 * to open_fn, which opens or stats it itself; a link, device, FIFO or socket is
 * skipped. The counts stay what lstat of each entry would give: an lstat that
 * fails makes an entry unreadable, so one is still made in a directory until one
 * look inside it succeeded (it can be searched: the others would succeed too),
 * and where the budget or depth decides.
 */
static void walk(struct walker *w, int fd, int depth)
{
	struct dir_entry *ents;
	struct stat st;
	size_t n, base = w->path.len;
	bool searchable = false;

	if (fstat(fd, &st) < 0 || seen_before(w->seen, &st)) {
		close(fd);
		return;
	}
	w->st->dirs++;
	ents = read_entries(w, fd, &n);
	for (size_t i = 0; i < n && !w->st->truncated; i++) {
		const char *name = ents[i].name;
		unsigned char type = ents[i].type;
		bool have_st = false;

		if (type == DT_UNKNOWN || (type == DT_REG && (!w->open_fn || *w->budget == 0)) ||
		    (type != DT_REG && type != DT_DIR && !searchable) ||
		    (type == DT_DIR && depth >= WALK_DEPTH && !searchable)) {
			if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
				walk_unreadable(w->st, errno);
				continue;
			}
			searchable = true;
			have_st = true;
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
		}
		if (type != DT_DIR && type != DT_REG)
			continue;
		w->path.len = base;
		if (strcmp(w->path.s, "/"))
			sb_putc(&w->path, '/');
		sb_puts(&w->path, name);
		if (type == DT_DIR && depth >= WALK_DEPTH) {
			w->st->too_deep++;
		} else if (type == DT_DIR) {
			int cfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (cfd < 0) {
				walk_unreadable(w->st, errno);
			} else {
				searchable = true;
				walk(w, cfd, depth + 1);
			}
		} else if (*w->budget == 0) {
			w->st->truncated = true;
		} else if (w->open_fn) {
			int r;

			(*w->budget)--;
			w->st->files++;
			r = w->open_fn(w->path.s, name, fd, have_st ? &st : NULL, w->ctx);
			if (r) {
				/* not a regular file after all, or not to be examined */
				(*w->budget)++;
				w->st->files--;
				if (r < 0)
					walk_unreadable(w->st, -r);
			} else {
				searchable = true;
			}
		} else {
			(*w->budget)--;
			w->st->files++;
			w->fn(w->path.s, name, (uint64_t)st.st_size, fd, w->ctx);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(ents[i].name);
	free(ents);
	w->path.len = base;
	w->path.s[base] = '\0';
	close(fd);
}

/* Walk dir of the root (entered through a symlink in it with follow) as shown. */
static int walk_place(const struct kd_root *root, const char *dir, const char *shown, bool follow,
		      struct walker *w)
{
	int fd;

	memset(w->st, 0, sizeof(*w->st));
	fd = root_openat(root, dir, ROOT_DIR | (follow ? ROOT_FOLLOW : 0));
	if (fd < 0)
		return fd;
	sb_init(&w->path);
	sb_puts(&w->path, shown);
	walk(w, fd, 0);
	sb_free(&w->path);
	free(w->dents);
	return 0;
}

int files_walk(const struct kd_root *root, const char *dir, struct walk_seen *seen, size_t *budget,
	       struct walk_stats *st, file_fn fn, void *ctx)
{
	struct walker w = { .budget = budget, .st = st, .fn = fn, .ctx = ctx, .seen = seen };
	char *shown = xasprintf("/%s", dir[0] == '/' ? dir + 1 : dir);
	int r = walk_place(root, dir, shown, true, &w);

	free(shown);
	return r;
}

int files_walk_open(const struct kd_root *root, const char *dir, const char *shown,
		    struct walk_seen *seen, size_t *budget, struct walk_stats *st,
		    file_open_fn fn, void *ctx)
{
	struct walker w = { .budget = budget, .st = st, .open_fn = fn, .ctx = ctx, .seen = seen };
	char *own = shown ? NULL : xasprintf("/%s", dir[0] == '/' ? dir + 1 : dir);
	int r = walk_place(root, dir, shown ? shown : own, !shown, &w);

	free(own);
	return r;
}
