// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inf.c - a Windows INF read as data. The text is decoded to UTF-8 first
 * (UTF-16 with or without a BOM, UTF-8, else Windows-1252), then cut into
 * logical lines (';' comments outside quotes dropped, a trailing '\' joins the
 * next line), each a [section] header or "key = field, field, ..." with
 * quotes removed ("" is one quote). Sections of one name, in any case, are one
 * section, as SetupAPI merges them. %strkey% tokens are resolved only in the
 * values handed out, from [Strings], then [Strings.0409], then any other
 * [Strings.*]; a [Strings] value is taken as written (nothing in it is
 * expanded, so %a% = "%b%", %b% = "%a%" cannot loop), %% is one '%', and a
 * token no section defines (a DIRID such as %12%) stays as written.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "formats/inf.h"

#define NO_SECTION SIZE_MAX
#define MAX_CATALOGS 64

struct inf_line {
	size_t section;
	char *key;			/* NULL: a line of values only */
	char **f;
	size_t nf;
};

struct inf_section {
	char *name;
	size_t *lines;			/* indices into doc.lines, in order */
	size_t n;
	bool visited;			/* as a CopyFiles list, already read */
};

struct inf_str {
	const char *key;
	const char *value;
	size_t prio;			/* 0 [Strings], 1 [Strings.0409], 2+ other [Strings.*] */
	size_t seq;
};

struct inf_doc {
	struct inf_section *s;
	size_t ns;
	struct inf_line *l;
	size_t nl;
	struct inf_str *strs;
	size_t nstrs;
	size_t *unresolved;
};

/* ---- decoding ---------------------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at p (no overlongs, surrogates or > U+10FFFF), or 0. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	size_t len;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

static bool valid_utf8(const uint8_t *p, size_t n)
{
	for (size_t i = 0, k; i < n; i += k)
		if (!(k = utf8_len(p + i, n - i)))
			return false;
	return true;
}

/* Windows-1252's 0x80..0x9f; the five bytes it leaves undefined become U+FFFD. */
static const uint16_t cp1252_high[32] = {
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
	0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
};

static void decode_utf16(struct cursor *c, bool be, struct strbuf *out)
{
	uint16_t u, lo;

	while (cur_left(c) >= 2) {
		cur_le16(c, &u);
		if (be)
			u = (uint16_t)(u >> 8 | u << 8);
		if (u >= 0xd800 && u <= 0xdbff && cur_left(c) >= 2) {
			size_t save = c->pos;

			cur_le16(c, &lo);
			if (be)
				lo = (uint16_t)(lo >> 8 | lo << 8);
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				sb_put_codepoint(out, 0x10000 + ((uint32_t)(u - 0xd800) << 10) + (lo - 0xdc00));
				continue;
			}
			c->pos = save;
			sb_put_codepoint(out, 0xfffd);
		} else if (u >= 0xd800 && u <= 0xdfff) {
			sb_put_codepoint(out, 0xfffd);	/* a lone surrogate */
		} else {
			sb_put_codepoint(out, u);
		}
	}
	if (cur_left(c))
		sb_put_codepoint(out, 0xfffd);	/* an odd last byte */
}

/* The text as UTF-8 in out; returns the encoding it was in. */
static const char *decode(const uint8_t *p, size_t n, struct strbuf *out)
{
	struct cursor c = cur_init(p, n);

	if (n >= 2 && p[0] == 0xff && p[1] == 0xfe) {
		cur_skip(&c, 2);
		decode_utf16(&c, false, out);
		return "utf-16le";
	}
	if (n >= 2 && p[0] == 0xfe && p[1] == 0xff) {
		cur_skip(&c, 2);
		decode_utf16(&c, true, out);
		return "utf-16be";
	}
	/* no BOM, but ASCII text as UTF-16LE: "[\0V\0" or ";\0 \0" */
	if (n >= 4 && p[0] && !p[1] && p[2] && !p[3]) {
		decode_utf16(&c, false, out);
		return "utf-16le";
	}
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		/* a BOM says UTF-8; a malformed byte in it becomes U+FFFD */
		for (size_t i = 3, k; i < n; i += k) {
			k = utf8_len(p + i, n - i);
			if (k)
				sb_putn(out, (const char *)p + i, k);
			else
				sb_put_codepoint(out, 0xfffd), k = 1;
		}
		return "utf-8";
	}
	if (valid_utf8(p, n)) {
		sb_putn(out, (const char *)p, n);
		return "utf-8";
	}
	for (size_t i = 0; i < n; i++)
		sb_put_codepoint(out, p[i] < 0x80 ? p[i] : p[i] < 0xa0 ? cp1252_high[p[i] - 0x80] : p[i]);
	return "windows-1252";
}

/* ---- lines ------------------------------------------------------------------------------- */

static int ascii_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = (unsigned char)*a, y = (unsigned char)*b;

		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y || !x)
			return x - y;
	}
}

static bool has_iprefix(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++) {
		int x = (unsigned char)*s, y = (unsigned char)*prefix;

		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (x != y)
			return false;
	}
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r';
}

static size_t find_section(const struct inf_doc *d, const char *name)
{
	for (size_t i = 0; i < d->ns; i++)
		if (!ascii_casecmp(d->s[i].name, name))
			return i;
	return NO_SECTION;
}

static void free_line(struct inf_line *l)
{
	free(l->key);
	for (size_t i = 0; i < l->nf; i++)
		free(l->f[i]);
	free(l->f);
}

/*
 * Split one logical line (comments gone, continuations joined) into its key
 * and fields. In [Strings] a comma is text, not a separator. False when the
 * line has more than INF_MAX_FIELDS fields.
 */
static bool split_line(const char *s, size_t n, bool strings, struct inf_line *out,
		       size_t *unterminated)
{
	struct strbuf tok;
	size_t keep = 0;
	bool inq = false;

	sb_init(&tok);
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i <= n; i++) {
		char c = i < n ? s[i] : '\0';
		/* the first '=' before any comma ends the key; in [Strings] a comma is text */
		bool sep = i < n && !inq && ((c == '=' && !out->key && !out->nf) ||
					      (c == ',' && !strings));

		if (i < n && c == '"') {
			if (inq && i + 1 < n && s[i + 1] == '"') {
				sb_putc(&tok, '"');	/* "" inside quotes: one quote */
				i++;
			} else {
				inq = !inq;
				sb_putn(&tok, "", 0);	/* "" is an empty value, not a missing one */
			}
			keep = tok.len;
			continue;
		}
		if (i < n && !sep) {
			if (!inq && is_blank(c) && !tok.len)
				continue;	/* leading blanks */
			sb_putc(&tok, c);
			if (inq || !is_blank(c))
				keep = tok.len;
			continue;
		}
		/* the end of the key or of a field: trailing blanks outside quotes dropped */
		if (tok.s) {
			tok.s[keep] = '\0';
			tok.len = keep;
		}
		if (c == '=' && sep) {
			out->key = sb_steal(&tok);
		} else {
			if (out->nf == INF_MAX_FIELDS) {
				sb_free(&tok);
				free_line(out);
				memset(out, 0, sizeof(*out));
				return false;
			}
			out->f = xreallocarray(out->f, out->nf + 1, sizeof(*out->f));
			out->f[out->nf++] = sb_steal(&tok);
		}
		keep = 0;
	}
	sb_free(&tok);
	if (inq)
		(*unterminated)++;
	return true;
}

/* A [section] header: the section its lines go to, NO_SECTION when it is malformed or one too many. */
static size_t header(struct inf_doc *d, const char *s, size_t n, struct inf_info *out)
{
	const char *close = memchr(s, ']', n);
	size_t a = 1, b;
	char *name;

	if (!close) {
		out->skipped++;
		return NO_SECTION;
	}
	b = (size_t)(close - s);
	while (a < b && is_blank(s[a]))
		a++;
	while (b > a && is_blank(s[b - 1]))
		b--;
	name = xstrndup(s + a, b - a);
	{
		size_t i = find_section(d, name);

		if (i != NO_SECTION) {
			free(name);
			return i;
		}
	}
	if (d->ns == INF_MAX_SECTIONS) {
		free(name);
		out->truncated = true;
		return NO_SECTION;
	}
	d->s = xreallocarray(d->s, d->ns + 1, sizeof(*d->s));
	memset(&d->s[d->ns], 0, sizeof(d->s[0]));
	d->s[d->ns].name = name;
	return d->ns++;
}

static bool is_strings_section(const char *name)
{
	return !ascii_casecmp(name, "strings") ||
	       (has_iprefix(name, "strings.") && name[sizeof("strings.") - 1]);
}

static void add_line(struct inf_doc *d, size_t sect, const char *s, size_t n, struct inf_info *out)
{
	struct inf_section *sec = &d->s[sect];
	struct inf_line l;

	if (d->nl == INF_MAX_LINES) {
		out->truncated = true;
		return;
	}
	if (!split_line(s, n, is_strings_section(sec->name), &l, &out->unterminated)) {
		out->skipped++;
		return;
	}
	l.section = sect;
	d->l = xreallocarray(d->l, d->nl + 1, sizeof(*d->l));
	d->l[d->nl] = l;
	sec->lines = xreallocarray(sec->lines, sec->n + 1, sizeof(*sec->lines));
	sec->lines[sec->n++] = d->nl++;
	out->lines++;
}

static void read_lines(struct inf_doc *d, const char *t, size_t tlen, struct inf_info *out)
{
	size_t pos = 0, cur = NO_SECTION;
	struct strbuf lg;

	sb_init(&lg);
	while (pos < tlen && !out->truncated) {
		bool cont, too_long = false, nul = false;
		size_t i, k;

		lg.len = 0;
		do {
			const char *line = t + pos, *eol = memchr(line, '\n', tlen - pos);
			size_t len = eol ? (size_t)(eol - line) : tlen - pos, end = len;
			bool inq = false;

			pos += len + (eol ? 1 : 0);
			for (i = 0; i < len; i++) {
				if (line[i] == '"')
					inq = !inq;
				else if (line[i] == ';' && !inq) {
					end = i;
					break;
				} else if (!line[i]) {
					nul = true;
				}
			}
			while (end && is_blank(line[end - 1]))
				end--;
			/* a backslash last, outside quotes, joins the next line */
			cont = end && line[end - 1] == '\\' && !inq;
			if (cont)
				end--;
			if (lg.len + end > INF_MAX_LINE)
				too_long = true;
			else if (!too_long)
				sb_putn(&lg, line, end);
		} while (cont && pos < tlen);
		if (too_long || nul) {
			out->skipped++;
			continue;
		}
		for (k = 0; k < lg.len && is_blank(lg.s[k]); k++)
			;
		if (k == lg.len)
			continue;	/* blank, or a comment only */
		if (lg.s[k] == '[') {
			cur = header(d, lg.s + k, lg.len - k, out);
			continue;
		}
		/* lines before the first section, or in a section we did not keep, count for nothing */
		if (cur != NO_SECTION)
			add_line(d, cur, lg.s + k, lg.len - k, out);
	}
	sb_free(&lg);
}

/* ---- strings ----------------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	const struct inf_str *x = a, *y = b;
	int c = ascii_casecmp(x->key, y->key);

	if (c)
		return c;
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_str_key(const void *key, const void *elem)
{
	return ascii_casecmp(key, ((const struct inf_str *)elem)->key);
}

static void load_strings(struct inf_doc *d)
{
	size_t other = 2;

	for (size_t s = 0; s < d->ns; s++) {
		size_t prio;

		if (!is_strings_section(d->s[s].name))
			continue;
		prio = !ascii_casecmp(d->s[s].name, "strings") ? 0 :
		       !ascii_casecmp(d->s[s].name, "strings.0409") ? 1 : other++;
		for (size_t i = 0; i < d->s[s].n; i++) {
			const struct inf_line *l = &d->l[d->s[s].lines[i]];

			if (!l->key || !*l->key || !l->nf)
				continue;
			d->strs = xreallocarray(d->strs, d->nstrs + 1, sizeof(*d->strs));
			d->strs[d->nstrs++] = (struct inf_str){ l->key, l->f[0], prio, d->nstrs };
		}
	}
	if (d->nstrs)
		qsort(d->strs, d->nstrs, sizeof(*d->strs), cmp_str);
}

static const char *lookup_string(const struct inf_doc *d, const char *key)
{
	const struct inf_str *e;

	if (!d->nstrs)
		return NULL;
	e = bsearch(key, d->strs, d->nstrs, sizeof(*d->strs), cmp_str_key);
	if (!e)
		return NULL;
	while (e > d->strs && !ascii_casecmp(e[-1].key, key))
		e--;	/* the first of equal keys: the preferred section */
	return e->value;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

/* raw with its %strkey% tokens resolved, at most INF_MAX_LINE bytes; NULL stays NULL. */
static char *resolve(const struct inf_doc *d, const char *raw)
{
	struct strbuf out;

	if (!raw)
		return NULL;
	sb_init(&out);
	for (const char *p = raw; *p && out.len <= INF_MAX_LINE;) {
		const char *end, *val;
		char *key;

		if (*p != '%' || !(end = strchr(p + 1, '%'))) {
			size_t run = *p == '%' ? strlen(p) : strcspn(p, "%");

			sb_putn(&out, p, run);
			p += run;
			continue;
		}
		if (end == p + 1) {
			sb_putc(&out, '%');	/* %% */
			p += 2;
			continue;
		}
		key = xstrndup(p + 1, (size_t)(end - p - 1));
		val = lookup_string(d, key);
		if (val) {
			sb_puts(&out, val);
		} else {
			/* a DIRID (%12%) is not a string key; anything else is a token no section defines */
			if (!all_digits(key, strlen(key)))
				(*d->unresolved)++;
			sb_putn(&out, p, (size_t)(end - p + 1));
		}
		free(key);
		p = end + 1;
	}
	if (out.len > INF_MAX_LINE) {
		out.len = INF_MAX_LINE;
		out.s[out.len] = '\0';
	}
	return sb_steal(&out);
}

/* ---- what the package says --------------------------------------------------------------- */

static const struct inf_line *find_key(const struct inf_doc *d, size_t sect, const char *key)
{
	if (sect == NO_SECTION)
		return NULL;
	for (size_t i = 0; i < d->s[sect].n; i++) {
		const struct inf_line *l = &d->l[d->s[sect].lines[i]];

		if (l->key && !ascii_casecmp(l->key, key))
			return l;
	}
	return NULL;
}

static char *field(const struct inf_doc *d, const struct inf_line *l, size_t i)
{
	return l && i < l->nf && *l->f[i] ? resolve(d, l->f[i]) : NULL;
}

static char *value_of(const struct inf_doc *d, size_t sect, const char *key)
{
	return field(d, find_key(d, sect, key), 0);
}

static void version_fields(const struct inf_doc *d, struct inf_info *out)
{
	size_t v = find_section(d, "version");
	const struct inf_line *dv = find_key(d, v, "DriverVer");
	size_t ncat = 0;

	if (v == NO_SECTION)
		return;
	out->signature = value_of(d, v, "Signature");
	out->provider = value_of(d, v, "Provider");
	out->class_name = value_of(d, v, "Class");
	out->class_guid = value_of(d, v, "ClassGuid");
	out->driver_date = field(d, dv, 0);
	out->driver_version = field(d, dv, 1);
	for (size_t i = 0; i < d->s[v].n && ncat < MAX_CATALOGS; i++) {
		const struct inf_line *l = &d->l[d->s[v].lines[i]];
		char *name;

		if (!l->key || !has_iprefix(l->key, "catalogfile") ||
		    (l->key[11] && l->key[11] != '.'))
			continue;
		name = field(d, l, 0);
		if (name) {
			kv_add(&out->catalogs, l->key, name);
			ncat++;
		}
		free(name);
	}
}

static void add_file(struct inf_info *out, char *name)
{
	if (!name)
		return;
	if (!*name || out->files.n >= INF_MAX_FILES) {
		free(name);
		return;
	}
	for (size_t i = 0; i < out->files.n; i++)
		if (!ascii_casecmp(out->files.v[i], name)) {
			free(name);
			return;
		}
	sl_push(&out->files, name);
}

static void files(struct inf_doc *d, struct inf_info *out)
{
	/* [SourceDisksFiles] and its decorated forms: file = disk id[, subdir, size] */
	for (size_t s = 0; s < d->ns; s++) {
		const char *n = d->s[s].name;

		if (ascii_casecmp(n, "sourcedisksfiles") &&
		    !(has_iprefix(n, "sourcedisksfiles.") && n[sizeof("sourcedisksfiles.") - 1]))
			continue;
		for (size_t i = 0; i < d->s[s].n; i++) {
			const struct inf_line *l = &d->l[d->s[s].lines[i]];

			add_file(out, l->key ? resolve(d, l->key) : field(d, l, 0));
		}
	}
	/* CopyFiles = list-section[, list-section, @file]: each list section read once */
	for (size_t i = 0; i < d->nl; i++) {
		const struct inf_line *l = &d->l[i];

		if (!l->key || ascii_casecmp(l->key, "copyfiles"))
			continue;
		for (size_t k = 0; k < l->nf; k++) {
			char *name = resolve(d, l->f[k]);
			size_t s;

			if (name[0] == '@') {
				add_file(out, xstrdup(name + 1));
				free(name);
				continue;
			}
			s = find_section(d, name);
			free(name);
			if (s == NO_SECTION || d->s[s].visited)
				continue;
			d->s[s].visited = true;
			/* each line: destination[, source[, , flags]] */
			for (size_t j = 0; j < d->s[s].n; j++) {
				const struct inf_line *fl = &d->l[d->s[s].lines[j]];

				add_file(out, fl->key ? resolve(d, fl->key) : field(d, fl, 0));
			}
		}
	}
}

static void services(const struct inf_doc *d, struct inf_info *out)
{
	for (size_t i = 0; i < d->nl && out->nservices < INF_MAX_SERVICES; i++) {
		const struct inf_line *l = &d->l[i];
		struct inf_service sv = { 0 };
		size_t sect;
		bool dup = false;

		if (!l->key || ascii_casecmp(l->key, "addservice"))
			continue;
		sv.name = field(d, l, 0);
		if (!sv.name)
			continue;
		sv.flags = field(d, l, 1);
		sv.section = field(d, l, 2);
		/* the same service in the sections of several platforms counts once */
		for (size_t k = 0; k < out->nservices && !dup; k++)
			dup = !ascii_casecmp(out->services[k].name, sv.name) &&
			      !ascii_casecmp(out->services[k].section ? out->services[k].section : "",
					     sv.section ? sv.section : "");
		if (dup) {
			free(sv.name);
			free(sv.flags);
			free(sv.section);
			continue;
		}
		sect = sv.section ? find_section(d, sv.section) : NO_SECTION;
		sv.service_type = value_of(d, sect, "ServiceType");
		sv.start_type = value_of(d, sect, "StartType");
		sv.error_control = value_of(d, sect, "ErrorControl");
		sv.binary = value_of(d, sect, "ServiceBinary");
		sv.load_order_group = value_of(d, sect, "LoadOrderGroup");
		sv.display_name = value_of(d, sect, "DisplayName");
		out->services = xreallocarray(out->services, out->nservices + 1, sizeof(*out->services));
		out->services[out->nservices++] = sv;
	}
}

int inf_parse(const uint8_t *p, size_t n, struct inf_info *out, const char **reason)
{
	struct inf_doc d = { .unresolved = &out->unresolved };
	struct strbuf text;

	memset(out, 0, sizeof(*out));
	if (!n) {
		*reason = "empty file";
		return -1;
	}
	if (n > INF_MAX_BYTES) {
		*reason = "over the 8 MiB cap for an INF";
		return -1;
	}
	sb_init(&text);
	out->encoding = decode(p, n, &text);
	read_lines(&d, text.s, text.len, out);
	sb_free(&text);
	out->sections = d.ns;
	load_strings(&d);
	version_fields(&d, out);
	files(&d, out);
	services(&d, out);
	for (size_t i = 0; i < d.nl; i++)
		free_line(&d.l[i]);
	free(d.l);
	for (size_t i = 0; i < d.ns; i++) {
		free(d.s[i].name);
		free(d.s[i].lines);
	}
	free(d.s);
	free(d.strs);
	return 0;
}

static const char *last_part(const char *path)
{
	const char *a = strrchr(path, '\\'), *b = strrchr(path, '/');

	if (b > a)
		a = b;
	return a ? a + 1 : path;
}

int inf_service_for(const struct inf_info *inf, const char *file, size_t from)
{
	for (size_t i = from; i < inf->nservices; i++)
		if (inf->services[i].binary && !ascii_casecmp(last_part(inf->services[i].binary), file))
			return (int)i;
	return -1;
}

bool inf_lists_file(const struct inf_info *inf, const char *file)
{
	for (size_t i = 0; i < inf->files.n; i++)
		if (!ascii_casecmp(last_part(inf->files.v[i]), file))
			return true;
	return inf_service_for(inf, file, 0) >= 0;
}

void inf_free(struct inf_info *inf)
{
	free(inf->signature);
	free(inf->provider);
	free(inf->class_name);
	free(inf->class_guid);
	free(inf->driver_date);
	free(inf->driver_version);
	kv_free(&inf->catalogs);
	sl_free(&inf->files);
	for (size_t i = 0; i < inf->nservices; i++) {
		struct inf_service *s = &inf->services[i];

		free(s->name);
		free(s->flags);
		free(s->section);
		free(s->service_type);
		free(s->start_type);
		free(s->error_control);
		free(s->binary);
		free(s->load_order_group);
		free(s->display_name);
	}
	free(inf->services);
	memset(inf, 0, sizeof(*inf));
}
