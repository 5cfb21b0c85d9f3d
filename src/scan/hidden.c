// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hidden.c - the views of loaded modules a rootkit has to keep consistent:
 * proc/modules, the sys/module entries of loadable modules (those with an
 * initstate file), the [module] tags of proc/kallsyms, and each module's
 * sys/module/<name>/sections. A module in one view and missing from another
 * is reported; so are taint flags no visible module explains.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scan/hidden.h"
#include "sources/procfs.h"
#include "store/result.h"
#include "core/util.h"

/* l is sorted. */
static bool in_list(const struct strlist *l, const char *name)
{
	return l->n && bsearch(&name, l->v, l->n, sizeof(*l->v), cmp_strp) != NULL;
}

static void hidden(struct scan_result *res, const char *rule, const char *name, const char *summary,
		   const char *seen_in, const char *missing_from)
{
	struct finding *f = add_finding(res, rule, SEV_HIGH, "hidden", name, NULL, xstrdup(summary));

	kv_add(&f->evidence, "seen_in", seen_in);
	kv_add(&f->evidence, "missing_from", missing_from);
}

void scan_hidden(const struct kd_root *root, struct scan_result *res)
{
	struct strlist procmods = { 0 }, sysmods = { 0 }, symmods = { 0 };
	int rs, rk;

	/* only a running kernel has views to compare */
	if (!res->nloaded && !res->have_taint)
		return;
	for (size_t i = 0; i < res->nloaded; i++)
		sl_push(&procmods, xstrdup(res->loaded[i].name));
	sl_sort(&procmods);
	rs = procfs_sysfs_modules(root, &sysmods);
	if (rs > 0)
		add_cov(res, "sys/module", COV_ERROR,
			xasprintf("more than %d entries: not compared with proc/modules",
				  PROCFS_MAX_SYSFS_MODULES));
	rk = procfs_kallsyms_modules(root, &symmods);
	add_cov(res, "proc/kallsyms", rk ? cov_from_errno(rk) : COV_OK,
		rk ? xstrdup(strerror(-rk)) : xasprintf("%zu modules with symbols", symmods.n));
	for (size_t i = 0; !rs && i < sysmods.n; i++)
		if (!in_list(&procmods, sysmods.v[i]))
			hidden(res, "KD-HIDDEN-PROC", sysmods.v[i],
			       "loadable module in sys/module is missing from proc/modules",
			       "sys/module", "proc/modules");
	for (size_t i = 0; !rs && i < procmods.n; i++)
		if (!in_list(&sysmods, procmods.v[i]))
			hidden(res, "KD-HIDDEN-SYSFS", procmods.v[i],
			       "module in proc/modules has no sys/module entry", "proc/modules",
			       "sys/module");
	for (size_t i = 0; !rk && i < symmods.n; i++)
		if (!in_list(&procmods, symmods.v[i]))
			hidden(res, "KD-HIDDEN-PROC", symmods.v[i],
			       "module with symbols in proc/kallsyms is missing from proc/modules",
			       "proc/kallsyms", "proc/modules");
	/*
	 * With CONFIG_KALLSYMS every loaded module has sys/module/<name>/sections;
	 * when others have theirs, one without hides something.
	 */
	if (!rs) {
		struct strlist without = { 0 };
		size_t with = 0;

		for (size_t i = 0; i < procmods.n; i++) {
			char *rel = xasprintf("sys/module/%s/sections", procmods.v[i]);
			struct stat st;

			if (root_stat(root, rel, ROOT_FOLLOW, &st) == 0)
				with++;
			else if (in_list(&sysmods, procmods.v[i]))
				sl_push(&without, xstrdup(procmods.v[i]));
			free(rel);
		}
		for (size_t i = 0; with && i < without.n; i++)
			hidden(res, "KD-HIDDEN-SECTIONS", without.v[i],
			       "loaded module has no sys/module/<name>/sections, unlike the others",
			       "proc/modules", "sys/module/<name>/sections");
		sl_free(&without);
	}
	/* taint letters the kernel shows that no loaded module carries (taint is sticky: info) */
	if (res->have_taint) {
		char *letters = taint_letters(res->taint);

		for (const char *c = letters; *c && *c != '('; c++) {
			bool explained = false;

			if (!strchr("POEFC", *c))
				continue;	/* only the module taints can be explained by a module */
			for (size_t i = 0; i < res->nloaded && !explained; i++)
				explained = strchr(res->loaded[i].taint, *c) != NULL;
			if (!explained) {
				char flag[2] = { *c, 0 };
				struct finding *f = add_finding(res, "KD-TAINT-UNEXPLAINED", SEV_INFO, "hidden",
								flag, NULL,
								xasprintf("kernel taint %c (%s) but no loaded module "
									  "carries it: a module unloaded since, "
									  "or one that hides", *c, taint_meaning(*c)));

				kv_add(&f->evidence, "tainted", letters);
			}
		}
		free(letters);
	}
	sl_free(&procmods);
	sl_free(&sysmods);
	sl_free(&symmods);
}
