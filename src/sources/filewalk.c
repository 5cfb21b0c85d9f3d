// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filewalk.c - a bounded walk of the install trees (/opt, /usr/lib, ...) for
 * the file rules. Directories are entered only as real directories (no
 * symlink is followed), each at most once, to a fixed depth and file budget.
 * Entries are listed with getdents64, whose types spare most of them an lstat;
 * a walk that reads every file's start can have a second thread read them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sources/filewalk.h"
#include "core/util.h"

struct reader;

struct walker {
	size_t *budget;
	struct walk_stats *st;
	file_fn fn;		/* one of fn, open_fn, head_fn */
	file_open_fn open_fn;
	file_head_fn head_fn;
	void *ctx;
	struct walk_seen *seen;
	struct strbuf path;	/* the current entry's path, as shown */
	uint8_t *dents;		/* getdents64 buffer, one for the walk */
	struct reader *reader;	/* head_fn: the thread that opens and reads the files */
	size_t head_bytes;	/* head_fn: how much of a file's start it gets */
	bool threaded;		/* head_fn: read in the reader thread, if it starts */
	uint8_t *dents_head;	/* head_fn without the thread: the one file's bytes */
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

/*
 * The reader: with head_fn, a second thread opens, fstats and reads the
 * regular files the walk lists (the system calls are most of a walk's time),
 * while the walk goes on and hands what was read to head_fn in the walk's own
 * order. A directory's descriptor stays open until its last file was read.
 */
#define READ_RING 256u		/* files in flight; each may hold its directory open */

struct walk_dir {
	int fd;
	atomic_int refs;
};

struct read_slot {
	char *path;		/* as shown; the name is its tail */
	const char *name;
	struct walk_dir *dir;
	int result;		/* 0: a regular file, 1: none after all, -errno: not examined */
	uint64_t size;
	uint8_t *head;		/* head_bytes */
	size_t len;
	atomic_bool ready;	/* read, to be handed on */
};

/*
 * The thread and the walk take the next file to read from the queue in turn
 * (the walk while it waits for the oldest one), and sleep only when there is
 * nothing to take: the counters are atomic, the mutex guards sleeping.
 */
#define READ_BATCH 32u

struct reader {
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t more;		/* the thread waits for files */
	pthread_cond_t progress;	/* the walk waits for a file read */
	atomic_size_t published;	/* files queued */
	atomic_size_t claimed;		/* files taken to be read */
	atomic_bool walk_waiting, reader_waiting;
	bool finish;			/* under mu */
	size_t consumed;		/* the walk's own: files handed on */
	size_t head_bytes;
	struct read_slot slot[READ_RING];
};

static void dir_put(struct walk_dir *d)
{
	if (atomic_fetch_sub(&d->refs, 1) == 1) {
		close(d->fd);
		free(d);
	}
}

/* What lstat of the entry says, for the counts, and its first bytes when it is a regular file. */
static void read_head(struct read_slot *s, size_t cap)
{
	struct stat st;
	int fd;

	s->len = 0;
	s->size = 0;
	fd = openat(s->dir->fd, s->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		/* not to be opened (permission, a link swapped in): lstat decides */
		if (fstatat(s->dir->fd, s->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			s->result = -errno;
			return;
		}
		s->result = !S_ISREG(st.st_mode);
		s->size = (uint64_t)st.st_size;
		return;
	}
	/* regular files only: a FIFO or device swapped in is not read */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		s->result = 1;
		close(fd);
		return;
	}
	s->result = 0;
	s->size = (uint64_t)st.st_size;
	/* up to its size, which saves the read that finds the end; 0 may be a pseudo file's */
	while (s->len < cap && (!s->size || s->len < s->size)) {
		ssize_t r = read(fd, s->head + s->len, cap - s->len);

		if (r <= 0)
			break;
		s->len += (size_t)r;
	}
	close(fd);
}

/* Take the next queued file to read; false when every one is taken. */
static bool reader_claim(struct reader *rd, size_t *n)
{
	size_t c = atomic_load(&rd->claimed);

	while (c < atomic_load(&rd->published))
		if (atomic_compare_exchange_weak(&rd->claimed, &c, c + 1)) {
			*n = c;
			return true;
		}
	return false;
}

static void reader_read(struct reader *rd, size_t n)
{
	struct read_slot *s = &rd->slot[n % READ_RING];

	read_head(s, rd->head_bytes);
	dir_put(s->dir);
	s->dir = NULL;
	atomic_store(&s->ready, true);
}

static void *reader_thread(void *arg)
{
	struct reader *rd = arg;
	size_t n;

	for (;;) {
		if (!reader_claim(rd, &n)) {
			bool stop;

			pthread_mutex_lock(&rd->mu);
			atomic_store(&rd->reader_waiting, true);
			while (atomic_load(&rd->claimed) == atomic_load(&rd->published) && !rd->finish)
				pthread_cond_wait(&rd->more, &rd->mu);
			atomic_store(&rd->reader_waiting, false);
			stop = atomic_load(&rd->claimed) == atomic_load(&rd->published);
			pthread_mutex_unlock(&rd->mu);
			if (stop)
				break;
			continue;
		}
		reader_read(rd, n);
		if (atomic_load(&rd->walk_waiting)) {
			pthread_mutex_lock(&rd->mu);
			pthread_cond_signal(&rd->progress);
			pthread_mutex_unlock(&rd->mu);
		}
	}
	return NULL;
}

static void reader_wake(struct reader *rd)
{
	if (atomic_load(&rd->reader_waiting)) {
		pthread_mutex_lock(&rd->mu);
		pthread_cond_signal(&rd->more);
		pthread_mutex_unlock(&rd->mu);
	}
}

/* Until the oldest file queued is read: read others meanwhile, else sleep. */
static void reader_wait_oldest(struct reader *rd)
{
	struct read_slot *s = &rd->slot[rd->consumed % READ_RING];
	size_t n;

	while (!atomic_load(&s->ready)) {
		if (reader_claim(rd, &n)) {
			reader_read(rd, n);
			continue;
		}
		pthread_mutex_lock(&rd->mu);
		atomic_store(&rd->walk_waiting, true);
		while (!atomic_load(&s->ready))
			pthread_cond_wait(&rd->progress, &rd->mu);
		atomic_store(&rd->walk_waiting, false);
		pthread_mutex_unlock(&rd->mu);
	}
}

/* Hand the files read so far to head_fn, in order, counting each as lstat would have. */
static void reader_consume_done(struct walker *w)
{
	struct reader *rd = w->reader;

	for (; rd->consumed < atomic_load(&rd->published); rd->consumed++) {
		struct read_slot *s = &rd->slot[rd->consumed % READ_RING];

		if (!atomic_load(&s->ready))
			break;
		atomic_store(&s->ready, false);
		if (s->result) {
			(*w->budget)++;
			w->st->files--;
			if (s->result < 0)
				walk_unreadable(w->st, -s->result);
		} else {
			w->head_fn(s->path, s->name, s->size, s->head, s->len, w->ctx);
		}
		free(s->path);
		s->path = NULL;
	}
}

static void reader_drain(struct walker *w)
{
	if (!w->reader)
		return;
	while (w->reader->consumed < atomic_load(&w->reader->published)) {
		reader_wait_oldest(w->reader);
		reader_consume_done(w);
	}
}

/* Queue a regular file (counted now, uncounted if it turns out none) of directory d. */
static void reader_queue(struct walker *w, struct walk_dir *d, const char *path, size_t name_off)
{
	struct reader *rd = w->reader;
	size_t pub = atomic_load(&rd->published);
	struct read_slot *s;

	if (pub - rd->consumed == READ_RING) {
		reader_wait_oldest(rd);
		reader_consume_done(w);
	}
	s = &rd->slot[pub % READ_RING];
	s->path = xstrdup(path);
	s->name = s->path + name_off;
	atomic_fetch_add(&d->refs, 1);
	s->dir = d;
	if (!s->head)
		s->head = xmalloc(rd->head_bytes ? rd->head_bytes : 1);
	atomic_store(&rd->published, pub + 1);
	if (pub + 1 - atomic_load(&rd->claimed) >= READ_BATCH)
		reader_wake(rd);
	reader_consume_done(w);
}

/* Without the thread: the same, at once. */
static void read_head_now(struct walker *w, struct walk_dir *d, const char *name)
{
	struct read_slot s = { .name = name, .dir = d };

	if (!w->dents_head)
		w->dents_head = xmalloc(w->head_bytes ? w->head_bytes : 1);
	s.head = w->dents_head;
	read_head(&s, w->head_bytes);
	if (s.result) {
		(*w->budget)++;
		w->st->files--;
		if (s.result < 0)
			walk_unreadable(w->st, -s.result);
	} else {
		w->head_fn(w->path.s, name, s.size, s.head, s.len, w->ctx);
	}
}

static struct reader *reader_start(size_t head_bytes)
{
	struct rlimit lim;
	struct reader *rd;

	/* each file in flight may hold its directory open: with few descriptors, no thread */
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
	    lim.rlim_cur < 4 * READ_RING)
		return NULL;
	rd = xcalloc(1, sizeof(*rd));

	rd->head_bytes = head_bytes;
	atomic_init(&rd->published, 0);
	atomic_init(&rd->claimed, 0);
	for (size_t i = 0; i < READ_RING; i++)
		atomic_init(&rd->slot[i].ready, false);
	atomic_init(&rd->walk_waiting, false);
	atomic_init(&rd->reader_waiting, false);
	pthread_mutex_init(&rd->mu, NULL);
	pthread_cond_init(&rd->more, NULL);
	pthread_cond_init(&rd->progress, NULL);
	if (pthread_create(&rd->tid, NULL, reader_thread, rd)) {
		pthread_mutex_destroy(&rd->mu);
		pthread_cond_destroy(&rd->more);
		pthread_cond_destroy(&rd->progress);
		free(rd);
		return NULL;
	}
	return rd;
}

static void reader_stop(struct walker *w)
{
	struct reader *rd = w->reader;

	reader_drain(w);
	pthread_mutex_lock(&rd->mu);
	rd->finish = true;
	pthread_cond_signal(&rd->more);
	pthread_mutex_unlock(&rd->mu);
	pthread_join(rd->tid, NULL);
	for (size_t i = 0; i < READ_RING; i++)
		free(rd->slot[i].head);
	pthread_mutex_destroy(&rd->mu);
	pthread_cond_destroy(&rd->more);
	pthread_cond_destroy(&rd->progress);
	free(rd);
	w->reader = NULL;
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

	struct walk_dir *dir = NULL;

	if (fstat(fd, &st) < 0 || seen_before(w->seen, &st)) {
		close(fd);
		return;
	}
	w->st->dirs++;
	if (w->head_fn) {
		dir = xmalloc(sizeof(*dir));
		dir->fd = fd;
		atomic_init(&dir->refs, 1);
	}
	ents = read_entries(w, fd, &n);
	for (size_t i = 0; i < n && !w->st->truncated; i++) {
		const char *name = ents[i].name;
		unsigned char type = ents[i].type;
		bool have_st = false;

		/* where the budget decides, the files in flight count first */
		if (type == DT_REG && *w->budget == 0)
			reader_drain(w);
		if (type == DT_UNKNOWN ||
		    (type == DT_REG && ((!w->open_fn && !w->head_fn) || *w->budget == 0)) ||
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
		} else if (w->head_fn) {
			(*w->budget)--;
			w->st->files++;
			if (w->reader) {
				reader_queue(w, dir, w->path.s, w->path.len - strlen(name));
			} else {
				read_head_now(w, dir, name);
			}
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
	if (dir)
		dir_put(dir);
	else
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
	if (w->threaded)
		w->reader = reader_start(w->head_bytes);
	walk(w, fd, 0);
	if (w->reader)
		reader_stop(w);
	sb_free(&w->path);
	free(w->dents);
	free(w->dents_head);
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

int files_walk_head(const struct kd_root *root, const char *dir, const char *shown,
		    struct walk_seen *seen, size_t *budget, struct walk_stats *st,
		    size_t head_bytes, bool threaded, file_head_fn fn, void *ctx)
{
	struct walker w = { .budget = budget, .st = st, .head_fn = fn, .ctx = ctx, .seen = seen,
			    .head_bytes = head_bytes, .threaded = threaded };
	char *own = shown ? NULL : xasprintf("/%s", dir[0] == '/' ? dir + 1 : dir);
	int r;

	r = walk_place(root, dir, shown ? shown : own, !shown, &w);
	free(own);
	return r;
}
