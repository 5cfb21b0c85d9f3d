// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * root.c - root-confined, read-only file access.
 *
 * openat2(RESOLVE_IN_ROOT) does the confinement where the kernel has it (5.6+).
 * Older kernels, which our users still run, get a resolver of our own that walks
 * the path one component at a time and re-roots every symlink target.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/root.h"
#include "core/util.h"

#define MAX_SYMLINKS 40

bool root_force_fallback;
static bool openat2_missing;

int root_init(struct kd_root *root, const char *path, bool offline)
{
	struct stat st;
	int fd;

	root->fd = -1;
	root->path = NULL;
	/* a test seam: exercise the resolver that kernels older than 5.6 get */
	if (secure_getenv("KDETECT_NO_OPENAT2"))
		root_force_fallback = true;
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		close(fd);
		return -ENOTDIR;
	}
	root->fd = fd;
	root->path = xstrdup(path);
	root->offline = offline;
	return 0;
}

void root_fini(struct kd_root *root)
{
	if (root->fd >= 0)
		close(root->fd);
	free(root->path);
	root->fd = -1;
	root->path = NULL;
}

static const char *skip_slashes(const char *rel)
{
	while (*rel == '/')
		rel++;
	return *rel ? rel : ".";
}

static int sys_openat2(int dirfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)flags,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long r;

	for (int tries = 0; tries < 8; tries++) {
		r = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
		if (r >= 0)
			return (int)r;
		if (errno != EAGAIN)
			break;
	}
	return -errno;
}

/* Split rel into components pushed in front of the pending list. */
static void push_components(struct strlist *pending, const char *path)
{
	struct strlist parts = { 0 };
	const char *p = path;

	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n)
			sl_push(&parts, xstrndup(p, n));
		p += n;
		if (*p == '/')
			p++;
	}
	/* pending is a stack: push in reverse so the first component pops first */
	for (size_t i = parts.n; i-- > 0;)
		sl_push(pending, parts.v[i]);
	free(parts.v);
}

/*
 * Resolve rel to a symlink-free path relative to the root, re-rooting absolute
 * targets and clamping ".." at the root. The caller opens it with O_NOFOLLOW.
 */
static int fallback_resolve(int rootfd, const char *rel, bool follow_last, struct strbuf *out)
{
	struct strlist pending = { 0 }, done = { 0 };
	int links = 0, r = 0;

	push_components(&pending, rel);
	while (pending.n) {
		char *c = pending.v[--pending.n];
		struct strbuf cand;
		struct stat st;
		bool last = pending.n == 0;

		if (strcmp(c, ".") == 0) {
			free(c);
			continue;
		}
		if (strcmp(c, "..") == 0) {
			free(c);
			if (done.n)
				free(done.v[--done.n]);
			continue;
		}
		sb_init(&cand);
		for (size_t i = 0; i < done.n; i++)
			sb_printf(&cand, "%s/", done.v[i]);
		sb_puts(&cand, c);
		if (fstatat(rootfd, cand.s, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			/* like the kernel: only the last component may be missing */
			if (!last) {
				r = -errno;
				sb_free(&cand);
				free(c);
				break;
			}
		} else if (!S_ISLNK(st.st_mode) && !S_ISDIR(st.st_mode) && !last) {
			r = -ENOTDIR;
			sb_free(&cand);
			free(c);
			break;
		} else if (S_ISLNK(st.st_mode) && (!last || follow_last)) {
			char target[4096];
			ssize_t n;

			if (++links > MAX_SYMLINKS) {
				r = -ELOOP;
			} else if ((n = readlinkat(rootfd, cand.s, target, sizeof(target) - 1)) < 0) {
				r = -errno;
			} else {
				target[n] = '\0';
				if (target[0] == '/')
					sl_free(&done);
				push_components(&pending, target);
			}
			sb_free(&cand);
			free(c);
			if (r)
				break;
			continue;
		}
		sb_free(&cand);
		sl_push(&done, c);
	}
	if (!r) {
		sb_init(out);
		for (size_t i = 0; i < done.n; i++)
			sb_printf(out, "%s%s", i ? "/" : "", done.v[i]);
		if (!done.n)
			sb_puts(out, ".");
	}
	sl_free(&pending);
	sl_free(&done);
	return r;
}

/*
 * Open the resolved path one directory at a time, never following a link:
 * should a directory be swapped for a symlink after resolution, the open
 * fails instead of leaving the root.
 */
static int fallback_openat(int rootfd, const char *rel, int oflags, bool follow_last)
{
	struct strbuf path;
	char *p, *slash;
	int dirfd, fd, r;

	r = fallback_resolve(rootfd, rel, follow_last, &path);
	if (r)
		return r;
	dirfd = rootfd;
	p = path.s;
	while ((slash = strchr(p, '/'))) {
		*slash = '\0';
		fd = openat(dirfd, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		r = fd < 0 ? -errno : 0;
		if (dirfd != rootfd)
			close(dirfd);
		if (r) {
			sb_free(&path);
			return r;
		}
		dirfd = fd;
		p = slash + 1;
	}
	fd = openat(dirfd, p, oflags | O_NOFOLLOW);
	r = fd < 0 ? -errno : fd;
	if (dirfd != rootfd)
		close(dirfd);
	sb_free(&path);
	return r;
}

static int confined_open(int rootfd, const char *rel, int oflags, bool follow_last)
{
	int fd;

	if (!follow_last)
		oflags |= O_NOFOLLOW;
	if (!root_force_fallback && !__atomic_load_n(&openat2_missing, __ATOMIC_RELAXED)) {
		fd = sys_openat2(rootfd, rel, oflags);
		if (fd != -ENOSYS && fd != -EPERM)
			return fd;
		/* seccomp filters in containers answer EPERM for syscalls they do not know */
		if (fd == -ENOSYS || !(oflags & O_NOATIME))
			__atomic_store_n(&openat2_missing, true, __ATOMIC_RELAXED);
		if (fd == -EPERM && (oflags & O_NOATIME))
			return confined_open(rootfd, rel, oflags & ~O_NOATIME, follow_last);
	}
	return fallback_openat(rootfd, rel, oflags, follow_last);
}

int root_openat(const struct kd_root *root, const char *rel, int flags)
{
	int oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	bool follow = flags & ROOT_FOLLOW;
	struct stat before, after;
	int fd;

	rel = skip_slashes(rel);
	/*
	 * Look before opening: opening a device can have side effects (a tape
	 * rewinds) and a FIFO can block, so only regular files and directories
	 * are ever opened for reading.
	 */
	fd = confined_open(root->fd, rel, O_PATH | O_CLOEXEC, follow);
	if (fd < 0)
		return fd;
	if (fstat(fd, &before) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	close(fd);
	if ((flags & ROOT_DIR) ? !S_ISDIR(before.st_mode) : !S_ISREG(before.st_mode))
		return (flags & ROOT_DIR) ? -ENOTDIR : -EINVAL;
	if (flags & ROOT_DIR)
		oflags |= O_DIRECTORY;
	/* O_NOATIME is refused (EPERM) for files we do not own without CAP_FOWNER */
	fd = confined_open(root->fd, rel, oflags | O_NOATIME, follow);
	if (fd == -EPERM)
		fd = confined_open(root->fd, rel, oflags, follow);
	if (fd < 0)
		return fd;
	if (fstat(fd, &after) < 0 || after.st_dev != before.st_dev || after.st_ino != before.st_ino) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

int root_stat(const struct kd_root *root, const char *rel, int flags, struct stat *st)
{
	const char *slash;
	int dirfd, r = 0;

	rel = skip_slashes(rel);
	slash = strrchr(rel, '/');
	/* a last component of "." or ".." names a directory to resolve, never the root's parent */
	if (strcmp(slash ? slash + 1 : rel, "..") == 0 || strcmp(slash ? slash + 1 : rel, ".") == 0)
		flags |= ROOT_FOLLOW;
	if (flags & ROOT_FOLLOW) {
		int fd = confined_open(root->fd, rel, O_PATH | O_CLOEXEC, true);

		if (fd < 0)
			return fd;
		if (fstat(fd, st) < 0)
			r = -errno;
		close(fd);
		return r;
	}
	/* lstat semantics: resolve the parent inside the root, then look at the name */
	if (!slash) {
		if (fstatat(root->fd, rel, st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		return 0;
	}
	{
		char *parent = xstrndup(rel, (size_t)(slash - rel));

		dirfd = confined_open(root->fd, *parent ? parent : ".", O_PATH | O_DIRECTORY | O_CLOEXEC,
				      true);
		free(parent);
	}
	if (dirfd < 0)
		return dirfd;
	if (fstatat(dirfd, slash + 1, st, AT_SYMLINK_NOFOLLOW) < 0)
		r = -errno;
	close(dirfd);
	return r;
}

int fd_read_into(int fd, size_t cap, struct kd_buf *b)
{
	size_t want = 4096;
	struct stat st;

	b->len = 0;
	/* size the buffer from st_size, but read to EOF: pseudo files report 0 or 4096 */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((uint64_t)st.st_size > cap)
			return -EFBIG;
		want = (size_t)st.st_size + 1;	/* the extra byte sees EOF in one read */
	}
	kd_buf_reserve(b, want + 1);
	for (;;) {
		ssize_t n;

		if (b->len + 1 >= b->alloc) {
			if (b->len > cap)
				return -EFBIG;
			kd_buf_reserve(b, b->alloc * 2);
		}
		n = read(fd, b->p + b->len, b->alloc - 1 - b->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		if (b->len > cap)
			return -EFBIG;
	}
	b->p[b->len] = '\0';
	return 0;
}

int fd_read_all(int fd, size_t cap, uint8_t **buf, size_t *len)
{
	struct kd_buf b = { 0 };
	int r = fd_read_into(fd, cap, &b);

	if (r) {
		kd_buf_free(&b);
		return r;
	}
	*buf = b.p;
	*len = b.len;
	return 0;
}

int fd_read_regular(int fd, size_t cap, uint8_t **buf, size_t *len)
{
	struct stat st;
	int r;

	r = fstat(fd, &st) < 0 ? -errno : S_ISREG(st.st_mode) ? 0 : -EINVAL;
	if (!r)
		r = fd_read_all(fd, cap, buf, len);
	close(fd);
	return r;
}

int root_read_file(const struct kd_root *root, const char *rel, size_t cap, char **buf, size_t *len)
{
	uint8_t *p;
	size_t n;
	int fd, r;

	fd = root_openat(root, rel, ROOT_FOLLOW);
	if (fd < 0)
		return fd;
	r = fd_read_all(fd, cap, &p, &n);
	close(fd);
	if (r)
		return r;
	*buf = (char *)p;
	if (len)
		*len = n;
	return 0;
}

static bool is_symlink(DIR *d, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_LNK;
	/* some file systems do not fill in d_type */
	return fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

int root_list_dir(const struct kd_root *root, const char *rel, bool links_only, size_t max,
		  struct strlist *out)
{
	int fd = root_openat(root, rel, ROOT_DIR | ROOT_FOLLOW), r = 0;
	struct strlist names = { 0 };
	struct dirent *de;
	DIR *d;

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			r = errno ? -errno : 0;
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (links_only && !is_symlink(d, de))
			continue;
		if (names.n == max) {
			r = 1;
			break;
		}
		sl_push(&names, xstrdup(de->d_name));
	}
	closedir(d);
	if (r < 0) {
		sl_free(&names);
		return r;
	}
	for (size_t i = 0; i < names.n; i++)
		sl_push(out, names.v[i]);
	free(names.v);
	sl_sort(out);
	return r;
}
