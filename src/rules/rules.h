/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rules.h - detection rules kept as data (the files under rules/) and their evaluation. */
#ifndef KD_RULES_H
#define KD_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

enum severity {
	SEV_INFO,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL,
};

enum match_op {
	OP_EQUALS,	/* exact, case-sensitive */
	OP_CONTAINS,	/* case-insensitive substring */
	OP_GLOB,	/* fnmatch(3) pattern */
	OP_DIGEST,	/* hex digest; case and ':' separators ignored */
	OP_EXISTS,	/* host.path: the path exists in the root */
	OP_HEX,		/* file.bytes at OFFSET: these bytes */
	OP_IEQUALS,	/* exact, ignoring letter case as OP_CONTAINS does */
};

/* What a rule can be about; a rule's fields decide which kinds it applies to. */
enum subject_kind {
	KIND_MODULE = 1 << 0,
	KIND_CERT = 1 << 1,
	KIND_FILE = 1 << 2,
	KIND_PACKAGE = 1 << 3,
	KIND_SERVICE = 1 << 4,
	KIND_PROCESS = 1 << 5,
	KIND_PE = 1 << 6,
	KIND_BOOT = 1 << 7,
	KIND_PRODUCT = 1 << 8,	/* a Windows installation's products, vendor keys, driver packages */
	KIND_ALL = (1 << 9) - 1,
};

struct cond {
	bool is_group;
	bool any;			/* group: any-of, else all-of */
	struct cond *kids;
	size_t nkids;
	char *field;			/* leaf */
	enum match_op op;
	char *value;
	uint64_t arg;			/* file.bytes: offset; file.text: bytes to search */
	uint8_t *bytes;			/* OP_HEX: the decoded bytes */
	size_t nbytes;
	/* worked out once when parsed, not for every subject */
	uint32_t field_hash;		/* fact_key_hash(field) */
	size_t value_len;		/* strlen(value) */
	bool looked_up;			/* file.bytes, file.text, host.path: no listed fact */
};

struct rule {
	char *id;
	char *title;
	enum severity severity;
	struct strlist refs;
	struct cond match;
	unsigned kinds;			/* enum subject_kind bits it applies to */
	size_t content_needed;		/* bytes of a file's start its conditions read */
	char *origin;			/* file:line */
};

struct ruleset {
	struct rule *v;
	size_t n;
	struct strlist sources;		/* names of the files read */
};

/*
 * Load a rules file, or every *.rules file of a directory in name order, from
 * the host (not the inspected root). Their text is appended to *all (for the
 * rule set's digest) when all is not NULL. Returns 0, or -1 with *err.
 */
int rules_load_path(struct ruleset *rs, const char *path, struct strbuf *all, char **err);
/* Parse one rules file into rs; on error returns -1 and *err = "file:line:col: message". */
int rules_parse(struct ruleset *rs, const char *name, const char *text, size_t len, char **err);
/*
 * What a rule is evaluated against: facts (field -> value pairs; a field may
 * repeat) and, for file and host conditions, callbacks that read a file's first
 * bytes or test a path in the inspected root.
 */
struct subject {
	const struct kvlist *facts;
	/* the file's first n bytes (fewer if shorter); returns how many are in *p */
	size_t (*content)(void *ctx, size_t n, const uint8_t **p);
	void *content_ctx;
	bool (*path_exists)(void *ctx, const char *path);
	void *host_ctx;
	/*
	 * Optional: facts by key (fact_index_build() of facts), so that a condition
	 * visits only the facts of its field; without it, it compares every key.
	 */
	const struct fact_index *index;
};

#define FACT_NONE UINT32_MAX

/*
 * A subject's facts by the hash of their key: the first fact of each hash in
 * an open-addressing table, each fact chained to the next one with its hash,
 * in the order of the facts. Its arrays are kept from one build to the next.
 */
struct fact_index {
	uint32_t *hash;			/* fact_key_hash() of each fact's key */
	uint32_t *next;			/* the next fact with the same hash, or FACT_NONE */
	uint32_t *last;			/* of a chain's first fact: its last */
	uint32_t *slot;			/* a chain's first fact, or FACT_NONE */
	size_t nfacts, cap;		/* facts indexed, room in hash/next/last */
	size_t nslots;			/* in use: a power of two, at least twice nfacts */
	size_t slot_cap;
};

/* The hash of a fact's key the index uses (and a condition's field_hash). */
uint32_t fact_key_hash(const char *key);
/* Index facts (at most FACT_NONE - 1 of them), reusing ix's arrays; ix starts zeroed. */
void fact_index_build(struct fact_index *ix, const struct kvlist *facts);
void fact_index_free(struct fact_index *ix);

/* Does the rule hold? The facts that satisfied its conditions are appended to *evidence. */
bool rule_match_subject(const struct rule *r, const struct subject *s, struct kvlist *evidence);
/* The same with facts only: file content and host paths never match. */
bool rule_match(const struct rule *r, const struct kvlist *facts, struct kvlist *evidence);
/* Largest file prefix any rule of the set reads. */
size_t ruleset_content_needed(const struct ruleset *rs);
const char *severity_name(enum severity s);
void ruleset_free(struct ruleset *rs);

#endif
