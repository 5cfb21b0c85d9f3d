/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * catroot.h - the catalogs of a Windows installation (System32/CatRoot, and the
 * driver store's packages), read for the drivers that carry no signature of their own.
 */
#ifndef KD_BOOT_CATROOT_H
#define KD_BOOT_CATROOT_H

#include <stddef.h>

#include "crypto/catalog.h"
#include "formats/pe.h"
#include "core/root.h"

/* A catalog that lists one of the digests we looked for. */
struct cat_entry {
	char *path;			/* in the root, with a leading '/' */
	struct cat_result res;
};

struct catroot {
	struct cat_want *wants;		/* sha1 and sha256 of every unsigned driver */
	size_t nwants;
	size_t *found;			/* per want: 1 + index in cats of a catalog that lists it */
	struct cat_entry *cats;
	size_t ncats;
	size_t read, bad, members;	/* catalogs read, unparseable, members seen */
};

/* Add the Authenticode digests of a PE image with no signature of its own. */
void catroot_want(struct catroot *c, const struct pe_image *pe);
/*
 * Read the catalogs below system32/CatRoot (system32 as found, any case) for
 * the digests wanted. Returns 0, or -errno when there is no CatRoot.
 */
int catroot_load(struct catroot *c, const struct kd_root *root, const char *system32);
/*
 * The same for the catalogs of the driver packages below store
 * (System32/DriverStore/FileRepository/<package>/NAME.cat). Returns 0 or -errno.
 */
int catroot_load_packages(struct catroot *c, const struct kd_root *root, const char *store);
/* The catalog that lists the image's digest, or NULL. */
const struct cat_entry *catroot_lookup(const struct catroot *c, const struct pe_image *pe);
/* What a kvlist of e's result (member_osattr, bad_tags) says about the image's digest, or NULL. */
const char *catroot_member(const struct cat_entry *e, const struct kvlist *l,
			   const struct pe_image *pe);
void catroot_free(struct catroot *c);

#endif
