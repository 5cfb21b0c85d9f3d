/* SPDX-License-Identifier: GPL-2.0-or-later */
/* windows.h - the drivers of a Windows installation, with its catalogs. */
#ifndef KD_BOOT_WINDOWS_H
#define KD_BOOT_WINDOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/root.h"
#include "core/util.h"
#include "sources/boot/ctx.h"
#include "store/result.h"

/* A directory that holds a Windows installation: Windows/System32/drivers in any case. */
char *boot_windows_drivers_dir(const struct kd_root *root, const char *top);
void scan_windows(struct boot_ctx *b, const struct strlist *given);

#endif
