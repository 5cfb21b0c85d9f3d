/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * toolfix.h - data compressed by the real command-line tools (bzip2, xz
 * --format=lzma, lzop, lz4), run by the unit tests at test time: the bytes are
 * what the kernel's build and initramfs-tools produce, not what a library
 * call we chose writes. tools/install-deps.sh installs the tools.
 */
#ifndef KD_TOOLFIX_H
#define KD_TOOLFIX_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Feed [in, in+n) to the shell command cmd (which writes to stdout) and
 * return what it wrote, in a buffer of exactly *outlen bytes.
 */
static inline uint8_t *tool_run(const char *cmd, const uint8_t *in, size_t n, size_t *outlen)
{
	char path[] = "/tmp/kd-toolfix.XXXXXX", *line = NULL;
	uint8_t *out = NULL;
	size_t len = 0, alloc = 0, k;
	FILE *f;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, in, n), (ssize_t)n);
	close(fd);
	assert_true(asprintf(&line, "%s <'%s'", cmd, path) > 0);
	f = popen(line, "r");
	assert_non_null(f);
	do {
		if (len + 65536 > alloc) {
			alloc = (len + 65536) * 2;
			out = realloc(out, alloc);
			assert_non_null(out);
		}
		k = fread(out + len, 1, alloc - len, f);
		len += k;
	} while (k);
	if (pclose(f) != 0)
		fail_msg("%s failed (is it installed? tools/install-deps.sh test)", line);
	unlink(path);
	free(line);
	/* an exact-size copy: an overread is an ASan/valgrind error */
	out = realloc(out, len ? len : 1);
	assert_non_null(out);
	*outlen = len;
	return out;
}

#endif
