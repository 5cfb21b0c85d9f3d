/* SPDX-License-Identifier: GPL-2.0-or-later */
/* esp.h - the EFI System Partition and the signed kernel images. */
#ifndef KD_BOOT_ESP_H
#define KD_BOOT_ESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/root.h"
#include "core/util.h"
#include "sources/boot/ctx.h"
#include "store/result.h"

void scan_esp(struct boot_ctx *b);
/* boot/vmlinuz-*: a signed kernel is a PE image too (EFI stub). */
void scan_kernel_pes(struct boot_ctx *b);

#endif
