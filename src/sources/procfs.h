/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procfs.h - the running kernel's view: proc/modules, sys/module, proc/keys, taint. */
#ifndef KD_PROCFS_H
#define KD_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sources/devices.h"
#include "core/root.h"
#include "core/util.h"

struct loaded_module {
	char *name;
	uint64_t size;
	long refcnt;			/* -1 when the kernel printed "-" */
	struct strlist used_by;		/* modules that depend on this one */
	char *state;			/* Live, Loading, Unloading */
	char *taint;			/* letters, "" when none */
	/* sys/module/<name>/ */
	bool in_sysfs;
	char *initstate;
	char *sys_taint;
	char *srcversion;
	char *version;
	char *build_id;
	long sys_refcnt;
	struct strlist holders;
	struct kd_devices devices;	/* bound to the module's drivers */
};

struct kernel_key {
	char *id;			/* serial, hex as printed */
	char *type;			/* "asymmetri" is the kernel's own truncation */
	char *description;		/* everything after the type column */
	char *subject;			/* asymmetric keys: the certificate's subject CN */
	char *key_id;			/* asymmetric keys: SKID (or serial) hex, lower case */
	uint32_t uid;
};

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

/* Taint letters for a mask, and what a letter means. */
char *taint_letters(unsigned long mask);
const char *taint_meaning(char letter);

void loaded_module_free(struct loaded_module *m);
void kernel_key_free(struct kernel_key *k);

#endif
