// SPDX-License-Identifier: GPL-2.0-or-later
/* packages.c - installed packages from dpkg's status database, as facts for the rules. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sources/packages.h"
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

const char *packages_rpm_db(const struct kd_root *root)
{
	static const char *const dbs[] = {
		"var/lib/rpm/rpmdb.sqlite", "var/lib/rpm/Packages", "var/lib/rpm/Packages.db",
		"usr/lib/sysimage/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/Packages.db",
	};
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(dbs); i++)
		if (root_stat(root, dbs[i], ROOT_FOLLOW, &st) == 0 && S_ISREG(st.st_mode))
			return dbs[i];
	return NULL;
}
