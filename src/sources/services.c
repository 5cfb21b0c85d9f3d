// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * services.c - systemd units and SysV init scripts, with whether they start at
 * boot: a unit is enabled when a *.wants/ or *.requires/ directory of
 * etc/systemd/system links to it; a script when an rc2-5.d S link names it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdio.h>
#include <unistd.h>

#include "sources/services.h"
#include "core/util.h"

#define UNIT_FILE_CAP (1u << 20)
#define MAX_UNITS 20000

/* Where systemd looks, most authoritative first: the first unit of a name wins. */
static const char *const unit_dirs[] = {
	"etc/systemd/system", "run/systemd/system", "usr/local/lib/systemd/system",
	"lib/systemd/system", "usr/lib/systemd/system",
};

static void list_dir(const struct kd_root *root, const char *rel, struct strlist *names, bool dirs)
{
	struct dirent *de;
	DIR *d;
	int fd = root_openat(root, rel, ROOT_DIR | ROOT_FOLLOW);

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) && names->n < MAX_UNITS) {
		struct stat st;

		if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (dirs ? S_ISDIR(st.st_mode) : (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
			sl_push(names, xstrdup(de->d_name));
	}
	closedir(d);
	sl_sort(names);
}

char *services_exec_path(const char *value)
{
	const char *p = value, *e;

	while (*p == ' ' || *p == '\t')
		p++;
	while (*p && strchr("-@+!:", *p))
		p++;
	e = p;
	while (*e && *e != ' ' && *e != '\t')
		e++;
	return e > p ? xstrndup(p, (size_t)(e - p)) : NULL;
}

/* The first ExecStart= of a unit file, or NULL. */
static char *unit_exec(const struct kd_root *root, const char *path)
{
	char *text, *line, *save = NULL, *exec = NULL;

	if (root_read_file(root, path, UNIT_FILE_CAP, &text, NULL))
		return NULL;
	for (line = strtok_r(text, "\n", &save); line && !exec; line = strtok_r(NULL, "\n", &save)) {
		while (*line == ' ' || *line == '\t')
			line++;
		if (strncmp(line, "ExecStart=", 10) == 0)
			exec = services_exec_path(line + 10);
	}
	free(text);
	return exec;
}

/* Names of units linked from etc/systemd/system/<target>.wants or .requires. */
static void enabled_units(const struct kd_root *root, struct strlist *out)
{
	struct strlist dirs = { 0 };

	list_dir(root, "etc/systemd/system", &dirs, true);
	for (size_t i = 0; i < dirs.n; i++) {
		char *rel;

		if (!str_has_suffix(dirs.v[i], ".wants") && !str_has_suffix(dirs.v[i], ".requires"))
			continue;
		rel = xasprintf("etc/systemd/system/%s", dirs.v[i]);
		list_dir(root, rel, out, false);
		free(rel);
	}
	sl_free(&dirs);
}

/* Scripts named by S links in etc/rc2.d .. rc5.d (S01kesl -> ../init.d/kesl). */
static void enabled_scripts(const struct kd_root *root, struct strlist *out)
{
	for (int level = 2; level <= 5; level++) {
		struct strlist links = { 0 };
		char rel[32];

		snprintf(rel, sizeof(rel), "etc/rc%d.d", level);
		list_dir(root, rel, &links, false);
		for (size_t i = 0; i < links.n; i++) {
			const char *n = links.v[i];

			/* S, two digits, the script's name */
			if (n[0] == 'S' && n[1] >= '0' && n[1] <= '9' && n[2] >= '0' && n[2] <= '9' && n[3])
				sl_push(out, xstrdup(n + 3));
		}
		sl_free(&links);
	}
}

int services_read(const struct kd_root *root, struct fact_set *out, struct strlist *places)
{
	struct strlist seen = { 0 }, enabled = { 0 }, scripts = { 0 };
	struct stat st;
	int nplaces = 0;

	enabled_units(root, &enabled);
	for (size_t d = 0; d < ARRAY_SIZE(unit_dirs); d++) {
		struct strlist units = { 0 };

		if (root_stat(root, unit_dirs[d], ROOT_FOLLOW, &st) || !S_ISDIR(st.st_mode))
			continue;
		nplaces++;
		sl_push(places, xasprintf("/%s", unit_dirs[d]));
		list_dir(root, unit_dirs[d], &units, false);
		for (size_t i = 0; i < units.n && out->n < MAX_UNITS; i++) {
			struct kvlist f = { 0 };
			char *path, *exec;

			if (!str_has_suffix(units.v[i], ".service") || sl_contains(&seen, units.v[i]))
				continue;
			sl_push(&seen, xstrdup(units.v[i]));
			path = xasprintf("%s/%s", unit_dirs[d], units.v[i]);
			exec = unit_exec(root, path);
			kv_add(&f, "service.name", units.v[i]);
			kv_add(&f, "service.kind", "systemd");
			kv_add(&f, "service.enabled", sl_contains(&enabled, units.v[i]) ? "yes" : "no");
			free(path);
			path = xasprintf("/%s/%s", unit_dirs[d], units.v[i]);
			kv_add(&f, "service.path", path);
			if (exec)
				kv_add(&f, "service.exec", exec);
			fact_set_add(out, &f);
			free(path);
			free(exec);
		}
		sl_free(&units);
	}
	if (root_stat(root, "etc/init.d", ROOT_FOLLOW, &st) == 0 && S_ISDIR(st.st_mode)) {
		struct strlist on = { 0 };

		list_dir(root, "etc/init.d", &scripts, false);
		nplaces++;
		sl_push(places, xstrdup("/etc/init.d"));
		enabled_scripts(root, &on);
		for (size_t i = 0; i < scripts.n && out->n < MAX_UNITS; i++) {
			struct kvlist f = { 0 };
			char *path = xasprintf("/etc/init.d/%s", scripts.v[i]);

			kv_add(&f, "service.name", scripts.v[i]);
			kv_add(&f, "service.kind", "sysv");
			kv_add(&f, "service.enabled", sl_contains(&on, scripts.v[i]) ? "yes" : "no");
			kv_add(&f, "service.path", path);
			fact_set_add(out, &f);
			free(path);
		}
		sl_free(&on);
	}
	sl_free(&scripts);
	sl_free(&seen);
	sl_free(&enabled);
	return nplaces;
}
