/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options.h - what the command line asks of a scan (main.c fills it in). */
#ifndef KD_OPTIONS_H
#define KD_OPTIONS_H

#include "core/util.h"

struct scan_options {
	const char *root;		/* NULL: live host */
	struct strlist certs;		/* --cert */
	struct strlist rules;		/* --rules: replace the built-in rule set */
	struct strlist rules_add;	/* --rules-add: extend it */
	struct strlist paths;		/* --path: more places for the file rules */
	struct strlist windows;		/* --windows: Windows installations to inspect */
	int jobs;
	char *const *argv;		/* the command line, NULL-terminated, for the report */
};

#endif
