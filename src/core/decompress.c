// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * decompress.c - decode compressed modules and kernel payloads.
 *
 * Output goes out in fixed chunks so a caller can scan a 50 MB kernel without
 * holding it, and every decoder stops at a hard cap: a crafted 1 KB file that
 * inflates to gigabytes costs us nothing but a "too large" reason.
 */
#include <bzlib.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "core/decompress.h"
#include "core/util.h"

#define CHUNK (256 * 1024)

/*
 * The .lzma ("alone") header has no magic: a properties byte, a 32-bit
 * dictionary size and a 64-bit uncompressed size. Accept only what the lzma
 * tools write: lc=3 lp=0 pb=2 (0x5d), a dictionary of 2^k or 2^k + 2^(k-1)
 * bytes between 4 KiB and 1.5 GiB, and an unknown (all ones) or sane size.
 */
static bool lzma_alone_plausible(const uint8_t *p, size_t n)
{
	uint32_t dict;
	uint64_t size = 0;

	if (n < 13 || p[0] != 0x5d)
		return false;
	dict = (uint32_t)p[1] | (uint32_t)p[2] << 8 | (uint32_t)p[3] << 16 | (uint32_t)p[4] << 24;
	if (dict < 4096 || dict > (3u << 29))
		return false;
	if ((dict & (dict - 1)) != 0) {
		uint32_t low = dict & -dict;

		if (dict != low * 3)
			return false;
	}
	for (int i = 12; i >= 5; i--)
		size = size << 8 | p[i];
	return size == UINT64_MAX || size < (1ull << 40);
}

enum kd_comp comp_detect(const uint8_t *p, size_t n)
{
	static const uint8_t xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
	static const uint8_t zst[] = { 0x28, 0xb5, 0x2f, 0xfd };
	static const uint8_t lz4[] = { 0x02, 0x21, 0x4c, 0x18 };
	static const uint8_t lz4f[] = { 0x04, 0x22, 0x4d, 0x18 };
	static const uint8_t lzop[] = { 0x89, 'L', 'Z', 'O', 0x00, 0x0d, 0x0a, 0x1a, 0x0a };
	static const uint8_t bzblock[] = { 0x31, 0x41, 0x59, 0x26, 0x53, 0x59 };

	if (n >= sizeof(xz) && memcmp(p, xz, sizeof(xz)) == 0)
		return COMP_XZ;
	if (n >= sizeof(zst) && memcmp(p, zst, sizeof(zst)) == 0)
		return COMP_ZSTD;
	if (n >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 0x08)
		return COMP_GZIP;
	if (n >= sizeof(lz4) && memcmp(p, lz4, sizeof(lz4)) == 0)
		return COMP_LZ4;
	if (n >= sizeof(lz4f) && memcmp(p, lz4f, sizeof(lz4f)) == 0)
		return COMP_LZ4;
	if (n >= sizeof(lzop) && memcmp(p, lzop, sizeof(lzop)) == 0)
		return COMP_LZO;
	/* "BZh", the block size digit, then the first block's (or end of stream's) magic */
	if (n >= 10 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' && p[3] <= '9' &&
	    (memcmp(p + 4, bzblock, sizeof(bzblock)) == 0 ||
	     (p[4] == 0x17 && p[5] == 0x72 && p[6] == 0x45 && p[7] == 0x38 && p[8] == 0x50 &&
	      p[9] == 0x90)))
		return COMP_BZIP2;
	if (lzma_alone_plausible(p, n))
		return COMP_LZMA;
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
	case COMP_BZIP2:
		return "bzip2";
	case COMP_LZMA:
		return "lzma";
	case COMP_LZO:
		return "lzo";
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
	/*
	 * Set by each decoder when it returns: bytes read from the source that
	 * it did not take (past the stream's end); -1 until a decoder ran.
	 */
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

/* Exact-length reads over input_next, for the block formats (lzop, legacy lz4). */
struct reader {
	struct input *in;
	const uint8_t *p;
	size_t n;
};

/* Bytes not yet read: what the current piece holds and what the input has left. */
static uint64_t rd_left(const struct reader *rd)
{
	return rd->n + rd->in->left;
}

/* Copy exactly len bytes to dst; -EINVAL when the input ends first. */
static int rd_read(struct reader *rd, void *dst, size_t len)
{
	uint8_t *d = dst;

	while (len) {
		size_t k;

		if (!rd->n) {
			int r = input_next(rd->in, &rd->p, &rd->n);

			if (r)
				return r;
			if (!rd->n)
				return -EINVAL;
		}
		k = len < rd->n ? len : rd->n;
		memcpy(d, rd->p, k);
		d += k;
		rd->p += k;
		rd->n -= k;
		len -= k;
	}
	return 0;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* xz, or with alone set the legacy .lzma format (header, raw LZMA1, optional end mark). */
static int xz_stream(struct input *in, bool alone, size_t cap, chunk_fn fn, void *ctx)
{
	lzma_stream s = LZMA_STREAM_INIT;
	uint8_t *out = xmalloc(CHUNK);
	size_t total = 0;
	int r = 0;
	lzma_ret init;

	/* 256 MiB of dictionary is more than any real kernel or module uses */
	init = alone ? lzma_alone_decoder(&s, 256u << 20) : lzma_stream_decoder(&s, 256u << 20, 0);
	if (init != LZMA_OK) {
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
		if (ret == LZMA_STREAM_END)
			break;
		if (ret != LZMA_OK) {
			r = ret == LZMA_MEMLIMIT_ERROR ? -EFBIG : -EINVAL;
			break;
		}
	}
	in->unused = s.avail_in;
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
		if (ret == 0)
			break;
		if (ib.pos == ib.size && !in->left && ob.pos < ob.size) {
			r = -EINVAL;	/* truncated */
			break;
		}
	}
	in->unused = ib.size - ib.pos;
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
		if (ret == Z_STREAM_END)
			break;
		if (ret != Z_OK || (z.avail_in == 0 && !in->left && z.avail_out != 0)) {
			r = -EINVAL;
			break;
		}
	}
	in->unused = z.avail_in;
	inflateEnd(&z);
	free(out);
	return r;
}

static int bzip2_stream(struct input *in, size_t cap, chunk_fn fn, void *ctx)
{
	bz_stream z;
	uint8_t *out = xmalloc(CHUNK);
	size_t total = 0;
	int r = 0;

	memset(&z, 0, sizeof(z));
	if (BZ2_bzDecompressInit(&z, 0, 0) != BZ_OK) {
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
			z.next_in = (char *)(uintptr_t)p;
			z.avail_in = (unsigned int)n;	/* slices are at most 1 GiB */
		}
		z.next_out = (char *)out;
		z.avail_out = CHUNK;
		ret = BZ2_bzDecompress(&z);
		r = emit(out, CHUNK - z.avail_out, &total, cap, fn, ctx);
		if (r)
			break;
		if (ret == BZ_STREAM_END)
			break;
		if (ret != BZ_OK || (z.avail_in == 0 && !in->left && z.avail_out != 0)) {
			r = -EINVAL;
			break;
		}
	}
	in->unused = z.avail_in;
	BZ2_bzDecompressEnd(&z);
	free(out);
	return r;
}

/*
 * The lzop file format (what the kernel's "lzop -9" writes): a header with its
 * own checksum, then blocks of (uncompressed size, compressed size, optional
 * Adler-32/CRC-32 of either side, data); a zero size ends the file. A block
 * whose sizes are equal is stored as is.
 */
#define LZOP_ADLER32_D 0x0001
#define LZOP_ADLER32_C 0x0002
#define LZOP_EXTRA_FIELD 0x0040
#define LZOP_CRC32_D 0x0100
#define LZOP_CRC32_C 0x0200
#define LZOP_FILTER 0x0800
#define LZOP_HEADER_CRC32 0x1000
#define LZOP_MAX_BLOCK (64u << 20)	/* lzop's own limit */

/* Read n header bytes into h (which holds the checksummed header so far). */
static int lzop_header(struct reader *rd, uint8_t *h, size_t *hl, size_t n)
{
	int r = rd_read(rd, h + *hl, n);

	*hl += n;
	return r;
}

static int lzo_stream(struct input *in, size_t cap, chunk_fn fn, void *ctx)
{
	static const uint8_t magic[] = { 0x89, 'L', 'Z', 'O', 0x00, 0x0d, 0x0a, 0x1a, 0x0a };
	struct reader rd = { .in = in };
	uint8_t h[16 + 255 + 16], m[9], w[8];
	uint8_t *src = NULL, *dst = NULL;
	size_t hl = 0, alloc = 0, total = 0;
	uint32_t flags, sum;
	uint16_t version;
	uint8_t method;
	int r;

	if (lzo_init() != LZO_E_OK)
		return -ENOMEM;
	r = rd_read(&rd, m, sizeof(m));
	if (r)
		goto out;
	r = -EINVAL;
	if (memcmp(m, magic, sizeof(m)))
		goto out;
	/* version, library version, [version needed], method, [level], flags */
	if ((r = lzop_header(&rd, h, &hl, 4)))
		goto out;
	version = (uint16_t)(h[0] << 8 | h[1]);
	if ((r = lzop_header(&rd, h, &hl, version >= 0x0940 ? 2 : 0)) ||
	    (r = lzop_header(&rd, h, &hl, 1)))
		goto out;
	method = h[hl - 1];
	if ((r = lzop_header(&rd, h, &hl, version >= 0x0940 ? 1 : 0)) ||
	    (r = lzop_header(&rd, h, &hl, 4)))
		goto out;
	flags = be32(h + hl - 4);
	r = -EINVAL;
	/* LZO1X-1, LZO1X-1(15), LZO1X-999: one decoder; no filters, no extra field */
	if (method < 1 || method > 3 || (flags & (LZOP_FILTER | LZOP_EXTRA_FIELD)))
		goto out;
	/* mode, mtime (low, [high]), name length, name */
	if ((r = lzop_header(&rd, h, &hl, version >= 0x0940 ? 13 : 9)) ||
	    (r = lzop_header(&rd, h, &hl, h[hl - 1])) || (r = rd_read(&rd, w, 4)))
		goto out;
	sum = flags & LZOP_HEADER_CRC32 ? (uint32_t)crc32(0, h, (uInt)hl) :
					  (uint32_t)adler32(1, h, (uInt)hl);
	r = -EINVAL;
	if (be32(w) != sum)
		goto out;
	for (;;) {
		uint32_t dlen, slen;
		lzo_uint outlen;

		if ((r = rd_read(&rd, w, 4)))
			break;
		dlen = be32(w);
		if (!dlen)
			break;
		if ((r = rd_read(&rd, w, 4)))
			break;
		slen = be32(w);
		r = -EINVAL;
		if (dlen > LZOP_MAX_BLOCK || !slen || slen > dlen)
			break;
		r = -EFBIG;
		if (dlen > cap - total)
			break;
		/* the checksums of the decoded data come first, then (if compressed) the input's */
		{
			uint8_t dsum[8];
			size_t dn = ((flags & LZOP_ADLER32_D) ? 4 : 0) + ((flags & LZOP_CRC32_D) ? 4 : 0);

			if ((r = rd_read(&rd, dsum, dn)))
				break;
			if (dlen > alloc) {
				alloc = dlen;
				src = xrealloc(src, alloc);
				dst = xrealloc(dst, alloc);
			}
			if (slen < dlen) {
				/* the input's sums, checked before we decode it */
				{
					uint8_t csum[8];
					size_t cn = ((flags & LZOP_ADLER32_C) ? 4 : 0) +
						    ((flags & LZOP_CRC32_C) ? 4 : 0);

					if ((r = rd_read(&rd, csum, cn)) || (r = rd_read(&rd, src, slen)))
						break;
					r = -EINVAL;
					if ((flags & LZOP_ADLER32_C) &&
					    be32(csum) != (uint32_t)adler32(1, src, slen))
						break;
					if ((flags & LZOP_CRC32_C) &&
					    be32(csum + ((flags & LZOP_ADLER32_C) ? 4 : 0)) !=
						    (uint32_t)crc32(0, src, slen))
						break;
				}
				outlen = dlen;
				if (lzo1x_decompress_safe(src, slen, dst, &outlen, NULL) != LZO_E_OK ||
				    outlen != dlen) {
					r = -EINVAL;
					break;
				}
			} else {
				if ((r = rd_read(&rd, dst, dlen)))
					break;
			}
			r = -EINVAL;
			if ((flags & LZOP_ADLER32_D) && be32(dsum) != (uint32_t)adler32(1, dst, dlen))
				break;
			if ((flags & LZOP_CRC32_D) &&
			    be32(dsum + ((flags & LZOP_ADLER32_D) ? 4 : 0)) !=
				    (uint32_t)crc32(0, dst, dlen))
				break;
		}
		r = emit(dst, dlen, &total, cap, fn, ctx);
		if (r)
			break;
	}
out:
	in->unused = rd.n;
	free(src);
	free(dst);
	return r;
}

/*
 * lz4. The legacy frame (02 21 4C 18, "lz4 -l", what the kernel and
 * initramfs-tools write) is a run of blocks, each a 32-bit little-endian
 * compressed size and the data of at most 8 MiB decoded; it has no end mark.
 * It ends at the end of the input, or at a "size" no block can have: the
 * kernel's appended uncompressed length, or the magic of a next stream. A
 * size word that is the input's last four bytes is the kernel's length too.
 * The modern frame (04 22 4D 18) goes through LZ4F, which checks its sums.
 */
#define LZ4_LEGACY_BLOCK (8u << 20)

static int lz4_legacy(struct reader *rd, size_t cap, chunk_fn fn, void *ctx)
{
	int bound = LZ4_compressBound(LZ4_LEGACY_BLOCK);
	uint8_t *src = xmalloc((size_t)bound), *out = xmalloc(LZ4_LEGACY_BLOCK);
	size_t total = 0;
	uint8_t w[4];
	int r = 0;

	for (;;) {
		uint32_t len;
		int k;

		if (!rd_left(rd))
			break;
		if ((r = rd_read(rd, w, 4)))
			break;
		len = le32(w);
		if (len > (uint32_t)bound) {
			rd->in->unused = 4;	/* not ours: the next stream's, or the length */
			break;
		}
		if (!rd_left(rd))
			break;	/* the kernel's appended length */
		r = -EINVAL;
		if (!len || (r = rd_read(rd, src, len)))
			break;
		k = LZ4_decompress_safe((const char *)src, (char *)out, (int)len, LZ4_LEGACY_BLOCK);
		if (k < 0) {
			r = -EINVAL;
			break;
		}
		r = emit(out, (size_t)k, &total, cap, fn, ctx);
		if (r)
			break;
	}
	free(src);
	free(out);
	return r;
}

static int lz4_frame(struct reader *rd, const uint8_t *magic, size_t cap, chunk_fn fn, void *ctx)
{
	LZ4F_dctx *d;
	uint8_t *out;
	size_t total = 0, hint, outn, inn = 4;
	int r = 0;

	if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
		return -ENOMEM;
	out = xmalloc(CHUNK);
	/* the magic we already read, then the rest as it comes */
	outn = CHUNK;
	hint = LZ4F_decompress(d, out, &outn, magic, &inn, NULL);
	while (!LZ4F_isError(hint) && hint) {
		if (!rd->n) {
			r = input_next(rd->in, &rd->p, &rd->n);
			if (r)
				break;
			if (!rd->n) {
				r = -EINVAL;	/* truncated */
				break;
			}
		}
		outn = CHUNK;
		inn = rd->n;
		hint = LZ4F_decompress(d, out, &outn, rd->p, &inn, NULL);
		if (LZ4F_isError(hint))
			break;
		rd->p += inn;
		rd->n -= inn;
		r = emit(out, outn, &total, cap, fn, ctx);
		if (r)
			break;
	}
	if (!r && LZ4F_isError(hint))
		r = -EINVAL;
	LZ4F_freeDecompressionContext(d);
	free(out);
	return r;
}

static int lz4_stream(struct input *in, size_t cap, chunk_fn fn, void *ctx)
{
	static const uint8_t legacy[] = { 0x02, 0x21, 0x4c, 0x18 };
	static const uint8_t frame[] = { 0x04, 0x22, 0x4d, 0x18 };
	struct reader rd = { .in = in };
	uint8_t m[4];
	int r;

	in->unused = 0;		/* lz4_legacy() sets 4 when it stops at a word not its own */
	r = rd_read(&rd, m, 4);
	if (r)
		return r;
	if (!memcmp(m, legacy, 4))
		r = lz4_legacy(&rd, cap, fn, ctx);
	else if (!memcmp(m, frame, 4))
		r = lz4_frame(&rd, m, cap, fn, ctx);
	else
		r = -EINVAL;
	in->unused += rd.n;
	return r;
}

static int run_stream(enum kd_comp c, struct input *in, size_t cap, chunk_fn fn, void *ctx)
{
	int r;

	switch (c) {
	case COMP_XZ:
		r = xz_stream(in, false, cap, fn, ctx);
		break;
	case COMP_LZMA:
		r = xz_stream(in, true, cap, fn, ctx);
		break;
	case COMP_BZIP2:
		r = bzip2_stream(in, cap, fn, ctx);
		break;
	case COMP_LZO:
		r = lzo_stream(in, cap, fn, ctx);
		break;
	case COMP_LZ4:
		r = lz4_stream(in, cap, fn, ctx);
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
	size_t used;

	return decompress_stream_used(c, in, n, cap, fn, ctx, &used);
}

int decompress_stream_used(enum kd_comp c, const uint8_t *in, size_t n, size_t cap, chunk_fn fn,
			   void *ctx, size_t *used)
{
	struct input src = { .buf = in, .fd = -1, .left = n, .unused = -1 };
	int r = run_stream(c, &src, cap, fn, ctx);

	/* what the decoder was given, less what it had not used at its end */
	*used = src.unused < 0 ? n : (size_t)src.off - (size_t)src.unused;
	return r;
}

int decompress_stream_fd(enum kd_comp c, int fd, uint64_t off, uint64_t len, size_t cap,
			 chunk_fn fn, void *ctx)
{
	struct input src = { .fd = fd, .off = off, .left = len, .unused = -1 };

	return run_stream(c, &src, cap, fn, ctx);
}

int decompress_stream_fd_used(enum kd_comp c, int fd, uint64_t off, uint64_t len, size_t cap,
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

/* ---- decoders kept between streams ---- */

struct kd_decoders {
	lzma_stream xz;
	bool xz_ready;
	ZSTD_DCtx *zstd;
	z_stream gz;
	bool gz_ready;
};

struct kd_decoders *decoders_new(void)
{
	struct kd_decoders *d = xcalloc(1, sizeof(*d));
	lzma_stream init = LZMA_STREAM_INIT;

	d->xz = init;
	return d;
}

void decoders_free(struct kd_decoders *d)
{
	if (!d)
		return;
	if (d->xz_ready)
		lzma_end(&d->xz);
	ZSTD_freeDCtx(d->zstd);
	if (d->gz_ready)
		inflateEnd(&d->gz);
	free(d);
}

/*
 * Free room at the end of out, growing it (to at most cap + 1 bytes: one more
 * than the cap, so that output past it is seen). -EFBIG when out holds more
 * than cap.
 */
static int out_room(struct kd_buf *out, size_t cap, size_t hint)
{
	size_t want;

	if (out->len > cap)
		return -EFBIG;
	if (out->alloc > out->len)
		return 0;
	want = out->alloc ? out->alloc * 2 : hint;
	if (want < 64 * 1024)
		want = 64 * 1024;
	if (want > cap + 1)
		want = cap + 1;
	kd_buf_reserve(out, want);
	return 0;
}

static int xz_into(struct kd_decoders *d, const uint8_t *in, size_t n, size_t cap,
		   struct kd_buf *out)
{
	lzma_stream *s = &d->xz;

	/* on a stream that has a decoder, liblzma keeps its allocations */
	if (lzma_stream_decoder(s, 256u << 20, 0) != LZMA_OK)
		return -ENOMEM;
	d->xz_ready = true;
	s->next_in = in;
	s->avail_in = n;
	for (;;) {
		lzma_ret ret;
		int r = out_room(out, cap, 4 * n);

		if (r)
			return r;
		s->next_out = out->p + out->len;
		s->avail_out = out->alloc - out->len;
		ret = lzma_code(s, LZMA_FINISH);
		out->len = out->alloc - s->avail_out;
		if (ret == LZMA_STREAM_END)
			return out->len > cap ? -EFBIG : 0;
		if (ret != LZMA_OK)
			return ret == LZMA_MEMLIMIT_ERROR ? -EFBIG : -EINVAL;
	}
}

static int zstd_into(struct kd_decoders *d, const uint8_t *in, size_t n, size_t cap,
		     struct kd_buf *out)
{
	ZSTD_inBuffer ib = { in, n, 0 };

	if (!d->zstd) {
		d->zstd = ZSTD_createDCtx();
		if (!d->zstd)
			return -ENOMEM;
		/* refuse frames that ask for windows beyond 128 MiB: no module needs one */
		ZSTD_DCtx_setParameter(d->zstd, ZSTD_d_windowLogMax, 27);
	}
	ZSTD_DCtx_reset(d->zstd, ZSTD_reset_session_only);
	for (;;) {
		ZSTD_outBuffer ob;
		size_t ret;
		int r = out_room(out, cap, 4 * n);

		if (r)
			return r;
		ob.dst = out->p;
		ob.size = out->alloc;
		ob.pos = out->len;
		ret = ZSTD_decompressStream(d->zstd, &ob, &ib);
		out->len = ob.pos;
		if (ZSTD_isError(ret))
			return -EINVAL;
		if (ret == 0)
			return out->len > cap ? -EFBIG : 0;
		if (ib.pos == ib.size && ob.pos < ob.size)
			return -EINVAL;		/* truncated */
	}
}

static int gzip_into(struct kd_decoders *d, const uint8_t *in, size_t n, size_t cap,
		     struct kd_buf *out)
{
	z_stream *z = &d->gz;

	if (n > UINT_MAX)
		return -EFBIG;
	if (!d->gz_ready) {
		memset(z, 0, sizeof(*z));
		if (inflateInit2(z, 15 + 16) != Z_OK)
			return -ENOMEM;
		d->gz_ready = true;
	} else if (inflateReset(z) != Z_OK) {
		return -EINVAL;
	}
	z->next_in = (Bytef *)(uintptr_t)in;
	z->avail_in = (uInt)n;
	for (;;) {
		size_t room;
		int ret, r = out_room(out, cap, 4 * n);

		if (r)
			return r;
		room = out->alloc - out->len;
		z->next_out = out->p + out->len;
		z->avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
		ret = inflate(z, Z_NO_FLUSH);
		out->len = (size_t)(z->next_out - out->p);
		if (ret == Z_STREAM_END)
			return out->len > cap ? -EFBIG : 0;
		if (ret != Z_OK || (z->avail_in == 0 && z->avail_out != 0))
			return -EINVAL;
	}
}

static int buf_chunk(const uint8_t *p, size_t n, void *ctx)
{
	struct kd_buf *out = ctx;

	kd_buf_reserve(out, out->len + n);
	memcpy(out->p + out->len, p, n);
	out->len += n;
	return 0;
}

int decompress_into(struct kd_decoders *d, enum kd_comp c, const uint8_t *in, size_t n,
		    size_t cap, struct kd_buf *out)
{
	out->len = 0;
	switch (c) {
	case COMP_XZ:
		return xz_into(d, in, n, cap, out);
	case COMP_ZSTD:
		return zstd_into(d, in, n, cap, out);
	case COMP_GZIP:
		return gzip_into(d, in, n, cap, out);
	default:
		return decompress_stream(c, in, n, cap, buf_chunk, out);
	}
}
