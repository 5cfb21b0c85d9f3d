/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kimage.h - the X.509 certificates a kernel image carries (its builtin trusted keys). */
#ifndef KD_KIMAGE_H
#define KD_KIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/root.h"
#include "core/util.h"
#include "crypto/cert.h"

struct kimage_certs {
	struct kd_cert **certs;
	size_t n;
	const char *compression;	/* payload compression, "none" for a raw vmlinux */
	bool list_confirmed;		/* certs are the run the kernel's list size names */
};

/* Returns 0, or -1 with *reason (static string). */
int kimage_extract_certs(const uint8_t *p, size_t n, struct kimage_certs *out, const char **reason);
/*
 * The same from an open image file of size bytes. A bzImage payload is decoded
 * from the file without reading it whole. Returns 0, -1 with *reason, or 1 when
 * the image is of another kind: then read it and call kimage_extract_certs().
 */
int kimage_extract_certs_fd(int fd, uint64_t size, struct kimage_certs *out, const char **reason);
void kimage_certs_free(struct kimage_certs *kc);

/*
 * The kernel images of a root, paths relative to it: boot/vmlinuz-<release>
 * (sorted), <tree>/<release>/vmlinuz for the module trees lib/modules and
 * usr/lib/modules (Fedora, RHEL), then the links boot/vmlinuz, boot/vmlinuz.old,
 * vmlinuz and vmlinuz.old (release unknown: ""). Entries other than
 * boot/vmlinuz-* are listed only when they exist. same_as names an earlier
 * entry that is the same file (device and inode), else "": read it once.
 */
struct kernel_image_list {
	struct strlist paths;
	struct strlist releases;
	struct strlist same_as;
};

/* Fills out (always; free it). 0, or -errno when boot/ could not be listed. */
int list_kernel_images(const struct kd_root *root, struct kernel_image_list *out);
void kernel_image_list_free(struct kernel_image_list *l);

#endif
