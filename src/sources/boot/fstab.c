// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fstab.c - the mount points etc/fstab gives a kind of file system (the ESP's vfat,
 * Windows' NTFS).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/root.h"
#include "core/util.h"
#include "sources/boot/fstab.h"

/* Mount points of etc/fstab whose file system type fits, relative to the root, added once. */
void fstab_mounts(const struct kd_root *root, bool (*fits)(const char *type),
		  struct strlist *out)
{
	char *text, *line, *save = NULL;

	if (root_read_file(root, "etc/fstab", 1u << 20, &text, NULL))
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char dev[256], mnt[256], type[64];

		if (line[0] == '#' || sscanf(line, "%255s %255s %63s", dev, mnt, type) != 3)
			continue;
		if (fits(type) && mnt[0] == '/' && !sl_contains(out, mnt + 1))
			sl_push(out, xstrdup(mnt + 1));
	}
	free(text);
}
