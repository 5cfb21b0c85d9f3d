// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_rpmhdr.c - RPM header blobs: a well-formed one as rpm lays it out
 * (immutable region first, its trailer, tags in order), then hostile ones:
 * bad offsets, counts overflowing the store, huge il/dl, strings without a
 * NUL, overlapping entries, a file list that points outside itself.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/rpmhdr.h"
#include "core/util.h"

enum { T_NULL, T_CHAR, T_INT8, T_INT16, T_INT32, T_INT64, T_STRING, T_BIN, T_STRING_ARRAY,
       T_I18NSTRING };

#define MAXE 32
#define MAXD 4096

/* A header under construction: index entries and the data store. */
struct hb {
	uint32_t e[MAXE][4];
	size_t n;
	uint8_t d[MAXD];
	size_t dl;
};

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static size_t hb_data(struct hb *h, const void *p, size_t n, size_t align)
{
	size_t off;

	while (h->dl % align)
		h->d[h->dl++] = 0;
	off = h->dl;
	memcpy(h->d + h->dl, p, n);
	h->dl += n;
	return off;
}

static void hb_entry(struct hb *h, uint32_t tag, uint32_t type, uint32_t off, uint32_t count)
{
	h->e[h->n][0] = tag;
	h->e[h->n][1] = type;
	h->e[h->n][2] = off;
	h->e[h->n][3] = count;
	h->n++;
}

static void hb_string(struct hb *h, uint32_t tag, const char *s)
{
	hb_entry(h, tag, T_STRING, (uint32_t)hb_data(h, s, strlen(s) + 1, 1), 1);
}

/* strings given as "a\0b\0c\0" with their total length */
static void hb_strings(struct hb *h, uint32_t tag, uint32_t type, const char *s, size_t n,
		       uint32_t count)
{
	hb_entry(h, tag, type, (uint32_t)hb_data(h, s, n, 1), count);
}

static void hb_int32s(struct hb *h, uint32_t tag, const uint32_t *v, uint32_t count)
{
	uint8_t b[64];

	for (uint32_t i = 0; i < count; i++)
		put_be32(b + 4 * i, v[i]);
	hb_entry(h, tag, T_INT32, (uint32_t)hb_data(h, b, 4 * count, 4), count);
}

/* The immutable region: entry 0, its trailer at the end of the store. */
static void hb_region(struct hb *h)
{
	uint8_t t[16];
	size_t off;

	put_be32(t, 63);
	put_be32(t + 4, T_BIN);
	put_be32(t + 8, (uint32_t)-(int32_t)((h->n + 1) * 16));
	put_be32(t + 12, 16);
	off = hb_data(h, t, 16, 1);
	memmove(h->e[1], h->e[0], h->n * sizeof(h->e[0]));
	h->e[0][0] = 63;
	h->e[0][1] = T_BIN;
	h->e[0][2] = (uint32_t)off;
	h->e[0][3] = 16;
	h->n++;
}

static size_t hb_blob(const struct hb *h, uint8_t *out)
{
	put_be32(out, (uint32_t)h->n);
	put_be32(out + 4, (uint32_t)h->dl);
	for (size_t i = 0; i < h->n; i++)
		for (int k = 0; k < 4; k++)
			put_be32(out + 8 + 16 * i + 4 * k, h->e[i][k]);
	memcpy(out + 8 + 16 * h->n, h->d, h->dl);
	return 8 + 16 * h->n + h->dl;
}

#define DIRS "/opt/kaspersky/kesl/\0/opt/kaspersky/kesl/bin/\0"
#define BASES "kesl.ini\0kesl-control\0kesl-launcher\0"

static void kesl_header(struct hb *h)
{
	static const uint32_t epoch = 2, idx[] = { 0, 1, 1 };

	memset(h, 0, sizeof(*h));
	hb_string(h, RPMTAG_NAME, "kesl");
	hb_string(h, RPMTAG_VERSION, "12.1.0");
	hb_string(h, RPMTAG_RELEASE, "1297");
	hb_int32s(h, RPMTAG_EPOCH, &epoch, 1);
	hb_strings(h, RPMTAG_SUMMARY, T_I18NSTRING, "Kaspersky Endpoint Security", 28, 1);
	hb_string(h, RPMTAG_VENDOR, "AO Kaspersky Lab");
	hb_string(h, RPMTAG_PACKAGER, "AO Kaspersky Lab");
	hb_string(h, RPMTAG_URL, "https://www.kaspersky.com");
	hb_string(h, RPMTAG_ARCH, "x86_64");
	hb_int32s(h, RPMTAG_DIRINDEXES, idx, 3);
	hb_strings(h, RPMTAG_BASENAMES, T_STRING_ARRAY, BASES, sizeof(BASES) - 1, 3);
	hb_strings(h, RPMTAG_DIRNAMES, T_STRING_ARRAY, DIRS, sizeof(DIRS) - 1, 2);
	hb_region(h);
}

static uint8_t buf[8 + 16 * MAXE + MAXD + 64];

/* The index entry i's word k (0 tag, 1 type, 2 offset, 3 count) in a blob. */
static void set_word(uint8_t *blob, size_t i, int k, uint32_t v)
{
	put_be32(blob + 8 + 16 * i + 4 * k, v);
}

static size_t find_entry(const struct hb *h, uint32_t tag)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->e[i][0] == tag)
			return i;
	fail_msg("no tag %u", tag);
	return 0;
}

static void expect_bad(const uint8_t *blob, size_t n, const char *why)
{
	struct rpmhdr_pkg p;
	const char *reason = NULL;

	if (rpmhdr_parse(blob, n, 100, &p, &reason) == 0)
		fail_msg("parsed, expected \"%s\"", why);
	assert_non_null(reason);
	if (!strstr(reason, why))
		fail_msg("reason \"%s\", expected \"%s\"", reason, why);
	assert_null(p.name);
	assert_null(p.files);
}

static void test_good(void **state)
{
	struct hb h;
	struct rpmhdr_pkg p;
	const char *reason = NULL;
	size_t n;

	UNIT_UNUSED(state);
	kesl_header(&h);
	n = hb_blob(&h, buf);
	assert_int_equal(rpmhdr_parse(buf, n, 100, &p, &reason), 0);
	assert_string_equal(p.name, "kesl");
	assert_string_equal(p.version, "12.1.0");
	assert_string_equal(p.release, "1297");
	assert_string_equal(p.epoch, "2");
	assert_string_equal(p.summary, "Kaspersky Endpoint Security");
	assert_string_equal(p.vendor, "AO Kaspersky Lab");
	assert_string_equal(p.arch, "x86_64");
	assert_string_equal(p.url, "https://www.kaspersky.com");
	assert_int_equal(p.nfiles, 3);
	assert_int_equal(p.files_dropped, 0);
	assert_string_equal(p.files[0], "/opt/kaspersky/kesl/kesl.ini");
	assert_string_equal(p.files[1], "/opt/kaspersky/kesl/bin/kesl-control");
	assert_string_equal(p.files[2], "/opt/kaspersky/kesl/bin/kesl-launcher");
	rpmhdr_free(&p);
	/* the cap: the first files kept, the rest counted */
	assert_int_equal(rpmhdr_parse(buf, n, 1, &p, &reason), 0);
	assert_int_equal(p.nfiles, 1);
	assert_int_equal(p.files_dropped, 2);
	rpmhdr_free(&p);
	assert_int_equal(rpmhdr_parse(buf, n, 0, &p, &reason), 0);
	assert_int_equal(p.nfiles, 0);
	assert_null(p.files);
	assert_int_equal(p.files_dropped, 3);
	rpmhdr_free(&p);
	/* padding after the store (a record larger than its header) is not read */
	assert_int_equal(rpmhdr_parse(buf, n + 7, 100, &p, &reason), 0);
	rpmhdr_free(&p);
}

static void test_old_filenames(void **state)
{
	struct hb h = { 0 };
	struct rpmhdr_pkg p;
	const char *reason = NULL;
	size_t n;

	UNIT_UNUSED(state);
	hb_string(&h, RPMTAG_NAME, "kav4fs");
	hb_strings(&h, RPMTAG_OLDFILENAMES, T_STRING_ARRAY, "/opt/kaspersky/kav4fs/bin/x\0/etc/y\0",
		   35, 2);
	n = hb_blob(&h, buf);
	assert_int_equal(rpmhdr_parse(buf, n, 100, &p, &reason), 0);
	assert_string_equal(p.name, "kav4fs");
	assert_null(p.version);
	assert_null(p.epoch);
	assert_int_equal(p.nfiles, 2);
	assert_string_equal(p.files[1], "/etc/y");
	rpmhdr_free(&p);
}

static void test_sizes(void **state)
{
	struct hb h;
	size_t n;

	UNIT_UNUSED(state);
	kesl_header(&h);
	n = hb_blob(&h, buf);
	expect_bad(buf, 0, "truncated");
	expect_bad(buf, 7, "truncated");
	/* the record shorter than il and dl say */
	expect_bad(buf, n - 1, "larger than its record");
	expect_bad(buf, 8, "larger than its record");
	put_be32(buf, 0);
	expect_bad(buf, n, "out of range");
	put_be32(buf, 0x10000);
	expect_bad(buf, n, "out of range");
	put_be32(buf, 0xffffffff);
	expect_bad(buf, n, "out of range");
	n = hb_blob(&h, buf);
	put_be32(buf + 4, (256u << 20) + 1);
	expect_bad(buf, n, "out of range");
	put_be32(buf + 4, 0xffffffff);
	expect_bad(buf, n, "out of range");
	/* il within rpm's cap but the index beyond the record */
	n = hb_blob(&h, buf);
	put_be32(buf, 0xffff);
	expect_bad(buf, n, "larger than its record");
}

static void test_entries(void **state)
{
	struct hb h;
	size_t n, name, epoch, dirs, idx, base;

	UNIT_UNUSED(state);
	kesl_header(&h);
	name = find_entry(&h, RPMTAG_NAME);
	epoch = find_entry(&h, RPMTAG_EPOCH);
	dirs = find_entry(&h, RPMTAG_DIRNAMES);
	idx = find_entry(&h, RPMTAG_DIRINDEXES);
	base = find_entry(&h, RPMTAG_BASENAMES);

	n = hb_blob(&h, buf);
	set_word(buf, name, 2, (uint32_t)h.dl);	/* offset at the store's end */
	expect_bad(buf, n, "outside the data store");
	n = hb_blob(&h, buf);
	set_word(buf, name, 2, 0xfffffff0);
	expect_bad(buf, n, "outside the data store");
	n = hb_blob(&h, buf);
	set_word(buf, name, 1, 10);
	expect_bad(buf, n, "unknown type");
	n = hb_blob(&h, buf);
	set_word(buf, name, 3, 0);
	expect_bad(buf, n, "no values");
	n = hb_blob(&h, buf);
	set_word(buf, name, 3, 2);
	expect_bad(buf, n, "more than one value");
	/* counts overflowing the store, and their product overflowing 32 bits */
	n = hb_blob(&h, buf);
	set_word(buf, epoch, 3, 0x40000001);
	expect_bad(buf, n, "overflows the data store");
	n = hb_blob(&h, buf);
	set_word(buf, epoch, 3, (uint32_t)h.dl);
	expect_bad(buf, n, "overflows the data store");
	n = hb_blob(&h, buf);
	set_word(buf, epoch, 1, T_INT64);
	set_word(buf, epoch, 2, 0);
	set_word(buf, epoch, 3, 0x20000001);	/* 8 * count is 2^32 + 8 */
	expect_bad(buf, n, "overflows the data store");
	n = hb_blob(&h, buf);
	set_word(buf, epoch, 1, T_INT64);	/* 4-aligned, not 8 */
	set_word(buf, epoch, 2, h.e[epoch][2] % 8 ? h.e[epoch][2] : h.e[epoch][2] + 4);
	expect_bad(buf, n, "misaligned");
	n = hb_blob(&h, buf);
	set_word(buf, epoch, 2, h.e[epoch][2] + 1);
	expect_bad(buf, n, "misaligned");
	n = hb_blob(&h, buf);
	set_word(buf, dirs, 3, 0xffffffff);
	expect_bad(buf, n, "count larger than the data store");
	n = hb_blob(&h, buf);
	set_word(buf, dirs, 3, 3);	/* a third string: the region trailer's first bytes */
	expect_bad(buf, n, "overlap");
	/* two entries claiming the same bytes */
	n = hb_blob(&h, buf);
	set_word(buf, find_entry(&h, RPMTAG_VERSION), 2, h.e[name][2]);
	expect_bad(buf, n, "overlap");
	/* the file list pointing outside itself */
	n = hb_blob(&h, buf);
	put_be32(buf + 8 + 16 * h.n + h.e[idx][2] + 8, 2);
	expect_bad(buf, n, "directory index out of range");
	n = hb_blob(&h, buf);
	put_be32(buf + 8 + 16 * h.n + h.e[idx][2] + 8, 0xffffffff);
	expect_bad(buf, n, "directory index out of range");
	n = hb_blob(&h, buf);
	set_word(buf, base, 3, 2);
	expect_bad(buf, n, "file list inconsistent");
	n = hb_blob(&h, buf);
	set_word(buf, dirs, 0, 1);	/* DIRNAMES gone */
	expect_bad(buf, n, "file list inconsistent");
	n = hb_blob(&h, buf);
	set_word(buf, idx, 1, T_INT16);
	expect_bad(buf, n, "file list inconsistent");
	/* no name */
	n = hb_blob(&h, buf);
	set_word(buf, name, 0, 5000);
	expect_bad(buf, n, "without a package name");
}

static void test_strings(void **state)
{
	struct hb h = { 0 };
	size_t n;

	UNIT_UNUSED(state);
	/* the store ends inside the string: no NUL there */
	hb_entry(&h, RPMTAG_NAME, T_STRING, (uint32_t)hb_data(&h, "kesl", 4, 1), 1);
	n = hb_blob(&h, buf);
	expect_bad(buf, n, "not NUL-terminated");
	/* the NUL is just past the store, in the bytes after it */
	buf[n] = 0;
	expect_bad(buf, n + 1, "not NUL-terminated");
	/* an array with one string fewer than its count */
	memset(&h, 0, sizeof(h));
	hb_string(&h, RPMTAG_NAME, "kesl");
	hb_strings(&h, RPMTAG_BASENAMES, T_STRING_ARRAY, "a\0b\0", 4, 3);
	n = hb_blob(&h, buf);
	expect_bad(buf, n, "not NUL-terminated");
	/* an empty name */
	memset(&h, 0, sizeof(h));
	hb_string(&h, RPMTAG_NAME, "");
	n = hb_blob(&h, buf);
	expect_bad(buf, n, "without a package name");
}

static void test_region(void **state)
{
	struct hb h;
	size_t n, toff;

	UNIT_UNUSED(state);
	kesl_header(&h);
	toff = 8 + 16 * h.n + h.e[0][2];
	n = hb_blob(&h, buf);
	put_be32(buf + toff, 62);	/* the trailer names another region */
	expect_bad(buf, n, "region trailer malformed");
	n = hb_blob(&h, buf);
	put_be32(buf + toff + 8, 16 * 40);	/* points forward */
	expect_bad(buf, n, "region trailer malformed");
	n = hb_blob(&h, buf);
	put_be32(buf + toff + 8, (uint32_t)-(int32_t)(16 * (h.n + 1)));	/* more entries than il */
	expect_bad(buf, n, "region trailer malformed");
	n = hb_blob(&h, buf);
	put_be32(buf + toff + 8, (uint32_t)-17);
	expect_bad(buf, n, "region trailer malformed");
	n = hb_blob(&h, buf);
	put_be32(buf + toff + 8, 0x80000000);
	expect_bad(buf, n, "region trailer malformed");
	n = hb_blob(&h, buf);
	set_word(buf, 0, 3, 8);
	expect_bad(buf, n, "region entry malformed");
	n = hb_blob(&h, buf);
	set_word(buf, 0, 2, (uint32_t)h.dl - 8);	/* the trailer leaves the store */
	expect_bad(buf, n, "overflows the data store");
}

/* Random damage: never a crash, never a read outside the blob (run under ASan too). */
static void test_fuzz(void **state)
{
	struct hb h;
	size_t n;
	uint64_t s = 42;

	UNIT_UNUSED(state);
	kesl_header(&h);
	for (int i = 0; i < 20000; i++) {
		struct rpmhdr_pkg p;
		const char *reason;
		uint8_t *copy;
		size_t len;

		n = hb_blob(&h, buf);
		for (int k = 0; k < 1 + i % 4; k++)
			buf[unit_rand(&s) % n] = (uint8_t)unit_rand(&s);
		len = unit_rand(&s) % 8 ? n : unit_rand(&s) % n;
		copy = xmalloc(len ? len : 1);
		memcpy(copy, buf, len);
		if (rpmhdr_parse(copy, len, 2, &p, &reason) == 0) {
			assert_non_null(p.name);
			assert_true(p.nfiles <= 2);
			rpmhdr_free(&p);
		}
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_old_filenames),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_region),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
