/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * driverstore.h - the driver packages of a Windows driver store
 * (System32/DriverStore/FileRepository/<package>/): what a package's INF says
 * of one of its files, as facts for the rules (inf.*, driverstore.package).
 */
#ifndef KD_BOOT_DRIVERSTORE_H
#define KD_BOOT_DRIVERSTORE_H

#include <stddef.h>

#include "core/root.h"
#include "core/util.h"
#include "formats/inf.h"
#include "store/result.h"

struct ds_inf {
	char *name;			/* the INF's file name */
	struct inf_info info;
};

struct driverstore {
	char *store;			/* the FileRepository folder, relative to the root */
	char *package;			/* the package whose INFs are loaded, NULL before the first */
	struct ds_inf *infs;
	size_t ninfs;
	size_t packages, read, bad;	/* for coverage */
	size_t unresolved, skipped;	/* summed over the INFs read */
};

void driverstore_init(struct driverstore *ds, const char *store);
/*
 * The facts the package holding path (a file the walk of the store found, its
 * path shown from the root: "/<store>/<package>/.../name") gives that file,
 * added to out: driverstore.package, and inf.name, inf.provider, inf.class,
 * inf.driver_ver, inf.catalog, inf.service of the INFs that list the file (all
 * of the package's INFs when none does).
 */
void driverstore_facts(struct driverstore *ds, const struct kd_root *root, const char *path,
		       const char *name, struct kvlist *out);
/* Coverage of the INFs read, under "/<store> (package INFs)", then free ds. */
void driverstore_finish(struct driverstore *ds, struct scan_result *res);

#endif
