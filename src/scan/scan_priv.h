/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scan_priv.h - what scan.c shares with the other collectors of a scan (userscan.c). */
#ifndef KD_SCAN_PRIV_H
#define KD_SCAN_PRIV_H

#include "rules/rules.h"
#include "scan/scan.h"
#include "sources/userland.h"

void add_cov(struct scan_result *res, const char *source, enum cov_status st, char *detail);
enum cov_status cov_from_errno(int r);
/*
 * The coverage of one walk: what it saw (what, taken), and every gap it left
 * (unreadable entries, directories too deep, the file budget), each of which
 * makes the scan incomplete.
 */
void add_walk_cov(struct scan_result *res, const char *source, const struct walk_stats *st,
		  char *what);
struct finding *add_finding(struct scan_result *res, const char *rule, enum severity sev,
			    const char *kind, const char *name, const char *path, char *summary);
/*
 * Add to a finding's evidence with the type its name has in the report: a
 * list gains a value it lacks; any other member keeps its first value.
 */
void evidence_add(struct kvlist *ev, const char *key, const char *value);
enum kv_type evidence_type(const char *key);
/* Another rule matched the same subject: list it, and let the most severe one lead. */
void finding_also(struct finding *f, const struct rule *rule, enum severity sev);
/* The kernel images boot/vmlinuz-<release> of the root, sorted. 0 or -errno. */
int list_kernel_images(const struct kd_root *root, struct strlist *names);
/* cert.* facts of a certificate. */
void cert_facts(struct kvlist *f, const struct kd_cert *cert);
/* Record a certificate the host holds (takes c). */
struct trust_entry *add_trust_cert(struct scan_result *res, enum trust_kind kind, struct kd_cert *c,
				   const char *source, const char *uefi_var);
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
/*
 * Read the UEFI variables and key databases into res (trust, coverage, boot
 * state, and res->boot_keys for the verdicts); early, so that MOK keys can
 * verify modules when MokListTrustedRT says the kernel trusts them.
 */
void boot_read_keys(const struct kd_root *root, struct scan_result *res);
void boot_keys_free(struct boot_keys *k);
/* The UEFI key databases, boot entries, EFI binaries, signed kernels and Windows drivers. */
void scan_boot(const struct kd_root *root, const struct strlist *windows, struct scan_result *res);
/*
 * The drivers directory (Windows/System32/drivers, in any case) of a Windows
 * installation at top inside the root ("" for the root itself), or NULL.
 */
char *boot_windows_drivers_dir(const struct kd_root *root, const char *top);
/* One PE image given on the command line (kdetect inspect). */
void boot_inspect_pe(struct scan_result *res, const char *path, const uint8_t *p, size_t n);
/*
 * kdetect inspect of a certificate file (DER or PEM) or a raw efivarfs file
 * (signature list or boot entry). Returns false when the file is neither.
 */
bool boot_inspect_other(struct scan_result *res, const char *path, const uint8_t *p, size_t n);

/* Compare the kernel's views of loaded modules (hidden modules) and explain its taint. */
void scan_hidden(const struct kd_root *root, struct scan_result *res);
/* Apply the certificate rules to every trusted (or inspected) certificate. */
void scan_trusted_certs(struct scan_result *res, const struct kd_root *root);
/*
 * The product tree a path lies in, by the layout of /opt (FHS 3.0, 3.13): a
 * product's static files in /opt/NAME, its data in /var/opt/NAME and its
 * configuration in /etc/opt/NAME. Kaspersky's provider directory holds one
 * product in each subdirectory (/opt/kaspersky/kesl), whose logs are in
 * /var/log/kaspersky/kesl. Returns the tree's key ("/opt/kaspersky/kesl"), with
 * *dir (if dir) the tree's directory the path lies in ("/var/opt/kaspersky/kesl"),
 * or NULL when the path is not below such a directory. Caller frees both.
 */
char *product_tree(const char *path, char **dir);
/* A subject with host.path lookups in this root (facts to be filled in). */
struct subject host_subject(const struct kd_root *root);

/*
 * Packages, services, processes (live host only), certificates the host trusts,
 * and the files of install trees: collect them and apply the rules.
 */
void scan_userland(const struct kd_root *root, const struct scan_options *opt,
		   struct scan_result *res);

#endif
