/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * userland.h - what runs or is installed with administrative privileges outside
 * the kernel: packages, services, processes, and the files of install trees.
 * Each record is a list of facts for the rules (see kdetect.rules(5)).
 */
#ifndef KD_USERLAND_H
#define KD_USERLAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/root.h"
#include "core/util.h"

struct fact_set {
	struct kvlist *v;
	size_t n;
};

/* Append l, taking its contents (l is left empty). */
void fact_set_add(struct fact_set *fs, struct kvlist *l);
void fact_set_free(struct fact_set *fs);

/* dpkg's var/lib/dpkg/status: package.* facts. Returns 0 or -errno. */
int packages_read_dpkg(const struct kd_root *root, struct fact_set *out, size_t *bad);
int packages_parse_dpkg(const char *text, struct fact_set *out, size_t *bad);
/* An RPM database we cannot read (this build has no librpm): its path, or NULL. */
const char *packages_rpm_db(const struct kd_root *root);

/* systemd units and SysV init scripts: service.* facts. Returns the number of places read. */
int services_read(const struct kd_root *root, struct fact_set *out, struct strlist *places);
/* The program of an ExecStart= value, without systemd's prefixes ("-@+!:"), or NULL. */
char *services_exec_path(const char *value);

/* proc/<pid>/: process.* facts. Returns 0 or -errno. */
int processes_read(const struct kd_root *root, struct fact_set *out, size_t *hidden_root);

/*
 * Walk a directory of the root (never through a symlink), calling fn for each
 * regular file with its absolute path in the root, its name, size, and the
 * directory descriptor it lies in. Bounded by depth and by *budget files.
 */
struct walk_stats {
	size_t files;
	size_t dirs;
	size_t unreadable;	/* entries that could not be examined or opened */
	size_t denied;		/* of those, refused for lack of permission */
	size_t too_deep;	/* directories nested deeper than the walk goes */
	bool truncated;		/* the file budget ran out */
};

#define WALK_DEPTH 24

/* Directories already walked, shared by the walks of one scan. */
struct walk_seen {
	struct {
		bool used;
		dev_t dev;
		ino_t ino;
	} *slots;
	size_t n;
	size_t cap;
};

typedef void (*file_fn)(const char *path, const char *name, uint64_t size, int dirfd, void *ctx);
int files_walk(const struct kd_root *root, const char *dir, struct walk_seen *seen, size_t *budget,
	       struct walk_stats *st, file_fn fn, void *ctx);
void walk_seen_free(struct walk_seen *s);

#endif
