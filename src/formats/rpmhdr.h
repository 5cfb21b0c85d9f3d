/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpmhdr.h - one RPM header as rpm stores it in its database (no lead, no
 * magic): the package's name, version, vendor and file list.
 */
#ifndef KD_RPMHDR_H
#define KD_RPMHDR_H

#include <stddef.h>
#include <stdint.h>

/* rpm's own caps (hdrblob: il <= 0xffff, dl <= 256 MiB) */
#define RPMHDR_IL_MAX 0xffffu
#define RPMHDR_DL_MAX (256u << 20)

enum rpmhdr_tag {
	RPMTAG_NAME = 1000,
	RPMTAG_VERSION = 1001,
	RPMTAG_RELEASE = 1002,
	RPMTAG_EPOCH = 1003,
	RPMTAG_SUMMARY = 1004,
	RPMTAG_VENDOR = 1011,
	RPMTAG_PACKAGER = 1015,
	RPMTAG_URL = 1020,
	RPMTAG_ARCH = 1022,
	RPMTAG_OLDFILENAMES = 1027,
	RPMTAG_DIRINDEXES = 1116,
	RPMTAG_BASENAMES = 1117,
	RPMTAG_DIRNAMES = 1118,
};

struct rpmhdr_pkg {
	char *name, *version, *release, *summary, *vendor, *packager, *url, *arch;
	char *epoch;		/* decimal, or NULL when the header has none */
	char **files;		/* absolute paths, at most the max_files asked for */
	size_t nfiles;
	size_t files_dropped;	/* files the header lists beyond max_files */
};

/*
 * Parse blob[0..n): 0, or -1 with *reason (static) when the header is malformed.
 * A header without NAME is malformed. On error *out is left empty.
 */
int rpmhdr_parse(const uint8_t *blob, size_t n, size_t max_files, struct rpmhdr_pkg *out,
		 const char **reason);
void rpmhdr_free(struct rpmhdr_pkg *p);

#endif
