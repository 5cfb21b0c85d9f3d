/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fsfix.h - what the unit tests that build fixture directories share. Include after unit.h. */
#ifndef KD_FSFIX_H
#define KD_FSFIX_H

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/root.h"

/* mkdir -p: every directory on the way; one that exists already is fine. */
static inline void fx_mkdir_p(const char *path)
{
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	}
	mkdir(tmp, 0755);
}

/* Create or truncate path and write n bytes of data to it. */
static inline void fx_write(const char *path, const void *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
}

/* rm -rf of a fixture directory (a mkdtemp name: no quotes in it). */
static inline int fx_rm_rf(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/*
 * Group setups for tests of root-confined access: one group with openat2
 * (RESOLVE_IN_ROOT), one with the resolver used on kernels without it.
 */
static inline int fx_group_openat2(void **state)
{
	struct open_how how = { .flags = O_PATH, .resolve = RESOLVE_IN_ROOT };
	long fd;

	(void)state;
	root_force_fallback = false;
	fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));
	if (fd < 0)
		fprintf(stderr, "NOTE: openat2 unavailable here (%s): this group exercises the fallback\n",
			strerror(errno));
	else
		close((int)fd);
	return 0;
}

static inline int fx_group_fallback(void **state)
{
	(void)state;
	root_force_fallback = true;
	return 0;
}

#endif
