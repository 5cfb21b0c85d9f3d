/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dkmsconf.h - a dkms.conf read as data: the shell assignments DKMS sources
 * (PACKAGE_NAME="x", BUILT_MODULE_NAME[0]=y), never run, nothing expanded.
 */
#ifndef KD_DKMSCONF_H
#define KD_DKMSCONF_H

#include <stddef.h>

#include "core/util.h"

#define DKMSCONF_MODULES_MAX 64

struct dkms_conf {
	char *package;			/* PACKAGE_NAME */
	char *version;			/* PACKAGE_VERSION */
	char *autoinstall;		/* AUTOINSTALL */
	struct strlist modules;		/* BUILT_MODULE_NAME[n], in index order */
	struct strlist locations;	/* DEST_MODULE_LOCATION[n], same order ("" when unset) */
	unsigned package_line;		/* where PACKAGE_NAME is, from 1; 0: not there */
	size_t skipped;			/* lines too long, with NUL bytes, or indices out of range */
};

void dkmsconf_parse(const char *p, size_t n, struct dkms_conf *out);
void dkmsconf_free(struct dkms_conf *c);

#endif
