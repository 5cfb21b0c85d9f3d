/* SPDX-License-Identifier: GPL-2.0-or-later */
/* modfiles.h - a root's kernel module files: read, parsed, hashed, their signatures checked. */
#ifndef KD_MODFILES_H
#define KD_MODFILES_H

#include "core/root.h"
#include "core/util.h"
#include "store/result.h"

/* Module files to inspect: the path shown, the path to open, the release of each. */
struct modfile_list {
	struct strlist shown;
	struct strlist open_paths;	/* relative to the root, or a host path (inspect) */
	struct strlist releases_of;
};

/*
 * The releases under lib/modules and usr/lib/modules (sorted, into releases;
 * the directory holding each one's index files, relative to the root, at the
 * same place in release_dirs: lib/modules/<release> when both trees have it)
 * and the module files of each (appended to list); the coverage of each walk
 * goes to res. A directory both names reach (merged /usr) is walked once.
 */
void modfiles_find(const struct kd_root *root, struct scan_result *res, struct strlist *releases,
		   struct strlist *release_dirs, struct modfile_list *list);
/*
 * What one worker thread reuses from file to file: buffers and decoders, so
 * that reading thousands of modules allocates (and faults in) memory once.
 */
struct modfile_scratch;
struct modfile_scratch *modfile_scratch_new(void);
void modfile_scratch_free(struct modfile_scratch *sc);

/*
 * First phase: read the module file open on fd (or -errno: why it could not be
 * opened; fd is closed), shown as shown, of release (NULL outside a root),
 * with the worker's scratch sc:
 * modinfo, build-id, the signature parsed and the signed body hashed.
 */
void modfile_inspect(struct modfile_scratch *sc, struct module_rec *m, int fd,
		     const char *open_path, const char *shown, const char *release);
/*
 * The same for a module file held in memory: member (the file's name, for its
 * stem) of an initramfs image, shown as shown; sc may be NULL (scratch for
 * this call only).
 */
void modfile_inspect_buf(struct modfile_scratch *sc, struct module_rec *m, const uint8_t *buf,
			 size_t len, const char *member, const char *shown, const char *release);
/* Second phase, once the trust sources are in the store: check m's signature. */
void modfile_check_signature(const struct scan_result *res, struct module_rec *m);

#endif
