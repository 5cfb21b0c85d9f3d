// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * configured.c - a module named in modprobe.d, modules-load.d or a kernel
 * command line is evidence even with no file on disk: the configuration of
 * an uninstalled product, or of one whose file lives outside lib/modules
 * (an install command can insmod any path). Loading at boot counts as an
 * installed module; options, aliases and remove commands as low; a
 * blacklist as info (a remnant that keeps the module out). A module source
 * registered with DKMS is rebuilt for every new kernel: installed, too.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "formats/modload.h"
#include "scan/configured.h"
#include "sources/dkms.h"
#include "sources/moddir.h"
#include "sources/modconf.h"
#include "store/apply.h"
#include "core/util.h"

/*
 * Where the module's file is: the path an install command loads, a module
 * file inspected (lib/modules or DKMS-built), else a release's index.
 */
static char *find_file(const struct kd_root *root, const struct scan_result *res,
		       const struct kvlist *facts, const struct strlist *release_dirs)
{
	const char *name = kv_get(facts, "module.name"), *path = kv_get(facts, "module.path");
	struct stat st;

	if (path && root_stat(root, path, ROOT_FOLLOW, &st) == 0)
		return xstrdup(path);
	for (size_t i = 0; i < res->nmods; i++)
		if (res->mods[i].path && module_name_same(res->mods[i].name, name))
			return xstrdup(res->mods[i].path);
	for (size_t i = 0; i < release_dirs->n; i++) {
		char *detail = NULL, *rel = NULL;
		struct moddir *md = moddir_open(root, release_dirs->v[i], &detail);

		free(detail);
		if (md) {
			rel = moddir_lookup(md, name);
			moddir_close(md);
		}
		if (rel) {
			char *full = xasprintf("/%s/%s", release_dirs->v[i], rel);

			free(rel);
			return full;
		}
	}
	return NULL;
}

static void scan_dkms(const struct kd_root *root, struct scan_result *res)
{
	struct fact_set set = { 0 };

	dkms_read(root, res, &set);
	for (size_t i = 0; i < set.n; i++) {
		const struct kvlist *facts = &set.v[i];
		const char *state = kv_get(facts, "dkms.state"), *conf = kv_get(facts, "dkms.conf");
		const char *name = kv_get(facts, "module.name");
		struct subject subj = host_subject(root);
		char *file = conf ? xstrdup(conf) : NULL;
		struct finding *f;
		bool registered;

		if (file)
			*strrchr(file, ':') = '\0';
		subj.facts = facts;
		f = apply_subject_rules(res, &subj, KIND_MODULE, true, "dkms", name, file, NULL);
		free(file);
		if (!f)
			continue;
		registered = strcmp(state, "source only") != 0;
		if (!registered && f->severity > SEV_LOW)
			f->severity = SEV_LOW;
		for (size_t k = 0; k < facts->n; k++)
			evidence_add(&f->evidence, facts->v[k].key, facts->v[k].value);
		free(f->summary);
		f->summary = registered ?
			xasprintf("DKMS builds %s for new kernels (%s, version %s)", name, state,
				  kv_get(facts, "dkms.versions")) :
			xasprintf("DKMS source of %s, not registered (version %s)", name,
				  kv_get(facts, "dkms.versions"));
	}
	fact_set_free(&set);
}

void scan_configured(const struct kd_root *root, struct scan_result *res,
		     const struct strlist *release_dirs)
{
	struct fact_set set = { 0 };

	scan_dkms(root, res);

	modconf_read(root, res, &set);
	for (size_t i = 0; i < set.n; i++) {
		const struct kvlist *facts = &set.v[i];
		const char *dir = kv_get(facts, "modconf.directive");
		const char *name = kv_get(facts, "module.name");
		char *file = xstrdup(kv_get(facts, "modconf.source")), *colon = strrchr(file, ':');
		struct subject subj = host_subject(root);
		bool loads = modconf_loads(dir);
		struct finding *f;
		char *found;

		*colon = '\0';
		subj.facts = facts;
		f = apply_subject_rules(res, &subj, KIND_MODULE, true, "modconf", name, file, NULL);
		free(file);
		if (!f)
			continue;
		if (modconf_blacklists(dir))
			f->severity = SEV_INFO;
		else if (!loads && f->severity > SEV_LOW)
			f->severity = SEV_LOW;
		for (size_t k = 0; k < facts->n; k++)
			evidence_add(&f->evidence, facts->v[k].key, facts->v[k].value);
		found = find_file(root, res, facts, release_dirs);
		evidence_add(&f->evidence, "module_file", found ? found : "none found");
		free(f->summary);
		f->summary = xasprintf("%s: %s, %s%s",
				       !strcmp(dir, "install") ? "an install command loads it" :
				       !strcmp(dir, "softdep-pulled") ? "a softdep line loads it with another module" :
				       loads ? "configured to load at boot" :
				       modconf_blacklists(dir) ? "blacklisted" : "configured",
				       name, found ? "file " : "no file found", found ? found : "");
		free(found);
	}
	fact_set_free(&set);
}
