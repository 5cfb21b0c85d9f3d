/* SPDX-License-Identifier: GPL-2.0-or-later */
/* processes.h - running processes (live host only), as process.* facts. */
#ifndef KD_PROCESSES_H
#define KD_PROCESSES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/root.h"
#include "core/util.h"
#include "store/records.h"

/* proc/<pid>/: process.* facts. Returns 0 or -errno. */
int processes_read(const struct kd_root *root, struct fact_set *out, size_t *hidden_root);

#endif
