/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rules.h - detection rules kept as data (the files under rules/) and their evaluation. */
#ifndef KD_RULES_H
#define KD_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

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
};

struct cond {
	bool is_group;
	bool any;			/* group: any-of, else all-of */
	struct cond *kids;
	size_t nkids;
	char *field;			/* leaf */
	enum match_op op;
	char *value;
};

struct rule {
	char *id;
	char *title;
	enum severity severity;
	struct strlist refs;
	struct cond match;
	char *origin;			/* file:line */
};

struct ruleset {
	struct rule *v;
	size_t n;
	struct strlist sources;		/* names of the files read */
};

/* Parse one rules file into rs; on error returns -1 and *err = "file:line:col: message". */
int rules_parse(struct ruleset *rs, const char *name, const char *text, size_t len, char **err);
/*
 * Does the rule hold for these facts (field -> value pairs; a field may repeat)?
 * The facts that satisfied its conditions are appended to *evidence.
 */
bool rule_match(const struct rule *r, const struct kvlist *facts, struct kvlist *evidence);
const char *severity_name(enum severity s);
void ruleset_free(struct ruleset *rs);

#endif
