/* SPDX-License-Identifier: GPL-2.0-or-later */
/* peres.h - the VERSIONINFO resource of a PE image. */
#ifndef KD_PERES_H
#define KD_PERES_H

#include "core/util.h"
#include "formats/pe.h"

/*
 * The strings of the VERSIONINFO resource as "version.CompanyName" etc.
 * Returns how many, 0 when there is none, -1 when it is malformed.
 */
int pe_version_info(const struct pe_image *pe, struct kvlist *out);

#endif
