// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_report.c - safe_string() and report_write(). Every string in a report may
 * come from the inspected system: the text must carry no control bytes to a
 * terminal and the JSON must parse and be valid UTF-8 whatever the input was.
 * The JSON is checked with jq (/usr/bin/jq) when it is installed.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto/cert.h"
#include "fsfix.h"
#include "sources/procfs.h"
#include "report/report.h"
#include "rules/rules.h"
#include "scan/group.h"
#include "store/result.h"
#include "core/util.h"

#define JQ "/usr/bin/jq"
#define PYTHON "/usr/bin/python3"
#define SCHEMA "src/report/report.schema.json"
#define RULES_SHA256 "00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff"
#define PINNED_CERT "rules/certs/KLBOOTEV_2018.cer"
#define PINNED_SHA256 "d12ecaf902a698e1e4e8a78f653d4ddd0d79367d85ea270d17005aae4079fdd0"

/* ---- helpers ---- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb;
	char buf[4096];
	size_t n;

	if (!f)
		fail_msg("cannot open %s (tests run from the repository root)", path);
	sb_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_putn(&sb, buf, n);
	fclose(f);
	*len = sb.len;
	return sb_steal(&sb);
}

static void check_safe(const char *in, const char *want)
{
	char *got = safe_string(in);

	if (strcmp(got, want) != 0) {
		static char msg[8192];

		snprintf(msg, sizeof(msg), "%s", got);
		free(got);
		fail_msg("safe_string\n   got  \"%s\"\n   want \"%s\"", msg, want);
	}
	free(got);
}

/* Strict UTF-8 (no overlongs, surrogates or code points above U+10FFFF); -1 or the bad offset. */
static long utf8_bad_at(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t len;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else {
			return (long)i;
		}
		if (i + len > n)
			return (long)i;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return (long)i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return (long)i;
		i += len;
	}
	return -1;
}

/*
 * What a terminal must not receive: C0 controls (but the newline), DEL, C1
 * controls (U+0080..U+009F) and invalid UTF-8. Fails naming the offset.
 */
static void assert_terminal_safe(const char *what, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	long bad = utf8_bad_at(p, n);

	if (bad >= 0)
		fail_msg("%s: invalid UTF-8 at byte %ld (0x%02x)", what, bad, p[bad]);
	for (size_t i = 0; i < n; i++) {
		if ((p[i] < 0x20 && p[i] != '\n') || p[i] == 0x7f) {
			static char ctx[48];
			size_t from = i > 20 ? i - 20 : 0, k = 0;

			/* the context, without the control bytes themselves */
			for (size_t j = from; j < n && j < from + 40 && k + 1 < sizeof(ctx); j++)
				ctx[k++] = p[j] < 0x20 || p[j] >= 0x7f ? '?' : (char)p[j];
			ctx[k] = 0;
			fail_msg("%s: raw control byte 0x%02x at byte %zu: ...%s", what, p[i], i, ctx);
		}
		if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			fail_msg("%s: raw C1 control U+%04X at byte %zu", what, p[i + 1], i);
	}
}

/* Undo safe_string (for strings it did not cut): \\ and \xHH. */
static char *unescape(const char *s)
{
	struct strbuf sb;

	sb_init(&sb);
	while (*s) {
		if (s[0] == '\\' && s[1] == '\\') {
			sb_putc(&sb, '\\');
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'x') {
			unsigned int v;

			if (sscanf(s + 2, "%2x", &v) != 1)
				fail_msg("bad escape in \"%s\"", s);
			sb_putc(&sb, (char)v);
			s += 4;
		} else if (s[0] == '\\') {
			fail_msg("lone backslash in safe_string output: \"%s\"", s);
		} else {
			sb_putc(&sb, *s++);
		}
	}
	return sb_steal(&sb);
}

static char *render(const struct scan_result *res, enum report_format fmt, int exit_status, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	assert_non_null(f);
	report_write(f, res, fmt, exit_status);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	assert_int_equal(strlen(buf), n);	/* no NUL bytes in the report */
	if (len)
		*len = n;
	return buf;
}

static bool have_jq(void)
{
	return access(JQ, X_OK) == 0;
}

/* A JSON report written to a file for jq. */
struct jdoc {
	char path[64];
};

static void jdoc_close(struct jdoc *d)
{
	if (d->path[0])
		unlink(d->path);
	d->path[0] = 0;
}

static void jdoc_open(struct jdoc *d, const char *json, size_t len)
{
	int fd;

	jdoc_close(d);
	snprintf(d->path, sizeof(d->path), "/tmp/kdetect-test-report-XXXXXX");
	fd = mkstemp(d->path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, json, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/*
 * What one report test holds; the teardown frees it, so that a failed
 * assertion (which leaves the test early) does not show up as a leak.
 */
static struct {
	struct scan_result res;
	char *out;
	struct jdoc doc;
} T;

static int report_teardown(void **state)
{
	UNIT_UNUSED(state);
	free(T.out);
	scan_result_free(&T.res);
	jdoc_close(&T.doc);
	memset(&T, 0, sizeof(T));
	return 0;
}

/* Run jq -r FILTER on the document: its exit status, and its output without the last newline. */
static int jq_run(const struct jdoc *d, const char *filter, char **out)
{
	char *cmd, buf[4096];
	struct strbuf sb;
	FILE *p;
	size_t n;
	int st;

	assert_null(strchr(filter, '\''));
	cmd = xasprintf(JQ " -r '%s' %s 2>&1", filter, d->path);
	p = popen(cmd, "r");
	free(cmd);
	assert_non_null(p);
	sb_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		sb_putn(&sb, buf, n);
	st = pclose(p);
	if (sb.len && sb.s[sb.len - 1] == '\n')
		sb.s[--sb.len] = '\0';
	*out = sb_steal(&sb);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void jq_expect(const struct jdoc *d, const char *filter, const char *want)
{
	char *got;
	int st = jq_run(d, filter, &got);

	if (st != 0 || strcmp(got, want) != 0) {
		static char msg[2048];

		snprintf(msg, sizeof(msg), "%s", got);
		free(got);
		fail_msg("jq '%s' (exit %d)\n   got  \"%s\"\n   want \"%s\"", filter, st, msg, want);
	}
	free(got);
}

/* The JSON parses: jq exits 0 reading it (when jq is installed). */
static void assert_json_parses(const struct jdoc *d)
{
	char *out;
	int st = jq_run(d, "empty", &out);

	if (st != 0) {
		static char msg[2048];

		snprintf(msg, sizeof(msg), "%s", out);
		free(out);
		fail_msg("jq rejects the JSON report (exit %d): %s", st, msg);
	}
	free(out);
}

/*
 * The report satisfies its JSON Schema (tests/validate-reports.py, with Debian's
 * python3-jsonschema; skipped with a note when that is not installed).
 */
static void assert_schema_valid(const struct jdoc *d)
{
	char *cmd = xasprintf(PYTHON " tests/validate-reports.py " SCHEMA " %s 2>&1", d->path);
	char buf[4096];
	struct strbuf sb;
	FILE *p = popen(cmd, "r");
	size_t n;
	int st;

	free(cmd);
	assert_non_null(p);
	sb_init(&sb);
	sb_puts(&sb, "");
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		sb_putn(&sb, buf, n);
	st = pclose(p);
	st = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	if (st == 2 || st == 127) {
		printf("note: %s or python3-jsonschema missing: schema not checked\n", PYTHON);
	} else if (st != 0) {
		static char msg[4096];

		snprintf(msg, sizeof(msg), "%s", sb.s);
		sb_free(&sb);
		fail_msg("the report does not satisfy " SCHEMA " (exit %d):\n%s", st, msg);
	}
	sb_free(&sb);
}

static struct kd_cert *pinned_cert(void)
{
	struct kd_cert **v = NULL, *c;
	const char *reason = NULL;
	size_t len;
	char *der = slurp(PINNED_CERT, &len);
	int n = certs_from_bytes((const uint8_t *)der, len, &v, &reason);

	if (n != 1)
		fail_msg("%s: %d certificates (%s)", PINNED_CERT, n, reason ? reason : "");
	c = v[0];
	free(v);
	free(der);
	return c;
}

static void load_real_rules(struct ruleset *rs)
{
	size_t len;
	char *text = slurp("rules/kaspersky.rules", &len), *err = NULL;

	if (rules_parse(rs, "rules/kaspersky.rules", text, len, &err))
		fail_msg("rules: %s", err);
	free(text);
}

static char *repeat(char c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = 0;
	return s;
}

/* Hostile strings used below, and how safe_string shows them. */
#define H_HOST "host\x1b]0;pwned\x07"
#define H_HOST_SAFE "host\\x1b]0;pwned\\x07"
#define H_NAME "klif\x1b[31m\xc2\x9b"
#define H_NAME_SAFE "klif\\x1b[31m\\xc2\\x9b"
#define H_PATH "/lib/modules/6.1.0-13-amd64/extra/kl\nif.ko"
#define H_PATH_SAFE "/lib/modules/6.1.0-13-amd64/extra/kl\\x0aif.ko"
#define H_AUTHOR "Kaspersky\x1b[2J Lab"
#define H_AUTHOR_SAFE "Kaspersky\\x1b[2J Lab"
#define H_DESC "\xff\xfe bad \xed\xa0\x80 utf8 \xc3\xa9"
#define H_DESC_SAFE "\\xff\\xfe bad \\xed\\xa0\\x80 utf8 \xc3\xa9"
#define H_QUOTE "evil\"quote\\back"
#define H_QUOTE_SAFE "evil\"quote\\\\back"
#define H_ALIAS2 "a2\x07\x7f"
#define H_ALIAS2_SAFE "a2\\x07\\x7f"
#define H_ARG "--root=/mnt/\x1b[2Jx"
#define H_ARG_SAFE "--root=/mnt/\\x1b[2Jx"
#define H_CATALOG "/Windows/System32/CatRoot/\x1b]0;x\x07.cat"
#define H_CATALOG_SAFE "/Windows/System32/CatRoot/\\x1b]0;x\\x07.cat"
#define BIG_PATH_LEN 3000

/*
 * A Windows driver with two signatures: one whose chain the pinned certificate
 * anchors in db, and a nested one that is malformed; listed in a catalog, with a
 * version resource, SBAT lines and a vendor certificate, hostile strings among them.
 */
static void build_pe(struct scan_result *res)
{
	struct pe_rec *r;
	struct pe_sig *s;

	res->npes = 1;
	res->pes = xcalloc(res->npes, sizeof(*res->pes));
	r = &res->pes[0];
	r->path = xstrdup("/Windows/System32/drivers/kl\x1b[31mif.sys");
	r->kind = "driver";
	r->size = 4096;
	r->status = SIG_MALFORMED;
	r->reason = xstrdup("nested signature: not SignedData\r");
	r->authenticode_sha256 = xstrdup(PINNED_SHA256);
	r->nsigs = 2;
	r->sigs = xcalloc(r->nsigs, sizeof(*r->sigs));
	s = &r->sigs[0];
	s->digest_algo = xstrdup("sha256");
	s->digest = xstrdup(PINNED_SHA256);
	s->digest_matches = true;
	s->sig_ok = true;
	s->nchain = 2;
	s->chain = xcalloc(s->nchain, sizeof(*s->chain));
	s->chain[0] = pinned_cert();
	s->chain[1] = pinned_cert();
	s->anchored = true;
	s->anchor_db = "db";
	s->anchor = 1;
	s->ts_kind = "rfc3161";
	s->ts_status = "invalid";
	s->ts_reason = xstrdup("messageImprint \x1b[1mbad");
	s->ts_time = xstrdup("2019-05-01T12:00:00Z");
	s->ts_signer = pinned_cert();
	s->time_valid = 1;
	s->time_basis = "scan time";
	s->time_reason = xstrdup("every certificate is valid at the scan time");
	s = &r->sigs[1];
	s->depth = 1;
	s->malformed = true;
	s->error = xstrdup("not SignedData \x1b[5m");
	s->time_valid = -1;
	r->catalog = xstrdup(H_CATALOG);
	kv_add(&r->version, "CompanyName", "AO Kaspersky Lab");
	kv_add(&r->version, "Evil\x1b[2J", "v\x07");
	sl_push(&r->sbat, xstrdup("sbat,1,SBAT Version,sbat,1,https://x"));
	sl_push(&r->sbat, xstrdup("klif,1,\x1b[2J,klif,1,https://x"));
	r->sbat_level = xstrdup("not revoked by SbatLevelRT");
	r->vendor_cert = pinned_cert();
	r->uefi = xstrdup("not allowed by db, MokListRT or a shim");
}

/*
 * A small scan result: a loaded module signed with the pinned certificate, an
 * unsigned file, an unverifiable file with a 3000-byte path, a keyring-only
 * trust entry, a failed coverage source and one finding; hostile strings in
 * the names, paths, modinfo and the rest.
 */
static void build_result(struct scan_result *res)
{
	struct module_rec *m;
	struct loaded_module *lm;
	struct trust_entry *t;
	struct finding *f;

	memset(res, 0, sizeof(*res));
	sl_push(&res->argv, xstrdup("kdetect"));
	sl_push(&res->argv, xstrdup("scan"));
	sl_push(&res->argv, xstrdup(H_ARG));
	res->started.tv_sec = 1709251199;	/* 2024-02-29T23:59:59Z */
	res->started.tv_nsec = 123456789;
	res->finished.tv_sec = 1709251201;
	res->finished.tv_nsec = 5000000;
	res->duration_ms = 1881;
	res->machine_id = xstrdup("uninitialized\x1b[2J");
	res->boot_id = xstrdup("6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0");
	res->hostname = xstrdup(H_HOST);
	res->kernel_release = xstrdup("6.1.0-13-amd64");
	res->root = xstrdup("/mnt/evil\nroot");
	res->offline = true;
	res->have_taint = true;
	res->taint = (1ul << 12) | (1ul << 13);	/* O, E */

	res->ncov = 2;
	res->cov = xcalloc(res->ncov, sizeof(*res->cov));
	res->cov[0].source = xstrdup("proc/modules");
	res->cov[0].status = COV_OK;
	res->cov[0].detail = xstrdup("3 modules");
	res->cov[1].source = xstrdup("/boot/vmlinuz-\x1b[31mx");
	res->cov[1].status = COV_ERROR;
	res->cov[1].detail = xstrdup("bad \xff detail\r");

	res->ntrust = 2;
	res->trust = xcalloc(res->ntrust, sizeof(*res->trust));
	t = &res->trust[0];
	t->kind = TRUST_RULES;
	t->cert = pinned_cert();
	t->source = xstrdup(PINNED_CERT);
	t = &res->trust[1];
	t->kind = TRUST_KEYRING_ONLY;
	t->source = xstrdup("/proc/keys");
	t->key_subject = xstrdup("Evil\x1b[2JCA");
	t->key_id = xstrdup("ab\x9b" "cd");
	t->keyring_key = xstrdup("Evil CA: abcd");

	res->nloaded = 1;
	res->loaded = xcalloc(res->nloaded, sizeof(*res->loaded));
	lm = &res->loaded[0];
	lm->name = xstrdup(H_NAME);
	lm->size = 4096;
	lm->refcnt = 2;
	sl_push(&lm->used_by, xstrdup("kav4fs_oas"));
	sl_push(&lm->used_by, xstrdup("redir\x1b" "fs"));
	lm->state = xstrdup("Live");
	lm->taint = xstrdup("OE");
	lm->in_sysfs = true;
	lm->initstate = xstrdup("live");
	lm->sys_taint = xstrdup("OE");
	lm->srcversion = xstrdup("0123ABCD");
	lm->version = xstrdup("1.0\x1b[0m");
	lm->build_id = xstrdup("abcdef01");
	lm->sys_refcnt = 2;
	sl_push(&lm->holders, xstrdup("hold\ner"));
	lm->devices.drivers = 1;
	lm->devices.n = 1;
	lm->devices.v = xcalloc(1, sizeof(*lm->devices.v));
	lm->devices.v[0].bus = xstrdup("pci");
	lm->devices.v[0].driver = xstrdup("kl\x1b" "drv");
	lm->devices.v[0].name = xstrdup("0000:00:03.0");
	lm->devices.v[0].vendor_id = xstrdup("8086");
	lm->devices.v[0].product_id = xstrdup("100e");
	lm->devices.v[0].modalias = xstrdup("pci:v00008086d0000100E");
	lm->devices.v[0].vendor_name = xstrdup("Intel\x1b[2J Corporation");
	lm->devices.v[0].model_name = xstrdup("82540EM");

	res->nmods = 3;
	res->mods = xcalloc(res->nmods, sizeof(*res->mods));
	m = &res->mods[0];
	m->name = xstrdup(H_NAME);
	m->release = xstrdup("6.1.0-13-amd64");
	m->path = xstrdup(H_PATH);
	m->loaded = true;
	m->lm = lm;
	m->file_name_matches = 1;
	m->build_id_matches = -1;
	m->compression = "xz";
	m->file_size = 12345;
	kv_add(&m->modinfo, "author", H_AUTHOR);
	kv_add(&m->modinfo, "alias", "a1");
	kv_add(&m->modinfo, "alias", H_ALIAS2);
	kv_add(&m->modinfo, "description", H_DESC);
	m->build_id = xstrdup("abcdef01");
	m->sig.status = SIG_VALID;
	m->sig.hash_algo = xstrdup("sha512");
	m->sig.sig_algo = xstrdup("ecdsa-with-SHA512");
	m->sig.issuer = xstrdup("CN=DigiCert EV Code Signing CA (SHA2)");
	m->sig.serial = xstrdup("0afc3579727084945815545985ea2ccd");
	m->sig.cert = &res->trust[0];
	m->sig.kernel_trusted = false;

	m = &res->mods[1];
	m->name = xstrdup(H_QUOTE);
	m->file_name_matches = -1;
	m->build_id_matches = -1;
	m->sig.status = SIG_UNSIGNED;
	m->sig.reason = xstrdup("no signature \x1b[5m");

	m = &res->mods[2];
	m->name = xstrdup("big");
	m->release = xstrdup("6.1.0-13-amd64");
	m->path = repeat('p', BIG_PATH_LEN);
	m->file_name_matches = 0;
	m->build_id_matches = -1;
	m->compression = "none";
	m->sig.status = SIG_UNVERIFIABLE;
	m->sig.issuer = xstrdup("CN=\x1b[1mx");
	m->sig.serial = xstrdup("01");
	m->sig.reason = xstrdup("no cert\x7f");

	res->nfindings = 1;
	res->findings = xcalloc(res->nfindings, sizeof(*res->findings));
	f = &res->findings[0];
	f->rule = xstrdup("KL-MOD-001");
	sl_push(&f->rules, xstrdup("KL-MOD-001"));
	sl_push(&f->rules, xstrdup("KL-CERT-003"));
	f->severity = SEV_CRITICAL;
	f->kind = xstrdup("kaspersky");
	f->name = xstrdup(H_NAME);
	f->path = xstrdup(H_PATH);
	f->summary = xstrdup("Module metadata names Kaspersky");
	evidence_add(&f->evidence, "loaded", "yes");
	evidence_add(&f->evidence, "modinfo.author", H_AUTHOR);
	evidence_add(&f->evidence, "modinfo.author", "second");
	evidence_add(&f->evidence, "modinfo.author", H_AUTHOR);	/* already there */
	evidence_add(&f->evidence, "release", "6.1.0-13-amd64");
	evidence_add(&f->evidence, "release", "not kept: a string keeps its first value");
	evidence_add(&f->evidence, "files_matched", "0012");
	evidence_add(&f->evidence, "process.pid", "12x");	/* no number: null */
	evidence_add(&f->evidence, "process.uid", "99999999999999999999999");	/* past 64 bits */
	evidence_add(&f->evidence, "file", "/opt/a");

	build_pe(res);
	load_real_rules(&res->rules);
	res->rules_sha256 = xstrdup(RULES_SHA256);
}

/* ---- safe_string ---- */

static void test_safe_plain(void **state)
{
	UNIT_UNUSED(state);
	check_safe("", "");
	check_safe(NULL, "");
	check_safe("klif", "klif");
	check_safe("Hello, world! ~ {}[]\"'`$%", "Hello, world! ~ {}[]\"'`$%");
	check_safe(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~",
		   " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");
	/* the backslash is doubled, so the output can be read back */
	check_safe("\\", "\\\\");
	check_safe("a\\b\\\\c", "a\\\\b\\\\\\\\c");
	check_safe("\\x1b", "\\\\x1b");
}

static void test_safe_controls(void **state)
{
	UNIT_UNUSED(state);
	check_safe("\x1b[2J\x1b]0;title\x07", "\\x1b[2J\\x1b]0;title\\x07");
	check_safe("a\nb", "a\\x0ab");
	check_safe("\r\t\b\v\f", "\\x0d\\x09\\x08\\x0b\\x0c");
	check_safe("\x01\x1f", "\\x01\\x1f");
	check_safe("del\x7f", "del\\x7f");
	/* C1 controls U+0080..U+009F: both bytes of the encoding */
	check_safe("\xc2\x80", "\\xc2\\x80");
	check_safe("\xc2\x9b" "31m", "\\xc2\\x9b31m");	/* CSI */
	check_safe("x\xc2\x9fy", "x\\xc2\\x9fy");
	/* U+00A0 and up are printable */
	check_safe("\xc2\xa0", "\xc2\xa0");
	check_safe("\xc2\xbf", "\xc2\xbf");
	/* every C0 and C1 control */
	for (unsigned int c = 1; c < 0x20; c++) {
		char in[2] = { (char)c, 0 }, want[8];

		snprintf(want, sizeof(want), "\\x%02x", c);
		check_safe(in, want);
	}
	for (unsigned int c = 0x80; c < 0xa0; c++) {
		char in[3] = { (char)0xc2, (char)c, 0 }, want[16];

		snprintf(want, sizeof(want), "\\xc2\\x%02x", c);
		check_safe(in, want);
	}
}

static void test_safe_utf8_valid(void **state)
{
	UNIT_UNUSED(state);
	check_safe("caf\xc3\xa9", "caf\xc3\xa9");				/* é */
	check_safe("\xe4\xb8\xad\xe6\x96\x87", "\xe4\xb8\xad\xe6\x96\x87");	/* 中文 */
	check_safe("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");			/* 😀 */
	check_safe("\xd0\x9a\xd0\xb0\xd1\x81\xd0\xbf\xd0\xb5\xd1\x80\xd1\x81\xd0\xba\xd0\xb8\xd0\xb9",
		   "\xd0\x9a\xd0\xb0\xd1\x81\xd0\xbf\xd0\xb5\xd1\x80\xd1\x81\xd0\xba\xd0\xb8\xd0\xb9");
	/* the edges of the valid ranges */
	check_safe("\xe0\xa0\x80", "\xe0\xa0\x80");		/* U+0800 */
	check_safe("\xed\x9f\xbf", "\xed\x9f\xbf");		/* U+D7FF */
	check_safe("\xee\x80\x80", "\xee\x80\x80");		/* U+E000 */
	check_safe("\xef\xbf\xbf", "\xef\xbf\xbf");		/* U+FFFF */
	check_safe("\xf0\x90\x80\x80", "\xf0\x90\x80\x80");	/* U+10000 */
	check_safe("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");	/* U+10FFFF */
	check_safe("\xdf\xbf", "\xdf\xbf");			/* U+07FF */
}

static void test_safe_utf8_invalid(void **state)
{
	UNIT_UNUSED(state);
	check_safe("\x80", "\\x80");				/* lone continuation */
	check_safe("a\xbf" "b", "a\\xbfb");
	check_safe("\xc0\xaf", "\\xc0\\xaf");			/* overlong '/' */
	check_safe("\xc1\xbf", "\\xc1\\xbf");
	check_safe("\xe0\x80\xaf", "\\xe0\\x80\\xaf");		/* overlong, 3 bytes */
	check_safe("\xe0\x9f\xbf", "\\xe0\\x9f\\xbf");
	check_safe("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf");	/* overlong, 4 bytes */
	check_safe("\xf0\x8f\xbf\xbf", "\\xf0\\x8f\\xbf\\xbf");
	check_safe("\xed\xa0\x80", "\\xed\\xa0\\x80");		/* surrogate U+D800 */
	check_safe("\xed\xbf\xbf", "\\xed\\xbf\\xbf");		/* surrogate U+DFFF */
	check_safe("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");	/* U+110000 */
	check_safe("\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80");	/* F5 never appears */
	check_safe("\xf8\x88\x80\x80\x80", "\\xf8\\x88\\x80\\x80\\x80");
	check_safe("\xfe\xff", "\\xfe\\xff");
	/* sequences cut short by the end of the string */
	check_safe("\xc3", "\\xc3");
	check_safe("abc\xe4\xb8", "abc\\xe4\\xb8");
	check_safe("abc\xf0\x9f\x98", "abc\\xf0\\x9f\\x98");
	/* ...or by another character */
	check_safe("\xe4\xb8x", "\\xe4\\xb8x");
	check_safe("\xc3\xc3\xa9", "\\xc3\xc3\xa9");
	check_safe("\xf0\x9f\x98\x1b", "\\xf0\\x9f\\x98\\x1b");
}

static void test_safe_cut(void **state)
{
	char *in, *out, *want;

	UNIT_UNUSED(state);
	/* 1 KiB is shown whole */
	in = repeat('a', 1024);
	check_safe(in, in);
	free(in);
	/* beyond it, cut with the count of bytes left out */
	in = repeat('a', 1025);
	out = repeat('a', 1024);
	want = xasprintf("%s...(1 more bytes)", out);
	check_safe(in, want);
	free(want);
	free(in);
	in = repeat('a', 4096);
	want = xasprintf("%s...(3072 more bytes)", out);
	check_safe(in, want);
	free(want);
	free(in);
	in = repeat('a', 100000);
	want = xasprintf("%s...(98976 more bytes)", out);
	check_safe(in, want);
	free(want);
	free(in);
	free(out);

	/* a multi-byte character is not split by the cut */
	{
		struct strbuf sb;
		char *s;

		sb_init(&sb);
		sb_puts(&sb, "");
		for (int i = 0; i < 1023; i++)
			sb_putc(&sb, 'a');
		for (int i = 0; i < 10; i++)
			sb_puts(&sb, "\xe4\xb8\xad");
		in = sb_steal(&sb);
		s = safe_string(in);
		assert_true(utf8_bad_at((const unsigned char *)s, strlen(s)) < 0);
		out = repeat('a', 1023);
		want = xasprintf("%s\xe4\xb8\xad...(27 more bytes)", out);
		assert_string_equal(s, want);
		free(want);
		free(out);
		free(s);
		free(in);
	}

	/* escapes count against the limit; the count says how much input was not shown */
	{
		char *s, *dots;
		size_t shown = 0;
		unsigned long more;

		in = repeat('\x01', 2000);
		s = safe_string(in);
		dots = strstr(s, "...(");
		assert_non_null(dots);
		for (const char *p = s; p < dots; p += 4) {
			assert_memory_equal(p, "\\x01", 4);
			shown++;
		}
		assert_int_equal(sscanf(dots, "...(%lu more bytes)", &more), 1);
		assert_int_equal(shown + more, 2000);
		assert_true(strlen(s) < 1024 + 4 + 32);
		free(s);
		free(in);
	}
}

/* Random bytes: the output is terminal-safe, and reads back to the input. */
static void test_safe_random(void **state)
{
	uint8_t buf[200];
	uint64_t seed = 0x5eed;

	UNIT_UNUSED(state);
	for (int round = 0; round < 5000; round++) {
		size_t n = (size_t)(unit_rand(&seed) % (sizeof(buf) - 1));
		char *s, *back;

		unit_fill_random(buf, n, unit_rand(&seed));
		/* no NULs; more continuation bytes, so that valid sequences occur too */
		for (size_t i = 0; i < n; i++) {
			if (!buf[i])
				buf[i] = 0xc2;
			else if ((buf[i] & 0xe0) == 0x40)
				buf[i] = (uint8_t)(0x80 | (buf[i] & 0x3f));
		}
		buf[n] = 0;
		s = safe_string((const char *)buf);
		assert_terminal_safe("safe_string", s, strlen(s));
		back = unescape(s);
		if (strcmp(back, (const char *)buf) != 0) {
			free(back);
			free(s);
			fail_msg("round %d: safe_string is not reversible", round);
		}
		free(back);
		free(s);
	}
}

/* ---- report_write: JSON ---- */

/* Render T.res into T.out (replacing what was there). */
static char *render_t(enum report_format fmt, int exit_status, size_t *len)
{
	free(T.out);
	T.out = NULL;
	T.out = render(&T.res, fmt, exit_status, len);
	return T.out;
}

static void test_json_report(void **state)
{
	const struct jdoc *d = &T.doc;
	size_t len;
	char *json, *want;

	UNIT_UNUSED(state);
	build_result(&T.res);
	json = render_t(FORMAT_JSON, 1, &len);
	assert_true(len > 0 && json[len - 1] == '\n');
	assert_terminal_safe("JSON report", json, len);
	/* hostile strings appear only escaped */
	assert_null(strstr(json, "\x1b"));
	assert_non_null(strstr(json, "\"klif\\\\x1b[31m\\\\xc2\\\\x9b\""));
	/* the required keys, with a quick look without jq */
	{
		static const char *const keys[] = {
			"\"schema\": \"kdetect-report/1\"", "\"tool\": {", "\"host\": {", "\"rules\": {",
			"\"coverage\": [", "\"trust\": [", "\"modules\": [", "\"findings\": [",
			"\"summary\": {", "\"modinfo\": {", "\"signature\": {", "\"evidence\": {",
			"\"run\": {", "\"binaries\": [", "\"signatures\": [",
			"\"exit_status\": 1",
		};

		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			if (!strstr(json, keys[i]))
				fail_msg("JSON report lacks %s", keys[i]);
	}

	if (!have_jq()) {
		printf("note: %s not installed: JSON not parsed\n", JQ);
		return;
	}
	jdoc_open(&T.doc, json, len);
	assert_json_parses(d);
	assert_schema_valid(d);
	jq_expect(d, "keys_unsorted | join(\",\")",
		  "schema,tool,run,host,rules,coverage,trust,modules,boot,binaries,findings,summary");
	/* the run */
	jq_expect(d, ".run.argv | join(\" \")", "kdetect scan " H_ARG_SAFE);
	jq_expect(d, ".run.started", "2024-02-29T23:59:59.123Z");
	jq_expect(d, ".run.finished", "2024-03-01T00:00:01.005Z");
	jq_expect(d, ".run.duration_ms", "1881");
	jq_expect(d, ".host.machine_id", "uninitialized\\x1b[2J");
	jq_expect(d, ".host.boot_id", "6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0");
	jq_expect(d, ".schema", "kdetect-report/1");
	jq_expect(d, ".tool.name", "kdetect");
	jq_expect(d, ".tool.version", KDETECT_VERSION);
	jq_expect(d, ".tool.build", "standard");
	jq_expect(d, ".modules[0].devices | map([.bus, .driver, .name, .vendor_id, .product_id, .modalias, "
		     ".vendor, .model] | join(\"|\")) | join(\",\")",
		  "pci|kl\\x1bdrv|0000:00:03.0|8086|100e|pci:v00008086d0000100E|Intel\\x1b[2J Corporation|82540EM");
	jq_expect(d, ".modules[0].taint_explained | map(.flag) | join(\"\")", "OE");
	/* what does not apply is null, not left out */
	jq_expect(d, ".modules[1] | [.kernel, .taint_explained, .devices, .taint] | map(tostring) | join(\",\")",
		  "null,null,null,null");
	jq_expect(d, ".host | keys_unsorted | join(\",\")",
		  "hostname,machine_id,boot_id,kernel_release,root,offline,tainted,taint_flags");
	jq_expect(d, ".host.hostname", H_HOST_SAFE);
	jq_expect(d, ".host.root", "/mnt/evil\\x0aroot");
	jq_expect(d, ".host.offline", "true");
	jq_expect(d, ".host.tainted", "12288");
	jq_expect(d, "[.host.taint_flags[].flag] | join(\",\")", "O,E");
	{
		char count[24];

		snprintf(count, sizeof(count), "%zu", T.res.rules.n);
		assert_true(T.res.rules.n > 0);
		jq_expect(d, ".rules.count", count);
	}
	jq_expect(d, ".rules.files[0]", "rules/kaspersky.rules");
	jq_expect(d, ".rules.sha256", RULES_SHA256);
	jq_expect(d, ".coverage | length", "2");
	jq_expect(d, ".coverage[1].source", "/boot/vmlinuz-\\x1b[31mx");
	jq_expect(d, ".coverage[1].status", "error");
	jq_expect(d, ".coverage[1].detail", "bad \\xff detail\\x0d");
	jq_expect(d, ".trust | length", "2");
	jq_expect(d, ".trust[0].kind", "rules");
	jq_expect(d, ".trust[0].sha256", PINNED_SHA256);
	jq_expect(d, ".trust[0].subject | contains(\"O=Kaspersky Lab\")", "true");
	jq_expect(d, ".trust[0].kernel_trusted", "false");
	jq_expect(d, ".trust[1].kind", "keyring");
	jq_expect(d, ".trust[1].subject", "Evil\\x1b[2JCA");
	jq_expect(d, ".trust[1].skid", "ab\\x9bcd");
	jq_expect(d, ".trust[1].sha256", "null");

	/* modules */
	jq_expect(d, ".modules | length", "3");
	jq_expect(d,
		  "[\"name\",\"release\",\"loaded\",\"path\",\"file_name_matches\",\"compression\","
		  "\"file_size\",\"build_id\",\"kernel\",\"taint\",\"modinfo\",\"signature\"] - "
		  "(.modules[0] | keys) | length",
		  "0");
	jq_expect(d,
		  "[\"status\",\"reason\",\"hash_algo\",\"sig_algo\",\"issuer\",\"serial\",\"skid\","
		  "\"signer_subject\","
		  "\"cert_sha256\",\"verified_with\",\"kernel_trusted\"] - (.modules[0].signature | keys) "
		  "| length",
		  "0");
	jq_expect(d, ".modules[0].signature.sig_algo", "ecdsa-with-SHA512");
	jq_expect(d, ".modules[0].name", H_NAME_SAFE);
	jq_expect(d, ".modules[0].path", H_PATH_SAFE);
	jq_expect(d, ".modules[0].loaded", "true");
	jq_expect(d, ".modules[0].file_size", "12345");
	jq_expect(d, ".modules[0].compression", "xz");
	/* every modinfo field an array, whether it appears once or more */
	jq_expect(d, ".modules[0].modinfo | map_values(type) | [.[]] | unique | join(\",\")", "array");
	jq_expect(d, ".modules[0].modinfo.author[0]", H_AUTHOR_SAFE);
	jq_expect(d, ".modules[0].modinfo.alias | length", "2");
	jq_expect(d, ".modules[0].modinfo.alias[1]", H_ALIAS2_SAFE);
	jq_expect(d, ".modules[0].modinfo.description | length", "1");
	jq_expect(d, ".modules[0].modinfo.description[0]", H_DESC_SAFE);
	jq_expect(d, ".modules[0].kernel.refcnt", "2");
	jq_expect(d, ".modules[0].kernel.used_by[1]", "redir\\x1bfs");
	jq_expect(d, ".modules[0].kernel.holders[0]", "hold\\x0aer");
	jq_expect(d, ".modules[0].kernel.version", "1.0\\x1b[0m");
	jq_expect(d, ".modules[0].kernel.build_id_matches", "null");
	jq_expect(d, ".modules[0].taint", "OE");
	jq_expect(d, ".modules[0].signature.status", "valid");
	jq_expect(d, ".modules[0].signature.cert_sha256", PINNED_SHA256);
	jq_expect(d, ".modules[0].signature.verified_with", PINNED_CERT);
	jq_expect(d, ".modules[0].signature.signer_subject | contains(\"CN=Kaspersky Lab\")", "true");
	jq_expect(d, ".modules[1].name", H_QUOTE_SAFE);
	jq_expect(d, ".modules[1].path", "null");
	jq_expect(d, ".modules[1].compression", "null");
	jq_expect(d, ".modules[1].kernel", "null");
	jq_expect(d, ".modules[1].modinfo", "{}");
	jq_expect(d, ".modules[1].signature.status", "unsigned");
	jq_expect(d, ".modules[1].signature.reason", "no signature \\x1b[5m");
	jq_expect(d, ".modules[1].signature.verified_with", "null");
	jq_expect(d, ".modules[2].signature.issuer", "CN=\\x1b[1mx");
	jq_expect(d, ".modules[2].signature.reason", "no cert\\x7f");
	jq_expect(d, ".modules[2].signature.signer_subject", "null");
	jq_expect(d, ".modules[2].file_name_matches", "false");
	/* the 3000-byte path is cut after 1 KiB */
	{
		static char big[1100];

		memset(big, 'p', 1024);
		big[1024] = 0;
		want = xasprintf("%s...(%d more bytes)", big, BIG_PATH_LEN - 1024);
		snprintf(big, sizeof(big), "%s", want);
		free(want);
		jq_expect(d, ".modules[2].path", big);
	}

	/* findings and summary */
	jq_expect(d, ".findings | length", "1");
	jq_expect(d,
		  "[\"rule\",\"rules\",\"severity\",\"kind\",\"name\",\"path\",\"summary\",\"evidence\"] "
		  "- (.findings[0] | keys) | length",
		  "0");
	jq_expect(d, ".findings[0].rule", "KL-MOD-001");
	jq_expect(d, ".findings[0].rules | join(\" \")", "KL-MOD-001 KL-CERT-003");
	jq_expect(d, ".findings[0].severity", "critical");
	jq_expect(d, ".findings[0].name", H_NAME_SAFE);
	jq_expect(d, ".findings[0].evidence.loaded", "yes");
	/* evidence members have the type their name gives them */
	jq_expect(d, ".findings[0].evidence[\"modinfo.author\"] | join(\",\")", H_AUTHOR_SAFE ",second");
	jq_expect(d, ".findings[0].evidence.release", "6.1.0-13-amd64");
	jq_expect(d, ".findings[0].evidence.files_matched | [type, .] | map(tostring) | join(\",\")",
		  "number,12");
	jq_expect(d, ".findings[0].evidence | [.[\"process.pid\"], .[\"process.uid\"]] | map(tostring) | join(\",\")",
		  "null,null");
	jq_expect(d, ".findings[0].evidence.file | [type, .[0]] | join(\",\")", "array,/opt/a");

	/* binaries: the signatures as objects */
	jq_expect(d, ".binaries | length", "1");
	jq_expect(d, ".binaries[0] | [.path, .kind, .status, .catalog] | join(\"|\")",
		  "/Windows/System32/drivers/kl\\x1b[31mif.sys|driver|malformed|" H_CATALOG_SAFE);
	jq_expect(d, ".binaries[0].reason", "nested signature: not SignedData\\x0d");
	jq_expect(d, ".binaries[0].signatures | map([.source, .depth, .status] | map(tostring) | join(\" \")) | join(\",\")",
		  "embedded 0 valid,embedded 1 malformed");
	jq_expect(d, ".binaries[0].signatures[0] | [.digest_algorithm, .digest, .digest_matches, .signature_verifies] "
		     "| map(tostring) | join(\",\")",
		  "sha256," PINNED_SHA256 ",true,true");
	jq_expect(d, ".binaries[0].signatures[0].signer.sha256", PINNED_SHA256);
	jq_expect(d, ".binaries[0].signatures[0].signer.not_after | test(\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$\")",
		  "true");
	jq_expect(d, ".binaries[0].signatures[0].chain | map(.sha256) | join(\",\")", PINNED_SHA256);
	jq_expect(d, ".binaries[0].signatures[0].anchor | [.database, .sha256] | join(\",\")", "db," PINNED_SHA256);
	jq_expect(d, ".binaries[0].signatures[1] | [.signer, .chain, .anchor, .digest] | map(tostring) | join(\",\")",
		  "null,[],null,null");
	/* the timestamp, and the validity periods judged (or not: null) */
	jq_expect(d, ".binaries[0].signatures[0].timestamp | [.kind, .status, .reason, .time, .signer.sha256, (.chain | length)] "
		     "| map(tostring) | join(\",\")",
		  "rfc3161,invalid,messageImprint \\x1b[1mbad,2019-05-01T12:00:00Z," PINNED_SHA256 ",0");
	jq_expect(d, ".binaries[0].signatures | map([.time_valid, .time_basis] | map(tostring) | join(\" \")) | join(\",\")",
		  "true scan time,null null");
	jq_expect(d, ".binaries[0].signatures[1].timestamp", "null");
	jq_expect(d, ".binaries[0].catalog_osattr", "null");
	jq_expect(d, ".binaries[0].signatures[1].error", "not SignedData \\x1b[5m");
	jq_expect(d, ".binaries[0].version | to_entries | map(.key + \"=\" + .value) | join(\",\")",
		  "CompanyName=AO Kaspersky Lab,Evil\\x1b[2J=v\\x07");
	jq_expect(d, ".binaries[0].sbat[1]", "klif,1,\\x1b[2J,klif,1,https://x");
	jq_expect(d, ".binaries[0].sbat_level", "not revoked by SbatLevelRT");
	jq_expect(d, ".binaries[0].vendor_cert.sha256", PINNED_SHA256);
	jq_expect(d,
		  "[\"modules\",\"loaded\",\"findings\",\"by_status\",\"incomplete\",\"exit_status\"] - "
		  "(.summary | keys) | length",
		  "0");
	jq_expect(d, ".summary.modules", "3");
	jq_expect(d, ".summary.loaded", "1");
	jq_expect(d, ".summary.findings", "1");
	jq_expect(d, ".summary.incomplete", "true");
	jq_expect(d, ".summary.exit_status", "1");
	jq_expect(d,
		  ".summary.by_status | [.valid, .invalid, .unverifiable, .unsigned, .malformed, .unread] "
		  "| map(tostring) | join(\",\")",
		  "1,0,1,1,0,0");
}

/* An empty result is a valid report too. */
static void test_json_empty(void **state)
{
	const struct jdoc *d = &T.doc;
	size_t len;
	char *json;

	UNIT_UNUSED(state);
	T.res.rules_sha256 = xstrdup(RULES_SHA256);	/* a scan always has its rule set's */
	json = render_t(FORMAT_JSON, 0, &len);
	assert_terminal_safe("empty JSON report", json, len);
	assert_non_null(strstr(json, "\"modules\": []"));
	if (!have_jq())
		return;
	jdoc_open(&T.doc, json, len);
	assert_json_parses(d);
	assert_schema_valid(d);
	jq_expect(d, ".host.hostname", "null");
	jq_expect(d, ".host | [.tainted, .taint_flags] | map(tostring) | join(\",\")", "null,null");
	jq_expect(d, ".run | [.argv, .started] | map(tostring) | join(\",\")", "[],1970-01-01T00:00:00.000Z");
	jq_expect(d, ".modules | length", "0");
	jq_expect(d, ".rules.count", "0");
	jq_expect(d, ".rules.files", "[]");
	jq_expect(d, ".summary.incomplete", "false");
	jq_expect(d, ".summary.exit_status", "0");
}

/*
 * modinfo keys come from the module file as much as its values do: "k\xffey="
 * or "x\x1b[2Jy=" in .modinfo. The JSON must stay valid UTF-8 and show them
 * escaped, like the values.
 */
static void test_json_hostile_modinfo_keys(void **state)
{
	const struct jdoc *d = &T.doc;
	size_t len;
	char *json;

	UNIT_UNUSED(state);
	build_result(&T.res);
	kv_add(&T.res.mods[1].modinfo, "k\xff" "ey", "v1");
	kv_add(&T.res.mods[1].modinfo, "x\x1b[2Jy", "v2");
	kv_add(&T.res.mods[1].modinfo, "x\x1b[2Jy", "v3");	/* repeated: two values */
	json = render_t(FORMAT_JSON, 1, &len);
	if (have_jq()) {
		jdoc_open(&T.doc, json, len);
		assert_json_parses(d);
		assert_schema_valid(d);
	}
	assert_terminal_safe("JSON report", json, len);
	if (have_jq()) {
		jq_expect(d, ".modules[1].modinfo[\"k\\\\xffey\"] | join(\",\")", "v1");
		jq_expect(d, ".modules[1].modinfo[\"x\\\\x1b[2Jy\"] | join(\",\")", "v2,v3");
	}
}

/* ---- report_write: text ---- */

/* The line of text that starts with prefix (a copy), or a failure naming it. */
static char *line_of(const char *text, const char *prefix)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (!strncmp(p, prefix, strlen(prefix)))
			return xstrndup(p, n);
		p += n + (nl != NULL);
	}
	fail_msg("no line starts with \"%s\"", prefix);
	return NULL;
}

/* Columns of a line of the report: characters, an escape taking its length. */
static size_t line_cols(const char *p, size_t n)
{
	size_t cols = 0;

	for (size_t i = 0; i < n; i++)
		cols += ((unsigned char)p[i] & 0xc0) != 0x80;
	return cols;
}

/*
 * Every line at most 100 columns, no trailing blank, and every escape whole
 * on its line: a backslash starts "\\" or "\xHH".
 */
static void assert_text_lines(const char *what, const char *text)
{
	unsigned int lineno = 1;

	for (const char *p = text; *p; lineno++) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (line_cols(p, n) > 100)
			fail_msg("%s: line %u has %zu columns: %.*s", what, lineno, line_cols(p, n),
				 (int)n, p);
		if (n && p[n - 1] == ' ')
			fail_msg("%s: line %u ends in a blank: \"%.*s\"", what, lineno, (int)n, p);
		for (size_t i = 0; i < n; i++) {
			if (p[i] != '\\')
				continue;
			if (i + 1 < n && p[i + 1] == '\\') {
				i++;
				continue;
			}
			if (i + 3 < n && p[i + 1] == 'x' && strchr("0123456789abcdef", p[i + 2]) &&
			    strchr("0123456789abcdef", p[i + 3])) {
				i += 3;
				continue;
			}
			fail_msg("%s: line %u cuts an escape: \"%.*s\"", what, lineno, (int)n, p);
		}
		p += n + (nl != NULL);
	}
}

static void test_text_report(void **state)
{
	static const char *const want[] = {
		"kdetect " KDETECT_VERSION ": FINDINGS (1), INCOMPLETE\n",
		"host " H_HOST_SAFE ", kernel 6.1.0-13-amd64, offline root /mnt/evil\\x0aroot\n"
		"scan 2024-02-29T23:59:59Z, 1.881 s, machine-id uninitialized\\x1b[2J,\n"
		"     boot-id 6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0\n",
		"\nFindings: 1 (1 critical)\n\n",
		"  CRITICAL module " H_NAME_SAFE "  " H_PATH_SAFE "\n"
		"           Module metadata names Kaspersky\n"
		"           rules: KL-MOD-001 KL-CERT-003\n"
		"           loaded: yes\n"
		"           modinfo.author: " H_AUTHOR_SAFE "\n"
		"                           second\n"
		"           release: 6.1.0-13-amd64\n",
		"           file: /opt/a\n"
		"           taint O: built outside the kernel tree (no intree=Y in modinfo)\n"
		"           taint E: signed by a key the kernel does not trust (jurisdictionC=RU,\n"
		"                    jurisdictionST=Moscow, ",
		"           modules that use it: kav4fs_oas redir\\x1bfs\n",
		"           devices that depend on it (1):\n"
		"             pci 0000:00:03.0 (driver kl\\x1bdrv) 8086:100e Intel\\x1b[2J Corporation 82540EM\n",
		"\nCoverage\n",
		"  error   /boot/vmlinuz-\\x1b[31mx: bad \\xff detail\\x0d\n",
		"\nTrust sources\n",
		"  keyring      Evil\\x1b[2JCA  key id ab\\x9bcd\n"
		"               from /proc/keys, in proc/keys\n",
		"\nKernel taint 12288 = OE\n",
		"\nBoot chain\n  driver malformed    /Windows/System32/drivers/kl\\x1b[31mif.sys\n"
		"           nested signature: not SignedData\\x0d\n"
		"           signature: sha256, valid: ",
		" [anchored in db]\n             timestamp: rfc3161, invalid (messageImprint \\x1b[1mbad), "
		"2019-05-01T12:00:00Z, by",
		"\n             validity periods: valid: every certificate is valid at the scan time\n"
		"           signature: nested ?, invalid: signer not embedded\n"
		"           catalog: " H_CATALOG_SAFE "\n"
		"           version.CompanyName: AO Kaspersky Lab\n"
		"           version.Evil\\x1b[2J: v\\x07\n"
		"           sbat: sbat,1,SBAT Version,sbat,1,https://x\n"
		"           sbat: klif,1,\\x1b[2J,klif,1,https://x\n"
		"           sbat_level: not revoked by SbatLevelRT\n"
		"           vendor_cert: ",
		"           uefi: not allowed by db, MokListRT or a shim\n",
		"\nModules: 3 (1 loaded); valid 1 unverifiable 1 unsigned 1\n",
		/* the name column holds, and a DN too long for the line is its CN and O */
		"  loaded " H_NAME_SAFE "     valid        signed by CN=Kaspersky Lab, O=Kaspersky Lab, ...\n"
		"                                               (" PINNED_CERT ") [taint OE]\n"
		"         " H_PATH_SAFE "\n",
		"  file   " H_QUOTE_SAFE "         unsigned     no signature \\x1b[5m\n"
		"         (no file)\n",
		"  file   big                      unverifiable issuer CN=\\x1b[1mx serial 01: no cert\\x7f\n",
	};
	static const char empty_head[] = "kdetect " KDETECT_VERSION ": nothing found\n"
					 "host ?, kernel unknown\n";
	size_t len, shown = 0;
	unsigned long more = 0;
	char *text, *big;

	UNIT_UNUSED(state);
	build_result(&T.res);
	text = render_t(FORMAT_TEXT, 1, &len);
	assert_terminal_safe("text report", text, len);
	assert_text_lines("text report", text);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		if (!strstr(text, want[i]))
			fail_msg("text report lacks \"%s\" in:\n%s", want[i], text);
	/* the 3000-byte path: four lines, then how much was left out */
	big = strstr(text, "\n         pppp");
	assert_non_null(big);
	for (int line = 0; line < 4; line++) {
		const char *p = big + 1 + 9;

		assert_memory_equal(big + 1, "         ", 9);
		while (*p == 'p') {
			p++;
			shown++;
		}
		if (line < 3) {
			assert_int_equal(*p, '\n');
		} else {
			assert_int_equal(sscanf(p, "...(%lu more bytes)\n", &more), 1);
		}
		big = strchr(big + 1, '\n');
	}
	assert_int_equal(shown + more, BIG_PATH_LEN);

	/* the verdict follows the exit status */
	text = render_t(FORMAT_TEXT, 3, NULL);
	assert_true(strncmp(text, "kdetect " KDETECT_VERSION ": nothing found, but INCOMPLETE (1 informational)\n",
			    strlen("kdetect " KDETECT_VERSION ": nothing found, but INCOMPLETE (1 informational)\n")) == 0);

	scan_result_free(&T.res);
	text = render_t(FORMAT_TEXT, 0, &len);
	assert_terminal_safe("empty text report", text, len);
	assert_true(strncmp(text, empty_head, strlen(empty_head)) == 0);
	assert_null(strstr(text, "Findings"));
}

/* Findings and an inspection that could not read everything: the header says both. */
static void test_text_incomplete_header(void **state)
{
	char *head;

	UNIT_UNUSED(state);
	build_result(&T.res);
	assert_true(scan_incomplete(&T.res));	/* a coverage source in error */
	head = line_of(render_t(FORMAT_TEXT, 1, NULL), "kdetect ");
	assert_string_equal(head, "kdetect " KDETECT_VERSION ": FINDINGS (1), INCOMPLETE");
	free(head);

	T.res.cov[1].status = COV_OK;
	assert_false(scan_incomplete(&T.res));
	head = line_of(render_t(FORMAT_TEXT, 1, NULL), "kdetect ");
	assert_string_equal(head, "kdetect " KDETECT_VERSION ": FINDINGS (1)");
	free(head);

	/* a module file that could not be read makes it incomplete too */
	T.res.mods[2].sig.status = SIG_UNREAD;
	head = line_of(render_t(FORMAT_TEXT, 1, NULL), "kdetect ");
	assert_string_equal(head, "kdetect " KDETECT_VERSION ": FINDINGS (1), INCOMPLETE");
	free(head);

	/* nothing found: the exit status says it all */
	T.res.findings[0].severity = SEV_INFO;
	head = line_of(render_t(FORMAT_TEXT, 0, NULL), "kdetect ");
	assert_string_equal(head, "kdetect " KDETECT_VERSION ": nothing found (1 informational)");
	free(head);
	head = line_of(render_t(FORMAT_TEXT, 3, NULL), "kdetect ");
	assert_string_equal(head,
			    "kdetect " KDETECT_VERSION ": nothing found, but INCOMPLETE (1 informational)");
	free(head);
}

/* A finding of the synthetic results below. */
static struct finding *fnd(struct scan_result *res, const char *rule, enum severity sev,
			   const char *kind, const char *name, const char *path)
{
	return add_finding(res, rule, sev, kind, name, path, xasprintf("title of %s", rule));
}

/*
 * One KESL, one Network Agent, a Kaspersky-signed module (whose file even lies
 * in KESL's tree), a lookalike tree, two services that run /bin/sh, a taint
 * finding named like the module, certificates, an EFI binary: which findings
 * are about one thing.
 */
static void build_groups(struct scan_result *res)
{
	struct finding *f;

	memset(res, 0, sizeof(*res));
	res->nloaded = 1;
	res->loaded = xcalloc(1, sizeof(*res->loaded));
	res->loaded[0].name = xstrdup("kdt_klsigned");
	res->loaded[0].taint = xstrdup("OE");
	res->nmods = 1;
	res->mods = xcalloc(1, sizeof(*res->mods));
	res->mods[0].name = xstrdup("kdt_klsigned");
	res->mods[0].path = xstrdup("/opt/kaspersky/kesl/lib/kdt_klsigned.ko");
	res->mods[0].loaded = true;
	res->mods[0].lm = &res->loaded[0];
	res->mods[0].sig.status = SIG_UNVERIFIABLE;

	/* 0 */
	f = fnd(res, "KL-FILE-001", SEV_HIGH, "file", "/opt/kaspersky/kesl/bin",
		"/opt/kaspersky/kesl/bin/kesl-control");
	kv_add(&f->evidence, "directory", "/opt/kaspersky/kesl/bin");
	kv_add(&f->evidence, "file", "/opt/kaspersky/kesl/bin/kesl-control");
	/* 1: no root, so no file list: nothing links it */
	f = fnd(res, "KL-PKG-001", SEV_HIGH, "package", "kesl", NULL);
	kv_add(&f->evidence, "package.manager", "dpkg");
	/* 2 */
	f = fnd(res, "KL-SVC-002", SEV_HIGH, "service", "kesl.service",
		"/lib/systemd/system/kesl.service");
	kv_add(&f->evidence, "service.path", "/lib/systemd/system/kesl.service");
	kv_add(&f->evidence, "service.exec", "/opt/kaspersky/kesl/libexec/kesl_launcher.sh");
	/* 3: replaced by an update while it runs */
	f = fnd(res, "KL-PROC-001", SEV_HIGH, "process", "wdserver",
		"/opt/kaspersky/kesl/libexec/wdserver (deleted)");
	kv_add(&f->evidence, "process.exe", "/opt/kaspersky/kesl/libexec/wdserver (deleted)");
	/* 4: the other product under /opt/kaspersky */
	f = fnd(res, "KL-FILE-001", SEV_HIGH, "file", "/opt/kaspersky/klnagent64/sbin",
		"/opt/kaspersky/klnagent64/sbin/klnagent");
	kv_add(&f->evidence, "directory", "/opt/kaspersky/klnagent64/sbin");
	kv_add(&f->evidence, "file", "/opt/kaspersky/klnagent64/sbin/klnagent");
	/* 5: the module, its file in KESL's tree */
	f = fnd(res, "KL-CERT-001", SEV_CRITICAL, "kaspersky", "kdt_klsigned",
		"/opt/kaspersky/kesl/lib/kdt_klsigned.ko");
	/* 6: the file finding about the same file is KESL's */
	f = fnd(res, "KL-FILE-008", SEV_HIGH, "file", "/opt/kaspersky/kesl/lib",
		"/opt/kaspersky/kesl/lib/kdt_klsigned.ko");
	kv_add(&f->evidence, "directory", "/opt/kaspersky/kesl/lib");
	kv_add(&f->evidence, "file", "/opt/kaspersky/kesl/lib/kdt_klsigned.ko");
	/* 7 */
	fnd(res, "KD-SIG-INVALID", SEV_MEDIUM, "integrity", "kdt_klsigned",
	    "/opt/kaspersky/kesl/lib/kdt_klsigned.ko");
	/* 8, 9: two services that run a shell */
	f = fnd(res, "KL-SVC-001", SEV_HIGH, "service", "a.service", "/etc/systemd/system/a.service");
	kv_add(&f->evidence, "service.exec", "/bin/sh");
	f = fnd(res, "KL-SVC-001", SEV_HIGH, "service", "b.service", "/etc/systemd/system/b.service");
	kv_add(&f->evidence, "service.exec", "/bin/sh");
	/* 10: a lookalike of the provider directory */
	f = fnd(res, "KL-ENG-001", SEV_MEDIUM, "file", "/opt/kaspersky-tools/db",
		"/opt/kaspersky-tools/db/base001.avc");
	kv_add(&f->evidence, "directory", "/opt/kaspersky-tools/db");
	kv_add(&f->evidence, "file", "/opt/kaspersky-tools/db/base001.avc");
	/* 11: the loaded module is missing from sys/module */
	fnd(res, "KD-HIDDEN-SYSFS", SEV_HIGH, "hidden", "kdt_klsigned", NULL);
	/* 12: a taint letter, whatever its name */
	fnd(res, "KD-TAINT-UNEXPLAINED", SEV_INFO, "hidden", "kdt_klsigned", NULL);
	/* 13, 14: one certificate in two places; 15 another */
	f = fnd(res, "KL-CERT-001", SEV_CRITICAL, "trust", "CN=Kaspersky Lab", "/proc/keys");
	kv_add(&f->evidence, "cert.sha256", "aa");
	f = fnd(res, "KL-CERT-001", SEV_CRITICAL, "trust", "CN=Kaspersky Lab", "/boot/vmlinuz-6.1");
	kv_add(&f->evidence, "cert.sha256", "aa");
	f = fnd(res, "KL-CERT-001", SEV_CRITICAL, "trust", "CN=Kaspersky Lab 2", "/proc/keys");
	kv_add(&f->evidence, "cert.sha256", "bb");
	/* 16, 17: a boot loader and the boot entry that starts it (FAT ignores case) */
	fnd(res, "KL-BOOT-003", SEV_HIGH, "efi", "kl_main.efi", "/boot/efi/EFI/kl/kl_main.efi");
	f = fnd(res, "KL-BOOT-004", SEV_CRITICAL, "boot", "Boot0003", "\\EFI\\KL\\kl_main.efi");
	kv_add(&f->evidence, "boot.path", "\\EFI\\KL\\kl_main.efi");
	finding_also(f, &(struct rule){ .id = "KL-BOOT-001" }, SEV_HIGH);
	/* 18, 19: a file by that name on each of two ESPs: which one the entry starts is not known */
	fnd(res, "KL-BOOT-003", SEV_HIGH, "efi", "x.efi", "/boot/efi/EFI/dup/x.efi");
	f = fnd(res, "KL-BOOT-004", SEV_HIGH, "boot", "Boot0004", "\\EFI\\dup\\x.efi");
	kv_add(&f->evidence, "boot.path", "\\EFI\\dup\\x.efi");
	res->npes = 4;
	res->pes = xcalloc(res->npes, sizeof(*res->pes));
	res->pes[0] = (struct pe_rec){ .path = xstrdup("/boot/efi/EFI/kl/kl_main.efi"), .kind = "efi" };
	res->pes[1] = (struct pe_rec){ .path = xstrdup("/boot/efi/EFI/dup/x.efi"), .kind = "efi" };
	res->pes[2] = (struct pe_rec){ .path = xstrdup("/efi2/EFI/DUP/X.EFI"), .kind = "efi" };
	/* a driver is not what a boot entry starts */
	res->pes[3] = (struct pe_rec){ .path = xstrdup("/win/EFI/kl/kl_main.efi"), .kind = "driver" };
}

static void expect_group(const struct scan_result *res, size_t g, const char *kind, const char *name,
			 enum severity sev, const size_t *members, size_t n)
{
	const struct finding_group *fg = &res->groups[g];

	assert_true(g < res->ngroups);
	assert_string_equal(fg->kind, kind);
	assert_string_equal(fg->name, name);
	assert_int_equal(fg->severity, sev);
	assert_int_equal(fg->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(fg->members[i], members[i]);
		assert_int_equal(res->findings[members[i]].group, g);
	}
}

static void test_group(void **state)
{
	struct scan_result *res = &T.res;

	UNIT_UNUSED(state);
	build_groups(res);
	findings_group(res, NULL);
	assert_int_equal(res->ngroups, 13);
	/* KESL: its files, the unit that starts its launcher, the process that runs from it */
	expect_group(res, 0, "product", "kesl", SEV_HIGH, (size_t[]){ 0, 2, 3, 6 }, 4);
	assert_int_equal(res->groups[0].places.n, 1);
	assert_string_equal(res->groups[0].places.v[0], "/opt/kaspersky/kesl");
	/* without its file list, nothing says where the package is */
	expect_group(res, 1, "package", "kesl", SEV_HIGH, (size_t[]){ 1 }, 1);
	expect_group(res, 2, "product", "klnagent64", SEV_HIGH, (size_t[]){ 4 }, 1);
	/* the module is code in the kernel, not part of the product whose tree holds its file */
	expect_group(res, 3, "module", "kdt_klsigned", SEV_CRITICAL, (size_t[]){ 5, 7, 11 }, 3);
	/* a shell is not a product */
	expect_group(res, 4, "service", "a.service", SEV_HIGH, (size_t[]){ 8 }, 1);
	expect_group(res, 5, "service", "b.service", SEV_HIGH, (size_t[]){ 9 }, 1);
	expect_group(res, 6, "product", "kaspersky-tools", SEV_MEDIUM, (size_t[]){ 10 }, 1);
	expect_group(res, 7, "hidden", "kdt_klsigned", SEV_INFO, (size_t[]){ 12 }, 1);
	expect_group(res, 8, "trust", "CN=Kaspersky Lab", SEV_CRITICAL, (size_t[]){ 13, 14 }, 2);
	expect_group(res, 9, "trust", "CN=Kaspersky Lab 2", SEV_CRITICAL, (size_t[]){ 15 }, 1);
	/* the loader and the entry that starts it, named after the loader */
	expect_group(res, 10, "efi", "kl_main.efi", SEV_CRITICAL, (size_t[]){ 16, 17 }, 2);
	expect_group(res, 11, "efi", "x.efi", SEV_HIGH, (size_t[]){ 18 }, 1);
	expect_group(res, 12, "boot", "Boot0004", SEV_HIGH, (size_t[]){ 19 }, 1);

	/* grouping again gives the same */
	findings_group(res, NULL);
	assert_int_equal(res->ngroups, 13);
	expect_group(res, 0, "product", "kesl", SEV_HIGH, (size_t[]){ 0, 2, 3, 6 }, 4);
}

static void test_product_tree(void **state)
{
	static const struct {
		const char *path, *key, *dir;
	} cases[] = {
		{ "/opt/kaspersky/kesl/bin/kesl-control", "/opt/kaspersky/kesl", "/opt/kaspersky/kesl" },
		{ "/opt/kaspersky/kesl/bin", "/opt/kaspersky/kesl", "/opt/kaspersky/kesl" },
		{ "/var/opt/kaspersky/kesl/common/kesl.ini", "/opt/kaspersky/kesl",
		  "/var/opt/kaspersky/kesl" },
		{ "/etc/opt/kaspersky/klms/scripts/x", "/opt/kaspersky/klms", "/etc/opt/kaspersky/klms" },
		{ "/var/log/kaspersky/kesl/kesl.log", "/opt/kaspersky/kesl", "/var/log/kaspersky/kesl" },
		{ "/opt/acme-gateway/engine/kavehost", "/opt/acme-gateway", "/opt/acme-gateway" },
		{ "/var/opt/acme-gateway/x", "/opt/acme-gateway", "/var/opt/acme-gateway" },
		{ "/opt/kaspersky-tools/db/base001.avc", "/opt/kaspersky-tools", "/opt/kaspersky-tools" },
		{ "/opt/kaspersky/kesl/libexec/wdserver (deleted)", "/opt/kaspersky/kesl",
		  "/opt/kaspersky/kesl" },
		/* a name alone may be a file: a tree needs something in it */
		{ "/opt/kaspersky/kesl", NULL, NULL },
		{ "/opt/kaspersky/kesl/", NULL, NULL },
		{ "/opt/kaspersky/README", NULL, NULL },
		{ "/opt/kaspersky", NULL, NULL },
		{ "/opt/acme", NULL, NULL },
		{ "/opt/README", NULL, NULL },
		/* not a layout we know */
		{ "/var/log/acme/x.log", NULL, NULL },
		{ "/srv/filtr/bases/base001.avc", NULL, NULL },
		{ "/usr/lib/systemd/system/kesl.service", NULL, NULL },
		{ "/optx/kaspersky/kesl/x", NULL, NULL },
		{ "opt/kaspersky/kesl/x", NULL, NULL },
		/* paths that are not clean name no tree */
		{ "/opt/../etc/x", NULL, NULL },
		{ "/opt/./kaspersky/kesl/x", NULL, NULL },
		{ "/opt//kaspersky/kesl/x", NULL, NULL },
		{ "/opt/kaspersky/../x/y", NULL, NULL },
		{ "", NULL, NULL },
	};

	UNIT_UNUSED(state);
	assert_null(product_tree(NULL, NULL));
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *dir = (char *)"unset", *key = product_tree(cases[i].path, &dir);

		if (!cases[i].key) {
			if (key || dir)
				fail_msg("%s: tree %s", cases[i].path, key ? key : dir);
			continue;
		}
		if (!key || strcmp(key, cases[i].key) || strcmp(dir, cases[i].dir))
			fail_msg("%s: tree %s in %s, expected %s in %s", cases[i].path,
				 key ? key : "(none)", key ? dir : "", cases[i].key, cases[i].dir);
		free(key);
		free(dir);
	}
}

/*
 * dpkg's file lists tie a package to what it installed: KESL's SysV script;
 * the Network Agent's unit, named by the list as it ships (/lib) while the
 * root has a merged /usr (/lib -> usr/lib) and the unit is found under
 * /usr/lib; a Multi-Arch list name. Two packages that list the same
 * directories are not one thing, nor a package name that is no dpkg name.
 */
static void test_group_dpkg(void **state)
{
	static const char kesl_list[] = "/.\n/etc\n/etc/init.d\n/etc/init.d/kesl\n/opt\n/opt/kaspersky\n"
					"/opt/kaspersky/kesl\n/opt/kaspersky/kesl/bin\n/usr\n/usr/share\n"
					"/usr/share/doc\n";
	static const char agent_list[] = "/.\n/lib\n/lib/systemd\n/lib/systemd/system\n"
					 "/lib/systemd/system/klnagent64.service\n/usr\n/usr/share\n"
					 "/usr/share/doc\n";
	char dir[] = "/tmp/kdetect-test-group-XXXXXX", path[512];
	struct scan_result *res = &T.res;
	struct kd_root root;
	struct finding *f;

	UNIT_UNUSED(state);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/var/lib/dpkg/info", dir);
	fx_mkdir_p(path);
	snprintf(path, sizeof(path), "%s/var/lib/dpkg/info/kesl.list", dir);
	fx_write(path, kesl_list, strlen(kesl_list));
	snprintf(path, sizeof(path), "%s/var/lib/dpkg/info/klnagent64:amd64.list", dir);
	fx_write(path, agent_list, strlen(agent_list));
	snprintf(path, sizeof(path), "%s/etc/init.d", dir);
	fx_mkdir_p(path);
	snprintf(path, sizeof(path), "%s/etc/init.d/kesl", dir);
	fx_write(path, "#!/bin/sh\n", 10);
	snprintf(path, sizeof(path), "%s/usr/lib/systemd/system", dir);
	fx_mkdir_p(path);
	snprintf(path, sizeof(path), "%s/usr/lib/systemd/system/klnagent64.service", dir);
	fx_write(path, "[Service]\n", 10);
	snprintf(path, sizeof(path), "%s/lib", dir);
	assert_int_equal(symlink("usr/lib", path), 0);
	assert_int_equal(root_init(&root, dir, true), 0);

	memset(res, 0, sizeof(*res));
	f = fnd(res, "KL-PKG-001", SEV_HIGH, "package", "kesl", NULL);
	kv_add(&f->evidence, "package.manager", "dpkg");
	f = fnd(res, "KL-PKG-001", SEV_HIGH, "package", "klnagent64", NULL);
	kv_add(&f->evidence, "package.manager", "dpkg");
	f = fnd(res, "KL-SVC-001", SEV_HIGH, "service", "kesl", "/etc/init.d/kesl");
	kv_add(&f->evidence, "service.path", "/etc/init.d/kesl");
	f = fnd(res, "KL-SVC-001", SEV_HIGH, "service", "klnagent64.service",
		"/usr/lib/systemd/system/klnagent64.service");
	kv_add(&f->evidence, "service.path", "/usr/lib/systemd/system/klnagent64.service");
	/* a name that would leave info/ */
	f = fnd(res, "SITE-001", SEV_LOW, "package", "../../../etc/init.d/kesl", NULL);
	kv_add(&f->evidence, "package.manager", "dpkg");
	findings_group(res, &root);
	root_fini(&root);
	fx_rm_rf(dir);

	assert_int_equal(res->ngroups, 3);
	expect_group(res, 0, "product", "kesl", SEV_HIGH, (size_t[]){ 0, 2 }, 2);
	expect_group(res, 1, "package", "klnagent64", SEV_HIGH, (size_t[]){ 1, 3 }, 2);
	expect_group(res, 2, "package", "../../../etc/init.d/kesl", SEV_LOW, (size_t[]){ 4 }, 1);
	/* the list names the tree, and the finding says so */
	assert_string_equal(kv_get(&res->findings[0].evidence, "installed_in"), "/opt/kaspersky/kesl");
	assert_null(kv_get(&res->findings[1].evidence, "installed_in"));
}

/* The grouping in the text: one thing per group, its rules, its findings as evidence. */
static void test_text_groups(void **state)
{
	static const char *const want[] = {
		"kdetect " KDETECT_VERSION ": FINDINGS (13)\n",
		"\nFindings: 13 (4 critical, 7 high, 1 medium, 1 info), from 20 rule matches\n",
		"\n  HIGH     product kesl: 4 findings\n"
		"           in /opt/kaspersky/kesl\n"
		"           rules: KL-FILE-001 KL-SVC-002 KL-PROC-001 KL-FILE-008\n"
		"           file /opt/kaspersky/kesl/bin  /opt/kaspersky/kesl/bin/kesl-control\n"
		"             high, KL-FILE-001: title of KL-FILE-001\n"
		"             directory: /opt/kaspersky/kesl/bin\n"
		"             file: /opt/kaspersky/kesl/bin/kesl-control\n"
		"           service kesl.service  /lib/systemd/system/kesl.service\n"
		"             high, KL-SVC-002: title of KL-SVC-002\n"
		"             service.exec: /opt/kaspersky/kesl/libexec/kesl_launcher.sh\n"
		"           process wdserver  /opt/kaspersky/kesl/libexec/wdserver (deleted)\n"
		"             high, KL-PROC-001: title of KL-PROC-001\n"
		"           file /opt/kaspersky/kesl/lib  /opt/kaspersky/kesl/lib/kdt_klsigned.ko\n",
		"\n  HIGH     package kesl\n"
		"           title of KL-PKG-001\n"
		"           rule: KL-PKG-001\n"
		"           package.manager: dpkg\n",
		"\n  CRITICAL module kdt_klsigned: 3 findings\n"
		"           rules: KL-CERT-001 KD-SIG-INVALID KD-HIDDEN-SYSFS\n"
		"           module kdt_klsigned  /opt/kaspersky/kesl/lib/kdt_klsigned.ko\n"
		"             critical, KL-CERT-001: title of KL-CERT-001\n"
		"             taint O: ",
		"           module kdt_klsigned\n"
		"             high, KD-HIDDEN-SYSFS: title of KD-HIDDEN-SYSFS\n",
		"\n  INFO     kernel taint kdt_klsigned\n",
		"\n  CRITICAL certificate CN=Kaspersky Lab: 2 findings\n",
		"\n  CRITICAL EFI binary kl_main.efi: 2 findings\n"
		"           rules: KL-BOOT-003 KL-BOOT-004 KL-BOOT-001\n"
		"           EFI binary kl_main.efi  /boot/efi/EFI/kl/kl_main.efi\n"
		"             high, KL-BOOT-003: title of KL-BOOT-003\n"
		"           boot entry Boot0003  \\\\EFI\\\\KL\\\\kl_main.efi\n"
		"             critical, KL-BOOT-004 KL-BOOT-001: title of KL-BOOT-004\n",
		"\n  HIGH     boot entry Boot0004  \\\\EFI\\\\dup\\\\x.efi\n",
	};
	size_t len;
	char *text;

	UNIT_UNUSED(state);
	build_groups(&T.res);
	findings_group(&T.res, NULL);
	text = render_t(FORMAT_TEXT, 1, &len);
	assert_terminal_safe("text report", text, len);
	assert_text_lines("text report", text);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		if (!strstr(text, want[i]))
			fail_msg("text report lacks \"%s\" in:\n%s", want[i], text);
	/* the taint lines of the loaded module come once, under its first finding */
	{
		const char *first = strstr(text, "taint O: "), *again = first ? strstr(first + 1, "taint O: ") : NULL;

		assert_non_null(first);
		assert_null(again);
	}
	/* the JSON keeps one finding per rule and subject, and says which thing each is about */
	text = render_t(FORMAT_JSON, 1, &len);
	assert_non_null(strstr(text, "\"group\": 1\n"));
	assert_non_null(strstr(text, "\"group\": 13\n"));
	if (have_jq()) {
		jdoc_open(&T.doc, text, len);
		jq_expect(&T.doc, ".findings | length", "20");
		jq_expect(&T.doc, "[.findings[].group] | map(tostring) | join(\",\")",
			  "1,2,1,1,3,4,1,4,5,6,7,4,8,9,9,10,11,11,12,13");
	}
}

/*
 * A value too long for its line goes on under its start, breaking after a
 * '/' (here), never inside a character or an escape; past four lines it is
 * cut, and the count of bytes left out adds up.
 */
static void test_text_wrap(void **state)
{
	struct strbuf sb;
	char *text, *value, *joined, *want, *line;
	const char *p;
	size_t len, vcol;
	unsigned long more = 0;
	int lines = 0;
	struct finding *f;

	UNIT_UNUSED(state);
	sb_init(&sb);
	for (int i = 0; i < 400; i++)
		sb_puts(&sb, i % 7 == 0 ? "\x1b" : i % 11 == 0 ? "/" : i % 13 == 0 ? "\xf0\x9f\x98\x80" :
			     i % 17 == 0 ? "\\" : i % 3 ? "\xc3\xa9" : "\xe4\xb8\xad");
	value = sb_steal(&sb);
	memset(&T.res, 0, sizeof(T.res));
	f = fnd(&T.res, "KL-FILE-001", SEV_HIGH, "file", "/opt/x", NULL);
	kv_add(&f->evidence, "wrapme", value);
	kv_add(&f->evidence, "short", "/opt/kaspersky/kesl/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/"
				      "w/x/y/z/aa/bb/cc/dd/ee/ff/gg/hh/ii/jj/kk/ll/mm");
	kv_add(&f->evidence, "words", "Kaspersky Endpoint Security for Linux (KESL) is installed, "
				      "and its service, its scanning process and its kernel-level parts run");
	text = render_t(FORMAT_TEXT, 1, &len);
	assert_terminal_safe("text report", text, len);
	assert_text_lines("text report", text);

	/* the long value: lines under its start; joined, the escaped value up to the cut */
	p = strstr(text, "\n           wrapme: ");
	assert_non_null(p);
	p++;
	vcol = strlen("           wrapme: ");
	sb_init(&sb);
	sb_puts(&sb, "");
	for (;;) {
		const char *nl = strchr(p, '\n');
		const char *from = p + vcol, *dots;

		if (lines)
			for (size_t i = 0; i < vcol; i++)
				assert_int_equal(p[i], ' ');
		dots = strstr(from, "...(");
		if (dots && dots < nl) {
			sb_putn(&sb, from, (size_t)(dots - from));
			assert_int_equal(sscanf(dots, "...(%lu more bytes)", &more), 1);
			lines++;
			break;
		}
		sb_putn(&sb, from, (size_t)(nl - from));
		lines++;
		p = nl + 1;
	}
	assert_int_equal(lines, 4);
	joined = sb_steal(&sb);
	want = safe_string(value);
	assert_true(strlen(joined) < strlen(want));
	assert_memory_equal(joined, want, strlen(joined));
	free(want);
	want = unescape(joined);
	assert_int_equal(strlen(want) + more, strlen(value));
	free(want);
	free(joined);

	/* a path breaks after a '/', and goes on under the value's start */
	p = strstr(text, "\n           short: ");
	assert_non_null(p);
	line = line_of(p + 1, "           short: ");
	assert_true(str_has_suffix(line, "/"));
	p = strchr(p + 1, '\n') + 1;
	assert_memory_equal(p, "                  ", 18);
	assert_true(p[18] != ' ');
	joined = xasprintf("%s%.*s", line + 18, (int)(strchr(p, '\n') - p - 18), p + 18);
	assert_string_equal(joined, kv_get(&f->evidence, "short"));
	free(joined);
	free(line);
	/* words break after a space, which neither line keeps */
	p = strstr(text, "\n           words: ");
	assert_non_null(p);
	line = line_of(p + 1, "           words: ");
	p = strchr(p + 1, '\n') + 1;
	assert_memory_equal(p, "                  ", 18);
	assert_true(p[18] != ' ');
	joined = xasprintf("%s %.*s", line + 18, (int)(strchr(p, '\n') - p - 18), p + 18);
	assert_string_equal(joined, kv_get(&f->evidence, "words"));
	free(joined);
	free(line);
	free(value);
}

/*
 * A DN too long for its line shows as its CN and O (the JSON has it whole); a
 * module name longer than its column takes the line, the columns hold.
 */
static void test_text_dn_and_columns(void **state)
{
	static const char issuer[] = "C=RU, ST=Moscow, L=Moscow, O=AO Kaspersky Lab, OU=Research and "
				     "Development, CN=Kaspersky Lab Test Module Signing Authority 2024";
	static const char name[] = "kdt_a_module_name_longer_than_its_column";
	struct module_rec *m;
	char *text, *line;

	UNIT_UNUSED(state);
	build_result(&T.res);
	m = &T.res.mods[2];
	free(m->sig.issuer);
	m->sig.issuer = xstrdup(issuer);
	kv_add(&m->sig.issuer_attrs, "C", "RU");
	kv_add(&m->sig.issuer_attrs, "ST", "Moscow");
	kv_add(&m->sig.issuer_attrs, "L", "Moscow");
	kv_add(&m->sig.issuer_attrs, "O", "AO Kaspersky Lab");
	kv_add(&m->sig.issuer_attrs, "OU", "Research and Development");
	kv_add(&m->sig.issuer_attrs, "CN", "Kaspersky Lab Test Module Signing Authority 2024");
	free(m->name);
	m->name = xstrdup(name);
	text = render_t(FORMAT_TEXT, 1, NULL);
	assert_text_lines("text report", text);
	line = line_of(text, "  file   kdt_a_module");
	assert_string_equal(line, "  file   kdt_a_module_name_longer_than_its_column");
	free(line);
	/* the status in its column on the next line; the DN shortened, wrapped under its start */
	assert_non_null(strstr(text, "_column\n"
				     "                                  unverifiable issuer CN=Kaspersky Lab "
				     "Test Module Signing\n"
				     "                                               Authority 2024, "
				     "O=AO Kaspersky Lab, ... serial 01:\n"
				     "                                               no cert\\x7f\n"));
	text = render_t(FORMAT_JSON, 1, NULL);
	assert_non_null(strstr(text, issuer));
}

/*
 * The taint letters of a loaded module come from proc/modules of the inspected
 * system (parse_module_line keeps whatever is between the parentheses).
 */
static void test_text_hostile_taint(void **state)
{
	size_t len;
	char *out;

	UNIT_UNUSED(state);
	build_result(&T.res);
	free(T.res.loaded[0].taint);
	T.res.loaded[0].taint = xstrdup("O\x1b]0;pwned\x07\x1b[2J");
	out = render_t(FORMAT_JSON, 1, &len);
	assert_terminal_safe("JSON report", out, len);
	out = render_t(FORMAT_TEXT, 1, &len);
	assert_terminal_safe("text report", out, len);
	assert_non_null(strstr(out, "[taint O\\x1b]0;pwned\\x07\\x1b[2J]"));
}

/*
 * A module verified with a certificate from another release's kernel image
 * (not kernel-trusted) names that source, "/boot/vmlinuz-<file name>": a file
 * name in the inspected root, which may hold any byte but '/'.
 */
static void test_text_hostile_verified_with(void **state)
{
	struct trust_entry *t;
	size_t len;
	char *out;

	UNIT_UNUSED(state);
	build_result(&T.res);
	t = &T.res.trust[0];
	t->kind = TRUST_KERNEL_IMAGE;
	free(t->source);
	t->source = xstrdup("/boot/vmlinuz-6.0\x1b[2J\x1b]0;pwned\x07");
	t->release = xstrdup("6.0\x1b[2J\x1b]0;pwned\x07");
	T.res.mods[0].sig.kernel_trusted = false;
	out = render_t(FORMAT_JSON, 1, &len);
	assert_terminal_safe("JSON report", out, len);
	out = render_t(FORMAT_TEXT, 1, &len);
	assert_terminal_safe("text report", out, len);
	assert_non_null(strstr(out, "(/boot/vmlinuz-6.0\\x1b[2J\\x1b]0;pwned\\x07)"));
}

#define T_REPORT(f) cmocka_unit_test_teardown(f, report_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_safe_plain),
		cmocka_unit_test(test_safe_controls),
		cmocka_unit_test(test_safe_utf8_valid),
		cmocka_unit_test(test_safe_utf8_invalid),
		cmocka_unit_test(test_safe_cut),
		cmocka_unit_test(test_safe_random),
		T_REPORT(test_json_report),
		T_REPORT(test_json_empty),
		T_REPORT(test_json_hostile_modinfo_keys),
		T_REPORT(test_text_report),
		T_REPORT(test_text_incomplete_header),
		cmocka_unit_test(test_product_tree),
		T_REPORT(test_group),
		T_REPORT(test_group_dpkg),
		T_REPORT(test_text_groups),
		T_REPORT(test_text_wrap),
		T_REPORT(test_text_dn_and_columns),
		T_REPORT(test_text_hostile_taint),
		T_REPORT(test_text_hostile_verified_with),
	};

	crypto_init();
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
