// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bootscan.c - what runs before the kernel: the UEFI key databases and MOK
 * lists (and what they trust), the boot entries, the EFI binaries of the EFI
 * System Partition and the signed kernel images, each with its Authenticode
 * signatures, chains, and the verdict UEFI would reach.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/authenticode.h"
#include "core/cursor.h"
#include "formats/efivars.h"
#include "sources/catroot.h"
#include "formats/pe.h"
#include "formats/sbat.h"
#include "crypto/kimage.h"
#include "sources/bootscan.h"
#include "store/apply.h"
#include "sources/filewalk.h"
#include "core/util.h"

#define PE_CAP (64u << 20)
#define ESP_FILE_BUDGET 20000
#define MAX_BOOT_ENTRIES 256

/* What the key databases hold, for the verdicts. */
struct uefi_db {
	struct kd_cert **certs;
	size_t ncerts;
	struct strlist hashes;		/* hex SHA-256 image hashes */
	struct strlist tbs;		/* hex SHA-256 TBSCertificate hashes (dbx) */
};

struct boot_keys {
	struct uefi_db db, dbx, mok, mokx;
	bool enforcing;
};

struct boot_ctx {
	const struct kd_root *root;
	struct scan_result *res;
	struct boot_keys *k;
	struct catroot *cat;		/* a Windows installation's catalogs, for its drivers */
	struct uefi_db vendor;		/* vendor certificates of the shims on the ESP */
	struct uefi_db vendor_dbx;	/* and their built-in revocation lists */
};

static void db_free(struct uefi_db *d)
{
	for (size_t i = 0; i < d->ncerts; i++)
		cert_free(d->certs[i]);
	free(d->certs);
	sl_free(&d->hashes);
	sl_free(&d->tbs);
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
		} else if ((e[i].type == ESL_SHA256 && e[i].len == 32) ||
			   (e[i].type == ESL_X509_SHA256 && e[i].len >= 32)) {
			bool tbs = e[i].type == ESL_X509_SHA256;
			char *hex = hex_encode(e[i].data, 32, 0), *what;

			hashes++;
			if (tbs && e[i].len >= 48) {
				/* EFI_TIME TimeOfRevocation: all zero means always revoked */
				const uint8_t *t = e[i].data + 32;
				unsigned year = (unsigned)(t[0] | t[1] << 8);

				what = year ? xasprintf("x509-tbs-sha256: %s (revoked from %04u-%02u-%02u)", hex,
							year, t[2], t[3]) :
					      xasprintf("x509-tbs-sha256: %s (always revoked)", hex);
			} else {
				what = xasprintf("%s: %s", tbs ? "x509-tbs-sha256" : "sha256", hex);
			}
			kv_add(&b->res->boot.databases, name, what);
			free(what);
			if (into)
				sl_push(tbs ? &into->tbs : &into->hashes, hex);
			else
				free(hex);
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

static void read_boot_entries(struct boot_ctx *b)
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

/* ---- PE images ---- */

static bool in_db(const struct uefi_db *d, const struct kd_cert *c)
{
	for (size_t i = 0; i < d->ncerts; i++)
		if (d->certs[i] && cert_equal(d->certs[i], c))
			return true;
	return false;
}

/* What the firmware (db/dbx) and shim (MOK) would decide for an EFI binary. */
/* Does a revocation list deny this image: by its hash, a certificate of a chain, or a TBS hash? */
static char *denied_by(const struct uefi_db *d, const char *what, const char *hash,
		       const struct ac_result *ac, struct kd_cert ***chains, size_t *nchains)
{
	if (sl_contains(&d->hashes, hash))
		return xasprintf("denied by %s: image hash", what);
	for (size_t s = 0; s < ac->n; s++) {
		for (size_t k = 0; k < nchains[s]; k++) {
			const char *subject = cert_get_info(chains[s][k])->subject;
			uint8_t tbs[32];
			char *hex;
			bool hit;

			if (in_db(d, chains[s][k]))
				return xasprintf("denied by %s: certificate %s", what, subject);
			if (!d->tbs.n || !cert_tbs_sha256(chains[s][k], tbs))
				continue;
			hex = hex_encode(tbs, 32, 0);
			hit = sl_contains(&d->tbs, hex);
			free(hex);
			/* a revocation time is not weighed against a timestamp: revoked is revoked */
			if (hit)
				return xasprintf("denied by %s: TBS hash of %s", what, subject);
		}
	}
	return NULL;
}

static char *uefi_verdict(struct boot_ctx *b, const char *hash, const struct ac_result *ac,
			  struct kd_cert ***chains, size_t *nchains)
{
	const char *allowed = NULL;
	char *denied, *v;

	denied = denied_by(&b->k->dbx, "dbx", hash, ac, chains, nchains);
	if (!denied)
		denied = denied_by(&b->k->mokx, "MokListXRT", hash, ac, chains, nchains);
	if (!denied)
		denied = denied_by(&b->vendor_dbx, "a shim's vendor dbx", hash, ac, chains, nchains);
	if (denied) {
		v = xasprintf("%s%s", denied, b->k->enforcing ? "" : " (Secure Boot not enforcing)");
		free(denied);
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
	return xasprintf("%s%s", allowed ? allowed : "not allowed by db, MokListRT or a shim",
			 b->k->enforcing ? "" : " (Secure Boot not enforcing)");
}

static size_t pe_content(void *ctx, size_t n, const uint8_t **p)
{
	const struct pe_image *pe = ctx;

	*p = pe->p;
	return n < pe->n ? n : pe->n;
}

/* shim's .vendor_cert: {u32 auth_size, deauth_size, auth_offset, deauth_offset} then the DER. */
static struct kd_cert *shim_vendor_cert(const struct pe_image *pe)
{
	const struct pe_section *s = pe_section_named(pe, ".vendor_cert");
	uint32_t asize, aoff;
	struct cursor c;

	if (!s || !s->rawsize)
		return NULL;
	c = cur_init(pe->p + s->rawptr, s->rawsize);
	if (!cur_le32(&c, &asize) || !cur_skip(&c, 4) || !cur_le32(&c, &aoff) || !asize ||
	    !range_ok(s->rawsize, aoff, asize))
		return NULL;
	return cert_from_der(pe->p + s->rawptr + aoff, asize, NULL);
}

/* The deauthorized block of shim's .vendor_cert: a signature list shim itself denies. */
static void shim_vendor_dbx(const struct pe_image *pe, struct uefi_db *into)
{
	const struct pe_section *s = pe_section_named(pe, ".vendor_cert");
	uint32_t dsize, doff;
	struct esl_entry *e;
	const char *reason;
	struct cursor c;
	int n;

	if (!s || !s->rawsize)
		return;
	c = cur_init(pe->p + s->rawptr, s->rawsize);
	if (!cur_skip(&c, 4) || !cur_le32(&c, &dsize) || !cur_skip(&c, 4) || !cur_le32(&c, &doff) ||
	    !dsize || !range_ok(s->rawsize, doff, dsize))
		return;
	n = esl_parse(pe->p + s->rawptr + doff, dsize, &e, &reason);
	for (int i = 0; i < n; i++) {
		char *hex = e[i].len >= 32 ? hex_encode(e[i].data, 32, 0) : NULL;

		if (e[i].type == ESL_SHA256 && hex && !sl_contains(&into->hashes, hex))
			sl_push(&into->hashes, hex);
		else if (e[i].type == ESL_X509_SHA256 && hex && !sl_contains(&into->tbs, hex))
			sl_push(&into->tbs, hex);
		else
			free(hex);
	}
	if (n > 0)
		free(e);
}

static void apply_pe_rules(struct boot_ctx *b, struct pe_rec *r, const struct pe_image *pe)
{
	struct subject subj = host_subject(b->root);
	struct finding *f;

	subj.facts = &r->facts;
	subj.content = pe_content;
	subj.content_ctx = (void *)pe;
	/* a driver on a Windows partition is installed, not running here */
	f = apply_subject_rules(b->res, &subj, KIND_PE, strcmp(r->kind, "driver") == 0, r->kind,
				kv_get(&r->facts, "pe.name"), r->path, NULL);
	if (!f)
		return;
	evidence_add(&f->evidence, "signature", sig_status_name(r->status));
	if (r->catalog)
		evidence_add(&f->evidence, "catalog", r->catalog);
	if (r->uefi)
		evidence_add(&f->evidence, "uefi", r->uefi);
}

/* Record a signature of r for the report; it takes the chain (signer first). */
static struct pe_sig *add_pe_sig(struct pe_rec *r, const struct ac_sig *sig, bool from_catalog,
				 struct kd_cert **chain, size_t nchain)
{
	struct pe_sig *ps;

	r->sigs = xreallocarray(r->sigs, r->nsigs + 1, sizeof(*r->sigs));
	ps = &r->sigs[r->nsigs++];
	memset(ps, 0, sizeof(*ps));
	ps->from_catalog = from_catalog;
	ps->depth = sig->depth;
	if (from_catalog) {
		ps->digest_matches = true;	/* the catalog lists the image's digest */
	} else {
		ps->digest_algo = sig->digest_algo ? xstrdup(sig->digest_algo) : NULL;
		ps->digest = sig->digest_len ? hex_encode(sig->digest, sig->digest_len, 0) : NULL;
		ps->digest_matches = sig->digest_matches;
	}
	ps->sig_ok = sig->sig_ok;
	ps->malformed = sig->malformed;
	ps->error = sig->error ? xstrdup(sig->error) : NULL;
	ps->chain = chain;
	ps->nchain = nchain;
	return ps;
}

/* The key database that anchored a chain: the one holding its highest certificate. */
static void pe_sig_anchor(const struct boot_ctx *b, struct pe_sig *ps)
{
	static const char *const names[] = { "db", "MokListRT", "shim vendor certificate" };
	const struct uefi_db *dbs[] = { &b->k->db, &b->k->mok, &b->vendor };

	ps->anchored = true;
	ps->anchor = ps->nchain ? ps->nchain - 1 : 0;
	for (size_t k = ps->nchain; k-- > 0;)
		for (size_t d = 0; d < ARRAY_SIZE(dbs); d++)
			if (in_db(dbs[d], ps->chain[k])) {
				ps->anchor_db = names[d];
				ps->anchor = k;
				return;
			}
}

/*
 * A driver with no signature of its own, signed through a catalog: the
 * catalog's signature and signer chain stand for the driver's.
 */
static void catalog_signature(struct boot_ctx *b, struct pe_rec *r, const struct pe_image *pe)
{
	const struct cat_entry *e = catroot_lookup(b->cat, pe);
	const struct ac_sig *sig;
	struct kd_cert **chain;
	size_t n;

	if (!e)
		return;
	sig = &e->res.sig;
	authenticode_chain(sig, NULL, 0, &chain, &n);
	free(r->reason);
	r->reason = NULL;
	r->status = sig->sig_ok ? SIG_VALID : SIG_INVALID;
	if (!sig->sig_ok)
		r->reason = xasprintf("listed in catalog %s: %s", e->path,
				      sig->error ? sig->error : "signature does not verify");
	r->catalog = xstrdup(e->path);
	kv_add(&r->facts, "pe.catalog", e->path);
	/* as for embedded signatures: a catalog that does not verify vouches for nothing */
	for (size_t k = 0; k < n && sig->sig_ok; k++)
		cert_facts(&r->facts, chain[k]);
	add_pe_sig(r, sig, true, chain, n);
}

/* Inspect one PE image held in memory; shown is its path in the root. */
static void inspect_pe(struct boot_ctx *b, const char *shown, const char *kind, const uint8_t *p,
		       size_t n, bool on_esp)
{
	struct scan_result *res = b->res;
	struct pe_image pe;
	struct ac_result ac;
	struct pe_rec *r;
	struct kd_cert ***chains = NULL, *vendor;
	size_t *nchains = NULL;
	struct kd_cert **anchors = NULL;
	size_t nanchors = 0;
	const char *reason, *base = strrchr(shown, '/');
	char *sbat_why = NULL;
	uint8_t md[64];
	unsigned int mdlen;

	res->pes = xreallocarray(res->pes, res->npes + 1, sizeof(*res->pes));
	r = &res->pes[res->npes++];
	memset(r, 0, sizeof(*r));
	r->path = xstrdup(shown);
	r->kind = kind;
	r->size = n;
	kv_add(&r->facts, "pe.path", shown);
	kv_add(&r->facts, "pe.name", base ? base + 1 : shown);
	kv_add(&r->facts, "pe.kind", kind);
	if (pe_parse(p, n, &pe, &reason)) {
		r->status = SIG_MALFORMED;
		r->reason = xstrdup(reason);
		kv_add(&r->facts, "pe.signature", sig_status_name(r->status));
		return;
	}
	if (authenticode_digest(&pe, "sha256", md, &mdlen) == 0) {
		r->authenticode_sha256 = hex_encode(md, mdlen, 0);
		kv_add(&r->facts, "pe.authenticode_sha256", r->authenticode_sha256);
	}
	authenticode_check(&pe, &ac);
	/* anchors: what db, the MOK list and shim's vendor certificate trust */
	{
		const struct uefi_db *dbs[] = { &b->k->db, &b->k->mok, &b->vendor };

		for (size_t d = 0; d < ARRAY_SIZE(dbs); d++)
			for (size_t i = 0; i < dbs[d]->ncerts; i++) {
				anchors = xreallocarray(anchors, nanchors + 1, sizeof(*anchors));
				anchors[nanchors++] = dbs[d]->certs[i];
			}
	}
	chains = xcalloc(ac.n ? ac.n : 1, sizeof(*chains));
	nchains = xcalloc(ac.n ? ac.n : 1, sizeof(*nchains));
	r->status = ac.error ? SIG_MALFORMED : ac.n ? SIG_VALID : SIG_UNSIGNED;
	if (ac.error)
		r->reason = xstrdup(ac.error);
	else if (!ac.n && ac.other_entries)
		r->reason = xstrdup("certificate table holds no PKCS#7 signature");
	for (size_t s = 0; s < ac.n; s++) {
		const struct ac_sig *sig = &ac.sigs[s];
		bool anchored = authenticode_chain(sig, anchors, nanchors, &chains[s], &nchains[s]);
		struct pe_sig *ps;

		if (sig->malformed) {
			r->status = SIG_MALFORMED;
			free(r->reason);
			r->reason = xstrdup(sig->error);
		} else if (!sig->sig_ok || !sig->digest_matches) {
			if (r->status != SIG_MALFORMED)
				r->status = SIG_INVALID;
			if (!r->reason)
				r->reason = xstrdup(sig->error ? sig->error : "signature does not verify");
		}
		/* the record shares the chain with the verdict below, and keeps it */
		ps = add_pe_sig(r, sig, false, chains[s], nchains[s]);
		if (anchored)
			pe_sig_anchor(b, ps);
		/*
		 * A signer counts as evidence only when its signature covers this
		 * image: a PKCS#7 blob is easy to copy onto another file.
		 */
		if (sig->sig_ok && sig->digest_matches)
			for (size_t k = 0; k < nchains[s]; k++)
				cert_facts(&r->facts, chains[s][k]);
	}
	if (b->cat && !ac.n && !ac.error && strcmp(kind, "driver") == 0)
		catalog_signature(b, r, &pe);
	if (strcmp(kind, "driver") == 0 || strcmp(kind, "pe") == 0) {
		struct kvlist ver = { 0 };

		if (pe_version_info(&pe, &ver) < 0 && !r->reason)
			r->reason = xstrdup("VERSIONINFO resource malformed");
		for (size_t k = 0; k < ver.n; k++) {
			const char *name = ver.v[k].key;

			kv_add(&r->facts, name, ver.v[k].value);
			if (!strncmp(name, "version.", 8) && !kv_get(&r->version, name + 8))
				kv_add(&r->version, name + 8, ver.v[k].value);
		}
		kv_free(&ver);
	}
	{
		const struct pe_section *sbat = pe_section_named(&pe, ".sbat");

		/* the SBAT metadata: generations that SbatLevelRT can revoke */
		size_t len = sbat ? (sbat->vsize && sbat->vsize < sbat->rawsize ? sbat->vsize :
				     sbat->rawsize) : 0;

		if (len && len <= 65536) {
			/* as a C string the text ends at the first NUL of the padding */
			char *text = xstrndup((const char *)pe.p + sbat->rawptr, len);

			str_rstrip(text);
			if (*text && on_esp && res->boot.sbat_level) {
				char *why = sbat_revoked(res->boot.sbat_level, text);

				if (why)
					sbat_why = xasprintf("denied by SbatLevelRT: %s%s", why,
							     b->k->enforcing ? "" :
							     " (Secure Boot not enforcing)");
				r->sbat_level = why ? why : xstrdup("not revoked by SbatLevelRT");
			}
			for (char *line = text, *eol; *line; line = eol) {
				eol = line + strcspn(line, "\n");
				if (*eol)
					*eol++ = '\0';
				str_rstrip(line);
				if (*line)
					sl_push(&r->sbat, xstrdup(line));
			}
			free(text);
		}
	}
	vendor = shim_vendor_cert(&pe);
	if (vendor) {
		cert_facts(&r->facts, vendor);
		r->vendor_cert = vendor;
	}
	if (on_esp && res->boot.efi && r->authenticode_sha256)
		r->uefi = uefi_verdict(b, r->authenticode_sha256, &ac, chains, nchains);
	if (sbat_why) {
		/* a revoked generation stops shim whatever the signatures say */
		char *v = xasprintf("%s%s%s%s", sbat_why, r->uefi ? " (signatures: " : "",
				    r->uefi ? r->uefi : "", r->uefi ? ")" : "");

		free(r->uefi);
		r->uefi = v;
		free(sbat_why);
	}
	kv_add(&r->facts, "pe.signature", sig_status_name(r->status));
	if (r->uefi)
		kv_add(&r->facts, "pe.uefi", r->uefi);
	apply_pe_rules(b, r, &pe);
	/* the chains now belong to r->sigs */
	free(chains);
	free(nchains);
	free(anchors);
	ac_result_free(&ac);
	pe_free(&pe);
}

struct esp_walk {
	struct boot_ctx *b;
	size_t seen_pe;
};

/* Read a file the walk found (never through a link); 0, or -1 when too small, too big or unreadable. */
static int read_walked(int dirfd, const char *name, uint64_t size, uint64_t min, uint8_t **buf,
		       size_t *len)
{
	int fd, r;

	if (size < min || size > PE_CAP)
		return -1;
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	r = fd_read_all(fd, PE_CAP, buf, len);
	close(fd);
	return r ? -1 : 0;
}

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

static bool is_ntfs(const char *type)
{
	return strncmp(type, "ntfs", 4) == 0 || strcmp(type, "fuseblk") == 0;
}

/* Mount points of etc/fstab whose file system type fits, relative to the root, added once. */
static void fstab_mounts(const struct kd_root *root, bool (*fits)(const char *type),
			 struct strlist *out)
{
	char *text, *line, *save = NULL;

	if (root_read_file(root, "etc/fstab", 1u << 20, &text, NULL))
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char dev[256], mnt[256], type[64];

		if (line[0] == '#' || sscanf(line, "%255s %255s %63s", dev, mnt, type) != 3)
			continue;
		if (fits(type) && mnt[0] == '/' && !sl_contains(out, mnt + 1))
			sl_push(out, xstrdup(mnt + 1));
	}
	free(text);
}

static void scan_esp(struct boot_ctx *b)
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

/* boot/vmlinuz-*: a signed kernel is a PE image too (EFI stub). */
static void scan_kernel_pes(struct boot_ctx *b)
{
	struct strlist names = { 0 };
	int fd;

	list_kernel_images(b->root, &names);
	for (size_t i = 0; i < names.n; i++) {
		char *rel = xasprintf("boot/%s", names.v[i]), *shown = xasprintf("/%s", rel);
		uint8_t *buf;
		size_t len;

		fd = root_openat(b->root, rel, ROOT_FOLLOW);
		if (fd >= 0) {
			if (fd_read_all(fd, PE_CAP, &buf, &len) == 0) {
				if (len >= 2 && buf[0] == 'M' && buf[1] == 'Z')
					inspect_pe(b, shown, "kernel", buf, len, false);
				free(buf);
			}
			close(fd);
		}
		free(rel);
		free(shown);
	}
	sl_free(&names);
}

static void apply_boot_entry_rules(struct boot_ctx *b)
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

/* ---- Windows drivers on a mounted Windows partition ---- */

static void on_driver_file(const char *path, const char *name, uint64_t size, int dirfd, void *ctx)
{
	struct esp_walk *w = ctx;
	uint8_t *buf;
	size_t len;

	if (!str_has_suffix(name, ".sys") && !str_has_suffix(name, ".SYS") &&
	    !str_has_suffix(name, ".Sys"))
		return;
	w->seen_pe++;
	if (size > PE_CAP) {
		struct boot_ctx *b = w->b;

		b->res->pes = xreallocarray(b->res->pes, b->res->npes + 1, sizeof(*b->res->pes));
		memset(&b->res->pes[b->res->npes], 0, sizeof(b->res->pes[0]));
		b->res->pes[b->res->npes].path = xstrdup(path);
		b->res->pes[b->res->npes].kind = "driver";
		b->res->pes[b->res->npes].size = size;
		b->res->pes[b->res->npes].status = SIG_UNREAD;
		b->res->pes[b->res->npes].reason = xstrdup("over the 64 MiB cap; not read");
		b->res->npes++;
		return;
	}
	/* every .sys is reported, an empty one as malformed */
	if (read_walked(dirfd, name, size, 0, &buf, &len))
		return;
	inspect_pe(w->b, path, "driver", buf, len, false);
	free(buf);
}

/* First pass over a drivers folder: the digests of the drivers with no signature of their own. */
static void on_driver_want(const char *path, const char *name, uint64_t size, int dirfd, void *ctx)
{
	struct catroot *c = ctx;
	struct pe_image pe;
	struct pe_cert *certs;
	const char *reason;
	uint8_t *buf;
	size_t len;
	int n;

	(void)path;
	if (!str_has_suffix(name, ".sys") && !str_has_suffix(name, ".SYS") &&
	    !str_has_suffix(name, ".Sys"))
		return;
	if (read_walked(dirfd, name, size, 1, &buf, &len))
		return;
	if (pe_parse(buf, len, &pe, &reason) == 0) {
		/* no PKCS#7 entry in the certificate table: only a catalog can sign it */
		int signed_data = 0;

		n = pe_certificates(&pe, &certs, &reason);
		for (int i = 0; i < n; i++)
			signed_data += certs[i].type == 0x0002;	/* WIN_CERT_TYPE_PKCS_SIGNED_DATA */
		if (n >= 0 && !signed_data)
			catroot_want(c, &pe);
		if (n > 0)
			free(certs);
		pe_free(&pe);
	}
	free(buf);
}

/* The catalogs beside a drivers folder (system32/CatRoot), for its unsigned drivers. */
static void load_catalogs(struct boot_ctx *b, const char *drivers, struct catroot *c)
{
	struct walk_seen seen = { 0 };
	struct walk_stats st;
	size_t budget = ESP_FILE_BUDGET;
	char *system32 = xstrndup(drivers, strlen(drivers) - strlen("/drivers")), *src;
	int r;

	files_walk(b->root, drivers, &seen, &budget, &st, on_driver_want, c);
	walk_seen_free(&seen);
	r = catroot_load(c, b->root, system32);
	src = xasprintf("/%s/CatRoot", system32);
	if (r) {
		add_cov(b->res, src, cov_from_errno(r),
			xasprintf("%s: drivers without an embedded signature show as unsigned",
				  strerror(-r)));
	} else if (!c->nwants) {
		add_cov(b->res, src, COV_OK,
			xstrdup("not read: every driver carries its own signature"));
	} else {
		add_cov(b->res, src, c->bad ? COV_ERROR : COV_OK,
			xasprintf("%zu catalogs read (%zu members)%s; %zu of them list drivers "
				  "without an embedded signature", c->read, c->members,
				  c->bad ? ", some unreadable or unparseable" : "", c->ncats));
	}
	free(src);
	free(system32);
}

/* A directory that holds a Windows installation: Windows/System32/drivers in any case. */
char *boot_windows_drivers_dir(const struct kd_root *root, const char *top)
{
	static const char *const layouts[] = {
		"Windows/System32/drivers", "WINDOWS/system32/drivers", "Windows/system32/drivers",
		"WINDOWS/System32/drivers", "windows/system32/drivers",
	};

	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++) {
		char *rel = xasprintf("%s%s%s", top, *top ? "/" : "", layouts[i]);
		struct stat st;

		if (root_stat(root, rel, ROOT_FOLLOW, &st) == 0 && S_ISDIR(st.st_mode))
			return rel;
		free(rel);
	}
	return NULL;
}

/* Where a Windows partition may be mounted: etc/fstab (ntfs), under mnt and media (two levels). */
static void windows_candidates(const struct kd_root *root, struct strlist *out)
{
	static const char *const parents[] = { "mnt", "media" };

	fstab_mounts(root, is_ntfs, out);
	for (size_t i = 0; i < ARRAY_SIZE(parents); i++) {
		struct strlist names = { 0 };

		root_list_dir(root, parents[i], false, 256, &names);
		for (size_t k = 0; k < names.n; k++) {
			char *top;

			if (names.v[k][0] == '.')
				continue;
			top = xasprintf("%s/%s", parents[i], names.v[k]);
			if (!sl_contains(out, top))
				sl_push(out, xstrdup(top));
			/* media/<user>/<label> */
			if (i == 1) {
				struct strlist labels = { 0 };

				root_list_dir(root, top, false, 256, &labels);
				for (size_t l = 0; l < labels.n && out->n < 512; l++)
					if (labels.v[l][0] != '.')
						sl_push(out, xasprintf("%s/%s", top, labels.v[l]));
				sl_free(&labels);
			}
			free(top);
		}
		sl_free(&names);
	}
}

static void scan_windows(struct boot_ctx *b, const struct strlist *given)
{
	struct strlist tops = { 0 }, seen_dirs = { 0 };
	struct walk_seen seen = { 0 };
	size_t budget = ESP_FILE_BUDGET * 5;

	for (size_t i = 0; i < given->n; i++)
		sl_push(&tops, xstrdup(given->v[i][0] == '/' ? given->v[i] + 1 : given->v[i]));
	/* inside an offline root, or when none is named, look for one */
	if (!given->n || b->res->offline) {
		sl_push(&tops, xstrdup(""));
		windows_candidates(b->root, &tops);
	}
	for (size_t i = 0; i < tops.n; i++) {
		char *dir = boot_windows_drivers_dir(b->root, tops.v[i]), *src;
		struct esp_walk w = { .b = b };
		struct catroot cat = { 0 };
		struct walk_stats st;
		int r;

		if (!dir) {
			if (i < given->n) {
				src = xasprintf("/%s", tops.v[i]);
				add_cov(b->res, src, COV_ERROR, xstrdup("--windows: no Windows/System32/drivers"));
				free(src);
			}
			continue;
		}
		if (sl_contains(&seen_dirs, dir)) {
			free(dir);
			continue;
		}
		sl_push(&seen_dirs, xstrdup(dir));
		load_catalogs(b, dir, &cat);
		b->cat = &cat;
		r = files_walk(b->root, dir, &seen, &budget, &st, on_driver_file, &w);
		b->cat = NULL;
		catroot_free(&cat);
		src = xasprintf("/%s", dir);
		if (r)
			add_cov(b->res, src, cov_from_errno(r), xstrdup(strerror(-r)));
		else if (st.dirs)
			add_walk_cov(b->res, src, &st,
				     xasprintf("Windows drivers: %zu .sys files", w.seen_pe));
		free(src);
		free(dir);
	}
	sl_free(&tops);
	sl_free(&seen_dirs);
	walk_seen_free(&seen);
}

void boot_inspect_pe(struct scan_result *res, const char *path, const uint8_t *p, size_t n)
{
	struct boot_keys none = { 0 };
	struct boot_ctx b = { .res = res, .k = &none };
	struct pe_image pe;
	const char *reason, *kind = "pe";

	/* the subsystem says what it is for: EFI application or driver, or a Windows driver */
	if (pe_parse(p, n, &pe, &reason) == 0) {
		if (pe.subsystem >= 10 && pe.subsystem <= 13)
			kind = "efi";
		else if (pe.subsystem == 1)
			kind = "driver";
		pe_free(&pe);
	}
	inspect_pe(&b, path, kind, p, n, false);
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

void scan_boot(const struct kd_root *root, const struct strlist *windows, struct scan_result *res)
{
	struct boot_ctx b = { .root = root, .res = res };

	if (!res->boot_keys)
		boot_read_keys(root, res);
	b.k = res->boot_keys;
	read_boot_entries(&b);
	scan_esp(&b);
	scan_kernel_pes(&b);
	scan_windows(&b, windows);
	apply_boot_entry_rules(&b);
	db_free(&b.vendor);
	db_free(&b.vendor_dbx);
}
