// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dkms.c - DKMS registrations of a root, read as DKMS writes them: `dkms add`
 * links var/lib/dkms/<name>/<version>/source to usr/src/<name>-<version>,
 * `dkms build` leaves <kernel>/<arch>/module/NAME.ko[.xz], `dkms install` links
 * var/lib/dkms/<name>/kernel-<kernel>-<arch> to <version>/<kernel>/<arch>.
 * dkms.conf is parsed as data (formats/dkmsconf.c), never sourced.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/dkmsconf.h"
#include "sources/dkms.h"
#include "core/util.h"

#define DKMS_CONF_CAP (64u << 10)
#define DKMS_DIR_MAX 1000

struct dkms_pkg {
	char *name;
	struct strlist versions, kernels, built, installed;
	char *conf_src;			/* "/usr/src/x-1/dkms.conf:1" */
	struct dkms_conf conf;
	bool registered;
};

struct dkms_walk {
	struct dkms_pkg *v;
	size_t n;
	size_t entries, gaps;
	struct strbuf detail;
};

static struct dkms_pkg *pkg_get(struct dkms_walk *w, const char *name)
{
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->v[i].name, name))
			return &w->v[i];
	w->v = xreallocarray(w->v, w->n + 1, sizeof(*w->v));
	memset(&w->v[w->n], 0, sizeof(*w->v));
	w->v[w->n].name = xstrdup(name);
	return &w->v[w->n++];
}

static void gap(struct dkms_walk *w, const char *what, int err)
{
	w->gaps++;
	sb_printf(&w->detail, "; %s: %s", what, err == -EFBIG ? "too large, not read" :
		  err == 1 ? "too many entries, the rest not read" : strerror(-err));
}

static int list(const struct kd_root *root, const char *rel, bool links, struct strlist *out,
		struct dkms_walk *w)
{
	int r = root_list_dir(root, rel, links, DKMS_DIR_MAX, out);

	if (r < 0 && r != -ENOENT && r != -ENOTDIR) {
		char *s = xasprintf("/%s", rel);

		gap(w, s, r);
		free(s);
	} else if (r == 1) {
		char *s = xasprintf("/%s", rel);

		gap(w, s, 1);
		free(s);
	}
	return r;
}

static void read_conf(const struct kd_root *root, const char *rel, struct dkms_pkg *p,
		      struct dkms_walk *w)
{
	char *text;
	size_t len;
	int r;

	if (p->conf_src)
		return;		/* one dkms.conf per package: the first version's */
	r = root_read_file(root, rel, DKMS_CONF_CAP, &text, &len);
	if (r == -ENOENT)
		return;
	if (r) {
		char *s = xasprintf("/%s", rel);

		gap(w, s, r);
		free(s);
		return;
	}
	dkmsconf_parse(text, len, &p->conf);
	free(text);
	p->conf_src = xasprintf("/%s:%u", rel, p->conf.package_line ? p->conf.package_line : 1);
	if (p->conf.skipped) {
		w->gaps++;
		sb_printf(&w->detail, "; /%s: %zu lines skipped", rel, p->conf.skipped);
	}
}

/* var/lib/dkms/<name>/<version>/<kernel>/<arch>/module/NAME.ko: what dkms build made */
static void read_version(const struct kd_root *root, const char *name, const char *ver,
			 struct dkms_pkg *p, struct dkms_walk *w)
{
	char *vdir = xasprintf("var/lib/dkms/%s/%s", name, ver), *conf;
	struct strlist kernels = { 0 };

	sl_push(&p->versions, xstrdup(ver));
	p->registered = true;
	conf = xasprintf("%s/source/dkms.conf", vdir);
	read_conf(root, conf, p, w);
	free(conf);
	list(root, vdir, false, &kernels, w);
	for (size_t k = 0; k < kernels.n; k++) {
		struct strlist arches = { 0 };
		char *kdir;

		if (!strcmp(kernels.v[k], "source") || !strcmp(kernels.v[k], "build"))
			continue;
		kdir = xasprintf("%s/%s", vdir, kernels.v[k]);
		list(root, kdir, false, &arches, w);
		for (size_t a = 0; a < arches.n; a++) {
			struct strlist kos = { 0 };
			char *mdir = xasprintf("%s/%s/module", kdir, arches.v[a]);

			sl_push(&p->kernels, xasprintf("%s/%s", kernels.v[k], arches.v[a]));
			list(root, mdir, false, &kos, w);
			for (size_t i = 0; i < kos.n; i++)
				if (strstr(kos.v[i], ".ko"))
					sl_push(&p->built, xasprintf("/%s/%s", mdir, kos.v[i]));
			sl_free(&kos);
			free(mdir);
		}
		sl_free(&arches);
		free(kdir);
	}
	sl_free(&kernels);
	free(vdir);
}

static void read_tree(const struct kd_root *root, struct dkms_walk *w)
{
	struct strlist names = { 0 };

	if (list(root, "var/lib/dkms", false, &names, w) < 0)
		return;
	for (size_t i = 0; i < names.n; i++) {
		char *ndir = xasprintf("var/lib/dkms/%s", names.v[i]);
		struct strlist ents = { 0 };
		struct dkms_pkg *p;
		struct stat st;

		if (root_stat(root, ndir, 0, &st) || !S_ISDIR(st.st_mode)) {
			free(ndir);
			continue;	/* dkms_dbversion and other files */
		}
		p = pkg_get(w, names.v[i]);
		w->entries++;
		list(root, ndir, false, &ents, w);
		for (size_t e = 0; e < ents.n; e++) {
			char *rel = xasprintf("%s/%s", ndir, ents.v[e]);

			if (!strncmp(ents.v[e], "kernel-", 7)) {
				sl_push(&p->installed, xstrdup(ents.v[e] + 7));
			} else if (root_stat(root, rel, 0, &st) == 0 && S_ISDIR(st.st_mode)) {
				read_version(root, names.v[i], ents.v[e], p, w);
			}
			free(rel);
		}
		sl_free(&ents);
		free(ndir);
	}
	sl_free(&names);
}

/* usr/src/<name>-<version>/dkms.conf: sources a package put there, registered or not. */
static void read_sources(const struct kd_root *root, struct dkms_walk *w)
{
	struct strlist dirs = { 0 };

	if (list(root, "usr/src", false, &dirs, w) < 0)
		return;
	for (size_t i = 0; i < dirs.n; i++) {
		char *conf = xasprintf("usr/src/%s/dkms.conf", dirs.v[i]);
		const char *dash = strrchr(dirs.v[i], '-');
		char *name, *text;
		size_t len;
		struct dkms_pkg *p;
		int r = dash ? root_read_file(root, conf, DKMS_CONF_CAP, &text, &len) : -ENOENT;

		if (r) {
			if (r != -ENOENT && r != -ENOTDIR) {
				char *shown = xasprintf("/%s", conf);

				gap(w, shown, r);
				free(shown);
			}
			free(conf);
			continue;
		}
		free(text);
		name = xstrndup(dirs.v[i], (size_t)(dash - dirs.v[i]));
		p = pkg_get(w, name);
		w->entries++;
		read_conf(root, conf, p, w);
		if (!sl_contains(&p->versions, dash + 1) && !p->registered)
			sl_push(&p->versions, xstrdup(dash + 1));
		free(name);
		free(conf);
	}
	sl_free(&dirs);
}

static char *join(const struct strlist *l)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < l->n; i++)
		sb_printf(&sb, "%s%s", i ? ", " : "", l->v[i]);
	return sb.s ? sb_steal(&sb) : xstrdup("");
}

static void emit(const struct dkms_pkg *p, const char *module, struct fact_set *out)
{
	struct kvlist f = { 0 };
	char *s;

	kv_add(&f, "module.name", module);
	kv_add(&f, "dkms.package", p->conf.package && p->conf.package[0] ? p->conf.package : p->name);
	kv_add(&f, "dkms.versions", s = join(&p->versions));
	free(s);
	kv_add(&f, "dkms.state", p->installed.n ? "installed" : p->built.n ? "built" :
				 p->registered ? "added" : "source only");
	if (p->kernels.n) {
		kv_add(&f, "dkms.kernels", s = join(&p->kernels));
		free(s);
	}
	if (p->installed.n) {
		kv_add(&f, "dkms.installed", s = join(&p->installed));
		free(s);
	}
	if (p->conf.autoinstall)
		kv_add(&f, "dkms.autoinstall", p->conf.autoinstall);
	if (p->conf_src)
		kv_add(&f, "dkms.conf", p->conf_src);
	for (size_t i = 0; i < p->built.n; i++) {
		char *stem = strrchr(p->built.v[i], '/') + 1;

		if (!strncmp(stem, module, strlen(module)) && stem[strlen(module)] == '.') {
			kv_add(&f, "module.file", stem);
			kv_add(&f, "module.path", p->built.v[i]);
			break;
		}
	}
	if (p->built.n) {
		kv_add(&f, "dkms.built", s = join(&p->built));
		free(s);
	}
	fact_set_add(out, &f);
}

static void walk_free(struct dkms_walk *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->v[i].name);
		sl_free(&w->v[i].versions);
		sl_free(&w->v[i].kernels);
		sl_free(&w->v[i].built);
		sl_free(&w->v[i].installed);
		free(w->v[i].conf_src);
		dkmsconf_free(&w->v[i].conf);
	}
	free(w->v);
	sb_free(&w->detail);
}

void dkms_built_modules(const struct kd_root *root, struct strlist *shown,
			struct strlist *open_paths, struct strlist *releases_of)
{
	struct dkms_walk w = { 0 };

	/* the gaps of this walk are dkms_read's coverage: the same walk again */
	sb_init(&w.detail);
	read_tree(root, &w);
	for (size_t i = 0; i < w.n; i++)
		for (size_t k = 0; k < w.v[i].built.n; k++) {
			const char *path = w.v[i].built.v[k];
			/* /var/lib/dkms/<name>/<version>/<kernel>/<arch>/module/<file> */
			const char *kern = path;
			const char *end;

			for (int c = 0; c < 5 && kern; c++)
				kern = strchr(kern + 1, '/');
			end = kern ? strchr(kern + 1, '/') : NULL;
			if (!end)
				continue;
			sl_push(shown, xstrdup(path));
			sl_push(open_paths, xstrdup(path + 1));
			sl_push(releases_of, xstrndup(kern + 1, (size_t)(end - kern - 1)));
		}
	walk_free(&w);
}

void dkms_read(const struct kd_root *root, struct scan_result *res, struct fact_set *out)
{
	struct dkms_walk w = { 0 };
	struct stat st;
	bool any = root_stat(root, "var/lib/dkms", ROOT_FOLLOW, &st) == 0 ||
		   root_stat(root, "usr/src", ROOT_FOLLOW, &st) == 0;

	sb_init(&w.detail);
	read_tree(root, &w);
	read_sources(root, &w);
	for (size_t i = 0; i < w.n; i++) {
		struct dkms_pkg *p = &w.v[i];
		size_t emitted = 0;

		for (size_t m = 0; m < p->conf.modules.n; m++)
			if (p->conf.modules.v[m][0]) {
				emit(p, p->conf.modules.v[m], out);
				emitted++;
			}
		/* DKMS's own default: the module is named as the package */
		if (!emitted)
			emit(p, p->conf.package && p->conf.package[0] ? p->conf.package : p->name, out);
	}
	if (!any)
		add_cov(res, "dkms", COV_ABSENT, xstrdup("no /var/lib/dkms, no /usr/src"));
	else
		add_cov(res, "dkms", w.gaps ? COV_ERROR : COV_OK,
			xasprintf("%zu package%s in /var/lib/dkms and /usr/src%s", w.n,
				  w.n == 1 ? "" : "s",
				  w.detail.s ? w.detail.s : ""));
	walk_free(&w);
}
