// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_rpmndb.c - the ndb Packages.db reader. Debian's rpm is built without the
 * ndb backend (it says "invalid %_db_backend: ndb"), so no real tool here can
 * write one: the database is laid out by this test as rpm's lib/backend/ndb
 * (rpmpkg.c) writes it, around the real header blobs rpm stored in its sqlite
 * database (tests/mkrpmdb.sh), and then damaged.
 */
#include "unit.h"
#include "rpmdbfix.h"

#include "formats/rpmndb.h"

#define PAGE 4096u

static void p32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* adler32 the slow way (RFC 1950), independent of the reader's */
static uint32_t adler(const uint8_t *p, size_t n)
{
	uint32_t a = 1, b = 0;

	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

struct ndbfile {
	struct memdb m;
	size_t slot[FIX_MAX_BLOBS];	/* offset of each blob's slot */
	size_t blob[FIX_MAX_BLOBS];	/* offset of each blob */
	size_t blkcnt[FIX_MAX_BLOBS];
};

/*
 * npages slot pages; the blobs in reverse order after them (so slot order is not
 * file order), one free slot first, package indexes 1.. as rpm hands them out.
 */
static void mkndb(struct ndbfile *f, const struct blobset *s, uint32_t npages)
{
	size_t size = (size_t)npages * PAGE, off;

	for (size_t i = 0; i < s->n; i++)
		size += (16 + s->len[i] + 12 + 15) / 16 * 16;
	memset(f, 0, sizeof(*f));
	f->m.p = calloc(1, size);
	f->m.n = size;
	memcpy(f->m.p, "RpmP", 4);
	p32(f->m.p + 4, 0);
	p32(f->m.p + 8, 77);		/* generation */
	p32(f->m.p + 12, npages);
	p32(f->m.p + 16, (uint32_t)s->n + 1);	/* next package index */
	for (size_t o = 32; o < (size_t)npages * PAGE; o += 16)
		memcpy(f->m.p + o, "Slot", 4);
	off = (size_t)npages * PAGE;
	for (size_t k = s->n; k-- > 0;) {
		size_t blk = (16 + s->len[k] + 12 + 15) / 16, n = blk * 16;
		uint8_t *b = f->m.p + off, *sl;

		f->slot[k] = 32 + 16 * (k + 1);	/* slot 0 (after the header) stays free */
		f->blob[k] = off;
		f->blkcnt[k] = blk;
		sl = f->m.p + f->slot[k];
		p32(sl + 4, (uint32_t)k + 1);
		p32(sl + 8, (uint32_t)(off / 16));
		p32(sl + 12, (uint32_t)blk);
		memcpy(b, "BlbS", 4);
		p32(b + 4, (uint32_t)k + 1);
		p32(b + 8, 1700000000u + (uint32_t)k);
		p32(b + 12, (uint32_t)s->len[k]);
		memcpy(b + 16, s->p[k], s->len[k]);
		p32(b + n - 12, adler(b, n - 12));
		p32(b + n - 8, (uint32_t)s->len[k]);
		memcpy(b + n - 4, "BlbE", 4);
		off += n;
	}
}

static int walk_copy(const struct ndbfile *f, size_t size, size_t at, const void *bytes, size_t nb,
		     struct blobset *s, struct rpmdb_walk *w)
{
	struct memdb c = { malloc(f->m.n), size };
	int rc;

	memcpy(c.p, f->m.p, f->m.n);
	if (bytes)
		memcpy(c.p + at, bytes, nb);
	*w = walk_of(&c, s);
	rc = rpmndb_walk(w);
	free(c.p);
	return rc;
}

static void test_good(void **state)
{
	struct blobset s;
	struct ndbfile f;
	struct rpmdb_walk w;

	UNIT_UNUSED(state);
	fix_blobs(&s);
	for (uint32_t np = 1; np <= 2; np++) {
		mkndb(&f, &s, np);
		w = walk_of(&f.m, &s);
		assert_int_equal(rpmndb_walk(&w), 0);
		if (w.bad)
			fail_msg("%zu bad (%s)", w.bad, w.reason);
		assert_int_equal(w.blobs, s.n);
		blobset_all_once(&s);
		/* a stop value is handed back */
		w = walk_of(&f.m, &s);
		s.stop_after = 1;
		s.stop_value = -7;
		assert_int_equal(rpmndb_walk(&w), -7);
		assert_int_equal(s.calls, 1);
		s.stop_after = 0;
		free(f.m.p);
	}
	blobset_free(&s);
}

static void test_hostile(void **state)
{
	struct blobset s;
	struct ndbfile f;
	struct rpmdb_walk w;
	uint8_t b4[4];

	UNIT_UNUSED(state);
	fix_blobs(&s);
	mkndb(&f, &s, 1);
	/* wrong magic, version */
	assert_int_equal(walk_copy(&f, f.m.n, 0, "RpmQ", 4, &s, &w), -1);
	assert_non_null(w.reason);
	p32(b4, 1);
	assert_int_equal(walk_copy(&f, f.m.n, 4, b4, 4, &s, &w), -1);
	/* slot page count 0, beyond the file, huge */
	p32(b4, 0);
	assert_int_equal(walk_copy(&f, f.m.n, 12, b4, 4, &s, &w), -1);
	p32(b4, (uint32_t)(f.m.n / PAGE + 1));
	assert_int_equal(walk_copy(&f, f.m.n, 12, b4, 4, &s, &w), -1);
	p32(b4, 0xffffffffu);
	assert_int_equal(walk_copy(&f, f.m.n, 12, b4, 4, &s, &w), -1);
	/* truncated: shorter than a slot page; cut inside the blobs */
	assert_int_equal(walk_copy(&f, 100, 0, NULL, 0, &s, &w), -1);
	assert_int_equal(walk_copy(&f, f.m.n - 20, 0, NULL, 0, &s, &w), 0);
	assert_int_equal(w.bad, 1);
	assert_int_equal(w.blobs, s.n - 1);
	assert_int_equal(s.stray, 0);
	/* a slot pointing outside the file, into the slot pages, and with huge counts */
	p32(b4, 0xfffffff0u);
	assert_int_equal(walk_copy(&f, f.m.n, f.slot[0] + 8, b4, 4, &s, &w), 0);
	assert_int_equal(w.bad, 1);
	assert_non_null(strstr(w.reason, "outside"));
	assert_int_equal(w.blobs, s.n - 1);
	p32(b4, 3);
	assert_int_equal(walk_copy(&f, f.m.n, f.slot[0] + 8, b4, 4, &s, &w), 0);
	assert_int_equal(w.bad, 1);
	p32(b4, 0xffffffffu);
	assert_int_equal(walk_copy(&f, f.m.n, f.slot[0] + 12, b4, 4, &s, &w), 0);
	assert_int_equal(w.bad, 1);
	/* a slot's count one block short or long of its blob */
	p32(b4, (uint32_t)f.blkcnt[1] - 1);
	assert_int_equal(walk_copy(&f, f.m.n, f.slot[1] + 12, b4, 4, &s, &w), 0);
	assert_int_equal(w.bad, 1);
	assert_int_equal(w.blobs, s.n - 1);
	assert_int_equal(s.stray, 0);
	/* a blob length beyond the file / the slot, tail length differing */
	p32(b4, 0x7fffffffu);
	assert_int_equal(walk_copy(&f, f.m.n, f.blob[1] + 12, b4, 4, &s, &w), 0);
	assert_int_equal(w.bad, 1);
	p32(b4, (uint32_t)s.len[1] - 1);
	assert_int_equal(walk_copy(&f, f.m.n, f.blob[1] + 12, b4, 4, &s, &w), 0);
	assert_int_equal(w.bad, 1);
	/* the blob names another package than its slot */
	p32(b4, 99);
	assert_int_equal(walk_copy(&f, f.m.n, f.blob[2] + 4, b4, 4, &s, &w), 0);
	assert_int_equal(w.bad, 1);
	/* a damaged header byte: the checksum catches it */
	assert_int_equal(walk_copy(&f, f.m.n, f.blob[2] + 100, "\xee", 1, &s, &w), 0);
	assert_int_equal(w.bad, 1);
	assert_non_null(strstr(w.reason, "checksum"));
	assert_int_equal(s.stray, 0);
	/* head and slot magics */
	assert_int_equal(walk_copy(&f, f.m.n, f.blob[0], "XlbS", 4, &s, &w), 0);
	assert_int_equal(w.bad, 1);
	assert_int_equal(walk_copy(&f, f.m.n, f.slot[0], "Slox", 4, &s, &w), 0);
	assert_int_equal(w.bad, 1);
	free(f.m.p);
	blobset_free(&s);
}

/* Every slot pointing at the largest blob: reads stay within the file's size. */
static void test_overlap(void **state)
{
	struct blobset s;
	struct ndbfile f;
	struct rpmdb_walk w;
	size_t big = 0, delivered;

	UNIT_UNUSED(state);
	fix_blobs(&s);
	mkndb(&f, &s, 1);
	for (size_t i = 1; i < s.n; i++)
		big = s.len[i] > s.len[big] ? i : big;
	for (size_t o = 32; o < PAGE; o += 16) {
		memcpy(f.m.p + o + 4, f.m.p + f.slot[big] + 4, 12);
	}
	w = walk_of(&f.m, &s);
	assert_int_equal(rpmndb_walk(&w), 0);
	delivered = w.blobs;
	assert_true(delivered >= 1);
	assert_true(delivered * f.blkcnt[big] * 16 <= f.m.n);
	assert_int_equal(w.bad, PAGE / 16 - 2 - delivered);
	assert_int_equal(s.stray, 0);
	free(f.m.p);
	blobset_free(&s);
}

static void test_fuzz(void **state)
{
	struct blobset s;
	struct ndbfile f;
	uint64_t seed = 7;
	struct memdb c;

	UNIT_UNUSED(state);
	fix_blobs(&s);
	mkndb(&f, &s, 2);
	c.p = malloc(f.m.n);
	for (int round = 0; round < 600; round++) {
		struct rpmdb_walk w;

		memcpy(c.p, f.m.p, f.m.n);
		for (int k = 0; k < 1 + round % 6; k++) {
			/* mostly the header and slots, where the pointers are */
			size_t at = round % 3 ? unit_rand(&seed) % (2 * PAGE) : unit_rand(&seed) % f.m.n;

			c.p[at] = (uint8_t)unit_rand(&seed);
		}
		c.n = round % 7 ? f.m.n : unit_rand(&seed) % f.m.n;
		w = walk_of(&c, &s);
		rpmndb_walk(&w);
		assert_int_equal(s.stray, 0);
	}
	free(c.p);
	free(f.m.p);
	blobset_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
