/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inf.h - a Windows setup information file (INF) read as data: the [Version]
 * fields, the files a driver package installs and the services it adds, with
 * %strkey% tokens resolved from [Strings]. Input is a buffer in UTF-16, UTF-8
 * or Windows-1252; every string out is UTF-8.
 */
#ifndef KD_INF_H
#define KD_INF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

#define INF_MAX_BYTES (8u << 20)	/* the largest INFs Windows ships (display drivers) are ~2 MiB */
#define INF_MAX_LINES 200000
#define INF_MAX_SECTIONS 8192
#define INF_MAX_LINE 65536		/* bytes of UTF-8 in one logical line, continuations joined */
#define INF_MAX_FIELDS 256		/* comma-separated values in one line */
#define INF_MAX_SERVICES 256
#define INF_MAX_FILES 4096

/* One AddService directive and what its service-install section says. */
struct inf_service {
	char *name;			/* AddService = name, flags, section */
	char *flags;
	char *section;
	char *service_type;		/* from the section; NULL when it does not say */
	char *start_type;
	char *error_control;
	char *binary;			/* ServiceBinary, as written: %12%\klif.sys */
	char *load_order_group;
	char *display_name;
};

struct inf_info {
	const char *encoding;		/* "utf-16le", "utf-16be", "utf-8", "windows-1252" */
	char *signature;		/* [Version] Signature: "$Windows NT$" */
	char *provider;
	char *class_name;		/* Class */
	char *class_guid;
	char *driver_date;		/* DriverVer = date, version */
	char *driver_version;
	struct kvlist catalogs;		/* CatalogFile[.decoration] = file, in order */
	struct strlist files;		/* SourceDisksFiles* keys, CopyFiles lists: once each, any case */
	struct inf_service *services;
	size_t nservices;
	size_t lines;			/* logical lines read */
	size_t sections;		/* distinct section names */
	size_t skipped;			/* lines too long, with NULs, bad headers, too many fields */
	size_t unterminated;		/* quoted strings the end of their line closed */
	size_t unresolved;		/* %strkey% tokens no [Strings] section defines */
	bool truncated;			/* over INF_MAX_LINES or INF_MAX_SECTIONS: the rest not read */
};

/*
 * Parse n bytes of an INF. Returns 0, or -1 with *reason (static text) when the
 * buffer is empty or over INF_MAX_BYTES; out is then empty but can be freed.
 */
int inf_parse(const uint8_t *p, size_t n, struct inf_info *out, const char **reason);
/*
 * The first service from index from on whose ServiceBinary names file (its
 * last path part, any case): its index, or -1.
 */
int inf_service_for(const struct inf_info *inf, const char *file, size_t from);
/* Does the package install file (any case)? */
bool inf_lists_file(const struct inf_info *inf, const char *file);
void inf_free(struct inf_info *inf);

#endif
