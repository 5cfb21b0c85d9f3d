/* SPDX-License-Identifier: GPL-2.0-or-later */
/* userland.h - the rules applied to what runs or is installed outside the kernel. */
#ifndef KD_USERLAND_H
#define KD_USERLAND_H

#include "core/root.h"
#include "scan/options.h"
#include "store/result.h"

/* Apply the certificate rules to every trusted (or inspected) certificate. */
void scan_trusted_certs(struct scan_result *res, const struct kd_root *root);
/*
 * Packages, services, processes (live host only), certificates the host trusts,
 * and the files of install trees: collect them and apply the rules.
 */
void scan_userland(const struct kd_root *root, const struct scan_options *opt,
		   struct scan_result *res);

#endif
