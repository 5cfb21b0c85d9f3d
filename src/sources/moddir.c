// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * moddir.c - name -> file lookups in a release's modules.dep.
 *
 * On the live host libkmod answers from modules.dep.bin, as modprobe would.
 * An offline root is untrusted input, and libkmod's index reader trusts the
 * offsets inside modules.dep.bin; there we read the text modules.dep through
 * the root layer instead, with the same answers for a well-formed directory.
 * The portable (static) build has no libkmod and uses that reader everywhere.
 */
#include <errno.h>
#include <fcntl.h>
#ifndef KD_PORTABLE
#include <libkmod.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/moddir.h"
#include "core/util.h"

#define MODULES_DEP_CAP (64u << 20)
#define BUILTIN_MODINFO_CAP (16u << 20)
#define MAX_BUILTIN_MODULES 20000

struct moddir {
#ifndef KD_PORTABLE
	struct kmod_ctx *kmod;		/* live host */
	char *kmod_dir;
#endif
	struct strlist names;		/* offline: normalised names ... */
	struct strlist paths;		/* ... and their paths, same order */
};

static char *normalise(const char *name, size_t n)
{
	char *s = xstrndup(name, n);

	for (char *p = s; *p; p++)
		if (*p == '-')
			*p = '_';
	return s;
}

/* The module name of a modules.dep path: basename without .ko and compression suffix. */
static char *name_of_path(const char *path, size_t n)
{
	const char *base = path, *dot;

	for (size_t i = 0; i < n; i++)
		if (path[i] == '/')
			base = path + i + 1;
	dot = memmem(base, (size_t)(path + n - base), ".ko", 3);
	if (!dot || dot == base)
		return NULL;
	return normalise(base, (size_t)(dot - base));
}

#ifndef KD_PORTABLE
static void quiet_log(void *data, int priority, const char *file, int line, const char *fn,
		      const char *format, va_list args)
{
	(void)data, (void)priority, (void)file, (void)line, (void)fn, (void)format, (void)args;
}

static struct moddir *open_kmod(const char *release_dir, char **detail)
{
	const char *no_config[] = { NULL };
	struct moddir *md;
	struct stat st;
	char *dir = xasprintf("/%s", release_dir);
	char *bin = xasprintf("%s/modules.dep.bin", dir);

	if (lstat(bin, &st) < 0 || !S_ISREG(st.st_mode)) {
		*detail = xstrdup("modules.dep.bin missing");
		free(bin);
		free(dir);
		return NULL;
	}
	free(bin);
	md = xcalloc(1, sizeof(*md));
	/* no configuration: we want what the directory says, not host overrides */
	md->kmod = kmod_new(dir, no_config);
	if (!md->kmod) {
		*detail = xstrdup("libkmod could not open the module directory");
		free(dir);
		free(md);
		return NULL;
	}
	kmod_set_log_fn(md->kmod, quiet_log, NULL);
	md->kmod_dir = dir;
	*detail = xstrdup("modules.dep.bin read with libkmod");
	return md;
}

static char *lookup_kmod(struct moddir *md, const char *norm);
#endif

static struct moddir *open_text(const struct kd_root *root, const char *release_dir, char **detail)
{
	char *rel = xasprintf("%s/modules.dep", release_dir), *text, *line, *save = NULL;
	struct moddir *md;
	size_t len;
	int r;

	r = root_read_file(root, rel, MODULES_DEP_CAP, &text, &len);
	free(rel);
	if (r) {
		*detail = xasprintf("modules.dep not read: %s", strerror(-r));
		return NULL;
	}
	md = xcalloc(1, sizeof(*md));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':'), *name;

		if (!colon || colon == line)
			continue;
		name = name_of_path(line, (size_t)(colon - line));
		if (!name)
			continue;
		sl_push(&md->names, name);
		sl_push(&md->paths, xstrndup(line, (size_t)(colon - line)));
	}
	free(text);
	*detail = xasprintf("modules.dep read (%zu entries)", md->names.n);
	return md;
}

struct moddir *moddir_open(const struct kd_root *root, const char *release_dir, char **detail)
{
#ifndef KD_PORTABLE
	if (!root->offline)
		return open_kmod(release_dir, detail);
#endif
	return open_text(root, release_dir, detail);
}

/* modules.dep paths are relative to the release directory; old depmod wrote absolute ones. */
static char *relative_to_release(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n && strncmp(path, dir, n) == 0 && path[n] == '/')
		return xstrdup(path + n + 1);
	if (strncmp(path, "/usr/lib/modules/", 17) == 0)
		path += 4;
	if (strncmp(path, "/lib/modules/", 13) == 0) {
		const char *p = strchr(path + 13, '/');

		return p ? xstrdup(p + 1) : NULL;
	}
	return path[0] == '/' ? NULL : xstrdup(path);
}

char *moddir_lookup(struct moddir *md, const char *name)
{
	char *norm = normalise(name, strlen(name)), *out = NULL;

#ifndef KD_PORTABLE
	if (md->kmod) {
		out = lookup_kmod(md, norm);
		free(norm);
		return out;
	}
#endif
	for (size_t i = 0; i < md->names.n; i++) {
		if (strcmp(md->names.v[i], norm) == 0) {
			out = relative_to_release(md->paths.v[i], "");
			break;
		}
	}
	free(norm);
	return out;
}

#ifndef KD_PORTABLE
static char *lookup_kmod(struct moddir *md, const char *norm)
{
	struct kmod_module *mod = NULL;
	char *out = NULL;

	if (kmod_module_new_from_name(md->kmod, norm, &mod) == 0) {
		const char *path = kmod_module_get_path(mod);

		if (path)
			out = relative_to_release(path, md->kmod_dir);
		kmod_module_unref(mod);
	}
	return out;
}
#endif

void moddir_close(struct moddir *md)
{
	if (!md)
		return;
#ifndef KD_PORTABLE
	if (md->kmod)
		kmod_unref(md->kmod);
	free(md->kmod_dir);
#endif
	sl_free(&md->names);
	sl_free(&md->paths);
	free(md);
}

/* A module name as the kernel writes it: no '.', no separator, printable. */
static bool builtin_name_ok(const char *s, size_t n)
{
	if (!n || n > 255)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == '/' || s[i] == 0x7f)
			return false;
	return true;
}

size_t moddir_parse_builtin_modinfo(const char *p, size_t n, struct fact_set *out)
{
	const char *end = p + n, *cur = p;
	struct kvlist *mod = NULL;
	size_t bad = 0;

	while (cur < end) {
		const char *z = memchr(cur, '\0', (size_t)(end - cur));
		const char *e = z ? z : end, *dot, *eq;
		char *name, *key;

		if (e == cur) {
			cur = e + 1;
			continue;
		}
		dot = memchr(cur, '.', (size_t)(e - cur));
		eq = dot ? memchr(dot, '=', (size_t)(e - dot)) : NULL;
		if (!eq || !builtin_name_ok(cur, (size_t)(dot - cur)) || eq == dot + 1) {
			bad++;
			cur = e + 1;
			continue;
		}
		name = xstrndup(cur, (size_t)(dot - cur));
		/* the entries of one module stand together; a name seen before starts a new list */
		if (!mod || strcmp(kv_get(mod, "module.name"), name)) {
			struct kvlist l = { 0 };

			if (out->n >= MAX_BUILTIN_MODULES) {
				free(name);
				return bad + 1;
			}
			kv_add(&l, "module.name", name);
			fact_set_add(out, &l);
			mod = &out->v[out->n - 1];
		}
		key = xasprintf("modinfo.%.*s", (int)(eq - dot - 1), dot + 1);
		kv_addn(mod, key, eq + 1, (size_t)(e - eq - 1));
		free(key);
		free(name);
		cur = e + 1;
	}
	return bad;
}

int moddir_builtin_modinfo(const struct kd_root *root, const char *release_dir,
			   struct fact_set *out)
{
	char *rel = xasprintf("%s/modules.builtin.modinfo", release_dir), *text;
	size_t len;
	int r = root_read_file(root, rel, BUILTIN_MODINFO_CAP, &text, &len);

	free(rel);
	if (r)
		return r;
	moddir_parse_builtin_modinfo(text, len, out);
	free(text);
	return 0;
}
