// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * esp.c - the EFI System Partition, wherever it is mounted (the usual places and
 * etc/fstab's vfat mounts): the shims' vendor certificates, then every EFI binary;
 * and the signed kernel images of boot/.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/root.h"
#include "core/util.h"
#include "crypto/kimage.h"
#include "formats/pe.h"
#include "sources/boot/esp.h"
#include "sources/boot/fstab.h"
#include "sources/boot/image.h"
#include "sources/boot/uefi.h"
#include "sources/filewalk.h"
#include "store/result.h"

/* First pass over the ESP: the vendor certificates of the shims, which anchor what they load. */
static void on_esp_vendor(const char *path, const char *name, uint64_t size, int dirfd, void *ctx)
{
	struct boot_ctx *b = ctx;
	struct pe_image pe;
	const char *reason;
	struct kd_cert *v;
	uint8_t *buf;
	size_t len;

	(void)path;
	if (read_walked(dirfd, name, size, 64, &buf, &len))
		return;
	if (pe_parse(buf, len, &pe, &reason) == 0) {
		shim_vendor_dbx(&pe, &b->vendor_dbx);
		v = shim_vendor_cert(&pe);
		if (v && !in_db(&b->vendor, v)) {
			b->vendor.certs = xreallocarray(b->vendor.certs, b->vendor.ncerts + 1,
							sizeof(*b->vendor.certs));
			b->vendor.certs[b->vendor.ncerts++] = v;
		} else {
			cert_free(v);
		}
		pe_free(&pe);
	}
	free(buf);
}

static void on_esp_file(const char *path, const char *name, uint64_t size, int dirfd, void *ctx)
{
	struct esp_walk *w = ctx;
	uint8_t *buf;
	size_t len;

	if (read_walked(dirfd, name, size, 64, &buf, &len))
		return;
	if (len >= 2 && buf[0] == 'M' && buf[1] == 'Z') {
		inspect_pe(w->b, path, "efi", buf, len, true);
		w->seen_pe++;
	}
	free(buf);
}

static bool is_vfat(const char *type)
{
	return strcmp(type, "vfat") == 0;
}

void scan_esp(struct boot_ctx *b)
{
	struct strlist places = { 0 };
	struct walk_seen seen = { 0 };
	size_t budget = ESP_FILE_BUDGET;

	sl_push(&places, xstrdup("boot/efi"));
	sl_push(&places, xstrdup("efi"));
	sl_push(&places, xstrdup("boot"));
	fstab_mounts(b->root, is_vfat, &places);	/* ESP mount points besides the usual places */
	for (size_t i = 0; i < places.n; i++) {
		static const char *const efi_names[] = { "EFI", "efi" };

		for (size_t k = 0; k < ARRAY_SIZE(efi_names); k++) {
			char *dir = xasprintf("%s/%s", places.v[i], efi_names[k]);
			struct esp_walk w = { .b = b };
			struct walk_seen seen1 = { 0 };
			size_t budget1 = ESP_FILE_BUDGET;
			struct walk_stats st;
			int r;

			/* two passes: shims' vendor certificates first, then every image */
			if (files_walk(b->root, dir, &seen1, &budget1, &st, on_esp_vendor, b) == 0 &&
			    b->vendor.ncerts)
				add_cov(b->res, "shim vendor certificates", COV_OK,
					xasprintf("%zu, anchoring what the shims load; their vendor dbx: "
						  "%zu hashes, %zu TBS hashes", b->vendor.ncerts,
						  b->vendor_dbx.hashes.n, b->vendor_dbx.tbs.n));
			walk_seen_free(&seen1);
			r = files_walk(b->root, dir, &seen, &budget, &st, on_esp_file, &w);

			if (r == 0 && st.dirs) {
				char *src = xasprintf("/%s", dir);

				add_walk_cov(b->res, src, &st,
					     xasprintf("EFI System Partition: %zu files, %zu PE images",
						       st.files, w.seen_pe));
				free(src);
			}
			free(dir);
		}
	}
	sl_free(&places);
	walk_seen_free(&seen);
}

/* The kernel images (list_kernel_images): a signed kernel is a PE image too (EFI stub). */
void scan_kernel_pes(struct boot_ctx *b)
{
	struct kernel_image_list imgs;
	int fd;

	list_kernel_images(b->root, &imgs);
	for (size_t i = 0; i < imgs.paths.n; i++) {
		const char *rel = imgs.paths.v[i];
		char *shown;
		uint8_t *buf;
		size_t len;

		if (imgs.same_as.v[i][0])
			continue;	/* read under its first name */
		shown = xasprintf("/%s", rel);
		fd = root_openat(b->root, rel, ROOT_FOLLOW);
		if (fd >= 0) {
			if (fd_read_all(fd, PE_CAP, &buf, &len) == 0) {
				if (len >= 2 && buf[0] == 'M' && buf[1] == 'Z')
					inspect_pe(b, shown, "kernel", buf, len, false);
				free(buf);
			}
			close(fd);
		}
		free(shown);
	}
	kernel_image_list_free(&imgs);
}
