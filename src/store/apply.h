/* SPDX-License-Identifier: GPL-2.0-or-later */
/* apply.h - rule application: subjects' facts against the rule set, findings into the store. */
#ifndef KD_APPLY_H
#define KD_APPLY_H

#include <stdbool.h>

#include "core/root.h"
#include "crypto/cert.h"
#include "rules/rules.h"
#include "store/records.h"
#include "store/result.h"

/* A subject with host.path lookups in this root (facts to be filled in). */
struct subject host_subject(const struct kd_root *root);
/* cert.* facts of a certificate. */
void cert_facts(struct kvlist *f, const struct kd_cert *cert);
/*
 * Apply the rules of one kind to one subject. The first rule that matches makes
 * a finding (kind_name, name, path), starting its evidence with first (may be
 * NULL); the others join it, and the facts they matched are added. With
 * installed_only, severities are one step lower: the code is on disk, not
 * running. Returns the finding, or NULL when no rule matched.
 */
struct finding *apply_subject_rules(struct scan_result *res, const struct subject *subj,
				    unsigned kind, bool installed_only, const char *kind_name,
				    const char *name, const char *path, const struct kvlist *first);
/* Apply the rules of one kind to each subject of a set: one finding per subject. */
void apply_facts(struct scan_result *res, const struct kd_root *root, unsigned kind,
		 const char *kind_name, const struct fact_set *set, const char *name_key,
		 const char *path_key);
/* The module rules, for every module of the store (joined to what is loaded). */
void apply_module_rules(struct scan_result *res, const struct subject *host);
/* The integrity findings of modules: no file, wrong name, bad signature, other build-id. */
void module_integrity_findings(struct scan_result *res);

#endif
