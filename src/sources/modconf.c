// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modconf.c - which modules the configuration of a root loads, configures or
 * keeps out. Directories are merged as systemd and libkmod do: files are
 * taken in the order of their names, and a name in an earlier directory
 * (etc/ before run/ before lib/) hides the same name later; a symlink to
 * /dev/null masks it. What could not be read is coverage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/modload.h"
#include "sources/modconf.h"
#include "core/util.h"

#define CONF_FILE_CAP (1u << 20)
#define CONF_FILES_MAX 1000		/* per directory */

static const char *const modprobe_dirs[] = {
	"etc/modprobe.d", "run/modprobe.d", "usr/local/lib/modprobe.d", "usr/lib/modprobe.d",
	"lib/modprobe.d",
};
static const char *const modules_load_dirs[] = {
	"etc/modules-load.d", "run/modules-load.d", "usr/local/lib/modules-load.d",
	"usr/lib/modules-load.d", "lib/modules-load.d",
};
static const char *const bls_dirs[] = {
	"boot/loader/entries", "efi/loader/entries", "boot/efi/loader/entries",
};

struct group_cov {
	size_t files, items, skipped, unread;
	struct strbuf gaps;
};

/* Is the entry name of directory rel a symlink to /dev/null (a mask)? */
static bool masked(const struct kd_root *root, const char *rel, const char *name)
{
	char target[64];
	ssize_t n;
	int dfd = root_openat(root, rel, ROOT_DIR | ROOT_FOLLOW);

	if (dfd < 0)
		return false;
	n = readlinkat(dfd, name, target, sizeof(target) - 1);
	close(dfd);
	if (n < 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, "/dev/null");
}

static void gap(struct group_cov *g, const char *fmt, const char *a, const char *b)
{
	if (g->gaps.len)
		sb_puts(&g->gaps, "; ");
	sb_printf(&g->gaps, fmt, a, b);
}

/* The ko file an install command loads, if it names one. */
static char *ko_path(const char *cmd)
{
	const char *p = cmd;

	while (*p) {
		const char *e;

		while (*p == ' ' || *p == '\t' || *p == ';' || *p == '&' || *p == '|')
			p++;
		e = p;
		while (*e && !strchr(" \t;&|", *e))
			e++;
		if (e > p && *p == '/') {
			char *t = xstrndup(p, (size_t)(e - p));

			if (str_has_suffix(t, ".ko") || str_has_suffix(t, ".ko.xz") ||
			    str_has_suffix(t, ".ko.gz") || str_has_suffix(t, ".ko.zst"))
				return t;
			free(t);
		}
		p = e;
	}
	return NULL;
}

static void read_one(const struct kd_root *root, const char *rel, enum modconf_format fmt,
		     struct group_cov *g, struct fact_set *out)
{
	struct modconf_items items = { 0 };
	char *text;
	size_t len;
	int r = root_read_file(root, rel, CONF_FILE_CAP, &text, &len);

	if (r == -ENOENT)
		return;
	if (r) {
		g->unread++;
		gap(g, "/%s: %s", rel, r == -EFBIG ? "larger than 1 MiB, not read" : strerror(-r));
		return;
	}
	g->files++;
	modconf_parse(fmt, text, len, &items);
	free(text);
	if (items.skipped) {
		char n[24];

		snprintf(n, sizeof(n), "%zu", items.skipped);
		gap(g, "/%s: %s lines skipped (too long, NUL bytes or malformed)", rel, n);
		g->skipped += items.skipped;
	}
	if (items.truncated)
		gap(g, "/%s: more than %s modules named, the rest not read", rel, "10000");
	for (size_t i = 0; i < items.n; i++) {
		const struct modconf_item *it = &items.v[i];
		struct kvlist f = { 0 };
		char *src = xasprintf("/%s:%u", rel, it->line);

		kv_add(&f, "module.name", it->module);
		kv_add(&f, "modconf.directive", it->directive);
		kv_add(&f, "modconf.source", src);
		if (!strcmp(it->directive, "install") || !strcmp(it->directive, "remove")) {
			char *ko = ko_path(it->args);

			kv_add(&f, "modconf.command", it->args);
			if (ko) {
				const char *base = strrchr(ko, '/');

				kv_add(&f, "module.path", ko);
				kv_add(&f, "module.file", base + 1);
				free(ko);
			}
		} else if (it->args[0]) {
			kv_add(&f, "modconf.args", it->args);
		}
		free(src);
		fact_set_add(out, &f);
		g->items++;
	}
	modconf_items_free(&items);
}

/* A set of directories merged by file name (*.conf), earlier directories first. */
static void read_dirs(const struct kd_root *root, const char *const *dirs, size_t ndirs,
		      enum modconf_format fmt, struct group_cov *g, struct fact_set *out)
{
	struct strlist names = { 0 }, chosen = { 0 };

	for (size_t d = 0; d < ndirs; d++) {
		struct strlist here = { 0 };
		int r = root_list_dir(root, dirs[d], false, CONF_FILES_MAX, &here);

		if (r == -ENOENT || r == -ENOTDIR) {
			continue;
		} else if (r < 0) {
			g->unread++;
			gap(g, "/%s: %s", dirs[d], strerror(-r));
			continue;
		} else if (r == 1) {
			gap(g, "/%s: more than %s files, the rest not read", dirs[d], "1000");
			g->unread++;
		}
		for (size_t i = 0; i < here.n; i++) {
			if (!str_has_suffix(here.v[i], ".conf") || sl_contains(&names, here.v[i]))
				continue;
			sl_push(&names, xstrdup(here.v[i]));
			if (masked(root, dirs[d], here.v[i]))
				continue;
			sl_push(&chosen, xasprintf("%s/%s", dirs[d], here.v[i]));
		}
		sl_free(&here);
	}
	/* in the order of their names, whatever directory each comes from */
	sl_sort(&names);
	for (size_t n = 0; n < names.n; n++)
		for (size_t i = 0; i < chosen.n; i++) {
			const char *base = strrchr(chosen.v[i], '/') + 1;

			if (!strcmp(base, names.v[n]))
				read_one(root, chosen.v[i], fmt, g, out);
		}
	sl_free(&names);
	sl_free(&chosen);
}

static void group_cov(struct scan_result *res, const char *source, struct group_cov *g,
		      const char *none)
{
	enum cov_status st = g->unread || g->gaps.len ? COV_ERROR : g->files ? COV_OK : COV_ABSENT;

	if (st == COV_ABSENT)
		add_cov(res, source, st, xstrdup(none));
	else
		add_cov(res, source, st, xasprintf("%zu file%s, %zu module%s named%s%s", g->files,
						   g->files == 1 ? "" : "s", g->items,
						   g->items == 1 ? "" : "s", g->gaps.len ? "; " : "",
						   g->gaps.len ? g->gaps.s : ""));
	sb_free(&g->gaps);
}

void modconf_read(const struct kd_root *root, struct scan_result *res, struct fact_set *out)
{
	struct group_cov mp = { 0 }, ml = { 0 }, cl = { 0 };
	char link[64];
	bool etc_modules_linked = false;
	int dfd;

	read_dirs(root, modprobe_dirs, ARRAY_SIZE(modprobe_dirs), MODCONF_MODPROBE, &mp, out);
	group_cov(res, "modprobe.d", &mp, "no modprobe.d file");

	/* Debian links etc/modules-load.d/modules.conf to etc/modules: read it once */
	dfd = root_openat(root, "etc/modules-load.d", ROOT_DIR | ROOT_FOLLOW);
	if (dfd >= 0) {
		ssize_t n = readlinkat(dfd, "modules.conf", link, sizeof(link) - 1);

		if (n > 0) {
			link[n] = '\0';
			etc_modules_linked = !strcmp(link, "../modules") || !strcmp(link, "/etc/modules");
		}
		close(dfd);
	}
	read_dirs(root, modules_load_dirs, ARRAY_SIZE(modules_load_dirs), MODCONF_MODULES_LOAD,
		  &ml, out);
	if (!etc_modules_linked)
		read_one(root, "etc/modules", MODCONF_MODULES_LOAD, &ml, out);
	group_cov(res, "modules-load.d", &ml, "no modules-load.d file, no /etc/modules");

	if (!res->offline) {
		read_one(root, "proc/cmdline", MODCONF_CMDLINE, &cl, out);
	} else {
		read_one(root, "boot/grub/grub.cfg", MODCONF_GRUB_CFG, &cl, out);
		read_one(root, "boot/grub2/grub.cfg", MODCONF_GRUB_CFG, &cl, out);
		read_one(root, "etc/default/grub", MODCONF_GRUB_DEFAULT, &cl, out);
		read_one(root, "etc/kernel/cmdline", MODCONF_CMDLINE, &cl, out);
		for (size_t d = 0; d < ARRAY_SIZE(bls_dirs); d++)
			read_dirs(root, &bls_dirs[d], 1, MODCONF_BLS, &cl, out);
	}
	group_cov(res, "kernel command line", &cl,
		  res->offline ? "no GRUB configuration, BLS entry or etc/kernel/cmdline" :
				 "no proc/cmdline");
}
