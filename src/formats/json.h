/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.h - a small bounded JSON reader over the cursor, for container storage
 * metadata. Nothing is built: values are sub-cursors, walked on demand. Nesting
 * is capped (JSON_DEPTH_MAX) and never handled by recursion.
 */
#ifndef KD_JSON_H
#define KD_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cursor.h"

#define JSON_DEPTH_MAX 128

enum json_type {
	JSON_BAD,
	JSON_OBJECT,
	JSON_ARRAY,
	JSON_STRING,
	JSON_NUMBER,
	JSON_LITERAL,		/* true, false, null */
};

/* Members of an object or elements of an array (json_enter, then json_next). */
struct json_iter {
	struct cursor c;
	bool object;
	bool first;
	bool bad;		/* set when a member could not be read */
};

/* The type of the value v starts with (after white space). */
enum json_type json_type(struct cursor v);
/*
 * Is buf one well-formed JSON value (and white space)? On false, *why says
 * what is wrong (a static string).
 */
bool json_valid(const uint8_t *buf, size_t len, const char **why);
/* Start iterating the object or array v; false when v is neither. */
bool json_enter(struct cursor v, struct json_iter *it);
/*
 * The next member: key (an object's, a string value; empty for arrays) and
 * val, each a cursor over exactly that value. False at the end or on an error
 * (then it->bad).
 */
bool json_next(struct json_iter *it, struct cursor *key, struct cursor *val);
/* The value of the member key of object obj. */
bool json_get(struct cursor obj, const char *key, struct cursor *val);
/*
 * A string value decoded to UTF-8 (escapes, \u with surrogate pairs), at most
 * cap bytes; NULL when v is no string, is longer, or holds a NUL.
 */
char *json_string(struct cursor v, size_t cap);
/* Is string value v equal to s (decoded)? */
bool json_string_is(struct cursor v, const char *s);

#endif
