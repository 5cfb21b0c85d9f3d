// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * winsvc.c - what the registry of a mounted Windows installation says will
 * run. SYSTEM: the control set that boots (Select\Current, and the services
 * only LastKnownGood has), every service with its start type, image, group
 * and minifilter instances, the early-launch policy. SOFTWARE: the Windows
 * version, the installed products (Uninstall, both views) and the vendor keys.
 * DRIVERS: the driver packages Windows knows with their provider. Nothing here
 * decides what is Kaspersky: that is for the rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sources/boot/registry.h"
#include "sources/boot/winsvc.h"
#include "store/records.h"

#define SERVICES_CAP 8192
#define VENDOR_SUBKEYS_SHOWN 64

bool win_service_is_driver(const struct win_service *s)
{
	/* kernel driver 1, file-system driver 2, recognizer driver 8 */
	return (s->type & 0xf) == 1 || (s->type & 0xf) == 2 || (s->type & 0xf) == 8;
}

const char *win_start_name(int64_t start)
{
	static const char *const names[] = { "boot", "system", "auto", "demand", "disabled" };

	return start >= 0 && start < 5 ? names[start] : "unknown";
}

bool win_driver_loads_at_start(const struct win_service *s, const struct pe_rec *r)
{
	return s->start >= 0 && s->start <= 1 && r && r->status == SIG_VALID &&
	       r->catalog_os_covered != 0;
}

static const char *type_name(uint32_t type)
{
	switch (type & 0xff) {
	case 0x01: return "kernel driver";
	case 0x02: return "file system driver";
	case 0x04: return "adapter";
	case 0x08: return "recognizer driver";
	case 0x10: return "own process";
	case 0x20: return "share process";
	case 0x50: case 0x60: return "user service";
	default: return "other";
	}
}

/*
 * The names of the directories a resolution lists, each listed once: the
 * services of one installation name the same few folders (System32, its
 * drivers) hundreds of times, in whatever case.
 */
struct ci_cache {
	struct strlist dirs;
	struct strlist *names;		/* names[i]: the entries of dirs.v[i] */
};

static const struct strlist *cached_list(const struct kd_root *root, struct ci_cache *cache,
					 const char *rel)
{
	struct strlist names = { 0 };

	for (size_t i = 0; i < cache->dirs.n; i++)
		if (!strcmp(cache->dirs.v[i], rel))
			return &cache->names[i];
	if (root_list_dir(root, rel, false, 65536, &names) < 0)
		sl_free(&names);	/* not a directory, or unreadable: no entries */
	cache->names = xreallocarray(cache->names, cache->dirs.n + 1, sizeof(*cache->names));
	cache->names[cache->dirs.n] = names;
	sl_push(&cache->dirs, xstrdup(rel));
	return &cache->names[cache->dirs.n - 1];
}

static void ci_cache_free(struct ci_cache *cache)
{
	for (size_t i = 0; i < cache->dirs.n; i++)
		sl_free(&cache->names[i]);
	free(cache->names);
	sl_free(&cache->dirs);
}

/* The entry of directory rel named name, ignoring case as NTFS does; NULL if none. */
static char *ci_child(const struct kd_root *root, struct ci_cache *cache, const char *rel,
		      const char *name)
{
	char *path = xasprintf("%s%s%s", rel, *rel ? "/" : "", name);
	const struct strlist *names;
	struct stat st;

	if (root_stat(root, path, 0, &st) == 0)
		return path;
	free(path);
	names = cached_list(root, cache, rel);
	for (size_t i = 0; i < names->n; i++)
		if (str_iequals(names->v[i], name))
			return xasprintf("%s%s%s", rel, *rel ? "/" : "", names->v[i]);
	return NULL;
}

/*
 * A Windows path (backslashes) below the directory base of the root, each
 * component found ignoring case. Returns the file's path in the root, or NULL
 * with *wanted the path as written below base.
 */
static char *ci_resolve(const struct kd_root *root, struct ci_cache *cache, const char *base,
			const char *winpath, char **wanted)
{
	char *copy = xstrdup(winpath), *save = NULL, *cur = xstrdup(base);
	struct strbuf want;
	bool lost = false;

	sb_init(&want);
	sb_puts(&want, base);
	for (char *part = strtok_r(copy, "\\/", &save); part; part = strtok_r(NULL, "\\/", &save)) {
		char *next;

		if (!strcmp(part, ".") || !strcmp(part, "..")) {
			lost = true;	/* never climbs: a path that tries is not resolved */
			break;
		}
		sb_printf(&want, "%s%s", want.len ? "/" : "", part);
		if (lost)
			continue;
		next = ci_child(root, cache, cur, part);
		if (!next) {
			lost = true;
			continue;
		}
		free(cur);
		cur = next;
	}
	free(copy);
	if (lost || !strcmp(cur, base)) {
		free(cur);
		*wanted = xasprintf("/%s", want.s);
		sb_free(&want);
		return NULL;
	}
	sb_free(&want);
	*wanted = NULL;
	{
		char *shown = xasprintf("/%s", cur);

		free(cur);
		return shown;
	}
}

/*
 * Where the image of a service is in the root: ImagePath as Windows reads it
 * (\SystemRoot\, %SystemRoot%, a path relative to the Windows directory,
 * \??\C:\ or C:\ for the partition it is on), or for a driver with none,
 * system32\drivers\<name>.sys. Quotes and arguments of a process's command
 * line are dropped.
 */
static void resolve_image(const struct kd_root *root, struct ci_cache *cache, const char *windir,
			  const char *top, struct win_service *s)
{
	char *path, *p;
	const char *base = windir;

	if (s->image && *s->image) {
		path = xstrdup(s->image);
		if (path[0] == '"') {
			memmove(path, path + 1, strlen(path));
			if ((p = strchr(path, '"')))
				*p = '\0';
		} else if (!win_service_is_driver(s) && (p = strcasestr(path, ".exe ")) != NULL) {
			p[4] = '\0';
		}
	} else if (win_service_is_driver(s)) {
		path = xasprintf("system32\\drivers\\%s.sys", s->name);
	} else {
		return;
	}
	p = path;
	if (!strncasecmp(p, "\\??\\", 4))
		p += 4;
	if (!strncasecmp(p, "\\SystemRoot\\", 12)) {
		p += 12;
	} else if (!strncasecmp(p, "%SystemRoot%\\", 13) || !strncasecmp(p, "%windir%\\", 9)) {
		p = strchr(p, '\\') + 1;
	} else if (((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z') && p[1] == ':' && p[2] == '\\') {
		/* a drive letter: the partition this installation is on is its system drive */
		if ((p[0] | 0x20) != 'c') {
			s->wanted = xasprintf("%s (on drive %c:, not this partition)", s->image, p[0]);
			free(path);
			return;
		}
		p += 3;
		base = top;
	} else if (p[0] == '\\') {
		s->wanted = xasprintf("%s (a device path, not resolved)", s->image);
		free(path);
		return;
	}
	s->file = ci_resolve(root, cache, base, p, &s->wanted);
	free(path);
}

static void read_service(struct reg_hive *h, reg_key k, const char *set, const char *name,
			 struct win_service *s)
{
	reg_key inst;
	uint32_t v;

	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	s->key = xasprintf("%s\\Services\\%s", set, name);
	s->start = reg_dword(h, k, "Start", &v) ? (int64_t)v : -1;
	s->type = reg_dword(h, k, "Type", &v) ? v : 0;
	s->image = reg_string(h, k, "ImagePath");
	s->group = reg_string(h, k, "Group");
	s->display = reg_string(h, k, "DisplayName");
	s->description = reg_string(h, k, "Description");
	s->early_launch = s->group && str_iequals(s->group, "Early-Launch");
	inst = reg_subkey(h, k, "Instances");
	if (inst) {
		reg_key *kids;
		size_t n = reg_subkeys(h, inst, &kids);

		for (size_t i = 0; i < n && i < 64; i++) {
			char *iname = reg_key_name(h, kids[i]), *alt = reg_string(h, kids[i], "Altitude");

			if (iname && alt)
				sl_push(&s->altitudes, xasprintf("%s=%s", iname, alt));
			free(iname);
			free(alt);
		}
		free(kids);
	}
}

static struct win_service *service_named(struct win_registry *reg, const char *name)
{
	for (size_t i = 0; i < reg->nsvcs; i++)
		if (str_iequals(reg->svcs[i].name, name))
			return &reg->svcs[i];
	return NULL;
}

/* The services of one control set, those not read already. */
static void read_services(struct reg_hive *h, const char *set, struct win_registry *reg)
{
	char *path = xasprintf("%s\\Services", set);
	reg_key svcs = reg_subkey(h, reg_root(h), path), *kids;
	size_t n;

	free(path);
	if (!svcs)
		return;
	n = reg_subkeys(h, svcs, &kids);
	for (size_t i = 0; i < n && reg->nsvcs < SERVICES_CAP; i++) {
		char *name = reg_key_name(h, kids[i]);

		if (name && !service_named(reg, name)) {
			reg->svcs = xreallocarray(reg->svcs, reg->nsvcs + 1, sizeof(*reg->svcs));
			read_service(h, kids[i], set, name, &reg->svcs[reg->nsvcs++]);
		}
		free(name);
	}
	free(kids);
}

#define DEVICES_CAP 20000		/* device instances read of Enum */

static void needs(struct win_registry *reg, const char *service, const char *device,
		  const char *role)
{
	struct win_service *s = service_named(reg, service);

	if (!s)
		return;
	if (s->ndevices++ < WIN_DEVICES_SHOWN)
		sl_push(&s->devices, xasprintf("%s: %s", device, role));
}

/* A device's name as Device Manager shows it: FriendlyName, else DeviceDesc ("@x.inf,%k%;Name"). */
static char *device_name(struct reg_hive *h, reg_key k)
{
	char *name = reg_string(h, k, "FriendlyName"), *semi;

	if (name && *name)
		return name;
	free(name);
	name = reg_string(h, k, "DeviceDesc");
	if (name && name[0] == '@' && (semi = strrchr(name, ';'))) {
		char *plain = xstrdup(semi + 1);

		free(name);
		name = plain;
	}
	return name;
}

/* The filters a key lists (UpperFilters, LowerFilters) for what. */
static void filters(struct reg_hive *h, reg_key k, struct win_registry *reg, const char *what)
{
	static const char *const values[] = { "UpperFilters", "LowerFilters" };
	static const char *const roles[] = { "upper filter", "lower filter" };

	for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
		struct strlist names = { 0 };
		char *role;

		if (!reg_multi_string(h, k, values[v], &names))
			continue;
		role = xasprintf("%s%s", strncmp(what, "every ", 6) ? "" : "class ", roles[v]);
		for (size_t i = 0; i < names.n; i++)
			needs(reg, names.v[i], what, role);
		free(role);
		sl_free(&names);
	}
}

/*
 * The hardware each driver serves, for whoever removes it: the device
 * instances of Enum (<enumerator>\<device>\<instance>) with their function
 * driver (Service) and filters, and the class filters of Control\Class, which
 * sit on every device of their class.
 */
static void read_devices(struct reg_hive *h, const char *set, struct win_registry *reg)
{
	char *path = xasprintf("%s\\Enum", set);
	reg_key en = reg_subkey(h, reg_root(h), path), *buses = NULL, cls;
	size_t nb;

	free(path);
	nb = en ? reg_subkeys(h, en, &buses) : 0;
	for (size_t b = 0; b < nb && reg->ndevices < DEVICES_CAP; b++) {
		char *bus = reg_key_name(h, buses[b]);
		reg_key *devs;
		size_t nd = reg_subkeys(h, buses[b], &devs);

		for (size_t d = 0; bus && d < nd && reg->ndevices < DEVICES_CAP; d++) {
			char *dev = reg_key_name(h, devs[d]);
			reg_key *insts;
			size_t ni = reg_subkeys(h, devs[d], &insts);

			for (size_t i = 0; dev && i < ni && reg->ndevices < DEVICES_CAP; i++) {
				char *inst = reg_key_name(h, insts[i]), *name, *id, *svc;

				if (!inst)
					continue;
				reg->ndevices++;
				name = device_name(h, insts[i]);
				id = xasprintf("%s\\%s\\%s%s%s%s", bus, dev, inst, name ? " (" : "",
					       name ? name : "", name ? ")" : "");
				if ((svc = reg_string(h, insts[i], "Service")) && *svc)
					needs(reg, svc, id, "function driver");
				filters(h, insts[i], reg, id);
				free(svc);
				free(id);
				free(name);
				free(inst);
			}
			free(insts);
			free(dev);
		}
		free(devs);
		free(bus);
	}
	free(buses);
	path = xasprintf("%s\\Control\\Class", set);
	cls = reg_subkey(h, reg_root(h), path);
	free(path);
	if (cls) {
		reg_key *classes;
		size_t nc = reg_subkeys(h, cls, &classes);

		for (size_t c = 0; c < nc; c++) {
			char *guid = reg_key_name(h, classes[c]), *name = reg_string(h, classes[c], "Class"),
			     *what = xasprintf("every %s device (class %s)", name ? name : "",
					       guid ? guid : "?");

			filters(h, classes[c], reg, what);
			free(what);
			free(name);
			free(guid);
		}
		free(classes);
	}
}

static const char *elam_policy_name(uint32_t v)
{
	switch (v) {
	case 8: return "good drivers only";
	case 1: return "good and unknown drivers";
	case 3: return "good, unknown and bad but boot-critical drivers (the default)";
	case 7: return "all drivers";
	default: return "an unknown policy";
	}
}

/* Coverage for one hive: read, dirty, damaged. */
static void hive_cov(struct scan_result *res, const char *src, struct reg_hive *h, char *what)
{
	const char *first;
	size_t damage = reg_damage(h, &first);

	if (damage)
		add_cov(res, src, COV_ERROR,
			xasprintf("%s; %zu damaged cells, not all read (%s)", what, damage, first));
	else if (reg_dirty(h))
		add_cov(res, src, COV_ERROR,
			xasprintf("%s; the hive was not closed cleanly (its sequence numbers differ): "
				  "changes still in its .LOG1/.LOG2 files are not read", what));
	else
		add_cov(res, src, COV_OK, xstrdup(what));
	free(what);
}

static struct reg_hive *open_hive(const struct kd_root *root, struct scan_result *res,
				  const char *config, const char *name, bool required, char **src)
{
	char *rel = xasprintf("%s/%s", config, name), *why = NULL;
	struct reg_hive *h;
	bool absent;

	/* the hive file's name may be in any case */
	{
		struct ci_cache none = { 0 };
		char *found = ci_child(root, &none, config, name);

		ci_cache_free(&none);

		if (found) {
			free(rel);
			rel = found;
		}
	}
	*src = xasprintf("/%s", rel);
	h = reg_open(root, rel, &absent, &why);
	if (!h)
		add_cov(res, *src, absent && !required ? COV_ABSENT : COV_ERROR,
			xasprintf("%s%s", absent ? "no hive" : why,
				  absent && required ? ": the services and their start types are not known" :
				  ""));
	free(why);
	free(rel);
	return h;
}

static void read_system(struct scan_result *res, struct reg_hive *h, const char *src,
			struct win_registry *reg)
{
	reg_key sel = reg_subkey(h, reg_root(h), "Select"), el;
	uint32_t cur = 0, lkg = 0, v;
	char *set, *lkg_set = NULL;

	if (!sel || !reg_dword(h, sel, "Current", &cur) || !cur || cur > 999)
		cur = 1;	/* no Select: the first set is the one a new installation boots */
	set = xasprintf("ControlSet%03u", cur);
	reg->control_set = set;
	read_services(h, set, reg);
	if (sel && reg_dword(h, sel, "LastKnownGood", &lkg) && lkg && lkg != cur && lkg <= 999) {
		lkg_set = xasprintf("ControlSet%03u", lkg);
		read_services(h, lkg_set, reg);
	}
	read_devices(h, set, reg);
	el = reg_subkey(h, reg_root(h), set);
	el = el ? reg_subkey(h, el, "Control\\EarlyLaunch") : 0;
	if (el && reg_dword(h, el, "DriverLoadPolicy", &v))
		reg->elam_policy = xasprintf("%u: %s", v, elam_policy_name(v));
	{
		size_t drivers = 0, elam = 0;

		for (size_t i = 0; i < reg->nsvcs; i++) {
			drivers += win_service_is_driver(&reg->svcs[i]);
			elam += reg->svcs[i].early_launch;
		}
		hive_cov(res, src, h,
			 xasprintf("%zu services (%zu drivers, %zu early-launch) of %s%s%s%s, %zu "
				   "device instances%s; early-launch policy %s",
				   reg->nsvcs, drivers, elam, set, lkg_set ? " and " : "",
				   lkg_set ? lkg_set : "", lkg_set ? " (last known good)" : "",
				   reg->ndevices, reg->ndevices >= DEVICES_CAP ? " (the cap: the rest not read)" : "",
				   reg->elam_policy ? reg->elam_policy : "not set (the default)"));
	}
	free(lkg_set);
}

static void add_product(struct win_registry *reg, struct reg_hive *h, reg_key k,
			const char *keypath, const char *view)
{
	static const struct {
		const char *value, *fact;
	} fields[] = {
		{ "DisplayName", "product.name" },
		{ "Publisher", "product.publisher" },
		{ "DisplayVersion", "product.version" },
		{ "InstallLocation", "product.location" },
	};
	struct kvlist f = { 0 };
	char *name = reg_string(h, k, "DisplayName");

	/* an entry without a name is not listed by Windows either (updates, components) */
	if (!name)
		return;
	free(name);
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		char *v = reg_string(h, k, fields[i].value);

		if (v && *v)
			kv_add(&f, fields[i].fact, v);
		free(v);
	}
	kv_add(&f, "product.source", "uninstall");
	kv_add(&f, "product.view", view);
	kv_add(&f, "product.key", keypath);
	fact_set_add(&reg->products, &f);
}

/* The products of one Uninstall key; returns how many entries it holds. */
static size_t read_uninstall(struct reg_hive *h, const char *path, const char *view,
			     struct win_registry *reg)
{
	reg_key un = reg_subkey(h, reg_root(h), path), *kids;
	size_t n;

	if (!un)
		return 0;
	n = reg_subkeys(h, un, &kids);
	for (size_t i = 0; i < n; i++) {
		char *name = reg_key_name(h, kids[i]), *keypath;

		if (!name)
			continue;
		keypath = xasprintf("SOFTWARE\\%s\\%s", path, name);
		add_product(reg, h, kids[i], keypath, view);
		free(keypath);
		free(name);
	}
	free(kids);
	return n;
}

/*
 * The vendors' own keys (SOFTWARE\<vendor>, and WOW6432Node\<vendor> for
 * 32-bit programs): one subject each, with the names of its subkeys.
 */
static size_t read_vendor_keys(struct reg_hive *h, reg_key top, const char *prefix,
			       const char *view, struct win_registry *reg)
{
	reg_key *vendors;
	size_t n = reg_subkeys(h, top, &vendors);

	for (size_t i = 0; i < n; i++) {
		char *name = reg_key_name(h, vendors[i]), *keypath;
		struct kvlist f = { 0 };
		reg_key *kids;
		size_t nk;

		if (!name || !strcasecmp(name, "WOW6432Node") || !strcasecmp(name, "Classes")) {
			free(name);
			continue;
		}
		keypath = xasprintf("%s\\%s", prefix, name);
		kv_add(&f, "product.key", keypath);
		kv_add(&f, "product.source", "vendor key");
		kv_add(&f, "product.view", view);
		nk = reg_subkeys(h, vendors[i], &kids);
		for (size_t k = 0; k < nk && k < VENDOR_SUBKEYS_SHOWN; k++) {
			char *sub = reg_key_name(h, kids[k]);

			if (sub)
				kv_add(&f, "product.subkey", sub);
			free(sub);
		}
		free(kids);
		fact_set_add(&reg->products, &f);
		free(keypath);
		free(name);
	}
	free(vendors);
	return n;
}

static void read_software(struct scan_result *res, struct reg_hive *h, const char *src,
			  struct win_registry *reg)
{
	reg_key cv = reg_subkey(h, reg_root(h), "Microsoft\\Windows NT\\CurrentVersion"), wow;
	char *product = NULL, *build = NULL;
	size_t n64, n32, nv;
	uint32_t major, minor;

	if (cv) {
		char *v = NULL;

		if (reg_dword(h, cv, "CurrentMajorVersionNumber", &major) &&
		    reg_dword(h, cv, "CurrentMinorVersionNumber", &minor)) {
			reg->major = major;
			reg->minor = minor;
			reg->version = xasprintf("%u.%u", major, minor);
		} else if ((v = reg_string(h, cv, "CurrentVersion")) &&
			   sscanf(v, "%u.%u", &major, &minor) == 2) {
			reg->major = major;
			reg->minor = minor;
			reg->version = xasprintf("%u.%u", major, minor);
			free(v);
		} else {
			free(v);
		}
		product = reg_string(h, cv, "ProductName");
		build = reg_string(h, cv, "CurrentBuild");
	}
	n64 = read_uninstall(h, "Microsoft\\Windows\\CurrentVersion\\Uninstall", "64-bit", reg);
	n32 = read_uninstall(h, "WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
			     "32-bit", reg);
	nv = read_vendor_keys(h, reg_root(h), "SOFTWARE", "64-bit", reg);
	wow = reg_subkey(h, reg_root(h), "WOW6432Node");
	if (wow)
		nv += read_vendor_keys(h, wow, "SOFTWARE\\WOW6432Node", "32-bit", reg);
	hive_cov(res, src, h,
		 xasprintf("%s%s%s%s%s: %zu uninstall entries (%zu 64-bit, %zu 32-bit), %zu vendor keys",
			   product ? product : "Windows (product name not set)",
			   reg->version ? " " : "", reg->version ? reg->version : "",
			   build ? " build " : "", build ? build : "", n64 + n32, n64, n32, nv));
	free(product);
	free(build);
}

/* DRIVERS: DriverDatabase\DriverPackages\<package>, with its provider. */
static void read_drivers_hive(struct scan_result *res, struct reg_hive *h, const char *src,
			      struct win_registry *reg)
{
	reg_key pk = reg_subkey(h, reg_root(h), "DriverDatabase\\DriverPackages"), *kids;
	size_t n = 0;

	if (pk) {
		n = reg_subkeys(h, pk, &kids);
		for (size_t i = 0; i < n; i++) {
			char *name = reg_key_name(h, kids[i]), *prov, *keypath;
			struct kvlist f = { 0 };

			if (!name)
				continue;
			keypath = xasprintf("DRIVERS\\DriverDatabase\\DriverPackages\\%s", name);
			kv_add(&f, "product.name", name);
			if ((prov = reg_string(h, kids[i], "Provider")) && *prov)
				kv_add(&f, "product.publisher", prov);
			kv_add(&f, "product.source", "driver package");
			kv_add(&f, "product.key", keypath);
			fact_set_add(&reg->products, &f);
			free(prov);
			free(keypath);
			free(name);
		}
		free(kids);
	}
	hive_cov(res, src, h, xasprintf("%zu driver packages", n));
}

bool win_registry_read(const struct kd_root *root, struct scan_result *res, const char *system32,
		       struct win_registry *out)
{
	struct ci_cache cache = { 0 };
	char *config, *windir, *top, *src;
	struct reg_hive *h;

	memset(out, 0, sizeof(*out));
	out->system32 = xstrdup(system32);
	config = ci_child(root, &cache, system32, "config");
	if (!config) {
		src = xasprintf("/%s/config", system32);
		add_cov(res, src, COV_ERROR,
			xstrdup("no registry: the services and their start types are not known"));
		free(src);
		ci_cache_free(&cache);
		return false;
	}
	h = open_hive(root, res, config, "SYSTEM", true, &src);
	if (!h) {
		free(src);
		free(config);
		ci_cache_free(&cache);
		return false;
	}
	read_system(res, h, src, out);
	reg_close(h);
	free(src);
	/* Windows/System32 -> Windows -> the partition */
	windir = xstrndup(system32, strrchr(system32, '/') ? (size_t)(strrchr(system32, '/') - system32) : 0);
	top = xstrndup(windir, strrchr(windir, '/') ? (size_t)(strrchr(windir, '/') - windir) : 0);
	for (size_t i = 0; i < out->nsvcs; i++)
		resolve_image(root, &cache, windir, top, &out->svcs[i]);
	ci_cache_free(&cache);
	free(windir);
	free(top);
	if ((h = open_hive(root, res, config, "SOFTWARE", true, &src))) {
		read_software(res, h, src, out);
		reg_close(h);
	}
	free(src);
	if ((h = open_hive(root, res, config, "DRIVERS", false, &src))) {
		read_drivers_hive(res, h, src, out);
		reg_close(h);
	}
	free(src);
	free(config);
	return true;
}

struct win_service *win_service_for_file(struct win_registry *reg, const char *path, size_t *from)
{
	for (size_t i = *from; reg && i < reg->nsvcs; i++)
		if (reg->svcs[i].file && !strcmp(reg->svcs[i].file, path)) {
			*from = i + 1;
			return &reg->svcs[i];
		}
	return NULL;
}

void win_service_facts(const struct win_service *s, struct kvlist *f)
{
	char num[32];

	kv_add(f, "service.name", s->name);
	kv_add(f, "service.kind", "windows");
	kv_add(f, "service.type", type_name(s->type));
	kv_add(f, "service.start", win_start_name(s->start));
	kv_add(f, "service.enabled", s->start == 4 ? "no" : "yes");
	snprintf(num, sizeof(num), "0x%x", s->type);
	kv_add(f, "service.type_code", num);
	kv_add(f, "service.key", s->key);
	if (s->image)
		kv_add(f, "service.image", s->image);
	if (s->file)
		kv_add(f, "service.file", s->file);
	if (s->wanted)
		kv_add(f, "service.missing_file", s->wanted);
	if (s->group)
		kv_add(f, "service.group", s->group);
	if (s->display)
		kv_add(f, "service.display_name", s->display);
	if (s->description)
		kv_add(f, "service.description", s->description);
	for (size_t i = 0; i < s->altitudes.n; i++) {
		const char *eq = strrchr(s->altitudes.v[i], '=');

		kv_add(f, "service.altitude", eq ? eq + 1 : s->altitudes.v[i]);
		kv_add(f, "service.instance", s->altitudes.v[i]);
	}
	if (s->early_launch)
		kv_add(f, "service.early_launch", "yes");
	for (size_t i = 0; i < s->devices.n; i++)
		kv_add(f, "service.device", s->devices.v[i]);
	if (s->ndevices > s->devices.n) {
		char *more = xasprintf("and %zu more", s->ndevices - s->devices.n);

		kv_add(f, "service.device", more);
		free(more);
	}
}

void win_registry_free(struct win_registry *reg)
{
	for (size_t i = 0; i < reg->nsvcs; i++) {
		struct win_service *s = &reg->svcs[i];

		free(s->name);
		free(s->key);
		free(s->image);
		free(s->file);
		free(s->wanted);
		free(s->group);
		free(s->display);
		free(s->description);
		sl_free(&s->altitudes);
		sl_free(&s->devices);
	}
	free(reg->svcs);
	free(reg->system32);
	free(reg->control_set);
	free(reg->version);
	free(reg->elam_policy);
	fact_set_free(&reg->products);
	memset(reg, 0, sizeof(*reg));
}
