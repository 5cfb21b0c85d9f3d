/* SPDX-License-Identifier: GPL-2.0-or-later */
/* boot.h - what runs before the kernel: the boot collector's entry. */
#ifndef KD_BOOT_BOOT_H
#define KD_BOOT_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/root.h"
#include "core/util.h"
#include "store/result.h"

void scan_boot(const struct kd_root *root, const struct strlist *windows, struct scan_result *res);

#endif
