/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output.h - where the report goes: standard output, or a file that is created
 * before the scan starts and replaces the previous report only when complete.
 */
#ifndef KD_OUTPUT_H
#define KD_OUTPUT_H

#include <stdio.h>

struct report_output {
	FILE *f;		/* where to write the report */
	char *path;		/* the report file, NULL for standard output */
	char *tmp;		/* the temporary file beside it, until committed; NULL for a
				 * device or FIFO, written in place */
};

/*
 * Prepare the report's destination: NULL or "-" is standard output; a device
 * or FIFO (or a symlink to one, such as /dev/stdout) is opened now and written
 * in place; any other path gets a temporary file in its directory now, so that
 * an unwritable target fails before a long scan. Returns 0, or -1 with *err
 * naming the file and why.
 */
int output_open(struct report_output *o, const char *path, char **err);
/*
 * Flush, fsync and rename the temporary file over the target. On any error the
 * previous report stays as it was. Returns 0, or -1 with *err.
 */
int output_commit(struct report_output *o, char **err);
/* Give up: remove the temporary file (the previous report is untouched). */
void output_abort(struct report_output *o);

#endif
