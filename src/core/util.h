/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util.h - allocation, growable strings, string lists and hex helpers. */
#ifndef KD_UTIL_H
#define KD_UTIL_H

/* Which build this is: the portable one is static, without libkmod and libudev. */
#ifdef KD_PORTABLE
#define KD_BUILD "portable"
#else
#define KD_BUILD "standard"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation failure is not recoverable for a one-shot inspector: report and exit 2. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct strbuf {
	char *s;
	size_t len;
	size_t cap;
};

void sb_init(struct strbuf *sb);
void sb_putc(struct strbuf *sb, char c);
void sb_putn(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_steal(struct strbuf *sb);
void sb_free(struct strbuf *sb);
/* Append one Unicode code point (at most U+10FFFF) as UTF-8. */
void sb_put_codepoint(struct strbuf *sb, uint32_t cp);
/*
 * Append UTF-16LE text of at most units code units, up to a NUL, as UTF-8:
 * surrogate pairs joined, a lone half as U+FFFD. Returns the units before the
 * NUL (units when there was none).
 */
size_t sb_put_utf16le(struct strbuf *sb, const uint8_t *p, size_t units);

/*
 * A byte buffer kept between uses: a worker reading thousands of files reuses
 * one allocation instead of faulting in fresh pages for each (len: bytes held).
 */
struct kd_buf {
	uint8_t *p;
	size_t len;
	size_t alloc;
};

/* Room for at least n bytes in all (the contents kept); never fails (aborts on OOM). */
void kd_buf_reserve(struct kd_buf *b, size_t n);
/* Empty b; its memory is given back when it grew past keep bytes. */
void kd_buf_reset(struct kd_buf *b, size_t keep);
void kd_buf_free(struct kd_buf *b);

struct strlist {
	char **v;
	size_t n;
	size_t cap;
};

void sl_push(struct strlist *sl, char *s);	/* takes ownership */
void sl_free(struct strlist *sl);
void sl_sort(struct strlist *sl);
bool sl_contains(const struct strlist *sl, const char *s);

/*
 * How a value is written into the JSON report: a string, a number (its text is
 * decimal digits), or one item of a list (every value of the key, an array).
 */
enum kv_type {
	KV_STRING,
	KV_NUMBER,
	KV_LIST,
};

/* Ordered key/value pairs (modinfo fields, evidence). */
struct kv {
	char *key;
	char *value;
	enum kv_type type;		/* kv_add: KV_STRING */
};

struct kvlist {
	struct kv *v;
	size_t n;
	size_t cap;
};

void kv_add(struct kvlist *l, const char *key, const char *value);
void kv_addn(struct kvlist *l, const char *key, const char *value, size_t vlen);
/*
 * Add a value of a type, so that the key has one type and, unless it is a
 * list, one value: a list gains a value it does not hold yet; a string or a
 * number is set once (the first value stays).
 */
void kv_put(struct kvlist *l, const char *key, const char *value, enum kv_type type);
const char *kv_get(const struct kvlist *l, const char *key);
bool kv_has(const struct kvlist *l, const char *key, const char *value);
void kv_free(struct kvlist *l);

/* Lower-case hex of bytes, with an optional separator (0 for none). */
char *hex_encode(const uint8_t *p, size_t n, char sep);
bool str_has_suffix(const char *s, const char *suffix);
/*
 * Does haystack contain needle, ignoring letter case? Both are UTF-8: Latin,
 * Greek and Cyrillic letters match either case ("лаборатория" in
 * "Лаборатория"); other characters and malformed bytes match only themselves.
 */
bool str_icontains(const char *haystack, const char *needle);
/* The same in n bytes that may hold NULs. */
bool mem_icontains(const uint8_t *p, size_t n, const char *needle);
bool str_iequals(const char *a, const char *b);
/* Strip trailing whitespace and newlines in place. */
void str_rstrip(char *s);
int cmp_strp(const void *a, const void *b);

#endif
