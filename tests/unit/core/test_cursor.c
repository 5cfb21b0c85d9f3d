// SPDX-License-Identifier: GPL-2.0-or-later
/* test_cursor.c - the bounds-checked reader: overflow, short reads, unchanged state on failure. */
#include "unit.h"

#include <string.h>

#include "core/cursor.h"

static const uint8_t buf8[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };

static void test_init_left(void **state)
{
	struct cursor c = cur_init(buf8, sizeof(buf8));

	UNIT_UNUSED(state);
	assert_ptr_equal(c.base, buf8);
	assert_int_equal(c.len, 8);
	assert_int_equal(c.pos, 0);
	assert_int_equal(cur_left(&c), 8);

	c = cur_init(buf8, 0);
	assert_int_equal(cur_left(&c), 0);
}

static void test_range_ok(void **state)
{
	UNIT_UNUSED(state);
	assert_true(range_ok(8, 0, 8));
	assert_true(range_ok(8, 8, 0));
	assert_true(range_ok(8, 7, 1));
	assert_true(range_ok(0, 0, 0));
	assert_false(range_ok(8, 7, 2));
	assert_false(range_ok(8, 9, 0));
	assert_false(range_ok(0, 0, 1));
	/* off + n wraps around 2^64: must not look like a small end */
	assert_false(range_ok(8, UINT64_MAX, 2));
	assert_false(range_ok(8, 2, UINT64_MAX));
	assert_false(range_ok(8, UINT64_MAX, UINT64_MAX));
	assert_false(range_ok(SIZE_MAX, UINT64_MAX, 1));
	assert_false(range_ok(SIZE_MAX, 1, UINT64_MAX));
	assert_true(range_ok(SIZE_MAX, SIZE_MAX, 0));
	/* values above SIZE_MAX would be truncated by a careless (size_t) cast */
	assert_false(range_ok(8, (uint64_t)1 << 63, (uint64_t)1 << 63));
}

static void test_sub(void **state)
{
	struct cursor c = cur_init(buf8, sizeof(buf8)), s = { 0 }, before;

	UNIT_UNUSED(state);
	assert_true(cur_sub(&c, 2, 4, &s));
	assert_ptr_equal(s.base, buf8 + 2);
	assert_int_equal(s.len, 4);
	assert_int_equal(s.pos, 0);

	assert_true(cur_sub(&c, 8, 0, &s));
	assert_int_equal(s.len, 0);

	s = cur_init(buf8, 3);
	before = s;
	assert_false(cur_sub(&c, 6, 3, &s));
	assert_false(cur_sub(&c, UINT64_MAX, 2, &s));
	assert_false(cur_sub(&c, 1, UINT64_MAX, &s));
	assert_false(cur_sub(&c, 9, 0, &s));
	/* a failed cur_sub leaves *out alone */
	assert_memory_equal(&s, &before, sizeof(s));

	/* the sub-cursor is bounded by its own length, not the parent's */
	assert_true(cur_sub(&c, 6, 2, &s));
	{
		uint32_t v = 0xdeadbeef;

		assert_false(cur_le32(&s, &v));
		assert_int_equal(v, 0xdeadbeef);
		assert_int_equal(s.pos, 0);
	}
}

static void test_seek(void **state)
{
	struct cursor c = cur_init(buf8, sizeof(buf8));

	UNIT_UNUSED(state);
	assert_true(cur_seek(&c, 3));
	assert_int_equal(c.pos, 3);
	assert_int_equal(cur_left(&c), 5);
	assert_true(cur_seek(&c, 8));	/* one past the end is a valid position */
	assert_int_equal(cur_left(&c), 0);
	assert_true(cur_seek(&c, 5));
	assert_false(cur_seek(&c, 9));
	assert_int_equal(c.pos, 5);
	assert_false(cur_seek(&c, UINT64_MAX));
	assert_int_equal(c.pos, 5);
	assert_false(cur_seek(&c, (uint64_t)1 << 63));
	assert_int_equal(c.pos, 5);
}

static void test_skip(void **state)
{
	struct cursor c = cur_init(buf8, sizeof(buf8));

	UNIT_UNUSED(state);
	assert_true(cur_skip(&c, 0));
	assert_int_equal(c.pos, 0);
	assert_true(cur_skip(&c, 6));
	assert_int_equal(c.pos, 6);
	assert_false(cur_skip(&c, 3));
	assert_int_equal(c.pos, 6);
	/* huge skips that would wrap pos must fail */
	assert_false(cur_skip(&c, UINT64_MAX));
	assert_false(cur_skip(&c, UINT64_MAX - 5));
	assert_false(cur_skip(&c, SIZE_MAX - 5));
	assert_int_equal(c.pos, 6);
	assert_true(cur_skip(&c, 2));
	assert_int_equal(cur_left(&c), 0);
	assert_false(cur_skip(&c, 1));
	assert_int_equal(c.pos, 8);
}

static void test_take(void **state)
{
	struct cursor c = cur_init(buf8, sizeof(buf8));
	const uint8_t *p = NULL, *sentinel = (const uint8_t *)"x";

	UNIT_UNUSED(state);
	assert_true(cur_take(&c, 3, &p));
	assert_ptr_equal(p, buf8);
	assert_int_equal(c.pos, 3);
	assert_true(cur_take(&c, 0, &p));
	assert_ptr_equal(p, buf8 + 3);

	p = sentinel;
	assert_false(cur_take(&c, 6, &p));
	assert_false(cur_take(&c, UINT64_MAX, &p));
	assert_false(cur_take(&c, SIZE_MAX, &p));
	assert_ptr_equal(p, sentinel);
	assert_int_equal(c.pos, 3);
	assert_true(cur_take(&c, 5, &p));
	assert_ptr_equal(p, buf8 + 3);
	assert_int_equal(cur_left(&c), 0);
}

static void test_copy(void **state)
{
	struct cursor c = cur_init(buf8, sizeof(buf8));
	uint8_t dst[16];

	UNIT_UNUSED(state);
	memset(dst, 0xaa, sizeof(dst));
	assert_true(cur_skip(&c, 5));
	assert_false(cur_copy(&c, dst, 4));
	for (size_t i = 0; i < sizeof(dst); i++)
		assert_int_equal(dst[i], 0xaa);
	assert_int_equal(c.pos, 5);
	assert_true(cur_copy(&c, dst, 3));
	assert_memory_equal(dst, buf8 + 5, 3);
	assert_int_equal(dst[3], 0xaa);
}

static void test_integers(void **state)
{
	static const uint8_t b[] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0xff };
	struct cursor c = cur_init(b, sizeof(b));
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	UNIT_UNUSED(state);
	assert_true(cur_u8(&c, &u8));
	assert_int_equal(u8, 0x11);
	assert_true(cur_le16(&c, &u16));
	assert_int_equal(u16, 0x3322);
	assert_true(cur_seek(&c, 0));
	assert_true(cur_le32(&c, &u32));
	assert_int_equal(u32, 0x44332211);
	assert_true(cur_seek(&c, 0));
	assert_true(cur_be32(&c, &u32));
	assert_int_equal(u32, 0x11223344);
	assert_true(cur_seek(&c, 0));
	assert_true(cur_le64(&c, &u64));
	assert_true(u64 == 0x8877665544332211ull);
	assert_int_equal(c.pos, 8);

	/* high bits are not sign-extended */
	{
		static const uint8_t hi[] = { 0xff, 0xff, 0xff, 0xff };
		struct cursor h = cur_init(hi, sizeof(hi));

		assert_true(cur_le32(&h, &u32));
		assert_true(u32 == 0xffffffffu);
		assert_true(cur_seek(&h, 0));
		assert_true(cur_be32(&h, &u32));
		assert_true(u32 == 0xffffffffu);
		assert_true(cur_seek(&h, 2));
		assert_true(cur_le16(&h, &u16));
		assert_int_equal(u16, 0xffff);
	}
}

/* A read that does not fit fails and leaves both the cursor and the output alone. */
static void test_short_reads_unchanged(void **state)
{
	struct cursor c = cur_init(buf8, sizeof(buf8));
	uint8_t u8 = 0x5a;
	uint16_t u16 = 0x5a5a;
	uint32_t u32 = 0x5a5a5a5a;
	uint64_t u64 = 0x5a5a5a5a5a5a5a5aull;

	UNIT_UNUSED(state);
	/* 7 bytes left: le64 reads the first half, then must roll back */
	assert_true(cur_seek(&c, 1));
	assert_false(cur_le64(&c, &u64));
	assert_int_equal(c.pos, 1);
	assert_true(u64 == 0x5a5a5a5a5a5a5a5aull);

	assert_true(cur_seek(&c, 5));
	assert_false(cur_le32(&c, &u32));
	assert_false(cur_be32(&c, &u32));
	assert_int_equal(u32, 0x5a5a5a5a);
	assert_int_equal(c.pos, 5);

	assert_true(cur_seek(&c, 7));
	assert_false(cur_le16(&c, &u16));
	assert_int_equal(u16, 0x5a5a);
	assert_int_equal(c.pos, 7);

	assert_true(cur_seek(&c, 8));
	assert_false(cur_u8(&c, &u8));
	assert_int_equal(u8, 0x5a);
	assert_int_equal(c.pos, 8);

	/* an empty cursor (NULL base) refuses everything */
	c = cur_init(NULL, 0);
	assert_false(cur_u8(&c, &u8));
	assert_false(cur_le64(&c, &u64));
	assert_false(cur_skip(&c, 1));
	assert_true(cur_skip(&c, 0));
	assert_int_equal(c.pos, 0);
}

static void test_find(void **state)
{
	static const char hay[] = "abcXYZdefXYZ";
	struct cursor c = cur_init(hay, sizeof(hay) - 1);
	size_t off = 12345;

	UNIT_UNUSED(state);
	assert_true(cur_find(&c, "XYZ", 3, &off));
	assert_int_equal(off, 3);
	/* search starts at pos, and the offset is absolute */
	assert_true(cur_seek(&c, 4));
	assert_true(cur_find(&c, "XYZ", 3, &off));
	assert_int_equal(off, 9);
	assert_int_equal(c.pos, 4);	/* find does not move the cursor */
	/* a needle that would fit only by reading past the end */
	assert_true(cur_seek(&c, 10));
	off = 12345;
	assert_false(cur_find(&c, "XYZ", 3, &off));
	assert_int_equal(off, 12345);
	assert_true(cur_seek(&c, 0));
	assert_false(cur_find(&c, "nope", 4, &off));
	assert_false(cur_find(&c, "", 0, &off));
	assert_false(cur_find(&c, "abcXYZdefXYZ+", 13, &off));
	assert_true(cur_find(&c, "abcXYZdefXYZ", 12, &off));
	assert_int_equal(off, 0);
	/* a needle with a NUL in it */
	{
		static const uint8_t bin[] = { 1, 0, 2, 0, 3 };
		struct cursor b = cur_init(bin, sizeof(bin));
		static const uint8_t nd[] = { 0, 3 };

		assert_true(cur_find(&b, nd, 2, &off));
		assert_int_equal(off, 3);
	}
}

/* Walk a buffer with random reads of random sizes: the cursor never leaves [0, len]. */
static void test_random_walk(void **state)
{
	uint8_t buf[64];
	uint64_t seed = 42;

	UNIT_UNUSED(state);
	unit_fill_random(buf, sizeof(buf), 7);
	for (size_t len = 0; len <= sizeof(buf); len++) {
		struct cursor c = cur_init(buf, len);

		for (int i = 0; i < 200; i++) {
			uint64_t r = unit_rand(&seed);
			size_t before = c.pos;
			const uint8_t *p;
			uint64_t v64;
			uint32_t v32;
			bool ok;

			switch (r % 6) {
			case 0:
				ok = cur_skip(&c, (r >> 8) % 80);
				break;
			case 1:
				ok = cur_take(&c, (r >> 8) % 80, &p);
				if (ok)
					assert_true(p >= buf && p + ((r >> 8) % 80) <= buf + len);
				break;
			case 2:
				ok = cur_le64(&c, &v64);
				break;
			case 3:
				ok = cur_be32(&c, &v32);
				break;
			case 4:
				ok = cur_seek(&c, (r >> 8) % 80);
				break;
			default:
				ok = cur_skip(&c, UINT64_MAX - (r >> 60));
				assert_false(ok);
				break;
			}
			assert_true(c.pos <= c.len);
			if (!ok)
				assert_int_equal(c.pos, before);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_left),
		cmocka_unit_test(test_range_ok),
		cmocka_unit_test(test_sub),
		cmocka_unit_test(test_seek),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_short_reads_unchanged),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_random_walk),
	};

	return cmocka_run_group_tests_name("cursor", tests, NULL, NULL);
}
