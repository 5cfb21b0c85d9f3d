/* SPDX-License-Identifier: GPL-2.0-or-later */
/* efivarfs.h - UEFI variables as efivarfs (and shim's MOK table) show them in a root. */
#ifndef KD_BOOT_EFIVARFS_H
#define KD_BOOT_EFIVARFS_H

#include <stddef.h>
#include <stdint.h>

#include "core/root.h"

struct efivar {
	uint32_t attrs;
	uint8_t *data;			/* without the attribute word */
	size_t len;
};

/*
 * Read NAME-GUID from sys/firmware/efi/efivars of the root (to EOF: sizes
 * lie). Returns 0, or -errno (-ENOENT when absent, -EINVAL when shorter than
 * the attribute word).
 */
int efivar_read(const struct kd_root *root, const char *name, const char *guid, struct efivar *out);
/*
 * A MOK list: sys/firmware/efi/mok-variables/NAME when present (no attribute
 * word), else NAME, NAME1, NAME2 ... concatenated from efivarfs. Returns 0 or -errno.
 */
int mok_list_read(const struct kd_root *root, const char *name, uint8_t **data, size_t *len,
		  char **source);

#endif
