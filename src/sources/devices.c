// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devices.c - the devices behind a loaded module. sysfs links the module to the
 * drivers it registered (sys/module/<m>/drivers/<bus>:<driver>) and each driver
 * to the devices bound to it (sys/bus/<bus>/drivers/<driver>/<device>); a
 * device's uevent gives its ids and modalias. All of it is read through the root
 * layer, so a fixture or offline root is read the same way as the live host.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sources/devices.h"
#include "core/util.h"

#define MAX_DRIVERS 64			/* per module */
#define MAX_DEVICES 4096		/* per driver */
#define UEVENT_CAP (16u << 10)

/* A name that goes into a path: one printable component, not "." or "..". */
static bool safe_component(const char *s, size_t n)
{
	if (!n || n > 255 || (n == 1 && s[0] == '.') || (n == 2 && !memcmp(s, "..", 2)))
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || !isgraph((unsigned char)s[i]))
			return false;
	return true;
}

/* "8086", "46d" or "0000046D" -> four lower-case hex digits; NULL if not an id. */
static char *hex_id(const char *s, size_t n)
{
	char out[5] = "0000";
	size_t take = n < 4 ? n : 4;

	if (!n || n > 8)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) || (i + 4 < n && s[i] != '0'))
			return NULL;
	for (size_t i = 0; i < take; i++)
		out[4 - take + i] = (char)tolower((unsigned char)s[n - take + i]);
	return xstrdup(out);
}

/* The first source of ids in the uevent wins; both ids or neither. */
static void set_ids(struct kd_device *dev, const char *v, size_t vn, const char *p, size_t pn)
{
	if (dev->vendor_id)
		return;
	dev->vendor_id = hex_id(v, vn);
	dev->product_id = hex_id(p, pn);
	if (!dev->vendor_id || !dev->product_id) {
		free(dev->vendor_id);
		free(dev->product_id);
		dev->vendor_id = dev->product_id = NULL;
	}
}

/* Split val at sep into at most 4 fields; returns how many. */
static size_t split(const char *val, size_t n, char sep, const char *f[4], size_t len[4])
{
	size_t k = 0;
	const char *p = val, *end = val + n;

	while (k < 4) {
		const char *q = memchr(p, sep, (size_t)(end - p));

		f[k] = p;
		len[k] = (size_t)((q ? q : end) - p);
		k++;
		if (!q)
			return k;
		p = q + 1;
	}
	return k + 1;	/* more than four: not a form we know */
}

static bool printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isprint((unsigned char)s[i]))
			return false;
	return n > 0;
}

void devices_parse_uevent(const char *text, struct kd_device *dev)
{
	const char *line = text;

	while (*line) {
		const char *end = strchrnul(line, '\n'), *eq = memchr(line, '=', (size_t)(end - line));

		if (eq) {
			size_t kn = (size_t)(eq - line), vn = (size_t)(end - eq - 1);
			const char *val = eq + 1, *f[4];
			size_t len[4], k;

#define KEY(s) (kn == sizeof(s) - 1 && !memcmp(line, s, kn))
			if (KEY("PCI_ID")) {			/* 8086:100E */
				if (split(val, vn, ':', f, len) == 2)
					set_ids(dev, f[0], len[0], f[1], len[1]);
			} else if (KEY("PRODUCT")) {		/* usb 46d/c52b/1201 */
				k = split(val, vn, '/', f, len);
				if (k == 3)
					set_ids(dev, f[0], len[0], f[1], len[1]);
			} else if (KEY("HID_ID")) {		/* 0003:0000046D:0000C52B */
				if (split(val, vn, ':', f, len) == 3)
					set_ids(dev, f[1], len[1], f[2], len[2]);
			} else if (KEY("MODALIAS")) {
				if (!dev->modalias && printable(val, vn))
					dev->modalias = xstrndup(val, vn);
			}
#undef KEY
		}
		line = *end ? end + 1 : end;
	}
}

static void read_device(const struct kd_root *root, const char *drvdir, struct kd_hwdb *hw,
			struct kd_device *dev)
{
	char *rel = xasprintf("%s/%s/uevent", drvdir, dev->name), *text;

	if (root_read_file(root, rel, UEVENT_CAP, &text, NULL) == 0) {
		devices_parse_uevent(text, dev);
		free(text);
	}
	free(rel);
	if (hw && dev->modalias)
		hwdb_names(hw, dev->modalias, &dev->vendor_name, &dev->model_name);
}

static void read_driver(const struct kd_root *root, const char *bus, const char *driver,
			struct kd_hwdb *hw, struct kd_devices *out)
{
	char *dir = xasprintf("sys/bus/%s/drivers/%s", bus, driver);
	struct strlist names = { 0 };

	/* the devices are the symlinks; "module" is the only other one */
	if (root_list_dir(root, dir, true, MAX_DEVICES, &names) > 0)
		out->truncated = true;
	for (size_t i = 0; i < names.n; i++) {
		struct kd_device *dev;

		if (!strcmp(names.v[i], "module") || !safe_component(names.v[i], strlen(names.v[i])))
			continue;
		out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
		dev = &out->v[out->n++];
		memset(dev, 0, sizeof(*dev));
		dev->bus = xstrdup(bus);
		dev->driver = xstrdup(driver);
		dev->name = xstrdup(names.v[i]);
		read_device(root, dir, hw, dev);
	}
	sl_free(&names);
	free(dir);
}

static int cmp_device(const void *pa, const void *pb)
{
	const struct kd_device *a = pa, *b = pb;
	int c = strcmp(a->bus, b->bus);

	if (!c)
		c = strcmp(a->driver, b->driver);
	return c ? c : strcmp(a->name, b->name);
}

int devices_read(const struct kd_root *root, const char *module, struct kd_hwdb *hw,
		 struct kd_devices *out)
{
	char *rel = xasprintf("sys/module/%s/drivers", module);
	struct strlist drivers = { 0 };
	int r;

	memset(out, 0, sizeof(*out));
	r = root_list_dir(root, rel, false, MAX_DRIVERS, &drivers);
	free(rel);
	if (r > 0) {
		out->truncated = true;
		r = 0;
	}
	/* entries are "<bus>:<driver>"; bus names have no colon, driver names may */
	for (size_t i = 0; !r && i < drivers.n; i++) {
		const char *e = drivers.v[i], *colon = strchr(e, ':');
		char *bus;

		if (!colon || !safe_component(e, (size_t)(colon - e)) ||
		    !safe_component(colon + 1, strlen(colon + 1)))
			continue;
		bus = xstrndup(e, (size_t)(colon - e));
		out->drivers++;
		read_driver(root, bus, colon + 1, hw, out);
		free(bus);
	}
	sl_free(&drivers);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_device);
	return r;
}
