/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpmdbfix.h - what the tests of the RPM database readers share: a database file
 * in memory behind the read callback, the fixtures tests/mkrpmdb.sh made with the
 * real tools (unit.mk runs it into build/unit/rpmdb; KD_RPMDB_FIXTURES overrides),
 * and a collector that checks the blobs handed on against the ones rpm stored.
 */
#ifndef KD_RPMDBFIX_H
#define KD_RPMDBFIX_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/rpmdb.h"

struct memdb {
	uint8_t *p;
	size_t n;
};

static int memdb_read(void *io, uint64_t off, void *buf, size_t n)
{
	struct memdb *m = io;

	if (off > m->n || n > m->n - off)
		return -EIO;
	memcpy(buf, m->p + off, n);
	return 0;
}

static const char *fix_dir(void)
{
	const char *d = getenv("KD_RPMDB_FIXTURES");

	return d && *d ? d : "build/unit/rpmdb";
}

/* The whole file fix_dir()/rel; fails the test when it is missing. */
static struct memdb fix_load(const char *rel)
{
	char path[4096];
	struct memdb m = { 0 };
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", fix_dir(), rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("fixture %s missing (make build/unit/rpmdb/.made runs tests/mkrpmdb.sh)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	m.p = malloc((size_t)n);
	m.n = (size_t)n;
	assert_int_equal(fread(m.p, 1, m.n, f), m.n);
	fclose(f);
	return m;
}

#define FIX_MAX_BLOBS 16

struct blobset {
	size_t n;
	uint8_t *p[FIX_MAX_BLOBS];
	size_t len[FIX_MAX_BLOBS];
	unsigned seen[FIX_MAX_BLOBS];
	unsigned stray;		/* blobs handed on that rpm did not store */
	int stop_after;		/* non-zero: return stop_value after that many */
	int stop_value, calls;
};

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The header blobs rpm stored (blobs/N.hex, from its sqlite database), N = 1.. */
static void fix_blobs(struct blobset *s)
{
	memset(s, 0, sizeof(*s));
	for (int i = 1; i <= FIX_MAX_BLOBS; i++) {
		char rel[64];
		struct memdb m;
		FILE *f;
		size_t k = 0;

		snprintf(rel, sizeof(rel), "%s/blobs/%d.hex", fix_dir(), i);
		f = fopen(rel, "r");
		if (!f)
			break;
		fclose(f);
		snprintf(rel, sizeof(rel), "blobs/%d.hex", i);
		m = fix_load(rel);
		s->p[s->n] = malloc(m.n / 2 + 1);
		for (size_t j = 0; j + 1 < m.n && hexval(m.p[j]) >= 0; j += 2) {
			assert_true(hexval(m.p[j + 1]) >= 0);
			s->p[s->n][k++] = (uint8_t)(hexval(m.p[j]) << 4 | hexval(m.p[j + 1]));
		}
		s->len[s->n++] = k;
		free(m.p);
	}
	if (s->n < 3)
		fail_msg("fewer than 3 blobs in %s/blobs", fix_dir());
}

static void blobset_free(struct blobset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->p[i]);
}

static void blobset_reset(struct blobset *s)
{
	memset(s->seen, 0, sizeof(s->seen));
	s->stray = 0;
	s->calls = 0;
}

/* blob callback: which stored blob is it (byte for byte)? */
static int blobset_cb(void *ctx, const uint8_t *blob, size_t n)
{
	struct blobset *s = ctx;
	size_t i;

	s->calls++;
	for (i = 0; i < s->n; i++)
		if (s->len[i] == n && !memcmp(s->p[i], blob, n))
			break;
	if (i < s->n)
		s->seen[i]++;
	else
		s->stray++;
	if (s->stop_after && s->calls == s->stop_after)
		return s->stop_value;
	return 0;
}

/* Every stored blob was handed on exactly once, and nothing else. */
static void blobset_all_once(const struct blobset *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->seen[i] != 1)
			fail_msg("blob %zu (%zu bytes) handed on %u times", i + 1, s->len[i], s->seen[i]);
	assert_int_equal(s->stray, 0);
}

static struct rpmdb_walk walk_of(struct memdb *m, struct blobset *s)
{
	struct rpmdb_walk w = { .read = memdb_read, .io = m, .size = m->n, .blob = blobset_cb, .ctx = s };

	blobset_reset(s);
	return w;
}

#endif
