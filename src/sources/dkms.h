/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dkms.h - module sources DKMS builds for every new kernel: usr/src/<name>-<version>/
 * dkms.conf and var/lib/dkms/<name>/<version>/ (the source link, the modules
 * built per kernel and architecture, the kernel-<release>-<arch> install links).
 */
#ifndef KD_SOURCES_DKMS_H
#define KD_SOURCES_DKMS_H

#include "core/root.h"
#include "store/records.h"
#include "store/result.h"

/*
 * One fact list per module a DKMS package builds: module.name, dkms.package,
 * dkms.versions, dkms.state (source only, added, built, installed),
 * dkms.kernels, dkms.autoinstall, dkms.conf (file:line), dkms.built (the .ko
 * files under var/lib/dkms) and module.file. Coverage goes into res.
 */
void dkms_read(const struct kd_root *root, struct scan_result *res, struct fact_set *out);
/*
 * The module files DKMS built (var/lib/dkms/<name>/<version>/<kernel>/<arch>/
 * module/), to inspect as module files: the path shown (and opened, relative
 * to the root without its leading '/') and the kernel release of each.
 */
void dkms_built_modules(const struct kd_root *root, struct strlist *shown,
			struct strlist *open_paths, struct strlist *releases_of);

#endif
