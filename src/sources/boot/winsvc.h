/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * winsvc.h - what a Windows installation's registry says will run: the
 * services of its SYSTEM hive (drivers with their start type, image, group and
 * minifilter altitudes), its early-launch policy, its installed products and
 * Kaspersky's own keys (SOFTWARE), and its driver packages (DRIVERS).
 */
#ifndef KD_BOOT_WINSVC_H
#define KD_BOOT_WINSVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/root.h"
#include "core/util.h"
#include "store/records.h"
#include "store/result.h"

struct win_service {
	char *name;
	char *key;			/* "ControlSet001\\Services\\klif" */
	uint32_t type;			/* SERVICE_KERNEL_DRIVER 1, SERVICE_FILE_SYSTEM_DRIVER 2, ... */
	int64_t start;			/* 0 boot .. 4 disabled; -1 when not set */
	char *image;			/* ImagePath as written, or NULL */
	char *file;			/* the image resolved in the root ("/Windows/System32/..."), or NULL */
	char *wanted;			/* the image's path in the root when no file is there */
	char *group, *display, *description;
	struct strlist altitudes;	/* "klif Instance=320400" */
	bool early_launch;		/* Group "Early-Launch": started before any other boot driver */
	struct strlist devices;		/* the hardware that needs it: "PCI\\VEN_... (name): lower filter" */
	size_t ndevices;		/* all of them (devices holds the first WIN_DEVICES_SHOWN) */
	bool inspected;			/* its file was read as a driver */
};

#define WIN_DEVICES_SHOWN 32

struct win_registry {
	char *system32;			/* "Windows/System32" as on disk */
	struct win_service *svcs;
	size_t nsvcs;
	char *control_set;		/* "ControlSet001" */
	char *version;			/* "10.0", from SOFTWARE; NULL when unknown */
	unsigned major, minor;
	struct fact_set products;	/* product.* facts */
	char *elam_policy;		/* Control\\EarlyLaunch DriverLoadPolicy, described */
	size_t ndevices;		/* device instances of Enum read */
};

bool win_service_is_driver(const struct win_service *s);
const char *win_start_name(int64_t start);
/*
 * Would Windows load this driver as the machine starts? Its service starts it
 * at boot or system start, and its file r is signed (by a catalog that names
 * this version of Windows, where that is known).
 */
bool win_driver_loads_at_start(const struct win_service *s, const struct pe_rec *r);
/*
 * Read the hives of the installation whose System32 is system32 (a path in
 * the root), with a coverage entry for each. Returns false when there is no
 * SYSTEM hive to read.
 */
bool win_registry_read(const struct kd_root *root, struct scan_result *res, const char *system32,
		       struct win_registry *out);
/* The driver services whose file is path (as shown, "/Windows/..."); *n of them, or NULL. */
struct win_service *win_service_for_file(struct win_registry *reg, const char *path, size_t *from);
/* service.* facts of a Windows service. */
void win_service_facts(const struct win_service *s, struct kvlist *f);
void win_registry_free(struct win_registry *reg);

#endif
