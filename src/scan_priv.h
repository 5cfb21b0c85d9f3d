/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scan_priv.h - what scan.c shares with the other collectors of a scan (userscan.c). */
#ifndef KD_SCAN_PRIV_H
#define KD_SCAN_PRIV_H

#include "rules.h"
#include "scan.h"

void add_cov(struct scan_result *res, const char *source, enum cov_status st, char *detail);
enum cov_status cov_from_errno(int r);
struct finding *add_finding(struct scan_result *res, const char *rule, enum severity sev,
			    const char *kind, const char *name, const char *path, char *summary);
/* Another rule matched the same subject: list it, and let the most severe one lead. */
void finding_also(struct finding *f, const struct rule *rule, enum severity sev);
/* cert.* facts of a certificate. */
void cert_facts(struct kvlist *f, const struct kd_cert *cert);
/* A subject with host.path lookups in this root (facts to be filled in). */
struct subject host_subject(const struct kd_root *root);

/*
 * Packages, services, processes (live host only), certificates the host trusts,
 * and the files of install trees: collect them and apply the rules.
 */
void scan_userland(const struct kd_root *root, const struct scan_options *opt,
		   struct scan_result *res);

#endif
