// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply.c - rule application, in one place: a subject's facts against the rule
 * set, and the findings (with their evidence) that the matches make in the
 * store. The collectors call it as they go (a file walk cannot keep every file
 * for later); the orchestration calls it for the modules once they are joined.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/apply.h"

static bool host_path_exists(void *ctx, const char *path)
{
	struct stat st;

	return root_stat(ctx, path, 0, &st) == 0;
}

struct subject host_subject(const struct kd_root *root)
{
	struct subject s = { 0 };

	if (root) {
		s.path_exists = host_path_exists;
		s.host_ctx = (void *)root;
	}
	return s;
}

void cert_facts(struct kvlist *f, const struct kd_cert *cert)
{
	const struct cert_info *ci = cert_get_info(cert);
	char key[128];

	for (size_t i = 0; i < ci->subject_attrs.n; i++) {
		snprintf(key, sizeof(key), "cert.subject.%s", ci->subject_attrs.v[i].key);
		kv_add(f, key, ci->subject_attrs.v[i].value);
	}
	for (size_t i = 0; i < ci->issuer_attrs.n; i++) {
		snprintf(key, sizeof(key), "cert.issuer.%s", ci->issuer_attrs.v[i].key);
		kv_add(f, key, ci->issuer_attrs.v[i].value);
	}
	kv_add(f, "cert.serial", ci->serial);
	if (ci->skid)
		kv_add(f, "cert.skid", ci->skid);
	kv_add(f, "cert.sha256", ci->sha256);
	kv_add(f, "cert.pubkey_sha256", ci->pubkey_sha256);
}

/* What every finding about a module starts with. */
static void module_evidence(struct kvlist *ev, const struct module_rec *m)
{
	evidence_add(ev, "loaded", m->loaded ? "yes" : "no");
	if (m->release)
		evidence_add(ev, "release", m->release);
	evidence_add(ev, "signature", sig_status_name(m->sig.status));
	if (m->initramfs)
		evidence_add(ev, "initramfs", m->initramfs);
}

static struct finding *new_finding(struct scan_result *res, const char *rule, enum severity sev,
				   const char *kind, const struct module_rec *m, char *summary)
{
	struct finding *f = add_finding(res, rule, sev, kind, m->name, m->path, summary);

	module_evidence(&f->evidence, m);
	return f;
}

struct finding *apply_subject_rules(struct scan_result *res, const struct subject *subj,
				    unsigned kind, bool installed_only, const char *kind_name,
				    const char *name, const char *path, const struct kvlist *first)
{
	struct kvlist ev = { 0 };
	struct finding *f = NULL;
	struct fact_index ix = { 0 };
	struct subject indexed;

	/* facts by key: each condition visits the facts of its field, not every fact */
	if (!subj->index && subj->facts && subj->facts->n > 8) {
		fact_index_build(&ix, subj->facts);
		indexed = *subj;
		indexed.index = &ix;
		subj = &indexed;
	}
	for (size_t r = 0; r < res->rules.n; r++) {
		const struct rule *rule = &res->rules.v[r];
		enum severity sev = rule->severity;

		if (!(rule->kinds & kind) || !rule_match_subject(rule, subj, &ev))
			continue;
		/* rule severities are for code that runs: installed code is one step lower */
		if (installed_only && sev > SEV_INFO)
			sev--;
		if (f) {
			finding_also(f, rule, sev);
			continue;
		}
		f = add_finding(res, rule->id, sev, kind_name, name, path, xstrdup(rule->title));
		for (size_t k = 0; first && k < first->n; k++)
			evidence_add(&f->evidence, first->v[k].key, first->v[k].value);
	}
	for (size_t k = 0; f && k < ev.n; k++)
		evidence_add(&f->evidence, ev.v[k].key, ev.v[k].value);
	kv_free(&ev);
	fact_index_free(&ix);
	return f;
}

void apply_facts(struct scan_result *res, const struct kd_root *root, unsigned kind,
		 const char *kind_name, const struct fact_set *set, const char *name_key,
		 const char *path_key)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct kvlist *facts = &set->v[i];
		struct subject subj = host_subject(root);
		struct finding *f;

		subj.facts = facts;
		f = apply_subject_rules(res, &subj, kind, false, kind_name, kv_get(facts, name_key),
					path_key ? kv_get(facts, path_key) : NULL, NULL);
		/* after the matched facts, the rest of what is known about the subject */
		for (size_t k = 0; f && k < facts->n; k++)
			evidence_add(&f->evidence, facts->v[k].key, facts->v[k].value);
	}
}

/*
 * The facts of one module after another, for the rules only: the values are
 * the module's own strings, borrowed, and the keys made here ("modinfo.alias",
 * "cert.subject.O") go into one buffer, so that thousands of modules with
 * their hundreds of aliases cost no allocation each. Never kv_free()d.
 */
struct module_facts {
	struct kvlist list;
	char *keys;
	size_t keys_len, keys_cap;
	struct fact_index index;
};

/* A fact whose strings outlive the list (the list only reads them). */
static void fact_ref(struct kvlist *l, const char *key, const char *value)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n].key = (char *)key;
	l->v[l->n].value = (char *)value;
	l->v[l->n].type = KV_STRING;
	l->n++;
}

/* prefix and name as one key in mf->keys, which module_facts_reserve() made room for */
static const char *fact_key(struct module_facts *mf, const char *prefix, const char *name,
			    size_t max)
{
	char *k = mf->keys + mf->keys_len;
	size_t pn = strlen(prefix), nn = strlen(name);

	/* as snprintf into a buffer of max bytes would cut it */
	if (max && pn + nn >= max)
		nn = pn < max ? max - 1 - pn : 0;
	memcpy(k, prefix, pn);
	memcpy(k + pn, name, nn);
	k[pn + nn] = '\0';
	mf->keys_len += pn + nn + 1;
	return k;
}

/* Room for keys of prefix + each key of attrs (the keys buffer must not move while used). */
static size_t keys_size(const struct kvlist *attrs, size_t prefix)
{
	size_t n = 0;

	for (size_t i = 0; i < attrs->n; i++)
		n += prefix + strlen(attrs->v[i].key) + 1;
	return n;
}

#define CERT_KEY_MAX 128	/* cert_facts() makes its keys in a buffer this big */

static void cert_attr_facts(struct module_facts *mf, const char *prefix,
			    const struct kvlist *attrs)
{
	for (size_t i = 0; i < attrs->n; i++)
		fact_ref(&mf->list, fact_key(mf, prefix, attrs->v[i].key, CERT_KEY_MAX),
			 attrs->v[i].value);
}

/* The facts the module rules see: module.*, modinfo.*, then cert.* (as cert_facts() gives them). */
static void module_facts_fill(struct module_facts *mf, const struct module_rec *m)
{
	const struct sig_result *s = &m->sig;
	const struct cert_info *ci = NULL;
	size_t need = keys_size(&m->modinfo, strlen("modinfo."));

	if (s->cert && s->cert->cert && (s->status == SIG_VALID || s->status == SIG_INVALID)) {
		ci = cert_get_info(s->cert->cert);
		need += keys_size(&ci->subject_attrs, strlen("cert.subject.")) +
			keys_size(&ci->issuer_attrs, strlen("cert.issuer."));
	} else {
		need += keys_size(&s->issuer_attrs, strlen("cert.issuer."));
	}
	if (need > mf->keys_cap) {
		free(mf->keys);
		mf->keys_cap = need;
		mf->keys = xmalloc(need);
	}
	mf->keys_len = 0;
	mf->list.n = 0;
	fact_ref(&mf->list, "module.name", m->name);
	if (m->path) {
		const char *base = strrchr(m->path, '/');

		fact_ref(&mf->list, "module.file", base ? base + 1 : m->path);
		fact_ref(&mf->list, "module.path", m->path);
	}
	fact_ref(&mf->list, "module.signature", sig_status_name(m->sig.status));
	fact_ref(&mf->list, "module.loaded", m->loaded ? "yes" : "no");
	for (size_t k = 0; k < m->modinfo.n; k++)
		fact_ref(&mf->list, fact_key(mf, "modinfo.", m->modinfo.v[k].key, 0),
			 m->modinfo.v[k].value);
	if (ci) {
		/* as cert_facts() */
		cert_attr_facts(mf, "cert.subject.", &ci->subject_attrs);
		cert_attr_facts(mf, "cert.issuer.", &ci->issuer_attrs);
		fact_ref(&mf->list, "cert.serial", ci->serial);
		if (ci->skid)
			fact_ref(&mf->list, "cert.skid", ci->skid);
		fact_ref(&mf->list, "cert.sha256", ci->sha256);
		fact_ref(&mf->list, "cert.pubkey_sha256", ci->pubkey_sha256);
	} else {
		/* no certificate: what the signature itself claims */
		cert_attr_facts(mf, "cert.issuer.", &s->issuer_attrs);
		if (s->serial)
			fact_ref(&mf->list, "cert.serial", s->serial);
		if (s->skid)
			fact_ref(&mf->list, "cert.skid", s->skid);
	}
	fact_index_build(&mf->index, &mf->list);
}

void apply_module_rules(struct scan_result *res, const struct subject *host)
{
	struct module_facts mf = { 0 };

	for (size_t i = 0; i < res->nmods; i++) {
		const struct module_rec *m = &res->mods[i];
		struct kv firstv[4];
		struct kvlist first = { .v = firstv, .cap = ARRAY_SIZE(firstv) };
		struct subject subj = *host;
		struct finding *f;

		module_facts_fill(&mf, m);
		subj.facts = &mf.list;
		subj.index = &mf.index;
		/* module_evidence(), borrowed */
		fact_ref(&first, "loaded", m->loaded ? "yes" : "no");
		if (m->release)
			fact_ref(&first, "release", m->release);
		fact_ref(&first, "signature", sig_status_name(m->sig.status));
		if (m->initramfs)
			fact_ref(&first, "initramfs", m->initramfs);
		f = apply_subject_rules(res, &subj, KIND_MODULE, !m->loaded, "kaspersky", m->name,
					m->path, &first);
		if (f && m->sig.cert)
			evidence_add(&f->evidence, "verified_with", m->sig.cert->source);
	}
	free(mf.list.v);
	free(mf.keys);
	fact_index_free(&mf.index);
}

void module_integrity_findings(struct scan_result *res)
{
	for (size_t i = 0; i < res->nmods; i++) {
		const struct module_rec *m = &res->mods[i];
		struct finding *f;

		if (m->loaded && !m->path) {
			f = new_finding(res, "KD-MOD-NOFILE", SEV_MEDIUM, "integrity", m,
					xstrdup("loaded module has no file on disk"));
			evidence_add(&f->evidence, "taint", m->lm->taint);
		}
		if (m->file_name_matches == 0) {
			char *base = module_stem(m->path);

			f = new_finding(res, "KD-MOD-NAME", SEV_MEDIUM, "integrity", m,
					xasprintf("file name '%s' differs from the module's own name '%s'",
						  base, m->name));
			free(base);
		}
		if (m->sig.status == SIG_INVALID) {
			f = new_finding(res, "KD-SIG-INVALID", SEV_MEDIUM, "integrity", m,
					xstrdup("signature does not match the module content"));
			if (m->sig.cert)
				evidence_add(&f->evidence, "verified_with", m->sig.cert->source);
		}
		if (m->loaded && m->build_id_matches == 0) {
			f = new_finding(res, "KD-MOD-BUILDID", SEV_LOW, "integrity", m,
					xstrdup("loaded module's build-id differs from its file's"));
			evidence_add(&f->evidence, "loaded_build_id", m->lm->build_id);
			evidence_add(&f->evidence, "file_build_id", m->build_id);
		}
	}
}
