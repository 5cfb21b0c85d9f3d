// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * processes.c - running processes from proc/<pid>/: name (comm), executable
 * (the exe link, read, never followed) and real uid, as facts for the rules.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sources/processes.h"
#include "core/util.h"

#define MAX_PROCESSES 200000
#define SMALL_FILE 8192

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* The real uid from a status file: "Uid:\t<real>\t<effective>...". */
static char *status_uid(const char *status)
{
	const char *p = strstr(status, "\nUid:");

	if (!p)
		return NULL;
	p += 5;
	while (*p == ' ' || *p == '\t')
		p++;
	{
		const char *e = p;

		while (isdigit((unsigned char)*e))
			e++;
		return e > p ? xstrndup(p, (size_t)(e - p)) : NULL;
	}
}

int processes_read(const struct kd_root *root, struct fact_set *out, size_t *hidden_root)
{
	struct strlist pids = { 0 };
	struct dirent *de;
	DIR *d;
	int fd;

	fd = root_openat(root, "proc", ROOT_DIR | ROOT_FOLLOW);
	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d)) && pids.n < MAX_PROCESSES)
		if (all_digits(de->d_name) && strlen(de->d_name) < 12)
			sl_push(&pids, xstrdup(de->d_name));
	closedir(d);
	for (size_t i = 0; i < pids.n; i++) {
		char *dir = xasprintf("proc/%s", pids.v[i]), *path, *comm = NULL, *status = NULL, *uid;
		struct kvlist f = { 0 };
		char exe[PATH_MAX];
		ssize_t n = -1;
		int pfd, exe_errno = 0;

		/* processes come and go while we look: a vanished one is simply skipped */
		pfd = root_openat(root, dir, ROOT_DIR);
		if (pfd >= 0) {
			n = readlinkat(pfd, "exe", exe, sizeof(exe) - 1);
			exe_errno = n < 0 ? errno : 0;
			close(pfd);
		}
		path = xasprintf("%s/comm", dir);
		if (root_read_file(root, path, SMALL_FILE, &comm, NULL) == 0)
			str_rstrip(comm);
		free(path);
		path = xasprintf("%s/status", dir);
		if (root_read_file(root, path, 64 * 1024, &status, NULL))
			status = NULL;
		free(path);
		if (comm || n > 0) {
			kv_add(&f, "process.pid", pids.v[i]);
			if (comm)
				kv_add(&f, "process.name", comm);
			if (n > 0) {
				exe[n] = '\0';
				kv_add(&f, "process.exe", exe);
			}
			uid = status ? status_uid(status) : NULL;
			if (uid)
				kv_add(&f, "process.uid", uid);
			/* not root ourselves: root's executables are hidden from us (kernel threads have none) */
			if (uid && !strcmp(uid, "0") && (exe_errno == EACCES || exe_errno == EPERM))
				(*hidden_root)++;
			free(uid);
			fact_set_add(out, &f);
		}
		free(comm);
		free(status);
		free(dir);
	}
	sl_free(&pids);
	return 0;
}
