/* SPDX-License-Identifier: GPL-2.0-or-later */
/* group.h - which findings are about one thing: a product, a module, a binary. */
#ifndef KD_GROUP_H
#define KD_GROUP_H

#include "core/root.h"
#include "store/result.h"

/*
 * The product tree a path lies in, by the layout of /opt (FHS 3.0, 3.13): a
 * product's static files in /opt/NAME, its data in /var/opt/NAME and its
 * configuration in /etc/opt/NAME. Kaspersky's provider directory holds one
 * product in each subdirectory (/opt/kaspersky/kesl), whose logs are in
 * /var/log/kaspersky/kesl. Returns the tree's key ("/opt/kaspersky/kesl"), with
 * *dir (if dir) the tree's directory the path lies in ("/var/opt/kaspersky/kesl"),
 * or NULL when the path is not below such a directory. Caller frees both.
 */
char *product_tree(const char *path, char **dir);
/*
 * Which findings are about the same thing (group.c): sets findings[].group and
 * res->groups, for findings already in their final order. With a root, dpkg's
 * file lists of the packages found are read to link them to their files.
 */
void findings_group(struct scan_result *res, const struct kd_root *root);

#endif
