// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_bbolt.c - the bbolt reader, on files this test lays out page by page as
 * go.etcd.io/bbolt writes them (no Debian tool writes bbolt but containerd, whose
 * real databases tests/e2e-containers.sh reads), then damaged: bad metas, page ids
 * out of range, cycles, overflow past the file, elements past their page.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "formats/bbolt.h"

#define PS 4096u
#define NPAGES 8
#define BIG 5000u

static uint8_t db_buf[NPAGES * PS];
static size_t db_len;

static int mem_read(void *io, uint64_t off, void *buf, size_t n)
{
	(void)io;
	if (off > db_len || n > db_len - off)
		return -5;
	memcpy(buf, db_buf + off, n);
	return 0;
}

static void p16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void p32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static void p64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i)); }

/* FNV-1a 64, written out here independently of the reader's */
static uint64_t fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 14695981039346656037ull;

	while (n--)
		h = (h ^ *p++) * 1099511628211ull;
	return h;
}

static uint8_t *page(uint64_t id) { return db_buf + id * PS; }

static void hdr(uint64_t id, uint16_t flags, uint16_t count, uint32_t overflow)
{
	p64(page(id), id);
	p16(page(id) + 8, flags);
	p16(page(id) + 10, count);
	p32(page(id) + 12, overflow);
}

static void meta(uint64_t id, uint64_t root, uint64_t txid)
{
	uint8_t *m = page(id) + 16;

	hdr(id, 0x04, 0, 0);
	p32(m, 0xED0CDAED);
	p32(m + 4, 2);
	p32(m + 8, PS);
	p64(m + 16, root);
	p64(m + 24, 0);
	p64(m + 32, 2);			/* freelist */
	p64(m + 40, NPAGES);
	p64(m + 48, txid);
	p64(m + 56, fnv(m, 56));
}

/* leaf element i of page at: flags, key, value; data placed from *data on */
static void leaf(uint8_t *pg, int i, uint32_t flags, const char *k, const void *v, size_t vl,
		 size_t *data)
{
	uint8_t *e = pg + 16 + 16 * i;
	size_t kl = strlen(k);

	p32(e, flags);
	p32(e + 4, (uint32_t)(*data - (size_t)(e - pg)));
	p32(e + 8, (uint32_t)kl);
	p32(e + 12, (uint32_t)vl);
	memcpy(pg + *data, k, kl);
	memcpy(pg + *data + kl, v, vl);
	*data += kl + vl;
}

static void branch(uint8_t *pg, int i, const char *k, uint64_t child, size_t *data)
{
	uint8_t *e = pg + 16 + 16 * i;
	size_t kl = strlen(k);

	p32(e, (uint32_t)(*data - (size_t)(e - pg)));
	p32(e + 4, (uint32_t)kl);
	p64(e + 8, child);
	memcpy(pg + *data, k, kl);
	*data += kl;
}

/*
 * meta 0 (txid 1, root page 7: garbage) and meta 1 (txid 2, root page 3); page 3:
 * the root bucket, key "v1" a bucket on page 4, a branch of pages 5 and 6; page 5:
 * "a" = "1" and "b" an inline bucket {"id" = uvarint 300}; page 6 with one overflow
 * page: "m" = BIG bytes.
 */
static void build(void)
{
	uint8_t bh[16] = { 0 }, inl[16 + 16 + 16 + 4] = { 0 }, big[BIG];
	size_t d;

	memset(db_buf, 0, sizeof(db_buf));
	db_len = sizeof(db_buf);
	meta(0, 7, 1);
	meta(1, 3, 2);
	hdr(2, 0x10, 0, 0);
	hdr(3, 0x02, 1, 0);
	p64(bh, 4);
	d = 16 + 16;
	leaf(page(3), 0, 0x01, "v1", bh, 16, &d);
	hdr(4, 0x01, 2, 0);
	d = 16 + 32;
	branch(page(4), 0, "a", 5, &d);
	branch(page(4), 1, "m", 6, &d);
	hdr(5, 0x02, 2, 0);
	/* the inline bucket "b": header (root 0), then its leaf page of one element,
	 * key "id" and value 0xac 0x02 (uvarint 300) */
	p16(inl + 16 + 8, 0x02);
	p16(inl + 16 + 10, 1);
	p32(inl + 32, 0);
	p32(inl + 36, 16);
	p32(inl + 40, 2);
	p32(inl + 44, 2);
	memcpy(inl + 48, "id\xac\x02", 4);
	d = 16 + 32;
	leaf(page(5), 0, 0, "a", "1", 1, &d);
	leaf(page(5), 1, 0x01, "b", inl, sizeof(inl), &d);
	hdr(6, 0x02, 1, 1);
	memset(big, 'x', sizeof(big));
	d = 16 + 16;
	leaf(page(6), 0, 0, "m", big, sizeof(big), &d);
}

static struct bbolt_db db_new(void)
{
	struct bbolt_db db = { .read = mem_read, .size = db_len };

	return db;
}

static int get(struct bbolt_db *db, const char *p0, const char *p1, const char *key, size_t *len)
{
	const char *path[] = { p0, p1 };
	size_t np = p1 ? 2 : p0 ? 1 : 0;
	uint8_t *v;
	int r = bbolt_get(db, path, np, key, &v, len);

	free(v);
	return r;
}

struct seen {
	char keys[8][8];
	bool bucket[8];
	int n;
};

static int on_key(void *ctx, const uint8_t *k, size_t len, bool bucket)
{
	struct seen *s = ctx;

	if (s->n < 8 && len < 8) {
		memcpy(s->keys[s->n], k, len);
		s->keys[s->n][len] = 0;
		s->bucket[s->n] = bucket;
	}
	s->n++;
	return 0;
}

static void test_good(void **state)
{
	struct bbolt_db db;
	const char *v1[] = { "v1" }, *inl[] = { "v1", "b" };
	struct seen s = { 0 };
	uint8_t *v;
	size_t len;
	uint64_t id;

	(void)state;
	build();
	db = db_new();
	assert_int_equal(bbolt_open(&db), 0);
	assert_int_equal(db.txid, 2);
	assert_int_equal(db.root, 3);
	assert_int_equal(db.page_size, PS);
	assert_int_equal(bbolt_get(&db, v1, 1, "a", &v, &len), 0);
	assert_int_equal(len, 1);
	assert_string_equal((char *)v, "1");
	free(v);
	assert_int_equal(bbolt_get(&db, inl, 2, "id", &v, &len), 0);
	assert_int_equal(bbolt_uvarint(v, len, &id), 0);
	assert_int_equal(id, 300);
	free(v);
	assert_int_equal(get(&db, "v1", NULL, "m", &len), 0);
	assert_int_equal(len, BIG);
	/* absent keys and buckets, and a bucket asked for as a value */
	assert_int_equal(get(&db, "v1", NULL, "zz", &len), 1);
	assert_int_equal(get(&db, "v1", NULL, "0", &len), 1);
	assert_int_equal(get(&db, "nope", NULL, "a", &len), 1);
	assert_int_equal(get(&db, "v1", "a", "x", &len), 1);
	assert_int_equal(get(&db, NULL, NULL, "v1", &len), 1);
	assert_int_equal(bbolt_keys(&db, v1, 1, on_key, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.keys[0], "a");
	assert_string_equal(s.keys[1], "b");
	assert_true(s.bucket[1]);
	assert_string_equal(s.keys[2], "m");
	assert_false(s.bucket[2]);
	memset(&s, 0, sizeof(s));
	assert_int_equal(bbolt_keys(&db, inl, 2, on_key, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.keys[0], "id");
}

/* a damage, and the reason the reader must give (open: NULL; get of v1/m) */
static void expect_open_fails(void)
{
	struct bbolt_db db = db_new();

	assert_int_equal(bbolt_open(&db), -1);
	assert_non_null(strstr(db.reason, "no valid meta page"));
}

static void expect_get(const char *key, int want, const char *reason)
{
	struct bbolt_db db = db_new();
	size_t len;

	assert_int_equal(bbolt_open(&db), 0);
	assert_int_equal(get(&db, "v1", NULL, key, &len), want);
	if (reason)
		assert_string_equal(db.reason, reason);
}

static void test_hostile_meta(void **state)
{
	struct bbolt_db db;

	(void)state;
	build();
	p32(page(0) + 16, 0xDEADBEEF);
	p32(page(1) + 16, 0xDEADBEEF);
	expect_open_fails();
	/* meta 1's checksum wrong: meta 0 (older, its root page garbage) is taken */
	build();
	page(1)[16 + 56] ^= 1;
	db = db_new();
	assert_int_equal(bbolt_open(&db), 0);
	assert_int_equal(db.txid, 1);
	assert_int_equal(db.root, 7);
	page(0)[16 + 56] ^= 1;
	expect_open_fails();
	/* version 1, and page sizes that are no power of two or too small */
	build();
	p32(page(0) + 20, 1);
	p32(page(1) + 20, 1);
	expect_open_fails();
	build();
	p32(page(0) + 24, 4095);
	p64(page(0) + 16 + 56, fnv(page(0) + 16, 56));
	p32(page(1) + 24, 4095);
	p64(page(1) + 16 + 56, fnv(page(1) + 16, 56));
	expect_open_fails();
	/* a file shorter than one meta, and an empty one */
	build();
	db_len = 40;
	expect_open_fails();
	db_len = 0;
	expect_open_fails();
	/* a file larger than the cap (its size as the caller says it) */
	build();
	db = db_new();
	db.size = BBOLT_FILE_MAX + 1;
	assert_int_equal(bbolt_open(&db), -1);
	assert_non_null(strstr(db.reason, "larger than the cap"));
}

static void test_hostile_pages(void **state)
{
	(void)state;
	/* the root page past the file, and the meta page as a tree page */
	build();
	p64(page(1) + 16 + 16, 1000);
	p64(page(1) + 16 + 56, fnv(page(1) + 16, 56));
	expect_get("a", -1, "page id out of range");
	build();
	p64(page(1) + 16 + 16, 1);
	p64(page(1) + 16 + 56, fnv(page(1) + 16, 56));
	expect_get("a", -1, "page id out of range");
	/* a branch whose child is the branch itself, and one leading back up */
	build();
	p64(page(4) + 16 + 8, 4);
	expect_get("a", -1, "page reached twice (a cycle)");
	build();
	p64(page(4) + 16 + 16 + 8, 3);
	expect_get("m", -1, "page reached twice (a cycle)");
	/* ... and the listing of a bucket with a cycle ends too */
	{
		struct bbolt_db db = db_new();
		const char *v1[] = { "v1" };
		struct seen s = { 0 };

		assert_int_equal(bbolt_open(&db), 0);
		assert_int_equal(bbolt_keys(&db, v1, 1, on_key, &s), -1);
		assert_string_equal(db.reason, "page reached twice (a cycle)");
	}
	/* overflow past the file, a header naming another page, a truncated file */
	build();
	p32(page(6) + 12, 100);
	expect_get("m", -1, "page overflow past the end of the file");
	build();
	p64(page(6), 5);
	expect_get("m", -1, "page header names another page");
	build();
	db_len = 7 * PS;
	expect_get("m", -1, "page overflow past the end of the file");
	/* elements: more than the page holds, a key or value past the page */
	build();
	p16(page(5) + 10, 0xffff);
	expect_get("a", -1, "page elements past the page");
	build();
	p32(page(5) + 16 + 4, 0xfffffff0u);
	expect_get("a", -1, "element key or value past its page");
	build();
	p32(page(6) + 16 + 12, BIG + 4096);
	expect_get("m", -1, "element key or value past its page");
	build();
	p32(page(4) + 16 + 4, 0xffffffffu);
	expect_get("a", -1, "element key past its page");
	/* a page that is neither branch nor leaf */
	build();
	p16(page(4) + 8, 0x10);
	expect_get("a", -1, "tree page is neither branch nor leaf");
}

static void test_hostile_buckets(void **state)
{
	struct bbolt_db db;
	const char *inl[] = { "v1", "b" };
	uint8_t *v;
	size_t len;
	uint64_t id;
	uint8_t *b = NULL;

	(void)state;
	/* the inline bucket "b": its value starts after key "a"+"1" and key "b" */
	build();
	b = page(5) + 16 + 32 + 2 + 1;
	b[16 + 8] = 0x01;		/* its page a branch */
	db = db_new();
	assert_int_equal(bbolt_open(&db), 0);
	assert_int_equal(bbolt_get(&db, inl, 2, "id", &v, &len), -1);
	assert_string_equal(db.reason, "inline bucket page is not a leaf");
	build();
	p32(page(5) + 16 + 16 + 12, 8);	/* value shorter than a bucket header */
	db = db_new();
	assert_int_equal(bbolt_open(&db), 0);
	assert_int_equal(bbolt_get(&db, inl, 2, "id", &v, &len), -1);
	assert_string_equal(db.reason, "bucket header shorter than 16 bytes");
	/* a bucket path deeper than the cap */
	{
		const char *deep[BBOLT_DEPTH_MAX + 1];

		for (int i = 0; i <= BBOLT_DEPTH_MAX; i++)
			deep[i] = "v1";
		build();
		db = db_new();
		assert_int_equal(bbolt_open(&db), 0);
		assert_int_equal(bbolt_get(&db, deep, BBOLT_DEPTH_MAX + 1, "a", &v, &len), -1);
	}
	/* uvarints: truncated, past 64 bits */
	assert_int_equal(bbolt_uvarint((const uint8_t *)"\x80\x80", 2, &id), -1);
	assert_int_equal(bbolt_uvarint((const uint8_t *)"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 10, &id), -1);
	assert_int_equal(bbolt_uvarint((const uint8_t *)"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10, &id), 0);
	assert_true(id == UINT64_MAX);
}

/* every single byte of the tree pages changed: no crash, no read outside the file */
static void test_fuzz(void **state)
{
	const char *v1[] = { "v1" }, *inl[] = { "v1", "b" };

	(void)state;
	for (size_t off = 3 * PS; off < 7 * PS; off += 3) {
		for (int k = 0; k < 2; k++) {
			struct bbolt_db db;
			struct seen s = { 0 };
			uint8_t *v;
			size_t len;

			build();
			db_buf[off] ^= k ? 0xff : 0x80;
			db = db_new();
			assert_int_equal(bbolt_open(&db), 0);
			if (!bbolt_get(&db, inl, 2, "id", &v, &len))
				free(v);
			if (!bbolt_get(&db, v1, 1, "m", &v, &len))
				free(v);
			bbolt_keys(&db, v1, 1, on_key, &s);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_hostile_meta),
		cmocka_unit_test(test_hostile_pages),
		cmocka_unit_test(test_hostile_buckets),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
