/* SPDX-License-Identifier: GPL-2.0-or-later */
/* trust.h - the certificates modules may be verified with, into the store's trust list. */
#ifndef KD_TRUST_H
#define KD_TRUST_H

#include "core/root.h"
#include "core/util.h"
#include "store/result.h"

/* The certificates pinned by the rule set (rules/certs/, compiled into the binary). */
void trust_load_pinned(struct scan_result *res);
/*
 * The operator's certificates (--cert FILE or DIR, read from the host). A file
 * that is missing or holds no certificate is an error: -1 with *err.
 */
int trust_load_operator(struct scan_result *res, const struct strlist *paths, char **err);
/* The certificates built into each boot/vmlinuz-<release> of the root. */
void trust_read_kernel_images(const struct kd_root *root, struct scan_result *res);

#endif
