// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uefi.c - the UEFI variables: Secure Boot state, the key databases and MOK
 * lists (and what they trust), the boot entries; the verdict UEFI would reach
 * on an image; and kdetect inspect of a raw efivarfs file or a certificate.
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
#include "crypto/authenticode.h"
#include "crypto/cert.h"
#include "formats/efivars.h"
#include "sources/boot/efivarfs.h"
#include "sources/boot/uefi.h"
#include "store/apply.h"
#include "store/result.h"

#define MAX_BOOT_ENTRIES 256

void db_free(struct uefi_db *d)
{
	for (size_t i = 0; i < d->ncerts; i++)
		cert_free(d->certs[i]);
	free(d->certs);
	sl_free(&d->hashes);
	sl_free(&d->tbs);
	sl_free(&d->tbs_time);
}

/* An EFI_TIME TimeOfRevocation (16 bytes): "" when all zero or unreadable, else UTC text. */
static char *revocation_time(const uint8_t *t)
{
	unsigned year = (unsigned)(t[0] | t[1] << 8);

	/* TimeZone is ignored: the fields are taken as UTC */
	if (!year || year > 9999 || t[2] < 1 || t[2] > 12 || t[3] < 1 || t[3] > 31 || t[4] > 23 ||
	    t[5] > 59 || t[6] > 59)
		return xstrdup("");
	return xasprintf("%04u-%02u-%02uT%02u:%02u:%02uZ", year, t[2], t[3], t[4], t[5], t[6]);
}

void db_add_tbs(struct uefi_db *d, const char *algo, const uint8_t *hash, size_t len,
		const uint8_t *time)
{
	char *hex = hex_encode(hash, len, 0);
	char *key = strcmp(algo, "sha256") ? xasprintf("%s:%s", algo, hex) : xstrdup(hex);

	free(hex);
	if (sl_contains(&d->tbs, key)) {
		free(key);
		return;
	}
	sl_push(&d->tbs, key);
	sl_push(&d->tbs_time, time ? revocation_time(time) : xstrdup(""));
}

/* Decode a signature list into the database and the trust list. */
static void load_list(struct boot_ctx *b, const char *name, const uint8_t *data, size_t len,
		      const char *source, struct uefi_db *into)
{
	struct esl_entry *e;
	const char *reason;
	size_t certs = 0, hashes = 0, other = 0;
	int n = esl_parse(data, len, &e, &reason);

	if (n < 0) {
		add_cov(b->res, source, COV_ERROR, xasprintf("%s: %s", name, reason));
		return;
	}
	for (int i = 0; i < n; i++) {
		if (e[i].type == ESL_X509) {
			struct kd_cert *c = cert_from_der(e[i].data, e[i].len, NULL);
			char *src;

			if (!c) {
				other++;
				continue;
			}
			certs++;
			{
				char *what = xasprintf("x509: %s", cert_get_info(c)->subject);

				kv_add(&b->res->boot.databases, name, what);
				free(what);
			}
			src = xasprintf("%s (%s)", source, name);
			add_trust_cert(b->res, TRUST_UEFI, c, src, name);
			free(src);
			if (into) {
				struct kd_cert *copy = cert_from_der(e[i].data, e[i].len, NULL);

				into->certs = xreallocarray(into->certs, into->ncerts + 1, sizeof(*into->certs));
				into->certs[into->ncerts++] = copy;
			}
		} else if (e[i].type == ESL_SHA256 && e[i].len == 32) {
			char *hex = hex_encode(e[i].data, 32, 0), *what;

			hashes++;
			what = xasprintf("sha256: %s", hex);
			kv_add(&b->res->boot.databases, name, what);
			free(what);
			if (into)
				sl_push(&into->hashes, hex);
			else
				free(hex);
		} else if ((e[i].type == ESL_X509_SHA256 && e[i].len >= 32) ||
			   (e[i].type == ESL_X509_SHA384 && e[i].len >= 48) ||
			   (e[i].type == ESL_X509_SHA512 && e[i].len >= 64)) {
			const char *algo = e[i].type == ESL_X509_SHA256 ? "sha256" :
					   e[i].type == ESL_X509_SHA384 ? "sha384" : "sha512";
			size_t hlen = e[i].type == ESL_X509_SHA256 ? 32 :
				      e[i].type == ESL_X509_SHA384 ? 48 : 64;
			/* EFI_TIME TimeOfRevocation after the hash: all zero means always revoked */
			const uint8_t *t = e[i].len >= hlen + 16 ? e[i].data + hlen : NULL;
			char *hex = hex_encode(e[i].data, hlen, 0), *when = t ? revocation_time(t) : NULL;
			char *what;

			hashes++;
			if (when && *when)
				what = xasprintf("x509-tbs-%s: %s (revoked from %s)", algo, hex, when);
			else if (t)
				what = xasprintf("x509-tbs-%s: %s (always revoked)", algo, hex);
			else
				what = xasprintf("x509-tbs-%s: %s", algo, hex);
			kv_add(&b->res->boot.databases, name, what);
			free(what);
			free(hex);
			free(when);
			if (into)
				db_add_tbs(into, algo, e[i].data, hlen, t);
		} else {
			char *what = xasprintf("%s entry (type %s)", esl_type_name(e[i].type), e[i].type_guid);

			other++;
			kv_add(&b->res->boot.databases, name, what);
			free(what);
		}
	}
	free(e);
	add_cov(b->res, source, COV_OK,
		xasprintf("%s: %zu certificate%s, %zu hash%s%s", name, certs, certs == 1 ? "" : "s",
			  hashes, hashes == 1 ? "" : "es", other ? ", other entries not used" : ""));
}

static int var_byte(const struct kd_root *root, const char *name, const char *guid)
{
	struct efivar v;
	int value;

	if (efivar_read(root, name, guid, &v))
		return -1;
	value = v.len ? v.data[0] : -1;
	free(v.data);
	return value;
}

static bool var_exists(const struct kd_root *root, const char *name, const char *guid)
{
	struct efivar v;

	if (efivar_read(root, name, guid, &v))
		return false;
	free(v.data);
	return true;
}

static void read_variables(struct boot_ctx *b)
{
	static const struct {
		const char *name;
		const char *guid;
		int db;		/* 1 db, 2 dbx, 0 neither */
	} lists[] = {
		{ "PK", GUID_GLOBAL, 0 }, { "KEK", GUID_GLOBAL, 0 },
		{ "db", GUID_SECURITY_DB, 1 }, { "dbx", GUID_SECURITY_DB, 2 },
	};
	struct boot_state *bs = &b->res->boot;
	struct stat st;

	bs->secure_boot = bs->setup_mode = -1;
	bs->efi = root_stat(b->root, "sys/firmware/efi", ROOT_FOLLOW, &st) == 0 && S_ISDIR(st.st_mode);
	if (!bs->efi) {
		add_cov(b->res, "/sys/firmware/efi", COV_ABSENT,
			xstrdup(b->res->offline ? "no UEFI variables in an offline root" :
						 "not booted with UEFI"));
		return;
	}
	bs->secure_boot = var_byte(b->root, "SecureBoot", GUID_GLOBAL);
	bs->setup_mode = var_byte(b->root, "SetupMode", GUID_GLOBAL);
	bs->mok_sb_state = var_exists(b->root, "MokSBStateRT", GUID_SHIM_LOCK);
	bs->mok_trusted = var_exists(b->root, "MokListTrustedRT", GUID_SHIM_LOCK);
	bs->mok_ignore_db = var_exists(b->root, "MokIgnoreDB", GUID_SHIM_LOCK);
	{
		struct efivar v;

		/* shim's SBAT revocation level: text, "sbat,1,2021030218\n..." */
		if (efivar_read(b->root, "SbatLevelRT", GUID_SHIM_LOCK, &v) == 0) {
			bs->sbat_level = xstrndup((const char *)v.data, v.len);
			str_rstrip(bs->sbat_level);
			free(v.data);
		}
	}
	/* Secure Boot enforces only when it is on and the platform is not in setup mode */
	b->k->enforcing = bs->secure_boot == 1 && bs->setup_mode == 0;
	add_cov(b->res, "/sys/firmware/efi/efivars", COV_OK,
		xasprintf("Secure Boot %s%s%s", b->k->enforcing ? "enforcing" : "not enforcing",
			  bs->mok_sb_state ? "; shim validation disabled (MokSBStateRT)" : "",
			  bs->mok_trusted ? "; MOK keys trusted for kernel modules (MokListTrustedRT)" : ""));
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		char *src = xasprintf("/sys/firmware/efi/efivars/%s-%s", lists[i].name, lists[i].guid);
		struct efivar v;
		int r = efivar_read(b->root, lists[i].name, lists[i].guid, &v);

		if (r)
			add_cov(b->res, src, cov_from_errno(r == -EINVAL ? -EIO : r),
				xstrdup(r == -EINVAL ? "shorter than its attribute word" : strerror(-r)));
		else
			load_list(b, lists[i].name, v.data, v.len, src,
				  lists[i].db == 1 ? &b->k->db : lists[i].db == 2 ? &b->k->dbx : NULL);
		if (!r)
			free(v.data);
		free(src);
	}
	for (int x = 0; x < 2; x++) {
		const char *name = x ? "MokListXRT" : "MokListRT";
		uint8_t *data;
		size_t len;
		char *src;

		if (mok_list_read(b->root, name, &data, &len, &src))
			continue;
		load_list(b, name, data, len, src, x ? &b->k->mokx : &b->k->mok);
		free(data);
		free(src);
	}
}

void read_boot_entries(struct boot_ctx *b)
{
	struct boot_state *bs = &b->res->boot;
	struct efivar order, cur;
	int current = -1;

	if (!bs->efi || efivar_read(b->root, "BootOrder", GUID_GLOBAL, &order))
		return;
	if (efivar_read(b->root, "BootCurrent", GUID_GLOBAL, &cur) == 0) {
		if (cur.len >= 2)
			current = cur.data[0] | cur.data[1] << 8;
		free(cur.data);
	}
	for (size_t i = 0; i + 1 < order.len && bs->nentries < MAX_BOOT_ENTRIES; i += 2) {
		int num = order.data[i] | order.data[i + 1] << 8;
		char name[16];
		struct efivar v;
		struct load_option lo;
		const char *reason;
		struct boot_entry *e;

		snprintf(name, sizeof(name), "Boot%04X", num);
		if (efivar_read(b->root, name, GUID_GLOBAL, &v))
			continue;
		if (load_option_parse(v.data, v.len, &lo, &reason)) {
			char *src = xasprintf("/sys/firmware/efi/efivars/%s-%s", name, GUID_GLOBAL);

			add_cov(b->res, src, COV_ERROR, xstrdup(reason));
			free(src);
			free(v.data);
			continue;
		}
		free(v.data);
		bs->entries = xreallocarray(bs->entries, bs->nentries + 1, sizeof(*bs->entries));
		e = &bs->entries[bs->nentries++];
		e->name = xstrdup(name);
		e->description = lo.description;
		e->path = lo.path;
		e->current = num == current;
	}
	free(order.data);
}

/* What the firmware (db/dbx) and shim (MOK) would decide for an EFI binary. */

bool in_db(const struct uefi_db *d, const struct kd_cert *c)
{
	for (size_t i = 0; i < d->ncerts; i++)
		if (d->certs[i] && cert_equal(d->certs[i], c))
			return true;
	return false;
}

/* The index of s in sl, or -1. */
static long sl_index(const struct strlist *sl, const char *s)
{
	for (size_t i = 0; i < sl->n; i++)
		if (!strcmp(sl->v[i], s))
			return (long)i;
	return -1;
}

/*
 * A TBS hash entry of d that names cert: its index, or -1. The entry names
 * the TBSCertificate's SHA-256, SHA-384 or SHA-512.
 */
static long tbs_entry(const struct uefi_db *d, const struct kd_cert *cert)
{
	static const char *const algos[] = { "sha256", "sha384", "sha512" };

	for (size_t a = 0; d->tbs.n && a < ARRAY_SIZE(algos); a++) {
		uint8_t md[64];
		unsigned int len;
		char *hex, *key;
		long at;

		if (!cert_tbs_digest(cert, algos[a], md, &len))
			continue;
		hex = hex_encode(md, len, 0);
		key = a ? xasprintf("%s:%s", algos[a], hex) : xstrdup(hex);
		at = sl_index(&d->tbs, key);
		free(key);
		free(hex);
		if (at >= 0)
			return at;
	}
	return -1;
}

/*
 * Does a revocation list deny this image: by its hash, a certificate of a
 * chain, or a TBS hash? A TBS entry with a TimeOfRevocation spares a
 * signature whose verified timestamp is earlier (UEFI 2.x, dbx "time of
 * revocation"); *spared collects the reason for the verdict.
 */
static char *denied_by(const struct uefi_db *d, const char *what, const char *hash,
		       const struct ac_result *ac, struct kd_cert ***chains, size_t *nchains,
		       char **spared)
{
	if (sl_contains(&d->hashes, hash))
		return xasprintf("denied by %s: image hash", what);
	for (size_t s = 0; s < ac->n; s++) {
		const struct ac_timestamp *ts = &ac->sigs[s].ts;

		for (size_t k = 0; k < nchains[s]; k++) {
			const char *subject = cert_get_info(chains[s][k])->subject;
			const char *when;
			long at;

			if (in_db(d, chains[s][k]))
				return xasprintf("denied by %s: certificate %s", what, subject);
			at = tbs_entry(d, chains[s][k]);
			if (at < 0)
				continue;
			when = (size_t)at < d->tbs_time.n ? d->tbs_time.v[at] : "";
			if (!*when)
				return xasprintf("denied by %s: TBS hash of %s", what, subject);
			if (ts->status != TS_VALID || !ts->time)
				return xasprintf("denied by %s: TBS hash of %s, revoked from %s; "
						 "the signature has no valid timestamp", what, subject,
						 when);
			if (strcmp(ts->time, when) >= 0)
				return xasprintf("denied by %s: TBS hash of %s, revoked from %s; "
						 "the signature is timestamped %s, not before", what,
						 subject, when, ts->time);
			if (!*spared)
				*spared = xasprintf("%s revokes %s from %s, but the signature is "
						    "timestamped %s, before: not revoked by that entry",
						    what, subject, when, ts->time);
		}
	}
	return NULL;
}

char *uefi_verdict(struct boot_ctx *b, const char *hash, const struct ac_result *ac,
		   struct kd_cert ***chains, size_t *nchains)
{
	const char *allowed = NULL;
	char *denied, *v, *spared = NULL;

	denied = denied_by(&b->k->dbx, "dbx", hash, ac, chains, nchains, &spared);
	if (!denied)
		denied = denied_by(&b->k->mokx, "MokListXRT", hash, ac, chains, nchains, &spared);
	if (!denied)
		denied = denied_by(&b->vendor_dbx, "a shim's vendor dbx", hash, ac, chains, nchains,
				   &spared);
	if (denied) {
		v = xasprintf("%s%s", denied, b->k->enforcing ? "" : " (Secure Boot not enforcing)");
		free(denied);
		free(spared);
		return v;
	}
	if (sl_contains(&b->k->db.hashes, hash))
		allowed = "allowed by db: image hash";
	for (size_t s = 0; s < ac->n && !allowed; s++) {
		if (!ac->sigs[s].sig_ok || !ac->sigs[s].digest_matches)
			continue;
		for (size_t k = 0; k < nchains[s] && !allowed; k++) {
			if (in_db(&b->k->db, chains[s][k]))
				allowed = "allowed by db: signed by a certificate db trusts";
			else if (in_db(&b->k->mok, chains[s][k]))
				allowed = "allowed by shim: signed by a certificate in MokListRT";
			else if (in_db(&b->vendor, chains[s][k]))
				allowed = "allowed by shim: signed under shim's vendor certificate";
		}
	}
	v = xasprintf("%s%s%s%s", allowed ? allowed : "not allowed by db, MokListRT or a shim",
		      spared ? " (" : "", spared ? spared : "", spared ? ")" : "");
	free(spared);
	spared = v;
	v = xasprintf("%s%s", spared, b->k->enforcing ? "" : " (Secure Boot not enforcing)");
	free(spared);
	return v;
}

void apply_boot_entry_rules(struct boot_ctx *b)
{
	struct boot_state *bs = &b->res->boot;
	struct fact_set set = { 0 };

	for (size_t i = 0; i < bs->nentries; i++) {
		struct kvlist f = { 0 };

		kv_add(&f, "boot.name", bs->entries[i].name);
		kv_add(&f, "boot.description", bs->entries[i].description);
		if (bs->entries[i].path)
			kv_add(&f, "boot.path", bs->entries[i].path);
		fact_set_add(&set, &f);
	}
	apply_facts(b->res, b->root, KIND_BOOT, "boot", &set, "boot.name", "boot.path");
	fact_set_free(&set);
}

/* NAME-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, as efivarfs names its files */
static bool efivar_file_name(const char *base)
{
	size_t n = strlen(base);

	if (n < 38 || base[n - 37] != '-')
		return false;
	for (size_t i = n - 36; i < n; i++) {
		size_t k = i - (n - 36);
		bool dash = k == 8 || k == 13 || k == 18 || k == 23;

		if (dash ? base[i] != '-' : !strchr("0123456789abcdefABCDEF", base[i]))
			return false;
	}
	return true;
}

bool boot_inspect_other(struct scan_result *res, const char *path, const uint8_t *p, size_t n)
{
	const char *base = strrchr(path, '/'), *reason;
	struct kd_cert **certs;
	int count;

	base = base ? base + 1 : path;
	/* a raw efivarfs file: attribute word, then a signature list or a load option */
	if (efivar_file_name(base) && n >= 4) {
		struct boot_keys none = { 0 };
		struct boot_ctx b = { .res = res, .k = &none };
		char *name = xstrndup(base, strlen(base) - 37);
		struct load_option lo;

		if (strncmp(name, "Boot", 4) == 0 && strlen(name) == 8 &&
		    load_option_parse(p + 4, n - 4, &lo, &reason) == 0) {
			struct boot_state *bs = &res->boot;
			struct boot_entry *e;

			bs->entries = xreallocarray(bs->entries, bs->nentries + 1, sizeof(*bs->entries));
			e = &bs->entries[bs->nentries++];
			memset(e, 0, sizeof(*e));
			e->name = name;
			e->description = lo.description;
			e->path = lo.path;
			apply_boot_entry_rules(&b);
			return true;
		}
		load_list(&b, name, p + 4, n - 4, path, NULL);
		free(name);
		return true;
	}
	/* a certificate file: DER, or PEM with one or more certificates */
	if ((n && p[0] == 0x30) || (n > 10 && memmem(p, n < 4096 ? n : 4096, "-----BEGIN", 10))) {
		count = certs_from_bytes(p, n, &certs, &reason);
		if (count <= 0)
			return false;
		for (int i = 0; i < count; i++)
			add_trust_cert(res, TRUST_INSPECTED, certs[i], path, NULL);
		free(certs);
		add_cov(res, path, COV_OK, xasprintf("%d certificate%s", count, count == 1 ? "" : "s"));
		return true;
	}
	return false;
}

void boot_keys_free(struct boot_keys *k)
{
	if (!k)
		return;
	db_free(&k->db);
	db_free(&k->dbx);
	db_free(&k->mok);
	db_free(&k->mokx);
	free(k);
}

void boot_read_keys(const struct kd_root *root, struct scan_result *res)
{
	struct boot_ctx b = { .root = root, .res = res, .k = xcalloc(1, sizeof(struct boot_keys)) };

	read_variables(&b);
	res->boot_keys = b.k;
}
