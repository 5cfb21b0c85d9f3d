/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctx.h - what the files of the boot collector (uefi.c, image.c, esp.c,
 * windows.c, boot.c) share while one scan runs: the key databases, and the
 * shims' vendor certificates and a Windows installation's catalogs found on
 * the way, against which each image is judged.
 */
#ifndef KD_BOOT_CTX_H
#define KD_BOOT_CTX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/root.h"
#include "core/util.h"
#include "crypto/cert.h"
#include "store/result.h"

#define PE_CAP (64u << 20)
#define ESP_FILE_BUDGET 20000

/* What the key databases hold, for the verdicts. */
struct uefi_db {
	struct kd_cert **certs;
	size_t ncerts;
	struct strlist hashes;		/* hex SHA-256 image hashes */
	struct strlist tbs;		/* hex TBSCertificate hashes (dbx); "sha384:"/"sha512:" prefixed */
	/*
	 * per tbs entry: its TimeOfRevocation, YYYY-MM-DDTHH:MM:SSZ, or "" when it
	 * is all zero (always revoked) or not given (shim's vendor dbx)
	 */
	struct strlist tbs_time;
};

struct boot_keys {
	struct uefi_db db, dbx, mok, mokx;
	bool enforcing;
};

struct catroot;
struct win_registry;

struct boot_ctx {
	const struct kd_root *root;
	struct scan_result *res;
	struct boot_keys *k;
	struct catroot *cat;		/* a Windows installation's catalogs, for its drivers */
	struct win_registry *reg;	/* and what its registry says will load */
	const struct kvlist *extra;	/* facts the image's place gives it (its driver package's INF) */
	struct uefi_db vendor;		/* vendor certificates of the shims on the ESP */
	struct uefi_db vendor_dbx;	/* and their built-in revocation lists */
};

/* A walk of image files (the ESP, a drivers directory): how many PE images it saw. */
struct driverstore;

struct esp_walk {
	struct boot_ctx *b;
	size_t seen_pe;
	struct driverstore *ds;		/* walking the driver store: its packages' INFs */
};

#endif
