/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kernel.h - the running kernel's view, from its collectors, into the store. */
#ifndef KD_KERNEL_H
#define KD_KERNEL_H

#include "core/root.h"
#include "store/result.h"

/* Host name, machine-id, boot_id and the running release. */
void kernel_read_host(const struct kd_root *root, struct scan_result *res);
/* Taint, the loaded modules and the devices bound to them, the kernel's keys. */
void kernel_read_running(const struct kd_root *root, struct scan_result *res);

#endif
