/* SPDX-License-Identifier: GPL-2.0-or-later */
/* moddir.h - a release's module directory index: which file modprobe would load for a name. */
#ifndef KD_MODDIR_H
#define KD_MODDIR_H

#include "root.h"

struct moddir;

/*
 * Open lib/modules/<release> of the root. NULL when it has no usable index;
 * *detail says which reader was used or why none.
 */
struct moddir *moddir_open(const struct kd_root *root, const char *release, char **detail);
/* Path of the module's file relative to the release directory, or NULL. Caller frees. */
char *moddir_lookup(struct moddir *md, const char *name);
void moddir_close(struct moddir *md);

#endif
