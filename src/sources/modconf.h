/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modconf.h - the module load configuration of a root: modprobe.d,
 * modules-load.d, etc/modules and the kernel command line (proc/cmdline on a
 * live host; GRUB, BLS entries and etc/kernel/cmdline in an image).
 */
#ifndef KD_SOURCES_MODCONF_H
#define KD_SOURCES_MODCONF_H

#include "core/root.h"
#include "store/records.h"
#include "store/result.h"

/*
 * One fact list per module a line names: module.name, modconf.directive,
 * modconf.source ("/etc/modprobe.d/x.conf:3"), and modconf.args (the rest of
 * the line), or for install and remove lines modconf.command (with
 * module.path and module.file when it names a .ko file). Coverage for each
 * group of places goes into res.
 */
void modconf_read(const struct kd_root *root, struct scan_result *res, struct fact_set *out);

#endif
