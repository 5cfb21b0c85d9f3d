// SPDX-License-Identifier: GPL-2.0-or-later
/* util.c - allocation, growable strings, string lists and hex helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"

static void oom(void)
{
	fputs("kdetect: out of memory\n", stderr);
	exit(2);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xreallocarray(void *p, size_t nmemb, size_t size)
{
	size_t n;

	if (__builtin_mul_overflow(nmemb, size, &n))
		oom();
	return xrealloc(p, n);
}

void kd_buf_reserve(struct kd_buf *b, size_t n)
{
	size_t alloc = b->alloc ? b->alloc : 4096;

	if (n <= b->alloc)
		return;
	while (alloc < n)
		alloc = alloc > SIZE_MAX / 2 ? n : alloc * 2;
	b->p = xrealloc(b->p, alloc);
	b->alloc = alloc;
}

void kd_buf_reset(struct kd_buf *b, size_t keep)
{
	b->len = 0;
	if (b->alloc > keep)
		kd_buf_free(b);
}

void kd_buf_free(struct kd_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		oom();
	va_end(ap);
	return p;
}

void sb_init(struct strbuf *sb)
{
	sb->s = NULL;
	sb->len = 0;
	sb->cap = 0;
}

static void sb_grow(struct strbuf *sb, size_t more)
{
	size_t need;

	if (__builtin_add_overflow(sb->len, more + 1, &need))
		oom();
	if (need <= sb->cap)
		return;
	sb->cap = sb->cap ? sb->cap : 64;
	while (sb->cap < need)
		sb->cap *= 2;
	sb->s = xrealloc(sb->s, sb->cap);
}

void sb_putn(struct strbuf *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void sb_putc(struct strbuf *sb, char c)
{
	sb_putn(sb, &c, 1);
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_putn(sb, s, strlen(s));
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

char *sb_steal(struct strbuf *sb)
{
	char *s = sb->s ? sb->s : xstrdup("");

	sb_init(sb);
	return s;
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	sb_init(sb);
}

void sb_put_codepoint(struct strbuf *sb, uint32_t cp)
{
	if (cp < 0x80) {
		sb_putc(sb, (char)cp);
	} else if (cp < 0x800) {
		sb_putc(sb, (char)(0xc0 | cp >> 6));
		sb_putc(sb, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		sb_putc(sb, (char)(0xe0 | cp >> 12));
		sb_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		sb_putc(sb, (char)(0x80 | (cp & 0x3f)));
	} else {
		sb_putc(sb, (char)(0xf0 | cp >> 18));
		sb_putc(sb, (char)(0x80 | ((cp >> 12) & 0x3f)));
		sb_putc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		sb_putc(sb, (char)(0x80 | (cp & 0x3f)));
	}
}

size_t sb_put_utf16le(struct strbuf *sb, const uint8_t *p, size_t units)
{
	size_t i;

	sb_puts(sb, "");
	for (i = 0; i < units; i++) {
		uint32_t u = (uint32_t)(p[2 * i] | p[2 * i + 1] << 8), lo;

		if (!u)
			break;
		if (u >= 0xd800 && u < 0xdc00 && i + 1 < units &&
		    (lo = (uint32_t)(p[2 * i + 2] | p[2 * i + 3] << 8)) >= 0xdc00 && lo < 0xe000) {
			sb_put_codepoint(sb, 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
			i++;
		} else if (u >= 0xd800 && u < 0xe000) {
			sb_put_codepoint(sb, 0xfffd);	/* a lone surrogate half */
		} else {
			sb_put_codepoint(sb, u);
		}
	}
	return i;
}

void sl_push(struct strlist *sl, char *s)
{
	if (sl->n == sl->cap) {
		sl->cap = sl->cap ? sl->cap * 2 : 8;
		sl->v = xreallocarray(sl->v, sl->cap, sizeof(*sl->v));
	}
	sl->v[sl->n++] = s;
}

void sl_free(struct strlist *sl)
{
	for (size_t i = 0; i < sl->n; i++)
		free(sl->v[i]);
	free(sl->v);
	sl->v = NULL;
	sl->n = sl->cap = 0;
}

int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void sl_sort(struct strlist *sl)
{
	if (sl->n > 1)
		qsort(sl->v, sl->n, sizeof(*sl->v), cmp_strp);
}

bool sl_contains(const struct strlist *sl, const char *s)
{
	for (size_t i = 0; i < sl->n; i++)
		if (strcmp(sl->v[i], s) == 0)
			return true;
	return false;
}

char *hex_encode(const uint8_t *p, size_t n, char sep)
{
	static const char digits[] = "0123456789abcdef";
	size_t width = sep ? 3 : 2;
	char *out, *o;

	if (n > (SIZE_MAX - 1) / 3)
		oom();
	out = o = xmalloc(n * width + 1);
	for (size_t i = 0; i < n; i++) {
		if (sep && i)
			*o++ = sep;
		*o++ = digits[p[i] >> 4];
		*o++ = digits[p[i] & 15];
	}
	*o = '\0';
	return out;
}

bool str_has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

/*
 * One character of UTF-8 at p (n > 0 bytes): its code point, and its length in
 * *len. A byte that does not start a well-formed sequence (overlong, surrogate,
 * truncated) stands for itself, as a value above U+10FFFF, so that it compares
 * equal only to the same byte.
 */
static uint32_t utf8_next(const uint8_t *p, size_t n, size_t *len)
{
	uint32_t c = p[0], min;
	size_t need;

	*len = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1, min = 0x80, c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2, min = 0x800, c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3, min = 0x10000, c &= 0x07;
	} else {
		return 0x110000 + p[0];
	}
	if (n <= need)
		return 0x110000 + p[0];
	for (size_t i = 1; i <= need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0x110000 + p[0];
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0x110000 + p[0];
	*len = need + 1;
	return c;
}

/*
 * Simple case folding for the scripts vendor names are written in: Latin
 * (ASCII, Latin-1), Greek and Cyrillic, whose capitals map one to one onto a
 * small letter. Anything else compares exactly.
 */
static uint32_t fold_case(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 0x20;
	if (c < 0xc0)
		return c;
	if (c <= 0xde && c != 0xd7)
		return c + 0x20;			/* À..Þ, not × */
	if ((c >= 0x391 && c <= 0x3a9 && c != 0x3a2))
		return c + 0x20;			/* Α..Ω */
	if (c >= 0x410 && c <= 0x42f)
		return c + 0x20;			/* А..Я */
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;			/* Ѐ..Џ: Ё, Є, І, Ї, Ў, ... */
	if (((c >= 0x460 && c <= 0x481) || (c >= 0x48a && c <= 0x4bf)) && !(c & 1))
		return c + 1;				/* Ѡ..Ҁ, Ҋ..Ҿ pairs */
	return c;
}

static inline uint8_t ascii_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 0x20) : c;
}

/*
 * mem_icontains() for a needle of ASCII only, byte by byte. The same answer:
 * no character beyond ASCII folds onto one in it, an ASCII byte always starts
 * a character (continuation bytes are 0x80..0xbf), and among ASCII only A..Z
 * fold.
 */
static bool mem_icontains_ascii(const uint8_t *p, size_t n, const uint8_t *nd, size_t m)
{
	uint8_t first = ascii_lower(nd[0]);

	for (size_t i = 0; i + m <= n; i++) {
		size_t k;

		if (ascii_lower(p[i]) != first)
			continue;
		for (k = 1; k < m && ascii_lower(p[i + k]) == ascii_lower(nd[k]); k++)
			;
		if (k == m)
			return true;
	}
	return false;
}

bool mem_icontains(const uint8_t *p, size_t n, const char *needle)
{
	const uint8_t *nd = (const uint8_t *)needle;
	size_t m = 0, step;
	bool ascii = true;

	for (; nd[m]; m++)
		ascii = ascii && nd[m] < 0x80;
	if (!m)
		return true;
	if (ascii)
		return mem_icontains_ascii(p, n, nd, m);
	{
		/* a character beyond ASCII matches only one beyond ASCII: none, no match */
		size_t k = 0;

		while (k < n && p[k] < 0x80)
			k++;
		if (k == n)
			return false;
	}
	for (size_t i = 0; i < n; i += step) {
		size_t a = i, b = 0, la, lb;

		utf8_next(p + i, n - i, &step);
		while (a < n && b < m &&
		       fold_case(utf8_next(p + a, n - a, &la)) == fold_case(utf8_next(nd + b, m - b, &lb))) {
			a += la;
			b += lb;
		}
		if (b == m)
			return true;
	}
	return false;
}

bool str_icontains(const char *haystack, const char *needle)
{
	return mem_icontains((const uint8_t *)haystack, strlen(haystack), needle);
}

bool str_iequals(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

void str_rstrip(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

void kv_addn(struct kvlist *l, const char *key, const char *value, size_t vlen)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n].key = xstrdup(key);
	l->v[l->n].value = xstrndup(value, vlen);
	l->v[l->n].type = KV_STRING;
	l->n++;
}

void kv_put(struct kvlist *l, const char *key, const char *value, enum kv_type type)
{
	if (type == KV_LIST ? kv_has(l, key, value) : kv_get(l, key) != NULL)
		return;
	kv_add(l, key, value);
	l->v[l->n - 1].type = type;
}

void kv_add(struct kvlist *l, const char *key, const char *value)
{
	kv_addn(l, key, value, strlen(value));
}

const char *kv_get(const struct kvlist *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].value;
	return NULL;
}

bool kv_has(const struct kvlist *l, const char *key, const char *value)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0 && strcmp(l->v[i].value, value) == 0)
			return true;
	return false;
}

void kv_free(struct kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
