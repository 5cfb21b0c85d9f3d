// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.c - write what a scan found, as text for people or JSON for tools.
 *
 * Every string that came from the inspected system (file names, modinfo,
 * certificate names) passes through safe_string(): no control bytes reach a
 * terminal, and the JSON is valid UTF-8 whatever the input was.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "procfs.h"
#include "report.h"
#include "util.h"

#define TEXT_NAME_WIDTH 24
#define MAX_SHOWN 1024		/* bytes of one untrusted string we print */
#define MAX_TAINT_EXPLAINED 32	/* the kernel has fewer taint letters; proc/modules may lie */

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

/* Printable ASCII without backslashes, short enough: needs no escaping. */
static bool plain_string(const char *s)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
		if (*p < 0x20 || *p >= 0x7f || *p == '\\')
			return false;
	return n < MAX_SHOWN;
}

char *safe_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	struct strbuf sb;

	sb_init(&sb);
	sb_puts(&sb, "");
	while (*p) {
		size_t n = utf8_len(p);

		if (sb.len >= MAX_SHOWN) {
			sb_printf(&sb, "...(%zu more bytes)", strlen((const char *)p));
			break;
		}

		if (*p == '\\') {
			sb_puts(&sb, "\\\\");
			p++;
		} else if (n == 1 && (*p < 0x20 || *p == 0x7f)) {
			sb_printf(&sb, "\\x%02x", *p);
			p++;
		} else if (n == 0 || (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			/* invalid UTF-8, and C1 control characters, which terminals obey too */
			sb_printf(&sb, "\\x%02x", *p);
			p++;
		} else {
			sb_putn(&sb, (const char *)p, n);
			p += n;
		}
	}
	return sb_steal(&sb);
}

/* ---- JSON ---- */

struct json {
	FILE *out;
	int depth;
	bool first;
};

static void j_indent(struct json *j)
{
	fputc('\n', j->out);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->out);
}

static void j_sep(struct json *j)
{
	if (!j->first)
		fputc(',', j->out);
	j->first = false;
	if (j->depth)
		j_indent(j);
}

static void j_str_raw(struct json *j, const char *s)
{
	const char *run = s;

	fputc('"', j->out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p != '"' && *p != '\\' && *p >= 0x20)
			continue;
		/* write the plain run before this byte in one go */
		fwrite(run, 1, (size_t)((const char *)p - run), j->out);
		if (*p < 0x20)
			fprintf(j->out, "\\u%04x", *p);
		else
			fprintf(j->out, "\\%c", *p);
		run = (const char *)p + 1;
	}
	fputs(run, j->out);
	fputc('"', j->out);
}

static void j_key(struct json *j, const char *k)
{
	char *safe = plain_string(k) ? NULL : safe_string(k);	/* modinfo keys are untrusted */

	j_sep(j);
	j_str_raw(j, safe ? safe : k);
	fputs(": ", j->out);
	free(safe);
}

static void j_open(struct json *j, const char *key, char c)
{
	if (key)
		j_key(j, key);
	else
		j_sep(j);
	fputc(c, j->out);
	j->depth++;
	j->first = true;
}

static void j_close(struct json *j, char c)
{
	bool empty = j->first;

	j->depth--;
	if (!empty)
		j_indent(j);
	fputc(c, j->out);
	j->first = false;
}

static void j_string(struct json *j, const char *key, const char *v)
{
	char *safe;

	if (key)
		j_key(j, key);
	else
		j_sep(j);
	if (!v) {
		fputs("null", j->out);
		return;
	}
	if (plain_string(v)) {
		j_str_raw(j, v);
		return;
	}
	safe = safe_string(v);
	j_str_raw(j, safe);
	free(safe);
}

static void j_bool(struct json *j, const char *key, bool v)
{
	j_key(j, key);
	fputs(v ? "true" : "false", j->out);
}

static void j_tristate(struct json *j, const char *key, int v)
{
	j_key(j, key);
	fputs(v < 0 ? "null" : v ? "true" : "false", j->out);
}

static void j_uint(struct json *j, const char *key, unsigned long long v)
{
	j_key(j, key);
	fprintf(j->out, "%llu", v);
}

/* A signed count, or null when it is not known (negative). */
static void j_count(struct json *j, const char *key, long v)
{
	j_key(j, key);
	if (v < 0)
		fputs("null", j->out);
	else
		fprintf(j->out, "%ld", v);
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
		fputs("null", j->out);
	else
		fprintf(j->out, "%llu", n);
}

/* RFC 3339, UTC, in milliseconds: 2025-01-31T12:00:00.000Z */
static void j_time(struct json *j, const char *key, const struct timespec *t)
{
	struct tm tm;
	char buf[64];
	time_t sec = t->tv_sec;

	j_key(j, key);
	if (!gmtime_r(&sec, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm)) {
		fputs("null", j->out);
		return;
	}
	fprintf(j->out, "\"%s.%03ldZ\"", buf, (long)(t->tv_nsec / 1000000));
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

static int cmp_kv_index(const void *a, const void *b, void *arg)
{
	const struct kvlist *l = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(l->v[x].key, l->v[y].key);

	return c ? c : (x > y) - (x < y);
}

/* How j_kv_object writes the values of a key. */
enum kv_shape {
	KV_ALL_LISTS,		/* every key an array of strings (modinfo, key databases) */
	KV_TYPED,		/* by each key's type (evidence): kv_put keeps it one value unless a list */
};

/* Keys in first-seen order, each with the values of all its entries, as shape says. */
static void j_kv_object(struct json *j, const char *key, const struct kvlist *l, enum kv_shape shape)
{
	size_t *ord = xcalloc(l->n ? l->n : 1, sizeof(*ord));
	size_t *leader = xcalloc(l->n ? l->n : 1, sizeof(*leader));
	size_t *gstart = xcalloc(l->n ? l->n : 1, sizeof(*gstart));
	size_t *gsize = xcalloc(l->n ? l->n : 1, sizeof(*gsize));

	/* group equal keys in O(n log n): drivers carry hundreds of alias entries */
	for (size_t i = 0; i < l->n; i++)
		ord[i] = i;
	qsort_r(ord, l->n, sizeof(*ord), cmp_kv_index, (void *)l);
	for (size_t s = 0, e; s < l->n; s = e) {
		for (e = s + 1; e < l->n && strcmp(l->v[ord[e]].key, l->v[ord[s]].key) == 0; e++)
			;
		for (size_t k = s; k < e; k++)
			leader[ord[k]] = ord[s];
		gstart[ord[s]] = s;
		gsize[ord[s]] = e - s;
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
		for (size_t k = gstart[i]; k < gstart[i] + gsize[i]; k++)
			j_string(j, NULL, l->v[ord[k]].value);
		j_close(j, ']');
	}
	j_close(j, '}');
	free(ord);
	free(leader);
	free(gstart);
	free(gsize);
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
		j_open(j, "version", '{');
		for (size_t k = 0; k < r->version.n; k++)
			j_string(j, r->version.v[k].key, r->version.v[k].value);
		j_close(j, '}');
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
	struct json j = { .out = out, .first = true };
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
	fputc('\n', out);
}

/* ---- text ---- */

static void t_safe(FILE *out, const char *s)
{
	char *safe;

	if (!s)
		s = "";
	if (plain_string(s)) {
		fputs(s, out);
		return;
	}
	safe = safe_string(s);
	fputs(safe, out);
	free(safe);
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

static void text_signer(FILE *out, const struct module_rec *m)
{
	const struct sig_result *s = &m->sig;

	switch (s->status) {
	case SIG_VALID:
		fputs("signed by ", out);
		t_safe(out, cert_get_info(s->cert->cert)->subject);
		fputs(" (", out);
		t_safe(out, s->kernel_trusted ? "kernel-trusted" : s->cert->source);
		fputc(')', out);
		break;
	case SIG_INVALID:
	case SIG_UNVERIFIABLE:
		if (s->issuer) {
			fputs("issuer ", out);
			t_safe(out, s->issuer);
			fputs(" serial ", out);
			t_safe(out, s->serial);
		} else if (s->skid) {
			fputs("key id ", out);
			t_safe(out, s->skid);
		}
		if (s->reason) {
			fputs(s->issuer || s->skid ? ": " : "", out);
			t_safe(out, s->reason);
		}
		break;
	default:
		if (s->reason)
			t_safe(out, s->reason);
		break;
	}
}

/* The loaded module a finding is about, if it is about one. */
static const struct module_rec *finding_module(const struct scan_result *res,
					       const struct finding *f)
{
	for (size_t i = 0; i < res->nmods; i++) {
		const struct module_rec *m = &res->mods[i];

		if (m->lm && f->name && !strcmp(m->name, f->name) &&
		    (!f->path || (m->path && !strcmp(m->path, f->path))))
			return m;
	}
	return NULL;
}

/* Under a finding: why the module taints the kernel, and what depends on it. */
static void text_loaded_module(FILE *out, const struct module_rec *m)
{
	const struct kd_devices *d;

	if (!m)
		return;
	for (const char *c = m->lm->taint; *c && c - m->lm->taint < MAX_TAINT_EXPLAINED; c++) {
		char *why = module_taint_why(m, *c);
		char flag[2] = { *c, 0 };

		/* the letters come from proc/modules of the inspected system */
		fputs("           taint ", out);
		t_safe(out, flag);
		fputs(": ", out);
		t_safe(out, why);
		fputc('\n', out);
		free(why);
	}
	if (m->lm->used_by.n) {
		fputs("           modules that use it:", out);
		for (size_t i = 0; i < m->lm->used_by.n; i++) {
			fputc(' ', out);
			t_safe(out, m->lm->used_by.v[i]);
		}
		fputc('\n', out);
	}
	d = &m->lm->devices;
	if (!d->n) {
		if (d->drivers)
			fprintf(out, "           devices: none bound to its %zu driver%s\n",
				d->drivers, d->drivers == 1 ? "" : "s");
		else
			fputs("           devices: none (it registers no driver)\n", out);
		return;
	}
	fprintf(out, "           devices that depend on it (%zu):\n", d->n);
	for (size_t i = 0; i < d->n; i++) {
		const struct kd_device *dev = &d->v[i];

		fputs("             ", out);
		t_safe(out, dev->bus);
		fputc(' ', out);
		t_safe(out, dev->name);
		fputs(" (driver ", out);
		t_safe(out, dev->driver);
		fputc(')', out);
		if (dev->vendor_id) {
			fputc(' ', out);
			t_safe(out, dev->vendor_id);
			fputc(':', out);
			t_safe(out, dev->product_id);
		}
		if (dev->vendor_name || dev->model_name) {
			fputc(' ', out);
			t_safe(out, dev->vendor_name ? dev->vendor_name : "");
			fputs(dev->vendor_name && dev->model_name ? " " : "", out);
			t_safe(out, dev->model_name ? dev->model_name : "");
		}
		fputc('\n', out);
	}
}

/* When the scan ran and on which machine and boot: what tells many reports apart. */
static void text_run(FILE *out, const struct scan_result *res)
{
	struct tm tm;
	char when[32];
	time_t sec = res->started.tv_sec;

	if (!gmtime_r(&sec, &tm) || !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(when, sizeof(when), "?");
	fprintf(out, "scan %s, %llu.%03llu s", when, (unsigned long long)(res->duration_ms / 1000),
		(unsigned long long)(res->duration_ms % 1000));
	if (res->machine_id) {
		fputs(", machine-id ", out);
		t_safe(out, res->machine_id);
	}
	if (res->boot_id) {
		fputs(", boot-id ", out);
		t_safe(out, res->boot_id);
	}
	fputc('\n', out);
}

/* One PE signature, as a line: "[nested ]sha256, valid: signer < issuer ... [anchored in db]". */
static void text_pe_sig(FILE *out, const struct pe_sig *s)
{
	fprintf(out, "%s%s, %s: ", s->depth ? "nested " : "",
		s->from_catalog ? "catalog" : s->digest_algo ? s->digest_algo : "?",
		s->sig_ok && s->digest_matches ? "valid" : "invalid");
	t_safe(out, s->nchain ? cert_get_info(s->chain[0])->subject : "signer not embedded");
	for (size_t k = 1; k < s->nchain; k++) {
		fputs(" < ", out);
		t_safe(out, cert_get_info(s->chain[k])->subject);
	}
	if (s->anchored)
		fprintf(out, " [anchored%s%s]", s->anchor_db ? " in " : "", s->anchor_db ? s->anchor_db : "");
}

static void text_pe_line(FILE *out, const char *key, const char *key2, const char *value)
{
	fputs("           ", out);
	t_safe(out, key);
	t_safe(out, key2);
	fputs(": ", out);
	t_safe(out, value);
	fputc('\n', out);
}

/* Under a PE image: its signatures, catalog, version resource, SBAT and shim's vendor certificate. */
static void text_pe_details(FILE *out, const struct pe_rec *r)
{
	for (size_t k = 0; k < r->nsigs; k++) {
		fputs("           signature: ", out);
		text_pe_sig(out, &r->sigs[k]);
		fputc('\n', out);
	}
	if (r->catalog)
		text_pe_line(out, "catalog", "", r->catalog);
	for (size_t k = 0; k < r->version.n; k++)
		text_pe_line(out, "version.", r->version.v[k].key, r->version.v[k].value);
	for (size_t k = 0; k < r->sbat.n; k++)
		text_pe_line(out, "sbat", "", r->sbat.v[k]);
	if (r->sbat_level)
		text_pe_line(out, "sbat_level", "", r->sbat_level);
	if (r->vendor_cert)
		text_pe_line(out, "vendor_cert", "", cert_get_info(r->vendor_cert)->subject);
}

static void write_text(FILE *out, const struct scan_result *res, int exit_status)
{
	size_t counts[SIG__COUNT], loaded, hidden = 0;
	static const char *const verdict[] = { "nothing found", "FINDINGS", "error",
					       "nothing found, but INCOMPLETE" };

	status_counts(res, counts, &loaded);
	fprintf(out, "kdetect %s: %s", KDETECT_VERSION, verdict[exit_status & 3]);
	if (res->nfindings)
		fprintf(out, " (%zu)", res->nfindings);
	fputs("\nhost ", out);
	t_safe(out, res->hostname ? res->hostname : "?");
	fputs(", kernel ", out);
	t_safe(out, res->kernel_release ? res->kernel_release : "unknown");
	if (res->root) {
		fputs(res->offline ? ", offline root " : ", live root ", out);
		t_safe(out, res->root);
	}
	fputc('\n', out);
	text_run(out, res);

	if (res->nfindings)
		fputs("\nFindings\n", out);
	for (size_t i = 0; i < res->nfindings; i++) {
		const struct finding *f = &res->findings[i];

		fprintf(out, "  %-8s %-14s ", upper_severity(f->severity), f->rule);
		t_safe(out, f->name);
		if (f->path) {
			fputs("  ", out);
			t_safe(out, f->path);
		}
		fputs("\n           ", out);
		t_safe(out, f->summary);
		fputc('\n', out);
		for (size_t k = 0; k < f->evidence.n; k++) {
			fputs("           ", out);
			t_safe(out, f->evidence.v[k].key);
			fputs(": ", out);
			t_safe(out, f->evidence.v[k].value);
			fputc('\n', out);
		}
		if (f->rules.n > 1) {
			fputs("           rules:", out);
			for (size_t k = 0; k < f->rules.n; k++)
				fprintf(out, " %s", f->rules.v[k]);
			fputc('\n', out);
		}
		text_loaded_module(out, finding_module(res, f));
	}

	fputs("\nCoverage\n", out);
	for (size_t i = 0; i < res->ncov; i++) {
		fprintf(out, "  %-7s ", cov_status_name(res->cov[i].status));
		t_safe(out, res->cov[i].source);
		fputs(": ", out);
		t_safe(out, res->cov[i].detail);
		fputc('\n', out);
	}

	if (res->ntrust)
		fputs("\nTrust sources\n", out);
	for (size_t i = 0; i < res->ntrust; i++) {
		const struct trust_entry *t = &res->trust[i];
		const struct cert_info *ci = t->cert ? cert_get_info(t->cert) : NULL;

		fprintf(out, "  %-12s ", trust_kind_name(t->kind));
		t_safe(out, cert_subject(t));
		if (ci && ci->skid) {
			fputs("  skid ", out);
			t_safe(out, ci->skid);
		} else if (t->key_id) {
			fputs("  key id ", out);
			t_safe(out, t->key_id);
		}
		fputs("\n               from ", out);
		t_safe(out, t->source);
		if (t->kind == TRUST_KERNEL_IMAGE)
			fputs(", trusted by that kernel", out);
		if (t->keyring_key)
			fputs(", in proc/keys", out);
		fputc('\n', out);
	}

	if (res->have_taint) {
		char *letters = taint_letters(res->taint);

		fprintf(out, "\nKernel taint %lu%s%s\n", res->taint, *letters ? " = " : "", letters);
		for (const char *c = letters; *c && *c != '('; c++)
			fprintf(out, "  %c  %s\n", *c, taint_meaning(*c));
		free(letters);
	}

	if (res->boot.efi || res->npes) {
		const struct boot_state *b = &res->boot;

		fputs("\nBoot chain\n", out);
		if (b->efi)
			fprintf(out, "  Secure Boot %s%s%s\n",
				b->secure_boot == 1 && b->setup_mode == 0 ? "enforcing" : "not enforcing",
				b->mok_sb_state ? "; shim validation disabled" : "",
				b->mok_trusted ? "; MOK keys trusted for modules" : "");
		for (size_t i = 0; i < b->nentries; i++) {
			fprintf(out, "  %s%s ", b->entries[i].name, b->entries[i].current ? "*" : "");
			t_safe(out, b->entries[i].description);
			fputs(": ", out);
			t_safe(out, b->entries[i].path ? b->entries[i].path : "(no file path)");
			fputc('\n', out);
		}
		for (size_t i = 0; i < res->npes; i++) {
			const struct pe_rec *r = &res->pes[i];

			fprintf(out, "  %-6s %-12s ", r->kind, sig_status_name(r->status));
			t_safe(out, r->path);
			fputc('\n', out);
			if (r->reason) {
				fputs("           ", out);
				t_safe(out, r->reason);
				fputc('\n', out);
			}
			text_pe_details(out, r);
			if (r->uefi) {
				fputs("           uefi: ", out);
				t_safe(out, r->uefi);
				fputc('\n', out);
			}
		}
	}

	fprintf(out, "\nModules: %zu (%zu loaded);", res->nmods, loaded);
	for (int s = 0; s < SIG__COUNT; s++)
		if (counts[s])
			fprintf(out, " %s %zu", sig_status_name((enum sig_status)s), counts[s]);
	fputc('\n', out);
	for (size_t i = 0; i < res->nmods; i++) {
		const struct module_rec *m = &res->mods[i];

		if (!module_notable(m)) {
			hidden++;
			continue;
		}
		fprintf(out, "  %-6s ", m->loaded ? "loaded" : "file");
		t_safe(out, m->name);
		for (size_t w = strlen(m->name); w < TEXT_NAME_WIDTH; w++)
			fputc(' ', out);
		fprintf(out, " %-12s ", sig_status_name(m->sig.status));
		text_signer(out, m);
		if (m->lm && *m->lm->taint) {
			fputs(" [taint ", out);
			t_safe(out, m->lm->taint);
			fputc(']', out);
		}
		fputs("\n         ", out);
		t_safe(out, m->path ? m->path : "(no file)");
		fputc('\n', out);
	}
	if (hidden)
		fprintf(out, "  ... and %zu module files not loaded, valid and kernel-trusted "
			     "(listed in --format json)\n", hidden);
}

void report_write(FILE *out, const struct scan_result *res, enum report_format fmt, int exit_status)
{
	if (fmt == FORMAT_JSON)
		write_json(out, res, exit_status);
	else
		write_text(out, res, exit_status);
}
