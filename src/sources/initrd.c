// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * initrd.c - initramfs images: boot/initrd.img-<rel> (initramfs-tools),
 * boot/initramfs-<rel>.img and its -kdump and rescue siblings (dracut),
 * boot/initrd-<rel> (SUSE) and boot/<machine-id>/<rel>/initrd (systemd-boot).
 * An image is uncompressed cpio archives (early microcode), zero padding, then
 * one compressed main archive; it is read in place and decoded as a stream,
 * holding one module file at a time. A module there loads at early boot, so it
 * is inspected and judged like an installed module file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/decompress.h"
#include "core/root.h"
#include "core/util.h"
#include "formats/cpio.h"
#include "sources/initrd.h"
#include "sources/modfiles.h"
#include "store/result.h"

#define MEMBER_CAP (64u << 20)		/* one module held at a time: 3x the largest there is */
#define DECODED_CAP (1ull << 30)	/* 3x a dracut image with every firmware file */
#define RAW_CHUNK (1u << 20)
#define MAX_IMAGES 256
#define MAX_DROPPED_SHOWN 3

struct image_job {
	struct scan_result *res;
	const char *image;		/* "/boot/initrd.img-6.1.0-13-amd64" */
	const char *release;		/* from the image's name, or NULL */
	size_t modules;
	size_t special;			/* device nodes, symlinks, FIFOs named like modules */
	size_t odd_names;		/* absolute, "..", or a NUL inside: normalised */
	size_t dropped;
	struct strbuf dropped_names;
	int cpio_r;			/* what stopped the main stream, when the parser did */
	struct modfile_scratch *scratch;	/* the images' modules, one after another */
};

static bool module_file_name(const char *n)
{
	return str_has_suffix(n, ".ko") || str_has_suffix(n, ".ko.xz") ||
	       str_has_suffix(n, ".ko.zst") || str_has_suffix(n, ".ko.gz");
}

/* The release of a member under [usr/]lib/modules/<release>/, or NULL. */
static char *member_release(const char *member)
{
	const char *p = member, *end;

	if (strncmp(p, "usr/", 4) == 0)
		p += 4;
	if (strncmp(p, "lib/modules/", 12))
		return NULL;
	p += 12;
	end = strchr(p, '/');
	return end && end > p ? xstrndup(p, (size_t)(end - p)) : NULL;
}

/* A stored name shown escaped: never printed raw, never opened. */
static void escaped(struct strbuf *sb, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n && i < 256; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			sb_putc(sb, (char)p[i]);
		else
			sb_printf(sb, "\\x%02x", p[i]);
	}
}

/* A ".." component: the name would climb out of the archive's root. */
static bool climbs(const char *name)
{
	for (const char *p = name; (p = strstr(p, "..")); p += 2)
		if ((p == name || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return true;
	return false;
}

static bool want_member(void *ctx, const struct cpio_entry *e)
{
	struct image_job *j = ctx;
	const char *base = strrchr(e->name, '/');

	base = base ? base + 1 : e->name;
	if (e->name[0] == '/' || e->nul_inside || climbs(e->name))
		j->odd_names++;
	if (!module_file_name(base))
		return false;
	if ((e->h.mode & CPIO_S_IFMT) != CPIO_S_IFREG) {
		j->special++;
		return false;
	}
	/* the data of hard-linked files comes with their last link */
	return e->h.filesize || e->h.nlink <= 1;
}

static int got_member(void *ctx, const struct cpio_entry *e, const uint8_t *data, size_t n)
{
	struct image_job *j = ctx;
	struct scan_result *res = j->res;
	char *member = cpio_normalise_name(e->name);
	char *shown = xasprintf("/%s", member);
	char *rel = member_release(member);
	struct module_rec *m;

	if (!data) {
		if (j->dropped++ < MAX_DROPPED_SHOWN) {
			sb_printf(&j->dropped_names, "%s", j->dropped > 1 ? ", " : "");
			escaped(&j->dropped_names, e->stored, e->stored_len);
			sb_printf(&j->dropped_names, " (%u bytes)", e->h.filesize);
		}
		goto out;
	}
	res->mods = xreallocarray(res->mods, res->nmods + 1, sizeof(*res->mods));
	m = &res->mods[res->nmods++];
	memset(m, 0, sizeof(*m));
	modfile_inspect_buf(j->scratch, m, data, n, member, shown, rel ? rel : j->release);
	m->initramfs = xstrdup(j->image);
	modfile_check_signature(res, m);
	j->modules++;
out:
	free(rel);
	free(shown);
	free(member);
	return 0;
}

static int feed_main(const uint8_t *p, size_t n, void *ctx)
{
	struct cpio_stream *s = ctx;
	struct image_job *j = s->ctx;
	int r = cpio_feed(s, p, n);

	if (r) {
		j->cpio_r = r;
		return 1;
	}
	return 0;
}

/* What the segments of one image held, for its coverage. */
struct segments {
	size_t raw_archives, raw_members, members;
	uint64_t decoded;		/* bytes decoded so far, under DECODED_CAP */
	struct strbuf comps;		/* "xz", "xz+zstd" */
};

static int pread_full(int fd, uint8_t *buf, size_t n, uint64_t off, size_t *got)
{
	ssize_t r;

	do
		r = pread(fd, buf, n, (off_t)off);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	*got = (size_t)r;
	return 0;
}

/*
 * Uncompressed archives at off, read in place until bytes that start none.
 * Returns 0 with *off past them (at the end of the file when *eof), or -1 (d says why).
 */
static int raw_segment(struct image_job *j, int fd, uint64_t size, uint64_t *off, bool *eof,
		       uint8_t *chunk, struct segments *sg, struct strbuf *d)
{
	struct cpio_stream raw;
	uint64_t at = *off;
	size_t got = 0;
	int r = 0;

	cpio_init(&raw, want_member, got_member, j, MEMBER_CAP);
	/* the kernel aligns an uncompressed archive on the image's offsets */
	raw.pos = at;
	while (at < size && r == 0) {
		if (pread_full(fd, chunk, RAW_CHUNK, at, &got) || !got) {
			sb_printf(d, "read error at offset %llu", (unsigned long long)at);
			goto fail;
		}
		r = cpio_feed(&raw, chunk, got);
		at += got;
	}
	if (r < 0) {
		sb_printf(d, "uncompressed cpio archive malformed at offset %llu: %s",
			  (unsigned long long)raw.pos, raw.error);
		goto fail;
	}
	if (r == 0 && cpio_finish(&raw)) {
		sb_printf(d, "uncompressed cpio archive: %s", raw.error);
		goto fail;
	}
	*eof = r == 0;
	*off = raw.pos;
	sg->raw_archives += raw.archives;
	sg->raw_members += raw.members;
	sg->members += raw.members;
	cpio_free(&raw);
	return 0;
fail:
	cpio_free(&raw);
	return -1;
}

/* A compressed archive at *off, decoded as a stream; *off moves past it. 0 or -1. */
static int compressed_segment(struct image_job *j, int fd, uint64_t size, enum kd_comp comp,
			      uint64_t *off, struct segments *sg, struct strbuf *d)
{
	struct cpio_stream st;
	const char *name = comp_name(comp);
	uint64_t used = 0;
	bool ok = false;
	int r;

	cpio_init(&st, want_member, got_member, j, MEMBER_CAP);
	j->cpio_r = 0;
	r = decompress_stream_fd_used(comp, fd, *off, size - *off, DECODED_CAP - sg->decoded,
				     feed_main, &st, &used);
	sg->decoded += st.pos;
	sg->members += st.members;
	sb_printf(&sg->comps, "%s%s", sg->comps.len ? "+" : "", name);
	if (r == 1 && j->cpio_r == 1)
		sb_printf(d, "junk after the trailer at decoded offset %llu of the %s archive",
			  (unsigned long long)st.pos, name);
	else if (r == 1)
		sb_printf(d, "%s archive malformed at decoded offset %llu: %s", name,
			  (unsigned long long)st.pos, st.error);
	else if (r == -EFBIG)
		sb_printf(d, "%s archive decodes beyond the %llu MiB cap (a decompression bomb?), "
			  "not read further", name, DECODED_CAP >> 20);
	else if (r == -ENOTSUP)
		sb_printf(d, "%s compression not decoded by this build", name);
	else if (r)
		sb_printf(d, "%s data corrupt or truncated at decoded offset %llu", name,
			  (unsigned long long)st.pos);
	else if (cpio_finish(&st))
		sb_printf(d, "%s archive: %s", name, st.error);
	else if (used == UINT64_MAX || used == 0 || used > size - *off)
		/* a decoder that does not say where its stream ends: what follows is unseen */
		sb_printf(d, "%s archive read, but not where it ends: the bytes after it not "
			  "examined", name);
	else
		ok = true;
	cpio_free(&st);
	if (!ok)
		return -1;
	*off += used;
	return 0;
}

/*
 * Read one image as the kernel unpacks it: zero padding, uncompressed archives
 * (in place), and compressed archives (streamed), in any order, to its end.
 */
static void read_image(struct image_job *j, int fd, uint64_t size, struct strbuf *d, bool *ok)
{
	struct segments sg = { 0 };
	uint8_t *chunk = xmalloc(RAW_CHUNK);
	uint64_t off = 0;
	bool eof = false;

	sb_init(&sg.comps);
	*ok = false;
	while (off < size && !eof) {
		enum kd_comp comp;
		size_t got = 0, i;

		if (pread_full(fd, chunk, RAW_CHUNK, off, &got) || !got) {
			sb_printf(d, "read error at offset %llu", (unsigned long long)off);
			goto out;
		}
		for (i = 0; i < got && !chunk[i]; i++)
			;
		off += i;
		if (i == got)
			continue;	/* zeros to the end of this chunk */
		if (chunk[i] == '0' && !(off & 3)) {
			if (raw_segment(j, fd, size, &off, &eof, chunk, &sg, d))
				goto out;
			continue;
		}
		comp = comp_detect(chunk + i, got - i);
		if (comp == COMP_NONE) {
			sb_printf(d, "data at offset %llu that is no cpio archive nor a known compression",
				  (unsigned long long)off);
			goto out;
		}
		if (compressed_segment(j, fd, size, comp, &off, &sg, d))
			goto out;
	}
	if (!sg.members && !sg.raw_archives && !sg.comps.len) {
		sb_printf(d, "no cpio archive in it");
		goto out;
	}
	sb_printf(d, "%zu module%s in %zu members, compression %s", j->modules,
		  j->modules == 1 ? "" : "s", sg.members, sg.comps.len ? sg.comps.s : "none");
	if (sg.raw_archives && sg.comps.len)
		sb_printf(d, " after %zu uncompressed archive%s of %zu members", sg.raw_archives,
			  sg.raw_archives == 1 ? "" : "s", sg.raw_members);
	*ok = true;
out:
	if (!*ok)
		sb_printf(d, "; %zu module%s read before that", j->modules, j->modules == 1 ? "" : "s");
	sb_free(&sg.comps);
	free(chunk);
}

/* The release an image's name gives, or NULL (a rescue image names none). */
static char *name_release(const char *name)
{
	size_t n = strlen(name);

	if (strncmp(name, "initrd.img-", 11) == 0)
		return xstrdup(name + 11);
	if (strncmp(name, "initramfs-", 10) == 0 && str_has_suffix(name, ".img")) {
		if (strncmp(name, "initramfs-0-rescue-", 19) == 0)
			return NULL;
		n -= 4;
		if (n > 10 + 6 && strncmp(name + n - 6, "-kdump", 6) == 0)
			n -= 6;
		else if (n > 10 + 5 && strncmp(name + n - 5, "kdump", 5) == 0)
			n -= 5;
		return n > 10 ? xstrndup(name + 10, n - 10) : NULL;
	}
	if (strncmp(name, "initrd-", 7) == 0)
		return xstrdup(name + 7);
	return NULL;
}

static bool image_name(const char *name)
{
	return strncmp(name, "initrd.img-", 11) == 0 || strncmp(name, "initrd-", 7) == 0 ||
	       (strncmp(name, "initramfs-", 10) == 0 && str_has_suffix(name, ".img"));
}

static bool machine_id_name(const char *n)
{
	if (strlen(n) != 32)
		return false;
	for (; *n; n++)
		if (!((*n >= '0' && *n <= '9') || (*n >= 'a' && *n <= 'f')))
			return false;
	return true;
}

/* The images under boot/: relative paths, with the release each name gives. */
static void find_images(const struct kd_root *root, struct strlist *paths, struct strlist *rels)
{
	struct strlist names = { 0 };

	if (root_list_dir(root, "boot", false, 4096, &names) < 0)
		return;
	for (size_t i = 0; i < names.n; i++) {
		const char *n = names.v[i];
		struct strlist sub = { 0 };

		if (image_name(n)) {
			sl_push(paths, xasprintf("boot/%s", n));
			sl_push(rels, name_release(n));
			continue;
		}
		if (!machine_id_name(n))
			continue;
		/* boot/<machine-id>/<release>/initrd: the Boot Loader Specification's layout */
		char *dir = xasprintf("boot/%s", n);

		if (root_list_dir(root, dir, false, 256, &sub) >= 0)
			for (size_t k = 0; k < sub.n; k++) {
				char *p = xasprintf("%s/%s/initrd", dir, sub.v[k]);
				struct stat st;

				if (root_stat(root, p, ROOT_FOLLOW, &st) == 0 && S_ISREG(st.st_mode)) {
					sl_push(paths, p);
					sl_push(rels, xstrdup(sub.v[k]));
				} else {
					free(p);
				}
			}
		sl_free(&sub);
		free(dir);
	}
	sl_free(&names);
}

void initrd_scan(const struct kd_root *root, struct scan_result *res)
{
	struct strlist paths = { 0 }, rels = { 0 };
	struct modfile_scratch *scratch = NULL;
	dev_t *devs = NULL;
	ino_t *inos = NULL;
	size_t nseen = 0;

	find_images(root, &paths, &rels);
	if (paths.n)
		scratch = modfile_scratch_new();
	for (size_t i = 0; i < paths.n && i < MAX_IMAGES; i++) {
		struct image_job j = { .res = res, .release = rels.v[i], .scratch = scratch };
		char *shown = xasprintf("/%s", paths.v[i]);
		struct strbuf d;
		struct stat st;
		bool ok = false, seen = false;
		int fd;

		j.image = shown;
		fd = root_openat(root, paths.v[i], ROOT_FOLLOW);
		if (fd < 0 || fstat(fd, &st) < 0) {
			add_cov(res, shown, cov_from_errno(fd < 0 ? fd : -errno),
				xasprintf("initramfs image not read: %s",
					  strerror(fd < 0 ? -fd : errno)));
			if (fd >= 0)
				close(fd);
			free(shown);
			continue;
		}
		/* an image under two names (a link, a hard link) is read once */
		for (size_t k = 0; k < nseen; k++)
			seen |= devs[k] == st.st_dev && inos[k] == st.st_ino;
		if (seen) {
			close(fd);
			free(shown);
			continue;
		}
		devs = xreallocarray(devs, nseen + 1, sizeof(*devs));
		inos = xreallocarray(inos, nseen + 1, sizeof(*inos));
		devs[nseen] = st.st_dev;
		inos[nseen++] = st.st_ino;
		sb_init(&d);
		sb_init(&j.dropped_names);
		sb_printf(&d, "initramfs image: ");
		read_image(&j, fd, (uint64_t)st.st_size, &d, &ok);
		close(fd);
		if (j.dropped) {
			sb_printf(&d, "; %zu module member%s over the %u MiB cap not inspected: %s",
				  j.dropped, j.dropped == 1 ? "" : "s", MEMBER_CAP >> 20,
				  j.dropped_names.s ? j.dropped_names.s : "");
			ok = false;
		}
		if (j.special)
			sb_printf(&d, "; %zu device node, symlink or FIFO named like a module skipped",
				  j.special);
		if (j.odd_names)
			sb_printf(&d, "; %zu member name%s absolute, with \"..\" or a NUL, normalised "
				  "as the kernel unpacks them", j.odd_names, j.odd_names == 1 ? "" : "s");
		add_cov(res, shown, ok ? COV_OK : COV_ERROR, sb_steal(&d));
		sb_free(&j.dropped_names);
		free(shown);
	}
	if (paths.n > MAX_IMAGES)
		add_cov(res, "/boot", COV_ERROR,
			xasprintf("%zu initramfs images, only the first %d read", paths.n, MAX_IMAGES));
	free(devs);
	free(inos);
	modfile_scratch_free(scratch);
	sl_free(&paths);
	sl_free(&rels);
}
