/* SPDX-License-Identifier: GPL-2.0-or-later */
/* image.h - one signed PE image: signatures, chains, anchors, verdict, rules. */
#ifndef KD_BOOT_IMAGE_H
#define KD_BOOT_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/root.h"
#include "core/util.h"
#include "formats/pe.h"
#include "sources/boot/ctx.h"
#include "store/result.h"

/* shim's .vendor_cert: {u32 auth_size, deauth_size, auth_offset, deauth_offset} then the DER. */
struct kd_cert *shim_vendor_cert(const struct pe_image *pe);
/* The deauthorized block of shim's .vendor_cert: a signature list shim itself denies. */
void shim_vendor_dbx(const struct pe_image *pe, struct uefi_db *into);
/* Inspect one PE image held in memory; shown is its path in the root. */
void inspect_pe(struct boot_ctx *b, const char *shown, const char *kind, const uint8_t *p,
		size_t n, bool on_esp);
/* Read a file a walk found (never through a link): 0, or -1 when too small, too big, unreadable. */
int read_walked(int dirfd, const char *name, uint64_t size, uint64_t min, uint8_t **buf,
		size_t *len);
void boot_inspect_pe(struct scan_result *res, const char *path, const uint8_t *p, size_t n);

#endif
