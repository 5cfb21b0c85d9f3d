// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * output.c - write the report safely. A report file is written to a temporary
 * file in the target's directory, created before the scan (an unmounted USB
 * stick fails in a second, not after the scan), then flushed, fsynced and
 * renamed over the target: a full disk or an I/O error leaves the previous
 * report intact, and a scheduled job never finds a half-written or empty one.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/output.h"
#include "core/util.h"

/* The temporary file a signal handler removes when the scan is interrupted. */
static char *volatile pending_tmp;

static void on_fatal_signal(int sig)
{
	char *tmp = pending_tmp;

	if (tmp)
		unlink(tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void watch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* The directory part of path ("." when it has none). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/*
 * A character device (/dev/null, a terminal) or a FIFO, or a symlink to one
 * (/dev/stdout): written in place, never renamed over. A FIFO is opened without
 * blocking, so that one nobody reads fails now instead of hanging after the scan.
 */
static int open_stream(struct report_output *o, const char *path, char **err)
{
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		*err = xasprintf("cannot write %s: %s", path,
				 errno == ENXIO ? "no process reads from it" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0 || !(o->f = fdopen(fd, "w"))) {
		*err = xasprintf("cannot write %s: %s", path,
				 errno ? strerror(errno) : "it changed while being opened");
		close(fd);
		return -1;
	}
	o->path = xstrdup(path);
	return 0;
}

int output_open(struct report_output *o, const char *path, char **err)
{
	const char *base;
	struct stat st, target;
	mode_t um;
	char *dir;
	int fd;

	memset(o, 0, sizeof(*o));
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (!*base) {
		*err = xasprintf("cannot write %s: no file name (it names a directory)", path);
		return -1;
	}
	if (lstat(path, &st) == 0) {
		bool link = S_ISLNK(st.st_mode);

		if (link && stat(path, &target) == 0)
			st = target;
		if (S_ISDIR(st.st_mode)) {
			*err = xasprintf("cannot write %s: it is a directory", path);
			return -1;
		}
		if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
			return open_stream(o, path, err);
		if (S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode)) {
			*err = xasprintf("cannot write %s: a %s, not a file", path,
					 S_ISBLK(st.st_mode) ? "block device" : "socket");
			return -1;
		}
		/* a regular file, or a symlink to one or to nothing: replaced, not written through */
	}
	dir = dir_of(path);
	if (stat(dir, &st) < 0) {
		*err = xasprintf("cannot write %s: %s: %s", path, dir, strerror(errno));
		free(dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*err = xasprintf("cannot write %s: %s is not a directory", path, dir);
		free(dir);
		return -1;
	}
	/* hidden, beside the target: same file system, so the rename is atomic */
	o->tmp = xasprintf("%s/.%s.kdetect-XXXXXX", dir, base);
	free(dir);
	fd = mkostemp(o->tmp, O_CLOEXEC);
	if (fd < 0) {
		*err = xasprintf("cannot write %s: %s", path, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	/* mkostemp makes it 0600; a report is as readable as any file the user creates */
	um = umask(0);
	umask(um);
	if (fchmod(fd, 0644 & ~um) < 0 || !(o->f = fdopen(fd, "w"))) {
		*err = xasprintf("cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	o->path = xstrdup(path);
	pending_tmp = o->tmp;
	watch_signals();
	return 0;
}

int output_commit(struct report_output *o, char **err)
{
	int e = 0;

	if (!o->path) {
		if (fflush(o->f) || ferror(o->f)) {
			*err = xasprintf("cannot write the report to standard output: %s",
					 strerror(errno ? errno : EIO));
			return -1;
		}
		return 0;
	}
	if (fflush(o->f) || ferror(o->f))
		e = errno ? errno : EIO;
	else if (o->tmp && fsync(fileno(o->f)) < 0)
		e = errno;
	if (fclose(o->f) && !e)
		e = errno;
	o->f = NULL;
	if (!o->tmp) {
		/* a device or FIFO, written in place */
		if (e)
			*err = xasprintf("cannot write %s: %s", o->path, strerror(e));
		free(o->path);
		o->path = NULL;
		return e ? -1 : 0;
	}
	if (!e && rename(o->tmp, o->path) < 0)
		e = errno;
	if (e) {
		*err = xasprintf("cannot write %s: %s (the previous report, if any, is unchanged)",
				 o->path, strerror(e));
		output_abort(o);
		return -1;
	}
	pending_tmp = NULL;
	{
		/* the rename itself must survive a power cut, or the old report returns */
		char *dir = dir_of(o->path);
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		free(dir);
	}
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return 0;
}

void output_abort(struct report_output *o)
{
	if (o->f && o->f != stdout)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp) {
		pending_tmp = NULL;
		unlink(o->tmp);
	}
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
}
