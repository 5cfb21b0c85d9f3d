// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_root.c - root-confined file access. Every test runs twice: with
 * openat2(RESOLVE_IN_ROOT), and with the userspace resolver used on kernels
 * without it (root_force_fallback). A file outside the root, reachable through
 * absolute and "../" symlinks, must never be opened.
 */
#include "unit.h"
#include "fsfix.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "core/root.h"

#define SECRET "OUTSIDE-SECRET"

struct fx {
	char root[64];		/* the inspected system */
	char out[64];		/* a directory outside it */
	char secret[128];	/* out/secret */
	struct stat secret_st;
	struct kd_root r;
};

/* ---- helpers ---- */

static void write_file(const char *path, const char *s)
{
	fx_write(path, s, strlen(s));
}

static void in_root(const struct fx *f, const char *rel, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", f->root, rel);
}

static void put(const struct fx *f, const char *rel, const char *s)
{
	char path[512];

	in_root(f, rel, path, sizeof(path));
	write_file(path, s);
}

static void dir(const struct fx *f, const char *rel)
{
	char path[512];

	in_root(f, rel, path, sizeof(path));
	assert_int_equal(mkdir(path, 0755), 0);
}

static void sym(const struct fx *f, const char *target, const char *rel)
{
	char path[512];

	in_root(f, rel, path, sizeof(path));
	if (symlink(target, path) != 0)
		fail_msg("symlink %s -> %s: %s", path, target, strerror(errno));
}

/* Read an fd from offset 0 into buf (NUL-terminated). */
static const char *fd_text(int fd, char *buf, size_t n)
{
	ssize_t r = pread(fd, buf, n - 1, 0);

	assert_true(r >= 0);
	buf[r] = '\0';
	return buf;
}

/* The descriptor is not the outside file, by identity and by content. */
static void assert_not_secret(const struct fx *f, int fd)
{
	struct stat st;
	char buf[256];

	assert_int_equal(fstat(fd, &st), 0);
	if (st.st_dev == f->secret_st.st_dev && st.st_ino == f->secret_st.st_ino)
		fail_msg("the file outside the root was opened");
	if (S_ISREG(st.st_mode))
		assert_null(strstr(fd_text(fd, buf, sizeof(buf)), SECRET));
}

/*
 * Open rel with flags and check the outcome: either a failure, or (when
 * shadow is given) the same-named file inside the root with that content.
 */
static void expect_confined(const struct fx *f, const char *rel, int flags, const char *shadow)
{
	int fd = root_openat(&f->r, rel, flags);
	char buf[256];

	if (fd >= 0) {
		assert_not_secret(f, fd);
		if (!shadow)
			fail_msg("\"%s\" opened (%s), expected a failure", rel, fd_text(fd, buf, sizeof(buf)));
		assert_string_equal(fd_text(fd, buf, sizeof(buf)), shadow);
		close(fd);
	} else if (shadow) {
		fail_msg("\"%s\": %s, expected the file inside the root", rel, strerror(-fd));
	}
}

static void expect_content(const struct fx *f, const char *rel, int flags, const char *want)
{
	int fd = root_openat(&f->r, rel, flags);
	char buf[256];

	if (fd < 0)
		fail_msg("\"%s\": %s", rel, strerror(-fd));
	assert_string_equal(fd_text(fd, buf, sizeof(buf)), want);
	close(fd);
}

static void expect_err(const struct fx *f, const char *rel, int flags, int err)
{
	int fd = root_openat(&f->r, rel, flags);

	if (fd >= 0) {
		close(fd);
		fail_msg("\"%s\" (flags %d) opened, expected %s", rel, flags, strerror(err));
	}
	if (fd != -err)
		fail_msg("\"%s\" (flags %d): %s, expected %s", rel, flags, strerror(-fd), strerror(err));
}

/* out's path without the leading '/', e.g. "tmp/kd-out-abc123" */
static const char *out_rel(const struct fx *f)
{
	return f->out + 1;
}

static const char *out_base(const struct fx *f)
{
	return strrchr(f->out, '/') + 1;
}

/* Create root/<out>/secret, the name an absolute symlink resolves to inside the root. */
static void make_shadow(const struct fx *f)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", f->root, out_rel(f));
	fx_mkdir_p(path);
	snprintf(path, sizeof(path), "%s/%s/secret", f->root, out_rel(f));
	write_file(path, "SHADOW");
}

/* ---- fixtures ---- */

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->root, "/tmp/kd-root-XXXXXX");
	strcpy(f->out, "/tmp/kd-out-XXXXXX");
	if (!mkdtemp(f->root) || !mkdtemp(f->out))
		return -1;
	snprintf(f->secret, sizeof(f->secret), "%s/secret", f->out);
	write_file(f->secret, SECRET);
	if (stat(f->secret, &f->secret_st) != 0)
		return -1;
	put(f, "inside.txt", "INSIDE");
	put(f, "empty.txt", "");
	dir(f, "dir");
	put(f, "dir/file.txt", "DIRFILE");
	dir(f, "dir/sub");
	if (root_init(&f->r, f->root, true) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	root_fini(&f->r);
	fx_rm_rf(f->root);
	fx_rm_rf(f->out);
	free(f);
	return 0;
}

/* ---- tests ---- */

static void test_root_init(void **state)
{
	struct fx *f = *state;
	struct kd_root r;
	char path[512];

	assert_int_equal(root_init(&r, "/nonexistent/kdetect/root", true), -ENOENT);
	assert_int_equal(r.fd, -1);
	in_root(f, "inside.txt", path, sizeof(path));
	assert_int_equal(root_init(&r, path, true), -ENOTDIR);
	assert_int_equal(r.fd, -1);
	assert_int_equal(root_init(&r, f->root, false), 0);
	assert_string_equal(r.path, f->root);
	assert_false(r.offline);
	root_fini(&r);
	assert_int_equal(r.fd, -1);
	assert_null(r.path);
	root_fini(&r);	/* twice is harmless */

	/* a symlink to a directory is a fine root (the caller named it) */
	in_root(f, "dirlink-root", path, sizeof(path));
	assert_int_equal(symlink(f->out, path), 0);
	assert_int_equal(root_init(&r, path, true), 0);
	root_fini(&r);
}

static void test_plain_files(void **state)
{
	struct fx *f = *state;

	expect_content(f, "inside.txt", 0, "INSIDE");
	expect_content(f, "inside.txt", ROOT_FOLLOW, "INSIDE");
	expect_content(f, "/inside.txt", 0, "INSIDE");
	expect_content(f, "///inside.txt", 0, "INSIDE");
	expect_content(f, "./inside.txt", 0, "INSIDE");
	expect_content(f, "dir//file.txt", 0, "DIRFILE");
	expect_content(f, "dir/./sub/../file.txt", 0, "DIRFILE");
	expect_content(f, "dir/../inside.txt", 0, "INSIDE");
	expect_content(f, "empty.txt", 0, "");
	/* ".." at the root stays at the root */
	expect_content(f, "../inside.txt", 0, "INSIDE");
	expect_content(f, "../../../../../../inside.txt", ROOT_FOLLOW, "INSIDE");
	expect_content(f, "/../dir/../../inside.txt", 0, "INSIDE");
}

static void test_flags_and_mode(void **state)
{
	struct fx *f = *state;
	struct stat st;
	int fd, fl;

	fd = root_openat(&f->r, "inside.txt", ROOT_FOLLOW);
	assert_true(fd >= 0);
	fl = fcntl(fd, F_GETFL);
	assert_int_equal(fl & O_ACCMODE, O_RDONLY);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(write(fd, "x", 1), -1);	/* read-only, really */
	close(fd);

	/* directories only with ROOT_DIR, files only without */
	expect_err(f, "dir", 0, EINVAL);
	expect_err(f, "dir", ROOT_FOLLOW, EINVAL);
	expect_err(f, "inside.txt", ROOT_DIR, ENOTDIR);
	fd = root_openat(&f->r, "dir", ROOT_DIR);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);

	/* the root itself, however it is spelled */
	{
		static const char *const names[] = { "", "/", ".", "//", "./.", "..", "/../..", "dir/.." };
		struct stat rst;

		assert_int_equal(stat(f->root, &rst), 0);
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			fd = root_openat(&f->r, names[i], ROOT_DIR);
			if (fd < 0)
				fail_msg("\"%s\": %s", names[i], strerror(-fd));
			assert_int_equal(fstat(fd, &st), 0);
			assert_true(st.st_ino == rst.st_ino && st.st_dev == rst.st_dev);
			close(fd);
			expect_err(f, names[i], 0, EINVAL);
		}
	}

	/* a symlink to a directory: ROOT_DIR alone does not follow it */
	sym(f, "dir", "dirlink");
	fd = root_openat(&f->r, "dirlink", ROOT_DIR | ROOT_FOLLOW);
	assert_true(fd >= 0);
	close(fd);
	assert_true(root_openat(&f->r, "dirlink", ROOT_DIR) < 0);
	/* ... but symlinks in the middle of a path are always followed (inside the root) */
	expect_content(f, "dirlink/file.txt", 0, "DIRFILE");
}

static void test_missing(void **state)
{
	struct fx *f = *state;

	expect_err(f, "nope", 0, ENOENT);
	expect_err(f, "nope", ROOT_FOLLOW, ENOENT);
	expect_err(f, "dir/nope/x", 0, ENOENT);
	expect_err(f, "nope", ROOT_DIR, ENOENT);
	expect_err(f, "inside.txt/x", 0, ENOTDIR);
	sym(f, "nowhere", "dangling");
	expect_err(f, "dangling", ROOT_FOLLOW, ENOENT);
	assert_true(root_openat(&f->r, "dangling", 0) < 0);
}

/* An absolute symlink pointing at the outside file. */
static void test_absolute_symlink(void **state)
{
	struct fx *f = *state;

	sym(f, f->secret, "abs");
	sym(f, f->secret, "dir/abs");
	expect_confined(f, "abs", ROOT_FOLLOW, NULL);
	expect_confined(f, "abs", 0, NULL);
	expect_confined(f, "dir/abs", ROOT_FOLLOW, NULL);
	expect_err(f, "abs", ROOT_FOLLOW, ENOENT);
	/* with the same path present inside the root, that file is what opens */
	make_shadow(f);
	expect_confined(f, "abs", ROOT_FOLLOW, "SHADOW");
	expect_confined(f, "dir/abs", ROOT_FOLLOW, "SHADOW");
	expect_confined(f, "abs", 0, NULL);	/* not following: a symlink is not a file */
}

/* "../../.." symlinks that, resolved on the host, reach the outside file. */
static void test_dotdot_symlink(void **state)
{
	struct fx *f = *state;
	char target[512];

	/* from dir/sub: up past the root, then down the absolute path of the secret */
	snprintf(target, sizeof(target), "../../../../../../../../..%s", f->secret);
	sym(f, target, "dir/sub/up");
	/* from the root: ".." is /tmp on the host, where the outside directory lives */
	snprintf(target, sizeof(target), "../%s/secret", out_base(f));
	sym(f, target, "sibling");
	snprintf(target, sizeof(target), "dir/../../%s/secret", out_base(f));
	sym(f, target, "sibling2");

	expect_confined(f, "dir/sub/up", ROOT_FOLLOW, NULL);
	expect_confined(f, "sibling", ROOT_FOLLOW, NULL);
	expect_confined(f, "sibling2", ROOT_FOLLOW, NULL);
	expect_err(f, "sibling", ROOT_FOLLOW, ENOENT);

	make_shadow(f);
	expect_confined(f, "dir/sub/up", ROOT_FOLLOW, "SHADOW");
	/* "../<out>/secret" clamps to <root>/<out-basename>/secret, which does not exist */
	expect_confined(f, "sibling", ROOT_FOLLOW, NULL);
}

/* Symlinked directories in the middle of the path. */
static void test_directory_symlinks(void **state)
{
	struct fx *f = *state;
	char target[512];

	sym(f, f->out, "absdir");				/* /tmp/kd-out-X */
	snprintf(target, sizeof(target), "../%s", out_base(f));
	sym(f, target, "reldir");				/* ../kd-out-X */
	sym(f, "/", "rootlink");
	sym(f, "../../../../..", "dir/uplink");

	expect_confined(f, "absdir/secret", 0, NULL);
	expect_confined(f, "absdir/secret", ROOT_FOLLOW, NULL);
	expect_confined(f, "reldir/secret", ROOT_FOLLOW, NULL);
	expect_confined(f, "rootlink/../../dir/../../inside.txt", 0, "INSIDE");
	expect_content(f, "rootlink/inside.txt", 0, "INSIDE");
	expect_content(f, "rootlink/rootlink/rootlink/dir/file.txt", 0, "DIRFILE");
	expect_content(f, "dir/uplink/inside.txt", 0, "INSIDE");
	{
		char rel[512];

		snprintf(rel, sizeof(rel), "dir/uplink/%s/secret", out_rel(f));
		expect_confined(f, rel, ROOT_FOLLOW, NULL);
		snprintf(rel, sizeof(rel), "rootlink/%s/secret", out_rel(f));
		expect_confined(f, rel, ROOT_FOLLOW, NULL);
	}
	/* and the directory itself */
	{
		int fd = root_openat(&f->r, "absdir", ROOT_DIR | ROOT_FOLLOW);
		struct stat st, ost;

		assert_int_equal(stat(f->out, &ost), 0);
		if (fd >= 0) {
			assert_int_equal(fstat(fd, &st), 0);
			assert_false(st.st_ino == ost.st_ino && st.st_dev == ost.st_dev);
			close(fd);
		}
	}
	make_shadow(f);
	expect_confined(f, "absdir/secret", 0, "SHADOW");
}

/* A path argument with ".." (not a symlink) is clamped too. */
static void test_dotdot_in_path(void **state)
{
	struct fx *f = *state;
	char rel[512];

	snprintf(rel, sizeof(rel), "../%s/secret", out_base(f));
	expect_confined(f, rel, ROOT_FOLLOW, NULL);
	expect_confined(f, rel, 0, NULL);
	snprintf(rel, sizeof(rel), "dir/../../../../..%s", f->secret);
	expect_confined(f, rel, ROOT_FOLLOW, NULL);
	snprintf(rel, sizeof(rel), "%s", f->secret);	/* an absolute rel is relative to the root */
	expect_confined(f, rel, ROOT_FOLLOW, NULL);
	make_shadow(f);
	expect_confined(f, rel, ROOT_FOLLOW, "SHADOW");
}

/* The magic links of /proc (fd/N points anywhere) are not followed out. */
static void test_magic_links(void **state)
{
	struct fx *f = *state;
	struct kd_root proc;
	char rel[64];
	int secret_fd, fd;

	secret_fd = open(f->secret, O_RDONLY | O_CLOEXEC);
	assert_true(secret_fd >= 0);
	assert_int_equal(root_init(&proc, "/proc", true), 0);
	snprintf(rel, sizeof(rel), "self/fd/%d", secret_fd);
	fd = root_openat(&proc, rel, ROOT_FOLLOW);
	if (fd >= 0) {
		assert_not_secret(f, fd);
		close(fd);
	}
	snprintf(rel, sizeof(rel), "thread-self/fd/%d", secret_fd);
	fd = root_openat(&proc, rel, ROOT_FOLLOW);
	if (fd >= 0) {
		assert_not_secret(f, fd);
		close(fd);
	}
	root_fini(&proc);
	close(secret_fd);
}

static void test_symlink_loops(void **state)
{
	struct fx *f = *state;

	sym(f, "loop_b", "loop_a");
	sym(f, "loop_a", "loop_b");
	sym(f, "self", "self");
	sym(f, "/self_abs", "self_abs");
	sym(f, "deeper/x", "deeper");
	sym(f, "../dir/sub/../loopdir", "dir/loopdir");

	expect_err(f, "loop_a", ROOT_FOLLOW, ELOOP);
	expect_err(f, "loop_b", ROOT_FOLLOW, ELOOP);
	expect_err(f, "self", ROOT_FOLLOW, ELOOP);
	expect_err(f, "self_abs", ROOT_FOLLOW, ELOOP);
	expect_err(f, "deeper", ROOT_FOLLOW, ELOOP);
	expect_err(f, "dir/loopdir", ROOT_FOLLOW, ELOOP);
	expect_err(f, "loop_a/x", 0, ELOOP);		/* in the middle: always followed */
	expect_err(f, "self", ROOT_DIR | ROOT_FOLLOW, ELOOP);
	assert_true(root_openat(&f->r, "self", 0) < 0);	/* not followed: not a file */

	/* root_read_file follows, so it must stop too */
	{
		char *buf = NULL;
		size_t len;

		assert_int_equal(root_read_file(&f->r, "loop_a", 4096, &buf, &len), -ELOOP);
		assert_null(buf);
	}
}

/* Linux allows 40 symlinks in one lookup; both resolvers agree on the limit. */
static void test_symlink_chain_limit(void **state)
{
	struct fx *f = *state;
	char name[32], target[32];

	for (int i = 1; i <= 45; i++) {
		snprintf(name, sizeof(name), "chain%02d", i);
		if (i == 1)
			snprintf(target, sizeof(target), "inside.txt");
		else
			snprintf(target, sizeof(target), "chain%02d", i - 1);
		sym(f, target, name);
	}
	expect_content(f, "chain01", ROOT_FOLLOW, "INSIDE");
	expect_content(f, "chain30", ROOT_FOLLOW, "INSIDE");
	expect_content(f, "chain40", ROOT_FOLLOW, "INSIDE");	/* 40 links: allowed */
	expect_err(f, "chain41", ROOT_FOLLOW, ELOOP);		/* 41: too many */
	expect_err(f, "chain45", ROOT_FOLLOW, ELOOP);
}

static void test_long_symlink_target(void **state)
{
	struct fx *f = *state;
	char target[4200];
	size_t n;

	/* "./././...inside.txt" of 4094 bytes, and "././...//inside.txt" of 4095 (the most a link holds) */
	for (n = 0; n + 2 <= 4094 - 10; n += 2)
		memcpy(target + n, "./", 2);
	memcpy(target + n, "inside.txt", 11);
	assert_int_equal(strlen(target), 4094);
	sym(f, target, "long1");
	for (n = 0; n + 2 <= 4095 - 11; n += 2)
		memcpy(target + n, "./", 2);
	memcpy(target + n, "/inside.txt", 12);
	assert_int_equal(strlen(target), 4095);
	sym(f, target, "long2");

	expect_content(f, "long1", ROOT_FOLLOW, "INSIDE");
	expect_content(f, "long2", ROOT_FOLLOW, "INSIDE");
}

static void test_long_paths(void **state)
{
	struct fx *f = *state;
	char *rel = malloc(9000);
	int fd;

	assert_non_null(rel);
	/* one component longer than NAME_MAX */
	memset(rel, 'a', 300);
	rel[300] = '\0';
	expect_err(f, rel, ROOT_FOLLOW, ENAMETOOLONG);
	/* a path longer than PATH_MAX made of short components */
	for (size_t i = 0; i < 4000; i++)
		memcpy(rel + 2 * i, "./", 2);
	strcpy(rel + 8000, "inside.txt");
	fd = root_openat(&f->r, rel, ROOT_FOLLOW);
	assert_true(fd == -ENAMETOOLONG || fd >= 0);
	if (fd >= 0)
		close(fd);
	free(rel);
}

/* FIFOs would block an open for reading, devices can have side effects. */
static void test_special_files(void **state)
{
	struct fx *f = *state;
	char path[512];

	in_root(f, "fifo", path, sizeof(path));
	assert_int_equal(mkfifo(path, 0644), 0);
	sym(f, "fifo", "fifolink");
	sym(f, "/fifo", "fifolink_abs");

	alarm(5);	/* a blocking open kills the test instead of hanging it */
	expect_err(f, "fifo", 0, EINVAL);
	expect_err(f, "fifo", ROOT_FOLLOW, EINVAL);
	expect_err(f, "fifo", ROOT_DIR, ENOTDIR);
	expect_err(f, "fifolink", ROOT_FOLLOW, EINVAL);
	expect_err(f, "fifolink_abs", ROOT_FOLLOW, EINVAL);
	{
		char *buf = NULL;

		assert_int_equal(root_read_file(&f->r, "fifo", 4096, &buf, NULL), -EINVAL);
		assert_int_equal(root_read_file(&f->r, "fifolink", 4096, &buf, NULL), -EINVAL);
		assert_null(buf);
	}
	/* a character device, when we may create one (root, no user namespace) */
	in_root(f, "null", path, sizeof(path));
	if (mknod(path, S_IFCHR | 0666, makedev(1, 3)) == 0) {
		expect_err(f, "null", 0, EINVAL);
		expect_err(f, "null", ROOT_FOLLOW, EINVAL);
	}
	/* a symlink to the host's /dev/zero resolves inside the root */
	sym(f, "/dev/zero", "zero");
	expect_err(f, "zero", ROOT_FOLLOW, ENOENT);
	alarm(0);
}

static void test_stat(void **state)
{
	struct fx *f = *state;
	struct stat st;

	assert_int_equal(root_stat(&f->r, "inside.txt", 0, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 6);
	assert_int_equal(root_stat(&f->r, "/dir/file.txt", 0, &st), 0);
	assert_int_equal(st.st_size, 7);
	assert_int_equal(root_stat(&f->r, "dir", 0, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(root_stat(&f->r, "nope", 0, &st), -ENOENT);
	assert_int_equal(root_stat(&f->r, "nope/x", 0, &st), -ENOENT);
	assert_int_equal(root_stat(&f->r, "nope/x", ROOT_FOLLOW, &st), -ENOENT);

	sym(f, f->secret, "abs");
	sym(f, f->secret, "dir/abs");
	/* lstat semantics: the link itself */
	assert_int_equal(root_stat(&f->r, "abs", 0, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(root_stat(&f->r, "dir/abs", 0, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* stat semantics: resolved inside the root, where it does not exist */
	assert_int_equal(root_stat(&f->r, "abs", ROOT_FOLLOW, &st), -ENOENT);
	assert_int_equal(root_stat(&f->r, "dir/abs", ROOT_FOLLOW, &st), -ENOENT);

	/* the parent of an lstat is resolved inside the root */
	{
		char rel[512];

		sym(f, f->out, "absdir");
		snprintf(rel, sizeof(rel), "absdir/secret");
		assert_int_equal(root_stat(&f->r, rel, 0, &st), -ENOENT);
		snprintf(rel, sizeof(rel), "../%s/secret", out_base(f));
		assert_int_equal(root_stat(&f->r, rel, 0, &st), -ENOENT);
	}
	sym(f, "loop2", "loop1");
	sym(f, "loop1", "loop2");
	assert_int_equal(root_stat(&f->r, "loop1", ROOT_FOLLOW, &st), -ELOOP);
	assert_int_equal(root_stat(&f->r, "loop1", 0, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
}

/*
 * lstat of a path whose last component is "..": at the root, ".." is the
 * root itself, never the directory the root lives in.
 */
static void test_stat_dotdot_at_root(void **state)
{
	static const char *const names[] = { "..", "/..", "./..", "dir/../..", "dir/sub/../../..", "../.." };
	struct fx *f = *state;
	struct stat rst, st;
	char bad[512] = "";

	assert_int_equal(stat(f->root, &rst), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (int follow = 0; follow < 2; follow++) {
			int r = root_stat(&f->r, names[i], follow ? ROOT_FOLLOW : 0, &st);

			if (r != 0)
				continue;
			if (st.st_ino != rst.st_ino || st.st_dev != rst.st_dev)
				snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad), " (\"%s\", %s)",
					 names[i], follow ? "ROOT_FOLLOW" : "0");
		}
	}
	if (*bad)
		fail_msg("root_stat described the directory outside the root for:%s", bad);
}

/*
 * ".." after a name that does not exist, or is not a directory, fails in the
 * kernel's lookup; a resolver that drops "x/.." as text answers differently
 * from openat2 for the same root.
 */
static void test_dotdot_after_missing(void **state)
{
	struct fx *f = *state;

	expect_err(f, "nosuchdir/../inside.txt", 0, ENOENT);
	expect_err(f, "inside.txt/../inside.txt", 0, ENOTDIR);
}

static void test_read_file(void **state)
{
	struct fx *f = *state;
	char *buf = NULL, big[10000];
	size_t len = 0;

	assert_int_equal(root_read_file(&f->r, "inside.txt", 4096, &buf, &len), 0);
	assert_int_equal(len, 6);
	assert_string_equal(buf, "INSIDE");
	free(buf);
	/* len may be NULL */
	assert_int_equal(root_read_file(&f->r, "inside.txt", 4096, &buf, NULL), 0);
	free(buf);
	assert_int_equal(root_read_file(&f->r, "empty.txt", 4096, &buf, &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);
	assert_int_equal(root_read_file(&f->r, "empty.txt", 0, &buf, &len), 0);
	free(buf);

	/* cap boundaries, including around the reader's 4096-byte first buffer */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put(f, "big", big);
	buf = NULL;
	assert_int_equal(root_read_file(&f->r, "big", 100, &buf, &len), -EFBIG);
	assert_null(buf);
	assert_int_equal(root_read_file(&f->r, "big", 9998, &buf, &len), -EFBIG);
	assert_int_equal(root_read_file(&f->r, "big", 9999, &buf, &len), 0);
	assert_int_equal(len, 9999);
	assert_int_equal(strlen(buf), 9999);
	free(buf);
	for (size_t n = 4094; n <= 4098; n++) {
		char *content = malloc(n + 1);

		assert_non_null(content);
		memset(content, 'y', n);
		content[n] = '\0';
		put(f, "edge", content);
		assert_int_equal(root_read_file(&f->r, "edge", n, &buf, &len), 0);
		assert_int_equal(len, n);
		assert_int_equal(buf[n], '\0');
		free(buf);
		assert_int_equal(root_read_file(&f->r, "edge", n - 1, &buf, &len), -EFBIG);
		free(content);
	}
	assert_int_equal(root_read_file(&f->r, "dir", 4096, &buf, &len), -EINVAL);
	assert_int_equal(root_read_file(&f->r, "nope", 4096, &buf, &len), -ENOENT);
}

static void test_fd_read_all(void **state)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int p[2];
	char data[20000];

	UNIT_UNUSED(state);
	memset(data, 'p', sizeof(data));
	/* a pipe: its size says nothing, read to EOF */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], data, sizeof(data)), (ssize_t)sizeof(data));
	close(p[1]);
	assert_int_equal(fd_read_all(p[0], sizeof(data), &buf, &len), 0);
	assert_int_equal(len, sizeof(data));
	assert_int_equal(buf[len], 0);
	free(buf);
	close(p[0]);

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], data, sizeof(data)), (ssize_t)sizeof(data));
	close(p[1]);
	buf = NULL;
	assert_int_equal(fd_read_all(p[0], sizeof(data) - 1, &buf, &len), -EFBIG);
	assert_null(buf);
	close(p[0]);

	/* a bad descriptor */
	assert_int_equal(fd_read_all(-1, 100, &buf, &len), -EBADF);
	/* a write-only descriptor */
	assert_int_equal(pipe(p), 0);
	assert_true(fd_read_all(p[1], 100, &buf, &len) < 0);
	close(p[0]);
	close(p[1]);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_root_init),
		T(test_plain_files),
		T(test_flags_and_mode),
		T(test_missing),
		T(test_absolute_symlink),
		T(test_dotdot_symlink),
		T(test_directory_symlinks),
		T(test_dotdot_in_path),
		T(test_magic_links),
		T(test_symlink_loops),
		T(test_symlink_chain_limit),
		T(test_long_symlink_target),
		T(test_long_paths),
		T(test_special_files),
		T(test_stat),
		T(test_stat_dotdot_at_root),
		T(test_dotdot_after_missing),
		T(test_read_file),
		T(test_fd_read_all),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("root (openat2)", tests, fx_group_openat2, NULL);
	failed += cmocka_run_group_tests_name("root (fallback resolver)", tests, fx_group_fallback, NULL);
	return failed ? 1 : 0;
}
