// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan.c - one inspection run: collect trust sources, the running kernel's
 * view and every module file, verify each file's signature (in parallel),
 * join loaded modules to their files, and apply the rules.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core/cursor.h"
#include "core/decompress.h"
#include "core/embedded.h"
#include "core/util.h"
#include "crypto/kimage.h"
#include "crypto/pkcs7.h"
#include "formats/elfmod.h"
#include "formats/modsig.h"
#include "scan/group.h"
#include "scan/scan.h"
#include "scan/userscan.h"
#include "sources/bootscan.h"
#include "sources/devices.h"
#include "scan/hidden.h"
#include "sources/moddir.h"
#include "sources/procfs.h"
#include "store/apply.h"
#include "store/result.h"

#define MODULE_FILE_CAP (512ull << 20)	/* read in place, so only a sanity bound */
#define DECOMPRESSED_CAP (128ull << 20)	/* held in memory: 5x the largest distribution module */
#define SMALL_FILE (2u << 20)	/* read whole: one syscall; larger files are streamed */
#define KERNEL_IMAGE_CAP (256ull << 20)
#define CERT_FILE_CAP (16u << 20)
#define PE_FILE_CAP (64u << 20)
#define WALK_MAX_DEPTH 16
#define WALK_MAX_FILES 200000
#define MAX_JOBS 8

struct scan_ctx {
	struct kd_root root;
	struct scan_result *res;
	/* module files to inspect: path shown, path to open (relative to the root) */
	struct strlist shown;
	struct strlist open_paths;
	struct strlist releases_of;	/* release of each file */
	size_t next;			/* work queue index */
	int phase;			/* 0: read and hash files, 1: check signatures */
	bool hashing;			/* phase 0 is open to the kernel image thread */
	pthread_mutex_t lock;
	bool host_files;		/* inspect: paths are host paths, not inside a root */
	int stdin_fd;			/* inspect -: standard input, copied into memory */
	struct timespec mono_start;	/* the run's duration is measured on CLOCK_MONOTONIC */
};

/* ---- rules and pinned certificates compiled into the binary ---- */

int scan_load_rules(struct ruleset *rs, const struct strlist *replace, const struct strlist *add,
		    char **sha256, char **err)
{
	struct strbuf all;
	int r = 0;

	sb_init(&all);
	if (!replace->n) {
		for (const struct embedded_file *f = kd_embedded_files; f->name && !r; f++) {
			char *name;

			if (!str_has_suffix(f->name, ".rules"))
				continue;
			name = xasprintf("rules/%s", f->name);
			r = rules_parse(rs, name, (const char *)f->data, (size_t)f->size, err);
			sb_putn(&all, (const char *)f->data, (size_t)f->size);
			free(name);
		}
	}
	for (size_t i = 0; i < replace->n && !r; i++)
		r = rules_load_path(rs, replace->v[i], &all, err);
	for (size_t i = 0; i < add->n && !r; i++)
		r = rules_load_path(rs, add->v[i], &all, err);
	if (!r && !rs->n) {
		*err = xstrdup("the rule set is empty");
		r = -1;
	}
	if (!r && sha256)
		*sha256 = sha256_hex(all.s ? all.s : "", all.len);
	sb_free(&all);
	return r;
}

static void load_pinned_certs(struct scan_result *res)
{
	for (const struct embedded_file *f = kd_embedded_files; f->name; f++) {
		struct kd_cert **certs;
		const char *reason;
		int n;

		if (str_has_suffix(f->name, ".rules"))
			continue;
		n = certs_from_bytes(f->data, (size_t)f->size, &certs, &reason);
		for (int i = 0; i < n; i++) {
			char *src = xasprintf("rules/certs/%s", f->name);

			add_trust_cert(res, TRUST_RULES, certs[i], src, NULL);
			free(src);
		}
		free(n > 0 ? certs : NULL);
	}
}

/* ---- operator certificates (--cert), read from the host, not the root ---- */

static int read_host_file(int dirfd, const char *path, size_t cap, uint8_t **buf, size_t *len)
{
	struct stat st;
	int fd, r;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	r = fd_read_all(fd, cap, buf, len);
	close(fd);
	return r;
}

/*
 * A certificate the operator named must be there and parse: a typo in --cert
 * would otherwise turn "verified with the vendor's key" into "unverifiable".
 */
static int load_cert_file(struct scan_result *res, int dirfd, const char *path, const char *shown,
			  char **err)
{
	struct kd_cert **certs;
	const char *reason;
	char *src;
	uint8_t *buf;
	size_t len;
	int n, r;

	r = read_host_file(dirfd, path, CERT_FILE_CAP, &buf, &len);
	if (r) {
		*err = xasprintf("--cert %s: %s", shown,
				 r == -EINVAL ? "not a regular file" : strerror(-r));
		return -1;
	}
	n = certs_from_bytes(buf, len, &certs, &reason);
	free(buf);
	if (n <= 0) {
		*err = xasprintf("--cert %s: %s", shown, n < 0 ? reason : "no certificate in the file");
		return -1;
	}
	src = xasprintf("--cert %s", shown);
	for (int i = 0; i < n; i++)
		add_trust_cert(res, TRUST_OPERATOR, certs[i], src, NULL);
	free(certs);
	add_cov(res, src, COV_OK, xasprintf("%d certificate%s", n, n == 1 ? "" : "s"));
	free(src);
	return 0;
}

static int load_cert_dir(struct scan_result *res, int fd, const char *p, char **err)
{
	struct strlist names = { 0 };
	struct dirent *de;
	DIR *d = fdopendir(fd);
	int r = 0;

	if (!d) {
		*err = xasprintf("--cert %s: %s", p, strerror(errno));
		close(fd);
		return -1;
	}
	while ((de = readdir(d))) {
		const char *n = de->d_name;

		if (str_has_suffix(n, ".der") || str_has_suffix(n, ".crt") ||
		    str_has_suffix(n, ".pem") || str_has_suffix(n, ".cer"))
			sl_push(&names, xstrdup(n));
	}
	sl_sort(&names);
	for (size_t j = 0; j < names.n && !r; j++) {
		char *shown = xasprintf("%s/%s", p, names.v[j]);

		r = load_cert_file(res, dirfd(d), names.v[j], shown, err);
		free(shown);
	}
	if (!r && !names.n) {
		*err = xasprintf("--cert %s: the directory holds no certificate file "
				 "(*.der, *.crt, *.pem, *.cer)", p);
		r = -1;
	}
	sl_free(&names);
	closedir(d);
	return r;
}

static int load_operator_certs(struct scan_result *res, const struct strlist *paths, char **err)
{
	for (size_t i = 0; i < paths->n; i++) {
		const char *p = paths->v[i];
		int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int r = fd < 0 ? load_cert_file(res, AT_FDCWD, p, p, err) : load_cert_dir(res, fd, p, err);

		if (r)
			return r;
	}
	return 0;
}

/* ---- host identity and the running kernel ---- */

/* A one-line identity file of the root (machine-id, boot_id) as it reads, or NULL. */
static char *read_id_file(const struct kd_root *root, const char *path)
{
	char *text;

	if (root_read_file(root, path, 4096, &text, NULL))
		return NULL;
	str_rstrip(text);
	if (!*text) {
		free(text);
		return NULL;
	}
	return text;
}

static void read_host(struct scan_ctx *ctx)
{
	struct scan_result *res = ctx->res;
	char *text;

	/* what tells reports of many machines, and of many boots, apart */
	res->machine_id = read_id_file(&ctx->root, "etc/machine-id");
	res->boot_id = read_id_file(&ctx->root, "proc/sys/kernel/random/boot_id");
	res->kernel_release = procfs_read_release(&ctx->root);
	if (!res->offline) {
		struct utsname u;

		if (uname(&u) == 0) {
			res->hostname = xstrdup(u.nodename);
			if (!res->kernel_release)
				res->kernel_release = xstrdup(u.release);
		}
		return;
	}
	if (root_read_file(&ctx->root, "etc/hostname", 4096, &text, NULL) == 0) {
		str_rstrip(text);
		res->hostname = text;
	}
}

/* The devices bound to each loaded module's drivers: what removing it would stop. */
static void read_devices(struct scan_ctx *ctx)
{
	struct scan_result *res = ctx->res;
	size_t ndev = 0, nmods = 0, errors = 0;
	char *names = NULL;
	struct kd_hwdb *hw = hwdb_open(&ctx->root, &names);

	for (size_t i = 0; i < res->nloaded; i++) {
		struct loaded_module *lm = &res->loaded[i];
		int r = devices_read(&ctx->root, lm->name, hw, &lm->devices);

		if ((r && r != -ENOENT) || lm->devices.truncated)
			errors++;
		ndev += lm->devices.n;
		nmods += lm->devices.n > 0;
	}
	hwdb_close(hw);
	add_cov(res, "sys/bus", errors ? COV_ERROR : COV_OK,
		xasprintf("%zu device%s bound to the drivers of %zu module%s%s; %s", ndev,
			  ndev == 1 ? "" : "s", nmods, nmods == 1 ? "" : "s",
			  errors ? "; some driver or device lists unreadable or cut short" : "",
			  names));
	free(names);
}

static void read_running_kernel(struct scan_ctx *ctx)
{
	struct scan_result *res = ctx->res;
	struct stat st;
	size_t bad = 0;
	int r;

	r = procfs_read_tainted(&ctx->root, &res->taint);
	if (!r) {
		char *letters = taint_letters(res->taint);

		res->have_taint = true;
		add_cov(res, "proc/sys/kernel/tainted", COV_OK,
			xasprintf("%lu%s%s", res->taint, *letters ? " = " : "", letters));
		free(letters);
	} else {
		add_cov(res, "proc/sys/kernel/tainted", cov_from_errno(r),
			r == -EINVAL ? xstrdup("not a number") : xstrdup(strerror(-r)));
	}

	r = procfs_read_modules(&ctx->root, &res->loaded, &res->nloaded, &bad);
	if (!r) {
		add_cov(res, "proc/modules", bad ? COV_ERROR : COV_OK,
			xasprintf("%zu loaded module%s%s", res->nloaded, res->nloaded == 1 ? "" : "s",
				  bad ? ", unparseable lines skipped" : ""));
	} else if (r == -ENOENT && !res->offline && root_stat(&ctx->root, "proc/self", 0, &st) == 0) {
		/* proc is mounted but has no modules file: a kernel without module support */
		add_cov(res, "proc/modules", COV_ABSENT,
			xstrdup("kernel without loadable module support"));
	} else {
		add_cov(res, "proc/modules", cov_from_errno(r), xstrdup(strerror(-r)));
	}
	for (size_t i = 0; i < res->nloaded; i++)
		procfs_read_sysmodule(&ctx->root, &res->loaded[i]);
	if (res->nloaded) {
		size_t in_sysfs = 0;

		for (size_t i = 0; i < res->nloaded; i++)
			in_sysfs += res->loaded[i].in_sysfs;
		add_cov(res, "sys/module", in_sysfs ? COV_OK : COV_ABSENT,
			xasprintf("%zu of %zu loaded modules have a sysfs entry", in_sysfs,
				  res->nloaded));
		read_devices(ctx);
	}

	r = procfs_read_keys(&ctx->root, &res->keys, &res->nkeys, &bad);
	if (!r && !res->offline && geteuid() != 0)
		add_cov(res, "proc/keys", COV_DENIED,
			xasprintf("%zu keys visible; not root, so the kernel's own keys are hidden",
				  res->nkeys));
	else if (!r)
		add_cov(res, "proc/keys", bad ? COV_ERROR : COV_OK,
			xasprintf("%zu keys%s", res->nkeys, bad ? ", unparseable lines skipped" : ""));
	else
		add_cov(res, "proc/keys", cov_from_errno(r), xstrdup(strerror(-r)));
}

/* ---- certificates built into the kernel images under boot/ ---- */

static void read_kernel_images(const struct kd_root *root, struct scan_result *res)
{
	struct strlist names = { 0 };
	int fd = list_kernel_images(root, &names);

	if (fd < 0) {
		add_cov(res, "boot", cov_from_errno(fd), xstrdup(strerror(-fd)));
		return;
	}
	if (!names.n)
		add_cov(res, "boot", COV_ABSENT, xstrdup("no vmlinuz-<release> kernel image"));
	for (size_t i = 0; i < names.n; i++) {
		char *rel = xasprintf("boot/%s", names.v[i]), *src = xasprintf("/%s", rel);
		struct kimage_certs kc;
		const char *reason;
		struct stat st;
		uint8_t *buf;
		size_t len;
		int r, x = -1;

		buf = NULL;
		fd = root_openat(root, rel, ROOT_FOLLOW);
		r = fd < 0 ? fd : fstat(fd, &st) < 0 ? -errno : 0;
		if (!r && (uint64_t)st.st_size > KERNEL_IMAGE_CAP)
			r = -EFBIG;
		/* a bzImage is decoded from the file; other images are read whole */
		if (!r && (x = kimage_extract_certs_fd(fd, (uint64_t)st.st_size, &kc, &reason)) == 1) {
			r = fd_read_all(fd, KERNEL_IMAGE_CAP, &buf, &len);
			if (!r)
				x = kimage_extract_certs(buf, len, &kc, &reason);
		}
		if (fd >= 0)
			close(fd);
		if (r) {
			add_cov(res, src, cov_from_errno(r), xasprintf("not read: %s", strerror(-r)));
		} else if (x) {
			add_cov(res, src, COV_ERROR, xstrdup(reason));
			free(buf);
		} else {
			for (size_t j = 0; j < kc.n; j++) {
				struct trust_entry *t = add_trust_cert(res, TRUST_KERNEL_IMAGE, kc.certs[j], src, NULL);

				t->release = xstrdup(names.v[i] + 8);
			}
			add_cov(res, src, COV_OK,
				xasprintf("%zu builtin certificate%s (payload %s%s)", kc.n,
					  kc.n == 1 ? "" : "s", kc.compression,
					  kc.list_confirmed ? ", list size confirmed" :
							      "; no list size found, every certificate "
							      "in the image taken as builtin"));
			free(kc.certs);
			free(buf);
		}
		free(rel);
		free(src);
	}
	sl_free(&names);
}

/* Join proc/keys asymmetric keys to the certificates we hold, by SKID (or serial). */
static void join_keys(struct scan_result *res)
{
	for (size_t i = 0; i < res->nkeys; i++) {
		const struct kernel_key *k = &res->keys[i];
		bool joined = false;
		size_t n = res->ntrust;

		if (!k->key_id)
			continue;
		for (size_t j = 0; j < n; j++) {
			struct trust_entry *t = &res->trust[j];
			const struct cert_info *ci;

			if (!t->cert)
				continue;
			ci = cert_get_info(t->cert);
			if ((ci->skid && strcmp(ci->skid, k->key_id) == 0) ||
			    (!ci->skid && strcmp(ci->serial, k->key_id) == 0)) {
				if (!t->keyring_key)
					t->keyring_key = xstrdup(k->description);
				joined = true;
			}
		}
		if (!joined) {
			struct trust_entry *t = add_trust_cert(res, TRUST_KEYRING_ONLY, NULL, "/proc/keys", NULL);

			t->keyring_key = xstrdup(k->description);
			t->key_subject = xstrdup(k->subject);
			t->key_id = xstrdup(k->key_id);
		}
	}
}

/* ---- module files ---- */

static bool module_file_name(const char *n)
{
	return str_has_suffix(n, ".ko") || str_has_suffix(n, ".ko.xz") ||
	       str_has_suffix(n, ".ko.zst") || str_has_suffix(n, ".ko.gz");
}

struct walk_state {
	struct scan_ctx *ctx;
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
				if (w->ctx->shown.n >= WALK_MAX_FILES) {
					w->truncated = true;
				} else {
					sl_push(&w->ctx->shown, xasprintf("/%s", path));
					sl_push(&w->ctx->open_paths, xstrdup(path));
					sl_push(&w->ctx->releases_of, xstrdup(w->release));
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

static void find_module_files(struct scan_ctx *ctx, struct strlist *releases)
{
	struct scan_result *res = ctx->res;
	struct dirent *de;
	DIR *d;
	int fd;

	fd = root_openat(&ctx->root, "lib/modules", ROOT_DIR | ROOT_FOLLOW);
	if (fd < 0) {
		add_cov(res, "/lib/modules", cov_from_errno(fd), xstrdup(strerror(-fd)));
		return;
	}
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(st.st_mode))
			continue;
		sl_push(releases, xstrdup(de->d_name));
	}
	closedir(d);
	sl_sort(releases);
	if (!releases->n)
		add_cov(res, "/lib/modules", COV_ABSENT, xstrdup("no kernel release directory"));
	for (size_t i = 0; i < releases->n; i++) {
		char *rel = xasprintf("lib/modules/%s", releases->v[i]);
		struct walk_state w = { .ctx = ctx, .release = releases->v[i] };
		struct strbuf detail;
		char *src = xasprintf("/%s", rel);

		fd = root_openat(&ctx->root, rel, ROOT_DIR | ROOT_FOLLOW);
		if (fd < 0) {
			add_cov(res, src, cov_from_errno(fd), xstrdup(strerror(-fd)));
			free(rel);
			free(src);
			continue;
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
}

/*
 * A module image: in memory (decompressed) or an open file read in place, so
 * a 20 MB driver costs a 1 MiB buffer, not 20 MB.
 */
struct image_src {
	const uint8_t *buf;
	int fd;
	uint64_t size;
};

#define STREAM_CHUNK (1u << 20)
#define TAIL_READ 8192
#define MAX_PKCS7 (1u << 20)

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
	uint8_t *chunk;
	int r = 0;

	if (src->buf) {
		kd_digest_update(d, src->buf, (size_t)len);
		return 0;
	}
	chunk = xmalloc(STREAM_CHUNK);
	for (uint64_t off = 0; off < len && !r; off += STREAM_CHUNK) {
		size_t n = len - off < STREAM_CHUNK ? (size_t)(len - off) : STREAM_CHUNK;

		r = src_read(src, off, chunk, n);
		if (!r)
			kd_digest_update(d, chunk, n);
	}
	free(chunk);
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
	s->issuer = signer.issuer;
	s->issuer_attrs = signer.issuer_attrs;
	s->serial = signer.serial;
	s->skid = signer.skid;
	has_attrs = signer.has_signed_attrs;
	signer.hash_algo = signer.issuer = signer.serial = signer.skid = NULL;
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
static void check_signature(const struct scan_result *res, struct module_rec *m)
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

#define STDIN_CAP (256u << 20)
#define STDIN_NAME "(standard input)"

/*
 * inspect -: standard input may be a pipe, which can be read only once and not
 * at an offset; an anonymous memory file holds it for every reader (no file is
 * written anywhere).
 */
static int stdin_to_memory(char **err)
{
	uint8_t *buf;
	size_t len, done = 0;
	int fd, r;

	r = fd_read_all(STDIN_FILENO, STDIN_CAP, &buf, &len);
	if (r) {
		*err = r == -EFBIG ? xasprintf("standard input: more than %u MiB", STDIN_CAP >> 20) :
				     xasprintf("standard input: %s", strerror(-r));
		return -1;
	}
	fd = memfd_create("kdetect-stdin", MFD_CLOEXEC);
	while (fd >= 0 && done < len) {
		ssize_t n = write(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			fd = -1;
			break;
		}
		done += (size_t)n;
	}
	free(buf);
	if (fd < 0)
		*err = xasprintf("standard input: cannot hold it in memory: %s", strerror(errno));
	return fd;
}

/* An inspect operand, opened: a host path, or - for standard input. fd or -errno. */
static int open_input(const struct scan_ctx *ctx, const char *path)
{
	int fd;

	if (strcmp(path, STDIN_NAME) == 0 && ctx->stdin_fd >= 0) {
		fd = dup(ctx->stdin_fd);
		if (fd < 0 || lseek(fd, 0, SEEK_SET) < 0) {
			int e = errno;

			if (fd >= 0)
				close(fd);
			return -e;
		}
		return fd;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

static int read_input(const struct scan_ctx *ctx, const char *path, size_t cap, uint8_t **buf,
		      size_t *len)
{
	int fd = open_input(ctx, path), r;
	struct stat st;

	if (fd < 0)
		return fd;
	r = fstat(fd, &st) < 0 ? -errno : S_ISREG(st.st_mode) ? 0 : -EINVAL;
	if (!r)
		r = fd_read_all(fd, cap, buf, len);
	close(fd);
	return r;
}

/* What the user named must exist and be a file: a typo is an error, not "nothing found". */
static int check_inputs(char **files, size_t nfiles, bool *want_stdin, char **err)
{
	*want_stdin = false;
	for (size_t i = 0; i < nfiles; i++) {
		struct stat st;
		int fd;

		if (strcmp(files[i], "-") == 0) {
			if (*want_stdin) {
				*err = xstrdup("inspect: - (standard input) given more than once");
				return -1;
			}
			*want_stdin = true;
			continue;
		}
		fd = open(files[i], O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd < 0 || fstat(fd, &st) < 0) {
			*err = xasprintf("cannot inspect %s: %s", files[i], strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
		if (!S_ISREG(st.st_mode)) {
			*err = xasprintf("cannot inspect %s: %s", files[i],
					 S_ISDIR(st.st_mode) ? "it is a directory" : "not a regular file");
			return -1;
		}
	}
	return 0;
}

static void inspect_one(struct scan_ctx *ctx, size_t idx)
{
	struct module_rec *m = &ctx->res->mods[idx];
	const char *open_path = ctx->open_paths.v[idx];
	struct image_src src = { .fd = -1 };
	uint8_t magic[8], *buf = NULL, *plain = NULL;
	size_t len = 0, plen;
	struct stat st;
	enum kd_comp comp = COMP_NONE;
	char *stem = module_stem(open_path);
	int fd, r;

	m->name = xstrdup(stem);
	m->path = xstrdup(ctx->shown.v[idx]);
	m->release = ctx->host_files ? NULL : xstrdup(ctx->releases_of.v[idx]);
	m->file_name_matches = -1;
	m->build_id_matches = -1;
	m->compression = "none";
	if (ctx->host_files) {
		fd = open_input(ctx, open_path);
	} else {
		fd = root_openat(&ctx->root, open_path, ROOT_FOLLOW);
	}
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
			if (!r && src_read(&src, 0, magic, src.size < sizeof(magic) ? src.size : sizeof(magic)) == 0)
				comp = comp_detect(magic, src.size < sizeof(magic) ? src.size : sizeof(magic));
			/*
			 * Compressed modules are signed before compression: decode the whole
			 * file. Small files are read in one go; large ones are read in place.
			 */
			if (!r && (comp != COMP_NONE || src.size <= SMALL_FILE))
				r = fd_read_all(fd, MODULE_FILE_CAP, &buf, &len);
			if (!r && comp == COMP_NONE && buf) {
				src.buf = buf;
				src.size = len;
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
	if (comp != COMP_NONE) {
		m->compression = comp_name(comp);
		r = decompress_all(comp, buf, len, DECOMPRESSED_CAP, &plain, &plen);
		free(buf);
		buf = NULL;
		if (r == -EFBIG) {
			/* not inspected, so the scan is incomplete: never call it clean */
			m->sig.status = SIG_UNREAD;
			m->sig.reason = xasprintf("%s data decompresses beyond the %llu MiB cap; not inspected",
						  m->compression, DECOMPRESSED_CAP >> 20);
			goto out;
		}
		if (r) {
			m->sig.status = SIG_MALFORMED;
			m->sig.reason = xasprintf("%s data corrupt or not supported", m->compression);
			goto out;
		}
		src.buf = plain;
		src.size = plen;
	}
	inspect_image(m, &src);
	if (m->sig.status != SIG_MALFORMED || m->modinfo.n)
		m->file_name_matches = module_name_same(stem, m->name);
out:
	if (fd >= 0)
		close(fd);
	free(plain);
	free(buf);
	free(stem);
}

static void *worker(void *arg)
{
	struct scan_ctx *ctx = arg;

	for (;;) {
		size_t idx;
		int phase;

		pthread_mutex_lock(&ctx->lock);
		idx = ctx->next++;
		phase = ctx->phase;
		pthread_mutex_unlock(&ctx->lock);
		if (idx >= ctx->shown.n)
			break;
		if (phase == 0)
			inspect_one(ctx, idx);
		else
			check_signature(ctx->res, &ctx->res->mods[idx]);
	}
	return NULL;
}

struct kernel_job {
	struct scan_ctx *ctx;
	struct scan_result part;	/* coverage and trust found, merged after the join */
	pthread_t tid;
	bool threaded;
	bool done;		/* images read; under ctx->lock */
};

/* Open a phase's work queue. Returns whether the kernel image thread is still decoding. */
static bool open_phase(struct scan_ctx *ctx, int phase, const struct kernel_job *kjob)
{
	bool kernel_busy;

	pthread_mutex_lock(&ctx->lock);
	ctx->phase = phase;
	ctx->next = 0;
	ctx->hashing = phase == 0;
	kernel_busy = kjob && kjob->threaded && !kjob->done;
	pthread_mutex_unlock(&ctx->lock);
	return kernel_busy;
}

/* Run the open phase with jobs threads (the caller's included) until its queue is empty. */
static void run_workers(struct scan_ctx *ctx, int jobs)
{
	pthread_t tids[MAX_JOBS];
	int started = 0;

	if (jobs < 1)
		jobs = 1;
	if (jobs > MAX_JOBS)
		jobs = MAX_JOBS;
	if ((size_t)jobs > ctx->shown.n)
		jobs = ctx->shown.n ? (int)ctx->shown.n : 1;
	for (int i = 1; i < jobs; i++)
		if (pthread_create(&tids[started], NULL, worker, ctx) == 0)
			started++;
	worker(ctx);
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
}

static void *kernel_images_thread(void *arg)
{
	struct kernel_job *job = arg;
	struct scan_ctx *ctx = job->ctx;
	bool help;

	read_kernel_images(&ctx->root, &job->part);
	boot_read_keys(&ctx->root, &job->part);
	/* done early: help read and hash the module files that are still queued */
	pthread_mutex_lock(&ctx->lock);
	help = ctx->hashing;
	job->done = true;
	pthread_mutex_unlock(&ctx->lock);
	if (help)
		worker(ctx);
	return NULL;
}

/*
 * Decoding a kernel image (xz, tens of MB) is the longest serial step of a
 * scan: start it first, on a thread of its own, and join it only when the
 * signatures need its certificates.
 */
static void kernel_job_start(struct kernel_job *job, struct scan_ctx *ctx)
{
	memset(job, 0, sizeof(*job));
	job->ctx = ctx;
	job->threaded = pthread_create(&job->tid, NULL, kernel_images_thread, job) == 0;
	if (!job->threaded)
		read_kernel_images(&ctx->root, &job->part);
}

static void merge_part(struct scan_result *res, struct scan_result *part)
{
	if (part->ncov) {
		res->cov = xreallocarray(res->cov, res->ncov + part->ncov, sizeof(*res->cov));
		memcpy(res->cov + res->ncov, part->cov, part->ncov * sizeof(*res->cov));
		res->ncov += part->ncov;
	}
	if (part->ntrust) {
		res->trust = xreallocarray(res->trust, res->ntrust + part->ntrust, sizeof(*res->trust));
		memcpy(res->trust + res->ntrust, part->trust, part->ntrust * sizeof(*res->trust));
		res->ntrust += part->ntrust;
	}
	free(part->cov);
	free(part->trust);
	/* the boot state and key databases read with the kernel images */
	res->boot = part->boot;
	res->boot_keys = part->boot_keys;
	memset(part, 0, sizeof(*part));
}

static void kernel_job_finish(struct kernel_job *job, struct scan_result *res)
{
	if (job->threaded)
		pthread_join(job->tid, NULL);
	merge_part(res, &job->part);
	join_keys(res);
}

/*
 * Read, decompress, parse and hash every module file (while the kernel job,
 * if any, decodes the kernel images); then check each signature against the
 * trust sources.
 */
static void inspect_all(struct scan_ctx *ctx, int jobs, struct kernel_job *kjob)
{
	struct scan_result *res = ctx->res;

	res->nmods = ctx->shown.n;
	res->mods = xcalloc(res->nmods ? res->nmods : 1, sizeof(*res->mods));
	/* a kernel image thread still decoding keeps a core, and joins in when it is done */
	run_workers(ctx, open_phase(ctx, 0, kjob) && jobs > 1 ? jobs - 1 : jobs);
	if (kjob)
		kernel_job_finish(kjob, res);
	open_phase(ctx, 1, NULL);
	run_workers(ctx, jobs);
}

/* ---- loaded modules and their files ---- */

static const char *running_release(struct scan_ctx *ctx, const struct strlist *releases)
{
	struct scan_result *res = ctx->res;
	size_t best = 0;
	const char *pick = NULL;

	if (res->kernel_release)
		return res->kernel_release;
	/*
	 * An image with proc/modules but no osrelease: the release whose files are
	 * the loaded modules, by build-id (worth more) or else by name.
	 */
	for (size_t r = 0; r < releases->n; r++) {
		size_t score = 0;

		for (size_t i = 0; i < res->nloaded; i++) {
			const struct loaded_module *lm = &res->loaded[i];
			size_t hit = 0;

			for (size_t j = 0; j < res->nmods; j++) {
				const struct module_rec *m = &res->mods[j];

				if (!m->release || strcmp(m->release, releases->v[r]) ||
				    !module_name_same(m->name, lm->name))
					continue;
				hit = lm->build_id && m->build_id && !strcmp(lm->build_id, m->build_id) ?
					      2 : hit ? hit : 1;
			}
			score += hit;
		}
		if (score > best) {
			best = score;
			pick = releases->v[r];
		}
	}
	return pick;
}

static void join_loaded(struct scan_ctx *ctx, const struct strlist *releases)
{
	struct scan_result *res = ctx->res;
	const char *rel = running_release(ctx, releases);
	struct moddir *md = NULL;
	char *detail = NULL;

	if (!res->nloaded)
		return;
	if (rel) {
		char *src = xasprintf("/lib/modules/%s/modules.dep", rel);

		md = moddir_open(&ctx->root, rel, &detail);
		add_cov(res, src, md ? COV_OK : COV_ABSENT, detail);
		free(src);
	}
	for (size_t i = 0; i < res->nloaded; i++) {
		struct loaded_module *lm = &res->loaded[i];
		struct module_rec *pick = NULL;
		char *dep = md ? moddir_lookup(md, lm->name) : NULL;
		char *dep_shown = dep ? xasprintf("/lib/modules/%s/%s", rel, dep) : NULL;

		for (size_t j = 0; j < res->nmods; j++) {
			struct module_rec *m = &res->mods[j];

			if (m->loaded || !rel || !m->release || strcmp(m->release, rel) ||
			    !module_name_same(m->name, lm->name))
				continue;
			/* the file modprobe would load wins, then the one with the same build-id */
			if (dep_shown && strcmp(m->path, dep_shown) == 0) {
				pick = m;
				break;
			}
			if (!pick || (lm->build_id && m->build_id && !strcmp(lm->build_id, m->build_id)))
				pick = m;
		}
		free(dep);
		free(dep_shown);
		if (!pick) {
			res->mods = xreallocarray(res->mods, res->nmods + 1, sizeof(*res->mods));
			pick = &res->mods[res->nmods++];
			memset(pick, 0, sizeof(*pick));
			pick->name = xstrdup(lm->name);
			pick->release = rel ? xstrdup(rel) : NULL;
			pick->file_name_matches = -1;
			pick->build_id_matches = -1;
			pick->compression = "none";
			pick->sig.status = SIG_UNREAD;
			pick->sig.reason = xstrdup("no module file found on disk");
		}
		pick->loaded = true;
		pick->lm = lm;
		if (lm->build_id && pick->build_id)
			pick->build_id_matches = strcmp(lm->build_id, pick->build_id) == 0;
	}
	moddir_close(md);
}

/*
 * Modules built into a release's kernel appear in no module list and have no
 * file: their modinfo (modules.builtin.modinfo) is all there is to match.
 * Code built into the running kernel runs; into another release, it is installed.
 */
static void scan_builtin(struct scan_ctx *ctx, const struct strlist *releases)
{
	struct scan_result *res = ctx->res;
	const char *running = running_release(ctx, releases);
	struct subject host = host_subject(&ctx->root);

	for (size_t i = 0; i < releases->n; i++) {
		const char *rel = releases->v[i];
		char *src = xasprintf("/lib/modules/%s/modules.builtin.modinfo", rel);
		bool runs = running && !strcmp(running, rel);
		struct fact_set set = { 0 };
		int r = moddir_builtin_modinfo(&ctx->root, rel, &set);

		if (r)
			add_cov(res, src, cov_from_errno(r), xstrdup(strerror(-r)));
		else
			add_cov(res, src, COV_OK, xasprintf("%zu built-in module%s", set.n,
							    set.n == 1 ? "" : "s"));
		for (size_t k = 0; k < set.n; k++) {
			struct kvlist first = { 0 };
			struct subject subj = host;

			kv_add(&set.v[k], "module.builtin", "yes");
			kv_add(&set.v[k], "module.loaded", runs ? "yes" : "no");
			subj.facts = &set.v[k];
			kv_add(&first, "built_in", runs ? "yes, into the running kernel" :
							"yes, into an installed kernel");
			kv_add(&first, "release", rel);
			apply_subject_rules(res, &subj, KIND_MODULE, !runs, "kaspersky",
					    kv_get(&set.v[k], "module.name"), src, &first);
			kv_free(&first);
		}
		fact_set_free(&set);
		free(src);
	}
}

/* ---- findings ---- */

/* ---- ordering, so that two runs over the same input print the same report ---- */

static int nullcmp(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_module(const void *pa, const void *pb)
{
	const struct module_rec *a = pa, *b = pb;
	int c;

	if ((c = nullcmp(a->release, b->release)))
		return c;
	if ((c = strcmp(a->name, b->name)))
		return c;
	return nullcmp(a->path, b->path);
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	int c;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((c = strcmp(a->name, b->name)))
		return c;
	if ((c = nullcmp(a->path, b->path)))
		return c;
	return strcmp(a->rule, b->rule);
}

static void finish(struct scan_result *res, const struct kd_root *root)
{
	struct subject host = host_subject(root);

	/* sort modules, keeping sig.cert pointers valid (they point into trust, not mods) */
	if (res->nmods > 1)
		qsort(res->mods, res->nmods, sizeof(*res->mods), cmp_module);
	apply_module_rules(res, &host);
	module_integrity_findings(res);
	if (res->nfindings > 1)
		qsort(res->findings, res->nfindings, sizeof(*res->findings), cmp_finding);
	findings_group(res, root);
}

static int common_setup(struct scan_ctx *ctx, const struct scan_options *opt,
			struct scan_result *res, char **err)
{
	memset(res, 0, sizeof(*res));
	memset(ctx, 0, sizeof(*ctx));
	ctx->res = res;
	ctx->root.fd = -1;	/* inspect opens no root: root_fini must not close stdin */
	ctx->stdin_fd = -1;
	clock_gettime(CLOCK_REALTIME, &res->started);
	clock_gettime(CLOCK_MONOTONIC, &ctx->mono_start);
	for (size_t i = 0; opt->argv && opt->argv[i]; i++)
		sl_push(&res->argv, xstrdup(opt->argv[i]));
	pthread_mutex_init(&ctx->lock, NULL);
	crypto_init();
	elfmod_init();
	if (scan_load_rules(&res->rules, &opt->rules, &opt->rules_add, &res->rules_sha256, err))
		return -1;
	add_cov(res, "rules", COV_OK,
		xasprintf("%zu rules from %s, sha256 %s", res->rules.n,
			  opt->rules.n ? "--rules" : opt->rules_add.n ? "the built-in set and --rules-add" :
					 "the built-in set",
			  res->rules_sha256));
	load_pinned_certs(res);
	return load_operator_certs(res, &opt->certs, err);
}

/* The end of a run: the only members of a report that differ between two runs. */
static void run_end(struct scan_ctx *ctx)
{
	struct timespec now;
	int64_t ms;

	clock_gettime(CLOCK_REALTIME, &ctx->res->finished);
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (int64_t)(now.tv_sec - ctx->mono_start.tv_sec) * 1000 +
	     (now.tv_nsec - ctx->mono_start.tv_nsec) / 1000000;
	ctx->res->duration_ms = ms > 0 ? (uint64_t)ms : 0;
}

static void ctx_free(struct scan_ctx *ctx)
{
	sl_free(&ctx->shown);
	sl_free(&ctx->open_paths);
	sl_free(&ctx->releases_of);
	pthread_mutex_destroy(&ctx->lock);
	root_fini(&ctx->root);
	if (ctx->stdin_fd >= 0)
		close(ctx->stdin_fd);
}

/*
 * An offline root that holds no operating system is most often an image that
 * was never mounted (the mount point's empty directory): scanning it would
 * report "nothing found". Any of these says there is something to inspect.
 */
static bool root_holds_system(const struct kd_root *root)
{
	static const char *const marks[] = {
		"etc/os-release", "usr/lib/os-release", "lib/modules", "usr/lib/modules", "usr",
		"boot", "EFI", "efi",
	};
	struct stat st;
	char *win;

	for (size_t i = 0; i < ARRAY_SIZE(marks); i++)
		if (root_stat(root, marks[i], ROOT_FOLLOW, &st) == 0)
			return true;
	win = boot_windows_drivers_dir(root, "");
	free(win);
	return win != NULL;
}

/* Each --path and --windows the user named must be a directory inside the root. */
static int check_named_dirs(const struct kd_root *root, const struct scan_options *opt,
			    char **err)
{
	const struct strlist *lists[] = { &opt->paths, &opt->windows };
	static const char *const names[] = { "--path", "--windows" };

	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		for (size_t i = 0; i < lists[l]->n; i++) {
			const char *p = lists[l]->v[i];
			const char *rel = p[0] == '/' ? p + 1 : p;
			struct stat st;
			char *drivers;
			int r = root_stat(root, *rel ? rel : ".", ROOT_FOLLOW, &st);

			if (!r && !S_ISDIR(st.st_mode))
				r = -ENOTDIR;
			if (r) {
				*err = root->offline ?
				       xasprintf("%s %s: %s (inside the root %s)", names[l], p,
						 strerror(-r), root->path) :
				       xasprintf("%s %s: %s", names[l], p, strerror(-r));
				return -1;
			}
			if (l == 0)
				continue;
			drivers = boot_windows_drivers_dir(root, rel);
			if (!drivers) {
				*err = xasprintf("--windows %s: not a Windows installation "
						 "(no Windows/System32/drivers in it)", p);
				return -1;
			}
			free(drivers);
		}
	}
	return 0;
}

/*
 * On a live host, proc/ and sys/ are where the running kernel shows itself; an
 * empty or missing one (a chroot or container without them mounted) hides every
 * loaded module, so the scan cannot be complete.
 */
static void check_live_mounts(struct scan_ctx *ctx)
{
	static const char *const dirs[] = { "proc", "sys" };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		struct strlist names = { 0 };
		int r = root_list_dir(&ctx->root, dirs[i], false, 1, &names);
		char *src = xasprintf("/%s", dirs[i]);

		if (r < 0 || !names.n)
			add_cov(ctx->res, src, COV_ERROR,
				xasprintf("%s: a live host's /%s is required; mount it "
					  "(mount -t %s %s /%s) or scan this tree with --root",
					  r < 0 ? strerror(-r) : "empty, not mounted", dirs[i],
					  i ? "sysfs" : "proc", i ? "sysfs" : "proc", dirs[i]));
		sl_free(&names);
		free(src);
	}
}

int scan_run(const struct scan_options *opt, struct scan_result *res, char **err)
{
	struct strlist releases = { 0 };
	struct kernel_job kjob;
	struct scan_ctx ctx;
	int r;

	if (common_setup(&ctx, opt, res, err)) {
		ctx_free(&ctx);
		return -1;
	}
	res->offline = opt->root != NULL;
	r = root_init(&ctx.root, opt->root ? opt->root : "/", res->offline);
	if (r) {
		*err = xasprintf("cannot open root %s: %s", opt->root ? opt->root : "/", strerror(-r));
		ctx_free(&ctx);
		return -1;
	}
	if (res->offline && !root_holds_system(&ctx.root)) {
		*err = xasprintf("--root %s holds no operating system: no etc/os-release, usr, "
				 "lib/modules, boot, EFI or Windows directory (is the image mounted?)",
				 opt->root);
		ctx_free(&ctx);
		return -1;
	}
	if (check_named_dirs(&ctx.root, opt, err)) {
		ctx_free(&ctx);
		return -1;
	}
	res->root = xstrdup(ctx.root.path);
	if (!res->offline)
		check_live_mounts(&ctx);
	kernel_job_start(&kjob, &ctx);
	read_host(&ctx);
	read_running_kernel(&ctx);
	find_module_files(&ctx, &releases);
	inspect_all(&ctx, opt->jobs, &kjob);
	join_loaded(&ctx, &releases);
	scan_builtin(&ctx, &releases);
	scan_hidden(&ctx.root, res);
	scan_boot(&ctx.root, &opt->windows, res);
	scan_userland(&ctx.root, opt, res);
	finish(res, &ctx.root);
	/* the key databases served the verdicts; the report does not show them */
	boot_keys_free(res->boot_keys);
	res->boot_keys = NULL;
	run_end(&ctx);
	sl_free(&releases);
	ctx_free(&ctx);
	return 0;
}

int scan_inspect_files(const struct scan_options *opt, char **files, size_t nfiles,
		       struct scan_result *res, char **err)
{
	struct scan_ctx ctx;
	bool want_stdin;

	if (common_setup(&ctx, opt, res, err)) {
		ctx_free(&ctx);
		return -1;
	}
	ctx.host_files = true;
	if (check_inputs(files, nfiles, &want_stdin, err) ||
	    (want_stdin && (ctx.stdin_fd = stdin_to_memory(err)) < 0)) {
		ctx_free(&ctx);
		return -1;
	}
	for (size_t i = 0; i < nfiles; i++) {
		const char *shown = strcmp(files[i], "-") ? files[i] : STDIN_NAME;
		uint8_t *buf;
		size_t len;

		/* PE images (EFI binaries, drivers, signed kernels) go their own way */
		if (read_input(&ctx, shown, PE_FILE_CAP, &buf, &len) == 0) {
			bool is_pe = len >= 2 && buf[0] == 'M' && buf[1] == 'Z';

			bool done = is_pe || boot_inspect_other(res, shown, buf, len);

			if (is_pe)
				boot_inspect_pe(res, shown, buf, len);
			free(buf);
			if (done)
				continue;
		}
		sl_push(&ctx.shown, xstrdup(shown));
		sl_push(&ctx.open_paths, xstrdup(shown));
		sl_push(&ctx.releases_of, xstrdup(""));
	}
	inspect_all(&ctx, opt->jobs, NULL);
	scan_trusted_certs(res, NULL);
	finish(res, NULL);
	run_end(&ctx);
	ctx_free(&ctx);
	return 0;
}
