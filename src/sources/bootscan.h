/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bootscan.h - UEFI variables and key databases, the ESP, signed kernels, Windows drivers. */
#ifndef KD_BOOTSCAN_H
#define KD_BOOTSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/root.h"
#include "core/util.h"
#include "store/result.h"

/*
 * Read the UEFI variables and key databases into res (trust, coverage, boot
 * state, and res->boot_keys for the verdicts); early, so that MOK keys can
 * verify modules when MokListTrustedRT says the kernel trusts them.
 */
void boot_read_keys(const struct kd_root *root, struct scan_result *res);
void boot_keys_free(struct boot_keys *k);
/* The UEFI key databases, boot entries, EFI binaries, signed kernels and Windows drivers. */
void scan_boot(const struct kd_root *root, const struct strlist *windows, struct scan_result *res);
/*
 * The drivers directory (Windows/System32/drivers, in any case) of a Windows
 * installation at top inside the root ("" for the root itself), or NULL.
 */
char *boot_windows_drivers_dir(const struct kd_root *root, const char *top);
/* One PE image given on the command line (kdetect inspect). */
void boot_inspect_pe(struct scan_result *res, const char *path, const uint8_t *p, size_t n);
/*
 * kdetect inspect of a certificate file (DER or PEM) or a raw efivarfs file
 * (signature list or boot entry). Returns false when the file is neither.
 */
bool boot_inspect_other(struct scan_result *res, const char *path, const uint8_t *p, size_t n);

#endif
