/* SPDX-License-Identifier: GPL-2.0-or-later */
/* moddir.h - a release's module directory index: which file modprobe would load for a name. */
#ifndef KD_MODDIR_H
#define KD_MODDIR_H

#include "core/root.h"
#include "store/records.h"

struct moddir;

/*
 * Open a release's module directory of the root (release_dir relative to the
 * root: lib/modules/<release> or usr/lib/modules/<release>). NULL when it has
 * no usable index; *detail says which reader was used or why none.
 */
struct moddir *moddir_open(const struct kd_root *root, const char *release_dir, char **detail);
/* Path of the module's file relative to the release directory, or NULL. Caller frees. */
char *moddir_lookup(struct moddir *md, const char *name);
void moddir_close(struct moddir *md);

/*
 * The modules a release builds into the kernel, from <release_dir>/
 * modules.builtin.modinfo ("name.key=value" strings, NUL-separated): one fact
 * list per module, module.name and its modinfo.* facts, in file order.
 * Returns 0, or -errno.
 */
int moddir_builtin_modinfo(const struct kd_root *root, const char *release_dir,
			   struct fact_set *out);
/* The same from the file's bytes (exposed for tests). Returns the entries skipped as malformed. */
size_t moddir_parse_builtin_modinfo(const char *p, size_t n, struct fact_set *out);

#endif
