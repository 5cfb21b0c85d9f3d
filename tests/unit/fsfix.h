/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fsfix.h - what the unit tests that build fixture directories share. Include after unit.h. */
#ifndef KD_FSFIX_H
#define KD_FSFIX_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

#endif
