/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scan.h - one run of kdetect: the collectors run, joined, and the rules applied. */
#ifndef KD_SCAN_H
#define KD_SCAN_H

#include <stddef.h>

#include "core/util.h"
#include "rules/rules.h"
#include "scan/options.h"
#include "store/result.h"

/*
 * Load the rule set: the one compiled into the binary unless files replace it,
 * plus the files that extend it. *sha256 covers every rule text read, in order.
 * Returns 0, or -1 with *err.
 */
int scan_load_rules(struct ruleset *rs, const struct strlist *replace, const struct strlist *add,
		    char **sha256, char **err);

/* Run a scan. Returns 0, or -1 with *err for errors that stop it (bad --root). */
int scan_run(const struct scan_options *opt, struct scan_result *res, char **err);
/* Inspect module files given by path (outside any root). */
int scan_inspect_files(const struct scan_options *opt, char **files, size_t nfiles,
		       struct scan_result *res, char **err);

#endif
