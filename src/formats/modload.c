// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modload.c - the files that name modules to load, to configure or to keep
 * out, read as data: modprobe.d(5) (a backslash joins the next line, '#'
 * starts a comment line), modules-load.d(5) (one name a line, '#' and ';'
 * comments), and kernel command lines, alone or inside GRUB and BLS files.
 * Every line goes through a cursor and is capped; what does not fit is
 * counted as skipped, never guessed at.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "core/util.h"
#include "formats/modload.h"

#define CMDLINE_MAX 65536	/* far above any kernel's COMMAND_LINE_SIZE */

/* Command line parameters that name modules, and what they do to them. */
static const char *const load_params[] = {
	"modules-load", "rd.modules-load", "rd.driver.pre", "rd.driver.post",
};
static const char *const blacklist_params[] = {
	"module_blacklist", "modprobe.blacklist", "rd.driver.blacklist",
};
/* Dotted parameters that are not <module>.<param>: systemd's, dracut's, udev's. */
static const char *const not_modules[] = {
	"rd", "systemd", "udev", "plymouth", "vconsole", "locale", "luks", "lvm",
	"resume", "dracut", "apparmor", "selinux", "ignition", "cloud-init",
};

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

bool modconf_loads(const char *d)
{
	return !strcmp(d, "load") || !strcmp(d, "install") || !strcmp(d, "softdep-pulled") ||
	       in_list(load_params, ARRAY_SIZE(load_params), d);
}

bool modconf_blacklists(const char *d)
{
	return !strcmp(d, "blacklist") || in_list(blacklist_params, ARRAY_SIZE(blacklist_params), d);
}

static void add_item(struct modconf_items *out, const char *directive, const char *mod,
		     size_t modlen, const char *args, unsigned line)
{
	struct modconf_item *it;

	if (!modlen)
		return;
	if (out->n >= MODCONF_ITEMS_MAX) {
		out->truncated = true;
		return;
	}
	out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
	it = &out->v[out->n++];
	it->directive = xstrdup(directive);
	it->module = xstrndup(mod, modlen);
	it->args = xstrdup(args ? args : "");
	it->line = line;
}

/* The next physical line, without its newline; false at the end. */
static bool next_line(struct cursor *c, const char **s, size_t *len)
{
	const uint8_t *start, *nl;
	size_t left = cur_left(c);

	if (!left)
		return false;
	start = c->base + c->pos;
	nl = memchr(start, '\n', left);
	*len = nl ? (size_t)(nl - start) : left;
	cur_skip(c, *len + (nl ? 1 : 0));
	*s = (const char *)start;
	return true;
}

/*
 * The next logical line into sb (a trailing backslash joins the next physical
 * line, as libkmod reads modprobe.d), its first physical line number in *first.
 * Returns false at the end; *bad when it was too long or held a NUL byte.
 */
static bool next_logical(struct cursor *c, bool join, size_t max, struct strbuf *sb,
			 unsigned *lineno, unsigned *first, bool *bad)
{
	const char *s;
	size_t len;
	bool more = true;

	sb->len = 0;
	if (sb->s)
		sb->s[0] = '\0';
	*bad = false;
	if (!next_line(c, &s, &len))
		return false;
	*first = ++*lineno;
	while (more) {
		more = false;
		if (len && s[len - 1] == '\r')
			len--;
		if (join && len && s[len - 1] == '\\') {
			len--;
			more = true;
		}
		if (memchr(s, '\0', len))
			*bad = true;
		if (!*bad && sb->len + len > max)
			*bad = true;
		if (!*bad)
			sb_putn(sb, s, len);
		/* a backslash on the last line joins nothing */
		if (more && !next_line(c, &s, &len))
			break;
		if (more)
			++*lineno;
	}
	if (!sb->s)
		sb_putn(sb, "", 0);
	return true;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static const char *token_end(const char *p)
{
	while (*p && *p != ' ' && *p != '\t')
		p++;
	return p;
}

static void parse_modprobe_line(const char *line, unsigned lineno, struct modconf_items *out)
{
	const char *d = skip_ws(line), *de, *m, *me, *rest;
	char dir[16];

	if (!*d || *d == '#')
		return;
	de = token_end(d);
	if ((size_t)(de - d) >= sizeof(dir))
		return;		/* no directive is that long: modprobe ignores it too */
	memcpy(dir, d, (size_t)(de - d));
	dir[de - d] = '\0';
	m = skip_ws(de);
	me = token_end(m);
	if (!strcmp(dir, "alias")) {
		/* alias PATTERN MODULE */
		m = skip_ws(me);
		me = token_end(m);
		add_item(out, dir, m, (size_t)(me - m), line + (d - line), lineno);
		return;
	}
	if (strcmp(dir, "install") && strcmp(dir, "remove") && strcmp(dir, "options") &&
	    strcmp(dir, "blacklist") && strcmp(dir, "softdep"))
		return;
	rest = skip_ws(me);
	add_item(out, dir, m, (size_t)(me - m), rest, lineno);
	if (strcmp(dir, "softdep"))
		return;
	/* softdep MODULE pre: A B post: C: the modules it pulls in load with it */
	for (const char *t = rest; *t; t = skip_ws(token_end(t))) {
		const char *te = token_end(t);

		if (te > t && te[-1] == ':')
			continue;
		add_item(out, "softdep-pulled", t, (size_t)(te - t), line + (d - line), lineno);
	}
}

static void parse_modules_load_line(const char *line, unsigned lineno, struct modconf_items *out)
{
	const char *m = skip_ws(line), *me = token_end(m);

	if (!*m || *m == '#' || *m == ';')
		return;
	if (*skip_ws(me)) {
		out->skipped++;		/* one name a line */
		return;
	}
	add_item(out, "load", m, (size_t)(me - m), NULL, lineno);
}

/* A comma-separated list of module names. */
static void add_list(struct modconf_items *out, const char *param, const char *v, size_t n,
		     const char *token, unsigned lineno)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && v[j] != ',')
			j++;
		add_item(out, param, v + i, j - i, token, lineno);
		i = j + 1;
	}
}

static bool module_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-';
}

static void parse_param(const char *tok, size_t n, unsigned lineno, struct modconf_items *out)
{
	char *t = xstrndup(tok, n), *eq = strchr(t, '='), *v, *dot;
	size_t vn;

	if (!eq) {
		free(t);
		return;
	}
	*eq = '\0';
	v = eq + 1;
	vn = strlen(v);
	if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
		v++;
		vn -= 2;
	}
	if (in_list(load_params, ARRAY_SIZE(load_params), t) ||
	    in_list(blacklist_params, ARRAY_SIZE(blacklist_params), t)) {
		*eq = '=';
		{
			char *whole = xstrndup(tok, n);

			*eq = '\0';
			add_list(out, t, v, vn, whole, lineno);
			free(whole);
		}
		free(t);
		return;
	}
	dot = strchr(t, '.');
	if (dot && dot > t) {
		bool name_ok = true;

		for (const char *c = t; c < dot; c++)
			name_ok &= module_name_char(*c);
		*dot = '\0';
		if (name_ok && !in_list(not_modules, ARRAY_SIZE(not_modules), t)) {
			char *whole = xstrndup(tok, n);

			add_item(out, "options", t, strlen(t), whole, lineno);
			free(whole);
		}
	}
	free(t);
}

/* Parameters of a command line, split as the kernel does: blanks, "quoted" spans. */
static void parse_cmdline(const char *p, size_t n, unsigned lineno, struct modconf_items *out)
{
	size_t i = 0;

	while (i < n) {
		size_t start;
		bool quoted = false;

		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		start = i;
		while (i < n && (quoted || (p[i] != ' ' && p[i] != '\t'))) {
			if (p[i] == '"')
				quoted = !quoted;
			i++;
		}
		if (i > start)
			parse_param(p + start, i - start, lineno, out);
	}
}

/* A GRUB or BLS line that carries a command line: where it starts, or NULL. */
static const char *cmdline_of(enum modconf_format fmt, const char *line, size_t *len)
{
	const char *p = skip_ws(line), *e;
	size_t n;

	if (fmt == MODCONF_BLS) {
		if (strncmp(p, "options", 7) || (p[7] != ' ' && p[7] != '\t'))
			return NULL;
		p = skip_ws(p + 7);
		*len = strlen(p);
		return p;
	}
	if (fmt == MODCONF_GRUB_CFG) {
		e = token_end(p);
		n = (size_t)(e - p);
		if (!((n == 5 && !strncmp(p, "linux", 5)) || (n == 7 && !strncmp(p, "linux16", 7)) ||
		      (n == 8 && !strncmp(p, "linuxefi", 8))))
			return NULL;
		p = token_end(skip_ws(e));	/* the kernel's path */
		p = skip_ws(p);
		*len = strlen(p);
		return p;
	}
	/* etc/default/grub: GRUB_CMDLINE_LINUX="..." (variables stay unexpanded) */
	if (!strncmp(p, "GRUB_CMDLINE_LINUX=", 19))
		p += 19;
	else if (!strncmp(p, "GRUB_CMDLINE_LINUX_DEFAULT=", 27))
		p += 27;
	else
		return NULL;
	n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n >= 2 && (p[0] == '"' || p[0] == '\'') && p[n - 1] == p[0]) {
		p++;
		n -= 2;
	}
	*len = n;
	return p;
}

void modconf_parse(enum modconf_format fmt, const char *p, size_t n, struct modconf_items *out)
{
	struct cursor c = cur_init(p, n);
	struct strbuf sb;
	unsigned lineno = 0, first;
	size_t max = fmt == MODCONF_CMDLINE ? CMDLINE_MAX : MODCONF_LINE_MAX;
	bool bad;

	sb_init(&sb);
	while (next_logical(&c, fmt == MODCONF_MODPROBE, max, &sb, &lineno, &first, &bad)) {
		const char *cl;
		size_t cn;

		if (bad) {
			out->skipped++;
			continue;
		}
		switch (fmt) {
		case MODCONF_MODPROBE:
			parse_modprobe_line(sb.s, first, out);
			break;
		case MODCONF_MODULES_LOAD:
			parse_modules_load_line(sb.s, first, out);
			break;
		case MODCONF_CMDLINE:
			parse_cmdline(sb.s, sb.len, first, out);
			break;
		default:
			cl = cmdline_of(fmt, sb.s, &cn);
			if (cl)
				parse_cmdline(cl, cn, first, out);
			break;
		}
	}
	sb_free(&sb);
}

void modconf_items_free(struct modconf_items *items)
{
	for (size_t i = 0; i < items->n; i++) {
		free(items->v[i].directive);
		free(items->v[i].module);
		free(items->v[i].args);
	}
	free(items->v);
	memset(items, 0, sizeof(*items));
}
