// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * result.c - the store of one run: coverage, trust, findings and their
 * evidence, added by every collector; the exit status it earns; freeing it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/result.h"

const char *sig_status_name(enum sig_status s)
{
	static const char *const names[] = {
		[SIG_VALID] = "valid", [SIG_INVALID] = "invalid",
		[SIG_UNVERIFIABLE] = "unverifiable", [SIG_UNSIGNED] = "unsigned",
		[SIG_MALFORMED] = "malformed", [SIG_UNREAD] = "unread",
	};

	return s < SIG__COUNT ? names[s] : "unknown";
}

const char *cov_status_name(enum cov_status s)
{
	static const char *const names[] = {
		[COV_OK] = "ok", [COV_ABSENT] = "absent", [COV_DENIED] = "denied", [COV_ERROR] = "error",
	};

	return names[s];
}

const char *trust_kind_name(enum trust_kind k)
{
	static const char *const names[] = {
		[TRUST_KERNEL_IMAGE] = "kernel-image", [TRUST_OPERATOR] = "operator",
		[TRUST_RULES] = "rules", [TRUST_KEYRING_ONLY] = "keyring", [TRUST_UEFI] = "uefi",
		[TRUST_INSPECTED] = "inspected",
	};

	return names[k];
}

void add_cov(struct scan_result *res, const char *source, enum cov_status st, char *detail)
{
	res->cov = xreallocarray(res->cov, res->ncov + 1, sizeof(*res->cov));
	res->cov[res->ncov].source = xstrdup(source);
	res->cov[res->ncov].status = st;
	res->cov[res->ncov].detail = detail ? detail : xstrdup("");
	res->ncov++;
}

enum cov_status cov_from_errno(int r)
{
	if (r == -ENOENT || r == -ENOTDIR)
		return COV_ABSENT;
	if (r == -EACCES || r == -EPERM)
		return COV_DENIED;
	return COV_ERROR;
}

void add_walk_cov(struct scan_result *res, const char *source, const struct walk_stats *st,
		  char *what)
{
	enum cov_status status = COV_OK;
	struct strbuf sb;

	sb_init(&sb);
	sb_puts(&sb, what);
	free(what);
	if (st->unreadable) {
		sb_printf(&sb, "; %zu entr%s unreadable, not walked", st->unreadable,
			  st->unreadable == 1 ? "y" : "ies");
		if (st->denied)
			sb_printf(&sb, " (%zu permission denied)", st->denied);
		status = st->denied == st->unreadable ? COV_DENIED : COV_ERROR;
	}
	if (st->too_deep) {
		sb_printf(&sb, "; %zu director%s nested deeper than %d levels not walked",
			  st->too_deep, st->too_deep == 1 ? "y" : "ies", WALK_DEPTH);
		status = COV_ERROR;
	}
	if (st->truncated) {
		sb_puts(&sb, "; stopped: the file budget is used up, later files not walked");
		status = COV_ERROR;
	}
	add_cov(res, source, status, sb_steal(&sb));
}

static struct trust_entry *add_trust(struct scan_result *res, enum trust_kind kind,
				     struct kd_cert *cert, const char *source)
{
	struct trust_entry *t;

	res->trust = xreallocarray(res->trust, res->ntrust + 1, sizeof(*res->trust));
	t = &res->trust[res->ntrust++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->cert = cert;
	t->source = xstrdup(source);
	return t;
}

struct trust_entry *add_trust_cert(struct scan_result *res, enum trust_kind kind, struct kd_cert *c,
				   const char *source, const char *uefi_var)
{
	struct trust_entry *t = add_trust(res, kind, c, source);

	t->uefi_var = uefi_var ? xstrdup(uefi_var) : NULL;
	return t;
}

struct finding *add_finding(struct scan_result *res, const char *rule, enum severity sev,
			    const char *kind, const char *name, const char *path, char *summary)
{
	struct finding *f;

	res->findings = xreallocarray(res->findings, res->nfindings + 1, sizeof(*res->findings));
	f = &res->findings[res->nfindings++];
	memset(f, 0, sizeof(*f));
	f->rule = xstrdup(rule);
	sl_push(&f->rules, xstrdup(rule));
	f->severity = sev;
	f->kind = xstrdup(kind);
	f->name = xstrdup(name ? name : "");
	f->path = path ? xstrdup(path) : NULL;
	f->summary = summary;
	return f;
}

void finding_also(struct finding *f, const struct rule *rule, enum severity sev)
{
	sl_push(&f->rules, xstrdup(rule->id));
	if (sev > f->severity) {
		f->severity = sev;
		free(f->rule);
		f->rule = xstrdup(rule->id);
		free(f->summary);
		f->summary = xstrdup(rule->title);
	}
}
/*
 * The type of each evidence member, by its name: a list where one subject can
 * hold several values (the certificates of a chain, repeated modinfo fields,
 * the host paths and contents a rule tests, the directories and files of a
 * file finding), a number for counts and ids, a string otherwise.
 * kdetect(8) and src/report.schema.json say the same.
 */
static const struct {
	const char *name;		/* a trailing '*' accepts any suffix */
	enum kv_type type;
} evidence_types[] = {
	{ "cert.*", KV_LIST },
	{ "modinfo.*", KV_LIST },
	{ "host.path", KV_LIST },
	{ "matched", KV_LIST },
	{ "directory", KV_LIST },
	{ "file", KV_LIST },
	{ "installed_in", KV_LIST },
	{ "image.name", KV_LIST },
	{ "image.id", KV_LIST },
	{ "container.name", KV_LIST },
	{ "container.id", KV_LIST },
	{ "service", KV_LIST },
	{ "service.altitude", KV_LIST },
	{ "service.instance", KV_LIST },
	{ "service.device", KV_LIST },
	{ "product.subkey", KV_LIST },
	{ "inf.catalog", KV_LIST },
	{ "inf.service", KV_LIST },
	{ "file.size", KV_NUMBER },
	{ "process.pid", KV_NUMBER },
	{ "process.uid", KV_NUMBER },
	{ "files_matched", KV_NUMBER },
};

enum kv_type evidence_type(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(evidence_types); i++) {
		const char *n = evidence_types[i].name;
		size_t len = strlen(n);

		if (n[len - 1] == '*' ? strncmp(key, n, len - 1) == 0 : strcmp(key, n) == 0)
			return evidence_types[i].type;
	}
	return KV_STRING;
}

void evidence_add(struct kvlist *ev, const char *key, const char *value)
{
	kv_put(ev, key, value, evidence_type(key));
}

char *module_stem(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;

	base = base ? base + 1 : path;
	dot = strstr(base, ".ko");
	return xstrndup(base, dot ? (size_t)(dot - base) : strlen(base));
}

bool module_name_same(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;

		if (x != y)
			return false;
	}
	return !*a && !*b;
}

bool scan_incomplete(const struct scan_result *res)
{
	for (size_t i = 0; i < res->ncov; i++)
		if (res->cov[i].status == COV_DENIED || res->cov[i].status == COV_ERROR)
			return true;
	for (size_t i = 0; i < res->nmods; i++)
		if (res->mods[i].sig.status == SIG_UNREAD && res->mods[i].path)
			return true;
	return false;
}

int scan_exit_status(const struct scan_result *res)
{
	/* info findings (remnants worth a mention) do not raise an alarm */
	for (size_t i = 0; i < res->nfindings; i++)
		if (res->findings[i].severity > SEV_INFO)
			return 1;
	return scan_incomplete(res) ? 3 : 0;
}

void pe_sig_free(struct pe_sig *s)
{
	free(s->digest_algo);
	free(s->digest);
	free(s->error);
	for (size_t i = 0; i < s->nchain; i++)
		cert_free(s->chain[i]);
	free(s->chain);
	free(s->ts_reason);
	free(s->ts_time);
	cert_free(s->ts_signer);
	for (size_t i = 0; i < s->nts_chain; i++)
		cert_free(s->ts_chain[i]);
	free(s->ts_chain);
	free(s->time_reason);
	memset(s, 0, sizeof(*s));
}

void scan_result_free(struct scan_result *res)
{
	sl_free(&res->argv);
	free(res->hostname);
	free(res->machine_id);
	free(res->boot_id);
	free(res->kernel_release);
	free(res->root);
	for (size_t i = 0; i < res->ncov; i++) {
		free(res->cov[i].source);
		free(res->cov[i].detail);
	}
	free(res->cov);
	for (size_t i = 0; i < res->ntrust; i++) {
		struct trust_entry *t = &res->trust[i];

		cert_free(t->cert);
		free(t->source);
		free(t->release);
		free(t->keyring_key);
		free(t->uefi_var);
		free(t->key_subject);
		free(t->key_id);
	}
	free(res->trust);
	for (size_t i = 0; i < res->nmods; i++) {
		struct module_rec *m = &res->mods[i];

		free(m->name);
		free(m->release);
		free(m->path);
		free(m->initramfs);
		kv_free(&m->modinfo);
		free(m->build_id);
		free(m->sig.reason);
		free(m->sig.hash_algo);
		free(m->sig.sig_algo);
		free(m->sig.issuer);
		kv_free(&m->sig.issuer_attrs);
		free(m->sig.serial);
		free(m->sig.skid);
	}
	free(res->mods);
	for (size_t i = 0; i < res->nfindings; i++) {
		struct finding *f = &res->findings[i];

		free(f->rule);
		sl_free(&f->rules);
		free(f->kind);
		free(f->name);
		free(f->path);
		free(f->summary);
		kv_free(&f->evidence);
	}
	free(res->findings);
	findings_group_free(res);
	for (size_t i = 0; i < res->nloaded; i++)
		loaded_module_free(&res->loaded[i]);
	free(res->loaded);
	for (size_t i = 0; i < res->nkeys; i++)
		kernel_key_free(&res->keys[i]);
	free(res->keys);
	ruleset_free(&res->rules);
	free(res->rules_sha256);
	for (size_t i = 0; i < res->npes; i++) {
		struct pe_rec *r = &res->pes[i];

		free(r->path);
		free(r->reason);
		free(r->authenticode_sha256);
		for (size_t k = 0; k < r->nsigs; k++)
			pe_sig_free(&r->sigs[k]);
		free(r->sigs);
		free(r->catalog);
		free(r->catalog_osattr);
		kv_free(&r->version);
		kv_free(&r->package);
		sl_free(&r->sbat);
		free(r->sbat_level);
		cert_free(r->vendor_cert);
		kv_free(&r->facts);
		free(r->uefi);
	}
	free(res->pes);
	for (size_t i = 0; i < res->boot.nentries; i++) {
		free(res->boot.entries[i].name);
		free(res->boot.entries[i].description);
		free(res->boot.entries[i].path);
	}
	free(res->boot.entries);
	free(res->boot.sbat_level);
	kv_free(&res->boot.databases);
	memset(res, 0, sizeof(*res));
}

void findings_group_free(struct scan_result *res)
{
	for (size_t i = 0; i < res->ngroups; i++) {
		free(res->groups[i].kind);
		free(res->groups[i].name);
		sl_free(&res->groups[i].places);
		free(res->groups[i].members);
	}
	free(res->groups);
	res->groups = NULL;
	res->ngroups = 0;
}
