/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hwdb.h - vendor and model names of devices, from udev's hardware database (libudev). */
#ifndef KD_HWDB_H
#define KD_HWDB_H

#include "core/root.h"

/* Vendor and model names for a modalias: the udev hardware database. */
struct kd_hwdb;
/*
 * NULL when names cannot be looked up here (an offline root, whose database the
 * host's would not describe, or the portable build); *detail says which source
 * or why none.
 */
struct kd_hwdb *hwdb_open(const struct kd_root *root, char **detail);
/* Sets *vendor and *model (caller frees) when the database knows them. */
void hwdb_names(struct kd_hwdb *hw, const char *modalias, char **vendor, char **model);
void hwdb_close(struct kd_hwdb *hw);

#endif
