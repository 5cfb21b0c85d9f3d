// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * efivarfs.c - read UEFI variables from a root's efivarfs (the attribute word,
 * then the data) and shim's MOK lists, from its config table or the variables.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/root.h"
#include "core/util.h"
#include "formats/efivars.h"
#include "sources/boot/efivarfs.h"

#define VAR_CAP (4u << 20)		/* firmware variable storage is far smaller */
#define MAX_MOK_PARTS 64

int efivar_read(const struct kd_root *root, const char *name, const char *guid, struct efivar *out)
{
	char *rel = xasprintf("sys/firmware/efi/efivars/%s-%s", name, guid);
	uint8_t *buf;
	size_t len;
	int fd, r;

	memset(out, 0, sizeof(*out));
	fd = root_openat(root, rel, ROOT_FOLLOW);
	free(rel);
	if (fd < 0)
		return fd;
	/* efivarfs reports sizes that lie; read to EOF */
	r = fd_read_all(fd, VAR_CAP, &buf, &len);
	close(fd);
	if (r)
		return r;
	if (len < 4) {
		free(buf);
		return -EINVAL;
	}
	out->attrs = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 |
		     (uint32_t)buf[3] << 24;
	out->len = len - 4;
	memmove(buf, buf + 4, out->len);
	out->data = buf;
	return 0;
}

int mok_list_read(const struct kd_root *root, const char *name, uint8_t **data, size_t *len,
		  char **source)
{
	char *rel = xasprintf("sys/firmware/efi/mok-variables/%s", name);
	struct strbuf all;
	bool found = false;
	int r;

	/* the MOK config table is more authoritative than the variables */
	r = root_read_file(root, rel, VAR_CAP, (char **)data, len);
	if (r == 0) {
		*source = xasprintf("/%s", rel);
		free(rel);
		return 0;
	}
	free(rel);
	sb_init(&all);
	for (int part = 0; part < MAX_MOK_PARTS; part++) {
		char *var = part ? xasprintf("%s%d", name, part) : xstrdup(name);
		struct efivar v;

		r = efivar_read(root, var, GUID_SHIM_LOCK, &v);
		free(var);
		if (r)
			break;
		found = true;
		sb_putn(&all, (const char *)v.data, v.len);
		free(v.data);
	}
	/* an existing list with no entries is present and empty, not absent */
	if (!found) {
		sb_free(&all);
		return r;
	}
	*len = all.len;
	*data = all.s ? (uint8_t *)sb_steal(&all) : xcalloc(1, 1);
	*source = xasprintf("/sys/firmware/efi/efivars/%s-%s", name, GUID_SHIM_LOCK);
	return 0;
}
