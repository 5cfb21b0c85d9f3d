// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sbat.c - SBAT revocation. Both texts are CSV, one record a line; the first
 * two fields are a component name and its generation. shim compares every
 * component of the image with the level's record of the same name and refuses
 * the image when its generation is lower; a generation that is not a number
 * counts as 0, as in shim.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/sbat.h"
#include "core/util.h"

#define MAX_RECORDS 1024
#define MAX_NAME 128

struct record {
	char name[MAX_NAME];
	unsigned long gen;
};

static unsigned long generation(const char *s, size_t n)
{
	unsigned long v = 0;

	for (size_t i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > 1000000)
			break;		/* no real generation gets near; stop before overflow */
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v;
}

/* The (name, generation) records of a CSV text; at most MAX_RECORDS. */
static size_t records(const char *text, struct record *out)
{
	size_t n = 0;
	const char *line = text;

	while (*line && n < MAX_RECORDS) {
		const char *end = strchrnul(line, '\n');
		const char *c1 = memchr(line, ',', (size_t)(end - line)), *c2;

		if (c1 && c1 > line && (size_t)(c1 - line) < MAX_NAME) {
			c2 = memchr(c1 + 1, ',', (size_t)(end - c1 - 1));
			memcpy(out[n].name, line, (size_t)(c1 - line));
			out[n].name[c1 - line] = '\0';
			out[n].gen = generation(c1 + 1, (size_t)((c2 ? c2 : end) - c1 - 1));
			n++;
		}
		line = *end ? end + 1 : end;
	}
	return n;
}

char *sbat_revoked(const char *level, const char *image)
{
	struct record *lv = xcalloc(MAX_RECORDS, sizeof(*lv));
	struct record *im = xcalloc(MAX_RECORDS, sizeof(*im));
	size_t nl = records(level, lv), ni = records(image, im);
	char *why = NULL;

	for (size_t i = 0; i < ni && !why; i++)
		for (size_t k = 0; k < nl && !why; k++)
			if (!strcmp(im[i].name, lv[k].name) && im[i].gen < lv[k].gen)
				why = xasprintf("%s generation %lu is below %lu", im[i].name,
						im[i].gen, lv[k].gen);
	free(lv);
	free(im);
	return why;
}
