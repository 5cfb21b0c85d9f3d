// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * catroot.c - the catalogs of a Windows installation. Windows keeps the
 * catalogs it trusts as System32/CatRoot/{GUID}/NAME.cat; a driver with no
 * embedded signature is signed when one of them, with a good signature, lists
 * its Authenticode digest (SHA-1 in old catalogs, SHA-256 in new ones).
 * We look only for the digests of the unsigned drivers we found.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sources/boot/catroot.h"
#include "core/util.h"

#define CAT_CAP (64u << 20)
#define MAX_CATALOG_DIRS 64
#define MAX_CATALOGS 100000
#define MAX_DRIVER_PACKAGES 16384	/* a Windows 11 FileRepository holds ~1,000 */

static const char *const digest_algos[] = { "sha1", "sha256" };

void catroot_want(struct catroot *c, const struct pe_image *pe)
{
	for (size_t i = 0; i < ARRAY_SIZE(digest_algos); i++) {
		struct cat_want w = { .algo = digest_algos[i] };

		if (authenticode_digest(pe, w.algo, w.digest, &w.len))
			continue;
		c->wants = xreallocarray(c->wants, c->nwants + 1, sizeof(*c->wants));
		c->wants[c->nwants++] = w;
	}
}

static bool is_catalog_name(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && (!strcmp(name + n - 4, ".cat") || !strcmp(name + n - 4, ".CAT") ||
			 !strcmp(name + n - 4, ".Cat"));
}

/* Keep a catalog that lists wanted digests; a good signature wins over a bad one. */
static void keep(struct catroot *c, const char *path, struct cat_result *r, const bool *matched)
{
	size_t idx = c->ncats;

	c->cats = xreallocarray(c->cats, c->ncats + 1, sizeof(*c->cats));
	c->cats[c->ncats].path = xasprintf("/%s", path);
	c->cats[c->ncats++].res = *r;
	for (size_t i = 0; i < c->nwants; i++) {
		if (!matched[i])
			continue;
		if (!c->found[i] || (!c->cats[c->found[i] - 1].res.sig.sig_ok && r->sig.sig_ok))
			c->found[i] = idx + 1;
	}
}

static void read_catalog(struct catroot *c, const struct kd_root *root, const char *rel)
{
	bool *matched = xcalloc(c->nwants, sizeof(*matched));
	struct cat_result r;
	char *err = NULL, *buf;
	size_t len;

	if (root_read_file(root, rel, CAT_CAP, &buf, &len)) {
		c->bad++;
		free(matched);
		return;
	}
	if (catalog_check((const uint8_t *)buf, len, c->wants, c->nwants, matched, &r, &err)) {
		c->bad++;
	} else {
		c->read++;
		c->members += r.members;
		if (r.matches)
			keep(c, rel, &r, matched);
		else
			cat_result_free(&r);
	}
	free(err);
	free(buf);
	free(matched);
}

/* The catalogs one level below top (CatRoot's GUID folders, the driver store's packages). */
static int load_subdirs(struct catroot *c, const struct kd_root *root, const char *top,
			size_t max_dirs)
{
	struct strlist dirs = { 0 };
	int r;

	if (!c->found)
		c->found = xcalloc(c->nwants ? c->nwants : 1, sizeof(*c->found));
	r = root_list_dir(root, top, false, max_dirs, &dirs);
	if (r > 0)
		c->bad++;	/* more folders than we read: say so */
	for (size_t d = 0; r >= 0 && c->nwants && d < dirs.n; d++) {
		char *sub = xasprintf("%s/%s", top, dirs.v[d]);
		struct strlist files = { 0 };

		if (root_list_dir(root, sub, false, MAX_CATALOGS, &files) > 0)
			c->bad++;	/* more catalogs than we read: say so */
		for (size_t f = 0; f < files.n; f++) {
			char *rel;

			if (!is_catalog_name(files.v[f]))
				continue;
			rel = xasprintf("%s/%s", sub, files.v[f]);
			read_catalog(c, root, rel);
			free(rel);
		}
		sl_free(&files);
		free(sub);
	}
	sl_free(&dirs);
	return r < 0 ? r : 0;
}

int catroot_load(struct catroot *c, const struct kd_root *root, const char *system32)
{
	static const char *const names[] = { "CatRoot", "catroot", "Catroot", "CATROOT" };
	char *top = NULL;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(names) && !top; i++) {
		struct stat st;

		top = xasprintf("%s/%s", system32, names[i]);
		if (root_stat(root, top, ROOT_FOLLOW, &st) || !S_ISDIR(st.st_mode)) {
			free(top);
			top = NULL;
		}
	}
	if (!top)
		return -ENOENT;
	r = load_subdirs(c, root, top, MAX_CATALOG_DIRS);
	free(top);
	return r;
}

int catroot_load_packages(struct catroot *c, const struct kd_root *root, const char *store)
{
	return load_subdirs(c, root, store, MAX_DRIVER_PACKAGES);
}

const struct cat_entry *catroot_lookup(const struct catroot *c, const struct pe_image *pe)
{
	const struct cat_entry *best = NULL;

	for (size_t i = 0; c->found && i < ARRAY_SIZE(digest_algos); i++) {
		uint8_t md[64];
		unsigned int len;

		if (authenticode_digest(pe, digest_algos[i], md, &len))
			continue;
		for (size_t k = 0; k < c->nwants; k++) {
			const struct cat_want *w = &c->wants[k];

			if (!c->found[k] || strcmp(w->algo, digest_algos[i]) || w->len != len ||
			    memcmp(w->digest, md, len))
				continue;
			if (!best || (!best->res.sig.sig_ok && c->cats[c->found[k] - 1].res.sig.sig_ok))
				best = &c->cats[c->found[k] - 1];
		}
	}
	return best;
}

const char *catroot_member(const struct cat_entry *e, const struct kvlist *l,
			   const struct pe_image *pe)
{
	const char *v = NULL;

	(void)e;
	for (size_t i = 0; l->n && i < ARRAY_SIZE(digest_algos) && !v; i++) {
		uint8_t md[64];
		unsigned int len;
		char *hex;

		if (authenticode_digest(pe, digest_algos[i], md, &len))
			continue;
		hex = hex_encode(md, len, 0);
		v = kv_get(l, hex);
		free(hex);
	}
	return v;
}

void catroot_free(struct catroot *c)
{
	for (size_t i = 0; i < c->ncats; i++) {
		free(c->cats[i].path);
		cat_result_free(&c->cats[i].res);
	}
	free(c->cats);
	free(c->wants);
	free(c->found);
	memset(c, 0, sizeof(*c));
}
