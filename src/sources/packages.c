// SPDX-License-Identifier: GPL-2.0-or-later
/* packages.c - installed packages from dpkg's status and rpm's database, as facts for the rules. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/packages.h"
#include "formats/rpmhdr.h"
#include "formats/rpmbdb.h"
#include "formats/rpmndb.h"
#include "formats/rpmsqlite.h"
#include "core/util.h"

#define DPKG_STATUS_CAP (64u << 20)
#define MAX_FIELD 4096

static const struct {
	const char *field;
	const char *fact;
} dpkg_fields[] = {
	{ "Package", "package.name" },
	{ "Status", "package.status" },
	{ "Version", "package.version" },
	{ "Maintainer", "package.maintainer" },
	{ "Source", "package.source" },
};

/* One paragraph: "Field: value" lines; continuation lines (leading space) are skipped. */
static void end_paragraph(struct fact_set *out, struct kvlist *cur, size_t *bad)
{
	if (!cur->n)
		return;
	if (!kv_get(cur, "package.name")) {
		(*bad)++;
		kv_free(cur);
		return;
	}
	kv_add(cur, "package.manager", "dpkg");
	fact_set_add(out, cur);
}

int packages_parse_dpkg(const char *text, struct fact_set *out, size_t *bad)
{
	struct kvlist cur = { 0 };
	const char *p = text;

	*bad = 0;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *colon = memchr(p, ':', len);

		if (len == 0 || (len == 1 && p[0] == '\r')) {
			end_paragraph(out, &cur, bad);
		} else if (p[0] != ' ' && p[0] != '\t' && colon && len < MAX_FIELD) {
			for (size_t i = 0; i < ARRAY_SIZE(dpkg_fields); i++) {
				size_t fl = strlen(dpkg_fields[i].field);
				const char *v = colon + 1;
				size_t vl;

				if ((size_t)(colon - p) != fl || strncmp(p, dpkg_fields[i].field, fl))
					continue;
				while (v < p + len && (*v == ' ' || *v == '\t'))
					v++;
				vl = (size_t)(p + len - v);
				while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\r'))
					vl--;
				if (!kv_get(&cur, dpkg_fields[i].fact))
					kv_addn(&cur, dpkg_fields[i].fact, v, vl);
			}
		}
		p += len;
		if (*p == '\n')
			p++;
	}
	end_paragraph(out, &cur, bad);
	return 0;
}

int packages_read_dpkg(const struct kd_root *root, struct fact_set *out, size_t *bad)
{
	char *text;
	size_t len;
	int r;

	*bad = 0;
	r = root_read_file(root, "var/lib/dpkg/status", DPKG_STATUS_CAP, &text, &len);
	if (r)
		return r;
	/* a NUL ends the text: what follows is not dpkg's */
	r = packages_parse_dpkg(text, out, bad);
	free(text);
	return r;
}

/*
 * RPM. rpm's database holds only installed packages: an rpm package has no
 * dpkg-style status (the rules take package.manager "rpm" as installed).
 * package.version has dpkg's meaning, [epoch:]version-release.
 */
#define RPM_LIST_FILES 100000	/* packages_rpm_files(): as dpkg's lists, the first files */
#define RPM_MACROS_CAP (1u << 20)

/* A backend reader; the ones this branch does not have yet are NULL. */
typedef int (*rpmdb_walk_fn)(struct rpmdb_walk *w);

static const struct rpm_backend {
	const char *file;
	const char *name;
	rpmdb_walk_fn walk;
} rpm_backends[] = {
	/* rpm's own detection order (lib/backend/dbi.c): sqlite, ndb, bdb */
	{ "rpmdb.sqlite", "sqlite", rpmsqlite_walk },
	{ "Packages.db", "ndb", rpmndb_walk },
	{ "Packages", "bdb", rpmbdb_walk },	/* Berkeley DB hash, read-only */
};

static const char *const rpm_dirs[] = { "var/lib/rpm", "usr/lib/sysimage/rpm" };

/* %_dbpath and %_db_backend in one macro file: the last setting wins, as in rpm. */
static void rpm_macro_file(const struct kd_root *root, const char *rel, int *dir, int *backend)
{
	char *text, *line, *save = NULL;

	if (root_read_file(root, rel, RPM_MACROS_CAP, &text, NULL))
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *v;

		if (!strncmp(line, "%_dbpath", 8) && (line[8] == ' ' || line[8] == '\t')) {
			v = line + 8;
			v += strspn(v, " \t");
			str_rstrip(v);
			if (str_has_suffix(v, "/lib/sysimage/rpm"))
				*dir = 1;
			else if (str_has_suffix(v, "/var/lib/rpm") || !strcmp(v, "%{_var}/lib/rpm"))
				*dir = 0;
		} else if (!strncmp(line, "%_db_backend", 12) &&
			   (line[12] == ' ' || line[12] == '\t')) {
			v = line + 12;
			v += strspn(v, " \t");
			str_rstrip(v);
			for (size_t i = 0; i < ARRAY_SIZE(rpm_backends); i++)
				if (!strcmp(v, rpm_backends[i].name) ||
				    (!strcmp(v, "bdb_ro") && !strcmp(rpm_backends[i].name, "bdb")))
					*backend = (int)i;
		}
	}
	free(text);
}

/* The root's own %_dbpath and %_db_backend: rpm's macros, then the system's; -1 when unset. */
static void rpm_macros(const struct kd_root *root, int *dir, int *backend)
{
	*dir = -1;
	*backend = -1;
	rpm_macro_file(root, "usr/lib/rpm/macros", dir, backend);
	rpm_macro_file(root, "etc/rpm/macros", dir, backend);
}

static bool rpm_file(const struct kd_root *root, int dir, int backend, char *path, size_t len)
{
	struct stat st;

	snprintf(path, len, "%s/%s", rpm_dirs[dir], rpm_backends[backend].file);
	return root_stat(root, path, ROOT_FOLLOW, &st) == 0 && S_ISREG(st.st_mode);
}

struct rpm_io {
	int fd;
};

static int rpm_pread(void *io, uint64_t off, void *buf, size_t n)
{
	struct rpm_io *f = io;
	size_t done = 0;

	while (done < n) {
		ssize_t r = pread(f->fd, (uint8_t *)buf + done, n - done, (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		done += (size_t)r;
	}
	return 0;
}

struct rpm_ctx {
	struct fact_set *out;
	size_t bad;
	const char *reason;
};

static int rpm_blob(void *ctx, const uint8_t *blob, size_t n)
{
	struct rpm_ctx *c = ctx;
	struct rpmhdr_pkg p;
	struct kvlist f = { 0 };
	const char *why;
	char *v;

	if (rpmhdr_parse(blob, n, 0, &p, &why)) {
		c->bad++;
		c->reason = why;
		return 0;
	}
	kv_add(&f, "package.name", p.name);
	v = xasprintf("%s%s%s%s%s", p.epoch ? p.epoch : "", p.epoch ? ":" : "",
		      p.version ? p.version : "", p.release ? "-" : "", p.release ? p.release : "");
	if (*v)
		kv_add(&f, "package.version", v);
	free(v);
	if (p.arch)
		kv_add(&f, "package.arch", p.arch);
	if (p.vendor)
		kv_add(&f, "package.vendor", p.vendor);
	if (p.packager)
		kv_add(&f, "package.packager", p.packager);
	if (p.summary)
		kv_add(&f, "package.summary", p.summary);
	if (p.url)
		kv_add(&f, "package.url", p.url);
	kv_add(&f, "package.manager", "rpm");
	fact_set_add(c->out, &f);
	rpmhdr_free(&p);
	return 0;
}

/* The database rpm would open: its configured path and backend first, then rpm's order. */
static bool rpm_pick(const struct kd_root *root, char *path, size_t len, int *backend,
		     struct strbuf *others)
{
	int want_dir, want_backend, dirs[2], nd = 0;
	bool found = false;

	rpm_macros(root, &want_dir, &want_backend);
	dirs[nd++] = want_dir == 1 ? 1 : 0;
	dirs[nd++] = want_dir == 1 ? 0 : 1;
	for (int d = 0; d < nd; d++) {
		char p[64];

		for (int pass = 0; pass < 2; pass++) {
			for (int b = 0; b < (int)ARRAY_SIZE(rpm_backends); b++) {
				/* pass 0: the configured backend; pass 1: the others in order */
				if ((pass == 0) != (b == want_backend))
					continue;
				if (!rpm_file(root, dirs[d], b, p, sizeof(p)))
					continue;
				if (!found) {
					snprintf(path, len, "%s", p);
					*backend = b;
					found = true;
				} else {
					sb_printf(others, "%s/%s", others->len ? ", " : "", p);
				}
			}
		}
	}
	return found;
}

void packages_read_rpm(const struct kd_root *root, struct fact_set *out, struct rpm_read *info)
{
	char *path = info->path;
	struct rpm_ctx ctx = { .out = out };
	struct rpm_io io;
	struct rpmdb_walk w = { 0 };
	struct strbuf others, detail;
	struct stat st;
	const struct rpm_backend *be;
	size_t before = out->n;
	int backend = 0, r;

	memset(info, 0, sizeof(*info));
	sb_init(&others);
	if (!rpm_pick(root, path, sizeof(info->path), &backend, &others)) {
		sb_free(&others);
		return;
	}
	be = &rpm_backends[backend];
	info->backend = be->name;
	info->status = -1;
	sb_init(&detail);
	sb_printf(&detail, "rpm database /%s (%s): ", path, be->name);
	if (!be->walk) {
		sb_printf(&detail, "not read: kdetect has no reader of rpm's %s backend yet",
			  be->name);
		goto out;
	}
	io.fd = root_openat(root, path, ROOT_FOLLOW);
	if (io.fd < 0) {
		sb_printf(&detail, "not read: %s", strerror(-io.fd));
		goto out;
	}
	if (fstat(io.fd, &st) < 0) {
		sb_printf(&detail, "not read: %s", strerror(errno));
		close(io.fd);
		goto out;
	}
	w.read = rpm_pread;
	w.io = &io;
	w.size = (uint64_t)st.st_size;
	w.blob = rpm_blob;
	w.ctx = &ctx;
	r = be->walk(&w);
	close(io.fd);
	if (r) {
		/* the packages read before the failure are real: their rules still apply */
		sb_printf(&detail, "not read whole (%zu packages read): %s", out->n - before,
			  w.reason ? w.reason : "stopped");
		goto out;
	}
	sb_printf(&detail, "%zu packages read", out->n - before);
	info->status = 0;
	if (w.bad || ctx.bad) {
		sb_printf(&detail, "; %zu records skipped as malformed (%s)", w.bad + ctx.bad,
			  ctx.reason ? ctx.reason : w.reason);
		info->status = -1;
	}
	/* rpm keeps its sqlite database in WAL mode: what is only in the WAL is not seen */
	{
		char wal[sizeof(info->path) + 8];

		snprintf(wal, sizeof(wal), "%s-wal", path);
		if (root_stat(root, wal, ROOT_FOLLOW, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_size > 0) {
			sb_printf(&detail, "; /%s has content: its newest transactions are not seen",
				  wal);
			info->status = -1;
		}
	}
out:
	if (others.len)
		sb_printf(&detail, "; also present, not what rpm uses: %s", others.s);
	sb_free(&others);
	info->detail = sb_steal(&detail);
}

struct rpm_files_ctx {
	const char *name;
	struct strbuf list;
	bool found;
};

static int rpm_files_blob(void *ctx, const uint8_t *blob, size_t n)
{
	struct rpm_files_ctx *c = ctx;
	struct rpmhdr_pkg p;
	const char *why;

	/* the name first, without the file list: most packages are not the one */
	if (rpmhdr_parse(blob, n, 0, &p, &why))
		return 0;
	if (strcmp(p.name, c->name)) {
		rpmhdr_free(&p);
		return 0;
	}
	rpmhdr_free(&p);
	if (rpmhdr_parse(blob, n, RPM_LIST_FILES, &p, &why))
		return 0;
	/* every package of that name (x86_64 and i686 both installed): all their files */
	c->found = true;
	for (size_t i = 0; i < p.nfiles; i++)
		sb_printf(&c->list, "%s\n", p.files[i]);
	rpmhdr_free(&p);
	return 0;
}

char *packages_rpm_files(const struct kd_root *root, const char *name)
{
	struct rpm_files_ctx ctx = { .name = name };
	struct rpmdb_walk w = { 0 };
	struct strbuf others;
	struct rpm_io io;
	struct stat st;
	char path[64];
	int backend = 0;

	sb_init(&others);
	if (!rpm_pick(root, path, sizeof(path), &backend, &others) || !rpm_backends[backend].walk) {
		sb_free(&others);
		return NULL;
	}
	sb_free(&others);
	io.fd = root_openat(root, path, ROOT_FOLLOW);
	if (io.fd < 0)
		return NULL;
	if (fstat(io.fd, &st) < 0) {
		close(io.fd);
		return NULL;
	}
	sb_init(&ctx.list);
	w.read = rpm_pread;
	w.io = &io;
	w.size = (uint64_t)st.st_size;
	w.blob = rpm_files_blob;
	w.ctx = &ctx;
	rpm_backends[backend].walk(&w);
	close(io.fd);
	if (!ctx.found) {
		sb_free(&ctx.list);
		return NULL;
	}
	return sb_steal(&ctx.list);
}
