// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * containers.c - the container storage of the root, read from the metadata
 * the engines write (JSON, through formats/json.c), never by running them:
 *
 *  - Docker, overlay2 driver (var/lib/docker): image/overlay2/repositories.json
 *    (names -> image id), imagedb/content/sha256/<id> (config: rootfs.diff_ids),
 *    layerdb/sha256/<chain id>/{diff,cache-id,parent} -> overlay2/<cache-id>/diff,
 *    containers/<id>/config.v2.json and layerdb/mounts/<id>/{mount-id,parent};
 *  - Podman and CRI-O (containers/storage, var/lib/containers/storage), overlay
 *    and vfs drivers: <driver>-images/images.json, <driver>-layers/layers.json,
 *    <driver>-containers/containers.json; files in overlay/<id>/diff or vfs/dir/<id>;
 *  - containerd (var/lib/containerd), overlayfs snapshotter (bbolt databases,
 *    through formats/bbolt.c): io.containerd.snapshotter.v1.overlayfs/metadata.db
 *    v1/snapshots/<key>/{id,parent} names snapshots/<id>/fs by its key;
 *    io.containerd.metadata.v1.bolt/meta.db v1/<namespace>/ has images/<name>/
 *    target/digest, containers/<id>/{image,snapshotKey}, snapshots/overlayfs/<key>/
 *    name (the snapshotter's key) and content/blob/<digest>/labels, whose gc
 *    labels lead from a manifest to its config and from that to its top snapshot.
 *
 * Every id that becomes a path component is checked to be one plain name, and
 * a layer's directory must be a real directory (not a symlink) where the
 * storage keeps it, so no layer leads elsewhere in the root.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/containers.h"
#include "formats/bbolt.h"
#include "formats/json.h"
#include "core/util.h"

#define META_CAP (64u << 20)	/* images.json, layers.json of a large host */
#define SMALL_CAP (4u << 20)	/* one image config, one container config */
#define ID_CAP 256
#define NAME_CAP 1024
#define NAMES_PER_THING 64
#define KD_STR_(x) #x
#define KD_STR(x) KD_STR_(x)

struct ctr_image {
	char *id;
	char *top;		/* its top layer */
	struct strlist names;
};

struct ctr_ctr {
	char *id;
	char *name;
	char *image;		/* image id */
	char *image_name;	/* as the container was created from */
	char *layer;		/* its read-write layer */
};

struct reader {
	const struct kd_root *root;
	struct ctr_storage *s;
	struct ctr_image *images;
	size_t nimages;
	struct ctr_ctr *ctrs;
	size_t nctrs;
};

static void gap(struct ctr_storage *s, char *what)
{
	if (s->gaps.n < 32) {
		sl_push(&s->gaps, what);
		return;
	}
	s->gaps_dropped++;
	free(what);
}

/* A gap that many items can hit (a cap, a database): said once (takes what). */
static void gap_once(struct ctr_storage *s, char *what)
{
	if (sl_contains(&s->gaps, what))
		free(what);
	else
		gap(s, what);
}

/* A layer whose files are not where the storage keeps them: counted, the first named. */
static void no_dir(struct ctr_storage *s, char *what)
{
	if (!s->no_dir++)
		s->no_dir_first = what;
	else
		free(what);
}

/* One plain path component: no slash, not "." or "..", not empty, not too long. */
static bool plain_name(const char *s)
{
	size_t n = strlen(s);

	return n && n <= ID_CAP && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

/* A directory of the storage that is really one (not a symlink to elsewhere). */
static bool real_dir(const struct kd_root *root, const char *rel)
{
	struct stat st;

	return root_stat(root, rel, 0, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Read a small text file holding one line (an id); NULL when absent or odd. */
static char *read_line(const struct kd_root *root, const char *rel)
{
	char *buf;
	size_t len;

	if (root_read_file(root, rel, ID_CAP + 80, &buf, &len))
		return NULL;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = 0;
	if (!len || memchr(buf, 0, len) || strchr(buf, '\n')) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Read and check one JSON file; on failure a gap names it and why. */
static bool read_json(struct reader *rd, const char *rel, size_t cap, char **buf, size_t *len,
		      bool missing_ok)
{
	const char *why;
	int r = root_read_file(rd->root, rel, cap, buf, len);

	if (r) {
		if (!(missing_ok && r == -ENOENT))
			gap(rd->s, xasprintf("/%s: %s", rel,
					     r == -EFBIG ? "larger than the cap" : strerror(-r)));
		return false;
	}
	if (!json_valid((const uint8_t *)*buf, *len, &why)) {
		gap(rd->s, xasprintf("/%s: not read: JSON %s", rel, why));
		free(*buf);
		return false;
	}
	return true;
}

static char *get_string(struct cursor obj, const char *key, size_t cap)
{
	struct cursor v;

	return json_get(obj, key, &v) ? json_string(v, cap) : NULL;
}

static void get_names(struct cursor obj, const char *key, struct strlist *out)
{
	struct json_iter it;
	struct cursor k, v;

	if (!json_get(obj, key, &v) || !json_enter(v, &it))
		return;
	while (out->n < NAMES_PER_THING && json_next(&it, &k, &v)) {
		char *s = json_string(v, NAME_CAP);

		if (s)
			sl_push(out, s);
	}
}

static struct ctr_layer *add_layer(struct reader *rd, char *id, char *parent, char *dir)
{
	struct ctr_storage *s = rd->s;
	struct ctr_layer *l;

	if (s->nlayers == CTR_LAYERS_MAX) {
		gap_once(s, xstrdup("layers past the cap of " KD_STR(CTR_LAYERS_MAX) " not read"));
		free(id);
		free(parent);
		free(dir);
		return NULL;
	}
	s->layers = xreallocarray(s->layers, s->nlayers + 1, sizeof(*s->layers));
	l = &s->layers[s->nlayers++];
	memset(l, 0, sizeof(*l));
	l->id = id;
	l->parent = parent;
	l->dir = dir;
	return l;
}

static int layer_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ctr_layer *)a)->id, ((const struct ctr_layer *)b)->id);
}

static struct ctr_layer *find_layer(struct ctr_storage *s, const char *id)
{
	struct ctr_layer key = { .id = (char *)id };

	return id ? bsearch(&key, s->layers, s->nlayers, sizeof(*s->layers), layer_cmp) : NULL;
}

/* Give every layer of a chain (from top down) the names of what it belongs to. */
static void attribute(struct reader *rd, const char *top, const char *what,
		      const struct strlist *img_names, const char *img_id, const char *ctr_name,
		      const char *ctr_id)
{
	struct ctr_layer *l = find_layer(rd->s, top);
	size_t steps = 0;

	if (top && !l) {
		gap(rd->s, xasprintf("%s: its layer %s is not in the layer store", what, top));
		return;
	}
	for (; l; l = find_layer(rd->s, l->parent)) {
		if (++steps > CTR_CHAIN_MAX) {
			gap(rd->s, xasprintf("%s: layer chain longer than %d (or a loop); the rest "
					     "not attributed", what, CTR_CHAIN_MAX));
			return;
		}
		for (size_t i = 0; img_names && i < img_names->n; i++)
			if (l->image_names.n < NAMES_PER_THING && !sl_contains(&l->image_names, img_names->v[i]))
				sl_push(&l->image_names, xstrdup(img_names->v[i]));
		if (img_id && l->image_ids.n < NAMES_PER_THING && !sl_contains(&l->image_ids, img_id))
			sl_push(&l->image_ids, xstrdup(img_id));
		if (ctr_name && l->ctr_names.n < NAMES_PER_THING && !sl_contains(&l->ctr_names, ctr_name))
			sl_push(&l->ctr_names, xstrdup(ctr_name));
		if (ctr_id && l->ctr_ids.n < NAMES_PER_THING && !sl_contains(&l->ctr_ids, ctr_id))
			sl_push(&l->ctr_ids, xstrdup(ctr_id));
		if (l->parent && !find_layer(rd->s, l->parent))
			gap(rd->s, xasprintf("layer %s: its parent %s is not in the layer store",
					     l->id, l->parent));
	}
}

static struct ctr_image *image_by_id(struct reader *rd, const char *id)
{
	for (size_t i = 0; id && i < rd->nimages; i++)
		if (!strcmp(rd->images[i].id, id))
			return &rd->images[i];
	return NULL;
}

static void resolve(struct reader *rd)
{
	struct ctr_storage *s = rd->s;

	qsort(s->layers, s->nlayers, sizeof(*s->layers), layer_cmp);
	for (size_t i = 0; i + 1 < s->nlayers; i++)
		if (!strcmp(s->layers[i].id, s->layers[i + 1].id))
			gap(s, xasprintf("layer %s listed twice", s->layers[i].id));
	for (size_t i = 0; i < rd->nimages; i++) {
		struct ctr_image *im = &rd->images[i];
		char *what = xasprintf("image %s", im->id);

		attribute(rd, im->top, what, &im->names, im->id, NULL, NULL);
		free(what);
	}
	for (size_t i = 0; i < rd->nctrs; i++) {
		struct ctr_ctr *c = &rd->ctrs[i];
		struct ctr_image *im = image_by_id(rd, c->image);
		struct strlist names = { 0 };
		char *what = xasprintf("container %s", c->id);

		if (im)
			for (size_t k = 0; k < im->names.n; k++)
				sl_push(&names, xstrdup(im->names.v[k]));
		if (c->image_name && !sl_contains(&names, c->image_name))
			sl_push(&names, xstrdup(c->image_name));
		attribute(rd, c->layer, what, &names, c->image, c->name, c->id);
		sl_free(&names);
		free(what);
	}
	s->nimages = rd->nimages;
	s->ncontainers = rd->nctrs;
	for (size_t i = 0; i < rd->nimages; i++) {
		free(rd->images[i].id);
		free(rd->images[i].top);
		sl_free(&rd->images[i].names);
	}
	for (size_t i = 0; i < rd->nctrs; i++) {
		free(rd->ctrs[i].id);
		free(rd->ctrs[i].name);
		free(rd->ctrs[i].image);
		free(rd->ctrs[i].image_name);
		free(rd->ctrs[i].layer);
	}
	free(rd->images);
	free(rd->ctrs);
	rd->images = NULL;
	rd->ctrs = NULL;
	rd->nimages = rd->nctrs = 0;
}

static struct ctr_image *add_image(struct reader *rd, char *id, char *top)
{
	struct ctr_image *im;

	if (rd->nimages == CTR_IMAGES_MAX) {
		gap_once(rd->s, xstrdup("images past the cap of " KD_STR(CTR_IMAGES_MAX) " not read"));
		free(id);
		free(top);
		return NULL;
	}
	rd->images = xreallocarray(rd->images, rd->nimages + 1, sizeof(*rd->images));
	im = &rd->images[rd->nimages++];
	memset(im, 0, sizeof(*im));
	im->id = id;
	im->top = top;
	return im;
}

static void add_ctr(struct reader *rd, char *id, char *name, char *image, char *image_name,
		    char *layer)
{
	if (rd->nctrs == CTR_IMAGES_MAX) {
		gap_once(rd->s, xstrdup("containers past the cap of " KD_STR(CTR_IMAGES_MAX) " not read"));
		free(id), free(name), free(image), free(image_name), free(layer);
		return;
	}
	rd->ctrs = xreallocarray(rd->ctrs, rd->nctrs + 1, sizeof(*rd->ctrs));
	rd->ctrs[rd->nctrs++] = (struct ctr_ctr){ id, name, image, image_name, layer };
}

/* ---- containers/storage (Podman, CRI-O) ---- */

static char *cs_layer_dir(struct reader *rd, const char *base, const char *driver, const char *id)
{
	char *dir, *parent;

	if (!plain_name(id))
		return NULL;
	if (!strcmp(driver, "vfs")) {
		dir = xasprintf("%s/vfs/dir/%s", base, id);
		if (real_dir(rd->root, dir))
			return dir;
		free(dir);
		return NULL;
	}
	parent = xasprintf("%s/overlay/%s", base, id);
	dir = xasprintf("%s/diff", parent);
	if (real_dir(rd->root, parent) && real_dir(rd->root, dir)) {
		free(parent);
		return dir;
	}
	free(parent);
	free(dir);
	return NULL;
}

static void read_cs(struct reader *rd, const char *base, const char *driver)
{
	char *rel, *buf;
	size_t len;
	struct json_iter it;
	struct cursor k, v, doc;

	rel = xasprintf("%s/%s-layers/layers.json", base, driver);
	if (read_json(rd, rel, META_CAP, &buf, &len, true)) {
		doc = cur_init(buf, len);
		if (json_enter(doc, &it)) {
			while (json_next(&it, &k, &v)) {
				char *id = get_string(v, "id", ID_CAP), *dir;
				struct ctr_layer *l;

				if (!id) {
					gap(rd->s, xasprintf("/%s: a layer without a readable id", rel));
					continue;
				}
				dir = rd->s->nlayers < CTR_LAYERS_MAX ? cs_layer_dir(rd, base, driver, id) : NULL;
				l = add_layer(rd, id, get_string(v, "parent", ID_CAP), dir);
				if (l && !dir)
					no_dir(rd->s, xasprintf("layer %s: no content directory (or "
								"not a real directory)", l->id));
			}
			if (it.bad)
				gap(rd->s, xasprintf("/%s: unreadable entries", rel));
		}
		free(buf);
	}
	free(rel);
	rel = xasprintf("%s/%s-images/images.json", base, driver);
	if (read_json(rd, rel, META_CAP, &buf, &len, true)) {
		doc = cur_init(buf, len);
		if (json_enter(doc, &it)) {
			while (json_next(&it, &k, &v)) {
				char *id = get_string(v, "id", ID_CAP);
				struct ctr_image *im;

				if (!id) {
					gap(rd->s, xasprintf("/%s: an image without a readable id", rel));
					continue;
				}
				im = add_image(rd, id, get_string(v, "layer", ID_CAP));
				if (im)
					get_names(v, "names", &im->names);
			}
		}
		free(buf);
	}
	free(rel);
	rel = xasprintf("%s/%s-containers/containers.json", base, driver);
	if (read_json(rd, rel, META_CAP, &buf, &len, true)) {
		doc = cur_init(buf, len);
		if (json_enter(doc, &it)) {
			while (json_next(&it, &k, &v)) {
				struct strlist names = { 0 };
				char *id = get_string(v, "id", ID_CAP), *name = NULL;

				if (!id) {
					gap(rd->s, xasprintf("/%s: a container without a readable id", rel));
					continue;
				}
				get_names(v, "names", &names);
				if (names.n)
					name = xstrdup(names.v[0]);
				sl_free(&names);
				add_ctr(rd, id, name, get_string(v, "image", ID_CAP), NULL,
					get_string(v, "layer", ID_CAP));
			}
		}
		free(buf);
	}
	free(rel);
}

/* ---- Docker, overlay2 ---- */

#define D "var/lib/docker"
#define DIO D "/image/overlay2"

static char *docker_content_dir(struct reader *rd, const char *cache_id)
{
	char *parent, *dir;

	if (!cache_id || !plain_name(cache_id))
		return NULL;
	parent = xasprintf(D "/overlay2/%s", cache_id);
	dir = xasprintf("%s/diff", parent);
	if (real_dir(rd->root, parent) && real_dir(rd->root, dir)) {
		free(parent);
		return dir;
	}
	free(parent);
	free(dir);
	return NULL;
}

/* A layer's (parent, diff id), to find an image's chain from its diff_ids. */
struct diff_key {
	const char *parent;	/* "" for a base layer */
	const char *diff;
	const char *id;
};

static int diff_cmp(const void *a, const void *b)
{
	const struct diff_key *x = a, *y = b;
	int c = strcmp(x->parent, y->parent);

	return c ? c : strcmp(x->diff, y->diff);
}

static void read_docker_layers(struct reader *rd, struct strlist *diffs)
{
	struct strlist ids = { 0 };
	int r = root_list_dir(rd->root, DIO "/layerdb/sha256", false, CTR_LAYERS_MAX, &ids);

	if (r < 0 && r != -ENOENT)
		gap(rd->s, xasprintf("/" DIO "/layerdb/sha256: %s", strerror(-r)));
	if (r == 1)
		gap(rd->s, xstrdup("layers past the cap of " KD_STR(CTR_LAYERS_MAX) " not read"));
	for (size_t i = 0; i < ids.n; i++) {
		char *base, *f, *cache, *parent, *diff, *dir;

		if (!plain_name(ids.v[i]))
			continue;
		base = xasprintf(DIO "/layerdb/sha256/%s", ids.v[i]);
		f = xasprintf("%s/cache-id", base);
		cache = read_line(rd->root, f);
		free(f);
		f = xasprintf("%s/parent", base);
		parent = read_line(rd->root, f);
		free(f);
		f = xasprintf("%s/diff", base);
		diff = read_line(rd->root, f);
		free(f);
		dir = docker_content_dir(rd, cache);
		if (!dir)
			no_dir(rd->s, xasprintf("layer sha256:%s: no content directory (cache-id "
						"%s, or not a real directory)", ids.v[i],
						cache ? cache : "unreadable"));
		if (add_layer(rd, xasprintf("sha256:%s", ids.v[i]), parent, dir))
			sl_push(diffs, diff ? diff : xstrdup(""));
		else
			free(diff);
		free(cache);
		free(base);
	}
	sl_free(&ids);
}

/* The top layer of an image: follow its diff_ids through the layers' (parent, diff). */
static char *docker_top(struct diff_key *keys, size_t nkeys, struct cursor cfg)
{
	struct cursor rootfs, ids, k, v;
	struct json_iter it;
	char *parent = xstrdup(""), *top = NULL;
	size_t n = 0;

	if (!json_get(cfg, "rootfs", &rootfs) || !json_get(rootfs, "diff_ids", &ids) ||
	    !json_enter(ids, &it)) {
		free(parent);
		return NULL;
	}
	while (json_next(&it, &k, &v)) {
		char *diff = json_string(v, ID_CAP);
		struct diff_key key = { parent, diff ? diff : "", NULL }, *hit;

		hit = diff && ++n <= CTR_CHAIN_MAX ?
			      bsearch(&key, keys, nkeys, sizeof(*keys), diff_cmp) : NULL;
		free(diff);
		free(parent);
		if (!hit) {
			free(top);
			return NULL;
		}
		free(top);
		top = xstrdup(hit->id);
		parent = xstrdup(hit->id);
	}
	free(parent);
	return top;
}

static void read_docker(struct reader *rd)
{
	struct strlist diffs = { 0 }, ids = { 0 };
	struct diff_key *keys;
	struct cursor repos_doc = { 0 }, repos, k, v;
	char *repos_buf = NULL;
	size_t len;
	bool have_repos = false;
	int r;

	read_docker_layers(rd, &diffs);
	/* layers were added in the order of diffs; index them before sorting by id */
	keys = xcalloc(rd->s->nlayers + 1, sizeof(*keys));
	for (size_t i = 0; i < rd->s->nlayers; i++)
		keys[i] = (struct diff_key){ rd->s->layers[i].parent ? rd->s->layers[i].parent : "",
					     diffs.v[i], rd->s->layers[i].id };
	qsort(keys, rd->s->nlayers, sizeof(*keys), diff_cmp);

	if (read_json(rd, DIO "/repositories.json", META_CAP, &repos_buf, &len, true)) {
		repos_doc = cur_init(repos_buf, len);
		have_repos = json_get(repos_doc, "Repositories", &repos);
	}
	r = root_list_dir(rd->root, DIO "/imagedb/content/sha256", false, CTR_IMAGES_MAX, &ids);
	if (r < 0 && r != -ENOENT)
		gap(rd->s, xasprintf("/" DIO "/imagedb/content/sha256: %s", strerror(-r)));
	if (r == 1)
		gap(rd->s, xstrdup("images past the cap of " KD_STR(CTR_IMAGES_MAX) " not read"));
	for (size_t i = 0; i < ids.n; i++) {
		char *rel, *buf, *id;
		struct ctr_image *im;
		struct json_iter repo_it, tag_it;
		struct cursor cfg, tk, tv;

		if (!plain_name(ids.v[i]))
			continue;
		rel = xasprintf(DIO "/imagedb/content/sha256/%s", ids.v[i]);
		if (!read_json(rd, rel, SMALL_CAP, &buf, &len, false)) {
			free(rel);
			continue;
		}
		cfg = cur_init(buf, len);
		id = xasprintf("sha256:%s", ids.v[i]);
		im = add_image(rd, id, docker_top(keys, rd->s->nlayers, cfg));
		if (im && !im->top)
			gap(rd->s, xasprintf("image %s: its rootfs.diff_ids lead to no chain of "
					     "layers in layerdb", im->id));
		/* names: the "repo:tag" keys of repositories.json that point at the image */
		if (im && have_repos && json_enter(repos, &repo_it)) {
			while (json_next(&repo_it, &k, &v)) {
				if (!json_enter(v, &tag_it))
					continue;
				while (im->names.n < NAMES_PER_THING && json_next(&tag_it, &tk, &tv)) {
					char *name = json_string(tk, NAME_CAP);

					if (name && !strchr(name, '@') && json_string_is(tv, im->id))
						sl_push(&im->names, name);
					else
						free(name);
				}
			}
		}
		free(buf);
		free(rel);
	}
	sl_free(&ids);
	free(repos_buf);
	free(keys);
	sl_free(&diffs);

	/* containers, each with its read-write layer */
	r = root_list_dir(rd->root, D "/containers", false, CTR_IMAGES_MAX, &ids);
	if (r < 0 && r != -ENOENT)
		gap(rd->s, xasprintf("/" D "/containers: %s", strerror(-r)));
	if (r == 1)
		gap(rd->s, xstrdup("containers past the cap of " KD_STR(CTR_IMAGES_MAX) " not read"));
	for (size_t i = 0; i < ids.n; i++) {
		char *rel, *buf, *name, *f, *mount, *parent, *layer_id;
		struct cursor cfg, conf;

		if (!plain_name(ids.v[i]))
			continue;
		rel = xasprintf(D "/containers/%s/config.v2.json", ids.v[i]);
		if (!read_json(rd, rel, SMALL_CAP, &buf, &len, false)) {
			free(rel);
			continue;
		}
		cfg = cur_init(buf, len);
		name = get_string(cfg, "Name", NAME_CAP);
		if (name && name[0] == '/')
			memmove(name, name + 1, strlen(name));
		f = xasprintf(DIO "/layerdb/mounts/%s/mount-id", ids.v[i]);
		mount = read_line(rd->root, f);
		free(f);
		f = xasprintf(DIO "/layerdb/mounts/%s/parent", ids.v[i]);
		parent = read_line(rd->root, f);
		free(f);
		layer_id = xasprintf("container:%s", ids.v[i]);
		{
			char *dir = docker_content_dir(rd, mount);
			struct ctr_layer *l;

			if (!dir)
				no_dir(rd->s, xasprintf("container %s: no read-write layer "
							"directory (mount-id %s)", ids.v[i],
							mount ? mount : "unreadable"));
			l = add_layer(rd, xstrdup(layer_id), parent, dir);
			if (l)
				l->rw = true;
		}
		add_ctr(rd, xstrdup(ids.v[i]), name, get_string(cfg, "Image", ID_CAP),
			json_get(cfg, "Config", &conf) ? get_string(conf, "Image", NAME_CAP) : NULL,
			layer_id);
		free(mount);
		free(buf);
		free(rel);
	}
	sl_free(&ids);
}

/* ---- containerd ---- */

#define CD "var/lib/containerd"
#define CD_OVL CD "/io.containerd.snapshotter.v1.overlayfs"
#define CD_SNAP CD_OVL "/snapshots"
#define CD_SNAPDB CD_OVL "/metadata.db"
#define CD_METADB CD "/io.containerd.metadata.v1.bolt/meta.db"
#define CD_NAMESPACES_MAX 256
#define CD_INDEX_MAX 64		/* platform manifests of one image index */

struct cd_io {
	int fd;
};

static int cd_pread(void *io, uint64_t off, void *buf, size_t n)
{
	struct cd_io *f = io;
	size_t done = 0;

	while (done < n) {
		ssize_t r = pread(f->fd, (uint8_t *)buf + done, n - done, (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		done += (size_t)r;
	}
	return 0;
}

/* Open the bbolt file rel: 0, 1 (absent), -1 (a gap said why). */
static int cd_open(struct reader *rd, const char *rel, const char *unnamed, struct cd_io *io,
		   struct bbolt_db *db)
{
	struct stat st;

	io->fd = root_openat(rd->root, rel, ROOT_FOLLOW);
	if (io->fd == -ENOENT)
		return 1;
	if (io->fd < 0) {
		gap(rd->s, xasprintf("/%s: %s; %s", rel, strerror(-io->fd), unnamed));
		return -1;
	}
	memset(db, 0, sizeof(*db));
	db->read = cd_pread;
	db->io = io;
	if (fstat(io->fd, &st) == 0 && S_ISREG(st.st_mode))
		db->size = (uint64_t)st.st_size;
	if (bbolt_open(db)) {
		gap(rd->s, xasprintf("/%s: not read: %s; %s", rel,
				     db->reason ? db->reason : "not a regular file", unnamed));
		close(io->fd);
		return -1;
	}
	return 0;
}

static void cd_bad(struct reader *rd, const char *rel, struct bbolt_db *db)
{
	gap_once(rd->s, xasprintf("/%s: not read whole: %s", rel,
				  db->reason ? db->reason : "malformed"));
}

/* A string value (a plain, bounded one): NULL when absent or malformed (-1: a gap). */
static char *cd_get(struct reader *rd, const char *rel, struct bbolt_db *db,
		    const char *const *path, size_t npath, const char *key)
{
	uint8_t *v;
	size_t n;
	int r = bbolt_get(db, path, npath, key, &v, &n);

	if (r < 0)
		cd_bad(rd, rel, db);
	if (r)
		return NULL;
	if (!n || n > NAME_CAP || memchr(v, 0, n)) {
		free(v);
		return NULL;
	}
	return (char *)v;
}

struct cd_keys {
	struct strlist *out;
	size_t max;
	bool buckets_only, over;
};

static int cd_key(void *ctx, const uint8_t *key, size_t len, bool bucket)
{
	struct cd_keys *k = ctx;

	if (k->buckets_only && !bucket)
		return 0;
	if (!len || len > NAME_CAP || memchr(key, 0, len))
		return 0;
	if (k->out->n == k->max) {
		k->over = true;
		return 0;
	}
	sl_push(k->out, xstrndup((const char *)key, len));
	return 0;
}

/* The keys of a bucket, at most max (past it: a gap). */
static void cd_list(struct reader *rd, const char *rel, struct bbolt_db *db, const char *const *path,
		    size_t npath, bool buckets_only, size_t max, struct strlist *out)
{
	struct cd_keys k = { out, max, buckets_only, false };

	if (bbolt_keys(db, path, npath, cd_key, &k) < 0)
		cd_bad(rd, rel, db);
	if (k.over)
		gap(rd->s, xasprintf("/%s: bucket %s: entries past the cap of %zu not read", rel,
				     path[npath - 1], max));
}

struct cd_snap {
	char *num, *key, *parent;
};

/* The snapshotter's own names: snapshot number -> its key and its parent's key. */
static size_t cd_snapshots(struct reader *rd, struct cd_snap **out)
{
	static const char *const path[] = { "v1", "snapshots" };
	struct strlist keys = { 0 };
	struct bbolt_db db;
	struct cd_io io;
	struct cd_snap *v = NULL;
	size_t n = 0;
	int r = cd_open(rd, CD_SNAPDB, "snapshots named by number", &io, &db);

	*out = NULL;
	if (r == 1)
		gap(rd->s, xstrdup("/" CD_SNAPDB ": absent; snapshots named by number"));
	if (r)
		return 0;
	cd_list(rd, CD_SNAPDB, &db, path, 2, true, CTR_LAYERS_MAX, &keys);
	v = xcalloc(keys.n ? keys.n : 1, sizeof(*v));
	for (size_t i = 0; i < keys.n; i++) {
		const char *sub[] = { "v1", "snapshots", keys.v[i] };
		uint8_t *id;
		size_t len;
		uint64_t num;

		if (bbolt_get(&db, sub, 3, "id", &id, &len) < 0)
			cd_bad(rd, CD_SNAPDB, &db);
		else if (id && !bbolt_uvarint(id, len, &num)) {
			v[n].num = xasprintf("%llu", (unsigned long long)num);
			v[n].key = xstrdup(keys.v[i]);
			v[n].parent = cd_get(rd, CD_SNAPDB, &db, sub, 3, "parent");
			n++;
		}
		free(id);
	}
	sl_free(&keys);
	close(io.fd);
	*out = v;
	return n;
}

/* containerd's key of a snapshot in namespace ns -> the snapshotter's key. */
static char *cd_backend(struct reader *rd, struct bbolt_db *db, const char *ns, const char *key)
{
	const char *path[] = { "v1", ns, "snapshots", "overlayfs", key };

	return cd_get(rd, CD_METADB, db, path, 5, "name");
}

/* A content blob's label. */
static char *cd_label(struct reader *rd, struct bbolt_db *db, const char *ns, const char *digest,
		      const char *label)
{
	const char *path[] = { "v1", ns, "content", "blob", digest, "labels" };

	return cd_get(rd, CD_METADB, db, path, 6, label);
}

/* The top snapshot of a manifest: its config's gc label names the chain id. */
static char *cd_manifest_top(struct reader *rd, struct bbolt_db *db, const char *ns,
			     const char *manifest)
{
	char *cfg = cd_label(rd, db, ns, manifest, "containerd.io/gc.ref.content.config");
	char *chain, *top = NULL;

	if (!cfg)
		return NULL;
	chain = cd_label(rd, db, ns, cfg, "containerd.io/gc.ref.snapshot.overlayfs");
	if (chain)
		top = cd_backend(rd, db, ns, chain);
	free(cfg);
	free(chain);
	return top;
}

static void cd_image_top(struct reader *rd, const char *name, const char *digest, char *top)
{
	struct ctr_image *im = NULL;

	for (size_t i = 0; i < rd->nimages && !im; i++)
		if (!strcmp(rd->images[i].id, digest) &&
		    ((!top && !rd->images[i].top) || (top && rd->images[i].top &&
						      !strcmp(rd->images[i].top, top))))
			im = &rd->images[i];
	if (im)
		free(top);
	else
		im = add_image(rd, xstrdup(digest), top);
	if (im && !sl_contains(&im->names, name))
		sl_push(&im->names, xstrdup(name));
}

static void cd_images(struct reader *rd, struct bbolt_db *db, const char *ns)
{
	const char *path[] = { "v1", ns, "images" };
	struct strlist names = { 0 };

	cd_list(rd, CD_METADB, db, path, 3, true, CTR_IMAGES_MAX, &names);
	for (size_t i = 0; i < names.n; i++) {
		const char *tp[] = { "v1", ns, "images", names.v[i], "target" };
		char *digest = cd_get(rd, CD_METADB, db, tp, 5, "digest");
		char *top;

		if (!digest)
			continue;
		top = cd_manifest_top(rd, db, ns, digest);
		if (top) {
			cd_image_top(rd, names.v[i], digest, top);
		} else {
			/* an index: each platform's manifest is a gc label of it */
			const char *lp[] = { "v1", ns, "content", "blob", digest, "labels" };
			struct strlist labels = { 0 };
			size_t found = 0;

			cd_list(rd, CD_METADB, db, lp, 6, false, 1024, &labels);
			for (size_t k = 0; k < labels.n && found < CD_INDEX_MAX; k++) {
				char *m;

				if (strncmp(labels.v[k], "containerd.io/gc.ref.content.m.", 31))
					continue;
				m = cd_label(rd, db, ns, digest, labels.v[k]);
				top = m ? cd_manifest_top(rd, db, ns, m) : NULL;
				free(m);
				if (top) {
					cd_image_top(rd, names.v[i], digest, top);
					found++;
				}
			}
			sl_free(&labels);
			if (!found) {
				/* not unpacked for overlayfs here: named, without layers */
				cd_image_top(rd, names.v[i], digest, NULL);
			}
		}
		free(digest);
	}
	sl_free(&names);
}

static void cd_containers(struct reader *rd, struct bbolt_db *db, const char *ns)
{
	const char *path[] = { "v1", ns, "containers" };
	struct strlist ids = { 0 };

	cd_list(rd, CD_METADB, db, path, 3, true, CTR_IMAGES_MAX, &ids);
	for (size_t i = 0; i < ids.n; i++) {
		const char *cp[] = { "v1", ns, "containers", ids.v[i] };
		const char *lp[] = { "v1", ns, "containers", ids.v[i], "labels" };
		char *image = cd_get(rd, CD_METADB, db, cp, 4, "image");
		char *snapper = cd_get(rd, CD_METADB, db, cp, 4, "snapshotter");
		char *skey = cd_get(rd, CD_METADB, db, cp, 4, "snapshotKey");
		char *pod = cd_get(rd, CD_METADB, db, lp, 5, "io.kubernetes.pod.name");
		char *cname = cd_get(rd, CD_METADB, db, lp, 5, "io.kubernetes.container.name");
		char *layer = NULL, *digest = NULL, *name;

		if (skey && snapper && !strcmp(snapper, "overlayfs"))
			layer = cd_backend(rd, db, ns, skey);
		if (image) {
			const char *tp[] = { "v1", ns, "images", image, "target" };

			digest = cd_get(rd, CD_METADB, db, tp, 5, "digest");
		}
		/* Kubernetes (CRI) containers are named by their pod and container */
		if (pod && cname)
			name = xasprintf("%s/%s", pod, cname);
		else
			name = xstrdup(ids.v[i]);
		add_ctr(rd, xstrdup(ids.v[i]), name, digest, image, layer);
		free(snapper);
		free(skey);
		free(pod);
		free(cname);
	}
	sl_free(&ids);
}

/* containerd's names: images and containers of each namespace, and what they reference
 * (false: meta.db absent or unreadable). */
static bool cd_meta(struct reader *rd)
{
	static const char *const v1[] = { "v1" };
	struct strlist nss = { 0 };
	struct bbolt_db db;
	struct cd_io io;
	int r = cd_open(rd, CD_METADB, "images and containers not named", &io, &db);

	if (r == 1)
		sl_push(&rd->s->notes, xstrdup("no /" CD_METADB ": images and containers not named"));
	if (r)
		return false;
	cd_list(rd, CD_METADB, &db, v1, 1, true, CD_NAMESPACES_MAX, &nss);
	for (size_t i = 0; i < nss.n; i++) {
		cd_images(rd, &db, nss.v[i]);
		cd_containers(rd, &db, nss.v[i]);
	}
	sl_free(&nss);
	close(io.fd);
	return true;
}

static const struct cd_snap *cd_by_num(const struct cd_snap *v, size_t n, const char *num)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].num, num))
			return &v[i];
	return NULL;
}

static void read_containerd(struct reader *rd)
{
	struct strlist ids = { 0 };
	struct cd_snap *snaps;
	size_t nsnaps = cd_snapshots(rd, &snaps), by_number = 0, named = 0, unplaced = 0;
	bool meta_read;
	int r = root_list_dir(rd->root, CD_SNAP, false, CTR_LAYERS_MAX, &ids);

	if (r < 0 && r != -ENOENT)
		gap(rd->s, xasprintf("/" CD_SNAP ": %s", strerror(-r)));
	if (r == 1)
		gap(rd->s, xstrdup("layers past the cap of " KD_STR(CTR_LAYERS_MAX) " not read"));
	for (size_t i = 0; i < ids.n; i++) {
		const struct cd_snap *sn;
		char *parent, *dir;

		if (!plain_name(ids.v[i]))
			continue;
		parent = xasprintf(CD_SNAP "/%s", ids.v[i]);
		dir = xasprintf("%s/fs", parent);
		if (!real_dir(rd->root, parent) || !real_dir(rd->root, dir)) {
			no_dir(rd->s, xasprintf("snapshot %s: no fs directory (or not a "
						"real one)", ids.v[i]));
			free(dir);
			dir = NULL;
		}
		free(parent);
		sn = cd_by_num(snaps, nsnaps, ids.v[i]);
		if (sn) {
			add_layer(rd, xstrdup(sn->key), sn->parent ? xstrdup(sn->parent) : NULL, dir);
			named++;
		} else {
			add_layer(rd, xasprintf("snapshot %s", ids.v[i]), NULL, dir);
			by_number++;
		}
	}
	sl_free(&ids);
	for (size_t i = 0; i < nsnaps; i++) {
		free(snaps[i].num);
		free(snaps[i].key);
		free(snaps[i].parent);
	}
	free(snaps);
	meta_read = cd_meta(rd);
	for (size_t i = 0; i < rd->nimages; i++)
		unplaced += !rd->images[i].top;
	/* a container's own snapshot is its read-write layer */
	for (size_t i = 0; i < rd->nctrs; i++)
		for (size_t k = 0; rd->ctrs[i].layer && k < rd->s->nlayers; k++)
			if (!strcmp(rd->s->layers[k].id, rd->ctrs[i].layer))
				rd->s->layers[k].rw = true;
	if (named)
		sl_push(&rd->s->notes, xasprintf("%zu snapshots named by their keys (metadata.db)%s",
						 named, meta_read ? ", images and containers by "
						 "meta.db" : ""));
	if (by_number)
		sl_push(&rd->s->notes, xasprintf("%zu snapshots not in /" CD_SNAPDB
						 " (named by number)", by_number));
	if (unplaced)
		sl_push(&rd->s->notes, xasprintf("%zu images with no overlayfs snapshot found "
						 "(their layers not named by them)", unplaced));
}

static struct ctr_storage *new_storage(struct ctr_storage **v, size_t *n, const char *kind,
				       const char *source)
{
	struct ctr_storage *s;

	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	s = &(*v)[(*n)++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->source = xstrdup(source);
	return s;
}

/*
 * containerd makes the directory of every snapshotter it has built in (btrfs,
 * native, ...) whether it is used or not: one with no snapshots holds nothing.
 */
static bool cd_unused(const struct kd_root *root, const char *dir, const char *name)
{
	struct strlist top = { 0 }, snaps = { 0 };
	char *rel = xasprintf("%s/%s", dir, name), *sub = xasprintf("%s/snapshots", rel);
	bool unused = false;

	if (root_list_dir(root, rel, false, 4, &top) == 0) {
		if (!top.n)
			unused = true;
		else if (top.n == 1 && !strcmp(top.v[0], "snapshots"))
			unused = root_list_dir(root, sub, false, 4, &snaps) == 0 && !snaps.n;
	}
	sl_free(&top);
	sl_free(&snaps);
	free(rel);
	free(sub);
	return unused;
}

/*
 * Storage this reader does not know (another driver or snapshotter): entries of
 * dir named prefix+X+suffix with X not in known, each one storage with a gap.
 */
static void unknown_drivers(const struct kd_root *root, struct ctr_storage **out, size_t *n,
			    const char *dir, const char *prefix, const char *suffix,
			    const char *const *known, const char *engine)
{
	struct strlist names = { 0 };
	size_t pl = strlen(prefix), sl = strlen(suffix);

	if (root_list_dir(root, dir, false, 256, &names) < 0)
		return;
	for (size_t i = 0; i < names.n; i++) {
		const char *name = names.v[i];
		size_t len = strlen(name);
		bool is_known = false;
		struct ctr_storage *s;
		char *drv, *src;

		if (len <= pl + sl || strncmp(name, prefix, pl) || strcmp(name + len - sl, suffix))
			continue;
		drv = xstrndup(name + pl, len - pl - sl);
		for (size_t k = 0; known[k]; k++)
			is_known |= !strcmp(drv, known[k]);
		if (!is_known && !strcmp(engine, "containerd") && cd_unused(root, dir, name))
			is_known = true;
		if (!is_known) {
			src = xasprintf("/%s", dir);
			s = new_storage(out, n, engine, src);
			gap(s, xasprintf("/%s/%s: storage driver %s not read", dir, name, drv));
			free(src);
		}
		free(drv);
	}
	sl_free(&names);
}

void containers_read(const struct kd_root *root, struct ctr_storage **out, size_t *n)
{
	static const char *const docker_known[] = { "overlay2", NULL };
	static const char *const cs_known[] = { "overlay", "vfs", NULL };
	static const char *const cd_known[] = { "overlayfs", NULL };

	static const char *const cs_bases[] = { "var/lib/containers/storage" };
	static const char *const drivers[] = { "overlay", "vfs" };

	*out = NULL;
	*n = 0;
	unknown_drivers(root, out, n, D "/image", "", "", docker_known, "docker");
	unknown_drivers(root, out, n, "var/lib/containers/storage", "", "-layers", cs_known, "podman");
	unknown_drivers(root, out, n, CD, "io.containerd.snapshotter.v1.", "", cd_known, "containerd");
	if (root_stat(root, DIO, ROOT_FOLLOW, &(struct stat){ 0 }) == 0) {
		struct reader rd = { .root = root };

		rd.s = new_storage(out, n, "docker overlay2", "/" D);
		read_docker(&rd);
		resolve(&rd);
	}
	for (size_t b = 0; b < ARRAY_SIZE(cs_bases); b++) {
		for (size_t d = 0; d < ARRAY_SIZE(drivers); d++) {
			char *layers = xasprintf("%s/%s-layers", cs_bases[b], drivers[d]);
			char *src, *kind;
			struct reader rd = { .root = root };
			struct stat st;

			if (root_stat(root, layers, ROOT_FOLLOW, &st) != 0) {
				free(layers);
				continue;
			}
			free(layers);
			src = xasprintf("/%s", cs_bases[b]);
			kind = !strcmp(drivers[d], "vfs") ? "podman vfs" : "podman overlay";
			rd.s = new_storage(out, n, kind, src);
			free(src);
			read_cs(&rd, cs_bases[b], drivers[d]);
			resolve(&rd);
		}
	}
	if (root_stat(root, CD_SNAP, ROOT_FOLLOW, &(struct stat){ 0 }) == 0) {
		struct reader rd = { .root = root };

		rd.s = new_storage(out, n, "containerd overlayfs", "/" CD);
		read_containerd(&rd);
		resolve(&rd);
	}
}

void ctr_storages_free(struct ctr_storage *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct ctr_storage *s = &v[i];

		for (size_t k = 0; k < s->nlayers; k++) {
			struct ctr_layer *l = &s->layers[k];

			free(l->id);
			free(l->parent);
			free(l->dir);
			sl_free(&l->image_names);
			sl_free(&l->image_ids);
			sl_free(&l->ctr_names);
			sl_free(&l->ctr_ids);
		}
		free(s->layers);
		free(s->source);
		sl_free(&s->gaps);
		sl_free(&s->notes);
		free(s->no_dir_first);
	}
	free(v);
}
