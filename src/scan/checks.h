/* SPDX-License-Identifier: GPL-2.0-or-later */
/* checks.h - what must hold before a scan: a system in the root, the named dirs, live mounts. */
#ifndef KD_CHECKS_H
#define KD_CHECKS_H

#include <stdbool.h>

#include "core/root.h"
#include "scan/options.h"
#include "store/result.h"

/* Whether an offline root holds an operating system (else it is most likely not mounted). */
bool check_root_holds_system(const struct kd_root *root);
/* Each --path and --windows must be a directory inside the root: 0, or -1 with *err. */
int check_named_dirs(const struct kd_root *root, const struct scan_options *opt, char **err);
/* A live host's proc/ and sys/ must be mounted: coverage errors when they are not. */
void check_live_mounts(const struct kd_root *root, struct scan_result *res);

#endif
