// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_cpio.c - the newc cpio push parser: archives built here byte by byte
 * (070701 and 070702), fed whole and a byte at a time, and hostile ones:
 * truncated, bad magic, bad checksum, broken padding, huge names and members,
 * names that climb out or hide a NUL, junk after the trailer.
 */
#include "unit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/cpio.h"

struct arc {
	uint8_t *p;
	size_t n;
};

static void put(struct arc *a, const void *p, size_t n)
{
	a->p = realloc(a->p, a->n + n + 1);
	assert_non_null(a->p);
	memcpy(a->p + a->n, p, n);
	a->n += n;
}

static void pad(struct arc *a)
{
	static const uint8_t z[4];

	put(a, z, (4 - (a->n & 3)) & 3);
}

/* One member: name of namesize bytes as given (with its NUL, or not), data. */
static void member_raw(struct arc *a, const char *magic, const char *name, size_t namesize,
		       uint32_t mode, const void *data, uint32_t size, uint32_t declared)
{
	char h[256];
	uint32_t sum = 0;

	for (uint32_t i = 0; data && i < size; i++)
		sum += ((const uint8_t *)data)[i];
	snprintf(h, sizeof(h), "%s%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08zx%08x", magic, 1u,
		 mode, 0u, 0u, 1u, 0u, declared, 0u, 0u, 0u, 0u, namesize,
		 strcmp(magic, "070702") ? 0u : sum);
	put(a, h, CPIO_HEADER_LEN);
	put(a, name, namesize);
	pad(a);
	if (size)
		put(a, data, size);
	pad(a);
}

static void member(struct arc *a, const char *name, uint32_t mode, const char *data)
{
	member_raw(a, "070701", name, strlen(name) + 1, mode, data, (uint32_t)strlen(data),
		   (uint32_t)strlen(data));
}

static void trailer(struct arc *a)
{
	member(a, "TRAILER!!!", 0, "");
}

struct seen {
	char names[16][64];
	char data[16][64];
	bool nul[16];
	uint32_t mode[16];
	int n;
	int dropped;
};

static bool want_all(void *ctx, const struct cpio_entry *e)
{
	struct seen *s = ctx;

	if (s->n < 16) {
		snprintf(s->names[s->n], 64, "%s", e->name);
		s->nul[s->n] = e->nul_inside;
		s->mode[s->n] = e->h.mode;
	}
	return true;
}

static int got(void *ctx, const struct cpio_entry *e, const uint8_t *d, size_t n)
{
	struct seen *s = ctx;

	(void)e;
	if (!d) {
		s->dropped++;
	} else if (s->n < 16) {
		snprintf(s->data[s->n], 64, "%.*s", (int)n, (const char *)d);
	}
	s->n++;
	return 0;
}

/* Parse a whole, then one byte at a time; both must agree. Returns feed's result. */
static int parse(const struct arc *a, struct seen *s, struct cpio_stream *st, size_t cap)
{
	struct seen s2 = { 0 };
	struct cpio_stream st2;
	int r, r2 = 0;

	memset(s, 0, sizeof(*s));
	cpio_init(st, want_all, got, s, cap);
	r = cpio_feed(st, a->p, a->n);
	if (!r)
		r = cpio_finish(st);
	cpio_init(&st2, want_all, got, &s2, cap);
	for (size_t i = 0; i < a->n && !r2; i++)
		r2 = cpio_feed(&st2, a->p + i, 1);
	if (!r2)
		r2 = cpio_finish(&st2);
	assert_int_equal(r, r2);
	assert_int_equal(s->n, s2.n);
	assert_int_equal(st->pos, st2.pos);
	for (int i = 0; i < s->n && i < 16; i++) {
		assert_string_equal(s->names[i], s2.names[i]);
		assert_string_equal(s->data[i], s2.data[i]);
	}
	cpio_free(st);
	cpio_free(&st2);
	return r;
}

static void test_simple(void **state)
{
	struct arc a = { 0 };
	struct seen s;
	struct cpio_stream st;

	(void)state;
	member(&a, "usr", CPIO_S_IFDIR | 0755, "");
	member(&a, "usr/lib/modules/6.1/kernel/x.ko", CPIO_S_IFREG | 0644, "ELFDATA");
	member(&a, "odd-length-name", CPIO_S_IFREG | 0644, "abc");
	trailer(&a);
	assert_int_equal(parse(&a, &s, &st, 1024), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(st.members, 3);
	assert_int_equal(st.archives, 1);
	assert_string_equal(s.names[1], "usr/lib/modules/6.1/kernel/x.ko");
	assert_string_equal(s.data[1], "ELFDATA");
	assert_string_equal(s.data[2], "abc");
	assert_int_equal(s.mode[0] & CPIO_S_IFMT, CPIO_S_IFDIR);
	free(a.p);
}

static void test_crc_format(void **state)
{
	struct arc a = { 0 };
	struct seen s;
	struct cpio_stream st;

	(void)state;
	member_raw(&a, "070702", "f", 2, CPIO_S_IFREG, "hello", 5, 5);
	trailer(&a);
	assert_int_equal(parse(&a, &s, &st, 1024), 0);
	assert_string_equal(s.data[0], "hello");
	/* a byte of the data changed: the checksum no longer matches */
	a.p[CPIO_HEADER_LEN + 4] ^= 1;
	assert_int_equal(parse(&a, &s, &st, 1024), -EINVAL);
	assert_non_null(strstr(st.error, "checksum"));
	free(a.p);
}

/* Early microcode archive, zero padding, a second archive: both read. */
static void test_concatenated(void **state)
{
	struct arc a = { 0 };
	static const uint8_t zeros[512];
	struct seen s;
	struct cpio_stream st;

	(void)state;
	member(&a, "kernel/x86/microcode/GenuineIntel.bin", CPIO_S_IFREG, "ucode");
	trailer(&a);
	put(&a, zeros, sizeof(zeros));
	member(&a, "lib/modules/6.1/a.ko", CPIO_S_IFREG, "A");
	trailer(&a);
	assert_int_equal(parse(&a, &s, &st, 1024), 0);
	assert_int_equal(st.archives, 2);
	assert_int_equal(s.n, 2);
	free(a.p);
}

/* After the trailer, bytes that start no header: the parser stops there and says where. */
static void test_stops_at_other_data(void **state)
{
	struct arc a = { 0 };
	static const uint8_t zst[] = { 0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3 };
	struct cpio_stream st;
	struct seen s = { 0 };
	size_t end;

	(void)state;
	member(&a, "early_cpio", CPIO_S_IFREG, "1");
	trailer(&a);
	put(&a, "\0\0\0\0", 4);
	end = a.n;
	put(&a, zst, sizeof(zst));
	cpio_init(&st, want_all, got, &s, 1024);
	assert_int_equal(cpio_feed(&st, a.p, a.n), 1);
	assert_int_equal(st.pos, end);
	assert_int_equal(st.state, CPIO_OTHER);
	assert_int_equal(cpio_finish(&st), 0);
	cpio_free(&st);
	free(a.p);
}

static void test_truncated(void **state)
{
	struct arc a = { 0 };
	struct seen s;
	struct cpio_stream st;

	(void)state;
	member(&a, "lib/modules/6.1/a.ko", CPIO_S_IFREG, "0123456789");
	trailer(&a);
	for (size_t cut = 1; cut < a.n - CPIO_HEADER_LEN - 12; cut++) {
		struct arc b = { .p = malloc(cut), .n = cut };

		memcpy(b.p, a.p, cut);
		assert_int_equal(parse(&b, &s, &st, 1024), -EINVAL);
		assert_non_null(st.error);
		free(b.p);
	}
	free(a.p);
}

static void test_bad_headers(void **state)
{
	struct arc a = { 0 };
	struct seen s;
	struct cpio_stream st;
	struct cpio_header h;

	(void)state;
	assert_non_null(cpio_parse_header((const uint8_t *)"070701", 6, &h));
	member(&a, "x", CPIO_S_IFREG, "1");
	trailer(&a);
	a.p[5] = '7';			/* 070707: odc */
	assert_int_equal(parse(&a, &s, &st, 1024), -EINVAL);
	assert_non_null(strstr(st.error, "odc"));
	a.p[5] = '1';
	a.p[10] = 'g';			/* not hex */
	assert_int_equal(parse(&a, &s, &st, 1024), -EINVAL);
	assert_string_equal(st.error, "header field is not hex");
	free(a.p);
	/* a name size beyond PATH_MAX is refused before anything is allocated */
	a = (struct arc){ 0 };
	member_raw(&a, "070701", "x", 2, CPIO_S_IFREG, NULL, 0, 0);
	memcpy(a.p + 94, "7fffffff", 8);
	assert_int_equal(parse(&a, &s, &st, 1024), -EINVAL);
	assert_non_null(strstr(st.error, "longer than 4096"));
	memcpy(a.p + 94, "00000000", 8);
	assert_int_equal(parse(&a, &s, &st, 1024), -EINVAL);
	free(a.p);
}

/* A member over the cap is handed without data; the archive goes on. */
static void test_member_cap(void **state)
{
	struct arc a = { 0 };
	struct seen s;
	struct cpio_stream st;

	(void)state;
	member(&a, "big.ko", CPIO_S_IFREG, "0123456789abcdef");
	member(&a, "small.ko", CPIO_S_IFREG, "0123");
	trailer(&a);
	assert_int_equal(parse(&a, &s, &st, 8), 0);
	assert_int_equal(s.dropped, 1);
	assert_string_equal(s.data[1], "0123");
	free(a.p);
	/* a declared size far beyond the data: truncated, nothing that large allocated */
	a = (struct arc){ 0 };
	member_raw(&a, "070701", "huge.ko", 8, CPIO_S_IFREG, "abc", 3, 0xffffffffu);
	assert_int_equal(parse(&a, &s, &st, 64u << 20), -EINVAL);
	assert_int_equal(s.dropped, 1);
	free(a.p);
}

static void test_hostile_names(void **state)
{
	struct arc a = { 0 };
	struct seen s;
	struct cpio_stream st;
	char *n;

	(void)state;
	member(&a, "../../etc/evil.ko", CPIO_S_IFREG, "1");
	member(&a, "/abs/x.ko", CPIO_S_IFREG, "2");
	member_raw(&a, "070701", "a.ko\0.txt", 10, CPIO_S_IFREG, "3", 1, 1);
	member_raw(&a, "070701", "nonul", 5, CPIO_S_IFREG, "4", 1, 1);
	member(&a, "dev.ko", 0020644, "");
	trailer(&a);
	assert_int_equal(parse(&a, &s, &st, 1024), 0);
	assert_int_equal(s.n, 5);
	assert_false(s.nul[0]);
	assert_string_equal(s.names[2], "a.ko");
	assert_true(s.nul[2]);
	assert_string_equal(s.names[3], "nonu");
	assert_true(s.nul[3]);
	assert_int_equal(s.mode[4] & CPIO_S_IFMT, 0020000);
	free(a.p);
	n = cpio_normalise_name("../../etc/evil.ko");
	assert_string_equal(n, "etc/evil.ko");
	free(n);
	n = cpio_normalise_name("/usr/./lib//modules/../modules/x.ko");
	assert_string_equal(n, "usr/lib/modules/x.ko");
	free(n);
	n = cpio_normalise_name("a/../../..");
	assert_string_equal(n, "");
	free(n);
	n = cpio_normalise_name("...ko/..ko");
	assert_string_equal(n, "...ko/..ko");
	free(n);
}

static void test_junk_and_padding(void **state)
{
	struct arc a = { 0 };
	struct seen s;
	struct cpio_stream st;

	(void)state;
	member(&a, "x", CPIO_S_IFREG, "1");
	trailer(&a);
	put(&a, "JUNK", 4);
	assert_int_equal(parse(&a, &s, &st, 1024), 1);
	assert_int_equal(st.state, CPIO_OTHER);
	free(a.p);
	/* a second archive that starts misaligned */
	a = (struct arc){ 0 };
	member(&a, "x", CPIO_S_IFREG, "1");
	trailer(&a);
	put(&a, "\0", 1);
	member(&a, "y", CPIO_S_IFREG, "2");
	assert_int_equal(parse(&a, &s, &st, 1024), -EINVAL);
	assert_non_null(strstr(st.error, "aligned"));
	free(a.p);
	/* empty input, and zeros only, hold no archive */
	a = (struct arc){ .p = calloc(1, 64), .n = 64 };
	assert_int_equal(parse(&a, &s, &st, 1024), -EINVAL);
	assert_string_equal(st.error, "no cpio archive");
	free(a.p);
}

/* Random bytes after a valid header never crash it or read out of bounds. */
static void test_random(void **state)
{
	uint8_t buf[4096];
	struct seen s;
	struct cpio_stream st;

	(void)state;
	for (uint64_t seed = 1; seed < 200; seed++) {
		struct arc a = { 0 };

		member(&a, "x.ko", CPIO_S_IFREG, "1234");
		unit_fill_random(buf, sizeof(buf), seed);
		put(&a, buf, sizeof(buf));
		(void)parse(&a, &s, &st, 1024);
		free(a.p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_crc_format),
		cmocka_unit_test(test_concatenated),
		cmocka_unit_test(test_stops_at_other_data),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_member_cap),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_junk_and_padding),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests_name("cpio", tests, NULL, NULL);
}
