// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_devices.c - the devices behind a module's drivers (devices.c), the
 * directory lister they are read with (root_list_dir) and the offline side of
 * the hardware database. uevent text and sysfs links come from the inspected
 * system: both are hostile here. The fixture tests run twice, with openat2 and
 * with the resolver for kernels without it (root_force_fallback).
 */
#include "unit.h"
#include "fsfix.h"

#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "sources/devices.h"
#include "core/root.h"
#include "core/util.h"

#define UEVENT_CAP (16u << 10)		/* as in devices.c */

/*
 * libudev's entry point, replaced for this program (a definition in the
 * executable wins over the shared library's): counts the calls and finds no
 * database, so no test ever reads the host's hwdb.bin.
 */
static int udev_new_calls;

struct udev *udev_new(void)
{
	udev_new_calls++;
	return NULL;
}

/* ---- devices_parse_uevent ---- */

static void expect_str(const char *text, const char *what, const char *got, const char *want)
{
	if (!want && got)
		fail_msg("%s of \"%s\": \"%s\", expected none", what, text, got);
	if (want && !got)
		fail_msg("%s of \"%s\": none, expected \"%s\"", what, text, want);
	if (want && strcmp(got, want))
		fail_msg("%s of \"%s\": \"%s\", expected \"%s\"", what, text, got, want);
}

/* Parse text into a fresh device and compare all it sets; then free it. */
static void expect_uevent(const char *text, const char *vendor, const char *product,
			  const char *modalias)
{
	struct kd_device d;

	memset(&d, 0, sizeof(d));
	devices_parse_uevent(text, &d);
	assert_true(!d.vendor_id == !d.product_id);	/* both ids or neither */
	expect_str(text, "vendor_id", d.vendor_id, vendor);
	expect_str(text, "product_id", d.product_id, product);
	expect_str(text, "modalias", d.modalias, modalias);
	/* the parser sets ids and modalias, nothing else */
	assert_null(d.bus);
	assert_null(d.driver);
	assert_null(d.name);
	assert_null(d.vendor_name);
	assert_null(d.model_name);
	device_clear(&d);
}

static void expect_no_ids(const char *text)
{
	expect_uevent(text, NULL, NULL, NULL);
}

#define E1000_MODALIAS "pci:v00008086d0000100Esv00001AF4sd00001100bc02sc00i00"
#define LOGI_USB_MODALIAS "usb:v046DpC52Bd1201dc00dsc00dp00ic03isc01ip02in02"
#define LOGI_HID_MODALIAS "hid:b0003g0000v0000046Dp0000C52B"

static void test_uevent_pci(void **state)
{
	UNIT_UNUSED(state);
	expect_uevent("DRIVER=e1000\nPCI_CLASS=20000\nPCI_ID=8086:100E\nPCI_SUBSYS_ID=1AF4:1100\n"
		      "PCI_SLOT_NAME=0000:00:03.0\nMODALIAS=" E1000_MODALIAS "\n",
		      "8086", "100e", E1000_MODALIAS);
	/* ids alone; modalias alone */
	expect_uevent("PCI_ID=10EC:8168\n", "10ec", "8168", NULL);
	expect_uevent("MODALIAS=" E1000_MODALIAS "\n", NULL, NULL, E1000_MODALIAS);
	/* lower case in, lower case out; short ids padded */
	expect_uevent("PCI_ID=1af4:1000\n", "1af4", "1000", NULL);
	expect_uevent("PCI_ID=1:a\n", "0001", "000a", NULL);
	/* five to eight digits: the leading part zero */
	expect_uevent("PCI_ID=08086:0100E\n", "8086", "100e", NULL);
	expect_uevent("PCI_ID=00008086:0000100e\n", "8086", "100e", NULL);
	/* the modalias is kept verbatim, '=' and all */
	expect_uevent("MODALIAS=of:NgpioT(null)Cbrcm,bcm2835-gpio=x \n", NULL, NULL,
		      "of:NgpioT(null)Cbrcm,bcm2835-gpio=x ");
}

static void test_uevent_usb(void **state)
{
	UNIT_UNUSED(state);
	expect_uevent("DEVTYPE=usb_interface\nDRIVER=usbhid\nPRODUCT=46d/c52b/1201\nTYPE=0/0/0\n"
		      "INTERFACE=3/1/2\nMODALIAS=" LOGI_USB_MODALIAS "\n",
		      "046d", "c52b", LOGI_USB_MODALIAS);
	expect_uevent("PRODUCT=1d6b/3/602\n", "1d6b", "0003", NULL);
	expect_uevent("PRODUCT=46D/C52B/0\n", "046d", "c52b", NULL);
	/* the third field is the release, not checked */
	expect_uevent("PRODUCT=46d/c52b/\n", "046d", "c52b", NULL);
}

static void test_uevent_hid(void **state)
{
	UNIT_UNUSED(state);
	expect_uevent("DRIVER=hid-generic\nHID_ID=0003:0000046D:0000C52B\n"
		      "HID_NAME=Logitech USB Receiver\nHID_PHYS=usb-0000:00:14.0-2/input2\n"
		      "HID_UNIQ=\nMODALIAS=" LOGI_HID_MODALIAS "\n",
		      "046d", "c52b", LOGI_HID_MODALIAS);
	expect_uevent("HID_ID=0018:000004F3:00003125\n", "04f3", "3125", NULL);
	/* the bus field is not an id */
	expect_uevent("HID_ID=ZZZZ:0000046D:0000C52B\n", "046d", "c52b", NULL);
	expect_uevent("HID_ID=:0000046D:0000C52B\n", "046d", "c52b", NULL);
}

static void test_uevent_first_wins(void **state)
{
	UNIT_UNUSED(state);
	expect_uevent("PCI_ID=8086:100E\nHID_ID=0003:0000046D:0000C52B\nPRODUCT=1d6b/3/602\n",
		      "8086", "100e", NULL);
	expect_uevent("HID_ID=0003:0000046D:0000C52B\nPCI_ID=8086:100E\n", "046d", "c52b", NULL);
	expect_uevent("PRODUCT=1d6b/3/602\nPCI_ID=8086:100E\n", "1d6b", "0003", NULL);
	expect_uevent("PCI_ID=8086:100E\nPCI_ID=10EC:8168\n", "8086", "100e", NULL);
	expect_uevent("MODALIAS=first\nMODALIAS=second\n", NULL, NULL, "first");
	/* a source that is no id does not count: the next one is taken */
	expect_uevent("PCI_ID=80G6:100E\nPRODUCT=46d/c52b/1201\n", "046d", "c52b", NULL);
	expect_uevent("PCI_ID=8086:\nHID_ID=0003:0000046D:0000C52B\n", "046d", "c52b", NULL);
	/* nor does a modalias that was dropped */
	expect_uevent("MODALIAS=bad\x01\nMODALIAS=good\n", NULL, NULL, "good");
	expect_uevent("MODALIAS=\nMODALIAS=good\n", NULL, NULL, "good");
}

static void test_uevent_bad_ids(void **state)
{
	UNIT_UNUSED(state);
	/* digits that are not hex, on either side and in every form */
	expect_no_ids("PCI_ID=80G6:100E\n");
	expect_no_ids("PCI_ID=8086:100Z\n");
	expect_no_ids("PCI_ID=0x86:100E\n");
	expect_no_ids("PCI_ID=-806:100E\n");
	expect_no_ids("PCI_ID=+806:100E\n");
	expect_no_ids("PCI_ID= 8086:100E\n");
	expect_no_ids("PCI_ID=8086:100E \n");
	expect_no_ids("PCI_ID=8086 :100E\n");
	expect_no_ids("PCI_ID=8086:100E\r\n");
	expect_no_ids("PCI_ID==8086:100E\n");
	expect_no_ids("PCI_ID=8086:10\xc3\xa9\n");
	expect_no_ids("PRODUCT=46g/c52b/1201\n");
	expect_no_ids("PRODUCT=46d/c5 b/1201\n");
	expect_no_ids("HID_ID=0003:0000046X:0000C52B\n");
	expect_no_ids("HID_ID=0003:0000046D:0000C52\x01\n");
	/* longer than 8 digits, even with leading zeros */
	expect_no_ids("PCI_ID=000008086:100E\n");
	expect_no_ids("PCI_ID=8086:00000100E\n");
	expect_no_ids("HID_ID=0003:000000046D:0000C52B\n");
	expect_no_ids("PRODUCT=0000000046d/c52b/1201\n");
	/* five to eight digits with a non-zero leading part */
	expect_no_ids("PCI_ID=18086:100E\n");
	expect_no_ids("PCI_ID=8086:1100E\n");
	expect_no_ids("PCI_ID=00108086:100E\n");
	expect_no_ids("PCI_ID=80868086:100E\n");
	expect_no_ids("HID_ID=0003:1000046D:0000C52B\n");
	expect_no_ids("HID_ID=0003:0000046D:0001C52B\n");
	expect_no_ids("PRODUCT=f046d/c52b/1201\n");
	/* empty fields */
	expect_no_ids("PCI_ID=\n");
	expect_no_ids("PCI_ID=:\n");
	expect_no_ids("PCI_ID=:100E\n");
	expect_no_ids("PCI_ID=8086:\n");
	expect_no_ids("PRODUCT=\n");
	expect_no_ids("PRODUCT=//\n");
	expect_no_ids("PRODUCT=/c52b/1201\n");
	expect_no_ids("PRODUCT=46d//1201\n");
	expect_no_ids("HID_ID=\n");
	expect_no_ids("HID_ID=::\n");
	expect_no_ids("HID_ID=0003::0000C52B\n");
	expect_no_ids("HID_ID=0003:0000046D:\n");
	/* the wrong number of fields */
	expect_no_ids("PCI_ID=8086\n");
	expect_no_ids("PCI_ID=8086:100E:0\n");
	expect_no_ids("PCI_ID=8086/100E\n");
	expect_no_ids("PRODUCT=46d/c52b\n");
	expect_no_ids("PRODUCT=46d/c52b/1201/0\n");
	expect_no_ids("PRODUCT=46d/c52b/1201/0/0\n");
	expect_no_ids("PRODUCT=46d/c52b/1201/0/0/0/0/0\n");
	expect_no_ids("PRODUCT=46d:c52b:1201\n");
	expect_no_ids("HID_ID=0000046D:0000C52B\n");
	expect_no_ids("HID_ID=0003:0000046D:0000C52B:0\n");
	/* keys that only look like ours */
	expect_no_ids("pci_id=8086:100E\n");
	expect_no_ids(" PCI_ID=8086:100E\n");
	expect_no_ids("PCI_ID =8086:100E\n");
	expect_no_ids("XPCI_ID=8086:100E\n");
	expect_no_ids("PCI_ID2=8086:100E\n");
	expect_no_ids("PCI_SUBSYS_ID=1AF4:1100\n");
	expect_no_ids("PCI=8086:100E\n");
	expect_no_ids("modalias=pci:v1\n");
	expect_no_ids("MODALIASX=pci:v1\n");
	/* a long value */
	{
		char text[12000];

		memcpy(text, "PCI_ID=", 7);
		memset(text + 7, '0', sizeof(text) - 7 - 6);
		memcpy(text + sizeof(text) - 6, "1:2\n", 5);
		expect_no_ids(text);
	}
}

static void test_uevent_modalias(void **state)
{
	UNIT_UNUSED(state);
	/* control bytes: the modalias is dropped, the ids stay */
	expect_uevent("PCI_ID=8086:100E\nMODALIAS=pci:v\x1b[31mred\n", "8086", "100e", NULL);
	expect_no_ids("MODALIAS=pci:v00008086\x01\n");
	expect_no_ids("MODALIAS=pci:v00008086\t\n");
	expect_no_ids("MODALIAS=pci:v00008086\r\n");
	expect_no_ids("MODALIAS=\x7f\n");
	expect_no_ids("MODALIAS=\x80\x81\n");
	expect_no_ids("MODALIAS=caf\xc3\xa9\n");
	expect_no_ids("MODALIAS=\n");
	/* a long one is kept whole */
	{
		char text[9000];
		struct kd_device d;

		memcpy(text, "MODALIAS=", 9);
		memset(text + 9, 'm', sizeof(text) - 10);
		text[sizeof(text) - 1] = '\0';
		memset(&d, 0, sizeof(d));
		devices_parse_uevent(text, &d);
		assert_non_null(d.modalias);
		assert_int_equal(strlen(d.modalias), sizeof(text) - 10);
		assert_string_equal(d.modalias, text + 9);
		device_clear(&d);
	}
}

static void test_uevent_lines(void **state)
{
	UNIT_UNUSED(state);
	/* the empty string, empty lines, lines without '=' */
	expect_no_ids("");
	expect_no_ids("\n");
	expect_no_ids("\n\n\n");
	expect_no_ids("=");
	expect_no_ids("=\n=8086:100E\n");
	expect_no_ids("PCI_ID\n");
	expect_no_ids("PCI_ID 8086:100E\n");
	expect_no_ids("PCI_ID:8086:100E\n");
	expect_no_ids("garbage without equals");
	expect_uevent("garbage\n\nPCI_ID=8086:100E\n\nMODALIAS=m\n", "8086", "100e", "m");
	/* an id does not run on into the next line */
	expect_no_ids("PCI_ID=8086\n:100E\n");
	expect_no_ids("PRODUCT=46d/c52b\n/1201\n");
	/* no trailing newline: the last line still counts, whole */
	expect_uevent("PCI_ID=8086:100E", "8086", "100e", NULL);
	expect_uevent("PRODUCT=46d/c52b/1201", "046d", "c52b", NULL);
	expect_uevent("HID_ID=0003:0000046D:0000C52B", "046d", "c52b", NULL);
	expect_uevent("MODALIAS=pci:v1", NULL, NULL, "pci:v1");
	expect_uevent("PCI_ID=8086:100E\nMODALIAS=pci:v1", "8086", "100e", "pci:v1");
	expect_uevent("MODALIAS=pci:v1\nPCI_ID=8086:100E", "8086", "100e", "pci:v1");
}

/* Random bytes, and random mixes of the keys and their separators: ids stay paired. */
static void test_uevent_random(void **state)
{
	static const char *const parts[] = {
		"PCI_ID=", "PRODUCT=", "HID_ID=", "MODALIAS=", "\n", ":", "/", "=", "0", "00000",
		"8086", "fFfF", "g", "\x01", "\xff", " ",
	};
	uint64_t seed = 42;

	UNIT_UNUSED(state);
	for (int round = 0; round < 3000; round++) {
		char text[256];
		size_t n = 0;
		struct kd_device d;

		if (round % 3 == 0) {
			unit_fill_random((uint8_t *)text, sizeof(text) - 1, (uint64_t)round + 1);
			n = sizeof(text) - 1;
		} else {
			while (n < 200) {
				const char *p = parts[unit_rand(&seed) % (sizeof(parts) / sizeof(parts[0]))];

				memcpy(text + n, p, strlen(p));
				n += strlen(p);
			}
		}
		text[n] = '\0';
		memset(&d, 0, sizeof(d));
		devices_parse_uevent(text, &d);
		assert_true(!d.vendor_id == !d.product_id);
		if (d.vendor_id) {
			assert_int_equal(strlen(d.vendor_id), 4);
			assert_int_equal(strlen(d.product_id), 4);
			assert_int_equal(strspn(d.vendor_id, "0123456789abcdef"), 4);
			assert_int_equal(strspn(d.product_id, "0123456789abcdef"), 4);
		}
		if (d.modalias) {
			assert_true(*d.modalias);
			for (const char *p = d.modalias; *p; p++)
				assert_true(*p >= 0x20 && *p < 0x7f);
		}
		device_clear(&d);
	}
}

/* ---- fixture roots laid out like sysfs ---- */

struct fx {
	char base[64];		/* mkdtemp: holds both of the below */
	char root[96];		/* the inspected system */
	char out[96];		/* a directory outside it */
	struct kd_root r;
};

static void in_root(const struct fx *f, const char *rel, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", f->root, rel);
}

static void put(const struct fx *f, const char *rel, const void *data, size_t n)
{
	char path[512];

	in_root(f, rel, path, sizeof(path));
	fx_write(path, data, n);
}

static void put_str(const struct fx *f, const char *rel, const char *s)
{
	put(f, rel, s, strlen(s));
}

static void mkd(const struct fx *f, const char *rel)
{
	char path[512];
	struct stat st;

	in_root(f, rel, path, sizeof(path));
	fx_mkdir_p(path);
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		fail_msg("mkdir -p %s failed", path);
}

static void sym(const struct fx *f, const char *target, const char *rel)
{
	char path[512];

	in_root(f, rel, path, sizeof(path));
	if (symlink(target, path) != 0)
		fail_msg("symlink %s -> %s: %s", path, target, strerror(errno));
}

/*
 * A driver as the kernel shows it: sys/bus/<bus>/drivers/<driver> with its
 * control files and "module" link, and sys/module/<module>/drivers/<bus>:<driver>
 * pointing at it.
 */
static void add_driver(const struct fx *f, const char *module, const char *bus, const char *driver)
{
	static const char *const files[] = { "bind", "unbind", "uevent", "new_id", "remove_id" };
	char rel[512], target[512];

	snprintf(rel, sizeof(rel), "sys/bus/%s/drivers/%s", bus, driver);
	mkd(f, rel);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(rel, sizeof(rel), "sys/bus/%s/drivers/%s/%s", bus, driver, files[i]);
		put_str(f, rel, "");
	}
	snprintf(rel, sizeof(rel), "sys/bus/%s/drivers/%s/module", bus, driver);
	snprintf(target, sizeof(target), "../../../../module/%s", module);
	sym(f, target, rel);
	snprintf(rel, sizeof(rel), "sys/module/%s/drivers", module);
	mkd(f, rel);
	snprintf(rel, sizeof(rel), "sys/module/%s/drivers/%s:%s", module, bus, driver);
	snprintf(target, sizeof(target), "../../../bus/%s/drivers/%s", bus, driver);
	sym(f, target, rel);
}

/* A device under sys/devices/<devpath> with a uevent, bound to the driver as <name>. */
static void add_device(const struct fx *f, const char *bus, const char *driver, const char *name,
		       const char *devpath, const char *uevent)
{
	char rel[512], target[512];

	snprintf(rel, sizeof(rel), "sys/devices/%s", devpath);
	mkd(f, rel);
	snprintf(rel, sizeof(rel), "sys/devices/%s/uevent", devpath);
	put_str(f, rel, uevent);
	snprintf(rel, sizeof(rel), "sys/bus/%s/drivers/%s/%s", bus, driver, name);
	snprintf(target, sizeof(target), "../../../../devices/%s", devpath);
	sym(f, target, rel);
}

/* Link <name> in a driver's directory to target, as it is. */
static void add_link(const struct fx *f, const char *bus, const char *driver, const char *name,
		     const char *target)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "sys/bus/%s/drivers/%s/%s", bus, driver, name);
	sym(f, target, rel);
}

static void expect_device(const struct kd_devices *d, size_t i, const char *bus, const char *driver,
			  const char *name, const char *vendor, const char *product,
			  const char *modalias)
{
	const struct kd_device *dev;

	if (i >= d->n)
		fail_msg("device %zu of %zu expected (%s)", i, d->n, name);
	dev = &d->v[i];
	expect_str(name, "bus", dev->bus, bus);
	expect_str(name, "driver", dev->driver, driver);
	expect_str(name, "name", dev->name, name);
	expect_str(name, "vendor_id", dev->vendor_id, vendor);
	expect_str(name, "product_id", dev->product_id, product);
	expect_str(name, "modalias", dev->modalias, modalias);
	assert_null(dev->vendor_name);	/* no database was given */
	assert_null(dev->model_name);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->base, "/tmp/kd-devices-XXXXXX");
	if (!mkdtemp(f->base)) {
		free(f);
		return -1;
	}
	snprintf(f->root, sizeof(f->root), "%s/root", f->base);
	snprintf(f->out, sizeof(f->out), "%s/outside", f->base);
	if (mkdir(f->root, 0755) || mkdir(f->out, 0755) || root_init(&f->r, f->root, true)) {
		fx_rm_rf(f->base);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	root_fini(&f->r);
	fx_rm_rf(f->base);
	free(f);
	return 0;
}

/* ---- devices_read ---- */

static void test_read_pci(void **state)
{
	struct fx *f = *state;
	struct kd_devices d;

	add_driver(f, "e1000", "pci", "e1000");
	add_device(f, "pci", "e1000", "0000:00:03.0", "pci0000:00/0000:00:03.0",
		   "DRIVER=e1000\nPCI_CLASS=20000\nPCI_ID=8086:100E\nPCI_SUBSYS_ID=1AF4:1100\n"
		   "PCI_SLOT_NAME=0000:00:03.0\nMODALIAS=" E1000_MODALIAS "\n");
	add_device(f, "pci", "e1000", "0000:02:01.0", "pci0000:00/0000:00:1e.0/0000:02:01.0",
		   "PCI_ID=8086:100F\n");
	add_device(f, "pci", "e1000", "0000:00:19.0", "pci0000:00/0000:00:19.0",
		   "MODALIAS=pci:v00008086d0000153Asv*\n");
	add_device(f, "pci", "e1000", "0000:00:04.0", "pci0000:00/0000:00:04.0",
		   "PCI_ID=8086:ZZZZ\nMODALIAS=pci:v00008086\x01\n");

	memset(&d, 0xa5, sizeof(d));
	assert_int_equal(devices_read(&f->r, "e1000", NULL, &d), 0);
	assert_int_equal(d.drivers, 1);
	assert_int_equal(d.n, 4);
	expect_device(&d, 0, "pci", "e1000", "0000:00:03.0", "8086", "100e", E1000_MODALIAS);
	expect_device(&d, 1, "pci", "e1000", "0000:00:04.0", NULL, NULL, NULL);
	expect_device(&d, 2, "pci", "e1000", "0000:00:19.0", NULL, NULL, "pci:v00008086d0000153Asv*");
	expect_device(&d, 3, "pci", "e1000", "0000:02:01.0", "8086", "100f", NULL);
	devices_free(&d);
	assert_null(d.v);
	assert_int_equal(d.n, 0);
	assert_int_equal(d.drivers, 0);
	devices_free(&d);	/* twice is harmless */

	/* a driver with no device bound */
	add_driver(f, "e1000e", "pci", "e1000e");
	assert_int_equal(devices_read(&f->r, "e1000e", NULL, &d), 0);
	assert_int_equal(d.drivers, 1);
	assert_int_equal(d.n, 0);
	devices_free(&d);
}

/* Several drivers: sorted by the "<bus>:<driver>" entry, then by device name. */
static void test_read_two_drivers(void **state)
{
	struct fx *f = *state;
	struct kd_devices d;

	add_driver(f, "hid_logitech_dj", "hid", "logitech-djreceiver");
	add_driver(f, "hid_logitech_dj", "hid", "logitech-djdevice");
	add_device(f, "hid", "logitech-djreceiver", "0003:046D:C52B.0003",
		   "pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.2/0003:046D:C52B.0003",
		   "DRIVER=logitech-djreceiver\nHID_ID=0003:0000046D:0000C52B\n"
		   "MODALIAS=" LOGI_HID_MODALIAS "\n");
	add_device(f, "hid", "logitech-djdevice", "0003:046D:4082.0005",
		   "pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.2/0003:046D:C52B.0003/0003:046D:4082.0005",
		   "HID_ID=0003:0000046D:00004082\n");
	add_device(f, "hid", "logitech-djdevice", "0003:046D:4051.0004",
		   "pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.2/0003:046D:C52B.0003/0003:046D:4051.0004",
		   "HID_ID=0003:0000046D:00004051\n");
	/* another module's driver on the same bus is not this module's */
	add_driver(f, "hid_generic", "hid", "hid-generic");
	add_device(f, "hid", "hid-generic", "0003:046D:C52B.0001",
		   "pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/0003:046D:C52B.0001",
		   "HID_ID=0003:0000046D:0000C52B\n");

	assert_int_equal(devices_read(&f->r, "hid_logitech_dj", NULL, &d), 0);
	assert_int_equal(d.drivers, 2);
	assert_int_equal(d.n, 3);
	expect_device(&d, 0, "hid", "logitech-djdevice", "0003:046D:4051.0004", "046d", "4051", NULL);
	expect_device(&d, 1, "hid", "logitech-djdevice", "0003:046D:4082.0005", "046d", "4082", NULL);
	expect_device(&d, 2, "hid", "logitech-djreceiver", "0003:046D:C52B.0003", "046d", "c52b",
		      LOGI_HID_MODALIAS);
	devices_free(&d);

	/* drivers on two buses; a driver name with a colon in it */
	add_driver(f, "usbhid", "usb", "usbhid");
	add_driver(f, "usbhid", "hid", "usbhid:quirks");
	add_device(f, "usb", "usbhid", "1-2:1.0", "pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0",
		   "DEVTYPE=usb_interface\nPRODUCT=46d/c52b/1201\nMODALIAS=" LOGI_USB_MODALIAS "\n");
	add_device(f, "usb", "usbhid", "1-2:1.2", "pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.2",
		   "DEVTYPE=usb_interface\nPRODUCT=46d/c52b/1201\n");
	add_device(f, "hid", "usbhid:quirks", "0003:1D6B:0003.0009",
		   "pci0000:00/0000:00:14.0/usb2/2-1/0003:1D6B:0003.0009",
		   "HID_ID=0003:00001D6B:00000003\n");
	assert_int_equal(devices_read(&f->r, "usbhid", NULL, &d), 0);
	assert_int_equal(d.drivers, 2);
	assert_int_equal(d.n, 3);
	expect_device(&d, 0, "hid", "usbhid:quirks", "0003:1D6B:0003.0009", "1d6b", "0003", NULL);
	expect_device(&d, 1, "usb", "usbhid", "1-2:1.0", "046d", "c52b", LOGI_USB_MODALIAS);
	expect_device(&d, 2, "usb", "usbhid", "1-2:1.2", "046d", "c52b", NULL);
	assert_false(d.truncated);
	devices_free(&d);

	/*
	 * Sorted by bus, then driver: ftdi_sio registers usb:ftdi_sio and
	 * usb-serial:ftdi_sio, and '-' sorts before ':' in the entry names.
	 */
	add_driver(f, "ftdi_sio", "usb-serial", "ftdi_sio");
	add_driver(f, "ftdi_sio", "usb", "ftdi_sio");
	add_device(f, "usb-serial", "ftdi_sio", "ttyUSB0",
		   "pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0/ttyUSB0", "DEVTYPE=usb-serial\n");
	add_device(f, "usb", "ftdi_sio", "1-3:1.0", "pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0",
		   "PRODUCT=403/6001/600\n");
	assert_int_equal(devices_read(&f->r, "ftdi_sio", NULL, &d), 0);
	assert_int_equal(d.n, 2);
	expect_device(&d, 0, "usb", "ftdi_sio", "1-3:1.0", "0403", "6001", NULL);
	expect_device(&d, 1, "usb-serial", "ftdi_sio", "ttyUSB0", NULL, NULL, NULL);
	devices_free(&d);
}

static void expect_read_err(const struct fx *f, const char *module, int err)
{
	struct kd_devices d;
	int r;

	memset(&d, 0xa5, sizeof(d));
	r = devices_read(&f->r, module, NULL, &d);
	if (r != -err)
		fail_msg("%s: %d, expected -%s", module, r, strerror(err));
	assert_null(d.v);
	assert_int_equal(d.n, 0);
	assert_int_equal(d.drivers, 0);
	devices_free(&d);
}

static void test_read_no_drivers(void **state)
{
	struct fx *f = *state;

	/* no sys/module at all; the module but no drivers directory */
	expect_read_err(f, "e1000", ENOENT);
	mkd(f, "sys/module/e1000/parameters");
	put_str(f, "sys/module/e1000/initstate", "live\n");
	expect_read_err(f, "e1000", ENOENT);
	expect_read_err(f, "absent", ENOENT);
	/* drivers is a file, or a link out of the root */
	put_str(f, "sys/module/e1000/drivers", "pci:e1000\n");
	expect_read_err(f, "e1000", ENOTDIR);
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/pci:e1000", f->out);
		fx_write(path, "", 0);
	}
	mkd(f, "sys/module/linked");
	sym(f, f->out, "sys/module/linked/drivers");
	expect_read_err(f, "linked", ENOENT);
	mkd(f, "sys/module/snd/drivers");
	/* an empty drivers directory is no error */
	{
		struct kd_devices d;

		assert_int_equal(devices_read(&f->r, "snd", NULL, &d), 0);
		assert_int_equal(d.n, 0);
		assert_int_equal(d.drivers, 0);
		devices_free(&d);
	}
}

/* Entries of sys/module/<m>/drivers that are not "<bus>:<driver>", or not safe names. */
static void test_read_bad_entries(void **state)
{
	struct fx *f = *state;
	struct kd_devices d;

	add_driver(f, "e1000", "pci", "e1000");
	add_device(f, "pci", "e1000", "0000:00:03.0", "pci0000:00/0000:00:03.0", "PCI_ID=8086:100E\n");
	/* no colon: skipped, though sys/bus/<entry> would name a driver directory */
	sym(f, "../../../bus/pci/drivers/e1000", "sys/module/e1000/drivers/e1000");
	mkd(f, "sys/bus/e1000/drivers/e1000");
	sym(f, "../../../../devices/pci0000:00/0000:00:03.0", "sys/bus/e1000/drivers/e1000/trap");
	/* an empty bus or driver */
	put_str(f, "sys/module/e1000/drivers/:e1000", "");
	put_str(f, "sys/module/e1000/drivers/pci:", "");
	put_str(f, "sys/module/e1000/drivers/:", "");
	/* ".." as bus or driver: sys/bus/../drivers/x and sys/bus/pci/drivers/.. */
	mkd(f, "sys/drivers/x");
	sym(f, "../../devices/pci0000:00/0000:00:03.0", "sys/drivers/x/trap");
	put_str(f, "sys/module/e1000/drivers/..:x", "");
	sym(f, "../../devices/pci0000:00/0000:00:03.0", "sys/bus/pci/trap");
	put_str(f, "sys/module/e1000/drivers/pci:..", "");
	put_str(f, "sys/module/e1000/drivers/.:e1000", "");
	/* not printable, or a space */
	put_str(f, "sys/module/e1000/drivers/p\tci:e1000", "");
	put_str(f, "sys/module/e1000/drivers/pci:e1000\x01", "");
	put_str(f, "sys/module/e1000/drivers/pci: e1000", "");

	assert_int_equal(devices_read(&f->r, "e1000", NULL, &d), 0);
	assert_int_equal(d.drivers, 1);
	assert_int_equal(d.n, 1);
	expect_device(&d, 0, "pci", "e1000", "0000:00:03.0", "8086", "100e", NULL);
	devices_free(&d);
}

/* Entries of a driver's directory that are not devices, and devices without a uevent. */
static void test_read_driver_dir(void **state)
{
	struct fx *f = *state;
	struct kd_devices d;
	char rel[256];

	add_driver(f, "e1000", "pci", "e1000");
	add_device(f, "pci", "e1000", "0000:00:03.0", "pci0000:00/0000:00:03.0", "PCI_ID=8086:100E\n");
	/* a directory, a file named like a device: no symlinks, no devices */
	mkd(f, "sys/bus/pci/drivers/e1000/power");
	put_str(f, "sys/bus/pci/drivers/e1000/0000:00:05.0", "PCI_ID=8086:100E\n");
	/* a name that is not one printable component */
	add_link(f, "pci", "e1000", "bad\x01name", "../../../../devices/pci0000:00/0000:00:03.0");
	add_link(f, "pci", "e1000", "bad name", "../../../../devices/pci0000:00/0000:00:03.0");
	/* dangling; to a file; to a directory without a uevent; a loop */
	add_link(f, "pci", "e1000", "0000:00:06.0", "../../../../devices/pci0000:00/nowhere");
	add_link(f, "pci", "e1000", "0000:00:07.0", "bind");
	mkd(f, "sys/devices/pci0000:00/0000:00:08.0");
	add_link(f, "pci", "e1000", "0000:00:08.0", "../../../../devices/pci0000:00/0000:00:08.0");
	add_link(f, "pci", "e1000", "0000:00:09.0", "0000:00:09.0");
	/* a uevent that is a directory, or a FIFO (which must not block) */
	mkd(f, "sys/devices/pci0000:00/0000:00:0a.0/uevent");
	add_link(f, "pci", "e1000", "0000:00:0a.0", "../../../../devices/pci0000:00/0000:00:0a.0");
	mkd(f, "sys/devices/pci0000:00/0000:00:0b.0");
	in_root(f, "sys/devices/pci0000:00/0000:00:0b.0/uevent", rel, sizeof(rel));
	assert_int_equal(mkfifo(rel, 0644), 0);
	add_link(f, "pci", "e1000", "0000:00:0b.0", "../../../../devices/pci0000:00/0000:00:0b.0");
	/* a uevent that is a link inside the root is followed */
	mkd(f, "sys/devices/pci0000:00/0000:00:0c.0");
	sym(f, "../0000:00:03.0/uevent", "sys/devices/pci0000:00/0000:00:0c.0/uevent");
	add_link(f, "pci", "e1000", "0000:00:0c.0", "../../../../devices/pci0000:00/0000:00:0c.0");
	/* an absolute link is resolved inside the root (a name the host has not) */
	mkd(f, "sys/devices/kd-fixture/0");
	put_str(f, "sys/devices/kd-fixture/0/uevent", "PCI_ID=ABCD:0001\n");
	add_link(f, "pci", "e1000", "0000:00:0d.0", "/sys/devices/kd-fixture/0");

	alarm(20);
	assert_int_equal(devices_read(&f->r, "e1000", NULL, &d), 0);
	alarm(0);
	assert_int_equal(d.drivers, 1);
	assert_int_equal(d.n, 9);
	expect_device(&d, 0, "pci", "e1000", "0000:00:03.0", "8086", "100e", NULL);
	expect_device(&d, 1, "pci", "e1000", "0000:00:06.0", NULL, NULL, NULL);
	expect_device(&d, 2, "pci", "e1000", "0000:00:07.0", NULL, NULL, NULL);
	expect_device(&d, 3, "pci", "e1000", "0000:00:08.0", NULL, NULL, NULL);
	expect_device(&d, 4, "pci", "e1000", "0000:00:09.0", NULL, NULL, NULL);
	expect_device(&d, 5, "pci", "e1000", "0000:00:0a.0", NULL, NULL, NULL);
	expect_device(&d, 6, "pci", "e1000", "0000:00:0b.0", NULL, NULL, NULL);
	expect_device(&d, 7, "pci", "e1000", "0000:00:0c.0", "8086", "100e", NULL);
	expect_device(&d, 8, "pci", "e1000", "0000:00:0d.0", "abcd", "0001", NULL);
	devices_free(&d);
}

/*
 * Device links that, resolved on the host, reach a uevent outside the root:
 * listed by name, with no ids, for the outside file is never read.
 */
#define OUTSIDE_UEVENT "PCI_ID=DEAD:BEEF\nMODALIAS=pci:OUTSIDE\n"

static void test_read_outside(void **state)
{
	struct fx *f = *state;
	struct kd_devices d;
	char path[512], target[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/dev", f->out);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/dev/uevent", f->out);
	fx_write(path, OUTSIDE_UEVENT, strlen(OUTSIDE_UEVENT));

	add_driver(f, "evil", "pci", "evil");
	/* absolute */
	snprintf(target, sizeof(target), "%s/dev", f->out);
	add_link(f, "pci", "evil", "abs", target);
	/* a long climb past the root, then down the absolute path */
	snprintf(target, sizeof(target), "../../../../../../../../../../../../../..%s/dev", f->out);
	add_link(f, "pci", "evil", "up", target);
	/* one ".." more than the way to the root: the root's sibling */
	add_link(f, "pci", "evil", "sibling", "../../../../../../outside/dev");
	/* ".." in the middle, through the device directory */
	add_device(f, "pci", "evil", "0000:00:03.0", "pci0000:00/0000:00:03.0", "PCI_ID=8086:100E\n");
	add_link(f, "pci", "evil", "mid",
		 "../../../../devices/pci0000:00/0000:00:03.0/../../../../../outside/dev");

	/* on the host, each of them does reach the outside file */
	for (const char *const *n = (const char *const[]){ "abs", "up", "sibling", "mid", NULL }; *n; n++) {
		snprintf(path, sizeof(path), "%s/sys/bus/pci/drivers/evil/%s/uevent", f->root, *n);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			fail_msg("fixture: %s does not reach the outside uevent", path);
	}

	assert_int_equal(devices_read(&f->r, "evil", NULL, &d), 0);
	assert_int_equal(d.drivers, 1);
	assert_int_equal(d.n, 5);
	expect_device(&d, 0, "pci", "evil", "0000:00:03.0", "8086", "100e", NULL);
	expect_device(&d, 1, "pci", "evil", "abs", NULL, NULL, NULL);
	expect_device(&d, 2, "pci", "evil", "mid", NULL, NULL, NULL);
	expect_device(&d, 3, "pci", "evil", "sibling", NULL, NULL, NULL);
	expect_device(&d, 4, "pci", "evil", "up", NULL, NULL, NULL);
	devices_free(&d);

	/* the absolute link's path, made inside the root, is what is read */
	snprintf(path, sizeof(path), "%s/dev", f->out + 1);
	mkd(f, path);
	snprintf(path, sizeof(path), "%s/dev/uevent", f->out + 1);
	put_str(f, path, "PCI_ID=1234:5678\n");
	assert_int_equal(devices_read(&f->r, "evil", NULL, &d), 0);
	assert_int_equal(d.n, 5);
	expect_device(&d, 1, "pci", "evil", "abs", "1234", "5678", NULL);
	expect_device(&d, 2, "pci", "evil", "mid", NULL, NULL, NULL);
	expect_device(&d, 3, "pci", "evil", "sibling", NULL, NULL, NULL);
	expect_device(&d, 4, "pci", "evil", "up", "1234", "5678", NULL);
	devices_free(&d);
}

/* A uevent of exactly the cap, padded after its ids: fill buf with n bytes. */
static void big_uevent(char *buf, size_t n)
{
	const char *head = "PCI_ID=8086:100E\nMODALIAS=pci:v00008086d0000100E\n";

	memset(buf, 'x', n);
	memcpy(buf, head, strlen(head));
	memcpy(buf + strlen(head), "PAD=", 4);
	buf[n - 1] = '\n';
}

static void test_read_uevent_cap(void **state)
{
	struct fx *f = *state;
	struct kd_devices d;
	char *buf = malloc(UEVENT_CAP + 1);

	assert_non_null(buf);
	add_driver(f, "e1000", "pci", "e1000");
	add_device(f, "pci", "e1000", "0000:00:03.0", "pci0000:00/0000:00:03.0", "");
	add_device(f, "pci", "e1000", "0000:00:04.0", "pci0000:00/0000:00:04.0", "");
	add_device(f, "pci", "e1000", "0000:00:05.0", "pci0000:00/0000:00:05.0", "");
	big_uevent(buf, UEVENT_CAP);
	put(f, "sys/devices/pci0000:00/0000:00:03.0/uevent", buf, UEVENT_CAP);
	big_uevent(buf, UEVENT_CAP + 1);
	put(f, "sys/devices/pci0000:00/0000:00:04.0/uevent", buf, UEVENT_CAP + 1);
	free(buf);
	/* a sparse 1 GiB one is refused by its size, not read */
	{
		char path[512];
		int fd;

		in_root(f, "sys/devices/pci0000:00/0000:00:05.0/uevent", path, sizeof(path));
		fd = open(path, O_WRONLY | O_TRUNC);
		assert_true(fd >= 0);
		assert_int_equal(pwrite(fd, "PCI_ID=8086:100E\n", 17, 0), 17);
		assert_int_equal(ftruncate(fd, 1 << 30), 0);
		close(fd);
	}

	assert_int_equal(devices_read(&f->r, "e1000", NULL, &d), 0);
	assert_int_equal(d.n, 3);
	expect_device(&d, 0, "pci", "e1000", "0000:00:03.0", "8086", "100e", "pci:v00008086d0000100E");
	expect_device(&d, 1, "pci", "e1000", "0000:00:04.0", NULL, NULL, NULL);
	expect_device(&d, 2, "pci", "e1000", "0000:00:05.0", NULL, NULL, NULL);
	devices_free(&d);
}

/* At most 64 drivers per module are looked at. */
static void test_read_driver_limit(void **state)
{
	struct fx *f = *state;
	struct kd_devices d;
	char rel[128];

	mkd(f, "sys/module/many/drivers");
	for (int i = 0; i < 70; i++) {
		snprintf(rel, sizeof(rel), "sys/module/many/drivers/pci:d%02d", i);
		put_str(f, rel, "");
	}
	assert_int_equal(devices_read(&f->r, "many", NULL, &d), 0);
	assert_int_equal(d.drivers, 64);
	assert_int_equal(d.n, 0);
	assert_true(d.truncated);
	devices_free(&d);
}

/* ---- root_list_dir ---- */

static void expect_list(const struct strlist *sl, const char *const *want)
{
	size_t n = 0;

	while (want[n])
		n++;
	if (sl->n != n)
		fail_msg("%zu names listed, expected %zu", sl->n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(sl->v[i], want[i]);
}

static void list_fixture(const struct fx *f)
{
	mkd(f, "list/d");
	put_str(f, "list/b", "b");
	put_str(f, "list/c", "c");
	put_str(f, "list/a", "a");
	put_str(f, "list/.hidden", "");
	put_str(f, "list/..x", "");
	sym(f, "b", "list/e");
	sym(f, "nowhere", "list/f");
	sym(f, "d", "list/g");
}

static void test_list_dir(void **state)
{
	static const char *const all[] = { "..x", ".hidden", "a", "b", "c", "d", "e", "f", "g", NULL };
	static const char *const links[] = { "e", "f", "g", NULL };
	struct fx *f = *state;
	struct strlist sl = { 0 };

	list_fixture(f);
	assert_int_equal(root_list_dir(&f->r, "list", false, 100, &sl), 0);
	expect_list(&sl, all);
	sl_free(&sl);
	assert_int_equal(root_list_dir(&f->r, "list", true, 100, &sl), 0);
	expect_list(&sl, links);
	sl_free(&sl);
	/* exactly as many as there are */
	assert_int_equal(root_list_dir(&f->r, "list", false, 9, &sl), 0);
	expect_list(&sl, all);
	sl_free(&sl);
	/* spelled differently; through a link inside the root */
	assert_int_equal(root_list_dir(&f->r, "/list/", false, 100, &sl), 0);
	expect_list(&sl, all);
	sl_free(&sl);
	assert_int_equal(root_list_dir(&f->r, "list/d/../../list", false, 100, &sl), 0);
	expect_list(&sl, all);
	sl_free(&sl);
	sym(f, "list", "lnk");
	assert_int_equal(root_list_dir(&f->r, "lnk", true, 100, &sl), 0);
	expect_list(&sl, links);
	sl_free(&sl);
	/* an empty directory */
	assert_int_equal(root_list_dir(&f->r, "list/d", false, 100, &sl), 0);
	assert_int_equal(sl.n, 0);
	assert_int_equal(root_list_dir(&f->r, "list/g", false, 100, &sl), 0);
	assert_int_equal(sl.n, 0);
	sl_free(&sl);
	/* the root itself */
	assert_int_equal(root_list_dir(&f->r, "", false, 100, &sl), 0);
	expect_list(&sl, (const char *const[]){ "list", "lnk", NULL });
	sl_free(&sl);
	assert_int_equal(root_list_dir(&f->r, "..", false, 100, &sl), 0);
	expect_list(&sl, (const char *const[]){ "list", "lnk", NULL });
	sl_free(&sl);
}

static void test_list_dir_max(void **state)
{
	static const char *const all[] = { "..x", ".hidden", "a", "b", "c", "d", "e", "f", "g" };
	struct fx *f = *state;
	struct strlist sl = { 0 };

	list_fixture(f);
	for (size_t max = 0; max <= 9; max++) {
		/* 1: the directory held more than max */
		assert_int_equal(root_list_dir(&f->r, "list", false, max, &sl), max < 9 ? 1 : 0);
		assert_int_equal(sl.n, max);
		for (size_t i = 0; i < sl.n; i++) {
			bool known = false;

			for (size_t j = 0; j < sizeof(all) / sizeof(all[0]); j++)
				known |= !strcmp(sl.v[i], all[j]);
			assert_true(known);
			if (i)
				assert_true(strcmp(sl.v[i - 1], sl.v[i]) < 0);
		}
		sl_free(&sl);
	}
	assert_int_equal(root_list_dir(&f->r, "list", true, 2, &sl), 1);
	assert_int_equal(sl.n, 2);
	for (size_t i = 0; i < sl.n; i++)
		assert_true(!strcmp(sl.v[i], "e") || !strcmp(sl.v[i], "f") || !strcmp(sl.v[i], "g"));
	sl_free(&sl);

	/* appended to what out holds, max counting the new names, the whole list sorted */
	sl_push(&sl, xstrdup("zz"));
	sl_push(&sl, xstrdup("0"));
	assert_int_equal(root_list_dir(&f->r, "list", true, 100, &sl), 0);
	expect_list(&sl, (const char *const[]){ "0", "e", "f", "g", "zz", NULL });
	assert_int_equal(root_list_dir(&f->r, "list", true, 1, &sl), 1);
	assert_int_equal(sl.n, 6);
	sl_free(&sl);
}

static void test_list_dir_errors(void **state)
{
	struct fx *f = *state;
	struct strlist sl = { 0 };
	char path[512];
	int r;

	list_fixture(f);
	assert_int_equal(root_list_dir(&f->r, "nope", false, 100, &sl), -ENOENT);
	assert_int_equal(root_list_dir(&f->r, "list/nope/x", false, 100, &sl), -ENOENT);
	/* a dangling link */
	assert_int_equal(root_list_dir(&f->r, "list/f", false, 100, &sl), -ENOENT);
	/* a regular file; a link to one; a path through one */
	assert_int_equal(root_list_dir(&f->r, "list/a", false, 100, &sl), -ENOTDIR);
	assert_int_equal(root_list_dir(&f->r, "list/e", true, 100, &sl), -ENOTDIR);
	r = root_list_dir(&f->r, "list/a/x", false, 100, &sl);
	assert_true(r < 0);
	/* a FIFO: refused, not opened */
	in_root(f, "list/fifo", path, sizeof(path));
	assert_int_equal(mkfifo(path, 0644), 0);
	alarm(20);
	assert_int_equal(root_list_dir(&f->r, "list/fifo", false, 100, &sl), -ENOTDIR);
	alarm(0);
	assert_int_equal(sl.n, 0);
	assert_null(sl.v);

	/* links out of the root resolve inside it */
	snprintf(path, sizeof(path), "%s/secret", f->out);
	fx_write(path, "", 0);
	sym(f, f->out, "abs");
	sym(f, "../outside", "sibling");
	snprintf(path, sizeof(path), "../../../../../../..%s", f->out);
	sym(f, path, "list/d/up");
	assert_int_equal(root_list_dir(&f->r, "abs", false, 100, &sl), -ENOENT);
	assert_int_equal(root_list_dir(&f->r, "sibling", false, 100, &sl), -ENOENT);
	assert_int_equal(root_list_dir(&f->r, "list/d/up", false, 100, &sl), -ENOENT);
	assert_int_equal(sl.n, 0);
	/* a failure leaves what out held */
	sl_push(&sl, xstrdup("kept"));
	assert_int_equal(root_list_dir(&f->r, "nope", false, 100, &sl), -ENOENT);
	expect_list(&sl, (const char *const[]){ "kept", NULL });
	sl_free(&sl);
}

/* ---- the hardware database ---- */

static void test_hwdb_offline(void **state)
{
	struct fx *f = *state;
	struct kd_root live;
	char *detail = NULL;

	udev_new_calls = 0;
	assert_null(hwdb_open(&f->r, &detail));
	assert_non_null(detail);
	if (strncmp(detail, "offline root", 12))
		fail_msg("detail \"%s\"", detail);
	free(detail);
	/* the host's database was not even looked for */
	assert_int_equal(udev_new_calls, 0);
	hwdb_close(NULL);

	/* the live host does look (and here finds none) */
	assert_int_equal(root_init(&live, f->root, false), 0);
	detail = NULL;
	assert_null(hwdb_open(&live, &detail));
	assert_non_null(detail);
	assert_int_equal(udev_new_calls, 1);
	if (!strncmp(detail, "offline root", 12))
		fail_msg("detail \"%s\" for a live root", detail);
	free(detail);
	root_fini(&live);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest parse[] = {
		cmocka_unit_test(test_uevent_pci),
		cmocka_unit_test(test_uevent_usb),
		cmocka_unit_test(test_uevent_hid),
		cmocka_unit_test(test_uevent_first_wins),
		cmocka_unit_test(test_uevent_bad_ids),
		cmocka_unit_test(test_uevent_modalias),
		cmocka_unit_test(test_uevent_lines),
		cmocka_unit_test(test_uevent_random),
		T(test_hwdb_offline),
	};
	const struct CMUnitTest fixture[] = {
		T(test_read_pci),
		T(test_read_two_drivers),
		T(test_read_no_drivers),
		T(test_read_bad_entries),
		T(test_read_driver_dir),
		T(test_read_outside),
		T(test_read_uevent_cap),
		T(test_read_driver_limit),
		T(test_list_dir),
		T(test_list_dir_max),
		T(test_list_dir_errors),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("devices: uevent and hwdb", parse, NULL, NULL);
	failed += cmocka_run_group_tests_name("devices (openat2)", fixture, fx_group_openat2, NULL);
	failed += cmocka_run_group_tests_name("devices (fallback resolver)", fixture, fx_group_fallback,
					      NULL);
	return failed ? 1 : 0;
}
