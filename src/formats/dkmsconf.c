// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dkmsconf.c - dkms.conf as data. DKMS sources the file in a shell; kdetect
 * only takes the assignments it needs, with one level of quotes removed.
 * A value with $(...), backquotes or $VAR stays as written: it is shown,
 * never expanded, never run.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "formats/dkmsconf.h"

#define LINE_MAX_LEN 4096

static char *unquote(const char *v, size_t n)
{
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
		n--;
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0])
		return xstrndup(v + 1, n - 2);
	return xstrndup(v, n);
}

/* Set slot idx of an indexed list, padding with "" (the list keeps index order). */
static void set_indexed(struct strlist *l, size_t idx, char *value)
{
	while (l->n <= idx)
		sl_push(l, xstrdup(""));
	free(l->v[idx]);
	l->v[idx] = value;
}

static void assign(struct dkms_conf *c, const char *key, size_t klen, const char *v, size_t vn,
		   unsigned lineno)
{
	const char *br = memchr(key, '[', klen);
	size_t base = br ? (size_t)(br - key) : klen, idx = 0;

	if (br) {
		const char *p = br + 1;

		if (key[klen - 1] != ']' || p == key + klen - 1) {
			c->skipped++;
			return;
		}
		for (; p < key + klen - 1; p++) {
			if (*p < '0' || *p > '9' || idx >= DKMSCONF_MODULES_MAX) {
				c->skipped++;
				return;
			}
			idx = idx * 10 + (size_t)(*p - '0');
		}
		if (idx >= DKMSCONF_MODULES_MAX) {
			c->skipped++;
			return;
		}
	}
#define IS(name) (base == sizeof(name) - 1 && !strncmp(key, name, base))
	if (!br && IS("PACKAGE_NAME")) {
		free(c->package);
		c->package = unquote(v, vn);
		c->package_line = lineno;
	} else if (!br && IS("PACKAGE_VERSION")) {
		free(c->version);
		c->version = unquote(v, vn);
	} else if (!br && IS("AUTOINSTALL")) {
		free(c->autoinstall);
		c->autoinstall = unquote(v, vn);
	} else if (IS("BUILT_MODULE_NAME")) {
		set_indexed(&c->modules, idx, unquote(v, vn));
	} else if (IS("DEST_MODULE_LOCATION")) {
		set_indexed(&c->locations, idx, unquote(v, vn));
	}
#undef IS
}

void dkmsconf_parse(const char *p, size_t n, struct dkms_conf *out)
{
	struct cursor c = cur_init(p, n);
	unsigned lineno = 0;

	while (cur_left(&c)) {
		const uint8_t *s = c.base + c.pos, *nl = memchr(s, '\n', cur_left(&c));
		size_t len = nl ? (size_t)(nl - s) : cur_left(&c), k = 0;
		const char *line = (const char *)s;

		cur_skip(&c, len + (nl ? 1 : 0));
		lineno++;
		if (len > LINE_MAX_LEN || memchr(line, '\0', len)) {
			out->skipped++;
			continue;
		}
		while (k < len && (line[k] == ' ' || line[k] == '\t'))
			k++;
		if (k == len || line[k] == '#')
			continue;
		{
			const char *key = line + k, *eq = memchr(key, '=', len - k);
			size_t klen;

			if (!eq)
				continue;	/* a command, a function: DKMS would run it, we do not */
			klen = (size_t)(eq - key);
			for (size_t i = 0; i < klen; i++)
				if (!((key[i] >= 'A' && key[i] <= 'Z') || (key[i] >= '0' && key[i] <= '9') ||
				      key[i] == '_' || key[i] == '[' || key[i] == ']' ||
				      (key[i] >= 'a' && key[i] <= 'z')))
					klen = 0;
			if (!klen)
				continue;
			assign(out, key, klen, eq + 1, len - (size_t)(eq + 1 - line), lineno);
		}
	}
}

void dkmsconf_free(struct dkms_conf *c)
{
	free(c->package);
	free(c->version);
	free(c->autoinstall);
	sl_free(&c->modules);
	sl_free(&c->locations);
	memset(c, 0, sizeof(*c));
}
