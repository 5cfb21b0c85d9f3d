// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * image.c - one signed PE image (EFI binary, signed kernel, Windows driver):
 * its Authenticode signatures and chains, what anchors them (db, MOK, a shim's
 * vendor certificate, a catalog), the verdict, and the rules applied to it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/cursor.h"
#include "core/root.h"
#include "core/util.h"
#include "crypto/authenticode.h"
#include "crypto/cert.h"
#include "formats/efivars.h"
#include "formats/pe.h"
#include "formats/peres.h"
#include "formats/sbat.h"
#include "sources/boot/image.h"
#include "sources/boot/uefi.h"
#include "sources/boot/catroot.h"
#include "sources/boot/winsvc.h"
#include "store/apply.h"
#include "store/result.h"

static size_t pe_content(void *ctx, size_t n, const uint8_t **p)
{
	const struct pe_image *pe = ctx;

	*p = pe->p;
	return n < pe->n ? n : pe->n;
}

/* shim's .vendor_cert: {u32 auth_size, deauth_size, auth_offset, deauth_offset} then the DER. */
struct kd_cert *shim_vendor_cert(const struct pe_image *pe)
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
void shim_vendor_dbx(const struct pe_image *pe, struct uefi_db *into)
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

		if (e[i].type == ESL_SHA256 && hex && !sl_contains(&into->hashes, hex)) {
			sl_push(&into->hashes, hex);
			continue;
		}
		/* shim's own list: no TimeOfRevocation is weighed, as shim weighs none */
		if (e[i].type == ESL_X509_SHA256 && hex)
			db_add_tbs(into, "sha256", e[i].data, 32, NULL);
		free(hex);
	}
	if (n > 0)
		free(e);
}

/*
 * A driver on a Windows partition is installed, not running here: its rule's
 * severity is one step lower, unless a service starts it at boot or system
 * start and it is signed, when Windows would load it as the machine starts.
 */
static bool driver_loads_at_start(struct boot_ctx *b, const struct pe_rec *r, struct kvlist *ev)
{
	struct win_service *s;
	bool loads = false;
	size_t from = 0;

	while ((s = win_service_for_file(b->reg, r->path, &from))) {
		char *what = xasprintf("%s (%s start)", s->name, win_start_name(s->start));

		s->inspected = true;
		evidence_add(ev, "service", what);
		free(what);
		loads |= win_driver_loads_at_start(s, r);
	}
	return loads;
}

static void apply_pe_rules(struct boot_ctx *b, struct pe_rec *r, const struct pe_image *pe)
{
	struct subject subj = host_subject(b->root);
	bool driver = strcmp(r->kind, "driver") == 0, installed = driver;
	struct kvlist services = { 0 };
	struct finding *f;

	subj.facts = &r->facts;
	subj.content = pe_content;
	subj.content_ctx = (void *)pe;
	if (driver && driver_loads_at_start(b, r, &services))
		installed = false;
	f = apply_subject_rules(b->res, &subj, KIND_PE, installed, r->kind,
				kv_get(&r->facts, "pe.name"), r->path, NULL);
	if (!f) {
		kv_free(&services);
		return;
	}
	evidence_add(&f->evidence, "signature", sig_status_name(r->status));
	if (r->catalog)
		evidence_add(&f->evidence, "catalog", r->catalog);
	if (r->catalog_osattr)
		evidence_add(&f->evidence, "osattr", r->catalog_osattr);
	if (r->catalog_os_covered >= 0 && r->catalog_osattr)
		evidence_add(&f->evidence, "osattr_covers_windows",
			     r->catalog_os_covered ? "yes" : "no: Windows would not take this catalog");
	if (r->uefi)
		evidence_add(&f->evidence, "uefi", r->uefi);
	for (size_t k = 0; k < services.n; k++)
		evidence_add(&f->evidence, services.v[k].key, services.v[k].value);
	kv_free(&services);
	/* when it was signed, and whether its certificates were valid then: the first signature's */
	if (r->nsigs && r->sigs[0].ts_kind) {
		const struct pe_sig *ps = &r->sigs[0];
		char *ts = xasprintf("%s, %s%s%s", ps->ts_kind, ps->ts_status,
				     ps->ts_time ? ", " : "", ps->ts_time ? ps->ts_time : "");

		evidence_add(&f->evidence, "timestamp", ts);
		free(ts);
	}
	if (r->nsigs && r->sigs[0].time_reason && (r->sigs[0].ts_kind || r->sigs[0].time_valid == 0))
		evidence_add(&f->evidence, "validity", r->sigs[0].time_reason);
	/* an early-launch anti-malware driver starts before every other boot driver */
	if (kv_get(&r->facts, "pe.elam") && !kv_get(&f->evidence, "pe.elam"))
		evidence_add(&f->evidence, "pe.elam", kv_get(&r->facts, "pe.elam"));
	/* a driver store package: which package and INF, whoever the rule matched on */
	for (size_t k = 0; k < r->facts.n; k++) {
		const struct kv *e = &r->facts.v[k];

		if ((!strncmp(e->key, "inf.", 4) || !strcmp(e->key, "driverstore.package")) &&
		    !kv_has(&f->evidence, e->key, e->value))
			evidence_add(&f->evidence, e->key, e->value);
	}
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
	ps->time_valid = -1;
	if (sig->ts.kind) {
		ps->ts_kind = sig->ts.kind;
		ps->ts_status = ts_status_name(sig->ts.status);
		ps->ts_reason = sig->ts.reason ? xstrdup(sig->ts.reason) : NULL;
		ps->ts_time = sig->ts.time ? xstrdup(sig->ts.time) : NULL;
		ps->ts_signer = sig->ts.tsa ? cert_dup(sig->ts.tsa) : NULL;
		for (size_t k = 0; k < sig->ts.ntsa_chain; k++) {
			ps->ts_chain = xreallocarray(ps->ts_chain, ps->nts_chain + 1, sizeof(*ps->ts_chain));
			ps->ts_chain[ps->nts_chain++] = cert_dup(sig->ts.tsa_chain[k]);
		}
	}
	return ps;
}

/* The scan's time as certificates write theirs: YYYY-MM-DDTHH:MM:SSZ. */
static void scan_time(const struct scan_result *res, char out[32])
{
	time_t now = res->started.tv_sec ? res->started.tv_sec : time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "2020-10-22" of "2020-10-22T12:00:00Z", for reasons people read. */
static const char *day(const char *iso, char out[11])
{
	snprintf(out, 11, "%s", iso);
	return out;
}

/*
 * The signer chain's validity periods as Windows judges them: Authenticode
 * (WinVerifyTrust) wants every certificate valid at the time of a valid
 * timestamp, else now; kernel-mode code integrity does not check the periods
 * when it loads a driver, which the reason says. UEFI ignores time: EFI
 * images and kernels are not judged. Verdicts (status) do not change.
 */
static void judge_time(struct pe_sig *ps, const char *kind, const char *now)
{
	bool stamped = ps->ts_kind && !strcmp(ps->ts_status, "valid") && ps->ts_time;
	const char *at = stamped ? ps->ts_time : now;
	const struct cert_info *late = NULL;
	char d1[11], d2[11];

	if (!strcmp(kind, "efi") || !strcmp(kind, "kernel")) {
		ps->time_reason = xstrdup("not judged: UEFI does not check validity periods");
		return;
	}
	if (!ps->nchain) {
		ps->time_reason = xstrdup("not judged: no signer certificate");
		return;
	}
	ps->time_basis = stamped ? "timestamp" : "scan time";
	for (size_t k = 0; k < ps->nchain; k++) {
		const struct cert_info *ci = cert_get_info(ps->chain[k]);
		bool before = *ci->not_before && strcmp(at, ci->not_before) < 0;
		bool after = *ci->not_after && strcmp(at, ci->not_after) > 0;

		if (stamped && (before || after)) {
			ps->time_valid = 0;
			ps->time_reason = xasprintf("certificate %s was not valid at the timestamp %s "
						    "(valid %s to %s)", ci->subject, at, ci->not_before,
						    ci->not_after);
			return;
		}
		if (before || after) {
			ps->time_valid = 0;
			ps->time_reason = xasprintf(
				"certificate %s %s %s and the signature is %s: not valid as "
				"Authenticode judges it (kernel-mode code integrity does not check "
				"validity periods when it loads a driver)",
				ci->subject, after ? "expired" : "is not valid until",
				day(after ? ci->not_after : ci->not_before, d1),
				!ps->ts_kind ? "not timestamped" : "timestamped, but the timestamp is not valid");
			return;
		}
		if (*ci->not_after && strcmp(now, ci->not_after) > 0 && !late)
			late = ci;
	}
	ps->time_valid = 1;
	if (late)
		ps->time_reason = xasprintf("certificate %s expired %s, after the timestamp %s: "
					    "valid as Windows judges it", late->subject,
					    day(late->not_after, d1), day(at, d2));
	else if (stamped)
		ps->time_reason = xasprintf("every certificate was valid at the timestamp %s", at);
	else
		ps->time_reason = xasprintf("every certificate is valid at the scan time%s",
					    ps->ts_kind ? " (the timestamp is not valid)" :
							  " (not timestamped)");
}

#define OID_ELAM_EKU "1.3.6.1.4.1.311.61.4.1"

/* An Early Launch Anti-Malware driver: its signer holds the ELAM EKU. */
static void elam_fact(struct pe_rec *r, struct kd_cert *const *chain, size_t n)
{
	if (n && cert_has_eku(chain[0], OID_ELAM_EKU) && !kv_get(&r->facts, "pe.elam"))
		kv_add(&r->facts, "pe.elam", "yes");
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
	const char *bad_tag, *osattr;
	struct kd_cert **chain;
	char now[32];
	size_t n;

	if (!e)
		return;
	sig = &e->res.sig;
	authenticode_chain(sig, NULL, 0, &chain, &n);
	free(r->reason);
	r->reason = NULL;
	bad_tag = catroot_member(e, &e->res.bad_tags, pe);
	osattr = catroot_member(e, &e->res.member_osattr, pe);
	if (!osattr)
		osattr = e->res.osattr;
	r->status = sig->sig_ok && !bad_tag ? SIG_VALID : SIG_INVALID;
	if (!sig->sig_ok)
		r->reason = xasprintf("listed in catalog %s: %s", e->path,
				      sig->error ? sig->error : "signature does not verify");
	else if (bad_tag)
		r->reason = xasprintf("listed in catalog %s under tag %s, which names another digest "
				      "(Windows finds a member by its tag)", e->path, bad_tag);
	r->catalog = xstrdup(e->path);
	kv_add(&r->facts, "pe.catalog", e->path);
	/* as for embedded signatures: a catalog that does not verify vouches for nothing */
	for (size_t k = 0; k < n && sig->sig_ok; k++)
		cert_facts(&r->facts, chain[k]);
	if (sig->sig_ok)
		elam_fact(r, chain, n);
	if (osattr) {
		r->catalog_osattr = xstrdup(osattr);
		kv_add(&r->facts, "pe.catalog_osattr", osattr);
		/* the Windows versions the catalog is for, against the installation's own */
		if (b->reg && b->reg->version)
			r->catalog_os_covered = cat_osattr_covers(osattr, b->reg->major,
								  b->reg->minor) ? 1 : 0;
	}
	scan_time(b->res, now);
	judge_time(add_pe_sig(r, sig, true, chain, n), r->kind, now);
}

/* Inspect one PE image held in memory; shown is its path in the root. */
void inspect_pe(struct boot_ctx *b, const char *shown, const char *kind, const uint8_t *p,
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
	char *sbat_why = NULL, now[32];
	uint8_t md[64];
	unsigned int mdlen;

	res->pes = xreallocarray(res->pes, res->npes + 1, sizeof(*res->pes));
	r = &res->pes[res->npes++];
	memset(r, 0, sizeof(*r));
	r->catalog_os_covered = -1;
	r->path = xstrdup(shown);
	r->kind = kind;
	r->size = n;
	kv_add(&r->facts, "pe.path", shown);
	kv_add(&r->facts, "pe.name", base ? base + 1 : shown);
	kv_add(&r->facts, "pe.kind", kind);
	for (size_t k = 0; b->extra && k < b->extra->n; k++) {
		const struct kv *e = &b->extra->v[k];
		/* the record keeps one name, provider, class and version, and every catalog and service */
		bool many = !strcmp(e->key, "inf.catalog") || !strcmp(e->key, "inf.service");

		kv_add(&r->facts, e->key, e->value);
		kv_put(&r->package, strchr(e->key, '.') + 1, e->value, many ? KV_LIST : KV_STRING);
	}
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
	scan_time(res, now);
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
		judge_time(ps, kind, now);
		/*
		 * A signer counts as evidence only when its signature covers this
		 * image: a PKCS#7 blob is easy to copy onto another file.
		 */
		if (sig->sig_ok && sig->digest_matches) {
			for (size_t k = 0; k < nchains[s]; k++)
				cert_facts(&r->facts, chains[s][k]);
			elam_fact(r, chains[s], nchains[s]);
		}
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

/* Read a file the walk found (never through a link); 0, or -1 when too small, too big or unreadable. */
int read_walked(int dirfd, const char *name, uint64_t size, uint64_t min, uint8_t **buf,
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
