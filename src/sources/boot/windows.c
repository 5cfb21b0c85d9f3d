// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * windows.c - the drivers of a Windows installation (given with --windows, or found
 * in the root or on the NTFS mounts of etc/fstab), in System32/drivers and in the
 * driver store (each tied to its package's INF), with the catalogs that sign the
 * drivers that carry no signature of their own.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/root.h"
#include "core/util.h"
#include "formats/pe.h"
#include "sources/boot/fstab.h"
#include "sources/boot/image.h"
#include "sources/boot/windows.h"
#include "sources/boot/catroot.h"
#include "sources/boot/winsvc.h"
#include "sources/boot/driverstore.h"
#include "sources/filewalk.h"
#include "store/apply.h"
#include "store/result.h"

static bool is_ntfs(const char *type)
{
	return strncmp(type, "ntfs", 4) == 0 || strcmp(type, "fuseblk") == 0;
}

static void on_driver_file(const char *path, const char *name, uint64_t size, int dirfd, void *ctx)
{
	struct esp_walk *w = ctx;
	uint8_t *buf;
	size_t len;

	if (!str_has_suffix(name, ".sys") && !str_has_suffix(name, ".SYS") &&
	    !str_has_suffix(name, ".Sys"))
		return;
	w->seen_pe++;
	if (size > PE_CAP) {
		struct boot_ctx *b = w->b;

		b->res->pes = xreallocarray(b->res->pes, b->res->npes + 1, sizeof(*b->res->pes));
		memset(&b->res->pes[b->res->npes], 0, sizeof(b->res->pes[0]));
		b->res->pes[b->res->npes].path = xstrdup(path);
		b->res->pes[b->res->npes].kind = "driver";
		b->res->pes[b->res->npes].size = size;
		b->res->pes[b->res->npes].status = SIG_UNREAD;
		b->res->pes[b->res->npes].catalog_os_covered = -1;
		b->res->pes[b->res->npes].reason = xstrdup("over the 64 MiB cap; not read");
		b->res->npes++;
		return;
	}
	/* every .sys is reported, an empty one as malformed */
	if (read_walked(dirfd, name, size, 0, &buf, &len))
		return;
	if (w->ds) {
		/* in the driver store: what its package's INF says of it */
		struct kvlist pkg = { 0 };

		driverstore_facts(w->ds, w->b->root, path, name, &pkg);
		w->b->extra = &pkg;
		inspect_pe(w->b, path, "driver", buf, len, false);
		w->b->extra = NULL;
		kv_free(&pkg);
	} else {
		inspect_pe(w->b, path, "driver", buf, len, false);
	}
	free(buf);
}

/* A driver with no PKCS#7 entry in its certificate table: only a catalog can sign it. */
static void want_if_unsigned(struct catroot *c, const uint8_t *buf, size_t len)
{
	struct pe_image pe;
	struct pe_cert *certs;
	const char *reason;
	int n, signed_data = 0;

	if (pe_parse(buf, len, &pe, &reason))
		return;
	n = pe_certificates(&pe, &certs, &reason);
	for (int i = 0; i < n; i++)
		signed_data += certs[i].type == 0x0002;	/* WIN_CERT_TYPE_PKCS_SIGNED_DATA */
	if (n >= 0 && !signed_data)
		catroot_want(c, &pe);
	if (n > 0)
		free(certs);
	pe_free(&pe);
}

/* First pass over a drivers folder: the digests of the drivers with no signature of their own. */
static void on_driver_want(const char *path, const char *name, uint64_t size, int dirfd, void *ctx)
{
	uint8_t *buf;
	size_t len;

	(void)path;
	if (!str_has_suffix(name, ".sys") && !str_has_suffix(name, ".SYS") &&
	    !str_has_suffix(name, ".Sys"))
		return;
	if (read_walked(dirfd, name, size, 1, &buf, &len))
		return;
	want_if_unsigned(ctx, buf, len);
	free(buf);
}

/* Is path ("/a/b") below the directory dir of the root ("a")? */
static bool under(const char *path, const char *dir)
{
	size_t n = dir ? strlen(dir) : 0;

	return dir && path[0] == '/' && !strncmp(path + 1, dir, n) && path[n + 1] == '/';
}

/* A driver file a service names outside the folders walked (any name): read it, or NULL. */
static uint8_t *read_service_file(struct boot_ctx *b, const struct win_service *s, size_t *len)
{
	uint8_t *buf;
	int fd = root_openat(b->root, s->file + 1, 0);

	if (fd < 0 || fd_read_regular(fd, PE_CAP, &buf, len))
		return NULL;
	return buf;
}

/* The services' driver files that the walks of drivers and store do not read. */
static bool outside_walks(const struct win_service *s, const char *drivers, const char *store)
{
	return win_service_is_driver(s) && s->file && !under(s->file, drivers) &&
	       !under(s->file, store);
}

static void want_service_files(struct boot_ctx *b, const char *drivers, const char *store,
			       struct catroot *c)
{
	for (size_t i = 0; b->reg && i < b->reg->nsvcs; i++) {
		const struct win_service *s = &b->reg->svcs[i];
		uint8_t *buf;
		size_t len;

		if (!outside_walks(s, drivers, store) || !(buf = read_service_file(b, s, &len)))
			continue;
		want_if_unsigned(c, buf, len);
		free(buf);
	}
}

/*
 * The catalogs for the drivers of a drivers folder and of the driver store
 * (NULL when there is none) that carry no signature of their own: those of
 * system32/CatRoot, and each driver package's own.
 */
static void load_catalogs(struct boot_ctx *b, const char *drivers, const char *store,
			  struct catroot *c)
{
	struct walk_seen seen = { 0 };
	struct walk_stats st;
	size_t budget = ESP_FILE_BUDGET * 5;
	char *system32 = xstrndup(drivers, strlen(drivers) - strlen("/drivers")), *src;
	int r;

	files_walk(b->root, drivers, &seen, &budget, &st, on_driver_want, c);
	if (store)
		files_walk(b->root, store, &seen, &budget, &st, on_driver_want, c);
	walk_seen_free(&seen);
	want_service_files(b, drivers, store, c);
	if (store && c->nwants) {
		size_t before = c->read, bad = c->bad;

		r = catroot_load_packages(c, b->root, store);
		src = xasprintf("/%s (package catalogs)", store);
		add_cov(b->res, src, r ? cov_from_errno(r) : c->bad > bad ? COV_ERROR : COV_OK,
			r ? xstrdup(strerror(-r)) :
			    xasprintf("%zu catalogs of driver packages read%s", c->read - before,
				      c->bad > bad ? ", some unreadable, unparseable or not read" : ""));
		free(src);
	}
	r = catroot_load(c, b->root, system32);
	src = xasprintf("/%s/CatRoot", system32);
	if (r) {
		add_cov(b->res, src, cov_from_errno(r),
			xasprintf("%s: drivers without an embedded signature show as unsigned",
				  strerror(-r)));
	} else if (!c->nwants) {
		add_cov(b->res, src, COV_OK,
			xstrdup("not read: every driver carries its own signature"));
	} else {
		add_cov(b->res, src, c->bad ? COV_ERROR : COV_OK,
			xasprintf("%zu catalogs read (%zu members)%s; %zu of them list drivers "
				  "without an embedded signature", c->read, c->members,
				  c->bad ? ", some unreadable or unparseable" : "", c->ncats));
	}
	free(src);
	free(system32);
}

/* The record of the image at path, when one was inspected. */
static const struct pe_rec *pe_at(const struct scan_result *res, const char *path)
{
	for (size_t i = res->npes; i-- > 0;)
		if (!strcmp(res->pes[i].path, path))
			return &res->pes[i];
	return NULL;
}

/*
 * The driver files services name outside System32/drivers and the driver
 * store, which may have any name ("\??\C:\ProgramData\...\x.dat"):
 * inspected like the others, once each.
 */
static void inspect_service_files(struct boot_ctx *b, const char *drivers, const char *store)
{
	struct win_registry *reg = b->reg;
	size_t outside = 0, missing = 0, unreadable = 0;
	char *src;

	for (size_t i = 0; i < reg->nsvcs; i++) {
		struct win_service *s = &reg->svcs[i];
		uint8_t *buf;
		size_t len;

		if (!win_service_is_driver(s))
			continue;
		missing += !s->file;
		if (!outside_walks(s, drivers, store) || s->inspected || pe_at(b->res, s->file))
			continue;
		outside++;
		if (!(buf = read_service_file(b, s, &len))) {
			unreadable++;
			continue;
		}
		inspect_pe(b, s->file, "driver", buf, len, false);
		free(buf);
	}
	src = xasprintf("/%s/config/SYSTEM (driver files)", reg->system32);
	add_cov(b->res, src, unreadable ? COV_ERROR : COV_OK,
		xasprintf("%zu driver services name a file outside the drivers folders (%zu of them "
			  "unreadable), %zu name no file that exists", outside, unreadable, missing));
	free(src);
}

/*
 * A Windows service a rule names: as severe as its rule when its file is there
 * and Windows starts it (a driver: at boot or system start, and signed; a
 * program: unless disabled), one step lower otherwise, and at most medium when
 * its file is missing (a remnant that reinstalls, or a file renamed).
 */
static void service_findings(struct boot_ctx *b)
{
	struct win_registry *reg = b->reg;

	for (size_t i = 0; i < reg->nsvcs; i++) {
		const struct win_service *s = &reg->svcs[i];
		const struct pe_rec *pr = s->file ? pe_at(b->res, s->file) : NULL;
		struct subject subj = host_subject(b->root);
		struct kvlist facts = { 0 }, first = { 0 };
		bool lower;
		struct finding *f;

		win_service_facts(s, &facts);
		subj.facts = &facts;
		if (win_service_is_driver(s))
			lower = !win_driver_loads_at_start(s, pr);
		else
			lower = s->start == 4;
		evidence_add(&first, "service.start", win_start_name(s->start));
		if (pr)
			evidence_add(&first, "signature", sig_status_name(pr->status));
		else if (s->file)
			evidence_add(&first, "signature", sig_status_name(SIG_UNREAD));
		f = apply_subject_rules(b->res, &subj, KIND_SERVICE, lower, "service", s->name,
					s->file, &first);
		if (f && !s->file && f->severity > SEV_MEDIUM)
			f->severity = SEV_MEDIUM;
		for (size_t k = 0; f && k < facts.n; k++)
			evidence_add(&f->evidence, facts.v[k].key, facts.v[k].value);
		if (f && pr && pr->catalog)
			evidence_add(&f->evidence, "catalog", pr->catalog);
		kv_free(&facts);
		kv_free(&first);
	}
}

/* The products, vendor keys and driver packages a rule names. */
static void product_findings(struct boot_ctx *b)
{
	const struct fact_set *set = &b->reg->products;

	for (size_t i = 0; i < set->n; i++) {
		const struct kvlist *facts = &set->v[i];
		struct subject subj = host_subject(b->root);
		const char *name = kv_get(facts, "product.name");
		struct finding *f;

		subj.facts = facts;
		f = apply_subject_rules(b->res, &subj, KIND_PRODUCT, false, "registry",
					name ? name : kv_get(facts, "product.key"), NULL, NULL);
		for (size_t k = 0; f && k < facts->n; k++)
			evidence_add(&f->evidence, facts->v[k].key, facts->v[k].value);
	}
}

/* A directory that holds a Windows installation: Windows/System32/drivers in any case. */
char *boot_windows_drivers_dir(const struct kd_root *root, const char *top)
{
	static const char *const layouts[] = {
		"Windows/System32/drivers", "WINDOWS/system32/drivers", "Windows/system32/drivers",
		"WINDOWS/System32/drivers", "windows/system32/drivers",
	};

	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++) {
		char *rel = xasprintf("%s%s%s", top, *top ? "/" : "", layouts[i]);
		struct stat st;

		if (root_stat(root, rel, ROOT_FOLLOW, &st) == 0 && S_ISDIR(st.st_mode))
			return rel;
		free(rel);
	}
	return NULL;
}

/*
 * The driver store beside a drivers folder (system32/DriverStore/FileRepository):
 * every driver package Windows has staged, installed or not, each in a folder
 * of its own with its INF, its files and its catalog. NULL when there is none.
 */
static char *driver_store_dir(const struct kd_root *root, const char *drivers)
{
	static const char *const layouts[] = {
		"DriverStore/FileRepository", "driverstore/FileRepository",
		"DriverStore/filerepository", "driverstore/filerepository", "DRIVERSTORE/FILEREPOSITORY",
	};
	char *system32 = xstrndup(drivers, strlen(drivers) - strlen("/drivers"));

	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++) {
		char *rel = xasprintf("%s/%s", system32, layouts[i]);
		struct stat st;

		if (root_stat(root, rel, ROOT_FOLLOW, &st) == 0 && S_ISDIR(st.st_mode)) {
			free(system32);
			return rel;
		}
		free(rel);
	}
	free(system32);
	return NULL;
}

/* Where a Windows partition may be mounted: etc/fstab (ntfs), under mnt and media (two levels). */
static void windows_candidates(const struct kd_root *root, struct strlist *out)
{
	static const char *const parents[] = { "mnt", "media" };

	fstab_mounts(root, is_ntfs, out);
	for (size_t i = 0; i < ARRAY_SIZE(parents); i++) {
		struct strlist names = { 0 };

		root_list_dir(root, parents[i], false, 256, &names);
		for (size_t k = 0; k < names.n; k++) {
			char *top;

			if (names.v[k][0] == '.')
				continue;
			top = xasprintf("%s/%s", parents[i], names.v[k]);
			if (!sl_contains(out, top))
				sl_push(out, xstrdup(top));
			/* media/<user>/<label> */
			if (i == 1) {
				struct strlist labels = { 0 };

				root_list_dir(root, top, false, 256, &labels);
				for (size_t l = 0; l < labels.n && out->n < 512; l++)
					if (labels.v[l][0] != '.')
						sl_push(out, xasprintf("%s/%s", top, labels.v[l]));
				sl_free(&labels);
			}
			free(top);
		}
		sl_free(&names);
	}
}

void scan_windows(struct boot_ctx *b, const struct strlist *given)
{
	struct strlist tops = { 0 }, seen_dirs = { 0 };
	struct walk_seen seen = { 0 };
	size_t budget = ESP_FILE_BUDGET * 5;

	for (size_t i = 0; i < given->n; i++)
		sl_push(&tops, xstrdup(given->v[i][0] == '/' ? given->v[i] + 1 : given->v[i]));
	/* inside an offline root, or when none is named, look for one */
	if (!given->n || b->res->offline) {
		sl_push(&tops, xstrdup(""));
		windows_candidates(b->root, &tops);
	}
	for (size_t i = 0; i < tops.n; i++) {
		char *dir = boot_windows_drivers_dir(b->root, tops.v[i]), *src, *store, *system32;
		struct esp_walk w = { .b = b }, ws = { .b = b };
		struct win_registry reg;
		struct catroot cat = { 0 };
		struct walk_stats st;
		int r;

		if (!dir) {
			if (i < given->n) {
				src = xasprintf("/%s", tops.v[i]);
				add_cov(b->res, src, COV_ERROR, xstrdup("--windows: no Windows/System32/drivers"));
				free(src);
			}
			continue;
		}
		if (sl_contains(&seen_dirs, dir)) {
			free(dir);
			continue;
		}
		sl_push(&seen_dirs, xstrdup(dir));
		/* what the registry says will load, before the drivers are judged */
		system32 = xstrndup(dir, strlen(dir) - strlen("/drivers"));
		b->reg = win_registry_read(b->root, b->res, system32, &reg) ? &reg : NULL;
		free(system32);
		store = driver_store_dir(b->root, dir);
		load_catalogs(b, dir, store, &cat);
		b->cat = &cat;
		r = files_walk(b->root, dir, &seen, &budget, &st, on_driver_file, &w);
		src = xasprintf("/%s", dir);
		if (r)
			add_cov(b->res, src, cov_from_errno(r), xstrdup(strerror(-r)));
		else if (st.dirs)
			add_walk_cov(b->res, src, &st,
				     xasprintf("Windows drivers: %zu .sys files", w.seen_pe));
		free(src);
		/* a driver staged in the store loads as soon as a device wants it */
		if (store) {
			struct driverstore ds;

			driverstore_init(&ds, store);
			ws.ds = &ds;
			r = files_walk(b->root, store, &seen, &budget, &st, on_driver_file, &ws);
			src = xasprintf("/%s", store);
			if (r)
				add_cov(b->res, src, cov_from_errno(r), xstrdup(strerror(-r)));
			else
				add_walk_cov(b->res, src, &st,
					     xasprintf("Windows driver store: %zu .sys files in %zu "
						       "folders", ws.seen_pe, st.dirs));
			free(src);
			driverstore_finish(&ds, b->res);
		} else {
			src = xasprintf("/%.*s/DriverStore/FileRepository",
					(int)(strlen(dir) - strlen("/drivers")), dir);
			add_cov(b->res, src, COV_ABSENT, xstrdup("no driver store"));
			free(src);
		}
		if (b->reg) {
			inspect_service_files(b, dir, store);
			service_findings(b);
			product_findings(b);
		}
		b->reg = NULL;
		win_registry_free(&reg);
		b->cat = NULL;
		catroot_free(&cat);
		free(store);
		free(dir);
	}
	sl_free(&tops);
	sl_free(&seen_dirs);
	walk_seen_free(&seen);
}
