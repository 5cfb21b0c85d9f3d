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
#include "sources/hwdb.h"
#include "store/records.h"

/*
 * sys/module/<module>/drivers/<bus>:<driver> -> sys/bus/<bus>/drivers/<driver>/<device>.
 * Fills out, sorted by bus, driver and device name. hw may be NULL. Returns 0 or
 * -errno when the module has no drivers directory.
 */
int devices_read(const struct kd_root *root, const char *module, struct kd_hwdb *hw,
		 struct kd_devices *out);

/* Parse a device's uevent text into ids and modalias (exposed for tests). */
void devices_parse_uevent(const char *text, struct kd_device *dev);

#endif
