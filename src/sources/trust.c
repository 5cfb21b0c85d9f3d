// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trust.c - the certificates modules may be verified with: those pinned by the
 * rule set (compiled into the binary), the operator's (--cert, read from the
 * host, not the root), and those built into the root's kernel images.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/embedded.h"
#include "core/root.h"
#include "core/util.h"
#include "crypto/cert.h"
#include "crypto/kimage.h"
#include "sources/trust.h"
#include "store/result.h"

#define KERNEL_IMAGE_CAP (256ull << 20)
#define CERT_FILE_CAP (16u << 20)

void trust_load_pinned(struct scan_result *res)
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

static int read_host_file(int dirfd, const char *path, size_t cap, uint8_t **buf, size_t *len)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	return fd < 0 ? -errno : fd_read_regular(fd, cap, buf, len);
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

int trust_load_operator(struct scan_result *res, const struct strlist *paths, char **err)
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

/* A certificate this release's kernel image already gave (a copy of the image elsewhere). */
static bool release_holds(const struct scan_result *res, const char *release,
			  const struct kd_cert *c)
{
	const char *sha = cert_get_info(c)->sha256;

	for (size_t i = 0; i < res->ntrust; i++) {
		const struct trust_entry *t = &res->trust[i];

		if (t->kind == TRUST_KERNEL_IMAGE && t->cert && t->release && release &&
		    strcmp(t->release, release) == 0 &&
		    strcmp(cert_get_info(t->cert)->sha256, sha) == 0)
			return true;
	}
	return false;
}

/*
 * The certificates built into each kernel image are the trust for the modules
 * of its release. One file under two names (a symlink, merged /usr) is read
 * once; a copy of an image (Fedora's /boot beside lib/modules/<release>) is
 * read, and a certificate its release already holds is not added again.
 */
void trust_read_kernel_images(const struct kd_root *root, struct scan_result *res)
{
	struct kernel_image_list imgs;
	int fd = list_kernel_images(root, &imgs);

	if (fd < 0 && fd != -ENOENT)
		add_cov(res, "boot", cov_from_errno(fd), xstrdup(strerror(-fd)));
	if (!imgs.paths.n && (fd == 0 || fd == -ENOENT))
		add_cov(res, "boot", COV_ABSENT, xstrdup("no vmlinuz-<release> kernel image"));
	for (size_t i = 0; i < imgs.paths.n; i++) {
		const char *rel = imgs.paths.v[i];
		const char *release = imgs.releases.v[i][0] ? imgs.releases.v[i] : NULL;
		char *src = xasprintf("/%s", rel);
		struct kimage_certs kc;
		const char *reason;
		struct stat st;
		uint8_t *buf;
		size_t len, again = 0;
		int r, x = -1;

		if (imgs.same_as.v[i][0]) {
			add_cov(res, src, COV_OK, xasprintf("the same file as /%s, read once",
							    imgs.same_as.v[i]));
			free(src);
			continue;
		}
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
				struct trust_entry *t;

				if (release_holds(res, release, kc.certs[j])) {
					cert_free(kc.certs[j]);
					again++;
					continue;
				}
				t = add_trust_cert(res, TRUST_KERNEL_IMAGE, kc.certs[j], src, NULL);
				t->release = release ? xstrdup(release) : NULL;
			}
			add_cov(res, src, COV_OK,
				xasprintf("%zu builtin certificate%s (payload %s%s)%s%s%s", kc.n,
					  kc.n == 1 ? "" : "s", kc.compression,
					  kc.list_confirmed ? ", list size confirmed" :
							      "; no list size found, every certificate "
							      "in the image taken as builtin",
					  again ? "; held already from another image of "
						  "release " : "",
					  again ? release : "",
					  release ? "" : "; release unknown: its certificates are "
							 "no release's own"));
			free(kc.certs);
			free(buf);
		}
		free(src);
	}
	kernel_image_list_free(&imgs);
}
