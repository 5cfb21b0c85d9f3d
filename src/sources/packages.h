/* SPDX-License-Identifier: GPL-2.0-or-later */
/* packages.h - installed packages (dpkg, rpm), as package.* facts for the rules. */
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

/* What reading the RPM database found: the coverage the caller reports. */
struct rpm_read {
	char path[64];		/* inside the root, "" when there is none */
	const char *backend;	/* "sqlite", "ndb", "bdb" */
	int status;		/* 0 read whole, -1 not (or not wholly) read: see detail */
	char *detail;		/* allocated: packages read, or why not */
};

/*
 * The RPM database rpm itself would use (var/lib/rpm or usr/lib/sysimage/rpm, as
 * the root's rpm macros say; sqlite, ndb, then Berkeley DB as rpm detects them):
 * its package.* facts. info->path is "" when the root has no RPM database.
 */
void packages_read_rpm(const struct kd_root *root, struct fact_set *out, struct rpm_read *info);
/*
 * The files of the rpm package NAME in that database, one a line (the text of a
 * dpkg .list file), or NULL when the package or the database is not there.
 */
char *packages_rpm_files(const struct kd_root *root, const char *name);

#endif
