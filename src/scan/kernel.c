// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel.c - the running kernel's view, from its collectors: the host's
 * identity, taint, the loaded modules (proc/modules, sys/module) with the
 * devices bound to their drivers, and the kernel's keys; each with the
 * coverage it earns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/root.h"
#include "core/util.h"
#include "scan/kernel.h"
#include "sources/devices.h"
#include "sources/hwdb.h"
#include "sources/procfs.h"
#include "store/result.h"

/* A one-line identity file of the root (machine-id, boot_id) as it reads, or NULL. */
static char *read_id_file(const struct kd_root *root, const char *path)
{
	char *text;

	if (root_read_file(root, path, 4096, &text, NULL))
		return NULL;
	str_rstrip(text);
	if (!*text) {
		free(text);
		return NULL;
	}
	return text;
}

void kernel_read_host(const struct kd_root *root, struct scan_result *res)
{
	char *text;

	/* what tells reports of many machines, and of many boots, apart */
	res->machine_id = read_id_file(root, "etc/machine-id");
	res->boot_id = read_id_file(root, "proc/sys/kernel/random/boot_id");
	res->kernel_release = procfs_read_release(root);
	if (!res->offline) {
		struct utsname u;

		if (uname(&u) == 0) {
			res->hostname = xstrdup(u.nodename);
			if (!res->kernel_release)
				res->kernel_release = xstrdup(u.release);
		}
		return;
	}
	if (root_read_file(root, "etc/hostname", 4096, &text, NULL) == 0) {
		str_rstrip(text);
		res->hostname = text;
	}
}

/* The devices bound to each loaded module's drivers: what removing it would stop. */
static void read_devices(const struct kd_root *root, struct scan_result *res)
{
	size_t ndev = 0, nmods = 0, errors = 0;
	char *names = NULL;
	struct kd_hwdb *hw = hwdb_open(root, &names);

	for (size_t i = 0; i < res->nloaded; i++) {
		struct loaded_module *lm = &res->loaded[i];
		int r = devices_read(root, lm->name, hw, &lm->devices);

		if ((r && r != -ENOENT) || lm->devices.truncated)
			errors++;
		ndev += lm->devices.n;
		nmods += lm->devices.n > 0;
	}
	hwdb_close(hw);
	add_cov(res, "sys/bus", errors ? COV_ERROR : COV_OK,
		xasprintf("%zu device%s bound to the drivers of %zu module%s%s; %s", ndev,
			  ndev == 1 ? "" : "s", nmods, nmods == 1 ? "" : "s",
			  errors ? "; some driver or device lists unreadable or cut short" : "",
			  names));
	free(names);
}

void kernel_read_running(const struct kd_root *root, struct scan_result *res)
{
	struct stat st;
	size_t bad = 0;
	int r;

	r = procfs_read_tainted(root, &res->taint);
	if (!r) {
		char *letters = taint_letters(res->taint);

		res->have_taint = true;
		add_cov(res, "proc/sys/kernel/tainted", COV_OK,
			xasprintf("%lu%s%s", res->taint, *letters ? " = " : "", letters));
		free(letters);
	} else {
		add_cov(res, "proc/sys/kernel/tainted", cov_from_errno(r),
			r == -EINVAL ? xstrdup("not a number") : xstrdup(strerror(-r)));
	}

	r = procfs_read_modules(root, &res->loaded, &res->nloaded, &bad);
	if (!r) {
		add_cov(res, "proc/modules", bad ? COV_ERROR : COV_OK,
			xasprintf("%zu loaded module%s%s", res->nloaded, res->nloaded == 1 ? "" : "s",
				  bad ? ", unparseable lines skipped" : ""));
	} else if (r == -ENOENT && !res->offline && root_stat(root, "proc/self", 0, &st) == 0) {
		/* proc is mounted but has no modules file: a kernel without module support */
		add_cov(res, "proc/modules", COV_ABSENT,
			xstrdup("kernel without loadable module support"));
	} else {
		add_cov(res, "proc/modules", cov_from_errno(r), xstrdup(strerror(-r)));
	}
	for (size_t i = 0; i < res->nloaded; i++)
		procfs_read_sysmodule(root, &res->loaded[i]);
	if (res->nloaded) {
		size_t in_sysfs = 0;

		for (size_t i = 0; i < res->nloaded; i++)
			in_sysfs += res->loaded[i].in_sysfs;
		add_cov(res, "sys/module", in_sysfs ? COV_OK : COV_ABSENT,
			xasprintf("%zu of %zu loaded modules have a sysfs entry", in_sysfs,
				  res->nloaded));
		read_devices(root, res);
	}

	r = procfs_read_keys(root, &res->keys, &res->nkeys, &bad);
	if (!r && !res->offline && geteuid() != 0)
		add_cov(res, "proc/keys", COV_DENIED,
			xasprintf("%zu keys visible; not root, so the kernel's own keys are hidden",
				  res->nkeys));
	else if (!r)
		add_cov(res, "proc/keys", bad ? COV_ERROR : COV_OK,
			xasprintf("%zu keys%s", res->nkeys, bad ? ", unparseable lines skipped" : ""));
	else
		add_cov(res, "proc/keys", cov_from_errno(r), xstrdup(strerror(-r)));
}
