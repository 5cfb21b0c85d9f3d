/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hidden.h - loaded modules that one of the kernel's views does not show. */
#ifndef KD_HIDDEN_H
#define KD_HIDDEN_H

#include "core/root.h"
#include "store/result.h"

/* Compare the kernel's views of loaded modules (hidden modules) and explain its taint. */
void scan_hidden(const struct kd_root *root, struct scan_result *res);

#endif
