/* SPDX-License-Identifier: GPL-2.0-or-later */
/* initrd.h - the initramfs images in a root's boot/ and the module files inside them. */
#ifndef KD_INITRD_H
#define KD_INITRD_H

#include "core/root.h"
#include "store/result.h"

/*
 * Read every initramfs image under boot/ (once per inode), streamed: each
 * module file inside is inspected and its signature checked (the trust sources
 * must be in res already) and appended to res->mods, with the image named in
 * its initramfs member. Each image gets a coverage record; one that could not
 * be read whole makes the scan incomplete.
 */
void initrd_scan(const struct kd_root *root, struct scan_result *res);

#endif
