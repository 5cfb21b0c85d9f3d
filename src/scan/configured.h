/* SPDX-License-Identifier: GPL-2.0-or-later */
/* configured.h - the modules the load configuration names, against the rules. */
#ifndef KD_CONFIGURED_H
#define KD_CONFIGURED_H

#include "core/root.h"
#include "store/result.h"

/*
 * Read the module load configuration (sources/modconf.c) and apply the module
 * rules to each module it names: a finding of kind "modconf" per line, with
 * where the module's file is in the release directories given (lib/modules/<rel>
 * or usr/lib/modules/<rel>), or that none is; and the
 * same for the modules DKMS builds (sources/dkms.c), kind "dkms".
 */
void scan_configured(const struct kd_root *root, struct scan_result *res,
		     const struct strlist *release_dirs);

#endif
