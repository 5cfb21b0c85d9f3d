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

#include "cert.h"
#include "procfs.h"
#include "report.h"
#include "rules.h"
#include "scan.h"
#include "scan_priv.h"
#include "util.h"

#define JQ "/usr/bin/jq"
#define PYTHON "/usr/bin/python3"
#define SCHEMA "src/report.schema.json"
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
	s = &r->sigs[1];
	s->depth = 1;
	s->malformed = true;
	s->error = xstrdup("not SignedData \x1b[5m");
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
		  "[\"status\",\"reason\",\"hash_algo\",\"issuer\",\"serial\",\"skid\",\"signer_subject\","
		  "\"cert_sha256\",\"verified_with\",\"kernel_trusted\"] - (.modules[0].signature | keys) "
		  "| length",
		  "0");
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

static void test_text_report(void **state)
{
	static const char *const want[] = {
		"kdetect " KDETECT_VERSION ": FINDINGS (1)\n",
		"host " H_HOST_SAFE ", kernel 6.1.0-13-amd64, offline root /mnt/evil\\x0aroot\n"
		"scan 2024-02-29T23:59:59Z, 1.881 s, machine-id uninitialized\\x1b[2J, "
		"boot-id 6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0\n",
		"\nFindings\n",
		"  CRITICAL KL-MOD-001     " H_NAME_SAFE "  " H_PATH_SAFE "\n",
		"           modinfo.author: " H_AUTHOR_SAFE "\n",
		"           rules: KL-MOD-001 KL-CERT-003\n",
		"           taint O: built outside the kernel tree (no intree=Y in modinfo)\n",
		"           taint E: signed by a key the kernel does not trust (",
		"           modules that use it: kav4fs_oas redir\\x1bfs\n",
		"           devices that depend on it (1):\n"
		"             pci 0000:00:03.0 (driver kl\\x1bdrv) 8086:100e Intel\\x1b[2J Corporation 82540EM\n",
		"\nCoverage\n",
		"  error   /boot/vmlinuz-\\x1b[31mx: bad \\xff detail\\x0d\n",
		"\nTrust sources\n",
		"  keyring      Evil\\x1b[2JCA  key id ab\\x9bcd\n",
		"\nKernel taint 12288 = OE\n",
		"\nBoot chain\n  driver malformed    /Windows/System32/drivers/kl\\x1b[31mif.sys\n"
		"           nested signature: not SignedData\\x0d\n"
		"           signature: sha256, valid: ",
		" [anchored in db]\n           signature: nested ?, invalid: signer not embedded\n"
		"           catalog: " H_CATALOG_SAFE "\n"
		"           version.CompanyName: AO Kaspersky Lab\n"
		"           version.Evil\\x1b[2J: v\\x07\n"
		"           sbat: sbat,1,SBAT Version,sbat,1,https://x\n"
		"           sbat: klif,1,\\x1b[2J,klif,1,https://x\n"
		"           sbat_level: not revoked by SbatLevelRT\n"
		"           vendor_cert: ",
		"           uefi: not allowed by db, MokListRT or a shim\n",
		"\nModules: 3 (1 loaded); valid 1 unverifiable 1 unsigned 1\n",
		"  loaded " H_NAME_SAFE,
		" valid        signed by ",
		"(" PINNED_CERT ") [taint OE]\n         " H_PATH_SAFE "\n",
		"  file   " H_QUOTE_SAFE,
		"no signature \\x1b[5m\n         (no file)\n",
		"issuer CN=\\x1b[1mx serial 01: no cert\\x7f\n",
		"...(1976 more bytes)\n",
	};
	static const char empty_head[] = "kdetect " KDETECT_VERSION ": nothing found\n"
					 "host ?, kernel unknown\n";
	size_t len;
	char *text;

	UNIT_UNUSED(state);
	build_result(&T.res);
	text = render_t(FORMAT_TEXT, 1, &len);
	assert_terminal_safe("text report", text, len);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		if (!strstr(text, want[i]))
			fail_msg("text report lacks \"%s\"", want[i]);

	/* the verdict follows the exit status */
	text = render_t(FORMAT_TEXT, 3, NULL);
	assert_non_null(strstr(text, ": nothing found, but INCOMPLETE (1)\n"));

	scan_result_free(&T.res);
	text = render_t(FORMAT_TEXT, 0, &len);
	assert_terminal_safe("empty text report", text, len);
	assert_true(strncmp(text, empty_head, strlen(empty_head)) == 0);
	assert_null(strstr(text, "Findings"));
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
		T_REPORT(test_text_hostile_taint),
		T_REPORT(test_text_hostile_verified_with),
	};

	crypto_init();
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
