/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * records.h - the plain records the collectors of src/sources/ read a host into
 * and the store keeps (result.h): loaded modules, kernel keys, the devices bound
 * to a module, fact sets for the rules, and what a file walk saw.
 */
#ifndef KD_RECORDS_H
#define KD_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

struct kd_device {
	char *bus;			/* "pci", "usb", "platform", ... */
	char *driver;
	char *name;			/* the sysfs device name, e.g. 0000:00:03.0 */
	char *vendor_id;		/* lower-case hex from the device's uevent, or NULL */
	char *product_id;
	char *modalias;
	char *vendor_name;		/* from the hardware database, or NULL */
	char *model_name;
};

struct kd_devices {
	struct kd_device *v;
	size_t n;
	size_t drivers;			/* drivers the module registered */
	bool truncated;			/* a list was longer than we read */
};

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

struct fact_set {
	struct kvlist *v;
	size_t n;
};

/* What one walk of a directory (sources/filewalk.c) saw, and the gaps it left. */
struct walk_stats {
	size_t files;
	size_t dirs;
	size_t unreadable;	/* entries that could not be examined or opened */
	size_t denied;		/* of those, refused for lack of permission */
	size_t too_deep;	/* directories nested deeper than the walk goes */
	bool truncated;		/* the file budget ran out */
};

#define WALK_DEPTH 24

/* Free what one device holds and zero it. */
void device_clear(struct kd_device *dev);
void devices_free(struct kd_devices *d);
void loaded_module_free(struct loaded_module *m);
void kernel_key_free(struct kernel_key *k);
/* Append l, taking its contents (l is left empty). */
void fact_set_add(struct fact_set *fs, struct kvlist *l);
void fact_set_free(struct fact_set *fs);

#endif
