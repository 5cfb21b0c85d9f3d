/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * modload.h - parsers of the files that say which modules load, with what,
 * or never: modprobe.d(5), modules-load.d(5), the kernel command line and the
 * boot loader files that carry one (GRUB, BLS entries, etc/default/grub).
 */
#ifndef KD_MODLOAD_H
#define KD_MODLOAD_H

#include <stdbool.h>
#include <stddef.h>

#define MODCONF_LINE_MAX 4096		/* a logical line longer than this is skipped */
#define MODCONF_ITEMS_MAX 10000		/* items kept per file */

enum modconf_format {
	MODCONF_MODPROBE,		/* modprobe.d: install, softdep, alias, options, ... */
	MODCONF_MODULES_LOAD,		/* modules-load.d, etc/modules: one name a line */
	MODCONF_CMDLINE,		/* proc/cmdline, etc/kernel/cmdline */
	MODCONF_GRUB_CFG,		/* boot/grub/grub.cfg: linux lines */
	MODCONF_GRUB_DEFAULT,		/* etc/default/grub: GRUB_CMDLINE_LINUX[_DEFAULT]= */
	MODCONF_BLS,			/* loader entries (*.conf): options lines */
};

/* One module named by a configuration line. */
struct modconf_item {
	char *directive;	/* install, softdep, alias, options, blacklist, remove, load,
				   softdep-pulled (a module a softdep line loads with its
				   own), or the command line parameter (modules-load, ...) */
	char *module;
	char *args;		/* the rest: an install command, options, the whole softdep */
	unsigned line;		/* first physical line, from 1 */
};

struct modconf_items {
	struct modconf_item *v;
	size_t n;
	size_t skipped;		/* lines too long, holding NUL bytes, or malformed */
	bool truncated;		/* more than MODCONF_ITEMS_MAX items */
};

/* Parse the bytes of one file, appending to out. */
void modconf_parse(enum modconf_format fmt, const char *p, size_t n, struct modconf_items *out);
/* Does the directive make the module load (at boot, or when it is asked for)? */
bool modconf_loads(const char *directive);
/* Is it a blacklist (a remnant: the module is kept from loading)? */
bool modconf_blacklists(const char *directive);
void modconf_items_free(struct modconf_items *items);

#endif
