// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_rules.c - the rule language (rules.c): the real rule file, every parse
 * error with its exact "file:line:col: message", all-or-nothing loading, the
 * matching operators, any/all groups, evidence, and false-positive guards of
 * rules/kaspersky.rules against lookalike names. Run from the repository root.
 */
#include "unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/cert.h"
#include "rules/rules.h"
#include "core/util.h"

#define REAL_RULES "rules/kaspersky.rules"
#define PINNED_CERT "rules/certs/KLBOOTEV_2018.cer"

/* sha256 of the pinned certificate and of its public key, as in the rule file */
#define PINNED_SHA256 "d12ecaf902a698e1e4e8a78f653d4ddd0d79367d85ea270d17005aae4079fdd0"
#define PINNED_SHA256_COLONS_UPPER                                                        \
	"D1:2E:CA:F9:02:A6:98:E1:E4:E8:A7:8F:65:3D:4D:DD:0D:79:36:7D:85:EA:27:0D:17:00:5A:" \
	"AE:40:79:FD:D0"
#define PINNED_PUBKEY_SHA256 "972a03b0dbaa846abad64efcbaa538c5d7fdc62bb9bbfec8dc24702924d21075"

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
	assert_false(ferror(f));
	fclose(f);
	*len = sb.len;
	return sb_steal(&sb);
}

static void load_real(struct ruleset *rs)
{
	size_t len;
	char *text = slurp(REAL_RULES, &len), *err = NULL;
	int r = rules_parse(rs, REAL_RULES, text, len, &err);

	if (r)
		fail_msg("%s does not parse: %s", REAL_RULES, err ? err : "(no message)");
	assert_null(err);
	free(text);
}

static void parse_ok(struct ruleset *rs, const char *name, const char *text)
{
	char *err = NULL;
	int r = rules_parse(rs, name, text, strlen(text), &err);

	if (r)
		fail_msg("unexpected parse error: %s", err ? err : "(no message)");
	assert_null(err);
}

/* The text must fail to parse with exactly this message and leave the set empty. */
static void check_error_n(const char *text, size_t len, const char *want)
{
	struct ruleset rs = { 0 };
	char *err = (char *)"not set";
	int r = rules_parse(&rs, "t.rules", text, len, &err);

	if (r != -1)
		fail_msg("parsed (returned %d) but wanted error \"%s\"", r, want);
	assert_non_null(err);
	if (strcmp(err, want) != 0) {
		static char got[512];

		/* free first: a failure here is not a leak for valgrind */
		snprintf(got, sizeof(got), "%s", err);
		free(err);
		ruleset_free(&rs);
		fail_msg("error\n   got  \"%s\"\n   want \"%s\"", got, want);
	}
	assert_int_equal(rs.n, 0);
	assert_int_equal(rs.sources.n, 0);
	free(err);
	ruleset_free(&rs);
}

static void check_error(const char *text, const char *want)
{
	check_error_n(text, strlen(text), want);
}

/* A complete rule R1 whose line 5 is the given match line (and line 6 is "}"). */
static char *rule_with_match(const char *match_line)
{
	return xasprintf("rule R1 {\n"
			 "  title \"T\"\n"
			 "  severity high\n"
			 "  reference \"ref\"\n"
			 "%s\n"
			 "}\n",
			 match_line);
}

static void check_match_error(const char *match_line, const char *want)
{
	char *text = rule_with_match(match_line);

	check_error(text, want);
	free(text);
}

static const char valid_r1[] =
	"rule R1 {\n"
	"  title \"T\"\n"
	"  severity high\n"
	"  reference \"ref\"\n"
	"  match any { module.name equals \"x\" }\n"
	"}\n";

static const char valid_r2[] =
	"rule R2 {\n"
	"  title \"T2\"\n"
	"  severity low\n"
	"  reference \"ref2\"\n"
	"  match all { module.name equals \"y\" }\n"
	"}\n";

/* facts from "key", "value", ..., NULL */
static void facts_of(struct kvlist *l, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, l);
	while ((k = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);

		kv_add(l, k, v);
	}
	va_end(ap);
}

/* "k=v;k=v" */
static char *kv_str(const struct kvlist *l)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < l->n; i++)
		sb_printf(&sb, "%s%s=%s", i ? ";" : "", l->v[i].key, l->v[i].value);
	return sb_steal(&sb);
}

static void assert_kv(const struct kvlist *l, const char *want)
{
	char *got = kv_str(l);

	if (strcmp(got, want) != 0)
		fail_msg("evidence\n   got  \"%s\"\n   want \"%s\"", got, want);
	free(got);
}

/* One rule whose match line is given; the ruleset is returned for rule_match. */
static void one_rule(struct ruleset *rs, const char *match_line)
{
	char *text = rule_with_match(match_line);

	parse_ok(rs, "m.rules", text);
	free(text);
	assert_int_equal(rs->n, 1);
}

/* Does the single rule match facts "k", "v", ..., NULL? Evidence as "k=v;..." in *ev_out. */
static bool match_facts(const struct ruleset *rs, char **ev_out, ...)
{
	struct kvlist facts = { 0 }, ev = { 0 };
	const char *k;
	va_list ap;
	bool m;

	va_start(ap, ev_out);
	while ((k = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);

		kv_add(&facts, k, v);
	}
	va_end(ap);
	m = rule_match(&rs->v[0], &facts, &ev);
	if (!m)
		assert_int_equal(ev.n, 0);
	{
		/* the facts through an index: the same answer and the same evidence */
		struct fact_index ix = { 0 };
		struct kvlist ev2 = { 0 };
		struct subject s = { .facts = &facts, .index = &ix };
		char *a = kv_str(&ev), *b;

		fact_index_build(&ix, &facts);
		assert_int_equal(rule_match_subject(&rs->v[0], &s, &ev2), m);
		b = kv_str(&ev2);
		assert_string_equal(a, b);
		free(a);
		free(b);
		kv_free(&ev2);
		fact_index_free(&ix);
	}
	if (ev_out)
		*ev_out = kv_str(&ev);
	kv_free(&ev);
	kv_free(&facts);
	return m;
}

/* Space-separated ids of the rules that match, in rule order; evidence appended to ev. */
static char *matching_ids(const struct ruleset *rs, const struct kvlist *facts, struct kvlist *ev)
{
	struct strbuf sb;
	struct kvlist scratch = { 0 };

	sb_init(&sb);
	for (size_t i = 0; i < rs->n; i++) {
		size_t before = ev ? ev->n : 0;

		if (rule_match(&rs->v[i], facts, ev ? ev : &scratch)) {
			sb_printf(&sb, "%s%s", sb.len ? " " : "", rs->v[i].id);
		} else if (ev) {
			assert_int_equal(ev->n, before);
		}
	}
	kv_free(&scratch);
	return sb_steal(&sb);
}

static void assert_ids(const struct ruleset *rs, const struct kvlist *facts, const char *want)
{
	char *got = matching_ids(rs, facts, NULL);

	if (strcmp(got, want) != 0) {
		char *f = kv_str(facts);

		fail_msg("facts \"%s\"\n   matched \"%s\"\n   want    \"%s\"", f, got, want);
	}
	free(got);
}

/* The real rule set against facts "k", "v", ..., NULL. */
static void real_ids(const struct ruleset *rs, const char *want, ...)
{
	struct kvlist facts = { 0 };
	const char *k;
	va_list ap;

	va_start(ap, want);
	while ((k = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);

		kv_add(&facts, k, v);
	}
	va_end(ap);
	assert_ids(rs, &facts, want);
	kv_free(&facts);
}

/* ---- the real rule file ---- */

/* Find a rule by id in a set, or fail. */
static const struct rule *rule_by_id(const struct ruleset *rs, const char *id)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].id, id) == 0)
			return &rs->v[i];
	fail_msg("no rule %s", id);
	return NULL;
}

static void test_real_file(void **state)
{
	static const char *const cert_ids[] = { "KL-CERT-001", "KL-CERT-002", "KL-CERT-003",
						"KL-MOD-001" };
	struct ruleset rs = { 0 };

	UNIT_UNUSED(state);
	load_real(&rs);
	/* the whole set: unique ids, each with a title, a reference and a subject kind */
	assert_true(rs.n > 20);
	for (size_t i = 0; i < rs.n; i++) {
		const struct rule *r = &rs.v[i];

		assert_true(strncmp(r->id, "KL-", 3) == 0);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(r->id, rs.v[k].id);
		assert_non_null(r->title);
		assert_true(strlen(r->title) > 0);
		assert_true(r->refs.n >= 1);
		assert_true(r->kinds != 0 && r->kinds != KIND_ALL);
		assert_true(r->match.is_group);
	}
	assert_int_equal(rs.sources.n, 1);
	assert_string_equal(rs.sources.v[0], REAL_RULES);
	/* the certificate and metadata rules: critical, about modules and certificates */
	for (size_t i = 0; i < 4; i++) {
		const struct rule *r = rule_by_id(&rs, cert_ids[i]);

		assert_int_equal(r->severity, SEV_CRITICAL);
		assert_true(r->match.any);
		assert_true(r->kinds & KIND_MODULE);
	}
	assert_string_equal(rule_by_id(&rs, "KL-CERT-001")->title,
			    "Signing certificate names Kaspersky Lab as its organisation");
	assert_int_equal(rule_by_id(&rs, "KL-CERT-001")->kinds, KIND_MODULE | KIND_CERT | KIND_PE);

	/* KL-CERT-003: any { sha256, pubkey_sha256, all { issuer CN, serial } } */
	{
		const struct cond *m = &rule_by_id(&rs, "KL-CERT-003")->match;

		assert_int_equal(m->nkids, 3);
		assert_false(m->kids[0].is_group);
		assert_string_equal(m->kids[0].field, "cert.sha256");
		assert_int_equal(m->kids[0].op, OP_DIGEST);
		assert_string_equal(m->kids[0].value, PINNED_SHA256);
		assert_string_equal(m->kids[1].field, "cert.pubkey_sha256");
		assert_true(m->kids[2].is_group);
		assert_false(m->kids[2].any);
		assert_int_equal(m->kids[2].nkids, 2);
		assert_string_equal(m->kids[2].kids[0].field, "cert.issuer.CN");
		assert_int_equal(m->kids[2].kids[0].op, OP_EQUALS);
		assert_string_equal(m->kids[2].kids[1].field, "cert.serial");
		assert_int_equal(m->kids[2].kids[1].op, OP_DIGEST);
	}
	/* KL-CERT-002 equals, KL-MOD-001 contains */
	assert_int_equal(rule_by_id(&rs, "KL-CERT-002")->match.kids[0].op, OP_EQUALS);
	assert_string_equal(rule_by_id(&rs, "KL-CERT-002")->match.kids[0].value, "1027739867473");
	{
		const struct cond *m = &rule_by_id(&rs, "KL-MOD-001")->match;

		assert_int_equal(m->nkids, 3);
		for (size_t i = 0; i < 3; i++)
			assert_int_equal(m->kids[i].op, OP_CONTAINS);
	}
	/* package rules use exact names: "kesl-tools" is not "kesl" */
	assert_int_equal(rule_by_id(&rs, "KL-PKG-001")->kinds, KIND_PACKAGE);
	ruleset_free(&rs);
}

/* The example in the comment at the top of rules.c parses as written. */
static void test_header_example(void **state)
{
	static const char text[] =
		"rule KL-CERT-001 {\n"
		"    title \"Signing certificate names Kaspersky Lab\"\n"
		"    severity critical\n"
		"    reference \"https://...\"\n"
		"    match any {\n"
		"        cert.subject.O contains \"Kaspersky Lab\"\n"
		"        all { modinfo.author contains \"Kaspersky\" module.signature equals \"unsigned\" }\n"
		"    }\n"
		"}\n";
	struct ruleset rs = { 0 };
	const struct cond *m;

	UNIT_UNUSED(state);
	parse_ok(&rs, "example.rules", text);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.v[0].origin, "example.rules:1");
	m = &rs.v[0].match;
	assert_true(m->is_group && m->any);
	assert_int_equal(m->nkids, 2);
	assert_string_equal(m->kids[0].field, "cert.subject.O");
	assert_int_equal(m->kids[0].op, OP_CONTAINS);
	assert_string_equal(m->kids[0].value, "Kaspersky Lab");
	assert_true(m->kids[1].is_group);
	assert_false(m->kids[1].any);
	assert_int_equal(m->kids[1].nkids, 2);
	assert_string_equal(m->kids[1].kids[1].value, "unsigned");
	ruleset_free(&rs);
}

/* Everything the language allows: comments, escapes, CRLF, several references, severities. */
static void test_valid_syntax(void **state)
{
	static const char text[] =
		"# a comment with \"quotes\", { braces } and rule R9 {\r\n"
		"rule A_b-9 { # comment after a brace\r\n"
		"\ttitle \"say \\\"hi\\\" \\\\ caf\xc3\xa9\"\r\n"
		"\tseverity info reference \"r1\" reference \"r2\"\r\n"
		"\tmatch all{modinfo.x_y-z glob \"*\"}}\r\n"
		"rule B{title\"t\"severity medium reference\"r\"match any{cert.subject.serialNumber "
		"digest \"AB:cd\"}}";
	struct ruleset rs = { 0 };

	UNIT_UNUSED(state);
	parse_ok(&rs, "ok.rules", text);
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.v[0].id, "A_b-9");
	assert_string_equal(rs.v[0].title, "say \"hi\" \\ caf\xc3\xa9");
	assert_int_equal(rs.v[0].severity, SEV_INFO);
	assert_int_equal(rs.v[0].refs.n, 2);
	assert_string_equal(rs.v[0].refs.v[1], "r2");
	assert_string_equal(rs.v[0].origin, "ok.rules:2");
	assert_string_equal(rs.v[0].match.kids[0].field, "modinfo.x_y-z");
	assert_int_equal(rs.v[0].match.kids[0].op, OP_GLOB);
	assert_string_equal(rs.v[1].id, "B");
	assert_int_equal(rs.v[1].severity, SEV_MEDIUM);
	assert_string_equal(rs.v[1].origin, "ok.rules:6");
	assert_int_equal(rs.v[1].match.kids[0].op, OP_DIGEST);
	ruleset_free(&rs);

	/* every severity name */
	{
		static const char *const sev[] = { "info", "low", "medium", "high", "critical" };

		for (size_t i = 0; i < ARRAY_SIZE(sev); i++) {
			char *t = xasprintf("rule S { title \"t\" severity %s reference \"r\" "
					    "match any { module.name equals \"x\" } }",
					    sev[i]);

			parse_ok(&rs, "s.rules", t);
			assert_int_equal(rs.v[0].severity, (enum severity)i);
			assert_string_equal(severity_name(rs.v[0].severity), sev[i]);
			ruleset_free(&rs);
			free(t);
		}
	}

	/* empty and comment-only files are valid and hold no rules */
	parse_ok(&rs, "empty.rules", "");
	parse_ok(&rs, "comments.rules", "# nothing\n\n   # here\n");
	assert_int_equal(rs.n, 0);
	assert_int_equal(rs.sources.n, 2);
	ruleset_free(&rs);

	/* a string of exactly 4096 bytes is fine */
	{
		char *big = malloc(4097);
		char *t;

		assert_non_null(big);
		memset(big, 'a', 4096);
		big[4096] = 0;
		t = xasprintf("rule L { title \"%s\" severity low reference \"r\" "
			      "match any { module.name equals \"x\" } }",
			      big);
		parse_ok(&rs, "l.rules", t);
		assert_int_equal(strlen(rs.v[0].title), 4096);
		ruleset_free(&rs);
		free(t);
		free(big);
	}
}

/* ---- errors: each with its exact file:line:col ---- */

static void test_err_unknown_key(void **state)
{
	UNIT_UNUSED(state);
	check_error("rule R1 {\n"
		    "  title \"T\"\n"
		    "  colour \"red\"\n"
		    "  severity high\n",
		    "t.rules:3:3: unknown key 'colour'");
	/* keys are case-sensitive */
	check_error("rule R1 {\n  Title \"T\"\n", "t.rules:2:3: unknown key 'Title'");
	/* after a complete rule body: still an unknown key, at its place */
	check_error("rule R1 {\n"
		    "  title \"T\"\n"
		    "  severity high\n"
		    "  reference \"ref\"\n"
		    "  match any { module.name equals \"x\" }\n"
		    "      author \"me\"\n"
		    "}\n",
		    "t.rules:6:7: unknown key 'author'");
	/* a string where a key belongs */
	check_error("rule R1 {\n  \"title\" \"T\"\n", "t.rules:2:3: expected a key or '}'");
}

static void test_err_unknown_field(void **state)
{
	UNIT_UNUSED(state);
	check_match_error("  match any { module.nam equals \"x\" }",
			  "t.rules:5:15: unknown field 'module.nam'");
	check_match_error("  match any { Module.name equals \"x\" }",
			  "t.rules:5:15: unknown field 'Module.name'");
	/* a wildcard field needs something after its prefix */
	check_match_error("  match any { modinfo. equals \"x\" }",
			  "t.rules:5:15: unknown field 'modinfo.'");
	check_match_error("  match any { cert.subject equals \"x\" }",
			  "t.rules:5:15: unknown field 'cert.subject'");
	check_match_error("  match any { cert.sha512 digest \"00\" }",
			  "t.rules:5:15: unknown field 'cert.sha512'");
	/* nested, after a valid condition */
	check_match_error("  match all { module.name equals \"x\" any { cert.subjectO equals \"x\" } }",
			  "t.rules:5:44: unknown field 'cert.subjectO'");
	/* every field the language knows is accepted */
	{
		static const char *const ok[] = {
			"cert.subject.O", "cert.subject.serialNumber", "cert.issuer.CN", "cert.serial",
			"cert.skid", "cert.sha256", "cert.pubkey_sha256", "module.name", "module.file",
			"module.path", "module.signature", "modinfo.author", "modinfo.x",
		};

		for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
			struct ruleset rs = { 0 };
			char *line = xasprintf("  match any { %s equals \"x\" }", ok[i]);

			one_rule(&rs, line);
			assert_string_equal(rs.v[0].match.kids[0].field, ok[i]);
			ruleset_free(&rs);
			free(line);
		}
	}
}

static void test_err_unknown_operator(void **state)
{
	UNIT_UNUSED(state);
	check_match_error("  match any { module.name matches \"x\" }",
			  "t.rules:5:27: unknown operator 'matches'");
	check_match_error("  match any { module.name Equals \"x\" }",
			  "t.rules:5:27: unknown operator 'Equals'");
	check_match_error("  match any { module.name \"x\" }",
			  "t.rules:5:27: expected an operator (equals, iequals, contains, glob, digest, exists, hex)");
	check_match_error("  match any { module.name equals x }", "t.rules:5:34: expected a quoted value");
}

static void test_err_unknown_severity(void **state)
{
	UNIT_UNUSED(state);
	check_error("rule R1 {\n  title \"T\"\n  severity urgent\n",
		    "t.rules:3:12: unknown severity 'urgent'");
	check_error("rule R1 {\n  title \"T\"\n  severity Critical\n",
		    "t.rules:3:12: unknown severity 'Critical'");
	check_error("rule R1 {\n  title \"T\"\n  severity \"high\"\n",
		    "t.rules:3:12: expected a severity (critical, high, medium, low, info)");
	check_error("rule R1 {\n  severity high\n  severity low\n",
		    "t.rules:3:3: duplicate key 'severity'");
}

static void test_err_duplicate_id(void **state)
{
	struct ruleset rs = { 0 };
	char *text, *err = NULL;

	UNIT_UNUSED(state);
	/* in one file: the message names where the first one is */
	text = xasprintf("# first\n%s\n%s", valid_r1, valid_r1);
	check_error(text, "t.rules:9:6: duplicate rule id 'R1' (first at t.rules:2)");
	free(text);

	/* across files */
	parse_ok(&rs, "a.rules", valid_r1);
	text = xasprintf("%s%s", valid_r2, valid_r1);
	assert_int_equal(rules_parse(&rs, "b.rules", text, strlen(text), &err), -1);
	assert_non_null(err);
	assert_string_equal(err, "b.rules:7:6: duplicate rule id 'R1' (first at a.rules:1)");
	free(err);
	free(text);
	assert_int_equal(rs.n, 1);
	assert_string_equal(rs.v[0].id, "R1");
	assert_int_equal(rs.sources.n, 1);
	ruleset_free(&rs);

	/* ids are case-sensitive: r1 is another rule */
	text = xasprintf("%s%s", valid_r1, valid_r1);
	text[strlen(valid_r1) + 5] = 'r';
	parse_ok(&rs, "c.rules", text);
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.v[1].id, "r1");
	ruleset_free(&rs);
	free(text);
}

static void test_err_missing_parts(void **state)
{
	UNIT_UNUSED(state);
	/* the error points at the 'rule' keyword */
	check_error("# no title\n"
		    "  rule R1 {\n"
		    "    severity high\n"
		    "    reference \"ref\"\n"
		    "    match any { module.name equals \"x\" }\n"
		    "  }\n",
		    "t.rules:2:3: rule has no title");
	check_error("# no severity\n"
		    "  rule R1 {\n"
		    "    title \"T\"\n"
		    "    reference \"ref\"\n"
		    "    match any { module.name equals \"x\" }\n"
		    "  }\n",
		    "t.rules:2:3: rule has no severity");
	check_error("# no reference\n"
		    "  rule R1 {\n"
		    "    title \"T\"\n"
		    "    severity high\n"
		    "    match any { module.name equals \"x\" }\n"
		    "  }\n",
		    "t.rules:2:3: rule has no reference");
	check_error("# no match\n"
		    "  rule R1 {\n"
		    "    title \"T\"\n"
		    "    severity high\n"
		    "    reference \"ref\"\n"
		    "  }\n",
		    "t.rules:2:3: rule has no match");
	/* the second rule is the broken one */
	{
		char *text = xasprintf("%s\n\t rule R3 { title \"x\" severity low match any "
				       "{ module.name equals \"x\" } }\n",
				       valid_r1);

		check_error(text, "t.rules:8:3: rule has no reference");
		free(text);
	}
	check_error("rule R1 { }", "t.rules:1:1: rule has no title");
	/* no id, a bad id, no body, an unclosed body */
	check_error("rule {", "t.rules:1:6: expected a rule id");
	check_error("rule 1R {", "t.rules:1:6: invalid rule id '1R'");
	check_error("rule R.1 {", "t.rules:1:6: invalid rule id 'R.1'");
	check_error("rule R1", "t.rules:1:8: expected '{'");
	check_error("rule R1 {\n  title \"T\"\n", "t.rules:3:1: expected a key or '}'");
	check_error("rule R1 {\n  title \"T\"\n  title \"U\"\n", "t.rules:3:3: duplicate key 'title'");
	check_match_error("  match any { module.name equals \"x\" }\n  match any { module.name equals \"y\" }",
			  "t.rules:6:3: duplicate key 'match'");
	check_match_error("  match one { module.name equals \"x\" }",
			  "t.rules:5:9: expected 'any' or 'all', not 'one'");
	check_match_error("  match { module.name equals \"x\" }", "t.rules:5:9: expected 'any' or 'all'");
	check_match_error("  match any module.name equals \"x\"", "t.rules:5:13: expected '{'");
}

static void test_err_empty_group(void **state)
{
	UNIT_UNUSED(state);
	check_match_error("  match any { }", "t.rules:5:15: empty condition group");
	check_match_error("  match all {}", "t.rules:5:14: empty condition group");
	check_match_error("  match all { module.name equals \"x\" any { } }",
			  "t.rules:5:44: empty condition group");
	/* a group that never closes */
	check_error("rule R1 {\n  match any { module.name equals \"x\"\n",
		    "t.rules:3:1: expected a condition or '}'");
}

static void test_err_strings(void **state)
{
	UNIT_UNUSED(state);
	/* unterminated: at the opening quote, whether a newline or the end comes first */
	check_error("rule R1 {\n  title \"T\n  severity high\n", "t.rules:2:9: unterminated string");
	check_error("rule R1 {\n  title \"T", "t.rules:2:9: unterminated string");
	check_error("rule R1 {\n  title \"", "t.rules:2:9: unterminated string");

	/* escapes: only \" and \\; the error points at the character after the backslash */
	check_error("rule R1 {\n  title \"a\\nb\"\n",
		    "t.rules:2:12: unknown escape in string (only \\\" and \\\\)");
	check_error("rule R1 {\n  title \"\\x41\"\n",
		    "t.rules:2:11: unknown escape in string (only \\\" and \\\\)");
	check_error("rule R1 {\n  title \"a\\", "t.rules:2:12: unknown escape in string (only \\\" and \\\\)");

	/* control characters inside a string: at the character */
	check_error("rule R1 {\n  title \"a\tb\"\n", "t.rules:2:11: control character in string");
	check_error("rule R1 {\n  title \"ab\x1b[2J\"\n", "t.rules:2:12: control character in string");
	check_error("rule R1 {\n  title \"a\rb\"\n", "t.rules:2:11: control character in string");
	check_match_error("  match any { module.name equals \"\x01\" }",
			  "t.rules:5:35: control character in string");

	/* empty values */
	check_match_error("  match any { module.name equals \"\" }", "t.rules:5:34: empty value");
	check_match_error("  match any { modinfo.author contains \"\" }", "t.rules:5:39: empty value");

	/* too long: at the opening quote */
	{
		char *big = malloc(4098), *text;

		assert_non_null(big);
		memset(big, 'a', 4097);
		big[4097] = 0;
		text = xasprintf("rule R1 {\n  title \"%s\"\n", big);
		check_error(text, "t.rules:2:9: string too long");
		free(text);
		free(big);
	}
}

static void test_err_nul_byte(void **state)
{
	static const char at_start[] = "\0rule R1 {";
	static const char in_title[] = "rule R1 {\n  title \"T\0\"\n";
	static const char in_comment[] = "# ok\n# ok\n   # \0\n";

	UNIT_UNUSED(state);
	check_error_n(at_start, sizeof(at_start) - 1, "t.rules:1:1: file contains a NUL byte");
	/* the NUL is on line 2, column 11 */
	check_error_n(in_title, sizeof(in_title) - 1, "t.rules:2:11: file contains a NUL byte");
	/* even inside a comment, which the lexer would skip */
	check_error_n(in_comment, sizeof(in_comment) - 1, "t.rules:3:6: file contains a NUL byte");
}

static void test_err_unexpected_char(void **state)
{
	UNIT_UNUSED(state);
	check_error("rule R1 {\n  title = \"T\"\n", "t.rules:2:9: unexpected character '='");
	check_error("rule R1 {\n\x01", "t.rules:2:1: unexpected character '?'");
	check_error("rule R1 {\n  title \"T\" \xc3\xa9", "t.rules:2:13: unexpected character '?'");
	check_error("rule R1 {\n  title \"T\";\n", "t.rules:2:12: unexpected character ';'");
	check_error("rule R1 {\n  title 'T'\n", "t.rules:2:9: unexpected character '''");
	check_error("rule R1 {\n  title \"T\" %s%n\n", "t.rules:2:13: unexpected character '%'");
	check_match_error("  match any { module.name equals \"x\" ) }", "t.rules:5:38: unexpected character ')'");
	/* vertical tab and form feed are not white space here */
	check_error("rule R1 {\v", "t.rules:1:10: unexpected character '?'");
}

static char *nested_match(const char *kw, size_t k)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_puts(&sb, "  match any { ");
	for (size_t i = 0; i < k; i++)
		sb_printf(&sb, "%s { ", kw);
	sb_puts(&sb, "module.name equals \"x\"");
	for (size_t i = 0; i <= k; i++)
		sb_puts(&sb, " }");
	return sb_steal(&sb);
}

static void test_err_nesting(void **state)
{
	static const char *const kws[] = { "any", "all" };

	UNIT_UNUSED(state);
	for (size_t w = 0; w < ARRAY_SIZE(kws); w++) {
		struct ruleset rs = { 0 };
		const struct cond *c;
		char *line;
		size_t depth = 1;

		/* 'match any' and 15 groups inside: 16 levels, the most allowed */
		line = nested_match(kws[w], 15);
		one_rule(&rs, line);
		free(line);
		for (c = &rs.v[0].match; c->is_group; c = &c->kids[0]) {
			assert_int_equal(c->nkids, 1);
			depth++;
		}
		assert_int_equal(depth, 17);	/* 16 groups and the leaf */
		assert_string_equal(c->field, "module.name");
		ruleset_free(&rs);

		/* one more: the error points at the 17th group's keyword */
		line = nested_match(kws[w], 16);
		check_match_error(line, "t.rules:5:105: conditions nested too deeply");
		free(line);

		/* very deep input stops at the same place without exhausting the stack */
		line = nested_match(kws[w], 100000);
		check_match_error(line, "t.rules:5:105: conditions nested too deeply");
		free(line);
	}
}

static void test_err_rule_keyword(void **state)
{
	char *text;

	UNIT_UNUSED(state);
	check_error("title \"T\"", "t.rules:1:1: expected 'rule'");
	check_error("\n\n   Rule R1 {", "t.rules:3:4: expected 'rule'");
	check_error("\"rule\" R1 {", "t.rules:1:1: expected 'rule'");
	check_error("  {", "t.rules:1:3: expected 'rule'");
	check_error("rules R1 {", "t.rules:1:1: expected 'rule'");
	/* a stray brace after a valid rule: the valid rule is dropped too */
	text = xasprintf("%s}\n", valid_r1);
	check_error(text, "t.rules:7:1: expected 'rule'");
	free(text);
}

/* CRLF line ends and tabs do not move the reported place. */
static void test_err_positions_crlf(void **state)
{
	UNIT_UNUSED(state);
	check_error("# c\r\nrule R1 {\r\n  title \"T\"\r\n  colour \"red\"\r\n",
		    "t.rules:4:3: unknown key 'colour'");
	check_error("rule R1 {\n\t\tcolour \"red\"\n", "t.rules:2:3: unknown key 'colour'");
}

/*
 * A word longer than the 4096-byte token limit must be an error, not two
 * tokens: here "modinfo.aaa...aequals" (one word, no blank) would otherwise
 * parse as the field "modinfo.aaa...a" and the operator "equals".
 */
static void test_err_long_word(void **state)
{
	struct ruleset rs = { 0 };
	char *field = malloc(4098), *line, *text, *err = NULL;
	int r;

	UNIT_UNUSED(state);
	assert_non_null(field);
	memcpy(field, "modinfo.", 8);
	memset(field + 8, 'a', 4089);	/* 4097 bytes: one more than a token may hold */
	field[4097] = 0;
	line = xasprintf("  match any { %sequals \"x\" }", field);
	text = rule_with_match(line);
	r = rules_parse(&rs, "t.rules", text, strlen(text), &err);
	if (r == 0) {
		size_t n = rs.n ? strlen(rs.v[0].match.kids[0].field) : 0;

		ruleset_free(&rs);
		free(text);
		free(line);
		free(field);
		fail_msg("a %zu-byte word was split into two tokens and accepted "
			 "(field of %zu bytes, then 'equals')", (size_t)4097 + 6, n);
	}
	assert_int_equal(r, -1);
	assert_non_null(err);
	assert_true(strncmp(err, "t.rules:5:", 10) == 0);
	assert_int_equal(rs.n, 0);
	free(err);
	ruleset_free(&rs);
	free(text);
	free(line);
	free(field);
}

/* ---- all or nothing ---- */

static void test_all_or_nothing(void **state)
{
	struct ruleset rs = { 0 };
	char *text, *err = NULL;
	size_t real;

	UNIT_UNUSED(state);
	load_real(&rs);
	real = rs.n;

	/* two good rules, then a bad one: none of the three is added */
	text = xasprintf("%s%srule R3 {\n  bogus \"x\"\n}\n", valid_r1, valid_r2);
	assert_int_equal(rules_parse(&rs, "bad.rules", text, strlen(text), &err), -1);
	assert_non_null(err);
	assert_string_equal(err, "bad.rules:14:3: unknown key 'bogus'");
	free(err);
	err = NULL;
	free(text);
	assert_int_equal(rs.n, real);
	assert_int_equal(rs.sources.n, 1);
	for (size_t i = 0; i < rs.n; i++)
		assert_true(strncmp(rs.v[i].id, "KL-", 3) == 0);

	/* a bad file that duplicates a real id: still nothing added; the message names
	 * where the real rule is (the line of the file that starts it) */
	text = xasprintf("%srule KL-MOD-001 {}", valid_r1);
	assert_int_equal(rules_parse(&rs, "dup.rules", text, strlen(text), &err), -1);
	{
		const struct rule *first = NULL;
		size_t len, line = 1;
		char *real_text = slurp(REAL_RULES, &len), *want;
		const char *at = strstr(real_text, "\nrule KL-MOD-001 {");

		assert_non_null(at);
		for (const char *q = real_text; q <= at; q++)
			line += *q == '\n';
		free(real_text);

		for (size_t i = 0; i < rs.n; i++)
			if (strcmp(rs.v[i].id, "KL-MOD-001") == 0)
				first = &rs.v[i];
		assert_non_null(first);
		want = xasprintf("dup.rules:7:6: duplicate rule id 'KL-MOD-001' (first at "
				 REAL_RULES ":%zu)", line);
		assert_string_equal(err, want);
		free(want);
	}
	free(err);
	err = NULL;
	free(text);
	assert_int_equal(rs.n, real);

	/* the rules of the failed files are not remembered: R1 and R2 can come now */
	text = xasprintf("%s%s", valid_r1, valid_r2);
	assert_int_equal(rules_parse(&rs, "local.rules", text, strlen(text), &err), 0);
	assert_null(err);
	free(text);
	assert_int_equal(rs.n, real + 2);
	assert_string_equal(rs.v[real].id, "R1");
	assert_string_equal(rs.v[real].origin, "local.rules:1");
	assert_string_equal(rs.v[real + 1].id, "R2");
	assert_string_equal(rs.v[real + 1].origin, "local.rules:7");
	assert_int_equal(rs.sources.n, 2);
	assert_string_equal(rs.sources.v[0], REAL_RULES);
	assert_string_equal(rs.sources.v[1], "local.rules");
	ruleset_free(&rs);
	assert_int_equal(rs.n, 0);
	assert_null(rs.v);
}

/* ---- matching ---- */

static void test_match_equals(void **state)
{
	struct ruleset rs = { 0 };
	char *ev;

	UNIT_UNUSED(state);
	one_rule(&rs, "  match any { module.name equals \"KLIF\" }");
	assert_true(match_facts(&rs, &ev, "module.name", "KLIF", NULL));
	assert_string_equal(ev, "module.name=KLIF");
	free(ev);
	assert_false(match_facts(&rs, NULL, "module.name", "klif", NULL));
	assert_false(match_facts(&rs, NULL, "module.name", "Klif", NULL));
	assert_false(match_facts(&rs, NULL, "module.name", "KLIF2", NULL));
	assert_false(match_facts(&rs, NULL, "module.name", "xKLIF", NULL));
	assert_false(match_facts(&rs, NULL, "module.name", "KLIF ", NULL));
	assert_false(match_facts(&rs, NULL, "module.name", "", NULL));
	/* the field must be the one named */
	assert_false(match_facts(&rs, NULL, "module.file", "KLIF", NULL));
	assert_false(match_facts(&rs, NULL, "modinfo.name", "KLIF", NULL));
	assert_false(match_facts(&rs, NULL, NULL));
	ruleset_free(&rs);
}

static void test_match_contains(void **state)
{
	struct ruleset rs = { 0 };
	char *ev;

	UNIT_UNUSED(state);
	one_rule(&rs, "  match any { modinfo.author contains \"Kaspersky\" }");
	assert_true(match_facts(&rs, &ev, "modinfo.author", "AO KASPERSKY LAB", NULL));
	assert_string_equal(ev, "modinfo.author=AO KASPERSKY LAB");
	free(ev);
	assert_true(match_facts(&rs, NULL, "modinfo.author", "kaspersky", NULL));
	assert_true(match_facts(&rs, NULL, "modinfo.author", "by kAsPeRsKy.", NULL));
	assert_false(match_facts(&rs, NULL, "modinfo.author", "Kaspersk", NULL));
	assert_false(match_facts(&rs, NULL, "modinfo.author", "Kasper sky", NULL));
	assert_false(match_facts(&rs, NULL, "modinfo.author", "", NULL));
	assert_false(match_facts(&rs, NULL, "modinfo.vendor", "Kaspersky", NULL));
	ruleset_free(&rs);
}

static void test_match_glob(void **state)
{
	struct ruleset rs = { 0 };

	UNIT_UNUSED(state);
	one_rule(&rs, "  match any { module.file glob \"kl*.ko*\" module.name glob \"[kK]l?f\" }");
	assert_true(match_facts(&rs, NULL, "module.file", "klif.ko", NULL));
	assert_true(match_facts(&rs, NULL, "module.file", "klif.ko.xz", NULL));
	assert_true(match_facts(&rs, NULL, "module.file", "kl.ko", NULL));
	assert_false(match_facts(&rs, NULL, "module.file", "KLIF.ko", NULL));	/* case-sensitive */
	assert_false(match_facts(&rs, NULL, "module.file", "xklif.ko", NULL));	/* anchored */
	assert_false(match_facts(&rs, NULL, "module.file", "klif.o", NULL));
	assert_true(match_facts(&rs, NULL, "module.name", "klif", NULL));
	assert_true(match_facts(&rs, NULL, "module.name", "Klaf", NULL));
	assert_false(match_facts(&rs, NULL, "module.name", "klf", NULL));
	assert_false(match_facts(&rs, NULL, "module.name", "klif2", NULL));
	ruleset_free(&rs);

	/* fnmatch(3) without flags: '*' also crosses '/' */
	one_rule(&rs, "  match any { module.path glob \"/lib/modules/*/klif.ko\" }");
	assert_true(match_facts(&rs, NULL, "module.path", "/lib/modules/6.1.0-13-amd64/extra/klif.ko",
				NULL));
	assert_false(match_facts(&rs, NULL, "module.path", "/lib/modules/klif.ko", NULL));
	ruleset_free(&rs);
}

static void test_match_digest(void **state)
{
	struct ruleset rs = { 0 };
	char *ev;

	UNIT_UNUSED(state);
	one_rule(&rs, "  match any { cert.sha256 digest \"" PINNED_SHA256 "\" }");
	assert_true(match_facts(&rs, NULL, "cert.sha256", PINNED_SHA256, NULL));
	assert_true(match_facts(&rs, &ev, "cert.sha256", PINNED_SHA256_COLONS_UPPER, NULL));
	/* the evidence is the fact as given, not the rule's spelling */
	assert_string_equal(ev, "cert.sha256=" PINNED_SHA256_COLONS_UPPER);
	free(ev);
	assert_true(match_facts(&rs, NULL, "cert.sha256",
				"D12ECAF902A698E1E4E8A78F653D4DDD0D79367D85EA270D17005AAE4079FDD0", NULL));
	assert_true(match_facts(&rs, NULL, "cert.sha256", "::" PINNED_SHA256 ":", NULL));
	/* one digit short, one more, one different, another separator */
	assert_false(match_facts(&rs, NULL, "cert.sha256",
				 "d12ecaf902a698e1e4e8a78f653d4ddd0d79367d85ea270d17005aae4079fdd", NULL));
	assert_false(match_facts(&rs, NULL, "cert.sha256", PINNED_SHA256 "0", NULL));
	assert_false(match_facts(&rs, NULL, "cert.sha256",
				 "d12ecaf902a698e1e4e8a78f653d4ddd0d79367d85ea270d17005aae4079fdd1", NULL));
	assert_false(match_facts(&rs, NULL, "cert.sha256",
				 "d1-2e-ca-f9-02-a6-98-e1-e4-e8-a7-8f-65-3d-4d-dd-0d-79-36-7d-85-ea-27-0d-"
				 "17-00-5a-ae-40-79-fd-d0", NULL));
	assert_false(match_facts(&rs, NULL, "cert.sha256", "", NULL));
	assert_false(match_facts(&rs, NULL, "cert.pubkey_sha256", PINNED_SHA256, NULL));
	ruleset_free(&rs);

	/* the rule's value may carry colons and capitals too */
	one_rule(&rs, "  match any { cert.serial digest \"0A:FC:35:79:72:70:84:94:58:15:54:59:85:EA:2C:CD\" }");
	assert_true(match_facts(&rs, NULL, "cert.serial", "0afc3579727084945815545985ea2ccd", NULL));
	assert_false(match_facts(&rs, NULL, "cert.serial", "afc3579727084945815545985ea2ccd", NULL));
	ruleset_free(&rs);
}

static void test_match_groups(void **state)
{
	struct ruleset rs = { 0 };
	char *ev;

	UNIT_UNUSED(state);
	one_rule(&rs, "  match all { modinfo.author contains \"Kaspersky\" "
		      "any { module.signature equals \"unsigned\" module.signature equals \"unverifiable\" } }");
	assert_true(match_facts(&rs, &ev, "modinfo.author", "Kaspersky Lab", "module.signature", "unsigned",
				NULL));
	assert_string_equal(ev, "modinfo.author=Kaspersky Lab;module.signature=unsigned");
	free(ev);
	assert_true(match_facts(&rs, NULL, "module.signature", "unverifiable", "modinfo.author", "kaspersky",
				NULL));
	assert_false(match_facts(&rs, NULL, "modinfo.author", "Kaspersky Lab", "module.signature", "valid",
				 NULL));
	assert_false(match_facts(&rs, NULL, "module.signature", "unsigned", NULL));
	assert_false(match_facts(&rs, NULL, "modinfo.author", "Kaspersky", NULL));
	ruleset_free(&rs);

	/* any of: one branch is enough, all branches that hold give evidence */
	one_rule(&rs, "  match any { module.name equals \"a\" module.file equals \"b.ko\" }");
	assert_true(match_facts(&rs, &ev, "module.file", "b.ko", NULL));
	assert_string_equal(ev, "module.file=b.ko");
	free(ev);
	assert_true(match_facts(&rs, &ev, "module.name", "a", "module.file", "b.ko", NULL));
	assert_string_equal(ev, "module.name=a;module.file=b.ko");
	free(ev);
	assert_false(match_facts(&rs, NULL, "module.name", "b", "module.file", "a.ko", NULL));
	ruleset_free(&rs);

	/* deeper: any { all { any { A B } C } D } */
	one_rule(&rs, "  match any { all { any { modinfo.a equals \"1\" modinfo.b equals \"2\" } "
		      "modinfo.c equals \"3\" } modinfo.d equals \"4\" }");
	assert_true(match_facts(&rs, &ev, "modinfo.b", "2", "modinfo.c", "3", NULL));
	assert_string_equal(ev, "modinfo.b=2;modinfo.c=3");
	free(ev);
	assert_false(match_facts(&rs, NULL, "modinfo.a", "1", "modinfo.b", "2", NULL));
	assert_true(match_facts(&rs, &ev, "modinfo.a", "1", "modinfo.d", "4", NULL));
	assert_string_equal(ev, "modinfo.d=4");
	free(ev);
	assert_false(match_facts(&rs, NULL, "modinfo.c", "3", NULL));
	ruleset_free(&rs);
}

/* A field that repeats in the facts (alias=, firmware=) matches if any value does. */
static void test_match_repeated_field(void **state)
{
	struct ruleset rs = { 0 };
	char *ev;

	UNIT_UNUSED(state);
	one_rule(&rs, "  match any { modinfo.alias glob \"kl-*\" }");
	assert_true(match_facts(&rs, &ev, "modinfo.alias", "pci:v1", "modinfo.alias", "kl-x",
				"modinfo.alias", "usb:v2", NULL));
	assert_string_equal(ev, "modinfo.alias=kl-x");
	free(ev);
	/* every value that holds is evidence, once */
	assert_true(match_facts(&rs, &ev, "modinfo.alias", "kl-a", "modinfo.alias", "x",
				"modinfo.alias", "kl-b", NULL));
	assert_string_equal(ev, "modinfo.alias=kl-a;modinfo.alias=kl-b");
	free(ev);
	assert_true(match_facts(&rs, &ev, "modinfo.alias", "kl-a", "modinfo.alias", "kl-a", NULL));
	assert_string_equal(ev, "modinfo.alias=kl-a");
	free(ev);
	assert_false(match_facts(&rs, NULL, "modinfo.alias", "pci:v1", "modinfo.alias", "usb:kl-", NULL));
	ruleset_free(&rs);

	/* all of: both conditions may be met by different values of one field */
	one_rule(&rs, "  match all { modinfo.alias equals \"a\" modinfo.alias equals \"b\" }");
	assert_true(match_facts(&rs, &ev, "modinfo.alias", "b", "modinfo.alias", "a", NULL));
	assert_string_equal(ev, "modinfo.alias=a;modinfo.alias=b");
	free(ev);
	assert_false(match_facts(&rs, NULL, "modinfo.alias", "a", "modinfo.alias", "c", NULL));
	ruleset_free(&rs);
}

/*
 * The fact index (what apply.c gives the rules for a module's hundreds of
 * facts): for every rule of the real set, over many facts with repeated keys,
 * rebuilt over fewer facts with the arrays it kept, the same matches and the
 * same evidence in the same order as comparing every fact.
 */
static void test_match_fact_index(void **state)
{
	static const char *const keys[] = {
		"modinfo.alias", "modinfo.author", "module.name", "module.file", "cert.subject.O",
		"cert.issuer.O", "modinfo.description", "cert.serial", "modinfo.vendor", "x.y",
	};
	static const char *const values[] = {
		"pci:v1", "Kaspersky Lab", "klif", "klif.ko", "AO Kaspersky Lab",
		"Лаборатория Касперского", "kl1", "usb:v2", "nothing", "",
	};
	struct ruleset rs = { 0 };
	struct fact_index ix = { 0 };
	unsigned seed = 1;

	UNIT_UNUSED(state);
	load_real(&rs);
	for (int round = 0; round < 200; round++) {
		struct kvlist facts = { 0 };
		size_t n = round % 2 ? (size_t)(round % 7) : 40 + (size_t)round;

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			kv_add(&facts, keys[(seed >> 8) % ARRAY_SIZE(keys)],
			       values[(seed >> 16) % ARRAY_SIZE(values)]);
		}
		fact_index_build(&ix, &facts);
		assert_int_equal(ix.nfacts, n);
		for (size_t r = 0; r < rs.n; r++) {
			struct subject plain = { .facts = &facts }, indexed = { .facts = &facts, .index = &ix };
			struct kvlist e1 = { 0 }, e2 = { 0 };
			char *a, *b;

			assert_int_equal(rule_match_subject(&rs.v[r], &plain, &e1),
					 rule_match_subject(&rs.v[r], &indexed, &e2));
			a = kv_str(&e1);
			b = kv_str(&e2);
			assert_string_equal(a, b);
			free(a);
			free(b);
			kv_free(&e1);
			kv_free(&e2);
		}
		kv_free(&facts);
	}
	fact_index_free(&ix);
	ruleset_free(&rs);
}

/* Evidence: exactly the facts that satisfied the rule, nothing from branches that failed. */
static void test_match_evidence(void **state)
{
	struct ruleset rs = { 0 };
	struct kvlist facts = { 0 }, ev = { 0 };
	char *s;

	UNIT_UNUSED(state);
	/* the all-branch fails after its first condition held: that fact is not evidence */
	one_rule(&rs, "  match any { all { modinfo.author contains \"Kaspersky\" "
		      "module.signature equals \"valid\" } module.name equals \"klif\" }");
	assert_true(match_facts(&rs, &s, "modinfo.author", "Kaspersky Lab", "module.signature", "unsigned",
				"module.name", "klif", NULL));
	assert_string_equal(s, "module.name=klif");
	free(s);
	/* and when the whole rule fails, no evidence at all */
	assert_false(match_facts(&rs, NULL, "modinfo.author", "Kaspersky Lab", "module.signature",
				 "unsigned", "module.name", "other", NULL));
	ruleset_free(&rs);

	/* a failed nested group in a successful all: the outer evidence stays, the inner goes */
	one_rule(&rs, "  match all { module.name equals \"klif\" "
		      "any { all { modinfo.vendor equals \"KL\" modinfo.license equals \"none\" } "
		      "modinfo.author equals \"K\" } }");
	assert_true(match_facts(&rs, &s, "module.name", "klif", "modinfo.vendor", "KL", "modinfo.license",
				"GPL", "modinfo.author", "K", NULL));
	assert_string_equal(s, "module.name=klif;modinfo.author=K");
	free(s);
	ruleset_free(&rs);

	/* evidence already in the list (an earlier rule's) is kept when this rule fails */
	one_rule(&rs, "  match all { module.name equals \"a\" module.file equals \"a.ko\" }");
	facts_of(&facts, "module.name", "a", "module.file", "b.ko", NULL);
	kv_add(&ev, "earlier", "rule");
	assert_false(rule_match(&rs.v[0], &facts, &ev));
	assert_kv(&ev, "earlier=rule");
	kv_free(&facts);
	facts_of(&facts, "module.name", "a", "module.file", "a.ko", NULL);
	assert_true(rule_match(&rs.v[0], &facts, &ev));
	assert_kv(&ev, "earlier=rule;module.name=a;module.file=a.ko");
	kv_free(&facts);
	kv_free(&ev);
	ruleset_free(&rs);
}

/*
 * Two conditions on one field, both satisfied by the same fact: it is listed
 * once. Facts alias=kl-a, alias=kl-b; both values satisfy the glob, kl-b also
 * the 'contains'. The evidence is the two facts, not kl-b twice.
 */
static void test_match_evidence_once(void **state)
{
	struct ruleset rs = { 0 };
	char *s;

	UNIT_UNUSED(state);
	one_rule(&rs, "  match all { modinfo.alias contains \"b\" modinfo.alias glob \"kl-*\" }");
	assert_true(match_facts(&rs, &s, "modinfo.alias", "kl-a", "modinfo.alias", "kl-b", NULL));
	assert_string_equal(s, "modinfo.alias=kl-b;modinfo.alias=kl-a");
	free(s);
	ruleset_free(&rs);

	one_rule(&rs, "  match any { modinfo.alias glob \"kl-*\" modinfo.alias contains \"b\" }");
	assert_true(match_facts(&rs, &s, "modinfo.alias", "kl-a", "modinfo.alias", "kl-b", NULL));
	ruleset_free(&rs);
	if (strcmp(s, "modinfo.alias=kl-a;modinfo.alias=kl-b") != 0) {
		static char got[256];

		snprintf(got, sizeof(got), "%s", s);
		free(s);
		fail_msg("evidence\n   got  \"%s\"\n   want \"%s\"", got,
			 "modinfo.alias=kl-a;modinfo.alias=kl-b");
	}
	free(s);
}

/* ---- the real rules: true positives and lookalikes ---- */

static void test_real_true_positives(void **state)
{
	struct ruleset rs = { 0 };

	UNIT_UNUSED(state);
	load_real(&rs);
	/* organisation names KVRT and the shim certificate use */
	real_ids(&rs, "KL-CERT-001", "cert.subject.O", "AO Kaspersky Lab", NULL);
	real_ids(&rs, "KL-CERT-001", "cert.subject.O", "Kaspersky Lab JSC", NULL);
	real_ids(&rs, "KL-CERT-001", "cert.subject.O", "Kaspersky Lab", NULL);
	real_ids(&rs, "KL-CERT-001", "cert.subject.O", "ZAO \"kaspersky lab\"", NULL);
	real_ids(&rs, "KL-CERT-001", "cert.issuer.O", "Kaspersky Lab JSC", NULL);
	/* the registration number, exactly */
	real_ids(&rs, "KL-CERT-002", "cert.subject.serialNumber", "1027739867473", NULL);
	real_ids(&rs, "KL-CERT-002", "cert.issuer.serialNumber", "1027739867473", NULL);
	/* the pinned certificate by hash in any spelling, by key, or by issuer and serial */
	real_ids(&rs, "KL-CERT-003", "cert.sha256", PINNED_SHA256_COLONS_UPPER, NULL);
	real_ids(&rs, "KL-CERT-003", "cert.sha256", PINNED_SHA256, NULL);
	real_ids(&rs, "KL-CERT-003", "cert.pubkey_sha256", PINNED_PUBKEY_SHA256, NULL);
	real_ids(&rs, "KL-CERT-003", "cert.issuer.CN", "DigiCert EV Code Signing CA (SHA2)",
		 "cert.serial", "0A:FC:35:79:72:70:84:94:58:15:54:59:85:EA:2C:CD", NULL);
	/* module metadata */
	real_ids(&rs, "KL-MOD-001", "modinfo.author", "AO Kaspersky Lab", NULL);
	real_ids(&rs, "KL-MOD-001", "modinfo.author", "Kaspersky Lab JSC", NULL);
	real_ids(&rs, "KL-MOD-001", "modinfo.vendor", "kaspersky", NULL);
	real_ids(&rs, "KL-MOD-001", "modinfo.description", "KASPERSKY file interceptor", NULL);
	/* a module signed with a Kaspersky certificate and naming Kaspersky: every rule */
	real_ids(&rs, "KL-CERT-001 KL-CERT-002 KL-CERT-003 KL-MOD-001", "module.name", "klif",
		 "modinfo.author", "Kaspersky Lab", "cert.subject.O", "AO Kaspersky Lab",
		 "cert.subject.serialNumber", "1027739867473", "cert.sha256", PINNED_SHA256_COLONS_UPPER,
		 NULL);
	/* a driver store package's INF provider, each of the company's names exactly */
	real_ids(&rs, "KL-DRV-004", "pe.kind", "driver", "inf.provider", "AO Kaspersky Lab", NULL);
	real_ids(&rs, "KL-DRV-004", "pe.kind", "driver", "inf.provider", "Kaspersky Lab", NULL);
	real_ids(&rs, "KL-DRV-004", "pe.kind", "driver", "inf.provider", "Kaspersky Lab JSC", NULL);
	real_ids(&rs, "KL-DRV-004", "pe.kind", "driver", "inf.provider",
		 "АО «Лаборатория Касперского»", NULL);
	ruleset_free(&rs);
}

/* The real pinned certificate, through cert.c, as store/apply.c turns it into facts. */
static void test_real_pinned_certificate(void **state)
{
	struct ruleset rs = { 0 };
	struct kvlist facts = { 0 }, ev = { 0 };
	struct kd_cert **certs = NULL;
	const struct cert_info *ci;
	const char *reason = NULL;
	char key[128], *der, *ids;
	size_t len;
	int n;

	UNIT_UNUSED(state);
	load_real(&rs);
	der = slurp(PINNED_CERT, &len);
	n = certs_from_bytes((const uint8_t *)der, len, &certs, &reason);
	if (n != 1)
		fail_msg("%s: %d certificates (%s)", PINNED_CERT, n, reason ? reason : "");
	ci = cert_get_info(certs[0]);
	assert_string_equal(ci->sha256, PINNED_SHA256);
	for (size_t i = 0; i < ci->subject_attrs.n; i++) {
		snprintf(key, sizeof(key), "cert.subject.%s", ci->subject_attrs.v[i].key);
		kv_add(&facts, key, ci->subject_attrs.v[i].value);
	}
	for (size_t i = 0; i < ci->issuer_attrs.n; i++) {
		snprintf(key, sizeof(key), "cert.issuer.%s", ci->issuer_attrs.v[i].key);
		kv_add(&facts, key, ci->issuer_attrs.v[i].value);
	}
	kv_add(&facts, "cert.serial", ci->serial);
	if (ci->skid)
		kv_add(&facts, "cert.skid", ci->skid);
	kv_add(&facts, "cert.sha256", ci->sha256);
	kv_add(&facts, "cert.pubkey_sha256", ci->pubkey_sha256);

	ids = matching_ids(&rs, &facts, &ev);
	assert_string_equal(ids, "KL-CERT-001 KL-CERT-002 KL-CERT-003");
	free(ids);
	/* the evidence names the facts that did it, and only those */
	assert_string_equal(kv_get(&ev, "cert.subject.O"), "Kaspersky Lab");
	assert_string_equal(kv_get(&ev, "cert.subject.serialNumber"), "1027739867473");
	assert_string_equal(kv_get(&ev, "cert.sha256"), PINNED_SHA256);
	assert_string_equal(kv_get(&ev, "cert.pubkey_sha256"), PINNED_PUBKEY_SHA256);
	assert_string_equal(kv_get(&ev, "cert.issuer.CN"), "DigiCert EV Code Signing CA (SHA2)");
	assert_string_equal(kv_get(&ev, "cert.serial"), "0afc3579727084945815545985ea2ccd");
	assert_null(kv_get(&ev, "cert.subject.CN"));
	assert_null(kv_get(&ev, "cert.issuer.O"));
	assert_null(kv_get(&ev, "cert.skid"));
	assert_int_equal(ev.n, 6);

	kv_free(&ev);
	kv_free(&facts);
	cert_free(certs[0]);
	free(certs);
	free(der);
	ruleset_free(&rs);
}

static void test_real_lookalikes(void **state)
{
	struct ruleset rs = { 0 };

	UNIT_UNUSED(state);
	load_real(&rs);
	/* "Kasper" is not "Kaspersky" */
	real_ids(&rs, "", "modinfo.author", "Kasper Industrial Sensors GmbH", NULL);
	/* an INF provider that mentions Kaspersky, or spells it in another case, is not Kaspersky's */
	real_ids(&rs, "", "pe.kind", "driver", "inf.provider", "Acme (compatible with Kaspersky)", NULL);
	real_ids(&rs, "", "pe.kind", "driver", "inf.provider", "Kaspersky Lab Partner Tools", NULL);
	real_ids(&rs, "", "pe.kind", "driver", "inf.provider", "kaspersky lab", NULL);
	real_ids(&rs, "", "pe.kind", "efi", "inf.provider", "AO Kaspersky Lab", NULL);
	real_ids(&rs, "", "modinfo.vendor", "Kasper Industrial Sensors GmbH", "modinfo.description",
		 "Kasper Industrial Sensors GmbH sensor bus", NULL);
	real_ids(&rs, "", "cert.subject.O", "Kasper Industrial Sensors GmbH", "cert.issuer.O",
		 "Kasper Industrial Sensors GmbH", NULL);
	/* no rule looks at module names: a "kl"-ish name alone is nothing */
	real_ids(&rs, "", "module.name", "klpx_lookalike", "module.file", "klpx_lookalike.ko",
		 "module.path", "/lib/modules/6.1.0/extra/klpx_lookalike.ko", "module.signature",
		 "unsigned", NULL);
	/*
	 * KL-CERT-001 wants the organisation to contain "Kaspersky Lab" (with the
	 * blank): "Kaspersky-Labs-Fans e.V." does not, in the subject or the issuer.
	 */
	real_ids(&rs, "", "cert.subject.O", "Kaspersky-Labs-Fans e.V.", NULL);
	real_ids(&rs, "", "cert.issuer.O", "Kaspersky-Labs-Fans e.V.", NULL);
	/* ...but KL-MOD-001 is a plain "contains Kaspersky": as author it does match */
	real_ids(&rs, "KL-MOD-001", "modinfo.author", "Kaspersky-Labs-Fans e.V.", NULL);
	/* the registration number only exactly, and only in serialNumber */
	real_ids(&rs, "", "cert.subject.serialNumber", "10277398674730", NULL);
	real_ids(&rs, "", "cert.subject.serialNumber", " 1027739867473", NULL);
	/* a certificate one digit away from the pinned one */
	real_ids(&rs, "", "cert.sha256",
		 "d12ecaf902a698e1e4e8a78f653d4ddd0d79367d85ea270d17005aae4079fdd1", NULL);
	real_ids(&rs, "", "cert.pubkey_sha256", PINNED_SHA256, NULL);
	/* any DigiCert EV certificate other than the pinned serial */
	real_ids(&rs, "", "cert.issuer.CN", "DigiCert EV Code Signing CA (SHA2)", "cert.serial",
		 "0afc3579727084945815545985ea2cce", NULL);
	real_ids(&rs, "", "cert.serial", "0afc3579727084945815545985ea2ccd", "cert.issuer.CN",
		 "DigiCert EV Code Signing CA", NULL);
	ruleset_free(&rs);
}

/* ---- language v2: subject kinds, file content, host paths ---- */

static void test_v2_kinds(void **state)
{
	struct ruleset rs = { 0 };

	UNIT_UNUSED(state);
	one_rule(&rs, "  match all { package.name equals \"kesl\" package.status contains \"installed\" }");
	assert_int_equal(rs.v[0].kinds, KIND_PACKAGE);
	ruleset_free(&rs);
	/* cert.* fields fit module signers and trusted certificates alike */
	one_rule(&rs, "  match any { cert.subject.O contains \"Kaspersky Lab\" }");
	assert_int_equal(rs.v[0].kinds, KIND_MODULE | KIND_CERT | KIND_PE);
	ruleset_free(&rs);
	one_rule(&rs, "  match all { cert.subject.O contains \"K\" modinfo.author contains \"K\" }");
	assert_int_equal(rs.v[0].kinds, KIND_MODULE);
	ruleset_free(&rs);
	one_rule(&rs, "  match all { process.name equals \"wdserver\" host.path exists \"/opt/x\" }");
	assert_int_equal(rs.v[0].kinds, KIND_PROCESS);
	ruleset_free(&rs);
	/* two kinds in one rule, and a rule about nothing but the host, are errors */
	check_match_error("  match all { package.name equals \"a\" file.name equals \"b\" }",
			  "t.rules:5:39: field 'file.name' is about another kind of subject than the rule's other fields");
	check_match_error("  match any { host.path exists \"/opt/x\" }",
			  "t.rules:1:1: rule has only host.path conditions: it names no subject");
}

/* iequals: the whole value, letter case folded as contains folds it (Windows names) */
static void test_iequals_and_products(void **state)
{
	struct ruleset rs = { 0 };
	struct kvlist f = { 0 }, ev = { 0 };

	UNIT_UNUSED(state);
	one_rule(&rs, "  match any { service.name iequals \"klif\" service.name iequals \"Лаборатория\" }");
	assert_int_equal(rs.v[0].kinds, KIND_SERVICE);
	kv_add(&f, "service.name", "KLIF");
	assert_true(rule_match(&rs.v[0], &f, &ev));
	kv_free(&f);
	kv_add(&f, "service.name", "klif2");
	assert_false(rule_match(&rs.v[0], &f, &ev));
	kv_free(&f);
	kv_add(&f, "service.name", "xklif");
	assert_false(rule_match(&rs.v[0], &f, &ev));
	kv_free(&f);
	kv_add(&f, "service.name", "ЛАБОРАТОРИЯ");
	assert_true(rule_match(&rs.v[0], &f, &ev));
	kv_free(&f);
	ruleset_free(&rs);
	one_rule(&rs, "  match all { product.publisher iequals \"AO Kaspersky Lab\" product.source equals \"uninstall\" }");
	assert_int_equal(rs.v[0].kinds, KIND_PRODUCT);
	kv_add(&f, "product.publisher", "Acme Automation (AO Kaspersky Lab compatible)");
	kv_add(&f, "product.source", "uninstall");
	assert_false(rule_match(&rs.v[0], &f, &ev));
	kv_free(&f);
	kv_add(&f, "product.publisher", "ao kaspersky lab");
	kv_add(&f, "product.source", "uninstall");
	assert_true(rule_match(&rs.v[0], &f, &ev));
	kv_free(&f);
	kv_free(&ev);
	ruleset_free(&rs);
	check_match_error("  match all { product.name equals \"a\" service.name equals \"b\" }",
			  "t.rules:5:39: field 'service.name' is about another kind of subject than the rule's other fields");
}

static void test_v2_special_forms_errors(void **state)
{
	UNIT_UNUSED(state);
	check_match_error("  match any { file.bytes 0 hex \"41\" }", "t.rules:5:26: expected 'at'");
	check_match_error("  match any { file.bytes at x hex \"41\" }",
			  "t.rules:5:29: expected a number up to 1048576, not 'x'");
	check_match_error("  match any { file.bytes at 0 equals \"41\" }",
			  "t.rules:5:31: operator 'equals' does not go with field 'file.bytes'");
	check_match_error("  match any { file.bytes at 0 hex \"4\" }",
			  "t.rules:5:35: hex value needs pairs of hex digits");
	check_match_error("  match any { file.bytes at 0 hex \"zz\" }",
			  "t.rules:5:35: hex value needs pairs of hex digits");
	check_match_error("  match any { file.bytes at 1048576 hex \"41\" }",
			  "t.rules:5:41: bytes reach past the first 1048576");
	check_match_error("  match any { file.text within 2000000 contains \"x\" }",
			  "t.rules:5:32: expected a number up to 1048576, not '2000000'");
	check_match_error("  match any { file.text within 10 glob \"x\" }",
			  "t.rules:5:35: operator 'glob' does not go with field 'file.text'");
	check_match_error("  match any { file.name exists \"x\" }",
			  "t.rules:5:25: operator 'exists' does not go with field 'file.name'");
	check_match_error("  match all { file.name equals \"a\" host.path exists \"relative\" }",
			  "t.rules:5:53: host.path needs an absolute path");
}

struct fake_file {
	const uint8_t *data;
	size_t len;
	size_t asked;	/* the most bytes a rule asked for */
	int calls;
};

static size_t fake_content(void *ctx, size_t n, const uint8_t **p)
{
	struct fake_file *f = ctx;

	f->calls++;
	if (n > f->asked)
		f->asked = n;
	*p = f->data;
	return n < f->len ? n : f->len;
}

static bool fake_exists(void *ctx, const char *path)
{
	return strcmp(path, (const char *)ctx) == 0;
}

static void test_v2_content_and_host(void **state)
{
	static const uint8_t base[] = "AVP Antiviral Database. (c)Kaspersky Lab\0\x01binary";
	struct fake_file f = { base, sizeof(base) - 1, 0, 0 };
	struct kvlist facts = { 0 }, ev = { 0 };
	struct ruleset rs = { 0 };
	struct subject sub = { .facts = &facts, .content = fake_content, .content_ctx = &f,
			       .path_exists = fake_exists, .host_ctx = (void *)"/opt/kaspersky/kesl/libexec/kesl_launcher.sh" };

	UNIT_UNUSED(state);
	kv_add(&facts, "file.name", "daily.avc");
	kv_add(&facts, "file.path", "/opt/acme/bases/daily.avc");
	/* "AVP " in hex at offset 0, and a case-insensitive string within the first 64 bytes */
	one_rule(&rs, "  match all { file.path glob \"*/bases/*\" file.bytes at 0 hex \"41565020\" "
		      "file.text within 64 contains \"(C)KASPERSKY LAB\" }");
	assert_int_equal(rs.v[0].content_needed, 64);
	assert_int_equal(ruleset_content_needed(&rs), 64);
	assert_true(rule_match_subject(&rs.v[0], &sub, &ev));
	assert_kv(&ev, "file.path=/opt/acme/bases/daily.avc;matched=file.bytes at 0: 41565020;"
		       "matched=file.text within 64: (C)KASPERSKY LAB");
	kv_free(&ev);
	/* bytes at an offset past the end do not match; a string beyond N is not seen */
	ruleset_free(&rs);
	one_rule(&rs, "  match any { file.bytes at 60 hex \"41\" file.text within 10 contains \"Kaspersky\" }");
	assert_false(rule_match_subject(&rs.v[0], &sub, &ev));
	assert_int_equal(ev.n, 0);
	kv_free(&ev);
	/* all {}: a cheap failing test first means the file is never read */
	ruleset_free(&rs);
	f.calls = 0;
	one_rule(&rs, "  match all { file.name equals \"other\" file.bytes at 0 hex \"41\" }");
	assert_false(rule_match_subject(&rs.v[0], &sub, &ev));
	assert_int_equal(f.calls, 0);
	kv_free(&ev);
	/* without a content reader (rule_match), content conditions never hold */
	ruleset_free(&rs);
	one_rule(&rs, "  match any { file.bytes at 0 hex \"41\" }");
	assert_false(rule_match(&rs.v[0], &facts, &ev));
	kv_free(&ev);
	ruleset_free(&rs);
	kv_free(&facts);

	/* a generic process name counts only with the product path present */
	kv_add(&facts, "process.name", "wdserver");
	one_rule(&rs, "  match all { process.name equals \"wdserver\" "
		      "host.path exists \"/opt/kaspersky/kesl/libexec/kesl_launcher.sh\" }");
	assert_true(rule_match_subject(&rs.v[0], &sub, &ev));
	assert_kv(&ev, "process.name=wdserver;host.path=/opt/kaspersky/kesl/libexec/kesl_launcher.sh");
	kv_free(&ev);
	sub.host_ctx = (void *)"/somewhere/else";
	assert_false(rule_match_subject(&rs.v[0], &sub, &ev));
	assert_int_equal(ev.n, 0);
	kv_free(&ev);
	ruleset_free(&rs);
	kv_free(&facts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_file),
		cmocka_unit_test(test_header_example),
		cmocka_unit_test(test_valid_syntax),
		cmocka_unit_test(test_err_unknown_key),
		cmocka_unit_test(test_err_unknown_field),
		cmocka_unit_test(test_err_unknown_operator),
		cmocka_unit_test(test_v2_kinds),
		cmocka_unit_test(test_iequals_and_products),
		cmocka_unit_test(test_v2_special_forms_errors),
		cmocka_unit_test(test_v2_content_and_host),
		cmocka_unit_test(test_err_unknown_severity),
		cmocka_unit_test(test_err_duplicate_id),
		cmocka_unit_test(test_err_missing_parts),
		cmocka_unit_test(test_err_empty_group),
		cmocka_unit_test(test_err_strings),
		cmocka_unit_test(test_err_nul_byte),
		cmocka_unit_test(test_err_unexpected_char),
		cmocka_unit_test(test_err_nesting),
		cmocka_unit_test(test_err_rule_keyword),
		cmocka_unit_test(test_err_positions_crlf),
		cmocka_unit_test(test_err_long_word),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_match_equals),
		cmocka_unit_test(test_match_contains),
		cmocka_unit_test(test_match_glob),
		cmocka_unit_test(test_match_digest),
		cmocka_unit_test(test_match_groups),
		cmocka_unit_test(test_match_repeated_field),
		cmocka_unit_test(test_match_fact_index),
		cmocka_unit_test(test_match_evidence),
		cmocka_unit_test(test_match_evidence_once),
		cmocka_unit_test(test_real_true_positives),
		cmocka_unit_test(test_real_pinned_certificate),
		cmocka_unit_test(test_real_lookalikes),
	};

	crypto_init();
	return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
