/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * decompress.h - gzip, bzip2, lzma, xz, lzo (lzop), lz4 (legacy and frame) and
 * zstd streams, decoded in chunks under a size cap.
 */
#ifndef KD_DECOMPRESS_H
#define KD_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

enum kd_comp {
	COMP_NONE,
	COMP_GZIP,
	COMP_XZ,
	COMP_ZSTD,
	COMP_LZ4,	/* the legacy frame (lz4 -l) or the modern one */
	COMP_BZIP2,
	COMP_LZMA,	/* the legacy .lzma ("alone") format */
	COMP_LZO,	/* the lzop file format */
};

enum kd_comp comp_detect(const uint8_t *p, size_t n);
const char *comp_name(enum kd_comp c);

/*
 * Called with each decoded chunk; return non-zero to stop (that value is
 * returned by decompress_stream).
 */
typedef int (*chunk_fn)(const uint8_t *p, size_t n, void *ctx);

/*
 * Decode the first stream in [in, in+n); bytes after its end are ignored.
 * Returns 0, -EFBIG when the output would exceed cap, -EINVAL for corrupt or
 * truncated data, -ENOTSUP for a format we do not decode.
 */
int decompress_stream(enum kd_comp c, const uint8_t *in, size_t n, size_t cap, chunk_fn fn,
		      void *ctx);
/* The same, and *used says how many input bytes the stream took (its end). */
int decompress_stream_used(enum kd_comp c, const uint8_t *in, size_t n, size_t cap, chunk_fn fn,
			   void *ctx, size_t *used);
/* The same for the byte range [off, off+len) of a file, read a chunk at a time. */
int decompress_stream_fd(enum kd_comp c, int fd, uint64_t off, uint64_t len, size_t cap,
			 chunk_fn fn, void *ctx);
/*
 * decompress_stream_fd that also tells where the stream ended: *used is the
 * number of input bytes it took, UINT64_MAX when the decoder does not say.
 */
int decompress_stream_fd_used(enum kd_comp c, int fd, uint64_t off, uint64_t len, size_t cap,
			     chunk_fn fn, void *ctx, uint64_t *used);
/* Decode into one buffer of at most cap bytes. */
int decompress_all(enum kd_comp c, const uint8_t *in, size_t n, size_t cap, uint8_t **out,
		   size_t *outlen);

/*
 * Decoders kept for many streams, one set per thread: xz, zstd and gzip decode
 * straight into the caller's buffer and keep their state and dictionaries, so
 * the thousandth module costs no allocation (the others take the chunked path).
 */
struct kd_decoders;
struct kd_decoders *decoders_new(void);
void decoders_free(struct kd_decoders *d);
struct kd_buf;
/* decompress_all into out (replacing what it held), with d's decoders. */
int decompress_into(struct kd_decoders *d, enum kd_comp c, const uint8_t *in, size_t n,
		    size_t cap, struct kd_buf *out);

#endif
