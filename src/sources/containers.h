/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * containers.h - container storage of the root (Docker overlay2, Podman/CRI-O
 * overlay and vfs, containerd's overlayfs snapshots): its layers, each with
 * the directory that holds its files and the images and containers it is part of.
 */
#ifndef KD_CONTAINERS_H
#define KD_CONTAINERS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/root.h"
#include "core/util.h"

#define CTR_LAYERS_MAX 4096	/* per storage; more is a gap */
#define CTR_IMAGES_MAX 4096
#define CTR_CHAIN_MAX 128	/* layers of one image (Docker allows 125) */

struct ctr_layer {
	char *id;
	char *parent;		/* NULL: a base layer */
	char *dir;		/* its files, relative to the root; NULL: none to walk */
	bool rw;		/* a container's read-write layer */
	struct strlist image_names, image_ids, ctr_names, ctr_ids;
};

struct ctr_storage {
	const char *kind;	/* "docker overlay2", "podman overlay", "podman vfs", "containerd overlayfs" */
	char *source;		/* "/var/lib/docker", for the report */
	struct ctr_layer *layers;	/* sorted by id */
	size_t nlayers;
	size_t nimages, ncontainers;
	struct strlist gaps;	/* what could not be read: each makes the scan incomplete */
	size_t gaps_dropped;	/* gaps past the ones listed */
	size_t no_dir;		/* layers without a content directory to walk */
	char *no_dir_first;	/* the first of them, with why */
	struct strlist notes;	/* what was not read by design, shown in coverage */
};

/* The container storages present in the root (none: *n = 0). */
void containers_read(const struct kd_root *root, struct ctr_storage **out, size_t *n);
void ctr_storages_free(struct ctr_storage *v, size_t n);

#endif
