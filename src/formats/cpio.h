/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpio.h - the newc cpio format of initramfs images (magic 070701, and 070702
 * with a checksum), parsed as a stream: bytes are pushed in as they are read or
 * decoded, and only the data of a member the caller asks for is held.
 */
#ifndef KD_CPIO_H
#define KD_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPIO_HEADER_LEN 110
#define CPIO_NAME_MAX 4096	/* PATH_MAX: the kernel refuses longer names */

/* The type bits of a member's mode. */
#define CPIO_S_IFMT 0170000
#define CPIO_S_IFREG 0100000
#define CPIO_S_IFDIR 0040000
#define CPIO_S_IFLNK 0120000

struct cpio_header {
	bool crc;		/* 070702: check is the sum of the data bytes */
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize;
	uint32_t devmajor, devminor, rdevmajor, rdevminor, namesize, check;
};

struct cpio_entry {
	struct cpio_header h;
	const char *name;	/* the stored name up to its first NUL, as the kernel reads it */
	size_t stored_len;	/* the stored name's bytes before the terminating NUL */
	const uint8_t *stored;	/* ... which are these (a NUL inside is a trick) */
	bool nul_inside;	/* the stored name has a NUL before its end, or none at its end */
	uint64_t offset;	/* of its header in the stream */
};

/*
 * Called for each member header; return true to be handed its data (at most
 * max_member bytes; a larger member wanted is handed with data NULL).
 */
typedef bool (*cpio_want_fn)(void *ctx, const struct cpio_entry *e);
/* The data of a wanted member; non-zero stops the stream with that value. */
typedef int (*cpio_member_fn)(void *ctx, const struct cpio_entry *e, const uint8_t *data,
			      size_t n);

enum cpio_state {
	CPIO_BETWEEN,		/* before an archive, or after a trailer: zero padding */
	CPIO_HEADER,
	CPIO_NAME,
	CPIO_NAME_PAD,
	CPIO_DATA,
	CPIO_DATA_PAD,
	CPIO_OTHER,		/* stopped at bytes that are no cpio archive (see cpio_feed) */
	CPIO_FAILED,
};

struct cpio_stream {
	cpio_want_fn want;
	cpio_member_fn member;
	void *ctx;
	size_t max_member;
	/* what it saw */
	uint64_t pos;		/* bytes consumed */
	size_t archives;	/* trailers seen */
	size_t members;		/* entries other than trailers */
	const char *error;	/* why it stopped (CPIO_FAILED) */
	/* state */
	enum cpio_state state;
	uint8_t hdr[CPIO_HEADER_LEN];
	size_t have;
	struct cpio_entry cur;
	uint8_t *name;
	uint8_t *data;		/* a wanted member's data, NULL when skipped */
	uint64_t left;		/* bytes of the current part still to come */
	uint32_t sum;
};

/* Parse one 110-byte header; NULL, or why it is not one. */
const char *cpio_parse_header(const uint8_t *p, size_t n, struct cpio_header *h);
void cpio_init(struct cpio_stream *s, cpio_want_fn want, cpio_member_fn member, void *ctx,
	       size_t max_member);
/*
 * Push n bytes. Returns 0 when all were taken; -EINVAL when the archive is
 * malformed (s->error says why); a member callback's non-zero value; or 1 when,
 * between archives, a byte that starts no cpio header was met: s->pos is its
 * offset and bytes from there on are not taken (a compressed segment, or junk).
 */
int cpio_feed(struct cpio_stream *s, const uint8_t *p, size_t n);
/* The input ended: -EINVAL (s->error) when it ended inside an archive, else 0. */
int cpio_finish(struct cpio_stream *s);
void cpio_free(struct cpio_stream *s);

/*
 * A member name as the kernel creates it, under the archive's root: leading
 * "/" and "./" dropped, "." and empty components gone, ".." never above the
 * root. Returns a new string ("" for the root itself).
 */
char *cpio_normalise_name(const char *name);

#endif
