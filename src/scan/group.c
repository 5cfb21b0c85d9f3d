// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * group.c - which findings are about one thing. The rules give one finding
 * per rule and subject (a package, a unit, a process, the files one rule
 * matched in one product tree, a module file, a binary, a certificate), so one
 * installed product is several findings. The report shows them as one thing
 * with each finding as its evidence. Findings join only on evidence that they
 * point at the same thing:
 *
 *  - the same product tree (product_tree()): the files of a file finding, the
 *    program a service starts, a process's executable, the files a dpkg
 *    package installed (var/lib/dpkg/info/NAME.list) or an rpm package's
 *    header lists;
 *  - a file a package installed that a finding uses: a service's unit file or
 *    script, the program a service or a process runs, a file a rule matched;
 *  - the same module (name and file): the rules' findings about it and its
 *    integrity and hidden-module findings;
 *  - the same binary (path), certificate (SHA-256) or key (key id); a boot
 *    entry and the one EFI binary on the ESP whose path is the entry's file.
 *
 * Modules, binaries and certificates never join a product: a module signed by
 * Kaspersky is code in the kernel, reported as itself whatever installed it.
 * Two services that run the same program (/bin/sh) are not joined by it, nor
 * two packages that list the same directory.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scan/group.h"
#include "sources/packages.h"
#include "store/result.h"
#include "core/util.h"

#define DPKG_INFO "var/lib/dpkg/info"
#define DPKG_LIST_CAP (16u << 20)
#define DPKG_LIST_ENTRIES 100000	/* Debian's largest packages list fewer files */
#define DPKG_INFO_MAX 1000000
#define INSTALLED_IN_SHOWN 10

enum anchor_role {
	A_SAME,		/* joins every finding with the same key */
	A_OWNER,	/* a file a package installed: joins what uses or matched it */
	A_USER,		/* a file a finding uses: joins what installed or matched it */
};

struct anchor {
	char *key;	/* T: product tree, P: path, F: file (device and inode), M, B, C, K */
	char *dir;	/* T: the tree's directory as seen ("/var/opt/kaspersky/kesl") */
	size_t finding;
	enum anchor_role role;
};

struct anchors {
	struct anchor *v;
	size_t n;
	size_t cap;
};

/* Length of the path component at p, or 0 for "", "." and "..". */
static size_t component(const char *p)
{
	size_t n = strcspn(p, "/");

	if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
		return 0;
	return n;
}

char *product_tree(const char *path, char **dir)
{
	static const char *const places[] = { "/opt/", "/var/opt/", "/etc/opt/", "/var/log/" };

	if (dir)
		*dir = NULL;
	if (!path)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(places); i++) {
		size_t len = strlen(places[i]), n;
		const char *p = path + len, *end;
		bool provider;

		if (strncmp(path, places[i], len))
			continue;
		n = component(p);
		if (!n || p[n] != '/')
			return NULL;
		provider = n == 9 && !memcmp(p, "kaspersky", 9);
		/* logs: Kaspersky's own directory only (/var/log is not a product tree) */
		if (!strcmp(places[i], "/var/log/") && !provider)
			return NULL;
		end = p + n;
		if (provider) {
			size_t m = component(end + 1);

			if (!m)
				return NULL;
			end += 1 + m;
		}
		/* a directory of the tree, or a file in it: the name alone may be a file */
		if (end[0] != '/' || !end[1])
			return NULL;
		if (dir)
			*dir = xstrndup(path, (size_t)(end - path));
		return xasprintf("/opt/%.*s", (int)(end - p), p);
	}
	return NULL;
}

static void anchor_add(struct anchors *a, size_t f, enum anchor_role role, char *key, char *dir)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->v = xreallocarray(a->v, a->cap, sizeof(*a->v));
	}
	a->v[a->n++] = (struct anchor){ .key = key, .dir = dir, .finding = f, .role = role };
}

static void anchor_tree(struct anchors *a, size_t f, const char *path)
{
	char *dir, *key = product_tree(path, &dir);

	if (!key)
		return;
	anchor_add(a, f, A_SAME, xasprintf("T%s", key), dir);
	free(key);
}

/* A file by its path and, when it is a regular file in the root, by what it is. */
static void anchor_file(struct anchors *a, size_t f, enum anchor_role role,
			const struct kd_root *root, const char *path)
{
	struct stat st;

	if (!path || path[0] != '/' || !path[1])
		return;
	anchor_add(a, f, role, xasprintf("P%s", path), NULL);
	/* the same file under two names (merged /usr: /lib is /usr/lib) */
	if (root && root_stat(root, path + 1, ROOT_FOLLOW, &st) == 0 && S_ISREG(st.st_mode))
		anchor_add(a, f, role,
			   xasprintf("F%llu:%llu", (unsigned long long)st.st_dev,
				     (unsigned long long)st.st_ino),
			   NULL);
}

static void anchor_free(struct anchors *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].key);
		free(a->v[i].dir);
	}
	free(a->v);
}

/* dpkg's package names: lower-case letters, digits, + - . (Debian Policy 5.6.1). */
static bool dpkg_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > 200 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789+-.") == n;
}

/*
 * The file list of a dpkg package: info/NAME.list, or info/NAME:ARCH.list for
 * a Multi-Arch: same package. NULL when there is none (nothing to link by).
 */
static char *dpkg_file_list(const struct kd_root *root, const char *name, struct strlist *info,
			    bool *info_read)
{
	char *rel = xasprintf(DPKG_INFO "/%s.list", name), *text = NULL;
	size_t len, n = strlen(name);

	if (root_read_file(root, rel, DPKG_LIST_CAP, &text, &len) == 0)
		goto out;
	text = NULL;
	if (!*info_read) {
		*info_read = true;
		root_list_dir(root, DPKG_INFO, false, DPKG_INFO_MAX, info);
	}
	for (size_t i = 0; i < info->n; i++) {
		const char *e = info->v[i];

		if (strncmp(e, name, n) || e[n] != ':' || !str_has_suffix(e, ".list") ||
		    strchr(e + n + 1, '/'))
			continue;
		free(rel);
		rel = xasprintf(DPKG_INFO "/%s", e);
		if (root_read_file(root, rel, DPKG_LIST_CAP, &text, &len) == 0)
			goto out;
		text = NULL;
	}
out:
	free(rel);
	return text;
}

/* A package finding: the trees and the files its dpkg file list (or rpm header) names. */
static void anchor_package(struct anchors *a, struct scan_result *res, size_t f,
			   const struct kd_root *root, struct strlist *info, bool *info_read)
{
	struct finding *fi = &res->findings[f];
	struct strlist dirs = { 0 };
	const char *manager = kv_get(&fi->evidence, "package.manager");
	char *text, *save = NULL;
	size_t entries = 0;

	if (!root || !manager)
		return;
	if (!strcmp(manager, "rpm"))
		text = packages_rpm_files(root, fi->name);
	else if (!strcmp(manager, "dpkg") && dpkg_name_ok(fi->name))
		text = dpkg_file_list(root, fi->name, info, info_read);
	else
		return;
	if (!text)
		return;
	for (char *line = strtok_r(text, "\n", &save); line && entries++ < DPKG_LIST_ENTRIES;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t before = a->n;

		anchor_tree(a, f, line);
		if (a->n > before && !sl_contains(&dirs, a->v[before].dir))
			sl_push(&dirs, xstrdup(a->v[before].dir));
		anchor_file(a, f, A_OWNER, root, line);
	}
	free(text);
	/* why the package stands with the product: where its files are */
	sl_sort(&dirs);
	for (size_t i = 0; i < dirs.n && i < INSTALLED_IN_SHOWN; i++)
		if (!kv_has(&fi->evidence, "installed_in", dirs.v[i]))
			evidence_add(&fi->evidence, "installed_in", dirs.v[i]);
	sl_free(&dirs);
}

/*
 * The EFI binary a boot entry starts: the one whose path ends with the
 * entry's file path ("\EFI\kaspersky\klshim.efi"; FAT ignores case), else
 * NULL (none, or one on each of two ESPs: which one boots is not known).
 */
static const char *boot_binary(const struct scan_result *res, const char *entry)
{
	const char *found = NULL;
	size_t n;
	char *want;

	if (!entry || entry[0] != '\\')
		return NULL;
	want = xstrdup(entry);
	for (char *c = want; *c; c++)
		if (*c == '\\')
			*c = '/';
	n = strlen(want);
	for (size_t i = 0; i < res->npes; i++) {
		const char *path = res->pes[i].path;
		size_t len = path ? strlen(path) : 0;

		if (len <= n || strcmp(res->pes[i].kind, "efi") || !str_iequals(path + len - n, want))
			continue;
		if (found) {
			found = NULL;
			break;
		}
		found = path;
	}
	free(want);
	return found;
}

/* The loaded module a hidden-module finding names: its file, as the module findings give it. */
static const char *loaded_module_path(const struct scan_result *res, const char *name)
{
	for (size_t i = 0; i < res->nmods; i++)
		if (res->mods[i].lm && !strcmp(res->mods[i].name, name))
			return res->mods[i].path;
	return NULL;
}

static void anchor_finding(struct anchors *a, struct scan_result *res, size_t i,
			   const struct kd_root *root, struct strlist *info, bool *info_read)
{
	const struct finding *f = &res->findings[i];
	const struct kvlist *ev = &f->evidence;
	const char *v;

	if (!strcmp(f->kind, "kaspersky") || !strcmp(f->kind, "integrity")) {
		anchor_add(a, i, A_SAME, xasprintf("M%s\n%s", f->name, f->path ? f->path : ""), NULL);
	} else if (!strcmp(f->kind, "hidden")) {
		/* KD-TAINT-UNEXPLAINED names a taint letter, not a module */
		if (!strncmp(f->rule, "KD-HIDDEN-", 10)) {
			const char *path = loaded_module_path(res, f->name);

			anchor_add(a, i, A_SAME, xasprintf("M%s\n%s", f->name, path ? path : ""),
				   NULL);
		}
	} else if (!strcmp(f->kind, "package")) {
		anchor_package(a, res, i, root, info, info_read);
	} else if (!strcmp(f->kind, "service")) {
		/* a Windows service is about its driver file: joined with that binary's findings */
		if ((v = kv_get(ev, "service.file")))
			anchor_add(a, i, A_SAME, xasprintf("B%s", v), NULL);
		anchor_file(a, i, A_USER, root, kv_get(ev, "service.path"));
		if ((v = kv_get(ev, "service.exec"))) {
			anchor_tree(a, i, v);
			anchor_file(a, i, A_USER, root, v);
		}
	} else if (!strcmp(f->kind, "process")) {
		if ((v = kv_get(ev, "process.exe"))) {
			anchor_tree(a, i, v);
			anchor_file(a, i, A_USER, root, v);
		}
	} else if (!strcmp(f->kind, "file") && kv_get(ev, "layer.path")) {
		/*
		 * In container storage: one thing per image (else container, else
		 * layer) and product tree, never joined with the host's own files.
		 */
		const char *in = kv_get(ev, "image.name");

		in = in ? in : kv_get(ev, "container.name");
		in = in ? in : kv_get(ev, "layer.path");
		for (size_t k = 0; k < ev->n; k++) {
			char *dir, *key;

			if (strcmp(ev->v[k].key, "directory") ||
			    !(key = product_tree(ev->v[k].value, &dir)))
				continue;
			anchor_add(a, i, A_SAME, xasprintf("C%s\n%s", in, key),
				   xasprintf("%s:%s", in, dir));
			free(key);
			free(dir);
		}
		if (f->path)
			anchor_add(a, i, A_SAME, xasprintf("P%s", f->path), NULL);
	} else if (!strcmp(f->kind, "file")) {
		for (size_t k = 0; k < ev->n; k++) {
			if (!strcmp(ev->v[k].key, "directory")) {
				anchor_tree(a, i, ev->v[k].value);
			} else if (!strcmp(ev->v[k].key, "file")) {
				anchor_tree(a, i, ev->v[k].value);
				anchor_file(a, i, A_SAME, root, ev->v[k].value);
			}
		}
	} else if (!strcmp(f->kind, "efi") || !strcmp(f->kind, "kernel") ||
		   !strcmp(f->kind, "driver")) {
		if (f->path)
			anchor_add(a, i, A_SAME, xasprintf("B%s", f->path), NULL);
	} else if (!strcmp(f->kind, "trust")) {
		if ((v = kv_get(ev, "cert.sha256")))
			anchor_add(a, i, A_SAME, xasprintf("C%s", v), NULL);
		if ((v = kv_get(ev, "cert.skid")))
			anchor_add(a, i, A_SAME, xasprintf("K%s", v), NULL);
	} else if (!strcmp(f->kind, "boot")) {
		if ((v = boot_binary(res, kv_get(ev, "boot.path"))))
			anchor_add(a, i, A_SAME, xasprintf("B%s", v), NULL);
	} else if (!strcmp(f->kind, "modconf") || !strcmp(f->kind, "dkms")) {
		/*
		 * A line that loads a module, or DKMS building it, is about that
		 * module: joined with the module file's findings (the same key as
		 * theirs), or, with no file, with the other lines naming it.
		 */
		bool file = false;

		for (size_t k = 0; k < ev->n; k++) {
			const char *key = ev->v[k].key, *path = ev->v[k].value;

			if (strcmp(key, "module_file") && strcmp(key, "dkms.built"))
				continue;
			if (*path != '/')
				continue;	/* "none found" */
			anchor_add(a, i, A_SAME, xasprintf("M%s\n%s", f->name, path), NULL);
			file = true;
		}
		if (!file)
			anchor_add(a, i, A_SAME, xasprintf("N%s", f->name), NULL);
	}
	/* kinds added later stand alone */
}

static size_t uf_find(size_t *parent, size_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

static void uf_union(size_t *parent, size_t x, size_t y)
{
	x = uf_find(parent, x);
	y = uf_find(parent, y);
	/* the earlier finding leads, so that the result does not depend on the order of union */
	if (x < y)
		parent[y] = x;
	else if (y < x)
		parent[x] = y;
}

static int cmp_anchor(const void *pa, const void *pb)
{
	const struct anchor *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	if (c)
		return c;
	return (a->finding > b->finding) - (a->finding < b->finding);
}

/*
 * Findings with the same key: A_SAME ones join; a package that installed the
 * file joins the findings that use or matched it; users of a file do not join
 * each other by it, nor do its installers.
 */
static void join_run(size_t *parent, const struct anchor *v, size_t n)
{
	const struct anchor *same = NULL, *owner = NULL, *user = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct anchor **first = v[i].role == A_SAME ? &same :
					      v[i].role == A_OWNER ? &owner : &user;

		if (!*first)
			*first = &v[i];
		else if (v[i].role == A_SAME)
			uf_union(parent, same->finding, v[i].finding);
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].role == A_SAME)
			continue;
		if (same)
			uf_union(parent, same->finding, v[i].finding);
		else if (v[i].role == A_USER && owner)
			uf_union(parent, owner->finding, v[i].finding);
		else if (v[i].role == A_OWNER && user)
			uf_union(parent, user->finding, v[i].finding);
	}
}

/*
 * What the report calls each group: a product by the names of its trees, with
 * the directories seen; a module; a boot entry's loader by the binary; else
 * what its first finding is about.
 */
static void name_groups(struct scan_result *res, const struct anchors *a)
{
	struct strlist *names = xcalloc(res->ngroups, sizeof(*names));
	bool *module = xcalloc(res->ngroups, sizeof(*module));
	const struct finding **binary = xcalloc(res->ngroups, sizeof(*binary));

	for (size_t i = 0; i < a->n; i++) {
		const struct anchor *x = &a->v[i];
		size_t g = res->findings[x->finding].group;
		const char *base;

		if (x->key[0] == 'M')
			module[g] = true;
		/* a boot entry and its loader: called by the binary */
		if (x->key[0] == 'B' && strcmp(res->findings[x->finding].kind, "boot"))
			binary[g] = &res->findings[x->finding];
		if (x->key[0] != 'T')
			continue;
		base = strrchr(x->key, '/') + 1;
		if (!sl_contains(&names[g], base))
			sl_push(&names[g], xstrdup(base));
		if (!sl_contains(&res->groups[g].places, x->dir))
			sl_push(&res->groups[g].places, xstrdup(x->dir));
	}
	for (size_t i = 0; i < res->ngroups; i++) {
		struct finding_group *g = &res->groups[i];
		const struct finding *lead = binary[i] ? binary[i] : &res->findings[g->members[0]];

		sl_sort(&g->places);
		if (names[i].n) {
			struct strbuf sb;

			sl_sort(&names[i]);
			sb_init(&sb);
			for (size_t k = 0; k < names[i].n; k++)
				sb_printf(&sb, "%s%s", k ? ", " : "", names[i].v[k]);
			g->kind = xstrdup("product");
			g->name = sb_steal(&sb);
		} else {
			g->kind = xstrdup(module[i] ? "module" : lead->kind);
			g->name = xstrdup(lead->name);
		}
		sl_free(&names[i]);
	}
	free(names);
	free(module);
	free(binary);
}

void findings_group(struct scan_result *res, const struct kd_root *root)
{
	struct anchors a = { 0 };
	struct strlist info = { 0 };
	bool info_read = false;
	size_t *parent;

	findings_group_free(res);
	if (!res->nfindings)
		return;
	parent = xcalloc(res->nfindings, sizeof(*parent));
	for (size_t i = 0; i < res->nfindings; i++) {
		parent[i] = i;
		anchor_finding(&a, res, i, root, &info, &info_read);
	}
	sl_free(&info);
	if (a.n > 1)
		qsort(a.v, a.n, sizeof(*a.v), cmp_anchor);
	for (size_t s = 0, e; s < a.n; s = e) {
		for (e = s + 1; e < a.n && !strcmp(a.v[e].key, a.v[s].key); e++)
			;
		join_run(parent, a.v + s, e - s);
	}

	/* groups in the order of their first finding: the most severe first */
	res->groups = xcalloc(res->nfindings, sizeof(*res->groups));
	for (size_t i = 0; i < res->nfindings; i++) {
		struct finding *f = &res->findings[i];
		size_t r = uf_find(parent, i);
		struct finding_group *g;

		/* the root is the group's first finding (r <= i), which has its number already */
		f->group = r == i ? res->ngroups++ : res->findings[r].group;
		g = &res->groups[f->group];
		g->members = xreallocarray(g->members, g->n + 1, sizeof(*g->members));
		g->members[g->n++] = i;
		if (g->n == 1 || f->severity > g->severity)
			g->severity = f->severity;
	}
	name_groups(res, &a);
	anchor_free(&a);
	free(parent);
}
