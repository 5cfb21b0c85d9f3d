/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fstab.h - mount points of etc/fstab by file system type. */
#ifndef KD_BOOT_FSTAB_H
#define KD_BOOT_FSTAB_H

#include <stdbool.h>

#include "core/root.h"
#include "core/util.h"

/* Mount points of etc/fstab whose file system type fits, relative to the root, added once. */
void fstab_mounts(const struct kd_root *root, bool (*fits)(const char *type),
		  struct strlist *out);

#endif
