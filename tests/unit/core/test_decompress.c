// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_decompress.c - xz, zstd and gzip: round trips of data compressed here,
 * every truncation, corruption, trailing bytes, and the output cap. bzip2,
 * lzma, lzop and lz4 (legacy and frame): the same of what the real tools write
 * (toolfix.h), the kernel's appended length, and streams back to back. Each
 * decode also through decoders kept from one to the next (decompress_into).
 */
#include "unit.h"

#include <errno.h>
#include <lz4.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "core/decompress.h"
#include "core/util.h"

#include "toolfix.h"

#define KIB 1024u
#define MIB (1024u * 1024u)
#define DECODER_CHUNK (256 * KIB)	/* decompress.c's output chunk */

/*
 * Every decode of these tests goes both ways: decompress_all, and
 * decompress_into with one set of decoders and one buffer kept for the whole
 * program, as a scan's worker keeps them (after errors, other formats, other
 * caps); both must give the same answer and the same bytes.
 */
static struct kd_decoders *kept_decoders;
static struct kd_buf kept_out;

static int dec_all(enum kd_comp c, const uint8_t *in, size_t n, size_t cap, uint8_t **out,
		   size_t *outlen)
{
	int r = decompress_all(c, in, n, cap, out, outlen);
	int r2;

	if (!kept_decoders)
		kept_decoders = decoders_new();
	r2 = decompress_into(kept_decoders, c, in, n, cap, &kept_out);
	assert_int_equal(r2, r);
	if (!r) {
		assert_int_equal(kept_out.len, *outlen);
		assert_memory_equal(kept_out.p, *out, *outlen ? *outlen : 0);
	}
	return r;
}

/* ---- compressors ---- */

static uint8_t *xz_compress(const uint8_t *in, size_t n, size_t *outlen)
{
	size_t cap = lzma_stream_buffer_bound(n), pos = 0;
	uint8_t *out = malloc(cap);

	assert_non_null(out);
	assert_int_equal(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, NULL, in, n, out, &pos, cap),
			 LZMA_OK);
	*outlen = pos;
	return out;
}

static uint8_t *zstd_compress(const uint8_t *in, size_t n, size_t *outlen, bool checksum,
			      bool content_size)
{
	size_t cap = ZSTD_compressBound(n), r;
	uint8_t *out = malloc(cap);
	ZSTD_CCtx *cc = ZSTD_createCCtx();

	assert_non_null(out);
	assert_non_null(cc);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 3);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, checksum);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, content_size);
	r = ZSTD_compress2(cc, out, cap, in, n);
	assert_false(ZSTD_isError(r));
	ZSTD_freeCCtx(cc);
	*outlen = r;
	return out;
}

static uint8_t *gzip_compress(const uint8_t *in, size_t n, size_t *outlen)
{
	z_stream z;
	size_t cap = n + n / 100 + 1024;
	uint8_t *out = malloc(cap);

	assert_non_null(out);
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = z.total_out;
	deflateEnd(&z);
	return out;
}

static uint8_t *compress_as(enum kd_comp c, const uint8_t *in, size_t n, size_t *outlen)
{
	switch (c) {
	case COMP_XZ:
		return xz_compress(in, n, outlen);
	case COMP_ZSTD:
		return zstd_compress(in, n, outlen, true, true);
	default:
		return gzip_compress(in, n, outlen);
	}
}

static const enum kd_comp formats[] = { COMP_XZ, COMP_ZSTD, COMP_GZIP };

/* Half random, half repetitive: compresses somewhat, exercises both paths. */
static uint8_t *sample(size_t n, uint64_t seed)
{
	uint8_t *p = malloc(n ? n : 1);

	assert_non_null(p);
	unit_fill_random(p, n / 2, seed);
	for (size_t i = n / 2; i < n; i++)
		p[i] = (uint8_t)("kdetect module data "[i % 20]);
	return p;
}

/* Exact-size copy, so an overread is an ASan/valgrind error. */
static uint8_t *dup_exact(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);

	assert_non_null(q);
	memcpy(q, p, n);
	return q;
}

/* ---- detection ---- */

static void test_detect(void **state)
{
	static const uint8_t xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00, 0x00 };
	static const uint8_t zst[] = { 0x28, 0xb5, 0x2f, 0xfd, 0x00 };
	static const uint8_t gz[] = { 0x1f, 0x8b, 0x08, 0x00 };
	static const uint8_t lz4[] = { 0x02, 0x21, 0x4c, 0x18, 0x00 };
	static const uint8_t elf[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

	UNIT_UNUSED(state);
	assert_int_equal(comp_detect(xz, sizeof(xz)), COMP_XZ);
	assert_int_equal(comp_detect(xz, 6), COMP_XZ);
	assert_int_equal(comp_detect(xz, 5), COMP_NONE);	/* magic cut short */
	assert_int_equal(comp_detect(zst, 4), COMP_ZSTD);
	assert_int_equal(comp_detect(zst, 3), COMP_NONE);
	assert_int_equal(comp_detect(gz, 3), COMP_GZIP);
	assert_int_equal(comp_detect(gz, 2), COMP_NONE);
	assert_int_equal(comp_detect((const uint8_t *)"\x1f\x8b\x07", 3), COMP_NONE);	/* not deflate */
	assert_int_equal(comp_detect(lz4, 4), COMP_LZ4);
	assert_int_equal(comp_detect(elf, sizeof(elf)), COMP_NONE);
	assert_int_equal(comp_detect(elf, 0), COMP_NONE);

	assert_string_equal(comp_name(COMP_XZ), "xz");
	assert_string_equal(comp_name(COMP_ZSTD), "zstd");
	assert_string_equal(comp_name(COMP_GZIP), "gzip");
	assert_string_equal(comp_name(COMP_LZ4), "lz4");
	assert_string_equal(comp_name(COMP_NONE), "none");
	assert_string_equal(comp_name((enum kd_comp)99), "none");

	/* what our compressors write is what we detect */
	for (size_t f = 0; f < 3; f++) {
		size_t n;
		uint8_t *c = compress_as(formats[f], (const uint8_t *)"x", 1, &n);

		assert_int_equal(comp_detect(c, n), formats[f]);
		free(c);
	}
}

/* ---- round trips ---- */

struct chunks {
	size_t calls;
	size_t max;
	size_t total;
	uint8_t *data;
	size_t cap;
};

static int chunk_cb(const uint8_t *p, size_t n, void *ctx)
{
	struct chunks *c = ctx;

	assert_true(n > 0);
	c->calls++;
	if (n > c->max)
		c->max = n;
	if (c->data) {
		assert_true(c->total + n <= c->cap);
		memcpy(c->data + c->total, p, n);
	}
	c->total += n;
	return 0;
}

static void test_round_trip(void **state)
{
	static const size_t sizes[] = { 0, 1, 100, DECODER_CHUNK - 1, DECODER_CHUNK, DECODER_CHUNK + 1,
					3 * MIB + 17 };

	UNIT_UNUSED(state);
	for (size_t f = 0; f < 3; f++) {
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			size_t n = sizes[s], clen, outlen = 12345;
			uint8_t *in = sample(n, 1000 + s), *c = compress_as(formats[f], in, n, &clen);
			uint8_t *out = NULL;
			int r;

			r = dec_all(formats[f], c, clen, 64 * MIB, &out, &outlen);
			if (r)
				fail_msg("%s of %zu bytes: %d", comp_name(formats[f]), n, r);
			assert_int_equal(outlen, n);
			assert_non_null(out);
			if (n)
				assert_memory_equal(out, in, n);
			free(out);

			/* the streaming interface, chunk by chunk */
			{
				struct chunks ch = { .data = malloc(n ? n : 1), .cap = n };

				assert_int_equal(decompress_stream(formats[f], c, clen, 64 * MIB, chunk_cb, &ch),
						 0);
				assert_int_equal(ch.total, n);
				assert_true(ch.max <= DECODER_CHUNK);
				if (n > DECODER_CHUNK)
					assert_true(ch.calls >= 2);
				if (n)
					assert_memory_equal(ch.data, in, n);
				free(ch.data);
			}
			free(in);
			free(c);
		}
	}
}

/* zstd without a content size in the header, or without a checksum. */
static void test_zstd_variants(void **state)
{
	size_t n = 700 * KIB, clen, outlen;
	uint8_t *in = sample(n, 5), *c, *out;

	UNIT_UNUSED(state);
	for (int v = 0; v < 4; v++) {
		c = zstd_compress(in, n, &clen, v & 1, v & 2);
		assert_int_equal(dec_all(COMP_ZSTD, c, clen, 64 * MIB, &out, &outlen), 0);
		assert_int_equal(outlen, n);
		assert_memory_equal(out, in, n);
		free(out);
		free(c);
	}
	free(in);
}

/* ---- hostile input ---- */

/* Every prefix of a small stream is -EINVAL: truncation is never "success". */
static void test_every_truncation(void **state)
{
	UNIT_UNUSED(state);
	for (size_t f = 0; f < 3; f++) {
		size_t n = 3000, clen;
		uint8_t *in = sample(n, 77), *c = compress_as(formats[f], in, n, &clen);

		for (size_t len = 0; len < clen; len++) {
			uint8_t *cut = dup_exact(c, len), *out = NULL;
			size_t outlen;
			int r = dec_all(formats[f], cut, len, 64 * MIB, &out, &outlen);

			if (r != -EINVAL)
				fail_msg("%s cut to %zu of %zu bytes: got %d, want -EINVAL",
					 comp_name(formats[f]), len, clen, r);
			free(cut);
		}
		free(in);
		free(c);
	}
}

/* Truncation of a stream that spans many output chunks. */
static void test_truncation_large(void **state)
{
	UNIT_UNUSED(state);
	for (size_t f = 0; f < 3; f++) {
		size_t n = 2 * MIB, clen;
		uint8_t *in = sample(n, 78), *c = compress_as(formats[f], in, n, &clen);
		const size_t cuts[] = { clen / 3, clen / 2, clen - 64, clen - 9, clen - 4, clen - 1 };

		for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			uint8_t *cut = dup_exact(c, cuts[i]);
			struct chunks ch = { 0 };
			int r = decompress_stream(formats[f], cut, cuts[i], 64 * MIB, chunk_cb, &ch);

			if (r != -EINVAL)
				fail_msg("%s cut to %zu of %zu: %d", comp_name(formats[f]), cuts[i], clen, r);
			free(cut);
		}
		free(in);
		free(c);
	}
}

/* A flipped byte anywhere in the stream is caught (all three formats carry a checksum here). */
static void test_corruption(void **state)
{
	uint64_t seed = 31337;

	UNIT_UNUSED(state);
	for (size_t f = 0; f < 3; f++) {
		size_t n = 5000, clen;
		uint8_t *in = sample(n, 79), *c = compress_as(formats[f], in, n, &clen);

		for (size_t pos = 0; pos < clen; pos += 1 + (size_t)(unit_rand(&seed) % 7)) {
			uint8_t *bad = dup_exact(c, clen), *out = NULL;
			size_t outlen = 0;
			int r;

			bad[pos] ^= (uint8_t)(1u << (unit_rand(&seed) % 8));
			r = dec_all(formats[f], bad, clen, 64 * MIB, &out, &outlen);
			if (r == 0) {
				/*
				 * A few header bits do not change the output (gzip's mtime, OS
				 * and XFL fields; unused flag bits). Anything that decodes must
				 * decode to the original.
				 */
				if (outlen != n || memcmp(out, in, n) != 0)
					fail_msg("%s with bit flipped at %zu decoded to different data",
						 comp_name(formats[f]), pos);
				free(out);
			} else {
				assert_true(r == -EINVAL || r == -EFBIG);
			}
			free(bad);
		}
		free(in);
		free(c);
	}
}

static void test_garbage(void **state)
{
	uint8_t junk[4096];
	uint64_t seed = 4;

	UNIT_UNUSED(state);
	for (int iter = 0; iter < 200; iter++) {
		unit_fill_random(junk, sizeof(junk), unit_rand(&seed));
		for (size_t f = 0; f < 3; f++) {
			uint8_t *out = NULL;
			size_t outlen;
			int r;

			/* right magic, random rest */
			switch (formats[f]) {
			case COMP_XZ:
				memcpy(junk, "\xfd" "7zXZ\0", 6);
				break;
			case COMP_ZSTD:
				memcpy(junk, "\x28\xb5\x2f\xfd", 4);
				break;
			default:
				memcpy(junk, "\x1f\x8b\x08", 3);
				break;
			}
			r = dec_all(formats[f], junk, sizeof(junk), 1 * MIB, &out, &outlen);
			if (r == 0)
				free(out);	/* possible in principle, never yet seen */
			else
				assert_true(r == -EINVAL || r == -EFBIG);
		}
	}
}

/* Bytes after the end of the first stream are ignored, including a second stream. */
static void test_trailing_garbage(void **state)
{
	UNIT_UNUSED(state);
	for (size_t f = 0; f < 3; f++) {
		size_t n = 300 * KIB, clen, clen2, outlen;
		uint8_t *in = sample(n, 80), *c = compress_as(formats[f], in, n, &clen);
		uint8_t *other = compress_as(formats[f], (const uint8_t *)"SECOND STREAM", 13, &clen2);
		uint8_t *buf = malloc(clen + 4096 + clen2), *out;

		assert_non_null(buf);
		memcpy(buf, c, clen);
		unit_fill_random(buf + clen, 4096, 81);
		assert_int_equal(dec_all(formats[f], buf, clen + 4096, 64 * MIB, &out, &outlen), 0);
		assert_int_equal(outlen, n);
		assert_memory_equal(out, in, n);
		free(out);

		/* zero padding (as in a padded kernel payload) */
		memset(buf + clen, 0, 4096);
		assert_int_equal(dec_all(formats[f], buf, clen + 4096, 64 * MIB, &out, &outlen), 0);
		assert_int_equal(outlen, n);
		free(out);

		/* a second, valid stream is not appended to the first */
		memcpy(buf + clen, other, clen2);
		assert_int_equal(dec_all(formats[f], buf, clen + clen2, 64 * MIB, &out, &outlen), 0);
		assert_int_equal(outlen, n);
		assert_memory_equal(out, in, n);
		free(out);

		free(buf);
		free(other);
		free(in);
		free(c);
	}
}

/* A small stream of many zeros against a tiny cap: -EFBIG, and quickly. */
static void test_cap_bomb(void **state)
{
	size_t n = 16 * MIB, clen, outlen;
	uint8_t *zeros = calloc(1, n), *c, *out = NULL;

	UNIT_UNUSED(state);
	assert_non_null(zeros);
	for (size_t f = 0; f < 3; f++) {
		struct chunks ch = { 0 };

		c = compress_as(formats[f], zeros, n, &clen);
		assert_true(clen < 20 * KIB);	/* a bomb: 16 MiB from a few KiB */
		assert_int_equal(dec_all(formats[f], c, clen, 4096, &out, &outlen), -EFBIG);
		assert_int_equal(dec_all(formats[f], c, clen, 0, &out, &outlen), -EFBIG);
		assert_int_equal(dec_all(formats[f], c, clen, n - 1, &out, &outlen), -EFBIG);
		/* the callback never sees bytes past the cap */
		assert_int_equal(decompress_stream(formats[f], c, clen, 100000, chunk_cb, &ch), -EFBIG);
		assert_true(ch.total <= 100000);
		/* the exact size fits */
		assert_int_equal(dec_all(formats[f], c, clen, n, &out, &outlen), 0);
		assert_int_equal(outlen, n);
		free(out);
		free(c);
	}
	free(zeros);
}

/* Cap boundaries around a chunk: cap = size passes, cap = size - 1 fails. */
static void test_cap_exact(void **state)
{
	static const size_t sizes[] = { 1, 4096, DECODER_CHUNK, DECODER_CHUNK + 1, 600 * KIB };

	UNIT_UNUSED(state);
	for (size_t f = 0; f < 3; f++) {
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			size_t n = sizes[s], clen, outlen;
			uint8_t *in = sample(n, 90 + s), *c = compress_as(formats[f], in, n, &clen), *out;

			assert_int_equal(dec_all(formats[f], c, clen, n, &out, &outlen), 0);
			assert_int_equal(outlen, n);
			free(out);
			assert_int_equal(dec_all(formats[f], c, clen, n - 1, &out, &outlen), -EFBIG);
			free(in);
			free(c);
		}
	}
	/* an empty stream fits a zero cap */
	for (size_t f = 0; f < 3; f++) {
		size_t clen, outlen = 99;
		uint8_t *c = compress_as(formats[f], (const uint8_t *)"", 0, &clen), *out = NULL;

		assert_int_equal(dec_all(formats[f], c, clen, 0, &out, &outlen), 0);
		assert_int_equal(outlen, 0);
		assert_non_null(out);
		free(out);
		free(c);
	}
}

/* An xz stream whose LZMA2 dictionary needs more memory than the decoder allows. */
static void test_xz_memlimit(void **state)
{
	size_t clen, outlen, hsize;
	uint8_t *c = xz_compress((const uint8_t *)"hello", 5, &clen), *out, *h, *dict = NULL;
	uint32_t crc;

	UNIT_UNUSED(state);
	/* the block header follows the 12-byte stream header; find the LZMA2 filter flags */
	h = c + 12;
	hsize = ((size_t)h[0] + 1) * 4;
	for (size_t i = 1; i + 2 < hsize - 4; i++) {
		if (h[i] == 0x21 && h[i + 1] == 0x01) {
			dict = &h[i + 2];
			break;
		}
	}
	assert_non_null(dict);
	*dict = 36;	/* 2^30 = 1 GiB of dictionary, above the 256 MiB limit */
	crc = lzma_crc32(h, hsize - 4, 0);
	h[hsize - 4] = (uint8_t)crc;
	h[hsize - 3] = (uint8_t)(crc >> 8);
	h[hsize - 2] = (uint8_t)(crc >> 16);
	h[hsize - 1] = (uint8_t)(crc >> 24);
	assert_int_equal(dec_all(COMP_XZ, c, clen, 64 * MIB, &out, &outlen), -EFBIG);
	/* within the limit the same patch decodes */
	*dict = 30;	/* 2^27 = 128 MiB */
	crc = lzma_crc32(h, hsize - 4, 0);
	h[hsize - 4] = (uint8_t)crc;
	h[hsize - 3] = (uint8_t)(crc >> 8);
	h[hsize - 2] = (uint8_t)(crc >> 16);
	h[hsize - 1] = (uint8_t)(crc >> 24);
	assert_int_equal(dec_all(COMP_XZ, c, clen, 64 * MIB, &out, &outlen), 0);
	assert_int_equal(outlen, 5);
	assert_memory_equal(out, "hello", 5);
	free(out);
	free(c);
}

/* A zstd frame asking for a 256 MiB window is refused before any allocation. */
static void test_zstd_window_limit(void **state)
{
	size_t clen, outlen;
	uint8_t *c = zstd_compress((const uint8_t *)"hello hello hello", 17, &clen, false, false);
	uint8_t *out = NULL;
	int r;

	UNIT_UNUSED(state);
	/* no content size, so no single-segment flag: a Window_Descriptor byte follows */
	assert_int_equal(c[4] & 0x20, 0);
	c[5] = (uint8_t)(18 << 3);	/* exponent 18: windowLog 28 */
	r = dec_all(COMP_ZSTD, c, clen, 64 * MIB, &out, &outlen);
	assert_true(r == -EINVAL || r == -EFBIG);
	c[5] = (uint8_t)(17 << 3);	/* windowLog 27 is allowed */
	assert_int_equal(dec_all(COMP_ZSTD, c, clen, 64 * MIB, &out, &outlen), 0);
	assert_int_equal(outlen, 17);
	free(out);
	free(c);
}

/* A gzip member whose trailer (CRC32, ISIZE) does not match. */
static void test_gzip_trailer(void **state)
{
	size_t n = 10000, clen, outlen;
	uint8_t *in = sample(n, 3), *c = gzip_compress(in, n, &clen), *out;

	UNIT_UNUSED(state);
	c[clen - 8] ^= 1;	/* CRC32 */
	assert_int_equal(dec_all(COMP_GZIP, c, clen, 64 * MIB, &out, &outlen), -EINVAL);
	c[clen - 8] ^= 1;
	c[clen - 1] ^= 1;	/* ISIZE */
	assert_int_equal(dec_all(COMP_GZIP, c, clen, 64 * MIB, &out, &outlen), -EINVAL);
	c[clen - 1] ^= 1;
	assert_int_equal(dec_all(COMP_GZIP, c, clen, 64 * MIB, &out, &outlen), 0);
	free(out);
	free(in);
	free(c);
}

static int stop_cb(const uint8_t *p, size_t n, void *ctx)
{
	size_t *calls = ctx;

	UNIT_UNUSED(p);
	UNIT_UNUSED(n);
	(*calls)++;
	return 42;
}

/* A callback's non-zero return stops decoding and is passed back. */
static void test_callback_stop(void **state)
{
	UNIT_UNUSED(state);
	for (size_t f = 0; f < 3; f++) {
		size_t n = 1 * MIB, clen, calls = 0;
		uint8_t *in = sample(n, 6), *c = compress_as(formats[f], in, n, &clen);

		assert_int_equal(decompress_stream(formats[f], c, clen, 64 * MIB, stop_cb, &calls), 42);
		assert_int_equal(calls, 1);
		free(in);
		free(c);
	}
}

static void test_unsupported(void **state)
{
	static const uint8_t lz4[] = { 0x02, 0x21, 0x4c, 0x18, 0, 0, 0, 0 };
	uint8_t *out = NULL;
	size_t outlen = 7;
	size_t calls = 0;

	UNIT_UNUSED(state);
	assert_int_equal(dec_all(COMP_NONE, lz4, sizeof(lz4), MIB, &out, &outlen), -ENOTSUP);
	assert_null(out);
	assert_int_equal(decompress_stream((enum kd_comp)77, lz4, sizeof(lz4), MIB, stop_cb, &calls),
			 -ENOTSUP);
	assert_int_equal(calls, 0);
}

/* Data in one format handed to another decoder is refused, not mis-decoded. */
static void test_wrong_decoder(void **state)
{
	size_t n = 10000;
	uint8_t *in = sample(n, 8);

	UNIT_UNUSED(state);
	for (size_t f = 0; f < 3; f++) {
		size_t clen;
		uint8_t *c = compress_as(formats[f], in, n, &clen);

		for (size_t g = 0; g < 3; g++) {
			uint8_t *out = NULL;
			size_t outlen;

			if (f == g)
				continue;
			assert_int_equal(dec_all(formats[g], c, clen, 64 * MIB, &out, &outlen),
					 -EINVAL);
		}
		free(c);
	}
	free(in);
}

/* ---- what the real tools write: bzip2, lzma, lzop, lz4 ---- */

struct tool {
	enum kd_comp comp;
	const char *cmd;
	bool checked;	/* the format checks its data: any corruption is -EINVAL */
	bool legacy;	/* the legacy lz4 frame: no end mark */
};

static const struct tool tools[] = {
	{ COMP_BZIP2, "bzip2 -9 -c", true, false },
	{ COMP_LZMA, "xz --format=lzma -9 -c", false, false },	/* the kernel's "lzma -9" */
	{ COMP_LZO, "lzop -9 -c", true, false },		/* the kernel's "lzop -9" */
	{ COMP_LZO, "lzop -1 --crc32 -c", true, false },
	/* from a named file: the header holds its name and mtime */
	{ COMP_LZO, "{ t=$(mktemp) && cat >\"$t\" && lzop -9 -c \"$t\" && rm -f \"$t\"; }", true,
	  false },
	{ COMP_LZ4, "lz4 -q -l -9 -c", false, true },		/* the kernel's "lz4 -l -9" */
	{ COMP_LZ4, "lz4 -q -9 -c", true, false },		/* the frame, content checksum */
	{ COMP_LZ4, "lz4 -q -1 -BD -BX -B4 -c", true, false },	/* linked 64 KiB blocks, block sums */
};
#define NTOOLS (sizeof(tools) / sizeof(tools[0]))

static uint8_t *tool_compress(const struct tool *t, const uint8_t *in, size_t n, size_t *clen)
{
	return tool_run(t->cmd, in, n, clen);
}

/* Decode through a file, a chunk at a time, as the kernel image reader does. */
static int decode_fd(const struct tool *t, const uint8_t *c, size_t clen, size_t cap,
		     struct chunks *ch)
{
	int fd = memfd_create("decompress", MFD_CLOEXEC), r;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "pad", 3), 3);	/* the stream at an offset */
	assert_int_equal(write(fd, c, clen), (ssize_t)clen);
	r = decompress_stream_fd(t->comp, fd, 3, clen, cap, chunk_cb, ch);
	close(fd);
	return r;
}

static void test_tool_round_trip(void **state)
{
	/* the last: more than one 8 MiB block of the legacy lz4 frame, 2 MiB for the others */
	static const size_t sizes[] = { 0, 1, 1000, DECODER_CHUNK + 1, 9 * MIB + 5 };

	UNIT_UNUSED(state);
	for (size_t t = 0; t < NTOOLS; t++) {
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			size_t n = sizes[s] > 8 * MIB && !tools[t].legacy ? 2 * MIB + 3 : sizes[s];
			size_t clen, outlen = 1, used = 0;
			uint8_t *in = sample(n, 2000 + s), *c = tool_compress(&tools[t], in, n, &clen);
			uint8_t *out = NULL;
			int r;

			assert_int_equal(comp_detect(c, clen), tools[t].comp);
			r = dec_all(tools[t].comp, c, clen, 64 * MIB, &out, &outlen);
			if (r)
				fail_msg("%s, %zu bytes: %d", tools[t].cmd, n, r);
			assert_int_equal(outlen, n);
			if (n)
				assert_memory_equal(out, in, n);
			free(out);

			{
				struct chunks ch = { .data = malloc(n ? n : 1), .cap = n };

				assert_int_equal(decompress_stream_used(tools[t].comp, c, clen, 64 * MIB,
									chunk_cb, &ch, &used), 0);
				assert_int_equal(ch.total, n);
				assert_int_equal(used, clen);	/* the whole stream, no more */
				if (n)
					assert_memory_equal(ch.data, in, n);
				free(ch.data);
			}
			{
				struct chunks ch = { .data = malloc(n ? n : 1), .cap = n };

				if (decode_fd(&tools[t], c, clen, 64 * MIB, &ch))
					fail_msg("%s, %zu bytes, from a file", tools[t].cmd, n);
				assert_int_equal(ch.total, n);
				if (n)
					assert_memory_equal(ch.data, in, n);
				free(ch.data);
			}
			free(in);
			free(c);
		}
	}
}

/*
 * A kernel payload: the stream, then the uncompressed length (LE32). The
 * legacy lz4 frame has no end mark: the length is not a block, whether it is
 * too large for one or merely the input's last four bytes.
 */
static void test_tool_kernel_length(void **state)
{
	/* 9 MiB: a legacy lz4 length too large for a block (2 MiB for the others) */
	static const size_t sizes[] = { 1000, 9 * MIB + 5 };

	UNIT_UNUSED(state);
	for (size_t t = 0; t < NTOOLS; t++) {
		for (size_t s = 0; s < 2; s++) {
			size_t n = sizes[s] > 8 * MIB && !tools[t].legacy ? 2 * MIB + 3 : sizes[s];
			size_t clen, outlen, used;
			uint8_t *in = sample(n, 3000 + s), *c = tool_compress(&tools[t], in, n, &clen);
			uint8_t *pl = malloc(clen + 4), *out;
			struct chunks ch = { 0 };

			assert_non_null(pl);
			memcpy(pl, c, clen);
			for (int i = 0; i < 4; i++)
				pl[clen + i] = (uint8_t)(n >> (8 * i));
			if (dec_all(tools[t].comp, pl, clen + 4, 64 * MIB, &out, &outlen))
				fail_msg("%s, %zu bytes and the length", tools[t].cmd, n);
			assert_int_equal(outlen, n);
			assert_memory_equal(out, in, n);
			free(out);
			assert_int_equal(decompress_stream_used(tools[t].comp, pl, clen + 4, 64 * MIB,
								chunk_cb, &ch, &used), 0);
			/* a size no block has is left alone; the last four bytes are taken */
			if (tools[t].legacy && n < (size_t)LZ4_COMPRESSBOUND(8 * MIB))
				assert_int_equal(used, clen + 4);
			else
				assert_int_equal(used, clen);
			free(pl);
			free(in);
			free(c);
		}
	}
}

/* Streams back to back (an initramfs): each decodes alone, and says where it ended. */
static void test_tool_concatenated(void **state)
{
	UNIT_UNUSED(state);
	for (size_t t = 0; t < NTOOLS; t++) {
		size_t n1 = 70 * KIB, n2 = 5000, c1len, c2len, used = 0, used2 = 0;
		uint8_t *in1 = sample(n1, 41), *in2 = sample(n2, 42);
		uint8_t *c1 = tool_compress(&tools[t], in1, n1, &c1len);
		uint8_t *c2 = tool_compress(&tools[t], in2, n2, &c2len);
		uint8_t *both = malloc(c1len + c2len);
		struct chunks ch1 = { .data = malloc(n1), .cap = n1 }, ch2 = { .data = malloc(n2), .cap = n2 };

		assert_non_null(both);
		memcpy(both, c1, c1len);
		memcpy(both + c1len, c2, c2len);
		assert_int_equal(decompress_stream_used(tools[t].comp, both, c1len + c2len, 64 * MIB,
							chunk_cb, &ch1, &used), 0);
		assert_int_equal(used, c1len);
		assert_int_equal(ch1.total, n1);
		assert_memory_equal(ch1.data, in1, n1);
		assert_int_equal(comp_detect(both + used, c2len), tools[t].comp);
		assert_int_equal(decompress_stream_used(tools[t].comp, both + used, c1len + c2len - used,
							64 * MIB, chunk_cb, &ch2, &used2), 0);
		assert_int_equal(used2, c2len);
		assert_int_equal(ch2.total, n2);
		assert_memory_equal(ch2.data, in2, n2);
		free(ch1.data);
		free(ch2.data);
		free(both);
		free(in1);
		free(in2);
		free(c1);
		free(c2);
	}
}

/*
 * Streams back to back in a file (an initramfs: one compressed cpio after
 * another), every format: decompress_stream_fd_used() says where the first
 * ends, and where the last ends when it runs to the end of the file.
 */
static void test_fd_used_concatenated(void **state)
{
	static const struct tool more[] = {
		{ COMP_GZIP, "gzip -9 -c", true, false },
		{ COMP_XZ, "xz --check=crc32 -c", true, false },
		{ COMP_ZSTD, "zstd -q -c", true, false },
	};

	UNIT_UNUSED(state);
	for (size_t t = 0; t < NTOOLS + 3; t++) {
		const struct tool *tl = t < NTOOLS ? &tools[t] : &more[t - NTOOLS];
		size_t n1 = 70 * KIB, n2 = 5000, c1len, c2len;
		uint8_t *in1 = sample(n1, 43), *in2 = sample(n2, 44);
		uint8_t *c1 = tool_compress(tl, in1, n1, &c1len), *c2 = tool_compress(tl, in2, n2, &c2len);
		struct chunks ch = { .data = malloc(n1), .cap = n1 }, ch2 = { .data = malloc(n2), .cap = n2 };
		int fd = memfd_create("decompress", MFD_CLOEXEC);
		uint64_t used = 0;

		assert_true(fd >= 0);
		assert_int_equal(write(fd, "pad", 3), 3);
		assert_int_equal(write(fd, c1, c1len), (ssize_t)c1len);
		assert_int_equal(write(fd, c2, c2len), (ssize_t)c2len);
		assert_int_equal(decompress_stream_fd_used(tl->comp, fd, 3, c1len + c2len, 64 * MIB,
							   chunk_cb, &ch, &used), 0);
		assert_int_equal(used, c1len);
		assert_int_equal(ch.total, n1);
		assert_memory_equal(ch.data, in1, n1);
		assert_int_equal(decompress_stream_fd_used(tl->comp, fd, 3 + c1len, c2len, 64 * MIB,
							   chunk_cb, &ch2, &used), 0);
		assert_int_equal(used, c2len);
		assert_memory_equal(ch2.data, in2, n2);
		close(fd);
		free(ch.data);
		free(ch2.data);
		free(in1);
		free(in2);
		free(c1);
		free(c2);
	}
}

/*
 * Every prefix of a small stream is -EINVAL. A legacy lz4 stream has no end
 * mark: cut after the magic, or after the magic and a size word (which reads
 * as the kernel's length), it is an empty stream; cut inside a block, -EINVAL.
 */
static void test_tool_every_truncation(void **state)
{
	UNIT_UNUSED(state);
	for (size_t t = 0; t < NTOOLS; t++) {
		size_t n = 3000, clen;
		uint8_t *in = sample(n, 50), *c = tool_compress(&tools[t], in, n, &clen);

		for (size_t len = 0; len < clen; len++) {
			uint8_t *cut = dup_exact(c, len), *out = NULL;
			size_t outlen = 0;
			int r = dec_all(tools[t].comp, cut, len, 64 * MIB, &out, &outlen);

			if (tools[t].legacy && (len == 4 || len == 8) && r == 0) {
				assert_int_equal(outlen, 0);
			} else if (r != -EINVAL) {
				fail_msg("%s cut to %zu of %zu bytes: %d", tools[t].cmd, len, clen, r);
			}
			free(out);
			free(cut);
		}
		free(in);
		free(c);
	}
}

/* A large stream cut in half, from memory and from a file read in chunks. */
static void test_tool_truncation_large(void **state)
{
	UNIT_UNUSED(state);
	for (size_t t = 0; t < NTOOLS; t++) {
		size_t n = 3 * MIB, clen, outlen;
		uint8_t *in = sample(n, 51), *c = tool_compress(&tools[t], in, n, &clen), *out = NULL;
		struct chunks ch = { 0 };

		assert_int_equal(dec_all(tools[t].comp, c, clen / 2, 64 * MIB, &out, &outlen),
				 -EINVAL);
		assert_int_equal(decode_fd(&tools[t], c, clen / 2, 64 * MIB, &ch), -EINVAL);
		assert_true(ch.total < n);
		free(in);
		free(c);
	}
}

/*
 * A flipped byte in the data: -EINVAL where the format checks its data
 * (bzip2's CRCs, lzop's sums, the lz4 frame's); never the original output.
 */
static void test_tool_corruption(void **state)
{
	UNIT_UNUSED(state);
	for (size_t t = 0; t < NTOOLS; t++) {
		size_t n = 50000, clen;
		uint8_t *in = sample(n, 52), *c = tool_compress(&tools[t], in, n, &clen);

		for (size_t pos = clen / 8; pos < clen; pos += clen / 40 + 1) {
			uint8_t *bad = dup_exact(c, clen), *out = NULL;
			size_t outlen = 0;
			int r;

			bad[pos] ^= 0x5a;
			r = dec_all(tools[t].comp, bad, clen, 64 * MIB, &out, &outlen);
			if (tools[t].checked && r != -EINVAL)
				fail_msg("%s, byte %zu of %zu flipped: %d", tools[t].cmd, pos, clen, r);
			if (!r && outlen == n && !memcmp(out, in, n))
				fail_msg("%s, byte %zu of %zu flipped: decodes as the original",
					 tools[t].cmd, pos, clen);
			free(out);
			free(bad);
		}
		free(in);
		free(c);
	}
}

/* lzop's header has its own checksum: no byte of it changes unnoticed. */
static void test_lzop_header(void **state)
{
	/* magic 9, versions 6, method and level 2, flags 4, mode 4, mtime 8, name 1, sum 4 */
	const size_t header = 9 + 6 + 2 + 4 + 4 + 8 + 1 + 4;
	size_t n = 2000, clen;
	uint8_t *in = sample(n, 53), *c = tool_run("lzop -9 -c", in, n, &clen);

	UNIT_UNUSED(state);
	assert_true(clen > header);
	assert_int_equal(c[header - 5], 0);	/* no file name from standard input */
	for (size_t pos = 0; pos < header; pos++) {
		uint8_t *bad = dup_exact(c, clen), *out = NULL;
		size_t outlen;

		bad[pos] ^= 0x01;
		if (dec_all(COMP_LZO, bad, clen, 64 * MIB, &out, &outlen) != -EINVAL)
			fail_msg("lzop header byte %zu flipped: not refused", pos);
		free(bad);
	}
	free(in);
	free(c);
}

/* Output over the cap, and a bomb: 16 MiB of zeros from a few KiB. */
static void test_tool_cap(void **state)
{
	size_t nz = 16 * MIB;
	uint8_t *zeros = calloc(1, nz);

	UNIT_UNUSED(state);
	assert_non_null(zeros);
	for (size_t t = 0; t < NTOOLS; t++) {
		size_t n = 600 * KIB, clen, outlen;
		uint8_t *in = sample(n, 54), *c = tool_compress(&tools[t], in, n, &clen), *out = NULL;
		struct chunks ch = { 0 };

		assert_int_equal(dec_all(tools[t].comp, c, clen, n, &out, &outlen), 0);
		assert_int_equal(outlen, n);
		free(out);
		assert_int_equal(dec_all(tools[t].comp, c, clen, n - 1, &out, &outlen), -EFBIG);
		free(c);
		free(in);

		c = tool_compress(&tools[t], zeros, nz, &clen);
		assert_true(clen < nz / 100);
		assert_int_equal(dec_all(tools[t].comp, c, clen, 4096, &out, &outlen), -EFBIG);
		assert_int_equal(decompress_stream(tools[t].comp, c, clen, 100000, chunk_cb, &ch), -EFBIG);
		assert_true(ch.total <= 100000);
		assert_int_equal(decode_fd(&tools[t], c, clen, nz - 1, &ch), -EFBIG);
		assert_int_equal(dec_all(tools[t].comp, c, clen, nz, &out, &outlen), 0);
		assert_int_equal(outlen, nz);
		free(out);
		free(c);
	}
	free(zeros);
}

/* Magic numbers, the weak ones included: a .lzma header must look like the tools' own. */
static void test_detect_more(void **state)
{
	uint8_t lzma[13] = { 0x5d, 0x00, 0x00, 0x80, 0x00 };	/* 8 MiB dictionary */
	static const uint8_t bz[] = { 'B', 'Z', 'h', '9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59 };
	static const uint8_t bz_empty[] = { 'B', 'Z', 'h', '9', 0x17, 0x72, 0x45, 0x38, 0x50, 0x90 };
	static const uint8_t lzop[] = { 0x89, 'L', 'Z', 'O', 0x00, 0x0d, 0x0a, 0x1a, 0x0a };
	static const uint8_t lz4f[] = { 0x04, 0x22, 0x4d, 0x18 };
	uint8_t v[13];

	UNIT_UNUSED(state);
	memset(lzma + 5, 0xff, 8);	/* size unknown: the end mark ends the stream */
	assert_int_equal(comp_detect(lzma, 13), COMP_LZMA);
	assert_int_equal(comp_detect(lzma, 12), COMP_NONE);
	memcpy(v, lzma, 13);
	v[0] = 0x5e;	/* other lc/lp/pb than the tools write */
	assert_int_equal(comp_detect(v, 13), COMP_NONE);
	memcpy(v, lzma, 13);
	v[3] = 0x30;	/* 3 MiB = 2^21 + 2^20: a size the tools can write */
	assert_int_equal(comp_detect(v, 13), COMP_LZMA);
	v[3] = 0x50;	/* 5 MiB: not */
	assert_int_equal(comp_detect(v, 13), COMP_NONE);
	memcpy(v, lzma, 13);
	v[1] = 0x00, v[2] = 0x08, v[3] = 0x00;	/* 2 KiB: below any the tools write */
	assert_int_equal(comp_detect(v, 13), COMP_NONE);
	memcpy(v, lzma, 13);
	memset(v + 5, 0, 8);
	v[10] = 0x01;	/* 2^40 bytes uncompressed */
	assert_int_equal(comp_detect(v, 13), COMP_NONE);
	v[10] = 0;
	v[7] = 0x01;	/* 64 KiB */
	assert_int_equal(comp_detect(v, 13), COMP_LZMA);

	assert_int_equal(comp_detect(bz, sizeof(bz)), COMP_BZIP2);
	assert_int_equal(comp_detect(bz_empty, sizeof(bz_empty)), COMP_BZIP2);
	assert_int_equal(comp_detect(bz, sizeof(bz) - 1), COMP_NONE);
	memcpy(v, bz, sizeof(bz));
	v[3] = '0';
	assert_int_equal(comp_detect(v, sizeof(bz)), COMP_NONE);
	memcpy(v, bz, sizeof(bz));
	v[9] = 0x58;
	assert_int_equal(comp_detect(v, sizeof(bz)), COMP_NONE);
	assert_int_equal(comp_detect(lzop, sizeof(lzop)), COMP_LZO);
	assert_int_equal(comp_detect(lzop, sizeof(lzop) - 1), COMP_NONE);
	assert_int_equal(comp_detect(lz4f, sizeof(lz4f)), COMP_LZ4);
	assert_int_equal(comp_detect(lz4f, 3), COMP_NONE);

	assert_string_equal(comp_name(COMP_BZIP2), "bzip2");
	assert_string_equal(comp_name(COMP_LZMA), "lzma");
	assert_string_equal(comp_name(COMP_LZO), "lzo");
}

int main(void)
{
	int r;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_zstd_variants),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_truncation_large),
		cmocka_unit_test(test_corruption),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_cap_bomb),
		cmocka_unit_test(test_cap_exact),
		cmocka_unit_test(test_xz_memlimit),
		cmocka_unit_test(test_zstd_window_limit),
		cmocka_unit_test(test_gzip_trailer),
		cmocka_unit_test(test_callback_stop),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_wrong_decoder),
		cmocka_unit_test(test_detect_more),
		cmocka_unit_test(test_tool_round_trip),
		cmocka_unit_test(test_tool_kernel_length),
		cmocka_unit_test(test_tool_concatenated),
		cmocka_unit_test(test_fd_used_concatenated),
		cmocka_unit_test(test_tool_every_truncation),
		cmocka_unit_test(test_tool_truncation_large),
		cmocka_unit_test(test_tool_corruption),
		cmocka_unit_test(test_lzop_header),
		cmocka_unit_test(test_tool_cap),
	};

	r = cmocka_run_group_tests_name("decompress", tests, NULL, NULL);
	decoders_free(kept_decoders);
	kd_buf_free(&kept_out);
	return r;
}
