/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report.h - the text and JSON reports. */
#ifndef KD_REPORT_H
#define KD_REPORT_H

#include <stdio.h>

#include "store/result.h"

enum report_format {
	FORMAT_TEXT,
	FORMAT_JSON,
};

/*
 * Escape untrusted bytes: C-style \\ and \xHH for control bytes and invalid
 * UTF-8; strings longer than 1 KiB are cut, saying how much was left out.
 */
char *safe_string(const char *s);
void report_write(FILE *out, const struct scan_result *res, enum report_format fmt, int exit_status);

#endif
