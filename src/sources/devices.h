/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * devices.h - the devices bound to a loaded module's drivers, as sysfs shows them,
 * so that an engineer sees what stops working before removing a flagged driver.
 */
#ifndef KD_DEVICES_H
#define KD_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/root.h"

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

/*
 * sys/module/<module>/drivers/<bus>:<driver> -> sys/bus/<bus>/drivers/<driver>/<device>.
 * Fills out, sorted by bus, driver and device name. hw may be NULL. Returns 0 or
 * -errno when the module has no drivers directory.
 */
int devices_read(const struct kd_root *root, const char *module, struct kd_hwdb *hw,
		 struct kd_devices *out);
void devices_free(struct kd_devices *d);
/* Free what one device holds and zero it. */
void device_clear(struct kd_device *dev);

/* Parse a device's uevent text into ids and modalias (exposed for tests). */
void devices_parse_uevent(const char *text, struct kd_device *dev);

#endif
