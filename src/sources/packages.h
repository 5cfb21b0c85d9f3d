/* SPDX-License-Identifier: GPL-2.0-or-later */
/* packages.h - installed packages (dpkg), as package.* facts for the rules. */
#ifndef KD_PACKAGES_H
#define KD_PACKAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/root.h"
#include "core/util.h"
#include "store/records.h"

/* dpkg's var/lib/dpkg/status: package.* facts. Returns 0 or -errno. */
int packages_read_dpkg(const struct kd_root *root, struct fact_set *out, size_t *bad);
int packages_parse_dpkg(const char *text, struct fact_set *out, size_t *bad);
/* An RPM database we cannot read (this build has no librpm): its path, or NULL. */
const char *packages_rpm_db(const struct kd_root *root);

#endif
