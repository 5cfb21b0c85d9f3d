/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * result.h - the store: what one run of kdetect found, the data model every
 * collector writes to (through the functions below) and the report reads.
 */
#ifndef KD_RESULT_H
#define KD_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "crypto/cert.h"
#include "crypto/pkcs7.h"
#include "core/root.h"
#include "rules/rules.h"
#include "core/util.h"
#include "store/records.h"

enum sig_status {
	SIG_VALID,
	SIG_INVALID,
	SIG_UNVERIFIABLE,
	SIG_UNSIGNED,
	SIG_MALFORMED,
	SIG_UNREAD,		/* the file could not be read: nothing is known */
	SIG__COUNT,
};

enum cov_status {
	COV_OK,
	COV_ABSENT,
	COV_DENIED,
	COV_ERROR,
};

enum trust_kind {
	TRUST_KERNEL_IMAGE,	/* built into boot/vmlinuz-<release> */
	TRUST_OPERATOR,		/* --cert */
	TRUST_RULES,		/* pinned by the rule set */
	TRUST_KEYRING_ONLY,	/* a proc/keys key for which we hold no certificate */
	TRUST_UEFI,		/* in a UEFI key database or MOK list (source names which) */
	TRUST_INSPECTED,	/* a certificate file given to kdetect inspect */
};

struct trust_entry {
	enum trust_kind kind;
	struct kd_cert *cert;		/* NULL for TRUST_KEYRING_ONLY */
	char *source;
	char *release;			/* TRUST_KERNEL_IMAGE */
	char *keyring_key;		/* proc/keys description that names this certificate */
	char *uefi_var;			/* TRUST_UEFI: "db", "MokListRT", ... */
	/* TRUST_KEYRING_ONLY */
	char *key_subject;
	char *key_id;
};

struct sig_result {
	enum sig_status status;
	char *reason;
	char *hash_algo;
	char *sig_algo;			/* the SignerInfo's: "rsaEncryption", "ecdsa-with-SHA384" */
	char *issuer;
	struct kvlist issuer_attrs;
	char *serial;
	char *skid;
	const struct trust_entry *cert;	/* the certificate that identifies the signer */
	bool kernel_trusted;
};

struct module_rec {
	char *name;			/* the module's own name, else its file name */
	char *release;
	char *path;			/* "/lib/modules/..." or NULL when no file */
	char *initramfs;		/* the image path is a member of ("/boot/initrd.img-..."), or NULL */
	bool loaded;
	struct loaded_module *lm;
	int file_name_matches;		/* 1, 0, or -1 when unknown */
	int build_id_matches;		/* loaded modules: 1, 0, or -1 when unknown */
	const char *compression;
	uint64_t file_size;
	struct kvlist modinfo;
	char *build_id;
	struct sig_result sig;
	/* scan-internal: the parsed signature and content digest between the two phases */
	struct kd_pkcs7 *p7;
	uint8_t md[64];
	unsigned int mdlen;
};

struct finding {
	char *rule;
	struct strlist rules;		/* every rule that matched */
	enum severity severity;
	char *kind;			/* "kaspersky" or "integrity" */
	char *name;
	char *path;
	char *summary;
	struct kvlist evidence;
	size_t group;			/* index in scan_result.groups: the thing it is about */
};

/*
 * The findings about one thing (group.c): an installed product with its
 * files, packages, services and processes; a module; a binary; a certificate.
 */
struct finding_group {
	char *kind;			/* "product", "module", else the kind of its findings */
	char *name;			/* the product's name(s), or its first finding's subject */
	struct strlist places;		/* a product's directories as seen, sorted */
	enum severity severity;		/* the highest of its findings' */
	size_t *members;		/* indices in findings, in their order */
	size_t n;
};

/*
 * One signature of a PE image: an Authenticode signature of its certificate
 * table (or nested in one), or that of the catalog that lists the image.
 */
struct pe_sig {
	bool from_catalog;
	int depth;			/* 0: a certificate table entry's own; 1+: nested in it */
	char *digest_algo;		/* of the image digest it signs ("sha256"); NULL: catalog */
	char *digest;			/* that digest, hex; NULL: catalog */
	bool digest_matches;		/* ... is the image's own (a catalog lists the image) */
	bool sig_ok;			/* the signature checks out with the signer's certificate */
	bool malformed;
	char *error;
	struct kd_cert **chain;		/* the signer, then its issuers; none: signer not embedded */
	size_t nchain;
	bool anchored;			/* the chain reaches a certificate of anchor_db */
	const char *anchor_db;		/* "db", "MokListRT", "shim vendor certificate" */
	size_t anchor;			/* chain[anchor] is the anchor */
	/* its timestamp (a countersignature over the signature value) */
	const char *ts_kind;		/* "rfc3161", "legacy"; NULL: not timestamped */
	const char *ts_status;		/* "valid", "invalid", "malformed" */
	char *ts_reason;		/* why not valid */
	char *ts_time;			/* YYYY-MM-DDTHH:MM:SSZ, as the timestamp says */
	struct kd_cert *ts_signer;	/* the timestamp authority's certificate */
	struct kd_cert **ts_chain;	/* its issuers, nearest first */
	size_t nts_chain;
	/*
	 * The chain's validity periods, judged as Windows does (man kdetect(8)):
	 * at ts_time when the timestamp is valid, else at the scan's time.
	 * -1: not judged (UEFI ignores time: EFI images and kernels).
	 */
	int time_valid;
	const char *time_basis;		/* "timestamp", "scan time" */
	char *time_reason;
};

/* A PE image: an EFI binary on the ESP, a signed kernel, or a Windows driver. */
struct pe_rec {
	char *path;
	const char *kind;		/* "efi", "kernel", "driver", "pe" */
	uint64_t size;
	enum sig_status status;		/* valid: every signature checks out and vouches for the image */
	char *reason;
	char *authenticode_sha256;
	struct pe_sig *sigs;
	size_t nsigs;
	char *catalog;			/* the catalog that signs it, when one does */
	char *catalog_osattr;		/* its OSAttr: the member's own, else the catalog's; or NULL */
	int catalog_os_covered;		/* that OSAttr names the installation's Windows: 1, 0, -1 unknown */
	struct kvlist version;		/* VERSIONINFO strings: CompanyName, ... (one value each) */
	struct kvlist package;		/* in the driver store: its package and INF (folder, provider, ...) */
	struct strlist sbat;		/* the lines of its .sbat section (CSV: component,generation,...) */
	char *sbat_level;		/* on the ESP, under SbatLevelRT: why revoked, or that it is not */
	struct kd_cert *vendor_cert;	/* a shim's built-in vendor certificate */
	struct kvlist facts;		/* for the rules: pe.*, cert.* of every certificate involved */
	char *uefi;			/* what UEFI would decide, with the reason; NULL off the ESP */
};

struct boot_entry {
	char *name;			/* Boot0001 */
	char *description;
	char *path;
	bool current;
};

struct boot_state {
	bool efi;			/* sys/firmware/efi exists */
	int secure_boot;		/* -1 unknown */
	int setup_mode;
	bool mok_sb_state;		/* MokSBStateRT: shim validation off */
	bool mok_trusted;		/* MokListTrustedRT: MOK keys trusted for modules */
	bool mok_ignore_db;
	char *sbat_level;		/* SbatLevelRT, or NULL */
	struct kvlist databases;	/* variable -> "x509: subject", "sha256: hex", ... */
	struct boot_entry *entries;
	size_t nentries;
};

struct coverage {
	char *source;
	enum cov_status status;
	char *detail;
};

struct boot_keys;

struct scan_result {
	/* the run: the command line, when it started and ended (UTC), how long it took */
	struct strlist argv;
	struct timespec started, finished;
	uint64_t duration_ms;
	char *hostname;
	char *machine_id;		/* etc/machine-id of the root, as it reads */
	char *boot_id;			/* proc/sys/kernel/random/boot_id, where present */
	char *kernel_release;		/* running release, if known */
	char *root;
	bool offline;
	bool have_taint;
	unsigned long taint;
	struct coverage *cov;
	size_t ncov;
	struct trust_entry *trust;
	size_t ntrust;
	struct module_rec *mods;
	size_t nmods;
	struct finding *findings;
	size_t nfindings;
	struct finding_group *groups;	/* in the order of their first finding */
	size_t ngroups;
	struct loaded_module *loaded;
	size_t nloaded;
	struct kernel_key *keys;
	size_t nkeys;
	struct ruleset rules;
	char *rules_sha256;
	struct boot_state boot;
	struct boot_keys *boot_keys;	/* the key databases, read early for module trust */
	struct pe_rec *pes;
	size_t npes;
};

const char *sig_status_name(enum sig_status s);
const char *cov_status_name(enum cov_status s);
const char *trust_kind_name(enum trust_kind k);

/* What a source covered: ok, or why not (detail is taken; NULL for none). */
void add_cov(struct scan_result *res, const char *source, enum cov_status st, char *detail);
enum cov_status cov_from_errno(int r);
/*
 * The coverage of one walk: what it saw (what, taken), and every gap it left
 * (unreadable entries, directories too deep, the file budget), each of which
 * makes the scan incomplete.
 */
void add_walk_cov(struct scan_result *res, const char *source, const struct walk_stats *st,
		  char *what);
/* Record a certificate the host holds (takes c). */
struct trust_entry *add_trust_cert(struct scan_result *res, enum trust_kind kind, struct kd_cert *c,
				   const char *source, const char *uefi_var);
struct finding *add_finding(struct scan_result *res, const char *rule, enum severity sev,
			    const char *kind, const char *name, const char *path, char *summary);
/* Another rule matched the same subject: list it, and let the most severe one lead. */
void finding_also(struct finding *f, const struct rule *rule, enum severity sev);
/*
 * Add to a finding's evidence with the type its name has in the report: a
 * list gains a value it lacks; any other member keeps its first value.
 */
void evidence_add(struct kvlist *ev, const char *key, const char *value);
enum kv_type evidence_type(const char *key);

/* A module file's name without directory and .ko suffix ("kdt_x" of ".../kdt_x.ko.xz"). */
char *module_stem(const char *path);
/* Module names as the kernel compares them: '-' and '_' are the same. */
bool module_name_same(const char *a, const char *b);

void pe_sig_free(struct pe_sig *s);
bool scan_incomplete(const struct scan_result *res);
int scan_exit_status(const struct scan_result *res);
void findings_group_free(struct scan_result *res);
void scan_result_free(struct scan_result *res);
#endif
