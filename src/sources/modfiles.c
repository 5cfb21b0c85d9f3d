// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modfiles.c - the module files of a root: find them under lib/modules/<release>
 * and usr/lib/modules/<release> (each directory once),
 * then read each one (decompressed, or in place when large), parse its modinfo
 * and signature trailer, hash the signed body, and check the signature against
 * the trust the store holds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cursor.h"
#include "core/decompress.h"
#include "core/root.h"
#include "core/util.h"
#include "crypto/pkcs7.h"
#include "formats/elfmod.h"
#include "formats/modsig.h"
#include "sources/modfiles.h"
#include "store/result.h"

#define MODULE_FILE_CAP (512ull << 20)	/* read in place, so only a sanity bound */
#define DECOMPRESSED_CAP (128ull << 20)	/* held in memory: 5x the largest distribution module */
#define SMALL_FILE (2u << 20)	/* read whole: one syscall; larger files are streamed */
#define WALK_MAX_DEPTH 16
#define WALK_MAX_FILES 200000

static bool module_file_name(const char *n)
{
	return str_has_suffix(n, ".ko") || str_has_suffix(n, ".ko.xz") ||
	       str_has_suffix(n, ".ko.zst") || str_has_suffix(n, ".ko.gz");
}

struct walk_state {
	struct modfile_list *list;
	const char *release;
	size_t files;
	size_t skipped_special;
	size_t dir_errors;		/* entries that could not be examined or opened */
	size_t too_deep;		/* directories nested deeper than WALK_MAX_DEPTH */
	bool truncated;
};

/* Walk a real directory (never through a symlink to one) for module files. */
static void walk_dir(struct walk_state *w, int fd, const char *rel, int depth)
{
	struct strlist entries = { 0 };
	struct dirent *de;
	DIR *d = fdopendir(fd);

	if (!d) {
		close(fd);
		w->dir_errors++;
		return;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			sl_push(&entries, xstrdup(de->d_name));
	sl_sort(&entries);
	for (size_t i = 0; i < entries.n && !w->truncated; i++) {
		const char *name = entries.v[i];
		char *path = xasprintf("%s/%s", rel, name);
		struct stat st;

		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			w->dir_errors++;
		} else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (depth >= WALK_MAX_DEPTH || sub < 0) {
				if (sub >= 0)
					close(sub);
				if (depth >= WALK_MAX_DEPTH)
					w->too_deep++;
				else
					w->dir_errors++;
			} else {
				walk_dir(w, sub, path, depth + 1);
			}
		} else if (module_file_name(name)) {
			/* symlinked files are followed later, inside the root; FIFOs and devices never */
			if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
				if (w->list->shown.n >= WALK_MAX_FILES) {
					w->truncated = true;
				} else {
					sl_push(&w->list->shown, xasprintf("/%s", path));
					sl_push(&w->list->open_paths, xstrdup(path));
					sl_push(&w->list->releases_of, xstrdup(w->release));
					w->files++;
				}
			} else {
				w->skipped_special++;
			}
		}
		free(path);
	}
	sl_free(&entries);
	closedir(d);
}

/* Where distributions put module trees: /lib/modules, and /usr/lib/modules with merged /usr. */
static const char *const module_trees[] = { "lib/modules", "usr/lib/modules" };
#define NTREES (sizeof(module_trees) / sizeof(module_trees[0]))

/* The release directories of one tree, appended to rels (unsorted). */
static void list_releases(int fd, struct strlist *rels)
{
	struct dirent *de;
	DIR *d = fdopendir(fd);

	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(st.st_mode))
			continue;
		sl_push(rels, xstrdup(de->d_name));
	}
	closedir(d);
	sl_sort(rels);
}

static void walk_release(const struct kd_root *root, struct scan_result *res,
			 struct modfile_list *list, const char *tree, const char *release)
{
	char *rel = xasprintf("%s/%s", tree, release), *src = xasprintf("/%s", rel);
	struct walk_state w = { .list = list, .release = release };
	struct strbuf detail;
	int fd = root_openat(root, rel, ROOT_DIR | ROOT_FOLLOW);

	if (fd < 0) {
		add_cov(res, src, cov_from_errno(fd), xstrdup(strerror(-fd)));
		free(rel);
		free(src);
		return;
	}
	walk_dir(&w, fd, rel, 0);
	sb_init(&detail);
	sb_printf(&detail, "%zu module file%s", w.files, w.files == 1 ? "" : "s");
	if (w.skipped_special)
		sb_printf(&detail, "; %zu FIFO, socket or device named like a module skipped",
			  w.skipped_special);
	if (w.dir_errors)
		sb_printf(&detail, "; %zu entr%s unreadable, not walked", w.dir_errors,
			  w.dir_errors == 1 ? "y" : "ies");
	if (w.too_deep)
		sb_printf(&detail, "; %zu director%s nested deeper than %d levels not walked",
			  w.too_deep, w.too_deep == 1 ? "y" : "ies", WALK_MAX_DEPTH);
	if (w.truncated)
		sb_printf(&detail, "; stopped at %d files, later files not walked", WALK_MAX_FILES);
	add_cov(res, src, (w.dir_errors || w.too_deep || w.truncated) ? COV_ERROR : COV_OK,
		sb_steal(&detail));
	free(rel);
	free(src);
}

/* Sort the releases, keeping each one's directory beside it. */
static void sort_releases(struct strlist *releases, struct strlist *dirs)
{
	for (size_t i = 1; i < releases->n; i++)
		for (size_t j = i; j > 0 && strcmp(releases->v[j - 1], releases->v[j]) > 0; j--) {
			char *r = releases->v[j], *d = dirs->v[j];

			releases->v[j] = releases->v[j - 1];
			dirs->v[j] = dirs->v[j - 1];
			releases->v[j - 1] = r;
			dirs->v[j - 1] = d;
		}
}

/*
 * Each tree is walked once: with merged /usr, lib is a symlink to usr/lib and
 * both names reach one directory (same device and inode), walked and shown as
 * /lib/modules, the path the system's tools use. A tree only under usr/lib
 * (a package unpacked by itself) is shown as /usr/lib/modules; two distinct
 * trees are both walked, each shown under its own path.
 */
void modfiles_find(const struct kd_root *root, struct scan_result *res, struct strlist *releases,
		   struct strlist *release_dirs, struct modfile_list *list)
{
	struct stat seen[NTREES];
	bool have[NTREES] = { false };
	size_t opened = 0;
	bool failed = false;

	for (size_t t = 0; t < NTREES; t++) {
		const char *tree = module_trees[t];
		struct strlist rels = { 0 };
		int fd = root_openat(root, tree, ROOT_DIR | ROOT_FOLLOW);
		char *src = xasprintf("/%s", tree);
		size_t same = NTREES;

		if (fd < 0) {
			/* an absent tree is normal while the other exists; anything else is not */
			if (fd != -ENOENT) {
				add_cov(res, src, cov_from_errno(fd), xstrdup(strerror(-fd)));
				failed = true;
			}
			free(src);
			continue;
		}
		opened++;
		if (fstat(fd, &seen[t]) == 0) {
			for (size_t u = 0; u < t; u++)
				if (have[u] && seen[u].st_dev == seen[t].st_dev &&
				    seen[u].st_ino == seen[t].st_ino)
					same = u;
			have[t] = true;
		}
		if (same < NTREES) {
			add_cov(res, src, COV_OK,
				xasprintf("the same directory as /%s (merged /usr): "
					  "walked once, as /%s", module_trees[same],
					  module_trees[same]));
			close(fd);
			free(src);
			continue;
		}
		list_releases(fd, &rels);
		if (!rels.n)
			add_cov(res, src, COV_ABSENT, xstrdup("no kernel release directory"));
		for (size_t i = 0; i < rels.n; i++) {
			walk_release(root, res, list, tree, rels.v[i]);
			if (sl_contains(releases, rels.v[i]))
				continue;
			sl_push(releases, xstrdup(rels.v[i]));
			sl_push(release_dirs, xasprintf("%s/%s", tree, rels.v[i]));
		}
		sl_free(&rels);
		free(src);
	}
	if (!opened && !failed)
		add_cov(res, "/lib/modules", COV_ABSENT,
			xasprintf("%s; no /usr/lib/modules either", strerror(ENOENT)));
	sort_releases(releases, release_dirs);
}

/*
 * A module image: in memory (decompressed) or an open file read in place, so
 * a 20 MB driver costs a 1 MiB buffer, not 20 MB.
 */
struct image_src {
	const uint8_t *buf;
	int fd;
	uint64_t size;
	uint8_t *chunk;		/* STREAM_CHUNK bytes, for reading in place */
};

#define STREAM_CHUNK (1u << 20)
#define TAIL_READ 8192
#define MAX_PKCS7 (1u << 20)
/* a worker keeps buffers up to this size for the next file; larger ones go back */
#define SCRATCH_KEEP (2u << 20)

struct modfile_scratch {
	struct kd_buf file;		/* a file read whole */
	struct kd_buf plain;		/* a compressed one, decoded */
	struct kd_decoders *dec;
	uint8_t *chunk;			/* STREAM_CHUNK, allocated on first use */
};

struct modfile_scratch *modfile_scratch_new(void)
{
	struct modfile_scratch *sc = xcalloc(1, sizeof(*sc));

	sc->dec = decoders_new();
	return sc;
}

void modfile_scratch_free(struct modfile_scratch *sc)
{
	if (!sc)
		return;
	kd_buf_free(&sc->file);
	kd_buf_free(&sc->plain);
	decoders_free(sc->dec);
	free(sc->chunk);
	free(sc);
}

static int src_read(const struct image_src *src, uint64_t off, void *dst, size_t n)
{
	size_t done = 0;

	if (!range_ok(src->size, off, n))
		return -EINVAL;
	if (src->buf) {
		memcpy(dst, src->buf + off, n);
		return 0;
	}
	while (done < n) {
		ssize_t r = pread(src->fd, (uint8_t *)dst + done, n - done, (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;	/* the file shrank under us */
		done += (size_t)r;
	}
	return 0;
}

/* Hash the signed body: straight from memory, or streamed from the file in chunks. */
static int hash_body(const struct image_src *src, uint64_t len, struct kd_digest *d)
{
	int r = 0;

	if (src->buf) {
		kd_digest_update(d, src->buf, (size_t)len);
		return 0;
	}
	for (uint64_t off = 0; off < len && !r; off += STREAM_CHUNK) {
		size_t n = len - off < STREAM_CHUNK ? (size_t)(len - off) : STREAM_CHUNK;

		r = src_read(src, off, src->chunk, n);
		if (!r)
			kd_digest_update(d, src->chunk, n);
	}
	return r;
}

/*
 * First half of verification, done while the trust sources may still be loading:
 * parse the signature and hash the module once.
 */
static void prepare_signature(struct module_rec *m, const struct modsig *ms,
			      const struct image_src *src)
{
	struct sig_result *s = &m->sig;
	struct sig_signer signer;
	struct kd_digest *d;
	char *reason;
	bool has_attrs;

	if (pkcs7_parse(ms->pkcs7, ms->pkcs7_len, &m->p7, &signer, &reason)) {
		s->status = SIG_MALFORMED;
		s->reason = reason;
		return;
	}
	s->hash_algo = signer.hash_algo;
	s->sig_algo = signer.pkey_algo;
	s->issuer = signer.issuer;
	s->issuer_attrs = signer.issuer_attrs;
	s->serial = signer.serial;
	s->skid = signer.skid;
	has_attrs = signer.has_signed_attrs;
	signer.hash_algo = signer.pkey_algo = signer.issuer = signer.serial = signer.skid = NULL;
	memset(&signer.issuer_attrs, 0, sizeof(signer.issuer_attrs));
	sig_signer_free(&signer);
	s->status = SIG_UNVERIFIABLE;
	if (has_attrs) {
		s->status = SIG_MALFORMED;
		s->reason = xstrdup("signature has authenticated attributes, which the kernel refuses "
				    "for modules");
	} else if (!(d = pkcs7_digest_begin(m->p7, &reason))) {
		s->reason = reason;
	} else if (hash_body(src, ms->body_len, d)) {
		kd_digest_end(d, m->md, &m->mdlen);
		s->status = SIG_UNREAD;
		s->reason = xstrdup("file changed or could not be read while hashing");
	} else if (kd_digest_end(d, m->md, &m->mdlen)) {
		s->reason = xstrdup("digest failed");
	} else {
		return;		/* ready for check_signature() */
	}
	pkcs7_free(m->p7);
	m->p7 = NULL;
}

/*
 * Which certificates may verify a module, in the order tried: the kernel's own
 * for this release, the operator's, the rule set's pinned ones, other
 * releases' builtin keys, and the MOK list (which the kernel trusts for modules
 * only when MokListTrustedRT exists). -1: not a candidate.
 */
static int trust_rank(const struct trust_entry *t, const struct module_rec *m)
{
	bool same = t->release && m->release && strcmp(t->release, m->release) == 0;

	switch (t->kind) {
	case TRUST_KERNEL_IMAGE:
		return same ? 0 : 3;
	case TRUST_OPERATOR:
		return 1;
	case TRUST_RULES:
		return 2;
	case TRUST_UEFI:
		return t->uefi_var && strcmp(t->uefi_var, "MokListRT") == 0 ? 4 : -1;
	default:
		return -1;
	}
}

/* Second half: pick the certificate that identifies the signer and check the math. */
void modfile_check_signature(const struct scan_result *res, struct module_rec *m)
{
	struct sig_result *s = &m->sig;
	bool any_bad = false;
	char *reason;

	if (!m->p7)
		return;
	s->status = SIG_UNVERIFIABLE;
	s->reason = xstrdup("no certificate held for this signer");
	for (int rank = 0; rank <= 4 && s->status != SIG_VALID; rank++) {
		for (size_t i = 0; i < res->ntrust && s->status != SIG_VALID; i++) {
			const struct trust_entry *t = &res->trust[i];
			enum verify_result vr;

			if (!t->cert || trust_rank(t, m) != rank || !pkcs7_signer_is(m->p7, t->cert))
				continue;
			vr = pkcs7_verify_digest(m->p7, t->cert, m->md, m->mdlen, &reason);
			if (vr == VERIFY_OK) {
				free(s->reason);
				free(reason);
				s->reason = NULL;
				s->status = SIG_VALID;
				s->cert = t;
				/* the .machine keyring holds MOK keys only with MokListTrustedRT */
				s->kernel_trusted = rank == 0 || (rank == 4 && res->boot.mok_trusted);
			} else if (!any_bad) {
				free(s->reason);
				s->reason = reason;
				s->cert = t;
				any_bad = vr == VERIFY_BAD;
				s->status = vr == VERIFY_BAD ? SIG_INVALID : SIG_UNVERIFIABLE;
			} else {
				free(reason);
			}
		}
	}
	pkcs7_free(m->p7);
	m->p7 = NULL;
}

static void inspect_image(struct module_rec *m, const struct image_src *src)
{
	uint8_t *tail;
	size_t tail_len = src->size < TAIL_READ ? (size_t)src->size : TAIL_READ;
	struct elfmod em;
	struct modsig ms;
	const char *reason = NULL;
	enum modsig_result mr;
	int r;

	/* the trailer is at the end: read the tail, and more if the PKCS#7 reaches further back */
	tail = xmalloc(tail_len ? tail_len : 1);
	r = src_read(src, src->size - tail_len, tail, tail_len);
	mr = r ? MODSIG_MALFORMED : modsig_parse_tail(tail, tail_len, src->size, &ms, &reason);
	if (!r && mr == MODSIG_SIGNED && !ms.pkcs7 && ms.pkcs7_len <= MAX_PKCS7) {
		free(tail);
		tail_len = ms.pkcs7_len + MODSIG_INFO_LEN + MODSIG_MAGIC_LEN;
		tail = xmalloc(tail_len);
		r = src_read(src, src->size - tail_len, tail, tail_len);
		mr = r ? MODSIG_MALFORMED : modsig_parse_tail(tail, tail_len, src->size, &ms, &reason);
	}
	if (r) {
		m->sig.status = SIG_UNREAD;
		m->sig.reason = xasprintf("not read: %s", strerror(-r));
		free(tail);
		return;
	}
	if (mr == MODSIG_SIGNED && !ms.pkcs7) {
		mr = MODSIG_MALFORMED;
		reason = "PKCS#7 signature larger than 1 MiB";
	}
	if (mr == MODSIG_MALFORMED)
		ms.body_len = src->size;	/* still tell what the file is */
	r = src->buf ? elfmod_parse(src->buf, (size_t)ms.body_len, &em, &reason) :
		       elfmod_parse_fd(src->fd, ms.body_len, &em, &reason);
	if (r == 0) {
		m->modinfo = em.modinfo;
		m->build_id = em.build_id;
		if (em.this_module_name) {
			free(m->name);
			m->name = em.this_module_name;
		} else if (kv_get(&m->modinfo, "name")) {
			free(m->name);
			m->name = xstrdup(kv_get(&m->modinfo, "name"));
		}
	}
	if (mr == MODSIG_MALFORMED || r) {
		m->sig.status = SIG_MALFORMED;
		m->sig.reason = xstrdup(reason);
	} else if (mr == MODSIG_UNSIGNED) {
		m->sig.status = SIG_UNSIGNED;
	} else {
		prepare_signature(m, &ms, src);
	}
	free(tail);
}

/* A record for the module file stem, shown as shown, of release (NULL outside a root). */
static void rec_init(struct module_rec *m, const char *stem, const char *shown,
		     const char *release)
{
	m->name = xstrdup(stem);
	m->path = xstrdup(shown);
	m->release = release ? xstrdup(release) : NULL;
	m->file_name_matches = -1;
	m->build_id_matches = -1;
	m->compression = "none";
}

/* An uncompressed module image: inspected, and its name held against the file's. */
static void inspect_plain(struct module_rec *m, const struct image_src *src, const char *stem)
{
	inspect_image(m, src);
	if (m->sig.status != SIG_MALFORMED || m->modinfo.n)
		m->file_name_matches = module_name_same(stem, m->name);
}

/* A compressed module: signed before compression, so decoded whole (under a cap) first. */
static void inspect_compressed(struct modfile_scratch *sc, struct module_rec *m,
			       enum kd_comp comp, const uint8_t *buf, size_t len, const char *stem)
{
	struct image_src src = { .fd = -1, .chunk = sc->chunk };
	int r;

	m->compression = comp_name(comp);
	r = decompress_into(sc->dec, comp, buf, len, DECOMPRESSED_CAP, &sc->plain);
	if (r == -EFBIG) {
		/* not inspected, so the scan is incomplete: never call it clean */
		m->sig.status = SIG_UNREAD;
		m->sig.reason = xasprintf("%s data decompresses beyond the %llu MiB cap; not inspected",
					  m->compression, DECOMPRESSED_CAP >> 20);
	} else if (r) {
		m->sig.status = SIG_MALFORMED;
		m->sig.reason = xasprintf("%s data corrupt or not supported", m->compression);
	} else {
		src.buf = sc->plain.p;
		src.size = sc->plain.len;
		inspect_plain(m, &src, stem);
	}
	kd_buf_reset(&sc->plain, SCRATCH_KEEP);
}

void modfile_inspect(struct modfile_scratch *sc, struct module_rec *m, int fd,
		     const char *open_path, const char *shown, const char *release)
{
	struct image_src src = { .fd = -1 };
	uint8_t magic[8];
	struct stat st;
	enum kd_comp comp = COMP_NONE;
	char *stem = module_stem(open_path);
	int r;

	rec_init(m, stem, shown, release);
	r = fd;
	if (fd >= 0) {
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			r = -EINVAL;
		} else {
			m->file_size = (uint64_t)st.st_size;
			src.fd = fd;
			src.size = m->file_size;
			/* say how big it is rather than read a multi-gigabyte file */
			r = m->file_size > MODULE_FILE_CAP ? -EFBIG : 0;
			/*
			 * Compressed modules are signed before compression: decode the whole
			 * file. Small files are read in one go; large ones are read in place.
			 */
			if (!r && src.size <= SMALL_FILE) {
				r = fd_read_into(fd, MODULE_FILE_CAP, &sc->file);
				if (!r)
					comp = comp_detect(sc->file.p, sc->file.len);
			} else if (!r && src_read(&src, 0, magic, src.size < sizeof(magic) ?
						  src.size : sizeof(magic)) == 0) {
				comp = comp_detect(magic, src.size < sizeof(magic) ? src.size : sizeof(magic));
				if (comp != COMP_NONE)
					r = fd_read_into(fd, MODULE_FILE_CAP, &sc->file);
			}
			if (!r && comp == COMP_NONE && src.size <= SMALL_FILE) {
				src.buf = sc->file.p;
				src.size = sc->file.len;
			}
		}
	}
	if (r) {
		m->sig.status = SIG_UNREAD;
		if (r == -EFBIG)
			m->sig.reason = xasprintf("file is %llu bytes, over the %llu MiB cap; not read",
						  (unsigned long long)m->file_size, MODULE_FILE_CAP >> 20);
		else if (r == -ELOOP)
			m->sig.reason = xstrdup("symlink loop");
		else if (r == -EINVAL)
			m->sig.reason = xstrdup("not a regular file");
		else
			m->sig.reason = xasprintf("not read: %s", strerror(-r));
		goto out;
	}
	if (!src.buf && !sc->chunk)
		sc->chunk = xmalloc(STREAM_CHUNK);
	src.chunk = sc->chunk;
	if (comp != COMP_NONE)
		inspect_compressed(sc, m, comp, sc->file.p, sc->file.len, stem);
	else
		inspect_plain(m, &src, stem);
out:
	if (fd >= 0)
		close(fd);
	kd_buf_reset(&sc->file, SCRATCH_KEEP);
	free(stem);
}

void modfile_inspect_buf(struct modfile_scratch *sc, struct module_rec *m, const uint8_t *buf,
			 size_t len, const char *member, const char *shown, const char *release)
{
	struct image_src src = { .buf = buf, .fd = -1, .size = len };
	enum kd_comp comp = comp_detect(buf, len);
	struct modfile_scratch *own = sc ? NULL : modfile_scratch_new();
	char *stem = module_stem(member);

	rec_init(m, stem, shown, release);
	m->file_size = len;
	if (comp != COMP_NONE)
		inspect_compressed(sc ? sc : own, m, comp, buf, len, stem);
	else
		inspect_plain(m, &src, stem);
	modfile_scratch_free(own);
	free(stem);
}
