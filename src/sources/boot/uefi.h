/* SPDX-License-Identifier: GPL-2.0-or-later */
/* uefi.h - the UEFI variables, key databases and boot entries; the verdict UEFI would reach. */
#ifndef KD_BOOT_UEFI_H
#define KD_BOOT_UEFI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/root.h"
#include "core/util.h"
#include "crypto/authenticode.h"
#include "sources/boot/ctx.h"
#include "store/result.h"

void db_free(struct uefi_db *d);
void read_boot_entries(struct boot_ctx *b);
bool in_db(const struct uefi_db *d, const struct kd_cert *c);
/* Add a TBS hash entry (algo "sha256", "sha384", "sha512"), time its EFI_TIME or NULL. */
void db_add_tbs(struct uefi_db *d, const char *algo, const uint8_t *hash, size_t len,
		const uint8_t *time);
char *uefi_verdict(struct boot_ctx *b, const char *hash, const struct ac_result *ac,
		   struct kd_cert ***chains, size_t *nchains);
void apply_boot_entry_rules(struct boot_ctx *b);
bool boot_inspect_other(struct scan_result *res, const char *path, const uint8_t *p, size_t n);
void boot_keys_free(struct boot_keys *k);
void boot_read_keys(const struct kd_root *root, struct scan_result *res);

#endif
