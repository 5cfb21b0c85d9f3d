// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * driverstore.c - the INFs of the driver store's packages. Each folder of
 * System32/DriverStore/FileRepository is one driver package: its INF names
 * the provider, class, version and catalog, the files it installs and the
 * services it adds. A .sys found there is tied to its package's INF, so that
 * a driver with a neutral name and no version resource still says whose it
 * is. The INFs of one package are read once, when the walk first reaches it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sources/boot/driverstore.h"

#define MAX_INFS_PER_PACKAGE 16	/* a package has one; more is someone else's doing */

void driverstore_init(struct driverstore *ds, const char *store)
{
	memset(ds, 0, sizeof(*ds));
	ds->store = xstrdup(store);
}

static void unload(struct driverstore *ds)
{
	for (size_t i = 0; i < ds->ninfs; i++) {
		free(ds->infs[i].name);
		inf_free(&ds->infs[i].info);
	}
	free(ds->infs);
	ds->infs = NULL;
	ds->ninfs = 0;
	free(ds->package);
	ds->package = NULL;
}

static bool is_inf_name(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && name[n - 4] == '.' && strchr("iI", name[n - 3]) &&
	       strchr("nN", name[n - 2]) && strchr("fF", name[n - 1]);
}

static void load(struct driverstore *ds, const struct kd_root *root, const char *package)
{
	char *dir = xasprintf("%s/%s", ds->store, package);
	struct strlist names = { 0 };

	unload(ds);
	ds->package = xstrdup(package);
	ds->packages++;
	if (root_list_dir(root, dir, false, 4096, &names) < 0) {
		ds->bad++;
		free(dir);
		return;
	}
	for (size_t i = 0; i < names.n && ds->ninfs < MAX_INFS_PER_PACKAGE; i++) {
		char *rel, *buf;
		const char *why;
		struct inf_info info;
		struct stat st;
		size_t len;

		if (!is_inf_name(names.v[i]))
			continue;
		rel = xasprintf("%s/%s", dir, names.v[i]);
		/* never through a link, never a FIFO or device: root_read_file opens regular files only */
		if (root_stat(root, rel, 0, &st) || !S_ISREG(st.st_mode)) {
			free(rel);
			continue;
		}
		if (root_read_file(root, rel, INF_MAX_BYTES, &buf, &len)) {
			ds->bad++;
			free(rel);
			continue;
		}
		free(rel);
		if (inf_parse((const uint8_t *)buf, len, &info, &why)) {
			ds->bad++;
			free(buf);
			continue;
		}
		free(buf);
		ds->read++;
		ds->unresolved += info.unresolved;
		ds->skipped += info.skipped + info.unterminated + info.truncated;
		ds->infs = xreallocarray(ds->infs, ds->ninfs + 1, sizeof(*ds->infs));
		ds->infs[ds->ninfs].name = xstrdup(names.v[i]);
		ds->infs[ds->ninfs++].info = info;
	}
	sl_free(&names);
	free(dir);
}

static void inf_facts(const struct ds_inf *d, const char *name, struct kvlist *out)
{
	const struct inf_info *inf = &d->info;

	kv_add(out, "inf.name", d->name);
	if (inf->provider)
		kv_add(out, "inf.provider", inf->provider);
	if (inf->class_name)
		kv_add(out, "inf.class", inf->class_name);
	if (inf->driver_date || inf->driver_version) {
		char *v = xasprintf("%s,%s", inf->driver_date ? inf->driver_date : "",
				    inf->driver_version ? inf->driver_version : "");

		kv_add(out, "inf.driver_ver", v);
		free(v);
	}
	for (size_t i = 0; i < inf->catalogs.n; i++)
		if (!kv_has(out, "inf.catalog", inf->catalogs.v[i].value))
			kv_add(out, "inf.catalog", inf->catalogs.v[i].value);
	for (int i = inf_service_for(inf, name, 0); i >= 0; i = inf_service_for(inf, name, (size_t)i + 1))
		if (!kv_has(out, "inf.service", inf->services[i].name))
			kv_add(out, "inf.service", inf->services[i].name);
}

void driverstore_facts(struct driverstore *ds, const struct kd_root *root, const char *path,
		       const char *name, struct kvlist *out)
{
	size_t sl = strlen(ds->store), listing = 0;
	const char *rest, *slash;
	char *package;

	/* path is "/<store>/<package>/...": a file right in the store belongs to no package */
	if (path[0] != '/' || strncmp(path + 1, ds->store, sl) || path[1 + sl] != '/')
		return;
	rest = path + 2 + sl;
	slash = strchr(rest, '/');
	if (!slash || slash == rest)
		return;
	package = xstrndup(rest, (size_t)(slash - rest));
	if (!ds->package || strcmp(ds->package, package))
		load(ds, root, package);
	kv_add(out, "driverstore.package", package);
	free(package);
	for (size_t i = 0; i < ds->ninfs; i++)
		listing += inf_lists_file(&ds->infs[i].info, name);
	for (size_t i = 0; i < ds->ninfs; i++)
		if (!listing || inf_lists_file(&ds->infs[i].info, name))
			inf_facts(&ds->infs[i], name, out);
}

void driverstore_finish(struct driverstore *ds, struct scan_result *res)
{
	char *src = xasprintf("/%s (package INFs)", ds->store);

	if (ds->packages)
		add_cov(res, src, ds->bad ? COV_ERROR : COV_OK,
			xasprintf("%zu INFs read in %zu packages with drivers%s%s", ds->read,
				  ds->packages,
				  ds->bad ? ", some unreadable, over the 8 MiB cap or empty" : "",
				  ds->skipped ? "; some lines malformed or over the caps, skipped" : ""));
	free(src);
	unload(ds);
	free(ds->store);
	memset(ds, 0, sizeof(*ds));
}
