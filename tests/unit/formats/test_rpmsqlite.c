// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_rpmsqlite.c - rpm's sqlite database, read through the callback: SQLite
 * files built here page by page as the file format says (512-byte pages, so
 * overflow chains and interior pages come quickly), then made hostile:
 * overflow cycles, page numbers 0 and past the file, trees deeper than any
 * real one, cells outside their page, no Packages table, read errors.
 * tests/e2e-userland.sh reads the databases Debian's rpm itself writes.
 */
#include "unit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/rpmsqlite.h"
#include "core/util.h"

#define PS 512
#define NP 64
#define U PS
#define X (U - 35)
#define M ((U - 12) * 32 / 255 - 23)

static uint8_t db[NP][PS];
static uint32_t npages;		/* pages in use, 1-based numbers 1..npages */
static int fail_read_at = -1;

static int mem_read(void *io, uint64_t off, void *buf, size_t n)
{
	(void)io;
	if (fail_read_at >= 0 && off / PS == (uint64_t)fail_read_at)
		return -EIO;
	if (off + n > (uint64_t)npages * PS)
		return -EIO;
	memcpy(buf, (uint8_t *)db + off, n);
	return 0;
}

struct got {
	size_t n;
	size_t len[16];
	uint8_t first[16];
	int stop_after;
};

static int on_blob(void *ctx, const uint8_t *blob, size_t n)
{
	struct got *g = ctx;

	if (g->n < 16) {
		g->len[g->n] = n;
		g->first[g->n] = blob[0];
	}
	/* the whole blob is there: every byte is its index's low byte plus the first */
	for (size_t i = 0; i < n; i++)
		if (blob[i] != (uint8_t)(blob[0] + i))
			fail_msg("blob %zu byte %zu wrong", g->n, i);
	g->n++;
	return g->stop_after && g->n == (size_t)g->stop_after ? 7 : 0;
}

static int on_blob_count(void *ctx, const uint8_t *blob, size_t n)
{
	(void)ctx;
	assert_true(n > 0 && n <= RPMDB_BLOB_MAX);
	(void)blob[n - 1];
	return 0;
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;

	if (v >> 56) {
		/* not needed here: the tests use small values */
		fail_msg("varint too large for the test builder");
	}
	do {
		tmp[n++] = (uint8_t)(v & 0x7f);
		v >>= 7;
	} while (v);
	for (size_t i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i] | (i + 1 < n ? 0x80 : 0);
	return n;
}

static void put_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t new_page(void)
{
	assert_true(npages < NP);
	memset(db[npages], 0, PS);
	return ++npages;
}

/* A b-tree page under construction: cells are written from the page's end down. */
struct page {
	uint32_t no;
	size_t hoff;		/* 100 on page 1 */
	uint8_t type;
	uint16_t ncells;
	size_t top;		/* start of the cell content area */
};

static uint8_t *pg(uint32_t no)
{
	return db[no - 1];
}

static void page_init(struct page *p, uint32_t no, uint8_t type)
{
	p->no = no;
	p->hoff = no == 1 ? 100 : 0;
	p->type = type;
	p->ncells = 0;
	p->top = U;
	pg(no)[p->hoff] = type;
}

static void page_cell(struct page *p, const uint8_t *cell, size_t n)
{
	size_t hsize = p->type == 0x05 ? 12 : 8;

	p->top -= n;
	assert_true(p->top >= p->hoff + hsize + 2 * (p->ncells + 1));
	memcpy(pg(p->no) + p->top, cell, n);
	put_be16(pg(p->no) + p->hoff + hsize + 2 * p->ncells, (uint32_t)p->top);
	p->ncells++;
	put_be16(pg(p->no) + p->hoff + 3, p->ncells);
	put_be16(pg(p->no) + p->hoff + 5, (uint32_t)p->top);
}

/* A leaf cell of record rec; what does not fit in the page goes to new overflow pages. */
static void leaf_row(struct page *p, uint64_t rowid, const uint8_t *rec, size_t n,
		     uint32_t *first_ovfl)
{
	uint8_t cell[PS];
	size_t c = 0, local = n;

	c += put_varint(cell + c, n);
	c += put_varint(cell + c, rowid);
	if (n > X) {
		size_t k = M + (n - M) % (U - 4);

		local = k <= X ? k : M;
	}
	memcpy(cell + c, rec, local);
	c += local;
	if (local < n) {
		uint32_t prev = 0, first = 0;

		for (size_t done = local; done < n;) {
			uint32_t o = new_page();
			size_t take = n - done < U - 4 ? n - done : U - 4;

			memcpy(pg(o) + 4, rec + done, take);
			done += take;
			if (prev)
				put_be32(pg(prev), o);
			else
				first = o;
			prev = o;
		}
		put_be32(cell + c, first);
		c += 4;
		if (first_ovfl)
			*first_ovfl = first;
	}
	page_cell(p, cell, c);
}

/* The Packages record: hnum (the rowid) stored as NULL, then the blob. */
static size_t package_record(uint8_t *rec, size_t bloblen, uint8_t first)
{
	size_t h = 1;

	h += put_varint(rec + h, 0);
	h += put_varint(rec + h, 12 + 2 * bloblen);
	assert_true(h < 128);
	rec[0] = (uint8_t)h;
	for (size_t i = 0; i < bloblen; i++)
		rec[h + i] = (uint8_t)(first + i);
	return h + bloblen;
}

static void interior_cell(struct page *p, uint32_t child, uint64_t key)
{
	uint8_t cell[16];
	size_t c = 4;

	put_be32(cell, child);
	c += put_varint(cell + c, key);
	page_cell(p, cell, c);
}

static void interior_right(struct page *p, uint32_t right)
{
	put_be32(pg(p->no) + p->hoff + 8, right);
}

/* page 1: the header and sqlite_schema with the table name given, root page root */
static void schema(const char *name, uint32_t root)
{
	static const char *sql = "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT,"
				 " blob BLOB NOT NULL)";
	uint8_t rec[PS];
	size_t h = 1, body;
	struct page p;
	const char *texts[] = { "table", name, name };

	npages = 0;
	new_page();
	memcpy(pg(1), "SQLite format 3", 16);
	put_be16(pg(1) + 16, PS);
	pg(1)[18] = pg(1)[19] = 1;
	pg(1)[21] = 64;
	pg(1)[22] = 32;
	pg(1)[23] = 32;
	put_be32(pg(1) + 56, 1);
	for (int i = 0; i < 3; i++)
		h += put_varint(rec + h, 13 + 2 * strlen(texts[i]));
	h += put_varint(rec + h, 2);		/* rootpage: a 2-byte integer */
	h += put_varint(rec + h, 13 + 2 * strlen(sql));
	rec[0] = (uint8_t)h;
	body = h;
	for (int i = 0; i < 3; i++) {
		memcpy(rec + body, texts[i], strlen(texts[i]));
		body += strlen(texts[i]);
	}
	put_be16(rec + body, root);
	body += 2;
	memcpy(rec + body, sql, strlen(sql));
	body += strlen(sql);
	page_init(&p, 1, 0x0d);
	leaf_row(&p, 1, rec, body, NULL);
}

static int walk(struct got *g)
{
	struct rpmdb_walk w = {
		.read = mem_read, .size = (uint64_t)npages * PS, .blob = on_blob, .ctx = g,
	};
	int r;

	r = rpmsqlite_walk(&w);
	if (r == -1) {
		assert_non_null(w.reason);
		if (getenv("SHOW"))
			fprintf(stderr, "reason: %s\n", w.reason);
	}
	assert_int_equal(w.blobs, g->n);
	return r;
}

static const char *walk_reason(void)
{
	static struct rpmdb_walk w;
	struct got g = { 0 };

	memset(&w, 0, sizeof(w));
	w.read = mem_read;
	w.size = (uint64_t)npages * PS;
	w.blob = on_blob;
	w.ctx = &g;
	if (rpmsqlite_walk(&w) != -1)
		fail_msg("walked, expected an error");
	return w.reason;
}

#define expect_reason(want)                                                              \
	do {                                                                              \
		const char *r_ = walk_reason();                                           \
		if (!strstr(r_, want))                                                    \
			fail_msg("reason \"%s\", expected \"%s\"", r_, want);             \
	} while (0)

/* page 2, a leaf of three packages: small, one page and a half, four pages */
static void three_packages(uint32_t *ovfl)
{
	static const size_t lens[] = { 40, 700, 2000 };
	uint8_t rec[4096];
	struct page p;

	schema("Packages", 2);
	new_page();
	page_init(&p, 2, 0x0d);
	for (int i = 0; i < 3; i++) {
		size_t n = package_record(rec, lens[i], (uint8_t)(10 * i));

		leaf_row(&p, (uint64_t)i + 1, rec, n, i == 2 ? ovfl : NULL);
	}
}

static void test_leaf(void **state)
{
	struct got g = { 0 };

	UNIT_UNUSED(state);
	three_packages(NULL);
	assert_int_equal(walk(&g), 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.len[0], 40);
	assert_int_equal(g.len[1], 700);
	assert_int_equal(g.len[2], 2000);
	assert_int_equal(g.first[2], 20);
	/* the callback's stop value is the walk's */
	memset(&g, 0, sizeof(g));
	g.stop_after = 2;
	assert_int_equal(walk(&g), 7);
	assert_int_equal(g.n, 2);
}

/* root page 2 interior: children 3 and 4 (leaves), 5 the right-most, 6 an interior level */
static void tree(void)
{
	uint8_t rec[64];
	struct page root, leaf, mid;
	uint32_t leaves[4];

	schema("Packages", 2);
	new_page();
	for (int i = 0; i < 4; i++) {
		leaves[i] = new_page();
		page_init(&leaf, leaves[i], 0x0d);
		leaf_row(&leaf, (uint64_t)i + 1, rec, package_record(rec, 20, (uint8_t)i), NULL);
	}
	page_init(&root, 2, 0x05);
	interior_cell(&root, leaves[0], 1);
	interior_cell(&root, leaves[1], 2);
	mid.no = new_page();
	page_init(&mid, mid.no, 0x05);
	interior_cell(&mid, leaves[2], 3);
	interior_right(&mid, leaves[3]);
	interior_right(&root, mid.no);
}

static void test_interior(void **state)
{
	struct got g = { 0 };

	UNIT_UNUSED(state);
	tree();
	assert_int_equal(walk(&g), 0);
	assert_int_equal(g.n, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(g.first[i], i);
}

static void test_not_sqlite(void **state)
{
	UNIT_UNUSED(state);
	three_packages(NULL);
	pg(1)[0] = 'X';
	expect_reason("not an SQLite database");
	three_packages(NULL);
	put_be16(pg(1) + 16, 1000);
	expect_reason("page size invalid");
	three_packages(NULL);
	put_be16(pg(1) + 16, 256);
	expect_reason("page size invalid");
	three_packages(NULL);
	pg(1)[20] = 40;		/* 472 usable bytes */
	expect_reason("reserved space");
	three_packages(NULL);
	put_be32(pg(1) + 56, 2);
	expect_reason("not UTF-8");
	three_packages(NULL);
	npages = 0;
	expect_reason("too short");
	schema("Packagez", 2);
	expect_reason("no Packages table");
	schema("Packages", 0);
	expect_reason("root page invalid");
	/* a read error is an error, not an empty table */
	three_packages(NULL);
	fail_read_at = 1;
	expect_reason("could not be read");
	fail_read_at = -1;
}

static void test_pages(void **state)
{
	struct page p;

	UNIT_UNUSED(state);
	/* root page past the file, and the schema page itself */
	schema("Packages", 9);
	expect_reason("out of range");
	schema("Packages", 1);
	expect_reason("used twice");
	/* an index page, a free page */
	three_packages(NULL);
	pg(2)[0] = 0x0a;
	expect_reason("not a table b-tree page");
	three_packages(NULL);
	pg(2)[0] = 0;
	expect_reason("not a table b-tree page");
	/* more cells than the page holds */
	three_packages(NULL);
	put_be16(pg(2) + 3, 0xffff);
	expect_reason("cell count larger than its page");
	/* interior children: page 0, past the file, itself, the same leaf twice */
	tree();
	put_be32(pg(2) + 8, 0);
	expect_reason("out of range");
	tree();
	put_be32(pg(2) + 8, 60);
	expect_reason("out of range");
	tree();
	put_be32(pg(2) + 8, 2);
	expect_reason("used twice");
	tree();
	put_be32(pg(2) + 8, 3);
	expect_reason("used twice");
	/* deeper than SQLite's own limit: a chain of interior pages */
	schema("Packages", 2);
	for (uint32_t i = 2; i < 2 + RPMSQLITE_DEPTH_MAX + 2; i++) {
		new_page();
		page_init(&p, i, 0x05);
		interior_right(&p, i + 1);
	}
	new_page();
	page_init(&p, npages, 0x0d);
	expect_reason("deeper");
}

static void test_overflow(void **state)
{
	uint32_t ovfl = 0;

	UNIT_UNUSED(state);
	/* a chain that points back at itself, at page 0, past the file, into the b-tree */
	three_packages(&ovfl);
	assert_true(ovfl > 2);
	put_be32(pg(ovfl), ovfl);
	expect_reason("used twice");
	three_packages(&ovfl);
	put_be32(pg(ovfl), 0);
	expect_reason("out of range");
	three_packages(&ovfl);
	put_be32(pg(ovfl), 1000);
	expect_reason("out of range");
	three_packages(&ovfl);
	put_be32(pg(ovfl), 2);
	expect_reason("used twice");
	/* the file ends inside the chain */
	three_packages(&ovfl);
	npages--;
	expect_reason("out of range");
}

static void test_bad_cells(void **state)
{
	struct got g = { 0 };
	uint8_t rec[64];
	struct page p;
	struct rpmdb_walk w = { .read = mem_read, .blob = on_blob, .ctx = &g };

	UNIT_UNUSED(state);
	/* a cell pointer into the header, one past the page: skipped, counted, the rest read */
	three_packages(NULL);
	put_be16(pg(2) + 8, 2);
	put_be16(pg(2) + 10, PS + 10);
	w.size = (uint64_t)npages * PS;
	assert_int_equal(rpmsqlite_walk(&w), 0);
	assert_int_equal(w.bad, 2);
	assert_int_equal(w.blobs, 1);
	assert_non_null(w.reason);
	/* a record larger than any header, a row whose second column is text, not a blob */
	schema("Packages", 2);
	new_page();
	page_init(&p, 2, 0x0d);
	{
		uint8_t cell[16];
		size_t c = put_varint(cell, (uint64_t)RPMDB_BLOB_MAX + 1000);

		c += put_varint(cell + c, 1);
		page_cell(&p, cell, c + 4);
	}
	package_record(rec, 20, 0);
	rec[2] = 13 + 2 * 20;
	leaf_row(&p, 2, rec, 23, NULL);
	leaf_row(&p, 3, rec, package_record(rec, 20, 5), NULL);
	/* a truncated record header: its size beyond the record */
	rec[0] = 100;
	leaf_row(&p, 4, rec, 23, NULL);
	memset(&g, 0, sizeof(g));
	memset(&w, 0, sizeof(w));
	w.read = mem_read;
	w.blob = on_blob;
	w.ctx = &g;
	w.size = (uint64_t)npages * PS;
	assert_int_equal(rpmsqlite_walk(&w), 0);
	assert_int_equal(w.blobs, 1);
	assert_int_equal(g.first[0], 5);
	assert_int_equal(w.bad, 3);
}

/* Random damage to every page: never a crash, never a read past the file. */
static void test_fuzz(void **state)
{
	uint64_t s = 7;

	UNIT_UNUSED(state);
	for (int i = 0; i < 5000; i++) {
		struct got g = { 0 };
		struct rpmdb_walk w = { .read = mem_read, .blob = on_blob, .ctx = &g };
		uint32_t n;

		if (i % 2)
			tree();
		else
			three_packages(NULL);
		n = npages;
		for (int k = 0; k < 1 + i % 6; k++) {
			uint32_t page = (uint32_t)(unit_rand(&s) % n);
			/* hit the headers and cell pointers often, the content sometimes */
			uint32_t off = (uint32_t)(unit_rand(&s) % (unit_rand(&s) % 2 ? 24 : PS));

			if (page == 0 && off < 100 && unit_rand(&s) % 4)
				off += 100;
			db[page][off] = (uint8_t)unit_rand(&s);
		}
		w.size = (uint64_t)npages * PS;
		/* blobs may be damaged: the callback only counts them */
		w.blob = on_blob_count;
		if (rpmsqlite_walk(&w) == -1)
			assert_non_null(w.reason);
		assert_true(w.blobs <= 4);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf),
		cmocka_unit_test(test_interior),
		cmocka_unit_test(test_not_sqlite),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_bad_cells),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
