// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rules.c - the rule language. A file holds rules such as
 *
 *   rule KL-CERT-001 {
 *       title "Signing certificate names Kaspersky Lab"
 *       severity critical
 *       reference "https://..."
 *       match any {
 *           cert.subject.O contains "Kaspersky Lab"
 *           all { modinfo.author contains "Kaspersky" module.signature equals "unsigned" }
 *       }
 *   }
 *
 * Parsing is strict: an unknown key, an unknown field, a duplicate id or a
 * missing severity or reference is an error naming file, line and column.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "core/root.h"
#include "rules/rules.h"
#include "core/util.h"

#define MAX_DEPTH 16
#define MAX_TOKEN 4096

static const char *const severity_names[] = {
	[SEV_INFO] = "info", [SEV_LOW] = "low", [SEV_MEDIUM] = "medium",
	[SEV_HIGH] = "high", [SEV_CRITICAL] = "critical",
};

static const char *const op_names[] = {
	[OP_EQUALS] = "equals", [OP_CONTAINS] = "contains", [OP_GLOB] = "glob", [OP_DIGEST] = "digest",
	[OP_EXISTS] = "exists", [OP_HEX] = "hex", [OP_IEQUALS] = "iequals",
};

/* Fields a condition may name, and the subjects that have them; '*' accepts any suffix. */
static const struct {
	const char *name;
	unsigned kinds;
} known_fields[] = {
	{ "cert.subject.*", KIND_MODULE | KIND_CERT | KIND_PE },
	{ "cert.issuer.*", KIND_MODULE | KIND_CERT | KIND_PE },
	{ "cert.serial", KIND_MODULE | KIND_CERT | KIND_PE },
	{ "cert.skid", KIND_MODULE | KIND_CERT | KIND_PE },
	{ "cert.sha256", KIND_MODULE | KIND_CERT | KIND_PE },
	{ "cert.pubkey_sha256", KIND_MODULE | KIND_CERT | KIND_PE },
	{ "module.name", KIND_MODULE },
	{ "module.file", KIND_MODULE },
	{ "module.path", KIND_MODULE },
	{ "module.signature", KIND_MODULE },
	{ "module.loaded", KIND_MODULE },
	{ "modinfo.*", KIND_MODULE },
	{ "modconf.directive", KIND_MODULE },
	{ "modconf.source", KIND_MODULE },
	{ "modconf.command", KIND_MODULE },
	{ "dkms.package", KIND_MODULE },
	{ "dkms.state", KIND_MODULE },
	{ "file.path", KIND_FILE },
	{ "file.name", KIND_FILE },
	{ "file.size", KIND_FILE },
	{ "file.bytes", KIND_FILE | KIND_PE },
	{ "file.text", KIND_FILE | KIND_PE },
	{ "package.name", KIND_PACKAGE },
	{ "package.version", KIND_PACKAGE },
	{ "package.maintainer", KIND_PACKAGE },
	{ "package.source", KIND_PACKAGE },
	{ "package.status", KIND_PACKAGE },
	{ "package.manager", KIND_PACKAGE },
	{ "package.vendor", KIND_PACKAGE },
	{ "package.packager", KIND_PACKAGE },
	{ "package.arch", KIND_PACKAGE },
	{ "package.summary", KIND_PACKAGE },
	{ "package.url", KIND_PACKAGE },
	{ "service.name", KIND_SERVICE },
	{ "service.exec", KIND_SERVICE },
	{ "service.enabled", KIND_SERVICE },
	{ "service.kind", KIND_SERVICE },
	{ "service.path", KIND_SERVICE },
	{ "service.type", KIND_SERVICE },
	{ "service.start", KIND_SERVICE },
	{ "service.image", KIND_SERVICE },
	{ "service.file", KIND_SERVICE },
	{ "service.group", KIND_SERVICE },
	{ "service.display_name", KIND_SERVICE },
	{ "service.description", KIND_SERVICE },
	{ "service.altitude", KIND_SERVICE },
	{ "service.early_launch", KIND_SERVICE },
	{ "service.device", KIND_SERVICE },
	{ "product.name", KIND_PRODUCT },
	{ "product.publisher", KIND_PRODUCT },
	{ "product.version", KIND_PRODUCT },
	{ "product.location", KIND_PRODUCT },
	{ "product.key", KIND_PRODUCT },
	{ "product.subkey", KIND_PRODUCT },
	{ "product.source", KIND_PRODUCT },
	{ "product.view", KIND_PRODUCT },
	{ "process.name", KIND_PROCESS },
	{ "process.exe", KIND_PROCESS },
	{ "process.uid", KIND_PROCESS },
	{ "process.pid", KIND_PROCESS },
	{ "pe.path", KIND_PE },
	{ "pe.name", KIND_PE },
	{ "pe.kind", KIND_PE },
	{ "pe.signature", KIND_PE },
	{ "pe.authenticode_sha256", KIND_PE },
	{ "pe.uefi", KIND_PE },
	{ "pe.elam", KIND_PE },
	{ "pe.catalog", KIND_PE },
	{ "pe.catalog_osattr", KIND_PE },
	{ "version.*", KIND_PE },
	{ "inf.name", KIND_PE },
	{ "inf.provider", KIND_PE },
	{ "inf.class", KIND_PE },
	{ "inf.driver_ver", KIND_PE },
	{ "inf.catalog", KIND_PE },
	{ "inf.service", KIND_PE },
	{ "driverstore.package", KIND_PE },
	{ "boot.name", KIND_BOOT },
	{ "boot.description", KIND_BOOT },
	{ "boot.path", KIND_BOOT },
	{ "host.path", KIND_ALL },
};

#define MAX_CONTENT (1u << 20)	/* file.bytes and file.text read at most this much */

const char *severity_name(enum severity s)
{
	return severity_names[s];
}

enum tok_kind {
	TOK_EOF,
	TOK_WORD,
	TOK_STRING,
	TOK_LBRACE,
	TOK_RBRACE,
};

struct lexer {
	const char *name;
	const char *p;
	const char *end;
	int line;
	int col;
	/* the rule being parsed */
	unsigned rule_kinds;
	size_t rule_content;
	/* current token */
	enum tok_kind kind;
	char *text;
	int tline;
	int tcol;
	char *err;
};

static void lex_error(struct lexer *lx, int line, int col, const char *fmt, const char *arg)
{
	if (lx->err)
		return;
	lx->err = xasprintf("%s:%d:%d: ", lx->name, line, col);
	{
		char *msg = xasprintf(fmt, arg ? arg : "");
		char *full = xasprintf("%s%s", lx->err, msg);

		free(lx->err);
		free(msg);
		lx->err = full;
	}
}

static void advance(struct lexer *lx)
{
	if (*lx->p == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->p++;
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' || c == '*';
}

/* Read the next token; false on a lexical error. */
static bool next_token(struct lexer *lx)
{
	struct strbuf sb;

	free(lx->text);
	lx->text = NULL;
	for (;;) {
		while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' ||
					   *lx->p == '\r'))
			advance(lx);
		if (lx->p < lx->end && *lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				advance(lx);
			continue;
		}
		break;
	}
	lx->tline = lx->line;
	lx->tcol = lx->col;
	if (lx->p >= lx->end) {
		lx->kind = TOK_EOF;
		return true;
	}
	if (*lx->p == '{' || *lx->p == '}') {
		lx->kind = *lx->p == '{' ? TOK_LBRACE : TOK_RBRACE;
		lx->text = xstrndup(lx->p, 1);
		advance(lx);
		return true;
	}
	sb_init(&sb);
	if (*lx->p == '"') {
		advance(lx);
		for (;;) {
			char c;

			if (lx->p >= lx->end || *lx->p == '\n') {
				sb_free(&sb);
				lex_error(lx, lx->tline, lx->tcol, "unterminated string%s", NULL);
				return false;
			}
			c = *lx->p;
			if (c == '"') {
				advance(lx);
				break;
			}
			if (c == '\\') {
				advance(lx);
				if (lx->p >= lx->end || (*lx->p != '"' && *lx->p != '\\')) {
					sb_free(&sb);
					lex_error(lx, lx->line, lx->col,
						  "unknown escape in string (only \\\" and \\\\)%s", NULL);
					return false;
				}
				c = *lx->p;
			} else if ((unsigned char)c < 0x20) {
				sb_free(&sb);
				lex_error(lx, lx->line, lx->col, "control character in string%s", NULL);
				return false;
			}
			sb_putc(&sb, c);
			advance(lx);
			if (sb.len > MAX_TOKEN) {
				sb_free(&sb);
				lex_error(lx, lx->tline, lx->tcol, "string too long%s", NULL);
				return false;
			}
		}
		lx->kind = TOK_STRING;
		lx->text = sb_steal(&sb);
		return true;
	}
	if (!word_char(*lx->p)) {
		char bad[2] = { *lx->p, 0 };

		lex_error(lx, lx->tline, lx->tcol, "unexpected character '%s'",
			  isprint((unsigned char)bad[0]) ? bad : "?");
		return false;
	}
	while (lx->p < lx->end && word_char(*lx->p)) {
		if (sb.len >= MAX_TOKEN) {
			sb_free(&sb);
			lex_error(lx, lx->tline, lx->tcol, "word too long%s", NULL);
			return false;
		}
		sb_putc(&sb, *lx->p);
		advance(lx);
	}
	lx->kind = TOK_WORD;
	lx->text = sb_steal(&sb);
	return true;
}

static bool expect(struct lexer *lx, enum tok_kind kind, const char *what)
{
	if (!next_token(lx))
		return false;
	if (lx->kind != kind) {
		lex_error(lx, lx->tline, lx->tcol, "expected %s", what);
		return false;
	}
	return true;
}

/* The kinds a field belongs to, or 0 for an unknown field. */
static unsigned field_kinds(const char *f)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_fields); i++) {
		const char *k = known_fields[i].name;
		size_t n = strlen(k);

		if (k[n - 1] == '*') {
			if (strncmp(f, k, n - 1) == 0 && f[n - 1])
				return known_fields[i].kinds;
		} else if (strcmp(f, k) == 0) {
			return known_fields[i].kinds;
		}
	}
	return 0;
}

static void cond_free(struct cond *c)
{
	for (size_t i = 0; i < c->nkids; i++)
		cond_free(&c->kids[i]);
	free(c->kids);
	free(c->field);
	free(c->value);
	free(c->bytes);
	memset(c, 0, sizeof(*c));
}

static bool parse_number(struct lexer *lx, uint64_t max, uint64_t *v)
{
	char *end;

	if (!expect(lx, TOK_WORD, "a number"))
		return false;
	errno = 0;
	*v = strtoull(lx->text, &end, 10);
	if (errno || *end || !isdigit((unsigned char)lx->text[0]) || *v > max) {
		lex_error(lx, lx->tline, lx->tcol, "expected a number up to 1048576, not '%s'", lx->text);
		return false;
	}
	return true;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * FIELD OP "VALUE", or the special forms
 *   file.bytes at OFFSET hex "HEX"   file.text within N contains "STRING"   host.path exists "/PATH"
 */
static bool parse_leaf(struct lexer *lx, struct cond *c)
{
	int fline = lx->tline, fcol = lx->tcol;
	unsigned kinds = field_kinds(lx->text);
	const char *field;
	size_t op;

	if (!kinds) {
		lex_error(lx, fline, fcol, "unknown field '%s'", lx->text);
		return false;
	}
	if (!(lx->rule_kinds & kinds)) {
		lex_error(lx, fline, fcol, "field '%s' is about another kind of subject than the "
			  "rule's other fields", lx->text);
		return false;
	}
	lx->rule_kinds &= kinds;
	c->field = xstrdup(lx->text);
	c->field_hash = fact_key_hash(c->field);
	field = c->field;
	if (strcmp(field, "file.bytes") == 0 || strcmp(field, "file.text") == 0) {
		const char *kw = field[5] == 'b' ? "at" : "within";

		if (!expect(lx, TOK_WORD, kw))
			return false;
		if (strcmp(lx->text, kw)) {
			lex_error(lx, lx->tline, lx->tcol, "expected '%s'", kw);
			return false;
		}
		if (!parse_number(lx, MAX_CONTENT, &c->arg))
			return false;
	}
	if (!expect(lx, TOK_WORD, "an operator (equals, iequals, contains, glob, digest, exists, hex)"))
		return false;
	for (op = 0; op < ARRAY_SIZE(op_names); op++)
		if (strcmp(lx->text, op_names[op]) == 0)
			break;
	if (op == ARRAY_SIZE(op_names)) {
		lex_error(lx, lx->tline, lx->tcol, "unknown operator '%s'", lx->text);
		return false;
	}
	c->op = (enum match_op)op;
	/* each special field takes one operator, and only it takes that operator */
	if ((strcmp(field, "file.bytes") == 0) != (c->op == OP_HEX) ||
	    (strcmp(field, "host.path") == 0) != (c->op == OP_EXISTS) ||
	    (strcmp(field, "file.text") == 0 && c->op != OP_CONTAINS)) {
		char *msg = xasprintf("operator '%s' does not go with field '%s'", op_names[op], field);

		lex_error(lx, lx->tline, lx->tcol, "%s", msg);
		free(msg);
		return false;
	}
	if (!expect(lx, TOK_STRING, "a quoted value"))
		return false;
	if (!*lx->text) {
		lex_error(lx, lx->tline, lx->tcol, "empty value%s", NULL);
		return false;
	}
	c->value = xstrdup(lx->text);
	c->value_len = strlen(c->value);
	c->looked_up = c->op == OP_EXISTS || c->op == OP_HEX || strcmp(field, "file.text") == 0;
	if (c->op == OP_EXISTS && c->value[0] != '/') {
		lex_error(lx, lx->tline, lx->tcol, "host.path needs an absolute path%s", NULL);
		return false;
	}
	if (c->op == OP_HEX) {
		size_t n = strlen(c->value);

		c->bytes = xmalloc(n / 2 + 1);
		for (size_t i = 0; i + 1 < n; i += 2) {
			int hi = hex_digit(c->value[i]), lo = hex_digit(c->value[i + 1]);

			if (hi < 0 || lo < 0)
				break;
			c->bytes[c->nbytes++] = (uint8_t)(hi << 4 | lo);
		}
		if (n % 2 || c->nbytes * 2 != n) {
			lex_error(lx, lx->tline, lx->tcol, "hex value needs pairs of hex digits%s", NULL);
			return false;
		}
		if (c->arg + c->nbytes > MAX_CONTENT) {
			lex_error(lx, lx->tline, lx->tcol, "bytes reach past the first 1048576%s", NULL);
			return false;
		}
		if (c->arg + c->nbytes > lx->rule_content)
			lx->rule_content = (size_t)(c->arg + c->nbytes);
	}
	if (strcmp(field, "file.text") == 0 && c->arg > lx->rule_content)
		lx->rule_content = (size_t)c->arg;
	return true;
}

static bool parse_group(struct lexer *lx, struct cond *g, int depth);

/* Parse group members until '}'; the current token is the first member's. */
static bool parse_members(struct lexer *lx, struct cond *g, int depth)
{
	for (;;) {
		struct cond c = { 0 };

		if (!next_token(lx))
			return false;
		if (lx->kind == TOK_RBRACE)
			break;
		if (lx->kind != TOK_WORD) {
			lex_error(lx, lx->tline, lx->tcol, "expected a condition or '}'%s", NULL);
			return false;
		}
		if (strcmp(lx->text, "any") == 0 || strcmp(lx->text, "all") == 0) {
			c.is_group = true;
			c.any = strcmp(lx->text, "any") == 0;
			if (!parse_group(lx, &c, depth + 1)) {
				cond_free(&c);
				return false;
			}
		} else if (!parse_leaf(lx, &c)) {
			cond_free(&c);
			return false;
		}
		g->kids = xreallocarray(g->kids, g->nkids + 1, sizeof(*g->kids));
		g->kids[g->nkids++] = c;
	}
	if (!g->nkids) {
		lex_error(lx, lx->tline, lx->tcol, "empty condition group%s", NULL);
		return false;
	}
	return true;
}

static bool parse_group(struct lexer *lx, struct cond *g, int depth)
{
	if (depth > MAX_DEPTH) {
		lex_error(lx, lx->tline, lx->tcol, "conditions nested too deeply%s", NULL);
		return false;
	}
	if (!expect(lx, TOK_LBRACE, "'{'"))
		return false;
	return parse_members(lx, g, depth);
}

static void rule_free(struct rule *r)
{
	free(r->id);
	free(r->title);
	sl_free(&r->refs);
	cond_free(&r->match);
	free(r->origin);
	memset(r, 0, sizeof(*r));
}

static bool id_valid(const char *id)
{
	if (!isalpha((unsigned char)id[0]))
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return false;
	return true;
}

static bool parse_rule(struct lexer *lx, struct ruleset *rs, struct rule *r)
{
	int rline = lx->tline, rcol = lx->tcol;
	bool have_sev = false, have_match = false;

	if (!expect(lx, TOK_WORD, "a rule id"))
		return false;
	if (!id_valid(lx->text)) {
		lex_error(lx, lx->tline, lx->tcol, "invalid rule id '%s'", lx->text);
		return false;
	}
	for (size_t i = 0; i < rs->n; i++) {
		if (strcmp(rs->v[i].id, lx->text) == 0) {
			char *msg = xasprintf("duplicate rule id '%s' (first at %s)", lx->text,
					      rs->v[i].origin);

			lex_error(lx, lx->tline, lx->tcol, "%s", msg);
			free(msg);
			return false;
		}
	}
	r->id = xstrdup(lx->text);
	r->origin = xasprintf("%s:%d", lx->name, rline);
	lx->rule_kinds = KIND_ALL;
	lx->rule_content = 0;
	if (!expect(lx, TOK_LBRACE, "'{'"))
		return false;
	for (;;) {
		int kline, kcol;

		if (!next_token(lx))
			return false;
		if (lx->kind == TOK_RBRACE)
			break;
		if (lx->kind != TOK_WORD) {
			lex_error(lx, lx->tline, lx->tcol, "expected a key or '}'%s", NULL);
			return false;
		}
		kline = lx->tline;
		kcol = lx->tcol;
		if (strcmp(lx->text, "title") == 0) {
			if (r->title) {
				lex_error(lx, kline, kcol, "duplicate key 'title'%s", NULL);
				return false;
			}
			if (!expect(lx, TOK_STRING, "a quoted title"))
				return false;
			r->title = xstrdup(lx->text);
		} else if (strcmp(lx->text, "severity") == 0) {
			size_t s;

			if (have_sev) {
				lex_error(lx, kline, kcol, "duplicate key 'severity'%s", NULL);
				return false;
			}
			if (!expect(lx, TOK_WORD, "a severity (critical, high, medium, low, info)"))
				return false;
			for (s = 0; s < ARRAY_SIZE(severity_names); s++)
				if (strcmp(lx->text, severity_names[s]) == 0)
					break;
			if (s == ARRAY_SIZE(severity_names)) {
				lex_error(lx, lx->tline, lx->tcol, "unknown severity '%s'", lx->text);
				return false;
			}
			r->severity = (enum severity)s;
			have_sev = true;
		} else if (strcmp(lx->text, "reference") == 0) {
			if (!expect(lx, TOK_STRING, "a quoted reference"))
				return false;
			sl_push(&r->refs, xstrdup(lx->text));
		} else if (strcmp(lx->text, "match") == 0) {
			if (have_match) {
				lex_error(lx, kline, kcol, "duplicate key 'match'%s", NULL);
				return false;
			}
			if (!expect(lx, TOK_WORD, "'any' or 'all'"))
				return false;
			if (strcmp(lx->text, "any") && strcmp(lx->text, "all")) {
				lex_error(lx, lx->tline, lx->tcol, "expected 'any' or 'all', not '%s'",
					  lx->text);
				return false;
			}
			r->match.is_group = true;
			r->match.any = strcmp(lx->text, "any") == 0;
			if (!parse_group(lx, &r->match, 1))
				return false;
			have_match = true;
		} else {
			lex_error(lx, kline, kcol, "unknown key '%s'", lx->text);
			return false;
		}
	}
	if (!r->title)
		lex_error(lx, rline, rcol, "rule has no title%s", NULL);
	else if (!have_sev)
		lex_error(lx, rline, rcol, "rule has no severity%s", NULL);
	else if (!r->refs.n)
		lex_error(lx, rline, rcol, "rule has no reference%s", NULL);
	else if (!have_match)
		lex_error(lx, rline, rcol, "rule has no match%s", NULL);
	else if (lx->rule_kinds == KIND_ALL)
		lex_error(lx, rline, rcol, "rule has only host.path conditions: it names no subject%s", NULL);
	r->kinds = lx->rule_kinds;
	r->content_needed = lx->rule_content;
	return !lx->err;
}

int rules_parse(struct ruleset *rs, const char *name, const char *text, size_t len, char **err)
{
	struct lexer lx = { .name = name, .p = text, .end = text + len, .line = 1, .col = 1 };
	size_t first = rs->n;

	*err = NULL;
	if (memchr(text, '\0', len)) {
		const char *nul = memchr(text, '\0', len);
		int line = 1, col = 1;

		for (const char *c = text; c < nul; c++, col++)
			if (*c == '\n') {
				line++;
				col = 0;
			}
		*err = xasprintf("%s:%d:%d: file contains a NUL byte", name, line, col);
		return -1;
	}
	for (;;) {
		struct rule r = { 0 };

		if (!next_token(&lx))
			break;
		if (lx.kind == TOK_EOF)
			break;
		if (lx.kind != TOK_WORD || strcmp(lx.text, "rule") != 0) {
			lex_error(&lx, lx.tline, lx.tcol, "expected 'rule'%s", NULL);
			break;
		}
		if (!parse_rule(&lx, rs, &r)) {
			rule_free(&r);
			break;
		}
		rs->v = xreallocarray(rs->v, rs->n + 1, sizeof(*rs->v));
		rs->v[rs->n++] = r;
	}
	free(lx.text);
	if (lx.err) {
		/* all or nothing: drop what this file added */
		while (rs->n > first)
			rule_free(&rs->v[--rs->n]);
		*err = lx.err;
		return -1;
	}
	sl_push(&rs->sources, xstrdup(name));
	return 0;
}

#define RULE_FILE_CAP (4u << 20)

/* Read one host file (not inside any root: rules are the operator's). */
static int load_file(struct ruleset *rs, int dirfd, const char *path, const char *shown,
		     struct strbuf *all, char **err)
{
	struct stat st;
	uint8_t *text;
	size_t len;
	int fd, r;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*err = xasprintf("%s: %s", shown, fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	r = fd_read_all(fd, RULE_FILE_CAP, &text, &len);
	close(fd);
	if (r) {
		*err = xasprintf("%s: %s", shown, strerror(-r));
		return -1;
	}
	r = rules_parse(rs, shown, (const char *)text, len, err);
	if (!r && all)
		sb_putn(all, (const char *)text, len);
	free(text);
	return r;
}

int rules_load_path(struct ruleset *rs, const char *path, struct strbuf *all, char **err)
{
	struct strlist names = { 0 };
	struct dirent *de;
	DIR *d;
	int fd, r = 0;

	*err = NULL;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return load_file(rs, AT_FDCWD, path, path, all, err);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && str_has_suffix(de->d_name, ".rules"))
			sl_push(&names, xstrdup(de->d_name));
	sl_sort(&names);
	for (size_t i = 0; i < names.n && !r; i++) {
		char *shown = xasprintf("%s/%s", path, names.v[i]);

		r = load_file(rs, dirfd(d), names.v[i], shown, all, err);
		free(shown);
	}
	if (!names.n) {
		*err = xasprintf("%s: no *.rules file", path);
		r = -1;
	}
	sl_free(&names);
	closedir(d);
	return r;
}

/* FNV-1a: cheap, and keys that differ almost never share it. */
uint32_t fact_key_hash(const char *key)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

void fact_index_build(struct fact_index *ix, const struct kvlist *facts)
{
	size_t n = facts->n, slots = 16;

	if (n > ix->cap) {
		ix->cap = n;
		ix->hash = xreallocarray(ix->hash, n, sizeof(*ix->hash));
		ix->next = xreallocarray(ix->next, n, sizeof(*ix->next));
		ix->last = xreallocarray(ix->last, n, sizeof(*ix->last));
	}
	while (slots < 2 * n)
		slots *= 2;
	if (slots > ix->slot_cap) {
		ix->slot_cap = slots;
		ix->slot = xreallocarray(ix->slot, slots, sizeof(*ix->slot));
	}
	ix->nslots = slots;
	memset(ix->slot, 0xff, slots * sizeof(*ix->slot));	/* FACT_NONE */
	ix->nfacts = n;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t h = fact_key_hash(facts->v[i].key), *sl;
		size_t k = h & (ix->nslots - 1);

		while (ix->slot[k] != FACT_NONE && ix->hash[ix->slot[k]] != h)
			k = (k + 1) & (ix->nslots - 1);
		sl = &ix->slot[k];
		ix->hash[i] = h;
		ix->next[i] = FACT_NONE;
		if (*sl == FACT_NONE) {
			*sl = ix->last[i] = i;
		} else {
			ix->next[ix->last[*sl]] = i;
			ix->last[*sl] = i;
		}
	}
}

void fact_index_free(struct fact_index *ix)
{
	free(ix->hash);
	free(ix->next);
	free(ix->last);
	free(ix->slot);
	memset(ix, 0, sizeof(*ix));
}

/* The first fact whose key has hash h, or FACT_NONE. */
static uint32_t fact_index_first(const struct fact_index *ix, uint32_t h)
{
	for (size_t k = h & (ix->nslots - 1); ix->slot[k] != FACT_NONE; k = (k + 1) & (ix->nslots - 1))
		if (ix->hash[ix->slot[k]] == h)
			return ix->slot[k];
	return FACT_NONE;
}

static bool digest_equal(const char *a, const char *b)
{
	for (;;) {
		while (*a == ':')
			a++;
		while (*b == ':')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
		a++;
		b++;
	}
}

static bool leaf_holds(const struct cond *c, const char *v)
{
	switch (c->op) {
	case OP_EQUALS:
		return strcmp(v, c->value) == 0;
	case OP_CONTAINS:
		return str_icontains(v, c->value);
	case OP_IEQUALS:
		/* the letters folded keep their UTF-8 length: contained and as long is equal */
		return strlen(v) == c->value_len && str_icontains(v, c->value);
	case OP_GLOB:
		return fnmatch(c->value, v, 0) == 0;
	case OP_DIGEST:
		return digest_equal(v, c->value);
	default:
		return false;
	}
}

/* file.bytes, file.text and host.path: facts that are looked up, not listed. */
static bool special_leaf(const struct cond *c, const struct subject *s, struct kvlist *ev)
{
	const uint8_t *p;
	size_t n;

	if (c->op == OP_EXISTS) {
		if (!s->path_exists || !s->path_exists(s->host_ctx, c->value))
			return false;
		if (!kv_has(ev, "host.path", c->value))
			kv_add(ev, "host.path", c->value);
		return true;
	}
	if (!s->content)
		return false;
	if (c->op == OP_HEX) {
		n = s->content(s->content_ctx, (size_t)(c->arg + c->nbytes), &p);
		if (n < c->arg + c->nbytes || memcmp(p + c->arg, c->bytes, c->nbytes))
			return false;
	} else {
		n = s->content(s->content_ctx, (size_t)c->arg, &p);
		if (!mem_icontains(p, n, c->value))
			return false;
	}
	{
		char *what = xasprintf("%s %s %llu: %s", c->field, c->op == OP_HEX ? "at" : "within",
				       (unsigned long long)c->arg, c->value);

		kv_add(ev, "matched", what);
		free(what);
	}
	return true;
}

static bool cond_match(const struct cond *c, const struct subject *s, struct kvlist *ev)
{
	const struct kvlist *facts = s->facts;
	size_t mark = ev->n;
	bool hit = false;

	if (!c->is_group) {
		if (c->looked_up)
			return special_leaf(c, s, ev);
		if (!facts)
			return false;
		/* the facts of the field, in their order: through the index, else all */
		for (size_t i = s->index ? fact_index_first(s->index, c->field_hash) : 0;
		     s->index ? i != FACT_NONE : i < facts->n;
		     i = s->index ? s->index->next[i] : i + 1) {
			if (strcmp(facts->v[i].key, c->field) == 0 && leaf_holds(c, facts->v[i].value)) {
				if (!kv_has(ev, c->field, facts->v[i].value))
					kv_add(ev, c->field, facts->v[i].value);
				hit = true;
			}
		}
		return hit;
	}
	for (size_t i = 0; i < c->nkids; i++) {
		bool m = cond_match(&c->kids[i], s, ev);

		hit = hit || m;
		/* all: stop at the first miss, so a file is read only if cheaper tests pass */
		if (!c->any && !m) {
			hit = false;
			break;
		}
	}
	if (!hit) {
		/* a failed group leaves no evidence behind */
		while (ev->n > mark) {
			ev->n--;
			free(ev->v[ev->n].key);
			free(ev->v[ev->n].value);
		}
	}
	return hit;
}

bool rule_match_subject(const struct rule *r, const struct subject *s, struct kvlist *evidence)
{
	return cond_match(&r->match, s, evidence);
}

bool rule_match(const struct rule *r, const struct kvlist *facts, struct kvlist *evidence)
{
	struct subject s = { .facts = facts };

	return cond_match(&r->match, &s, evidence);
}

size_t ruleset_content_needed(const struct ruleset *rs)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->n; i++)
		if (rs->v[i].content_needed > n)
			n = rs->v[i].content_needed;
	return n;
}

void ruleset_free(struct ruleset *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		rule_free(&rs->v[i]);
	free(rs->v);
	sl_free(&rs->sources);
	memset(rs, 0, sizeof(*rs));
}
