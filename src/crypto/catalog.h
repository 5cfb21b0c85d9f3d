/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * catalog.h - Windows catalog files (.cat): a signed list of file digests that
 * vouches for files carrying no signature of their own, as most Windows
 * drivers are signed. No OpenSSL types here.
 */
#ifndef KD_CATALOG_H
#define KD_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/authenticode.h"

/* A digest to look for: a file's Authenticode digest with one algorithm. */
struct cat_want {
	const char *algo;		/* "sha1", "sha256" */
	uint8_t digest[64];
	unsigned int len;
};

struct cat_result {
	size_t members;			/* members listed */
	size_t matches;			/* wants found among them */
	struct ac_sig sig;		/* the catalog's signature; checked only when matches */
	char *osattr;			/* the catalog's own OSAttr attribute ("2:6.1,2:10.0"), or NULL */
	struct kvlist member_osattr;	/* digest hex -> the OSAttr of a matched member, where it has one */
	/*
	 * digest hex -> the tag of a matched member whose tag is hash text naming
	 * another digest: Windows finds a member by its tag, the hex of the
	 * file's digest, so such a member vouches for nothing.
	 */
	struct kvlist bad_tags;
};

/*
 * Parse catalog p[0..n): set matched[i] for every wants[i] whose digest a
 * member lists (SPC_INDIRECT_DATA), and when any is, check the catalog's
 * signature into out->sig. Returns 0, or -1 with *err when p is not a catalog.
 */
int catalog_check(const uint8_t *p, size_t n, const struct cat_want *wants, size_t nwants,
		  bool *matched, struct cat_result *out, char **err);
void cat_result_free(struct cat_result *r);

/*
 * Does an OSAttr value ("2:5.1,2:6.0,2:10.0": platform 2, Windows NT, and
 * major.minor versions) name Windows major.minor? NULL or malformed: false.
 */
bool cat_osattr_covers(const char *osattr, unsigned major, unsigned minor);

#endif
