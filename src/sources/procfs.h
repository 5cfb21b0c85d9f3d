/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procfs.h - the running kernel's view: proc/modules, sys/module, proc/keys, taint. */
#ifndef KD_PROCFS_H
#define KD_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/root.h"
#include "core/util.h"
#include "store/records.h"

/* Parsers (text in, records out); bad lines are counted, not fatal. */
int procfs_parse_modules(const char *text, struct loaded_module **out, size_t *n, size_t *bad);
int procfs_parse_keys(const char *text, struct kernel_key **out, size_t *n, size_t *bad);

/* Readers: 0, or -errno (-ENOENT when the file does not exist). */
int procfs_read_modules(const struct kd_root *root, struct loaded_module **out, size_t *n,
			size_t *bad);
void procfs_read_sysmodule(const struct kd_root *root, struct loaded_module *m);
int procfs_read_keys(const struct kd_root *root, struct kernel_key **out, size_t *n, size_t *bad);
int procfs_read_tainted(const struct kd_root *root, unsigned long *mask);
/* proc/sys/kernel/osrelease (or NULL). */
char *procfs_read_release(const struct kd_root *root);

#define PROCFS_MAX_SYSFS_MODULES 100000
/*
 * The loadable modules in sys/module (the entries with an initstate file), into
 * out: 0, -errno, or 1 when there are more than PROCFS_MAX_SYSFS_MODULES entries.
 */
int procfs_sysfs_modules(const struct kd_root *root, struct strlist *out);
/* The module names tagged in proc/kallsyms, sorted, into out. 0 or -errno. */
int procfs_kallsyms_modules(const struct kd_root *root, struct strlist *out);

/* Taint letters for a mask, and what a letter means. */
char *taint_letters(unsigned long mask);
const char *taint_meaning(char letter);

#endif
