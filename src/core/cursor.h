/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cursor.h - the one bounds-checked, overflow-safe reader that every parser of
 * untrusted bytes goes through. A cursor never reads outside [base, base+len);
 * a failed read leaves it unchanged and returns false.
 */
#ifndef KD_CURSOR_H
#define KD_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t *base;
	size_t len;
	size_t pos;
};

static inline struct cursor cur_init(const void *p, size_t len)
{
	struct cursor c = { .base = p, .len = len, .pos = 0 };

	return c;
}

static inline size_t cur_left(const struct cursor *c)
{
	return c->len - c->pos;
}

/* True when [off, off+n) lies inside a buffer of size len, without overflow. */
static inline bool range_ok(size_t len, uint64_t off, uint64_t n)
{
	uint64_t end;

	if (__builtin_add_overflow(off, n, &end))
		return false;
	return end <= len;
}

/* A sub-cursor over [off, off+n) of c's buffer. */
static inline bool cur_sub(const struct cursor *c, uint64_t off, uint64_t n, struct cursor *out)
{
	if (!range_ok(c->len, off, n))
		return false;
	*out = cur_init(c->base + off, (size_t)n);
	return true;
}

static inline bool cur_seek(struct cursor *c, uint64_t off)
{
	if (off > c->len)
		return false;
	c->pos = (size_t)off;
	return true;
}

static inline bool cur_skip(struct cursor *c, uint64_t n)
{
	if (n > cur_left(c))
		return false;
	c->pos += (size_t)n;
	return true;
}

/* Point *p at the next n bytes and advance. */
static inline bool cur_take(struct cursor *c, uint64_t n, const uint8_t **p)
{
	if (n > cur_left(c))
		return false;
	*p = c->base + c->pos;
	c->pos += (size_t)n;
	return true;
}

static inline bool cur_copy(struct cursor *c, void *dst, size_t n)
{
	const uint8_t *p;

	if (!cur_take(c, n, &p))
		return false;
	memcpy(dst, p, n);
	return true;
}

static inline bool cur_u8(struct cursor *c, uint8_t *v)
{
	return cur_copy(c, v, 1);
}

static inline bool cur_le16(struct cursor *c, uint16_t *v)
{
	uint8_t b[2];

	if (!cur_copy(c, b, 2))
		return false;
	*v = (uint16_t)(b[0] | b[1] << 8);
	return true;
}

static inline bool cur_le32(struct cursor *c, uint32_t *v)
{
	uint8_t b[4];

	if (!cur_copy(c, b, 4))
		return false;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return true;
}

static inline bool cur_be32(struct cursor *c, uint32_t *v)
{
	uint8_t b[4];

	if (!cur_copy(c, b, 4))
		return false;
	*v = (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24;
	return true;
}

static inline bool cur_le64(struct cursor *c, uint64_t *v)
{
	uint32_t lo, hi;
	size_t save = c->pos;

	if (!cur_le32(c, &lo) || !cur_le32(c, &hi)) {
		c->pos = save;
		return false;
	}
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

/* Find needle at or after the cursor; on success *off is its absolute offset. */
static inline bool cur_find(const struct cursor *c, const void *needle, size_t n, size_t *off)
{
	const uint8_t *p;

	if (!n || n > cur_left(c))
		return false;
	p = memmem(c->base + c->pos, cur_left(c), needle, n);
	if (!p)
		return false;
	*off = (size_t)(p - c->base);
	return true;
}

#endif
