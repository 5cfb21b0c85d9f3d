// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * registry.c - the registry hives of a Windows installation, read-only, with
 * hivex. hivex opens a file by name, so the hive is opened inside the root
 * first and hivex is given that descriptor's /proc/self/fd name: a link in the
 * mounted partition never takes it outside. Value data are decoded here
 * (UTF-16LE, sizes capped) rather than by hivex's iconv, the same in both
 * builds.
 */
#include <errno.h>
#include <fcntl.h>
#include <hivex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/boot/registry.h"

struct reg_hive {
	hive_h *h;
	int fd;				/* the same file, for the checks hivex leaves out */
	bool dirty;
	size_t damage;
	char *first_damage;
};

static void damaged(struct reg_hive *h, reg_key k, const char *what)
{
	char *name;

	if (h->damage++)
		return;
	name = k ? hivex_node_name(h->h, k) : NULL;
	h->first_damage = xasprintf("key '%s': %s", name ? name : "?", what);
	free(name);
}

struct reg_hive *reg_open(const struct kd_root *root, const char *rel, bool *absent, char **why)
{
	struct reg_hive *h;
	uint8_t base[12];
	struct stat st;
	char proc[64];
	hive_h *hx;
	int fd;

	*absent = false;
	fd = root_openat(root, rel, ROOT_FOLLOW);
	if (fd < 0) {
		*absent = fd == -ENOENT;
		*why = xstrdup(strerror(-fd));
		return NULL;
	}
	if (fstat(fd, &st) || (uint64_t)st.st_size > REG_HIVE_CAP) {
		*why = xstrdup("over the 1 GiB cap; not read");
		close(fd);
		return NULL;
	}
	if (pread(fd, base, sizeof(base), 0) != (ssize_t)sizeof(base) || memcmp(base, "regf", 4)) {
		*why = xstrdup("not a registry hive (no regf signature)");
		close(fd);
		return NULL;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	hx = hivex_open(proc, 0);
	if (!hx) {
		int e = errno;

		*why = e == ENOENT && access("/proc/self/fd", F_OK) ?
			       xstrdup("/proc is not mounted here: hives are opened through /proc/self/fd") :
			       xasprintf("hivex cannot read it: %s", strerror(e));
		close(fd);
		return NULL;
	}
	h = xcalloc(1, sizeof(*h));
	h->h = hx;
	h->fd = fd;
	h->dirty = memcmp(base + 4, base + 8, 4) != 0;
	return h;
}

void reg_close(struct reg_hive *h)
{
	if (!h)
		return;
	hivex_close(h->h);
	close(h->fd);
	free(h->first_damage);
	free(h);
}

bool reg_dirty(const struct reg_hive *h)
{
	return h->dirty;
}

size_t reg_damage(const struct reg_hive *h, const char **first)
{
	*first = h->first_damage;
	return h->damage;
}

reg_key reg_root(struct reg_hive *h)
{
	return hivex_root(h->h);
}

reg_key reg_subkey(struct reg_hive *h, reg_key k, const char *path)
{
	char *copy = xstrdup(path), *save = NULL;

	for (char *part = strtok_r(copy, "\\", &save); part && k; part = strtok_r(NULL, "\\", &save)) {
		errno = 0;
		k = hivex_node_get_child(h->h, k, part);
		if (!k && errno)
			damaged(h, 0, strerror(errno));
	}
	free(copy);
	return k;
}

size_t reg_subkeys(struct reg_hive *h, reg_key k, reg_key **out)
{
	hive_node_h *kids;
	size_t n = 0, i;

	*out = NULL;
	errno = 0;
	kids = hivex_node_children(h->h, k);
	if (!kids) {
		damaged(h, k, errno ? strerror(errno) : "subkey list does not read");
		return 0;
	}
	/*
	 * A subkey whose own parent is another key is not one: a list pointing
	 * back at the key or an ancestor (a cycle), or at a key elsewhere.
	 */
	for (i = 0; kids[i] && i < REG_SUBKEYS_CAP; i++) {
		if (hivex_node_parent(h->h, kids[i]) != k) {
			damaged(h, k, "a subkey list names a key whose parent is another");
			continue;
		}
		kids[n++] = kids[i];
	}
	if (kids[i])
		damaged(h, k, "more subkeys than the cap; the rest not read");
	*out = kids;
	return n;
}

char *reg_key_name(struct reg_hive *h, reg_key k)
{
	char *name = hivex_node_name(h->h, k);

	if (!name)
		damaged(h, k, "name does not read");
	return name;
}

/*
 * Data longer than its cell is "big data" (a db cell listing segments), which
 * hivex follows without checking the segment list against its cell. What
 * kdetect reads is never that long (REG_STRING_CAP is below the 16344 bytes
 * from which Windows splits data), so such data is damage: not read.
 */
static bool in_one_cell(struct reg_hive *h, hive_value_h v, size_t len)
{
	size_t declared;
	hive_value_h off;
	uint8_t raw[4];
	int32_t size;

	errno = 0;
	off = hivex_value_data_cell_offset(h->h, v, &declared);
	if (!off)
		return errno == 0;	/* inline in the value itself (4 bytes at most) */
	if (pread(h->fd, raw, sizeof(raw), (off_t)off) != (ssize_t)sizeof(raw))
		return false;
	size = (int32_t)((uint32_t)raw[0] | (uint32_t)raw[1] << 8 | (uint32_t)raw[2] << 16 |
			 (uint32_t)raw[3] << 24);
	/* an allocated cell's size is negative, and counts its own 4 bytes */
	return size < 0 && size != INT32_MIN && len <= (size_t)-(int64_t)size - 4;
}

/* A value's raw data when it is of one of the types wanted (mask of 1 << hive_type). */
static char *value_data(struct reg_hive *h, reg_key k, const char *name, unsigned types,
			size_t *len, hive_type *type)
{
	hive_value_h v;
	char *data;

	errno = 0;
	v = hivex_node_get_value(h->h, k, name);
	if (!v) {
		if (errno)
			damaged(h, k, strerror(errno));
		return NULL;
	}
	if (hivex_value_type(h->h, v, type, len)) {
		damaged(h, k, "a value's type does not read");
		return NULL;
	}
	if ((unsigned)*type >= 32 || !(types & 1u << *type))
		return NULL;
	if (*len > REG_STRING_CAP) {
		damaged(h, k, "a value over the 16 KiB cap; not read");
		return NULL;
	}
	if (!in_one_cell(h, v, *len)) {
		damaged(h, k, "a value's data is longer than its cell; not read");
		return NULL;
	}
	data = hivex_value_value(h->h, v, type, len);
	if (!data)
		damaged(h, k, errno ? strerror(errno) : "a value's data does not read");
	return data;
}

#define STRING_TYPES (1u << hive_t_REG_SZ | 1u << hive_t_REG_EXPAND_SZ)

char *reg_string(struct reg_hive *h, reg_key k, const char *name)
{
	struct strbuf sb;
	hive_type t;
	size_t len;
	char *data = value_data(h, k, name, STRING_TYPES, &len, &t);

	if (!data)
		return NULL;
	sb_init(&sb);
	sb_put_utf16le(&sb, (const uint8_t *)data, len / 2);
	free(data);
	return sb_steal(&sb);
}

bool reg_dword(struct reg_hive *h, reg_key k, const char *name, uint32_t *out)
{
	hive_type t;
	size_t len;
	uint8_t *data = (uint8_t *)value_data(h, k, name,
					      1u << hive_t_REG_DWORD | 1u << hive_t_REG_DWORD_BIG_ENDIAN,
					      &len, &t);

	if (!data)
		return false;
	if (len < 4) {
		damaged(h, k, "a DWORD value shorter than 4 bytes");
		free(data);
		return false;
	}
	*out = t == hive_t_REG_DWORD ?
		       (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
			       (uint32_t)data[3] << 24 :
		       (uint32_t)data[3] | (uint32_t)data[2] << 8 | (uint32_t)data[1] << 16 |
			       (uint32_t)data[0] << 24;
	free(data);
	return true;
}

bool reg_multi_string(struct reg_hive *h, reg_key k, const char *name, struct strlist *out)
{
	hive_type t;
	size_t len, units, i = 0;
	const uint8_t *p;
	char *data = value_data(h, k, name, STRING_TYPES | 1u << hive_t_REG_MULTI_SZ, &len, &t);

	if (!data)
		return false;
	p = (const uint8_t *)data;
	units = len / 2;
	/* strings one after the other, each ended by a NUL; an empty one ends the list */
	while (i < units) {
		struct strbuf sb;
		size_t n;

		sb_init(&sb);
		n = sb_put_utf16le(&sb, p + 2 * i, units - i);
		if (!n) {
			sb_free(&sb);
			break;
		}
		sl_push(out, sb_steal(&sb));
		i += n + 1;
		if (t != hive_t_REG_MULTI_SZ)
			break;
	}
	free(data);
	return true;
}
