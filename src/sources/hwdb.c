// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hwdb.c - vendor and model names for a device's modalias, from the udev
 * hardware database (libudev). Only for the live host: an offline root's
 * devices are named by their ids, so a report does not depend on the database
 * of the machine that reads the disk. The portable build has no libudev and
 * names devices by their ids everywhere.
 */
#include <stdlib.h>
#include <string.h>
#ifndef KD_PORTABLE
#include <libudev.h>
#endif

#include "sources/hwdb.h"
#include "core/util.h"

#ifdef KD_PORTABLE

struct kd_hwdb *hwdb_open(const struct kd_root *root, char **detail)
{
	*detail = xstrdup(root->offline ? "offline root: devices named by their sysfs ids" :
			  "portable build: devices named by their sysfs ids");
	return NULL;
}

void hwdb_names(struct kd_hwdb *hw, const char *modalias, char **vendor, char **model)
{
	(void)hw, (void)modalias, (void)vendor, (void)model;
}

void hwdb_close(struct kd_hwdb *hw)
{
	(void)hw;
}

#else

struct kd_hwdb {
	struct udev *udev;
	struct udev_hwdb *hwdb;
};

struct kd_hwdb *hwdb_open(const struct kd_root *root, char **detail)
{
	struct kd_hwdb *hw;

	if (root->offline) {
		*detail = xstrdup("offline root: devices named by their sysfs ids");
		return NULL;
	}
	hw = xcalloc(1, sizeof(*hw));
	hw->udev = udev_new();
	hw->hwdb = hw->udev ? udev_hwdb_new(hw->udev) : NULL;
	if (!hw->hwdb) {
		*detail = xstrdup("no udev hardware database (hwdb.bin): devices named by their sysfs ids");
		hwdb_close(hw);
		return NULL;
	}
	*detail = xstrdup("names from the udev hardware database");
	return hw;
}

void hwdb_names(struct kd_hwdb *hw, const char *modalias, char **vendor, char **model)
{
	struct udev_list_entry *e;

	udev_list_entry_foreach(e, udev_hwdb_get_properties_list_entry(hw->hwdb, modalias, 0)) {
		const char *name = udev_list_entry_get_name(e), *value = udev_list_entry_get_value(e);

		if (!value || !*value)
			continue;
		if (!*vendor && !strcmp(name, "ID_VENDOR_FROM_DATABASE"))
			*vendor = xstrdup(value);
		else if (!*model && !strcmp(name, "ID_MODEL_FROM_DATABASE"))
			*model = xstrdup(value);
	}
}

void hwdb_close(struct kd_hwdb *hw)
{
	if (!hw)
		return;
	if (hw->hwdb)
		udev_hwdb_unref(hw->hwdb);
	if (hw->udev)
		udev_unref(hw->udev);
	free(hw);
}

#endif
