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

static void add_cert_facts(struct kvlist *f, const struct module_rec *m)
{
	const struct sig_result *s = &m->sig;

	if (s->cert && s->cert->cert && (s->status == SIG_VALID || s->status == SIG_INVALID)) {
		cert_facts(f, s->cert->cert);
		return;
	}
	/* no certificate: what the signature itself claims */
	for (size_t i = 0; i < s->issuer_attrs.n; i++) {
		char key[128];

		snprintf(key, sizeof(key), "cert.issuer.%s", s->issuer_attrs.v[i].key);
		kv_add(f, key, s->issuer_attrs.v[i].value);
	}
	if (s->serial)
		kv_add(f, "cert.serial", s->serial);
	if (s->skid)
		kv_add(f, "cert.skid", s->skid);
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

void apply_module_rules(struct scan_result *res, const struct subject *host)
{
	for (size_t i = 0; i < res->nmods; i++) {
		const struct module_rec *m = &res->mods[i];
		struct kvlist facts = { 0 }, first = { 0 };
		struct subject subj = *host;
		struct finding *f;

		subj.facts = &facts;
		kv_add(&facts, "module.name", m->name);
		if (m->path) {
			const char *base = strrchr(m->path, '/');

			kv_add(&facts, "module.file", base ? base + 1 : m->path);
			kv_add(&facts, "module.path", m->path);
		}
		kv_add(&facts, "module.signature", sig_status_name(m->sig.status));
		kv_add(&facts, "module.loaded", m->loaded ? "yes" : "no");
		for (size_t k = 0; k < m->modinfo.n; k++) {
			char *key = xasprintf("modinfo.%s", m->modinfo.v[k].key);

			kv_add(&facts, key, m->modinfo.v[k].value);
			free(key);
		}
		add_cert_facts(&facts, m);
		module_evidence(&first, m);
		f = apply_subject_rules(res, &subj, KIND_MODULE, !m->loaded, "kaspersky", m->name,
					m->path, &first);
		if (f && m->sig.cert)
			evidence_add(&f->evidence, "verified_with", m->sig.cert->source);
		kv_free(&first);
		kv_free(&facts);
	}
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
