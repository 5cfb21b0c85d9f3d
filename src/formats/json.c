// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * json.c - a small bounded JSON reader (RFC 8259) over the cursor. Values are
 * skipped with an explicit stack of at most JSON_DEPTH_MAX open brackets, so
 * a hostile document nested 10^5 deep is refused, not a stack overflow.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/json.h"
#include "core/util.h"

static void skip_ws(struct cursor *c)
{
	while (c->pos < c->len) {
		uint8_t b = c->base[c->pos];

		if (b != ' ' && b != '\t' && b != '\n' && b != '\r')
			return;
		c->pos++;
	}
}

static int peek(const struct cursor *c)
{
	return c->pos < c->len ? c->base[c->pos] : -1;
}

static int hexval(int b)
{
	if (b >= '0' && b <= '9')
		return b - '0';
	if (b >= 'a' && b <= 'f')
		return b - 'a' + 10;
	if (b >= 'A' && b <= 'F')
		return b - 'A' + 10;
	return -1;
}

static bool read_hex4(struct cursor *c, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(peek(c));

		if (h < 0)
			return false;
		*v = *v << 4 | (unsigned)h;
		c->pos++;
	}
	return true;
}

/*
 * Read a string at c (on its opening quote), decoding into out when out is
 * not NULL (at most cap bytes; *n the length). False when malformed or longer.
 */
static bool read_string(struct cursor *c, char *out, size_t cap, size_t *n)
{
	size_t len = 0;

	if (peek(c) != '"')
		return false;
	c->pos++;
	for (;;) {
		int b = peek(c);
		uint8_t enc[4];
		size_t k = 0;
		unsigned cp;

		if (b < 0 || b < 0x20)
			return false;
		c->pos++;
		if (b == '"')
			break;
		if (b != '\\') {
			enc[k++] = (uint8_t)b;
		} else {
			b = peek(c);
			c->pos++;
			switch (b) {
			case '"': case '\\': case '/':
				enc[k++] = (uint8_t)b;
				break;
			case 'b': enc[k++] = '\b'; break;
			case 'f': enc[k++] = '\f'; break;
			case 'n': enc[k++] = '\n'; break;
			case 'r': enc[k++] = '\r'; break;
			case 't': enc[k++] = '\t'; break;
			case 'u':
				if (!read_hex4(c, &cp))
					return false;
				if (cp >= 0xd800 && cp < 0xdc00) {
					unsigned lo;

					/* a high surrogate must be followed by a low one */
					if (peek(c) != '\\')
						return false;
					c->pos++;
					if (peek(c) != 'u')
						return false;
					c->pos++;
					if (!read_hex4(c, &lo) || lo < 0xdc00 || lo > 0xdfff)
						return false;
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				} else if (cp >= 0xdc00 && cp < 0xe000) {
					return false;
				}
				if (cp < 0x80) {
					enc[k++] = (uint8_t)cp;
				} else if (cp < 0x800) {
					enc[k++] = (uint8_t)(0xc0 | cp >> 6);
					enc[k++] = (uint8_t)(0x80 | (cp & 0x3f));
				} else if (cp < 0x10000) {
					enc[k++] = (uint8_t)(0xe0 | cp >> 12);
					enc[k++] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
					enc[k++] = (uint8_t)(0x80 | (cp & 0x3f));
				} else {
					enc[k++] = (uint8_t)(0xf0 | cp >> 18);
					enc[k++] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
					enc[k++] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
					enc[k++] = (uint8_t)(0x80 | (cp & 0x3f));
				}
				break;
			default:
				return false;
			}
		}
		if (out) {
			if (k > cap - len)
				return false;
			memcpy(out + len, enc, k);
		}
		len += k;
	}
	if (n)
		*n = len;
	return true;
}

static bool read_number(struct cursor *c)
{
	size_t start = c->pos, digits;

	if (peek(c) == '-')
		c->pos++;
	digits = c->pos;
	if (peek(c) == '0') {
		c->pos++;
	} else {
		while (peek(c) >= '0' && peek(c) <= '9')
			c->pos++;
	}
	if (c->pos == digits)
		goto bad;
	if (peek(c) == '.') {
		c->pos++;
		digits = c->pos;
		while (peek(c) >= '0' && peek(c) <= '9')
			c->pos++;
		if (c->pos == digits)
			goto bad;
	}
	if (peek(c) == 'e' || peek(c) == 'E') {
		c->pos++;
		if (peek(c) == '+' || peek(c) == '-')
			c->pos++;
		digits = c->pos;
		while (peek(c) >= '0' && peek(c) <= '9')
			c->pos++;
		if (c->pos == digits)
			goto bad;
	}
	return true;
bad:
	c->pos = start;
	return false;
}

static bool read_literal(struct cursor *c)
{
	static const char *const lits[] = { "true", "false", "null" };

	for (size_t i = 0; i < ARRAY_SIZE(lits); i++) {
		size_t n = strlen(lits[i]);

		if (cur_left(c) >= n && !memcmp(c->base + c->pos, lits[i], n)) {
			c->pos += n;
			return true;
		}
	}
	return false;
}

/* An object member's key and the colon after it; *end (if wanted): where the key ends. */
static bool member_key(struct cursor *c, size_t *end)
{
	if (!read_string(c, NULL, 0, NULL))
		return false;
	if (end)
		*end = c->pos;
	skip_ws(c);
	if (peek(c) != ':')
		return false;
	c->pos++;
	skip_ws(c);
	return true;
}

/*
 * Skip one value at c (after white space). Brackets are kept on an explicit
 * stack; *why says what failed.
 */
static bool skip_value(struct cursor *c, const char **why)
{
	char stack[JSON_DEPTH_MAX];
	size_t depth = 0, start = c->pos;
	/* expecting: a value, or (inside an object) a key */
	bool want_key = false;

	*why = "malformed";
	for (;;) {
		int b;

		skip_ws(c);
		b = peek(c);
		if (want_key) {
			if (!member_key(c, NULL))
				goto bad;
			b = peek(c);
			want_key = false;
		}
		if (b == '{' || b == '[') {
			if (depth == JSON_DEPTH_MAX) {
				*why = "nested deeper than the cap";
				goto bad;
			}
			stack[depth++] = (char)b;
			c->pos++;
			skip_ws(c);
			if (peek(c) == (b == '{' ? '}' : ']')) {
				c->pos++;
				depth--;
			} else {
				want_key = b == '{';
				continue;
			}
		} else if (b == '"') {
			if (!read_string(c, NULL, 0, NULL))
				goto bad;
		} else if (b == '-' || (b >= '0' && b <= '9')) {
			if (!read_number(c))
				goto bad;
		} else if (!read_literal(c)) {
			goto bad;
		}
		/* a value ended: close brackets or go on to the next member */
		for (;;) {
			if (!depth)
				return true;
			skip_ws(c);
			b = peek(c);
			if (b == ',') {
				c->pos++;
				want_key = stack[depth - 1] == '{';
				break;
			}
			if (b != (stack[depth - 1] == '{' ? '}' : ']'))
				goto bad;
			c->pos++;
			depth--;
		}
	}
bad:
	c->pos = start;
	return false;
}

enum json_type json_type(struct cursor v)
{
	int b;

	skip_ws(&v);
	b = peek(&v);
	if (b == '{')
		return JSON_OBJECT;
	if (b == '[')
		return JSON_ARRAY;
	if (b == '"')
		return JSON_STRING;
	if (b == '-' || (b >= '0' && b <= '9'))
		return JSON_NUMBER;
	if (b == 't' || b == 'f' || b == 'n')
		return JSON_LITERAL;
	return JSON_BAD;
}

bool json_valid(const uint8_t *buf, size_t len, const char **why)
{
	struct cursor c = cur_init(buf, len);
	const char *w;

	skip_ws(&c);
	if (!skip_value(&c, &w)) {
		*why = w;
		return false;
	}
	skip_ws(&c);
	if (cur_left(&c)) {
		*why = "data after the value";
		return false;
	}
	return true;
}

bool json_enter(struct cursor v, struct json_iter *it)
{
	enum json_type t = json_type(v);

	memset(it, 0, sizeof(*it));
	if (t != JSON_OBJECT && t != JSON_ARRAY)
		return false;
	skip_ws(&v);
	v.pos++;
	it->c = v;
	it->object = t == JSON_OBJECT;
	it->first = true;
	return true;
}

bool json_next(struct json_iter *it, struct cursor *key, struct cursor *val)
{
	struct cursor *c = &it->c;
	const char *why;
	size_t start;

	if (it->bad)
		return false;
	skip_ws(c);
	if (peek(c) == (it->object ? '}' : ']'))
		return false;
	if (!it->first) {
		if (peek(c) != ',')
			goto bad;
		c->pos++;
		skip_ws(c);
	}
	it->first = false;
	*key = cur_init(c->base + c->pos, 0);
	if (it->object) {
		size_t end;

		start = c->pos;
		if (!member_key(c, &end))
			goto bad;
		*key = cur_init(c->base + start, end - start);
	}
	start = c->pos;
	if (!skip_value(c, &why))
		goto bad;
	*val = cur_init(c->base + start, c->pos - start);
	return true;
bad:
	it->bad = true;
	return false;
}

bool json_get(struct cursor obj, const char *key, struct cursor *val)
{
	struct json_iter it;
	struct cursor k, v;

	if (json_type(obj) != JSON_OBJECT || !json_enter(obj, &it))
		return false;
	while (json_next(&it, &k, &v)) {
		if (json_string_is(k, key)) {
			*val = v;
			return true;
		}
	}
	return false;
}

char *json_string(struct cursor v, size_t cap)
{
	struct cursor c = v;
	char *out;
	size_t n;

	skip_ws(&c);
	if (peek(&c) != '"')
		return NULL;
	out = xmalloc(cap + 1);
	if (!read_string(&c, out, cap, &n) || memchr(out, 0, n)) {
		free(out);
		return NULL;
	}
	out[n] = 0;
	return out;
}

bool json_string_is(struct cursor v, const char *s)
{
	size_t n = strlen(s);
	char *got = json_string(v, n);
	bool same = got && !strcmp(got, s);

	free(got);
	return same;
}
