// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cpio.c - a push parser of newc cpio archives, as the kernel's initramfs
 * unpacker reads them: a 110-byte header of 8-digit hex fields, the name
 * (NUL-terminated, padded so header and name end 4-byte aligned), the data
 * padded to 4, archives ended by TRAILER!!! and separated by zero padding.
 * Bytes come in pieces of any size; a member's data is held only when the
 * caller wants it, and never beyond max_member bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "core/util.h"
#include "formats/cpio.h"

static const char trailer[] = "TRAILER!!!";

static bool hex8(struct cursor *c, uint32_t *v)
{
	const uint8_t *p;
	uint32_t x = 0;

	if (!cur_take(c, 8, &p))
		return false;
	for (int i = 0; i < 8; i++) {
		uint8_t d = p[i];

		if (d >= '0' && d <= '9')
			d -= '0';
		else if (d >= 'a' && d <= 'f')
			d = (uint8_t)(d - 'a' + 10);
		else if (d >= 'A' && d <= 'F')
			d = (uint8_t)(d - 'A' + 10);
		else
			return false;
		x = x << 4 | d;
	}
	*v = x;
	return true;
}

const char *cpio_parse_header(const uint8_t *p, size_t n, struct cpio_header *h)
{
	struct cursor c = cur_init(p, n);
	uint32_t *fields[] = { &h->ino, &h->mode, &h->uid, &h->gid, &h->nlink, &h->mtime,
			       &h->filesize, &h->devmajor, &h->devminor, &h->rdevmajor,
			       &h->rdevminor, &h->namesize, &h->check };
	const uint8_t *magic;

	memset(h, 0, sizeof(*h));
	if (!cur_take(&c, 6, &magic))
		return "header truncated";
	if (memcmp(magic, "070701", 6) == 0)
		h->crc = false;
	else if (memcmp(magic, "070702", 6) == 0)
		h->crc = true;
	else if (memcmp(magic, "070707", 6) == 0)
		return "old (odc) cpio format, which the kernel does not unpack";
	else
		return "no newc cpio magic (070701 or 070702)";
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!hex8(&c, fields[i]))
			return cur_left(&c) < 8 ? "header truncated" : "header field is not hex";
	if (h->namesize == 0)
		return "member name of length 0";
	if (h->namesize > CPIO_NAME_MAX)
		return "member name longer than 4096 bytes";
	return NULL;
}

void cpio_init(struct cpio_stream *s, cpio_want_fn want, cpio_member_fn member, void *ctx,
	       size_t max_member)
{
	memset(s, 0, sizeof(*s));
	s->want = want;
	s->member = member;
	s->ctx = ctx;
	s->max_member = max_member;
	s->state = CPIO_BETWEEN;
}

static int fail(struct cpio_stream *s, const char *why)
{
	s->state = CPIO_FAILED;
	s->error = why;
	return -EINVAL;
}

/* Bytes to pad from the stream offset pos to the next multiple of 4. */
static uint64_t pad4(uint64_t pos)
{
	return (4 - (pos & 3)) & 3;
}

static int name_done(struct cpio_stream *s)
{
	struct cpio_entry *e = &s->cur;
	size_t n = e->h.namesize;

	/* the name ends at its NUL: the kernel takes it as a C string */
	e->name = (const char *)s->name;
	e->stored = s->name;
	e->stored_len = n - 1;
	e->nul_inside = s->name[n - 1] != '\0' || strlen((const char *)s->name) != n - 1;
	s->name[n - 1] = '\0';	/* a name without its NUL still ends here */
	s->state = CPIO_NAME_PAD;
	s->left = pad4(s->pos);
	return 0;
}

static int data_start(struct cpio_stream *s)
{
	struct cpio_entry *e = &s->cur;

	if (strcmp(e->name, trailer) == 0 && !e->nul_inside) {
		s->archives++;
		s->state = CPIO_BETWEEN;
		/* a trailer's data, if any, is skipped like padding would be */
		s->left = e->h.filesize;
		free(s->name);
		s->name = NULL;
		if (s->left) {
			s->state = CPIO_DATA;
			s->data = NULL;
		}
		return 0;
	}
	s->members++;
	s->sum = 0;
	s->data = NULL;
	s->left = e->h.filesize;
	if (s->want && s->want(s->ctx, e)) {
		if (e->h.filesize > s->max_member) {
			int r = s->member ? s->member(s->ctx, e, NULL, 0) : 0;

			if (r)
				return r;
		} else {
			s->data = xmalloc(e->h.filesize ? e->h.filesize : 1);
		}
	}
	s->state = CPIO_DATA;
	return 0;
}

static int data_done(struct cpio_stream *s)
{
	struct cpio_entry *e = &s->cur;
	int r = 0;

	if (!s->name) {		/* a trailer's data */
		s->state = CPIO_BETWEEN;
		return 0;
	}
	if (e->h.crc && s->sum != e->h.check) {
		free(s->data);
		s->data = NULL;
		return fail(s, "data checksum of a 070702 member does not match");
	}
	if (s->data && s->member)
		r = s->member(s->ctx, e, s->data, e->h.filesize);
	free(s->data);
	s->data = NULL;
	free(s->name);
	s->name = NULL;
	s->state = CPIO_DATA_PAD;
	s->left = pad4(s->pos);
	return r;
}

int cpio_feed(struct cpio_stream *s, const uint8_t *p, size_t n)
{
	struct cursor c = cur_init(p, n);
	int r = 0;

	while (cur_left(&c) && !r) {
		const uint8_t *q = NULL;
		size_t take;
		const char *why;

		switch (s->state) {
		case CPIO_FAILED:
			return -EINVAL;
		case CPIO_OTHER:
			return 1;
		case CPIO_BETWEEN:
			q = c.base + c.pos;
			if (*q == 0) {
				cur_skip(&c, 1);
				s->pos++;
				break;
			}
			if (*q != '0') {
				s->state = CPIO_OTHER;
				return 1;
			}
			if (s->pos & 3)
				return fail(s, "archive does not start 4-byte aligned (broken padding)");
			s->state = CPIO_HEADER;
			s->have = 0;
			s->cur.offset = s->pos;
			break;
		case CPIO_HEADER:
			take = CPIO_HEADER_LEN - s->have;
			if (take > cur_left(&c))
				take = cur_left(&c);
			cur_copy(&c, s->hdr + s->have, take);
			s->have += take;
			s->pos += take;
			if (s->have < CPIO_HEADER_LEN)
				break;
			why = cpio_parse_header(s->hdr, CPIO_HEADER_LEN, &s->cur.h);
			if (why)
				return fail(s, why);
			s->name = xmalloc(s->cur.h.namesize);
			s->have = 0;
			s->state = CPIO_NAME;
			break;
		case CPIO_NAME:
			take = s->cur.h.namesize - s->have;
			if (take > cur_left(&c))
				take = cur_left(&c);
			cur_copy(&c, s->name + s->have, take);
			s->have += take;
			s->pos += take;
			if (s->have == s->cur.h.namesize)
				r = name_done(s);
			break;
		case CPIO_NAME_PAD:
		case CPIO_DATA_PAD:
			if (s->left) {
				take = s->left < cur_left(&c) ? (size_t)s->left : cur_left(&c);
				cur_skip(&c, take);
				s->pos += take;
				s->left -= take;
			}
			if (s->left)
				break;
			if (s->state == CPIO_NAME_PAD) {
				r = data_start(s);
				if (!r && s->state == CPIO_DATA && !s->left)
					r = data_done(s);
			} else {
				s->state = CPIO_HEADER;
				s->have = 0;
				s->cur.offset = s->pos;
			}
			break;
		case CPIO_DATA:
			take = s->left < cur_left(&c) ? (size_t)s->left : cur_left(&c);
			cur_take(&c, take, &q);
			if (s->data)
				memcpy(s->data + (s->cur.h.filesize - s->left), q, take);
			if (s->name && s->cur.h.crc)
				for (size_t i = 0; i < take; i++)
					s->sum += q[i];
			s->pos += take;
			s->left -= take;
			if (!s->left)
				r = data_done(s);
			break;
		}
	}
	return r;
}

int cpio_finish(struct cpio_stream *s)
{
	switch (s->state) {
	case CPIO_FAILED:
		return -EINVAL;
	case CPIO_BETWEEN:
	case CPIO_OTHER:
		if (!s->archives && s->state == CPIO_BETWEEN)
			return fail(s, "no cpio archive");
		return 0;
	case CPIO_DATA_PAD:
		/* the data of the last member ended the input: padding may be missing */
		return fail(s, "archive ends without TRAILER!!!");
	default:
		return fail(s, "archive truncated inside a member");
	}
}

void cpio_free(struct cpio_stream *s)
{
	free(s->name);
	free(s->data);
	s->name = NULL;
	s->data = NULL;
}

char *cpio_normalise_name(const char *name)
{
	struct strbuf out;
	size_t *starts = NULL, depth = 0, alloc = 0;
	const char *p = name;

	sb_init(&out);
	while (*p) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == 0 || (len == 1 && p[0] == '.')) {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (depth) {
				depth--;
				out.len = starts[depth];
				out.s[out.len] = '\0';
			}
		} else {
			if (depth == alloc) {
				alloc = alloc ? alloc * 2 : 16;
				starts = xreallocarray(starts, alloc, sizeof(*starts));
			}
			starts[depth++] = out.len;
			if (out.len)
				sb_putc(&out, '/');
			sb_putn(&out, p, len);
		}
		p += len;
		if (*p == '/')
			p++;
	}
	free(starts);
	return sb_steal(&out);
}
