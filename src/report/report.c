// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.c - write what a scan found, as text for people or JSON for tools.
 *
 * Every string that came from the inspected system (file names, modinfo,
 * certificate names) passes through safe_string(): no control bytes reach a
 * terminal, and the JSON is valid UTF-8 whatever the input was.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sources/procfs.h"
#include "report/report.h"
#include "core/util.h"

#define MAX_SHOWN 1024		/* bytes of one untrusted string we print */
#define MAX_TAINT_EXPLAINED 32	/* the kernel has fewer taint letters; proc/modules may lie */

/*
 * Why a loaded module carries taint letter flag, from what we know of its file
 * (signature, modinfo). Caller frees.
 */
static char *module_taint_why(const struct module_rec *m, char flag)
{
	const struct sig_result *s = &m->sig;
	const char *v;

	switch (flag) {
	case 'E':
		if (s->status == SIG_VALID && !s->kernel_trusted)
			return xasprintf("signed by a key the kernel does not trust (%s)",
					 s->cert && s->cert->cert ?
					 cert_get_info(s->cert->cert)->subject : s->issuer);
		if (s->status == SIG_VALID)
			return xstrdup("the file's signature verifies with a key the kernel trusts: "
				       "the loaded code may not be this file");
		if (s->status == SIG_UNSIGNED)
			return xstrdup("the module file is unsigned");
		return xasprintf("signature %s%s%s", sig_status_name(s->status),
				 s->reason ? ": " : "", s->reason ? s->reason : "");
	case 'O':
		v = kv_get(&m->modinfo, "intree");
		if (v && !strcmp(v, "Y"))
			return xstrdup("the kernel says out-of-tree, but the file's modinfo has "
				       "intree=Y: the loaded code may not be this file");
		return xstrdup(m->path ? "built outside the kernel tree (no intree=Y in modinfo)" :
					 "built outside the kernel tree");
	case 'P':
		v = kv_get(&m->modinfo, "license");
		return v ? xasprintf("license \"%s\" is not GPL-compatible", v) :
			   xstrdup("no GPL-compatible license");
	case 'C':
		return xstrdup("a staging driver");
	default:
		return xstrdup(taint_meaning(flag));
	}
}

/* Length of a valid UTF-8 sequence at p (not an overlong or surrogate), or 0. */
static size_t utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xe0 && p[0] <= 0xef) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0))
			return 0;
		return 3;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/*
 * One unit of an untrusted string at p as the reports show it, in tok: a valid
 * UTF-8 character as it is; a backslash doubled; a control byte, a C1 control
 * character (terminals obey those too) or a byte of invalid UTF-8 as \xHH.
 * Returns the bytes of the string it stands for.
 */
static size_t esc_token(const unsigned char *p, char tok[8])
{
	size_t n = utf8_len(p);

	if (*p == '\\') {
		memcpy(tok, "\\\\", 3);
		return 1;
	}
	if ((n == 1 && (*p < 0x20 || *p == 0x7f)) || n == 0 ||
	    (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
		snprintf(tok, 8, "\\x%02x", *p);
		return 1;
	}
	memcpy(tok, p, n);
	tok[n] = '\0';
	return n;
}

char *safe_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	struct strbuf sb;

	sb_init(&sb);
	sb_puts(&sb, "");
	while (*p) {
		char tok[8];

		if (sb.len >= MAX_SHOWN) {
			sb_printf(&sb, "...(%zu more bytes)", strlen((const char *)p));
			break;
		}
		p += esc_token(p, tok);
		sb_puts(&sb, tok);
	}
	return sb_steal(&sb);
}

/* ---- where the report goes ---- */

/*
 * The report is built in memory and handed to stdio in large pieces: a stdio
 * call per byte or token (each taking the stream's lock, the scan having run
 * threads) cost more than everything else the report does.
 */
#define OUT_CHUNK (64 * 1024)

struct out {
	FILE *f;
	size_t len;
	char buf[OUT_CHUNK];
};

static struct out *out_new(FILE *f)
{
	struct out *o = xmalloc(sizeof(*o));

	o->f = f;
	o->len = 0;
	return o;
}

static void out_flush(struct out *o)
{
	if (o->len)
		fwrite(o->buf, 1, o->len, o->f);
	o->len = 0;
}

/* Flush and free; a write error stays on the stream for output_commit to see. */
static void out_done(struct out *o)
{
	out_flush(o);
	free(o);
}

static void out_putn(struct out *o, const char *s, size_t n)
{
	if (n > sizeof(o->buf) - o->len) {
		out_flush(o);
		if (n > sizeof(o->buf)) {
			fwrite(s, 1, n, o->f);
			return;
		}
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static inline void out_putc(struct out *o, char c)
{
	if (o->len == sizeof(o->buf))
		out_flush(o);
	o->buf[o->len++] = c;
}

static void out_puts(struct out *o, const char *s)
{
	out_putn(o, s, strlen(s));
}

static void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(struct out *o, const char *fmt, ...)
{
	size_t room = sizeof(o->buf) - o->len;
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < room) {
		o->len += (size_t)n;
		return;
	}
	/* did not fit: what was written past o->len is not counted */
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	out_putn(o, s, (size_t)n);
	free(s);
}

/* ---- JSON ---- */

struct json {
	struct out *out;
	int depth;
	bool first;
};

static void j_indent(struct json *j)
{
	static const char spaces[] = "                                                                ";
	size_t n = 2 * (size_t)j->depth;

	out_putc(j->out, '\n');
	for (; n > sizeof(spaces) - 1; n -= sizeof(spaces) - 1)
		out_putn(j->out, spaces, sizeof(spaces) - 1);
	out_putn(j->out, spaces, n);
}

static void j_sep(struct json *j)
{
	if (!j->first)
		out_putc(j->out, ',');
	j->first = false;
	if (j->depth)
		j_indent(j);
}

/* Bytes that stand for themselves both in safe_string() and in a JSON string. */
static inline bool j_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\' && c != '"';
}

/* Text (ours, or safe_string()'s) as a JSON string's content. */
static void j_escape(struct json *j, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p != '"' && *p != '\\' && *p >= 0x20)
			out_putc(j->out, (char)*p);
		else if (*p < 0x20)
			out_printf(j->out, "\\u%04x", *p);
		else
			out_printf(j->out, "\\%c", *p);
	}
}

/* Does any of the 8 bytes of x need escaping (below 0x20, 0x7f and up, '"', '\\')? */
static inline bool j_word_special(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\'), d = x ^ (ones * 0x7f);

	/* (v - ones) & ~v & highs: some byte of v is 0; here also bytes below 0x20 and above 0x7f */
	return ((x - ones * 0x20) | x | ((q - ones) & ~q) | ((b - ones) & ~b) | ((d - ones) & ~d)) &
	       highs;
}

/* How many of the n bytes at p need no escaping, 8 at a time while none does. */
static size_t j_plain_run(const unsigned char *p, size_t n)
{
	size_t i = 0;

	for (uint64_t x; i + 8 <= n; i += 8) {
		memcpy(&x, p + i, 8);
		if (j_word_special(x))
			break;
	}
	while (i < n && j_plain(p[i]))
		i++;
	return i;
}

/*
 * An untrusted string as a JSON string: the JSON escaping of safe_string(s),
 * in one pass and without building it. Runs of printable ASCII are copied at
 * once; the rest goes token by token as safe_string() makes them, with the
 * same cut after MAX_SHOWN bytes shown.
 */
static void j_str(struct json *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	size_t shown = 0;

	out_putc(j->out, '"');
	while (p < end) {
		size_t run, left = (size_t)(end - p), raw;
		char tok[8];

		if (shown >= MAX_SHOWN) {
			out_printf(j->out, "...(%zu more bytes)", left);
			break;
		}
		run = j_plain_run(p, left < MAX_SHOWN - shown ? left : MAX_SHOWN - shown);
		if (run) {
			out_putn(j->out, (const char *)p, run);
			p += run;
			shown += run;
			continue;
		}
		raw = esc_token(p, tok);
		j_escape(j, tok);
		shown += strlen(tok);
		p += raw;
	}
	out_putc(j->out, '"');
}

static void j_key(struct json *j, const char *k)
{
	j_sep(j);
	j_str(j, k);	/* modinfo keys are untrusted */
	out_putn(j->out, ": ", 2);
}

static void j_open(struct json *j, const char *key, char c)
{
	if (key)
		j_key(j, key);
	else
		j_sep(j);
	out_putc(j->out, c);
	j->depth++;
	j->first = true;
}

static void j_close(struct json *j, char c)
{
	bool empty = j->first;

	j->depth--;
	if (!empty)
		j_indent(j);
	out_putc(j->out, c);
	j->first = false;
}

static void j_string(struct json *j, const char *key, const char *v)
{
	if (key)
		j_key(j, key);
	else
		j_sep(j);
	if (!v) {
		out_putn(j->out, "null", 4);
		return;
	}
	j_str(j, v);
}

static void j_bool(struct json *j, const char *key, bool v)
{
	j_key(j, key);
	out_puts(j->out, v ? "true" : "false");
}

static void j_tristate(struct json *j, const char *key, int v)
{
	j_key(j, key);
	out_puts(j->out, v < 0 ? "null" : v ? "true" : "false");
}

static void j_uint(struct json *j, const char *key, unsigned long long v)
{
	j_key(j, key);
	out_printf(j->out, "%llu", v);
}

/* A signed count, or null when it is not known (negative). */
static void j_count(struct json *j, const char *key, long v)
{
	j_key(j, key);
	if (v < 0)
		out_putn(j->out, "null", 4);
	else
		out_printf(j->out, "%ld", v);
}

/* An empty string is no value. */
static void j_string_or_null(struct json *j, const char *key, const char *v)
{
	j_string(j, key, v && *v ? v : NULL);
}

/*
 * A number held as text (file.size, process.pid): decimal digits that fit in
 * 64 bits are written as a JSON number without leading zeros; anything else the
 * inspected system gave is no number, and null.
 */
static void j_number_text(struct json *j, const char *key, const char *v)
{
	unsigned long long n = 0;
	const char *p = v;

	if (key)
		j_key(j, key);
	else
		j_sep(j);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (~0ull - 9) / 10)
			break;
		n = n * 10 + (unsigned)(*p - '0');
	}
	if (p == v || *p)
		out_putn(j->out, "null", 4);
	else
		out_printf(j->out, "%llu", n);
}

/* RFC 3339, UTC, in milliseconds: 2025-01-31T12:00:00.000Z */
static void j_time(struct json *j, const char *key, const struct timespec *t)
{
	struct tm tm;
	char buf[64];
	time_t sec = t->tv_sec;

	j_key(j, key);
	if (!gmtime_r(&sec, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm)) {
		out_putn(j->out, "null", 4);
		return;
	}
	out_printf(j->out, "\"%s.%03ldZ\"", buf, (long)(t->tv_nsec / 1000000));
}

/* A certificate the report names: who it is, who issued it, and how to find it again. */
static void j_cert(struct json *j, const char *key, const struct kd_cert *c)
{
	const struct cert_info *ci;

	if (!c) {
		j_string(j, key, NULL);
		return;
	}
	ci = cert_get_info(c);
	j_open(j, key, '{');
	j_string(j, "subject", ci->subject);
	j_string(j, "issuer", ci->issuer);
	j_string(j, "serial", ci->serial);
	j_string(j, "skid", ci->skid);
	j_string_or_null(j, "sha256", ci->sha256);
	j_string_or_null(j, "not_after", ci->not_after);
	j_close(j, '}');
}

/* FNV-1a of a key, to group equal keys through a hash table. */
static uint32_t key_hash(const char *k)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)k; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

#define NO_ENTRY ((size_t)-1)

/* How j_kv_object writes the values of a key. */
enum kv_shape {
	KV_ALL_LISTS,		/* every key an array of strings (modinfo, key databases) */
	KV_TYPED,		/* by each key's type (evidence): kv_put keeps it one value unless a list */
};

/* Keys in first-seen order, each with the values of all its entries, as shape says. */
static void j_kv_object(struct json *j, const char *key, const struct kvlist *l, enum kv_shape shape)
{
	size_t n = l->n, slots = 16;
	size_t *leader, *next, *last, *slot;
	uint32_t *hash;

	/*
	 * Group equal keys in one pass through a hash table (drivers carry hundreds
	 * of alias entries): each entry's group leader (the key's first entry), and
	 * the group's entries chained in their order.
	 */
	while (slots < 2 * n)
		slots *= 2;
	leader = xreallocarray(NULL, 3 * (n ? n : 1) + slots, sizeof(*leader));
	next = leader + (n ? n : 1);
	last = next + (n ? n : 1);
	slot = last + (n ? n : 1);
	hash = xreallocarray(NULL, n ? n : 1, sizeof(*hash));
	memset(slot, 0xff, slots * sizeof(*slot));
	for (size_t i = 0; i < n; i++) {
		size_t s;

		hash[i] = key_hash(l->v[i].key);
		next[i] = NO_ENTRY;
		for (s = hash[i] & (slots - 1); slot[s] != NO_ENTRY; s = (s + 1) & (slots - 1)) {
			size_t g = slot[s];

			if (hash[g] == hash[i] && strcmp(l->v[g].key, l->v[i].key) == 0)
				break;
		}
		if (slot[s] == NO_ENTRY) {
			slot[s] = leader[i] = last[i] = i;
		} else {
			leader[i] = slot[s];
			next[last[leader[i]]] = i;
			last[leader[i]] = i;
		}
	}
	j_open(j, key, '{');
	for (size_t i = 0; i < l->n; i++) {
		if (leader[i] != i)
			continue;
		if (shape == KV_TYPED && l->v[i].type == KV_STRING) {
			j_string(j, l->v[i].key, l->v[i].value);
			continue;
		}
		if (shape == KV_TYPED && l->v[i].type == KV_NUMBER) {
			j_number_text(j, l->v[i].key, l->v[i].value);
			continue;
		}
		j_open(j, l->v[i].key, '[');
		for (size_t k = i; k != NO_ENTRY; k = next[k])
			j_string(j, NULL, l->v[k].value);
		j_close(j, ']');
	}
	j_close(j, '}');
	free(leader);
	free(hash);
}

static void j_strlist(struct json *j, const char *key, const struct strlist *l)
{
	j_open(j, key, '[');
	for (size_t i = 0; i < l->n; i++)
		j_string(j, NULL, l->v[i]);
	j_close(j, ']');
}

static const char *cert_subject(const struct trust_entry *t)
{
	return t->cert ? cert_get_info(t->cert)->subject : t->key_subject;
}

static void json_trust(struct json *j, const struct scan_result *res)
{
	j_open(j, "trust", '[');
	for (size_t i = 0; i < res->ntrust; i++) {
		const struct trust_entry *t = &res->trust[i];
		const struct cert_info *ci = t->cert ? cert_get_info(t->cert) : NULL;

		j_open(j, NULL, '{');
		j_string(j, "source", t->source);
		j_string(j, "kind", trust_kind_name(t->kind));
		j_string(j, "release", t->release);
		j_string(j, "subject", cert_subject(t));
		j_string(j, "issuer", ci ? ci->issuer : NULL);
		j_string(j, "serial", ci ? ci->serial : NULL);
		j_string(j, "skid", ci ? ci->skid : t->key_id);
		j_string_or_null(j, "sha256", ci ? ci->sha256 : NULL);
		j_string_or_null(j, "not_after", ci ? ci->not_after : NULL);
		j_string(j, "keyring_key", t->keyring_key);
		j_bool(j, "kernel_trusted", t->kind == TRUST_KERNEL_IMAGE);
		j_close(j, '}');
	}
	j_close(j, ']');
}

static void json_devices(struct json *j, const struct kd_devices *d)
{
	j_open(j, "devices", '[');
	for (size_t i = 0; i < d->n; i++) {
		const struct kd_device *dev = &d->v[i];

		j_open(j, NULL, '{');
		j_string(j, "bus", dev->bus);
		j_string(j, "driver", dev->driver);
		j_string(j, "name", dev->name);
		j_string(j, "vendor_id", dev->vendor_id);
		j_string(j, "product_id", dev->product_id);
		j_string(j, "modalias", dev->modalias);
		j_string(j, "vendor", dev->vendor_name);
		j_string(j, "model", dev->model_name);
		j_close(j, '}');
	}
	j_close(j, ']');
}

static void json_module(struct json *j, const struct module_rec *m)
{
	const struct sig_result *s = &m->sig;
	const struct cert_info *ci = s->cert && s->cert->cert ? cert_get_info(s->cert->cert) : NULL;
	bool held = s->status == SIG_VALID || s->status == SIG_INVALID;

	j_open(j, NULL, '{');
	j_string(j, "name", m->name);
	j_string(j, "release", m->release);
	j_bool(j, "loaded", m->loaded);
	j_string(j, "path", m->path);
	j_string(j, "initramfs", m->initramfs);
	j_tristate(j, "file_name_matches", m->file_name_matches);
	j_string(j, "compression", m->path ? m->compression : NULL);
	j_uint(j, "file_size", m->file_size);
	j_string(j, "build_id", m->build_id);
	if (!m->lm) {
		j_string(j, "kernel", NULL);
	} else {
		j_open(j, "kernel", '{');
		j_uint(j, "size", m->lm->size);
		j_count(j, "refcnt", m->lm->refcnt);
		j_string(j, "state", m->lm->state);
		j_strlist(j, "used_by", &m->lm->used_by);
		j_bool(j, "in_sysfs", m->lm->in_sysfs);
		j_string(j, "initstate", m->lm->initstate);
		j_string(j, "sysfs_taint", m->lm->sys_taint);
		j_count(j, "sysfs_refcnt", m->lm->sys_refcnt);
		j_strlist(j, "holders", &m->lm->holders);
		j_string(j, "srcversion", m->lm->srcversion);
		j_string(j, "version", m->lm->version);
		j_string(j, "build_id", m->lm->build_id);
		j_tristate(j, "build_id_matches", m->build_id_matches);
		j_close(j, '}');
	}
	j_string(j, "taint", m->lm ? m->lm->taint : NULL);
	if (!m->lm) {
		j_string(j, "taint_explained", NULL);
		j_string(j, "devices", NULL);
	} else {
		j_open(j, "taint_explained", '[');
		for (const char *c = m->lm->taint; *c && c - m->lm->taint < MAX_TAINT_EXPLAINED; c++) {
			char *why = module_taint_why(m, *c);
			char flag[2] = { *c, 0 };

			j_open(j, NULL, '{');
			j_string(j, "flag", flag);
			j_string(j, "why", why);
			j_close(j, '}');
			free(why);
		}
		j_close(j, ']');
		json_devices(j, &m->lm->devices);
	}
	j_kv_object(j, "modinfo", &m->modinfo, KV_ALL_LISTS);
	j_open(j, "signature", '{');
	j_string(j, "status", sig_status_name(s->status));
	j_string(j, "reason", s->reason);
	j_string(j, "hash_algo", s->hash_algo);
	j_string(j, "sig_algo", s->sig_algo);
	j_string(j, "issuer", s->issuer);
	j_string(j, "serial", s->serial);
	j_string(j, "skid", s->skid);
	j_string(j, "signer_subject", held && ci ? ci->subject : NULL);
	j_string_or_null(j, "cert_sha256", held && ci ? ci->sha256 : NULL);
	j_string(j, "verified_with", s->status == SIG_VALID ? s->cert->source : NULL);
	j_bool(j, "kernel_trusted", s->kernel_trusted);
	j_close(j, '}');
	j_close(j, '}');
}

static const char *pe_sig_status(const struct pe_sig *s)
{
	return s->malformed ? "malformed" : s->sig_ok && s->digest_matches ? "valid" : "invalid";
}

static void json_pe_sig(struct json *j, const struct pe_sig *s)
{
	j_open(j, NULL, '{');
	j_string(j, "source", s->from_catalog ? "catalog" : "embedded");
	j_uint(j, "depth", (unsigned)s->depth);
	j_string(j, "status", pe_sig_status(s));
	j_string(j, "error", s->error);
	j_string(j, "digest_algorithm", s->digest_algo);
	j_string(j, "digest", s->digest);
	j_bool(j, "digest_matches", s->digest_matches);
	j_bool(j, "signature_verifies", s->sig_ok);
	j_cert(j, "signer", s->nchain ? s->chain[0] : NULL);
	j_open(j, "chain", '[');
	for (size_t k = 1; k < s->nchain; k++)
		j_cert(j, NULL, s->chain[k]);
	j_close(j, ']');
	if (!s->anchored) {
		j_string(j, "anchor", NULL);
	} else {
		const struct cert_info *ci = s->anchor < s->nchain ?
					     cert_get_info(s->chain[s->anchor]) : NULL;

		j_open(j, "anchor", '{');
		j_string(j, "database", s->anchor_db);
		j_string(j, "subject", ci ? ci->subject : NULL);
		j_string_or_null(j, "sha256", ci ? ci->sha256 : NULL);
		j_close(j, '}');
	}
	if (!s->ts_kind) {
		j_string(j, "timestamp", NULL);
	} else {
		j_open(j, "timestamp", '{');
		j_string(j, "kind", s->ts_kind);
		j_string(j, "status", s->ts_status);
		j_string(j, "reason", s->ts_reason);
		j_string(j, "time", s->ts_time);
		j_cert(j, "signer", s->ts_signer);
		j_open(j, "chain", '[');
		for (size_t k = 0; k < s->nts_chain; k++)
			j_cert(j, NULL, s->ts_chain[k]);
		j_close(j, ']');
		j_close(j, '}');
	}
	j_tristate(j, "time_valid", s->time_valid);
	j_string(j, "time_basis", s->time_basis);
	j_string(j, "time_reason", s->time_reason);
	j_close(j, '}');
}

static void json_boot(struct json *j, const struct scan_result *res)
{
	const struct boot_state *b = &res->boot;

	j_open(j, "boot", '{');
	j_bool(j, "uefi", b->efi);
	j_count(j, "secure_boot", b->secure_boot);
	j_count(j, "setup_mode", b->setup_mode);
	j_bool(j, "enforcing", b->secure_boot == 1 && b->setup_mode == 0);
	j_bool(j, "shim_validation_disabled", b->mok_sb_state);
	j_bool(j, "mok_trusted_for_modules", b->mok_trusted);
	j_bool(j, "mok_ignore_db", b->mok_ignore_db);
	j_string(j, "sbat_level", b->sbat_level);
	j_kv_object(j, "databases", &b->databases, KV_ALL_LISTS);
	j_open(j, "entries", '[');
	for (size_t i = 0; i < b->nentries; i++) {
		j_open(j, NULL, '{');
		j_string(j, "name", b->entries[i].name);
		j_string(j, "description", b->entries[i].description);
		j_string(j, "path", b->entries[i].path);
		j_bool(j, "current", b->entries[i].current);
		j_close(j, '}');
	}
	j_close(j, ']');
	j_close(j, '}');
	j_open(j, "binaries", '[');
	for (size_t i = 0; i < res->npes; i++) {
		const struct pe_rec *r = &res->pes[i];

		j_open(j, NULL, '{');
		j_string(j, "path", r->path);
		j_string(j, "kind", r->kind);
		j_uint(j, "size", r->size);
		j_string(j, "status", sig_status_name(r->status));
		j_string(j, "reason", r->reason);
		j_string(j, "authenticode_sha256", r->authenticode_sha256);
		j_open(j, "signatures", '[');
		for (size_t k = 0; k < r->nsigs; k++)
			json_pe_sig(j, &r->sigs[k]);
		j_close(j, ']');
		j_string(j, "catalog", r->catalog);
		j_string(j, "catalog_osattr", r->catalog_osattr);
		j_open(j, "version", '{');
		for (size_t k = 0; k < r->version.n; k++)
			j_string(j, r->version.v[k].key, r->version.v[k].value);
		j_close(j, '}');
		j_kv_object(j, "driver_package", &r->package, KV_TYPED);
		j_strlist(j, "sbat", &r->sbat);
		j_string(j, "sbat_level", r->sbat_level);
		j_cert(j, "vendor_cert", r->vendor_cert);
		j_string(j, "uefi", r->uefi);
		j_close(j, '}');
	}
	j_close(j, ']');
}

static void status_counts(const struct scan_result *res, size_t counts[SIG__COUNT],
			  size_t *loaded)
{
	memset(counts, 0, sizeof(size_t) * SIG__COUNT);
	*loaded = 0;
	for (size_t i = 0; i < res->nmods; i++) {
		counts[res->mods[i].sig.status]++;
		*loaded += res->mods[i].loaded;
	}
}

static void write_json(FILE *out, const struct scan_result *res, int exit_status)
{
	struct json j = { .out = out_new(out), .first = true };
	size_t counts[SIG__COUNT], loaded;

	status_counts(res, counts, &loaded);
	j_open(&j, NULL, '{');
	j_string(&j, "schema", "kdetect-report/1");
	j_open(&j, "tool", '{');
	j_string(&j, "name", "kdetect");
	j_string(&j, "version", KDETECT_VERSION);
	j_string(&j, "build", KD_BUILD);
	j_close(&j, '}');
	j_open(&j, "run", '{');
	j_strlist(&j, "argv", &res->argv);
	j_time(&j, "started", &res->started);
	j_time(&j, "finished", &res->finished);
	j_uint(&j, "duration_ms", res->duration_ms);
	j_close(&j, '}');
	j_open(&j, "host", '{');
	j_string(&j, "hostname", res->hostname);
	j_string(&j, "machine_id", res->machine_id);
	j_string(&j, "boot_id", res->boot_id);
	j_string(&j, "kernel_release", res->kernel_release);
	j_string(&j, "root", res->root);
	j_bool(&j, "offline", res->offline);
	if (!res->have_taint) {
		j_string(&j, "tainted", NULL);
		j_string(&j, "taint_flags", NULL);
	} else {
		char *letters = taint_letters(res->taint);

		j_uint(&j, "tainted", res->taint);
		j_open(&j, "taint_flags", '[');
		for (const char *c = letters; *c; c++) {
			char l[2] = { *c, 0 };

			if (*c == '(')
				break;
			j_open(&j, NULL, '{');
			j_string(&j, "flag", l);
			j_string(&j, "meaning", taint_meaning(*c));
			j_close(&j, '}');
		}
		j_close(&j, ']');
		free(letters);
	}
	j_close(&j, '}');
	j_open(&j, "rules", '{');
	j_string(&j, "sha256", res->rules_sha256);
	j_uint(&j, "count", res->rules.n);
	j_strlist(&j, "files", &res->rules.sources);
	j_close(&j, '}');
	j_open(&j, "coverage", '[');
	for (size_t i = 0; i < res->ncov; i++) {
		j_open(&j, NULL, '{');
		j_string(&j, "source", res->cov[i].source);
		j_string(&j, "status", cov_status_name(res->cov[i].status));
		j_string(&j, "detail", res->cov[i].detail);
		j_close(&j, '}');
	}
	j_close(&j, ']');
	json_trust(&j, res);
	j_open(&j, "modules", '[');
	for (size_t i = 0; i < res->nmods; i++)
		json_module(&j, &res->mods[i]);
	j_close(&j, ']');
	json_boot(&j, res);
	j_open(&j, "findings", '[');
	for (size_t i = 0; i < res->nfindings; i++) {
		const struct finding *f = &res->findings[i];

		j_open(&j, NULL, '{');
		j_string(&j, "rule", f->rule);
		j_strlist(&j, "rules", &f->rules);
		j_string(&j, "severity", severity_name(f->severity));
		j_string(&j, "kind", f->kind);
		j_string(&j, "name", f->name);
		j_string(&j, "path", f->path);
		j_string(&j, "summary", f->summary);
		j_kv_object(&j, "evidence", &f->evidence, KV_TYPED);
		/* findings with the same group are about one thing (a result not grouped: each alone) */
		j_uint(&j, "group", (res->ngroups ? f->group : i) + 1);
		j_close(&j, '}');
	}
	j_close(&j, ']');
	j_open(&j, "summary", '{');
	j_uint(&j, "modules", res->nmods);
	j_uint(&j, "loaded", loaded);
	j_uint(&j, "findings", res->nfindings);
	j_open(&j, "by_status", '{');
	for (int s = 0; s < SIG__COUNT; s++)
		j_uint(&j, sig_status_name((enum sig_status)s), counts[s]);
	j_close(&j, '}');
	j_bool(&j, "incomplete", scan_incomplete(res));
	j_uint(&j, "exit_status", (unsigned)exit_status);
	j_close(&j, '}');
	j_close(&j, '}');
	out_putc(j.out, '\n');
	out_done(j.out);
}

/* ---- text ---- */

/*
 * The text report is for people: lines of at most TEXT_WIDTH columns. A value
 * that does not fit goes on continuation lines under its start, broken after a
 * space, '/', ',', ';' or ':' where it can be, and never inside a character or
 * an escape; past TEXT_MAX_LINES lines it is cut, saying how many bytes were
 * left out (the JSON report has every value, up to 1 KiB). Columns count
 * characters: a wide character is taken for one.
 */
#define TEXT_WIDTH 100
#define TEXT_MAX_LINES 4
#define TEXT_MIN_ROOM 24	/* less room than this left on a line: a value starts on the next */
#define TEXT_NAME_WIDTH 24	/* the name column of the module list */
#define TEXT_BODY 11		/* where what is said about a finding starts */
#define TEXT_MEMBER 13		/* ... about one finding of a group */

struct shown;

struct text {
	struct out *out;
	struct shown *shown;	/* tx_value_tail()'s, kept from one value to the next */
	size_t col;		/* with the spaces not written yet */
	size_t spaces;		/* written before what follows on the line: no trailing blanks */
};

/* A character or an escape of a value as the text shows it: a line never breaks inside one. */
struct unit {
	size_t off;		/* in the escaped text */
	uint8_t len;		/* bytes there */
	uint8_t cols;		/* columns it takes */
	uint8_t raw;		/* bytes of the value it stands for */
	bool space;
	bool brk;		/* a line may break after it */
};

/*
 * A value escaped as safe_string() escapes it, in units. Its arrays hold the
 * longest value shown (a token is checked against MAX_SHOWN before it is
 * added, and is at most 4 bytes); one is kept for the whole report.
 */
struct shown {
	char s[MAX_SHOWN + 8];
	struct unit u[MAX_SHOWN + 1];
	size_t n;
	size_t rest;		/* bytes of the value past MAX_SHOWN, not shown */
};

/* Printable ASCII but the backslash: a unit of one byte that stands for itself. */
static inline bool tx_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

static void shown_set(struct shown *v, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = 0;

	v->n = 0;
	v->rest = 0;
	while (*p) {
		struct unit *u;
		char tok[8];
		size_t raw;

		if (len >= MAX_SHOWN) {
			v->rest = strlen((const char *)p);
			break;
		}
		u = &v->u[v->n++];
		u->off = len;
		if (tx_plain(*p)) {
			u->len = u->cols = u->raw = 1;
			u->space = *p == ' ';
			u->brk = *p == ' ' || *p == '/' || *p == ',' || *p == ';' || *p == ':';
			v->s[len++] = (char)*p++;
			continue;
		}
		raw = esc_token(p, tok);
		u->len = (uint8_t)strlen(tok);
		u->cols = tok[0] == '\\' ? u->len : 1;
		u->raw = (uint8_t)raw;
		u->space = false;
		u->brk = false;
		memcpy(v->s + len, tok, u->len);
		len += u->len;
		p += raw;
	}
}

/* Columns of "...(N more bytes)". */
static size_t cut_cols(size_t left)
{
	return (size_t)snprintf(NULL, 0, "...(%zu more bytes)", left);
}

/* Columns s takes on one line: the sum of shown_set()'s units' and its cut, without them. */
static size_t text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = 0, w = 0;

	while (*p) {
		char tok[8];
		size_t n;

		if (len >= MAX_SHOWN)
			return w + cut_cols(strlen((const char *)p));
		if (tx_plain(*p)) {
			p++;
			len++;
			w++;
			continue;
		}
		p += esc_token(p, tok);
		n = strlen(tok);
		len += n;
		w += tok[0] == '\\' ? n : 1;
	}
	return w;
}

static void tx_flush(struct text *t)
{
	static const char spaces[] = "                                ";

	for (size_t n; t->spaces; t->spaces -= n) {
		n = t->spaces < sizeof(spaces) - 1 ? t->spaces : sizeof(spaces) - 1;
		out_putn(t->out, spaces, n);
	}
}

/* Our own words: ASCII, no newline; spaces at the end wait for what follows. */
static void tx_puts(struct text *t, const char *s)
{
	size_t n = strlen(s), words = n;

	while (words && s[words - 1] == ' ')
		words--;
	if (words) {
		tx_flush(t);
		out_putn(t->out, s, words);
	}
	t->spaces += n - words;
	t->col += n;
}

static void tx_printf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tx_printf(struct text *t, const char *fmt, ...)
{
	char buf[256], *s = buf;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf)) {
		va_start(ap, fmt);
		n = vasprintf(&s, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
	}
	tx_puts(t, s);
	if (s != buf)
		free(s);
}

static void tx_nl(struct text *t)
{
	out_putc(t->out, '\n');
	t->col = 0;
	t->spaces = 0;
}

/* Spaces up to column col. */
static void tx_to(struct text *t, size_t col)
{
	if (t->col < col) {
		t->spaces += col - t->col;
		t->col = col;
	}
}

static void tx_units(struct text *t, const struct shown *v, size_t from, size_t to)
{
	if (from < to)
		tx_flush(t);
	for (size_t i = from; i < to; i++) {
		out_putn(t->out, v->s + v->u[i].off, v->u[i].len);
		t->col += v->u[i].cols;
	}
}

/* Where a line of units i..j-1 (j: the first that does not fit) ends. */
static size_t line_end(const struct shown *v, size_t i, size_t j)
{
	size_t from = i + (j - i) / 3, other = 0;

	for (size_t k = j; k > from; k--) {
		if (v->u[k - 1].space)
			return k;
		if (!other && v->u[k - 1].brk)
			other = k;
	}
	if (other)
		return other;
	return j > i ? j : i + 1;
}

/*
 * An untrusted value from the current column, continued on lines that start
 * at column indent, in at most max_lines lines (0: no limit), leaving tail
 * columns on its last line for what follows it.
 */
static void tx_value_tail(struct text *t, const char *s, size_t indent, size_t max_lines,
			  size_t tail)
{
	struct shown *v = t->shown;
	size_t i = 0, lines = 1;

	shown_set(v, s);
	if (indent + TEXT_MIN_ROOM > TEXT_WIDTH)
		indent = TEXT_WIDTH - TEXT_MIN_ROOM;
	/* too little room left for a value that does not fit: start it on the next line */
	if (t->col > indent && t->col + TEXT_MIN_ROOM > TEXT_WIDTH) {
		size_t w = v->rest ? cut_cols(v->rest) : 0;

		for (size_t k = 0; k < v->n; k++)
			w += v->u[k].cols;
		if (t->col + w + tail > TEXT_WIDTH) {
			tx_nl(t);
			tx_to(t, indent);
		}
	}
	for (;;) {
		size_t room = TEXT_WIDTH > t->col ? TEXT_WIDTH - t->col : TEXT_MIN_ROOM;
		size_t j = i, w = 0, end;

		while (j < v->n && w + v->u[j].cols <= room)
			w += v->u[j++].cols;
		if (j == v->n && w + (v->rest ? cut_cols(v->rest) : 0) + tail <= room) {
			tx_units(t, v, i, v->n);
			if (v->rest)
				tx_printf(t, "...(%zu more bytes)", v->rest);
			break;
		}
		if (max_lines && lines == max_lines) {
			size_t left = v->rest;

			for (size_t k = j; k < v->n; k++)
				left += v->u[k].raw;
			/* give back units until the note of what is left out fits */
			while (j > i && w + cut_cols(left) + tail > room) {
				j--;
				w -= v->u[j].cols;
				left += v->u[j].raw;
			}
			tx_units(t, v, i, j);
			tx_printf(t, "...(%zu more bytes)", left);
			break;
		}
		/* break after the last space in the line's last two thirds, else after '/', ... */
		end = line_end(v, i, j);
		{
			size_t shown_to = end;

			while (shown_to > i && v->u[shown_to - 1].space)
				shown_to--;
			tx_units(t, v, i, shown_to);
		}
		tx_nl(t);
		tx_to(t, indent);
		for (i = end; i < v->n && v->u[i].space; i++)
			;
		lines++;
	}
}

static void tx_value(struct text *t, const char *s, size_t indent, size_t max_lines)
{
	tx_value_tail(t, s, indent, max_lines, 0);
}

/* A value on one line, as far as it goes: lists and names in headers. */
static void tx_short(struct text *t, const char *s, size_t indent)
{
	tx_value(t, s, indent, 2);
}

/* pre, a value and post ("  skid ", ..., ""), together on the next line if they do not fit. */
static void tx_part(struct text *t, const char *pre, const char *s, const char *post, size_t indent)
{
	if (t->col > indent && t->col + strlen(pre) + text_width(s) + strlen(post) > TEXT_WIDTH) {
		tx_nl(t);
		tx_to(t, indent);
		pre += strspn(pre, " ");
	}
	tx_puts(t, pre);
	tx_value_tail(t, s, indent, TEXT_MAX_LINES, strlen(post));
	tx_puts(t, post);
}

/* The next word of a list: after a space, or on the next line if it does not fit. */
static void tx_word(struct text *t, const char *s, size_t indent)
{
	if (t->col + 1 + text_width(s) > TEXT_WIDTH && t->col > indent) {
		tx_nl(t);
		tx_to(t, indent);
	} else {
		tx_puts(t, " ");
	}
	tx_short(t, s, indent);
}

/*
 * A distinguished name. Where the whole name does not fit on the line, its CN
 * and O alone ("CN=..., O=..., ..."); the JSON report has it whole.
 */
static void tx_dn(struct text *t, const char *dn, const struct kvlist *attrs, size_t indent)
{
	const char *cn = attrs ? kv_get(attrs, "CN") : NULL, *o = attrs ? kv_get(attrs, "O") : NULL;
	size_t kept = (cn != NULL) + (o != NULL);
	char *brief;

	if (!kept || attrs->n <= kept || t->col + text_width(dn) <= TEXT_WIDTH) {
		tx_value(t, dn, indent, TEXT_MAX_LINES);
		return;
	}
	brief = xasprintf("%s%s%s%s%s, ...", cn ? "CN=" : "", cn ? cn : "", kept == 2 ? ", " : "",
			  o ? "O=" : "", o ? o : "");
	tx_value(t, brief, indent, TEXT_MAX_LINES);
	free(brief);
}

static const char *upper_severity(enum severity s)
{
	static const char *const names[] = { "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL" };

	return names[s];
}

static bool module_notable(const struct module_rec *m)
{
	return m->loaded || m->sig.status != SIG_VALID || !m->sig.kernel_trusted ||
	       m->file_name_matches == 0;
}

static void text_signer(struct text *t, const struct module_rec *m, size_t indent)
{
	const struct sig_result *s = &m->sig;

	switch (s->status) {
	case SIG_VALID: {
		const struct cert_info *ci = cert_get_info(s->cert->cert);

		tx_puts(t, "signed by ");
		tx_dn(t, ci->subject, &ci->subject_attrs, indent);
		tx_part(t, " (", s->kernel_trusted ? "kernel-trusted" : s->cert->source, ")", indent);
		break;
	}
	case SIG_INVALID:
	case SIG_UNVERIFIABLE:
		if (s->issuer) {
			tx_puts(t, "issuer ");
			tx_dn(t, s->issuer, &s->issuer_attrs, indent);
			tx_part(t, " serial ", s->serial, "", indent);
		} else if (s->skid) {
			tx_puts(t, "key id ");
			tx_short(t, s->skid, indent);
		}
		if (s->reason) {
			tx_puts(t, s->issuer || s->skid ? ": " : "");
			tx_value(t, s->reason, indent, TEXT_MAX_LINES);
		}
		break;
	default:
		if (s->reason)
			tx_value(t, s->reason, indent, TEXT_MAX_LINES);
		break;
	}
}

/* What a finding is about, in a word. */
static const char *kind_word(const struct finding *f)
{
	static const struct {
		const char *kind, *word;
	} words[] = {
		{ "kaspersky", "module" }, { "integrity", "module" }, { "hidden", "module" },
		{ "trust", "certificate" }, { "efi", "EFI binary" }, { "kernel", "kernel image" },
		{ "boot", "boot entry" },
	};

	if (!strcmp(f->kind, "hidden") && strncmp(f->rule, "KD-HIDDEN-", 10))
		return "kernel taint";
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcmp(f->kind, words[i].kind))
			return words[i].word;
	return f->kind;
}

/* The loaded module a finding is about, if it is about one. */
static const struct module_rec *finding_module(const struct scan_result *res,
					       const struct finding *f)
{
	if (strcmp(kind_word(f), "module"))
		return NULL;
	for (size_t i = 0; i < res->nmods; i++) {
		const struct module_rec *m = &res->mods[i];

		if (m->lm && f->name && !strcmp(m->name, f->name) &&
		    (!f->path || (m->path && !strcmp(m->path, f->path))))
			return m;
	}
	return NULL;
}

/* Under a finding: why the module taints the kernel, and what depends on it. */
static void text_loaded_module(struct text *t, const struct module_rec *m, size_t at)
{
	const struct kd_devices *d = &m->lm->devices;

	for (const char *c = m->lm->taint; *c && c - m->lm->taint < MAX_TAINT_EXPLAINED; c++) {
		char *why = module_taint_why(m, *c);
		char flag[2] = { *c, 0 };

		/* the letters come from proc/modules of the inspected system */
		tx_to(t, at);
		tx_puts(t, "taint ");
		tx_value_tail(t, flag, at + 8, 1, 2);
		tx_puts(t, ": ");
		tx_value(t, why, at + 9, TEXT_MAX_LINES);
		tx_nl(t);
		free(why);
	}
	if (m->lm->used_by.n) {
		tx_to(t, at);
		tx_puts(t, "modules that use it:");
		for (size_t i = 0; i < m->lm->used_by.n; i++)
			tx_word(t, m->lm->used_by.v[i], at + 2);
		tx_nl(t);
	}
	tx_to(t, at);
	if (!d->n) {
		if (d->drivers)
			tx_printf(t, "devices: none bound to its %zu driver%s", d->drivers,
				  d->drivers == 1 ? "" : "s");
		else
			tx_puts(t, "devices: none (it registers no driver)");
		tx_nl(t);
		return;
	}
	tx_printf(t, "devices that depend on it (%zu):", d->n);
	tx_nl(t);
	for (size_t i = 0; i < d->n; i++) {
		const struct kd_device *dev = &d->v[i];
		size_t in = at + 4;

		tx_to(t, at + 2);
		tx_short(t, dev->bus, in);
		tx_part(t, " ", dev->name, "", in);
		tx_part(t, " (driver ", dev->driver, ")", in);
		if (dev->vendor_id) {
			tx_part(t, " ", dev->vendor_id, ":", in);
			tx_value(t, dev->product_id, in, TEXT_MAX_LINES);
		}
		if (dev->vendor_name)
			tx_part(t, " ", dev->vendor_name, "", in);
		if (dev->model_name)
			tx_part(t, " ", dev->model_name, "", in);
		tx_nl(t);
	}
}

/* When the scan ran and on which machine and boot: what tells many reports apart. */
static void text_run(struct text *t, const struct scan_result *res)
{
	struct tm tm;
	char when[32];
	time_t sec = res->started.tv_sec;

	if (!gmtime_r(&sec, &tm) || !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(when, sizeof(when), "?");
	tx_printf(t, "scan %s, %llu.%03llu s", when, (unsigned long long)(res->duration_ms / 1000),
		  (unsigned long long)(res->duration_ms % 1000));
	/* the comma stays on the line before a break */
	if (res->machine_id) {
		tx_puts(t, ",");
		tx_part(t, " machine-id ", res->machine_id, "", 5);
	}
	if (res->boot_id) {
		tx_puts(t, ",");
		tx_part(t, " boot-id ", res->boot_id, "", 5);
	}
	tx_nl(t);
}

/* One PE signature: "signature: [nested ]sha256, valid: signer < issuer ... [anchored in db]". */
static void text_pe_sig(struct text *t, const struct pe_sig *s)
{
	tx_to(t, TEXT_BODY);
	tx_printf(t, "signature: %s%s, %s: ", s->depth ? "nested " : "",
		  s->from_catalog ? "catalog" : s->digest_algo ? s->digest_algo : "?",
		  s->sig_ok && s->digest_matches ? "valid" : "invalid");
	if (!s->nchain)
		tx_puts(t, "signer not embedded");
	for (size_t k = 0; k < s->nchain; k++) {
		const struct cert_info *ci = cert_get_info(s->chain[k]);

		if (k)
			tx_puts(t, " < ");
		tx_dn(t, ci->subject, &ci->subject_attrs, TEXT_BODY + 4);
	}
	if (s->anchored && s->anchor_db)
		tx_part(t, " [anchored in ", s->anchor_db, "]", TEXT_BODY + 4);
	else if (s->anchored)
		tx_puts(t, " [anchored]");
	tx_nl(t);
	if (s->ts_kind) {
		tx_to(t, TEXT_BODY + 2);
		tx_printf(t, "timestamp: %s, %s", s->ts_kind, s->ts_status);
		if (s->ts_reason)
			tx_part(t, " (", s->ts_reason, ")", TEXT_BODY + 4);
		if (s->ts_time)
			tx_printf(t, ", %s", s->ts_time);
		if (s->ts_signer) {
			const struct cert_info *ci = cert_get_info(s->ts_signer);

			tx_puts(t, ", by ");
			tx_dn(t, ci->subject, &ci->subject_attrs, TEXT_BODY + 4);
		}
		tx_nl(t);
	}
	if (s->time_valid >= 0 && s->time_reason) {
		tx_to(t, TEXT_BODY + 2);
		tx_printf(t, "validity periods: %s: ", s->time_valid ? "valid" : "not valid");
		tx_value(t, s->time_reason, TEXT_BODY + 4, TEXT_MAX_LINES);
		tx_nl(t);
	}
}

static void text_pe_line(struct text *t, const char *key, const char *key2, const char *value)
{
	tx_to(t, TEXT_BODY);
	tx_puts(t, key);
	if (*key2)
		tx_value_tail(t, key2, TEXT_BODY + 2, 2, 1);
	tx_puts(t, ": ");
	tx_value(t, value, TEXT_BODY + 4, TEXT_MAX_LINES);
	tx_nl(t);
}

/*
 * Under a PE image: its signatures, catalog, version resource, driver package,
 * SBAT and shim's vendor certificate.
 */
static void text_pe_details(struct text *t, const struct pe_rec *r)
{
	for (size_t k = 0; k < r->nsigs; k++)
		text_pe_sig(t, &r->sigs[k]);
	if (r->catalog)
		text_pe_line(t, "catalog", "", r->catalog);
	if (r->catalog_osattr)
		text_pe_line(t, "catalog OSAttr", "", r->catalog_osattr);
	for (size_t k = 0; k < r->version.n; k++)
		text_pe_line(t, "version.", r->version.v[k].key, r->version.v[k].value);
	/* named as the rules name them: driverstore.package, inf.provider, ... */
	for (size_t k = 0; k < r->package.n; k++)
		text_pe_line(t, strcmp(r->package.v[k].key, "package") ? "inf." : "driverstore.",
			     r->package.v[k].key, r->package.v[k].value);
	for (size_t k = 0; k < r->sbat.n; k++)
		text_pe_line(t, "sbat", "", r->sbat.v[k]);
	if (r->sbat_level)
		text_pe_line(t, "sbat_level", "", r->sbat_level);
	if (r->vendor_cert) {
		const struct cert_info *ci = cert_get_info(r->vendor_cert);

		tx_to(t, TEXT_BODY);
		tx_puts(t, "vendor_cert: ");
		tx_dn(t, ci->subject, &ci->subject_attrs, TEXT_BODY + 4);
		tx_nl(t);
	}
}

/* A certificate finding's subject is a DN: its CN and O are in the evidence. */
static void subject_attrs(const struct finding *f, struct kvlist *attrs)
{
	static const char prefix[] = "cert.subject.";

	for (size_t k = 0; k < f->evidence.n; k++)
		if (!strncmp(f->evidence.v[k].key, prefix, sizeof(prefix) - 1))
			kv_add(attrs, f->evidence.v[k].key + sizeof(prefix) - 1, f->evidence.v[k].value);
}

/* "service kesl.service  /lib/systemd/system/kesl.service" */
static void text_subject(struct text *t, const struct finding *f, size_t at)
{
	size_t start = t->col;

	tx_puts(t, kind_word(f));
	tx_puts(t, " ");
	if (!strcmp(f->kind, "trust")) {
		struct kvlist attrs = { 0 };

		subject_attrs(f, &attrs);
		tx_dn(t, f->name, &attrs, start + 2);
		kv_free(&attrs);
	} else {
		tx_short(t, f->name, start + 2);
	}
	if (!f->path || !strcmp(f->path, f->name))
		return;
	tx_part(t, "  ", f->path, "", at);
}

/* Evidence the subject line shows already: its name and path. */
static bool evidence_shown(const struct finding *f, const struct kv *e)
{
	if (!str_has_suffix(e->key, ".name") && !str_has_suffix(e->key, ".path") &&
	    !str_has_suffix(e->key, ".exe") && !str_has_suffix(e->key, ".subject") &&
	    !str_has_suffix(e->key, ".source"))
		return false;
	return !strcmp(e->value, f->name) || (f->path && !strcmp(e->value, f->path));
}

/* "key: value", one per line; values of a repeated key under the first. */
static void text_evidence(struct text *t, const struct finding *f, size_t at)
{
	const char *prev = NULL;
	size_t vcol = at;

	for (size_t k = 0; k < f->evidence.n; k++) {
		const struct kv *e = &f->evidence.v[k];

		if (evidence_shown(f, e))
			continue;
		tx_to(t, at);
		if (prev && !strcmp(prev, e->key)) {
			tx_to(t, vcol);
		} else {
			tx_value_tail(t, e->key, at + 2, 2, 2);
			tx_puts(t, ": ");
			/* under a long key, continuation lines start a little in */
			vcol = t->col + TEXT_MIN_ROOM + 16 <= TEXT_WIDTH ? t->col : at + 4;
		}
		tx_value(t, e->value, vcol, TEXT_MAX_LINES);
		tx_nl(t);
		prev = e->key;
	}
}

static void text_rules(struct text *t, const struct strlist *rules, size_t at)
{
	tx_to(t, at);
	tx_puts(t, rules->n == 1 ? "rule:" : "rules:");
	for (size_t k = 0; k < rules->n; k++)
		tx_word(t, rules->v[k], at + 2);
	tx_nl(t);
}

/* One finding: its severity and rules, what the leading rule says, its evidence. */
static void text_finding(struct text *t, const struct scan_result *res, const struct finding *f,
			 size_t at, bool alone, const struct module_rec **shown_mod)
{
	const struct module_rec *m = finding_module(res, f);

	tx_to(t, at);
	if (alone) {
		tx_value(t, f->summary, at, TEXT_MAX_LINES);
		tx_nl(t);
		text_rules(t, &f->rules, at);
	} else {
		tx_printf(t, "%s, ", severity_name(f->severity));
		for (size_t k = 0; k < f->rules.n; k++) {
			tx_value_tail(t, f->rules.v[k], at + 2, 2, 2);
			tx_puts(t, k + 1 < f->rules.n ? " " : ": ");
		}
		tx_value(t, f->summary, at + 2, TEXT_MAX_LINES);
		tx_nl(t);
	}
	text_evidence(t, f, at);
	if (m && m != *shown_mod) {
		text_loaded_module(t, m, at);
		*shown_mod = m;
	}
}

/* The groups to show: the scan's, else (a result not finished by a scan) one per finding. */
static struct finding_group *text_groups(const struct scan_result *res, size_t *n, size_t **idx)
{
	struct finding_group *g;

	*idx = NULL;
	*n = res->ngroups;
	if (res->ngroups || !res->nfindings)
		return res->groups;
	*n = res->nfindings;
	g = xcalloc(res->nfindings, sizeof(*g));
	*idx = xcalloc(res->nfindings, sizeof(**idx));
	for (size_t i = 0; i < res->nfindings; i++) {
		(*idx)[i] = i;
		g[i].kind = res->findings[i].kind;
		g[i].name = res->findings[i].name;
		g[i].severity = res->findings[i].severity;
		g[i].members = &(*idx)[i];
		g[i].n = 1;
	}
	return g;
}

static void text_group(struct text *t, const struct scan_result *res, const struct finding_group *g)
{
	const struct finding *lead = &res->findings[g->members[0]], *named = lead;
	const struct module_rec *shown_mod = NULL;
	struct strlist rules = { 0 };

	tx_nl(t);
	tx_printf(t, "  %-8s ", upper_severity(g->severity));
	if (g->n == 1) {
		text_subject(t, lead, TEXT_BODY);
		tx_nl(t);
		text_finding(t, res, lead, TEXT_BODY, true, &shown_mod);
		return;
	}
	/* a group of another kind is named after its first finding of that kind */
	for (size_t i = 0; i < g->n; i++) {
		if (!strcmp(res->findings[g->members[i]].kind, g->kind)) {
			named = &res->findings[g->members[i]];
			break;
		}
	}
	tx_puts(t, !strcmp(g->kind, "product") || !strcmp(g->kind, "module") ? g->kind :
		   kind_word(named));
	tx_puts(t, " ");
	tx_value_tail(t, g->name, TEXT_BODY + 2, 2, 16);
	tx_printf(t, ": %zu findings", g->n);
	tx_nl(t);
	if (g->places.n) {
		size_t in;

		tx_to(t, TEXT_BODY);
		tx_puts(t, "in ");
		in = t->col;
		for (size_t k = 0; k < g->places.n; k++)
			tx_part(t, k ? " " : "", g->places.v[k], k + 1 < g->places.n ? "," : "", in);
		tx_nl(t);
	}
	/* every rule that matched, in the order of the findings */
	for (size_t i = 0; i < g->n; i++) {
		const struct finding *f = &res->findings[g->members[i]];

		for (size_t k = 0; k < f->rules.n; k++)
			if (!sl_contains(&rules, f->rules.v[k]))
				sl_push(&rules, xstrdup(f->rules.v[k]));
	}
	text_rules(t, &rules, TEXT_BODY);
	sl_free(&rules);
	for (size_t i = 0; i < g->n; i++) {
		const struct finding *f = &res->findings[g->members[i]];

		tx_to(t, TEXT_BODY);
		text_subject(t, f, TEXT_MEMBER);
		tx_nl(t);
		text_finding(t, res, f, TEXT_MEMBER, false, &shown_mod);
	}
}

static void text_head(struct text *t, const struct scan_result *res, int exit_status, size_t ngroups)
{
	static const char *const verdict[] = { "nothing found", "FINDINGS", "error",
					       "nothing found, but INCOMPLETE" };

	tx_printf(t, "kdetect %s: %s", KDETECT_VERSION, verdict[exit_status & 3]);
	if ((exit_status & 3) == 1) {
		tx_printf(t, " (%zu)", ngroups);
		/* findings do not make up for what could not be read */
		if (scan_incomplete(res))
			tx_puts(t, ", INCOMPLETE");
	} else if (ngroups) {
		tx_printf(t, " (%zu informational)", ngroups);
	}
	tx_nl(t);
	tx_puts(t, "host ");
	tx_value_tail(t, res->hostname ? res->hostname : "?", 5, 2, 1);
	tx_part(t, ", kernel ", res->kernel_release ? res->kernel_release : "unknown", "", 5);
	if (res->root)
		tx_part(t, res->offline ? ", offline root " : ", live root ", res->root, "", 5);
	tx_nl(t);
	text_run(t, res);
}

static void text_findings(struct text *t, const struct scan_result *res,
			  const struct finding_group *groups, size_t ngroups)
{
	size_t by_sev[SEV_CRITICAL + 1] = { 0 };
	const char *sep = " (";

	if (!ngroups)
		return;
	for (size_t i = 0; i < ngroups; i++)
		by_sev[groups[i].severity]++;
	tx_nl(t);
	tx_printf(t, "Findings: %zu", ngroups);
	for (int s = SEV_CRITICAL; s >= SEV_INFO; s--) {
		if (!by_sev[s])
			continue;
		tx_printf(t, "%s%zu %s", sep, by_sev[s], severity_name((enum severity)s));
		sep = ", ";
	}
	tx_puts(t, ")");
	if (res->nfindings != ngroups)
		tx_printf(t, ", from %zu rule matches", res->nfindings);
	tx_nl(t);
	for (size_t i = 0; i < ngroups; i++)
		text_group(t, res, &groups[i]);
}

static void text_coverage(struct text *t, const struct scan_result *res)
{
	tx_nl(t);
	tx_puts(t, "Coverage");
	tx_nl(t);
	for (size_t i = 0; i < res->ncov; i++) {
		tx_printf(t, "  %-7s ", cov_status_name(res->cov[i].status));
		tx_value_tail(t, res->cov[i].source, 12, 2, 1);
		tx_puts(t, ":");
		tx_puts(t, " ");
		tx_value(t, res->cov[i].detail, 12, TEXT_MAX_LINES);
		tx_nl(t);
	}
}

static void text_trust(struct text *t, const struct scan_result *res)
{
	if (res->ntrust) {
		tx_nl(t);
		tx_puts(t, "Trust sources");
		tx_nl(t);
	}
	for (size_t i = 0; i < res->ntrust; i++) {
		const struct trust_entry *e = &res->trust[i];
		const struct cert_info *ci = e->cert ? cert_get_info(e->cert) : NULL;
		const char *id = ci ? ci->skid : e->key_id;

		tx_printf(t, "  %-12s ", trust_kind_name(e->kind));
		tx_dn(t, cert_subject(e), ci ? &ci->subject_attrs : NULL, 17);
		if (id)
			tx_part(t, ci ? "  skid " : "  key id ", id, "", 15);
		tx_nl(t);
		tx_to(t, 15);
		tx_puts(t, "from ");
		tx_value(t, e->source, 20, TEXT_MAX_LINES);
		if (e->kind == TRUST_KERNEL_IMAGE)
			tx_puts(t, ", trusted by that kernel");
		if (e->keyring_key)
			tx_puts(t, ", in proc/keys");
		tx_nl(t);
	}
}

static void text_taint(struct text *t, const struct scan_result *res)
{
	char *letters;

	if (!res->have_taint)
		return;
	letters = taint_letters(res->taint);
	tx_nl(t);
	tx_printf(t, "Kernel taint %lu%s%s", res->taint, *letters ? " = " : "", letters);
	tx_nl(t);
	for (const char *c = letters; *c && *c != '('; c++) {
		tx_printf(t, "  %c  %s", *c, taint_meaning(*c));
		tx_nl(t);
	}
	free(letters);
}

static void text_boot(struct text *t, const struct scan_result *res)
{
	const struct boot_state *b = &res->boot;

	if (!b->efi && !res->npes)
		return;
	tx_nl(t);
	tx_puts(t, "Boot chain");
	tx_nl(t);
	if (b->efi) {
		tx_printf(t, "  Secure Boot %s%s%s",
			  b->secure_boot == 1 && b->setup_mode == 0 ? "enforcing" : "not enforcing",
			  b->mok_sb_state ? "; shim validation disabled" : "",
			  b->mok_trusted ? "; MOK keys trusted for modules" : "");
		tx_nl(t);
	}
	for (size_t i = 0; i < b->nentries; i++) {
		tx_puts(t, "  ");
		tx_value_tail(t, b->entries[i].name, 4, 2, 1);
		tx_puts(t, b->entries[i].current ? "* " : " ");
		tx_value_tail(t, b->entries[i].description, 4, TEXT_MAX_LINES, 1);
		tx_puts(t, ": ");
		tx_value(t, b->entries[i].path ? b->entries[i].path : "(no file path)", 4,
			 TEXT_MAX_LINES);
		tx_nl(t);
	}
	for (size_t i = 0; i < res->npes; i++) {
		const struct pe_rec *r = &res->pes[i];

		tx_printf(t, "  %-6s %-12s ", r->kind, sig_status_name(r->status));
		tx_value(t, r->path, TEXT_BODY, TEXT_MAX_LINES);
		tx_nl(t);
		if (r->reason) {
			tx_to(t, TEXT_BODY);
			tx_value(t, r->reason, TEXT_BODY, TEXT_MAX_LINES);
			tx_nl(t);
		}
		text_pe_details(t, r);
		if (r->uefi) {
			tx_to(t, TEXT_BODY);
			tx_puts(t, "uefi: ");
			tx_value(t, r->uefi, TEXT_BODY + 6, TEXT_MAX_LINES);
			tx_nl(t);
		}
	}
}

static void text_modules(struct text *t, const struct scan_result *res)
{
	size_t counts[SIG__COUNT], loaded, hidden = 0;
	const size_t status_col = 9 + TEXT_NAME_WIDTH + 1, signer_col = status_col + 13;

	status_counts(res, counts, &loaded);
	tx_nl(t);
	tx_printf(t, "Modules: %zu (%zu loaded);", res->nmods, loaded);
	for (int s = 0; s < SIG__COUNT; s++)
		if (counts[s])
			tx_printf(t, " %s %zu", sig_status_name((enum sig_status)s), counts[s]);
	tx_nl(t);
	for (size_t i = 0; i < res->nmods; i++) {
		const struct module_rec *m = &res->mods[i];

		if (!module_notable(m)) {
			hidden++;
			continue;
		}
		tx_printf(t, "  %-6s ", m->loaded ? "loaded" : "file");
		/* a name longer than its column has the line to itself */
		if (text_width(m->name) > TEXT_NAME_WIDTH) {
			tx_value(t, m->name, 11, 2);
			tx_nl(t);
		} else {
			tx_short(t, m->name, 11);
		}
		tx_to(t, status_col);
		tx_printf(t, "%-12s ", sig_status_name(m->sig.status));
		text_signer(t, m, signer_col);
		if (m->lm && *m->lm->taint)
			tx_part(t, " [taint ", m->lm->taint, "]", signer_col);
		tx_nl(t);
		tx_to(t, 9);
		tx_value(t, m->path ? m->path : "(no file)", 9, TEXT_MAX_LINES);
		tx_nl(t);
		if (m->initramfs) {
			tx_to(t, 9);
			tx_part(t, "in initramfs ", m->initramfs, "", 9);
			tx_nl(t);
		}
	}
	if (hidden) {
		tx_printf(t, "  ... and %zu module files not loaded, valid and kernel-trusted", hidden);
		tx_nl(t);
		tx_puts(t, "      (listed in --format json)");
		tx_nl(t);
	}
}

static void write_text(FILE *out, const struct scan_result *res, int exit_status)
{
	struct text t = { .out = out_new(out), .shown = xmalloc(sizeof(*t.shown)) };
	struct finding_group *groups;
	size_t ngroups, *idx;

	groups = text_groups(res, &ngroups, &idx);
	text_head(&t, res, exit_status, ngroups);
	text_findings(&t, res, groups, ngroups);
	text_coverage(&t, res);
	text_trust(&t, res);
	text_taint(&t, res);
	text_boot(&t, res);
	text_modules(&t, res);
	out_done(t.out);
	free(t.shown);
	if (idx)
		free(groups);
	free(idx);
}

void report_write(FILE *out, const struct scan_result *res, enum report_format fmt, int exit_status)
{
	if (fmt == FORMAT_JSON)
		write_json(out, res, exit_status);
	else
		write_text(out, res, exit_status);
}
