/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * registry.h - the registry hives of a Windows installation (SYSTEM, SOFTWARE,
 * DRIVERS), read-only through hivex, opened inside the root.
 */
#ifndef KD_BOOT_REGISTRY_H
#define KD_BOOT_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/root.h"
#include "core/util.h"

#define REG_HIVE_CAP (1024ull << 20)	/* SOFTWARE of a long-lived server stays well below */
#define REG_STRING_CAP 16344u		/* a name, path or description; Windows keeps it in one cell */
#define REG_SUBKEYS_CAP 65536		/* subkeys read of one key */

struct reg_hive;
typedef size_t reg_key;			/* 0: none */

/*
 * Open the hive file rel of the root. NULL with *why (allocated) when it is
 * absent (*absent set), unreadable, over the cap or not a hive hivex accepts.
 */
struct reg_hive *reg_open(const struct kd_root *root, const char *rel, bool *absent, char **why);
void reg_close(struct reg_hive *h);
/*
 * Windows did not close the hive cleanly (its base block's sequence numbers
 * differ): the changes still in its .LOG1/.LOG2 are not in what is read.
 */
bool reg_dirty(const struct reg_hive *h);
/*
 * Damage met while reading (a subkey list, a value that does not read): how
 * many times, and the first one's description ("key\\path: reason").
 */
size_t reg_damage(const struct reg_hive *h, const char **first);
reg_key reg_root(struct reg_hive *h);
/* The subkey at a backslash-separated path below k, names compared ignoring case; 0 if none. */
reg_key reg_subkey(struct reg_hive *h, reg_key k, const char *path);
/* The subkeys of k (at most REG_SUBKEYS_CAP) into *out (free it); their count, or 0. */
size_t reg_subkeys(struct reg_hive *h, reg_key k, reg_key **out);
/* A key's name as UTF-8 (NULL when it does not read). */
char *reg_key_name(struct reg_hive *h, reg_key k);
/* A value of type REG_SZ or REG_EXPAND_SZ as UTF-8; NULL when absent, another type or damaged. */
char *reg_string(struct reg_hive *h, reg_key k, const char *name);
/* A REG_DWORD value; false when absent, another type or damaged. */
bool reg_dword(struct reg_hive *h, reg_key k, const char *name, uint32_t *out);
/* The strings of a REG_MULTI_SZ (or REG_SZ) value appended to out; false when absent. */
bool reg_multi_string(struct reg_hive *h, reg_key k, const char *name, struct strlist *out);

#endif
