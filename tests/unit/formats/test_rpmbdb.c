// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_rpmbdb.c - the Berkeley DB hash reader on databases Berkeley DB's own
 * db_load wrote from the header blobs rpm stored (tests/mkrpmdb.sh; rpm's bdb_ro
 * read them back as its oracle), in both byte orders and with 512-byte pages (long
 * overflow chains), with rpm's key 0 record, and on hostile edits of them.
 */
#include "unit.h"
#include "rpmdbfix.h"

#include "formats/rpmbdb.h"

/* little-endian fields of a fixture page (the edits below use the LE fixtures) */
static uint32_t g32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t g16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void p32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* The offset of the first off-page (H_OFFPAGE) item on a hash page, or 0. */
static size_t find_offpage(const struct memdb *m, uint32_t psize)
{
	for (size_t pg = 1; pg < m->n / psize; pg++) {
		const uint8_t *p = m->p + pg * psize;

		if (p[25] != 13)
			continue;
		for (unsigned i = 0; i < g16(p + 20); i++) {
			uint16_t off = g16(p + 26 + 2 * i);

			if (off < psize && p[off] == 3)
				return pg * psize + off;
		}
	}
	return 0;
}

/* The page number of an overflow page that continues to another one, or 0. */
static uint32_t find_chained_overflow(const struct memdb *m, uint32_t psize)
{
	for (size_t pg = 1; pg < m->n / psize; pg++) {
		const uint8_t *p = m->p + pg * psize;

		if (p[25] == 7 && g32(p + 16))
			return (uint32_t)pg;
	}
	return 0;
}

static void good(const char *rel, uint32_t psize)
{
	struct blobset s;
	struct memdb m;
	struct rpmdb_walk w;
	size_t biggest = 0;

	fix_blobs(&s);
	m = fix_load(rel);
	w = walk_of(&m, &s);
	assert_int_equal(rpmbdb_walk(&w), 0);
	if (w.bad)
		fail_msg("%s: %zu bad (%s)", rel, w.bad, w.reason);
	assert_int_equal(w.blobs, s.n);
	/* key 0 (bookkeeping, in bdb/) is no blob: a stray one would fail here */
	blobset_all_once(&s);
	for (size_t i = 0; i < s.n; i++)
		biggest = s.len[i] > biggest ? s.len[i] : biggest;
	/* the fixture exercises overflow chains */
	assert_true(biggest > 4 * psize);
	free(m.p);
	blobset_free(&s);
}

/* rpm's own bdb_ro backend listed the packages of bdb/ (rpm -qa): as many as we found */
static void test_oracle(void **state)
{
	struct memdb qa, m;
	struct blobset s;
	struct rpmdb_walk w;
	size_t lines = 0;

	UNIT_UNUSED(state);
	fix_blobs(&s);
	qa = fix_load("bdb/qa.txt");
	for (size_t i = 0; i < qa.n; i++)
		lines += qa.p[i] == '\n';
	m = fix_load("bdb/Packages");
	w = walk_of(&m, &s);
	assert_int_equal(rpmbdb_walk(&w), 0);
	assert_int_equal(w.blobs, lines);
	free(qa.p);
	free(m.p);
	blobset_free(&s);
}

/* 300 packages over 96 buckets: every bucket reached through the spares table */
static void test_many(void **state)
{
	struct memdb qa, m;
	struct blobset s;
	struct rpmdb_walk w;
	size_t lines = 0;

	UNIT_UNUSED(state);
	fix_blobs(&s);
	m = fix_load("bdbmany/Packages");
	w = walk_of(&m, &s);
	assert_int_equal(rpmbdb_walk(&w), 0);
	assert_int_equal(w.bad, 0);
	assert_int_equal(w.blobs, 300);
	assert_int_equal(s.stray, 0);
	for (size_t k = 0; k < s.n; k++) {
		unsigned want = 0;

		for (unsigned i = 1; i <= 300; i++)
			want += (i - 1) % s.n == k;
		assert_int_equal(s.seen[k], want);
	}
	qa = fix_load("bdbmany/qa.txt");
	for (size_t i = 0; i < qa.n; i++)
		lines += qa.p[i] == '\n';
	assert_int_equal(lines, 300);
	free(qa.p);
	free(m.p);
	blobset_free(&s);
}

static void test_real(void **state)
{
	UNIT_UNUSED(state);
	good("bdb/Packages", 4096);
	good("bdb512/Packages", 512);
	good("bdbbe/Packages", 4096);
}

static void test_stop(void **state)
{
	struct blobset s;
	struct memdb m;
	struct rpmdb_walk w;

	UNIT_UNUSED(state);
	fix_blobs(&s);
	m = fix_load("bdb512/Packages");
	w = walk_of(&m, &s);
	s.stop_after = 2;
	s.stop_value = 42;
	assert_int_equal(rpmbdb_walk(&w), 42);
	assert_int_equal(s.calls, 2);
	free(m.p);
	blobset_free(&s);
}

/* walk an edited copy of m: the return value; *w as the walk left it */
static int walk_edit(const struct memdb *m, size_t size, void (*edit)(uint8_t *, size_t, size_t),
		     size_t arg, struct blobset *s, struct rpmdb_walk *w)
{
	struct memdb c = { malloc(m->n), size };
	int rc;

	memcpy(c.p, m->p, m->n);
	if (edit)
		edit(c.p, m->n, arg);
	*w = walk_of(&c, s);
	rc = rpmbdb_walk(w);
	free(c.p);
	return rc;
}

static void set_magic(uint8_t *p, size_t n, size_t v) { (void)n; p32(p + 12, (uint32_t)v); }
static void set_psize(uint8_t *p, size_t n, size_t v) { (void)n; p32(p + 20, (uint32_t)v); }
static void set_last(uint8_t *p, size_t n, size_t v) { (void)n; p32(p + 32, (uint32_t)v); }
static void set_maxbucket(uint8_t *p, size_t n, size_t v) { (void)n; p32(p + 72, (uint32_t)v); }
static void set_spare0(uint8_t *p, size_t n, size_t v) { (void)n; p32(p + 96, (uint32_t)v); }
static void set_u32(uint8_t *p, size_t n, size_t off_val)
{
	/* off_val: offset in the low 32 bits, value in the high ones */
	(void)n;
	p32(p + (uint32_t)off_val, (uint32_t)(off_val >> 32));
}
static void set_u8(uint8_t *p, size_t n, size_t off_val)
{
	(void)n;
	p[(uint32_t)off_val] = (uint8_t)(off_val >> 32);
}

#define AT(off, v) ((size_t)(off) | (size_t)(v) << 32)

static void test_hostile_meta(void **state)
{
	struct blobset s;
	struct memdb m;
	struct rpmdb_walk w;

	UNIT_UNUSED(state);
	fix_blobs(&s);
	m = fix_load("bdb/Packages");
	/* wrong magic, and a btree's */
	assert_int_equal(walk_edit(&m, m.n, set_magic, 0x12345678, &s, &w), -1);
	assert_non_null(w.reason);
	assert_int_equal(w.blobs, 0);
	assert_int_equal(walk_edit(&m, m.n, set_magic, 0x053162, &s, &w), -1);
	assert_non_null(strstr(w.reason, "btree"));
	/* page sizes 0, not a power of two, huge */
	assert_int_equal(walk_edit(&m, m.n, set_psize, 0, &s, &w), -1);
	assert_int_equal(walk_edit(&m, m.n, set_psize, 4097, &s, &w), -1);
	assert_int_equal(walk_edit(&m, m.n, set_psize, 1u << 20, &s, &w), -1);
	assert_int_equal(walk_edit(&m, m.n, set_psize, 256, &s, &w), -1);
	/* a page size that does not match the file: nothing read beyond it, nothing false */
	walk_edit(&m, m.n, set_psize, 65536, &s, &w);
	assert_int_equal(s.stray, 0);
	/* more buckets than pages */
	assert_int_equal(walk_edit(&m, m.n, set_maxbucket, 0xffffffffu, &s, &w), -1);
	/* a last page beyond the file: the walk says the file is short */
	assert_int_equal(walk_edit(&m, m.n, set_last, 0x7fffffff, &s, &w), 0);
	assert_true(w.bad > 0);
	assert_int_equal(s.stray, 0);
	/* a bucket mapped beyond the file */
	assert_int_equal(walk_edit(&m, m.n, set_spare0, 0xfffffff0u, &s, &w), 0);
	assert_true(w.bad > 0);
	/* encrypted, checksummed */
	assert_int_equal(walk_edit(&m, m.n, set_u8, AT(24, 1), &s, &w), -1);
	assert_int_equal(walk_edit(&m, m.n, set_u8, AT(26, 1), &s, &w), -1);
	/* truncated files */
	assert_int_equal(walk_edit(&m, 100, NULL, 0, &s, &w), -1);
	assert_int_equal(walk_edit(&m, 0, NULL, 0, &s, &w), -1);
	assert_int_equal(walk_edit(&m, m.n / 2, NULL, 0, &s, &w), 0);
	assert_true(w.bad > 0);
	assert_true(w.blobs < s.n);
	assert_int_equal(s.stray, 0);
	free(m.p);
	blobset_free(&s);
}

static void test_hostile_pages(void **state)
{
	struct blobset s;
	struct memdb m;
	struct rpmdb_walk w;
	size_t item;
	uint32_t ov;

	UNIT_UNUSED(state);
	fix_blobs(&s);
	m = fix_load("bdb512/Packages");
	item = find_offpage(&m, 512);
	ov = find_chained_overflow(&m, 512);
	assert_true(item > 0);
	assert_true(ov > 0);
	/* an overflow reference beyond the file, to page 0, to the bucket page itself */
	assert_int_equal(walk_edit(&m, m.n, set_u32, AT(item + 4, 0xfffffff0u), &s, &w), 0);
	assert_true(w.bad > 0);
	assert_int_equal(w.blobs, s.n - 1);
	assert_int_equal(s.stray, 0);
	assert_int_equal(walk_edit(&m, m.n, set_u32, AT(item + 4, 0), &s, &w), 0);
	assert_true(w.bad > 0);
	assert_int_equal(walk_edit(&m, m.n, set_u32, AT(item + 4, item / 512), &s, &w), 0);
	assert_true(w.bad > 0);
	assert_int_equal(s.stray, 0);
	/* a total length beyond the file, beyond RPMDB_BLOB_MAX, 0, and longer than the chain */
	assert_int_equal(walk_edit(&m, m.n, set_u32, AT(item + 8, m.n + 1), &s, &w), 0);
	assert_true(w.bad > 0);
	assert_int_equal(walk_edit(&m, m.n, set_u32, AT(item + 8, 0xffffffffu), &s, &w), 0);
	assert_true(w.bad > 0);
	assert_int_equal(walk_edit(&m, m.n, set_u32, AT(item + 8, 0), &s, &w), 0);
	assert_true(w.bad > 0);
	assert_int_equal(walk_edit(&m, m.n, set_u32, AT(item + 8, g32(m.p + item + 8) + 1), &s, &w), 0);
	assert_true(w.bad > 0);
	assert_int_equal(s.stray, 0);
	/* an overflow chain that loops to itself */
	assert_int_equal(walk_edit(&m, m.n, set_u32, AT((size_t)ov * 512 + 16, ov), &s, &w), 0);
	assert_true(w.bad > 0);
	assert_non_null(strstr(w.reason, "twice"));
	assert_int_equal(s.stray, 0);
	/* an overflow page with a length beyond its page, and with another type */
	assert_int_equal(walk_edit(&m, m.n, set_u32, AT((size_t)ov * 512 + 22, 0xffff), &s, &w), 0);
	assert_true(w.bad > 0);
	assert_int_equal(walk_edit(&m, m.n, set_u8, AT((size_t)ov * 512 + 25, 13), &s, &w), 0);
	assert_true(w.bad > 0);
	/* the item is a duplicate set: skipped with a reason */
	assert_int_equal(walk_edit(&m, m.n, set_u8, AT(item, 4), &s, &w), 0);
	assert_true(w.bad > 0);
	assert_non_null(strstr(w.reason, "duplicate"));
	assert_int_equal(s.stray, 0);
	free(m.p);
	blobset_free(&s);
}

/* Random damage anywhere: no crash, no read outside (valgrind/ASan), no invented blob. */
static void test_fuzz(void **state)
{
	struct blobset s;
	const char *rels[] = { "bdb512/Packages", "bdbbe/Packages" };
	uint64_t seed = 1;

	UNIT_UNUSED(state);
	fix_blobs(&s);
	for (unsigned r = 0; r < 2; r++) {
		struct memdb m = fix_load(rels[r]);
		struct memdb c = { malloc(m.n), m.n };

		for (int round = 0; round < 400; round++) {
			struct rpmdb_walk w;

			memcpy(c.p, m.p, m.n);
			for (int k = 0; k < 1 + round % 8; k++)
				c.p[unit_rand(&seed) % m.n] = (uint8_t)unit_rand(&seed);
			c.n = round % 5 ? m.n : unit_rand(&seed) % m.n;
			w = walk_of(&c, &s);
			rpmbdb_walk(&w);
			assert_true(w.blobs <= s.n + s.stray);
		}
		free(c.p);
		free(m.p);
	}
	blobset_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real),
		cmocka_unit_test(test_oracle),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_hostile_meta),
		cmocka_unit_test(test_hostile_pages),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
