// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * decompress.c - decode compressed modules and kernel payloads.
 *
 * Output goes out in fixed chunks so a caller can scan a 50 MB kernel without
 * holding it, and every decoder stops at a hard cap: a crafted 1 KB file that
 * inflates to gigabytes costs us nothing but a "too large" reason.
 */
#include <errno.h>
#include <lzma.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "core/decompress.h"
#include "core/util.h"

#define CHUNK (256 * 1024)

enum kd_comp comp_detect(const uint8_t *p, size_t n)
{
	static const uint8_t xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
	static const uint8_t zst[] = { 0x28, 0xb5, 0x2f, 0xfd };
	static const uint8_t lz4[] = { 0x02, 0x21, 0x4c, 0x18 };

	if (n >= sizeof(xz) && memcmp(p, xz, sizeof(xz)) == 0)
		return COMP_XZ;
	if (n >= sizeof(zst) && memcmp(p, zst, sizeof(zst)) == 0)
		return COMP_ZSTD;
	if (n >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 0x08)
		return COMP_GZIP;
	if (n >= sizeof(lz4) && memcmp(p, lz4, sizeof(lz4)) == 0)
		return COMP_LZ4;
	return COMP_NONE;
}

const char *comp_name(enum kd_comp c)
{
	switch (c) {
	case COMP_GZIP:
		return "gzip";
	case COMP_XZ:
		return "xz";
	case COMP_ZSTD:
		return "zstd";
	case COMP_LZ4:
		return "lz4";
	default:
		return "none";
	}
}

/* Account for n more output bytes; -EFBIG past the cap. */
static int emit(uint8_t *buf, size_t n, size_t *total, size_t cap, chunk_fn fn, void *ctx)
{
	if (!n)
		return 0;
	if (n > cap - *total)
		return -EFBIG;
	*total += n;
	return fn(buf, n, ctx);
}

/*
 * Where compressed bytes come from: a buffer, or a byte range of a file read
 * a chunk at a time (a kernel image is decoded without being held whole).
 */
struct input {
	const uint8_t *buf;
	int fd;
	uint64_t off;
	uint64_t left;
	uint8_t *chunk;
	/* read from the source, not taken by the decoder at the stream's end; -1: not known */
	int64_t unused;
};

/* Next piece of input; *n is 0 at the end. Returns 0 or -errno. */
static int input_next(struct input *in, const uint8_t **p, size_t *n)
{
	size_t want = in->left > CHUNK ? CHUNK : (size_t)in->left;
	ssize_t r;

	*p = NULL;
	*n = 0;
	if (!want)
		return 0;
	if (in->buf) {
		/* one slice of at most 1 GiB: zlib counts input in 32 bits */
		want = in->left > (1u << 30) ? (1u << 30) : (size_t)in->left;
		*p = in->buf + in->off;
	} else {
		if (!in->chunk)
			in->chunk = xmalloc(CHUNK);
		do
			r = pread(in->fd, in->chunk, want, (off_t)in->off);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EINVAL;	/* the file is shorter than its header said */
		want = (size_t)r;
		*p = in->chunk;
	}
	in->off += want;
	in->left -= want;
	*n = want;
	return 0;
}

static int xz_stream(struct input *in, size_t cap, chunk_fn fn, void *ctx)
{
	lzma_stream s = LZMA_STREAM_INIT;
	uint8_t *out = xmalloc(CHUNK);
	size_t total = 0;
	int r = 0;

	/* 256 MiB of dictionary is more than any real kernel or module uses */
	if (lzma_stream_decoder(&s, 256u << 20, 0) != LZMA_OK) {
		free(out);
		return -ENOMEM;
	}
	for (;;) {
		lzma_ret ret;

		if (s.avail_in == 0) {
			r = input_next(in, &s.next_in, &s.avail_in);
			if (r)
				break;
		}
		s.next_out = out;
		s.avail_out = CHUNK;
		ret = lzma_code(&s, in->left || s.avail_in ? LZMA_RUN : LZMA_FINISH);
		r = emit(out, CHUNK - s.avail_out, &total, cap, fn, ctx);
		if (r)
			break;
		if (ret == LZMA_STREAM_END) {
			in->unused = (int64_t)s.avail_in;
			break;
		}
		if (ret != LZMA_OK) {
			r = ret == LZMA_MEMLIMIT_ERROR ? -EFBIG : -EINVAL;
			break;
		}
	}
	lzma_end(&s);
	free(out);
	return r;
}

static int zstd_stream(struct input *in, size_t cap, chunk_fn fn, void *ctx)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	ZSTD_inBuffer ib = { NULL, 0, 0 };
	uint8_t *out = xmalloc(CHUNK);
	size_t total = 0;
	int r = -EINVAL;

	if (!ds) {
		free(out);
		return -ENOMEM;
	}
	/* refuse frames that ask for windows beyond 128 MiB: no module needs one */
	ZSTD_DCtx_setParameter(ds, ZSTD_d_windowLogMax, 27);
	for (;;) {
		ZSTD_outBuffer ob = { out, CHUNK, 0 };
		size_t ret;

		if (ib.pos == ib.size) {
			const uint8_t *p;
			size_t n;

			r = input_next(in, &p, &n);
			if (r)
				break;
			ib.src = p;
			ib.size = n;
			ib.pos = 0;
		}
		ret = ZSTD_decompressStream(ds, &ob, &ib);
		if (ZSTD_isError(ret)) {
			r = -EINVAL;
			break;
		}
		r = emit(out, ob.pos, &total, cap, fn, ctx);
		if (r)
			break;
		if (ret == 0) {
			in->unused = (int64_t)(ib.size - ib.pos);
			break;
		}
		if (ib.pos == ib.size && !in->left && ob.pos < ob.size) {
			r = -EINVAL;	/* truncated */
			break;
		}
	}
	ZSTD_freeDStream(ds);
	free(out);
	return r;
}

static int gzip_stream(struct input *in, size_t cap, chunk_fn fn, void *ctx)
{
	z_stream z;
	uint8_t *out = xmalloc(CHUNK);
	size_t total = 0;
	int r = 0;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK) {
		free(out);
		return -ENOMEM;
	}
	for (;;) {
		int ret;

		if (z.avail_in == 0) {
			const uint8_t *p;
			size_t n;

			r = input_next(in, &p, &n);
			if (r)
				break;
			z.next_in = (Bytef *)(uintptr_t)p;
			z.avail_in = (uInt)n;
		}
		z.next_out = out;
		z.avail_out = CHUNK;
		ret = inflate(&z, Z_NO_FLUSH);
		r = emit(out, CHUNK - z.avail_out, &total, cap, fn, ctx);
		if (r)
			break;
		if (ret == Z_STREAM_END) {
			in->unused = (int64_t)z.avail_in;
			break;
		}
		if (ret != Z_OK || (z.avail_in == 0 && !in->left && z.avail_out != 0)) {
			r = -EINVAL;
			break;
		}
	}
	inflateEnd(&z);
	free(out);
	return r;
}

static int run_stream(enum kd_comp c, struct input *in, size_t cap, chunk_fn fn, void *ctx)
{
	int r;

	switch (c) {
	case COMP_XZ:
		r = xz_stream(in, cap, fn, ctx);
		break;
	case COMP_ZSTD:
		r = zstd_stream(in, cap, fn, ctx);
		break;
	case COMP_GZIP:
		r = gzip_stream(in, cap, fn, ctx);
		break;
	default:
		r = -ENOTSUP;
		break;
	}
	free(in->chunk);
	return r;
}

int decompress_stream(enum kd_comp c, const uint8_t *in, size_t n, size_t cap, chunk_fn fn,
		      void *ctx)
{
	struct input src = { .buf = in, .fd = -1, .left = n };

	return run_stream(c, &src, cap, fn, ctx);
}

int decompress_stream_fd(enum kd_comp c, int fd, uint64_t off, uint64_t len, size_t cap,
			 chunk_fn fn, void *ctx)
{
	struct input src = { .fd = fd, .off = off, .left = len, .unused = -1 };

	return run_stream(c, &src, cap, fn, ctx);
}

int decompress_stream_fd_end(enum kd_comp c, int fd, uint64_t off, uint64_t len, size_t cap,
			     chunk_fn fn, void *ctx, uint64_t *used)
{
	struct input src = { .fd = fd, .off = off, .left = len, .unused = -1 };
	int r = run_stream(c, &src, cap, fn, ctx);

	*used = src.unused < 0 ? UINT64_MAX : src.off - off - (uint64_t)src.unused;
	return r;
}

struct collect {
	uint8_t *p;
	size_t len;
	size_t alloc;
};

static int collect_chunk(const uint8_t *p, size_t n, void *ctx)
{
	struct collect *c = ctx;

	if (c->len + n > c->alloc) {
		while (c->len + n > c->alloc)
			c->alloc = c->alloc ? c->alloc * 2 : 1u << 20;
		c->p = xrealloc(c->p, c->alloc);
	}
	memcpy(c->p + c->len, p, n);
	c->len += n;
	return 0;
}

int decompress_all(enum kd_comp c, const uint8_t *in, size_t n, size_t cap, uint8_t **out,
		   size_t *outlen)
{
	struct collect col = { 0 };
	int r;

	r = decompress_stream(c, in, n, cap, collect_chunk, &col);
	if (r) {
		free(col.p);
		return r;
	}
	*out = col.p ? col.p : xmalloc(1);
	*outlen = col.len;
	return 0;
}
