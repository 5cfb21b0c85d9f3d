// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kimage.c - find the certificates built into a kernel image.
 *
 * A bzImage holds a compressed vmlinux; its setup header says where
 * (payload_offset). The builtin keys are a run of DER certificates in the
 * decompressed image (system_certificates). We decode in chunks and look for
 * DER certificates as we go, so a 60 MB vmlinux never sits in memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cursor.h"
#include "core/decompress.h"
#include "crypto/kimage.h"
#include "core/util.h"

#define MAX_BOOT_FILES 4096
#define KERNEL_MAX_DECOMPRESSED (512u << 20)
#define SCAN_OVERLAP (64 * 1024)	/* larger than any certificate we accept */
#define MAX_KERNEL_CERTS 256
#define MAX_MAGIC_TRIES 8
#define BZ_HEADER 4096		/* the setup header lies in the first sectors */

struct scanner {
	uint8_t *win;
	size_t len;
	size_t cap;
	uint64_t win_abs;		/* stream offset of win[0] */
	struct kimage_certs *out;	/* distinct certificates of earlier runs */
	/* the run of back-to-back certificates being followed */
	struct kimage_certs run;
	uint64_t run_start;
	uint64_t run_end;
	bool confirmed;
};

#define LIST_SIZE_SEARCH 32768	/* zero fill (CONFIG_SYSTEM_EXTRA_CERTIFICATE) we look across */

/* Add c unless an equal certificate is there already or the set is full; takes c. */
static void add_distinct(struct kimage_certs *set, struct kd_cert *c)
{
	for (size_t i = 0; i < set->n; i++) {
		if (cert_equal(set->certs[i], c)) {
			cert_free(c);
			return;
		}
	}
	if (set->n >= MAX_KERNEL_CERTS) {
		cert_free(c);
		return;
	}
	set->certs = xreallocarray(set->certs, set->n + 1, sizeof(*set->certs));
	set->certs[set->n++] = c;
}

/* The run ended without its length after it: keep its certificates as candidates. */
static void close_run(struct scanner *s)
{
	for (size_t i = 0; i < s->run.n; i++)
		add_distinct(s->out, s->run.certs[i]);
	free(s->run.certs);
	s->run.certs = NULL;
	s->run.n = 0;
}

/*
 * The kernel trusts exactly the certificates between __cert_list_start and
 * __cert_list_end, and stores that length right after them, 8-aligned (after
 * the optional zero-filled extra-certificate slot): system_certificate_list_size.
 * A run of certificates followed by its own length is that list.
 */
static bool list_size_follows(const struct scanner *s, size_t end_off, uint64_t run_len)
{
	size_t limit = s->len < end_off + LIST_SIZE_SEARCH ? s->len : end_off + LIST_SIZE_SEARCH;

	for (size_t p = end_off; p + 8 <= limit; p++) {
		if ((s->win_abs + p) % 8 == 0) {
			struct cursor c = cur_init(s->win, s->len);
			uint64_t v;

			if (cur_seek(&c, p) && cur_le64(&c, &v) && v == run_len)
				return true;
		}
		if (s->win[p])
			return false;
	}
	return false;
}

/* Look for certificates that start in [0, limit) of the window; returns where scanning stopped. */
static size_t scan_window(struct scanner *s, size_t limit)
{
	size_t i = 0;

	while (i < limit) {
		const uint8_t *hit = memchr(s->win + i, 0x30, limit - i);
		size_t off, total, used;
		struct kd_cert *c;

		if (!hit)
			return limit;
		off = (size_t)(hit - s->win);
		if (der_cert_candidate(s->win + off, s->len - off, &total) &&
		    (c = cert_from_der(s->win + off, total, &used))) {
			if (used == total) {
				uint64_t abs = s->win_abs + off;

				if (abs != s->run_end || !s->run.n || s->run.n >= MAX_KERNEL_CERTS) {
					close_run(s);
					s->run_start = abs;
				}
				s->run_end = abs + total;
				/* the list proper is kept whole: its length counts every byte */
				s->run.certs = xreallocarray(s->run.certs, s->run.n + 1,
							     sizeof(*s->run.certs));
				s->run.certs[s->run.n++] = c;
				i = off + total;
				if (list_size_follows(s, i, s->run_end - s->run_start)) {
					s->confirmed = true;
					return limit;
				}
				continue;
			}
			cert_free(c);
		}
		i = off + 1;
	}
	return limit;
}

static int scan_chunk(const uint8_t *p, size_t n, void *ctx)
{
	struct scanner *s = ctx;

	while (n) {
		size_t take = s->cap - s->len < n ? s->cap - s->len : n;
		size_t done;

		memcpy(s->win + s->len, p, take);
		s->len += take;
		p += take;
		n -= take;
		if (s->len < s->cap)
			break;
		/* keep the tail: a certificate may straddle the chunk boundary */
		done = scan_window(s, s->len - SCAN_OVERLAP);
		if (s->confirmed)
			return 1;	/* the list is found: stop decoding */
		memmove(s->win, s->win + done, s->len - done);
		s->len -= done;
		s->win_abs += done;
	}
	return 0;
}

static void scanner_finish(struct scanner *s)
{
	if (!s->confirmed)
		scan_window(s, s->len);
	free(s->win);
	s->win = NULL;
	if (s->confirmed) {
		/* only the trusted list; other certificates in the image are not trusted keys */
		kimage_certs_free(s->out);
		s->out->certs = NULL;
		s->out->n = 0;
		for (size_t i = 0; i < s->run.n; i++)
			add_distinct(s->out, s->run.certs[i]);
		free(s->run.certs);
		s->run.certs = NULL;
		s->run.n = 0;
		s->out->list_confirmed = true;
		return;
	}
	/* no list boundary (kernels before 4.6 store none): every distinct certificate */
	close_run(s);
}

static void scanner_init(struct scanner *s, struct kimage_certs *out)
{
	memset(s, 0, sizeof(*s));
	s->cap = 4 * SCAN_OVERLAP;
	s->win = xmalloc(s->cap);
	s->out = out;
}

/*
 * Offset of the compressed payload per the x86 boot protocol, or 0 when not a
 * bzImage. p holds the first n bytes of an image of file_len bytes.
 */
static uint64_t bzimage_payload(const uint8_t *p, size_t n, uint64_t file_len, uint64_t *len)
{
	struct cursor c = cur_init(p, n);
	uint8_t setup_sects;
	uint16_t version;
	uint32_t magic, off, plen;
	uint64_t start;

	if (!cur_seek(&c, 0x1f1) || !cur_u8(&c, &setup_sects) || !cur_seek(&c, 0x202) ||
	    !cur_le32(&c, &magic) || magic != 0x53726448 /* "HdrS" */ || !cur_le16(&c, &version) ||
	    version < 0x208 || !cur_seek(&c, 0x248) || !cur_le32(&c, &off) || !cur_le32(&c, &plen))
		return 0;
	if (!setup_sects)
		setup_sects = 4;
	start = ((uint64_t)setup_sects + 1) * 512 + off;
	if (!plen || start + plen > file_len)
		return 0;
	*len = plen;
	return start;
}

/* Decode one payload, from memory (p) or from the file (fd), looking for certificates. */
static int try_stream(const uint8_t *p, int fd, uint64_t off, uint64_t n, enum kd_comp comp,
		      struct kimage_certs *out)
{
	struct scanner s;
	int r;

	scanner_init(&s, out);
	r = p ? decompress_stream(comp, p + off, (size_t)n, KERNEL_MAX_DECOMPRESSED, scan_chunk, &s) :
		decompress_stream_fd(comp, fd, off, n, KERNEL_MAX_DECOMPRESSED, scan_chunk, &s);
	if (r == 1 && s.confirmed)
		r = 0;
	scanner_finish(&s);
	if (!r)
		out->compression = comp_name(comp);
	return r;
}

int kimage_extract_certs(const uint8_t *p, size_t n, struct kimage_certs *out, const char **reason)
{
	static const uint8_t elfmag[] = { 0x7f, 'E', 'L', 'F' };
	uint64_t plen, start;
	int tries = 0;

	memset(out, 0, sizeof(*out));
	if (n >= 4 && memcmp(p, elfmag, 4) == 0) {
		struct scanner s;

		scanner_init(&s, out);
		scan_chunk(p, n, &s);
		scanner_finish(&s);
		out->compression = "none";
		return 0;
	}
	start = bzimage_payload(p, n, n, &plen);
	if (start && comp_detect(p + start, (size_t)plen) != COMP_NONE) {
		enum kd_comp comp = comp_detect(p + start, (size_t)plen);

		if (try_stream(p, -1, start, plen, comp, out) == 0)
			return 0;
		kimage_certs_free(out);
	}
	/* not a bzImage we understand: try each compression magic in turn */
	for (size_t i = 0; i + 6 <= n && tries < MAX_MAGIC_TRIES; i++) {
		enum kd_comp comp = comp_detect(p + i, n - i);

		if (comp == COMP_NONE)
			continue;
		tries++;
		if (try_stream(p, -1, i, n - i, comp, out) == 0 && out->n)
			return 0;
		kimage_certs_free(out);
	}
	*reason = "no compressed kernel payload found";
	return -1;
}

int kimage_extract_certs_fd(int fd, uint64_t size, struct kimage_certs *out, const char **reason)
{
	uint8_t head[BZ_HEADER], magic[16];	/* the .lzma header is 13 bytes */
	size_t hn = size < sizeof(head) ? (size_t)size : sizeof(head);
	uint64_t plen, start;
	enum kd_comp comp;

	memset(out, 0, sizeof(*out));
	if (pread(fd, head, hn, 0) != (ssize_t)hn) {
		*reason = "kernel image unreadable";
		return -1;
	}
	/* a bzImage: decode its payload straight from the file, a chunk at a time */
	start = bzimage_payload(head, hn, size, &plen);
	if (start && pread(fd, magic, sizeof(magic), (off_t)start) == (ssize_t)sizeof(magic) &&
	    (comp = comp_detect(magic, sizeof(magic))) != COMP_NONE) {
		if (try_stream(NULL, fd, start, plen, comp, out) == 0)
			return 0;
		kimage_certs_free(out);
	}
	return 1;	/* not handled here: the caller reads the image and calls kimage_extract_certs */
}

void kimage_certs_free(struct kimage_certs *kc)
{
	for (size_t i = 0; i < kc->n; i++)
		cert_free(kc->certs[i]);
	free(kc->certs);
	kc->certs = NULL;
	kc->n = 0;
}

struct image_seen {
	struct stat *v;
	size_t n;
};

/*
 * Append path (taken) unless it does not exist and need not; same_as names an
 * earlier entry with the same device and inode.
 */
static void add_image(const struct kd_root *root, struct kernel_image_list *out, char *path,
		      const char *release, bool must_exist, struct image_seen *seen)
{
	struct stat st;
	const char *same = "";
	int r = root_stat(root, path, ROOT_FOLLOW, &st);

	if (r && !must_exist) {
		free(path);
		return;
	}
	if (r)
		memset(&st, 0, sizeof(st));	/* could not be stat'ed: the same as nothing */
	for (size_t i = 0; !r && i < seen->n; i++)
		if (seen->v[i].st_ino && seen->v[i].st_dev == st.st_dev &&
		    seen->v[i].st_ino == st.st_ino) {
			same = out->paths.v[i];
			break;
		}
	sl_push(&out->paths, path);
	sl_push(&out->releases, xstrdup(release));
	sl_push(&out->same_as, xstrdup(same));
	seen->v = xreallocarray(seen->v, seen->n + 1, sizeof(*seen->v));
	seen->v[seen->n++] = st;
}

int list_kernel_images(const struct kd_root *root, struct kernel_image_list *out)
{
	static const char *const trees[] = { "lib/modules", "usr/lib/modules" };
	/* linux-base's symlinks to the newest and the previous image, in boot/ or in / */
	static const char *const links[] = { "boot/vmlinuz", "boot/vmlinuz.old", "vmlinuz",
					      "vmlinuz.old" };
	struct image_seen seen = { 0 };
	struct strlist boot = { 0 };
	int r = root_list_dir(root, "boot", false, MAX_BOOT_FILES, &boot);

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < boot.n; i++)
		if (strncmp(boot.v[i], "vmlinuz-", 8) == 0 && boot.v[i][8])
			add_image(root, out, xasprintf("boot/%s", boot.v[i]), boot.v[i] + 8, true,
				  &seen);
	/* <tree>/<release>/vmlinuz: Fedora's and RHEL's packages ship the image there */
	for (size_t t = 0; t < sizeof(trees) / sizeof(trees[0]); t++) {
		struct strlist rels = { 0 };

		root_list_dir(root, trees[t], false, MAX_BOOT_FILES, &rels);
		for (size_t i = 0; i < rels.n; i++)
			add_image(root, out, xasprintf("%s/%s/vmlinuz", trees[t], rels.v[i]),
				  rels.v[i], false, &seen);
		sl_free(&rels);
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		add_image(root, out, xstrdup(links[i]), "", false, &seen);
	free(seen.v);
	sl_free(&boot);
	return r < 0 ? r : 0;
}

void kernel_image_list_free(struct kernel_image_list *l)
{
	sl_free(&l->paths);
	sl_free(&l->releases);
	sl_free(&l->same_as);
}
