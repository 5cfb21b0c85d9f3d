// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * elfmod.c - read .modinfo, the module's own name and its build-id from a
 * module image. libelf finds the sections and checks that each lies inside the
 * image; the contents are then read through the cursor.
 */
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cursor.h"
#include "formats/elfmod.h"
#include "core/util.h"

/* struct module starts with an enum and a list_head, then char name[64 - sizeof(long)] */
#define THIS_MODULE_NAME_OFF64 24
#define THIS_MODULE_NAME_OFF32 12
#define MODULE_NAME_LEN64 56
#define MODULE_NAME_LEN32 60
#define NT_GNU_BUILD_ID_TYPE 3
#define MAX_BUILD_ID 64
#define MAX_SECTION (64u << 20)	/* .modinfo and friends are kilobytes */

void elfmod_init(void)
{
	elf_version(EV_CURRENT);
}

void modinfo_parse(const uint8_t *p, size_t n, struct kvlist *out)
{
	struct cursor c = cur_init(p, n);

	while (cur_left(&c)) {
		const uint8_t *s = c.base + c.pos;
		const uint8_t *nul = memchr(s, '\0', cur_left(&c));
		size_t len = nul ? (size_t)(nul - s) : cur_left(&c);
		const uint8_t *eq = memchr(s, '=', len);

		/* entries are padded with NULs; a string without '=' is not an entry */
		if (len && eq && eq != s) {
			char *key = xstrndup((const char *)s, (size_t)(eq - s));

			kv_addn(out, key, (const char *)eq + 1, len - (size_t)(eq - s) - 1);
			free(key);
		}
		cur_skip(&c, nul ? len + 1 : len);
	}
}

char *note_build_id(const uint8_t *p, size_t n)
{
	struct cursor c = cur_init(p, n);

	while (cur_left(&c) >= 12) {
		uint32_t namesz, descsz, type;
		const uint8_t *name, *desc;

		if (!cur_le32(&c, &namesz) || !cur_le32(&c, &descsz) || !cur_le32(&c, &type))
			return NULL;
		/* name and desc are each padded to 4 bytes */
		if (namesz > 256 || descsz > 4096)
			return NULL;
		if (!cur_take(&c, namesz, &name) || !cur_skip(&c, (4 - namesz % 4) % 4))
			return NULL;
		if (!cur_take(&c, descsz, &desc) || !cur_skip(&c, (4 - descsz % 4) % 4))
			return NULL;
		if (type == NT_GNU_BUILD_ID_TYPE && namesz == 4 && memcmp(name, "GNU", 4) == 0 &&
		    descsz > 0 && descsz <= MAX_BUILD_ID)
			return hex_encode(desc, descsz, 0);
	}
	return NULL;
}

static char *module_name_from(const uint8_t *p, size_t n, bool is64)
{
	size_t off = is64 ? THIS_MODULE_NAME_OFF64 : THIS_MODULE_NAME_OFF32;
	size_t max = is64 ? MODULE_NAME_LEN64 : MODULE_NAME_LEN32;
	const uint8_t *name, *nul;
	struct cursor c = cur_init(p, n);

	if (!cur_skip(&c, off))
		return NULL;
	if (cur_left(&c) < max)
		max = cur_left(&c);
	if (!cur_take(&c, max, &name))
		return NULL;
	nul = memchr(name, '\0', max);
	if (!nul || nul == name)
		return NULL;
	return xstrndup((const char *)name, (size_t)(nul - name));
}

/* Walk the sections of an opened image of n bytes (signature excluded). */
static int parse_sections(Elf *elf, uint64_t n, bool is64, struct elfmod *out, const char **reason)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	bool have_modinfo = false;

	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		*reason = "ELF header unreadable";
		return -1;
	}
	if (elf_getshdrstrndx(elf, &shstrndx) != 0) {
		*reason = "ELF section name table unreadable";
		return -1;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		Elf_Data *data;
		const char *name;

		if (!gelf_getshdr(scn, &shdr)) {
			*reason = "ELF section header unreadable";
			return -1;
		}
		name = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (!name || shdr.sh_type == SHT_NOBITS)
			continue;
		if (strcmp(name, ".modinfo") && strcmp(name, ".gnu.linkonce.this_module") &&
		    strcmp(name, ".note.gnu.build-id"))
			continue;
		/* the section must lie in the signed body, not in the signature after it */
		if (!range_ok(n, shdr.sh_offset, shdr.sh_size) || shdr.sh_size > MAX_SECTION ||
		    !(data = elf_rawdata(scn, NULL)) || !data->d_buf) {
			*reason = "ELF section lies outside the module body";
			return -1;
		}
		if (strcmp(name, ".modinfo") == 0) {
			modinfo_parse(data->d_buf, data->d_size, &out->modinfo);
			have_modinfo = true;
		} else if (strcmp(name, ".gnu.linkonce.this_module") == 0) {
			free(out->this_module_name);
			out->this_module_name = module_name_from(data->d_buf, data->d_size, is64);
		} else if (!out->build_id) {
			out->build_id = note_build_id(data->d_buf, data->d_size);
		}
	}
	if (!have_modinfo && !out->this_module_name) {
		*reason = "ELF file is not a kernel module (no .modinfo, no .gnu.linkonce.this_module)";
		return -1;
	}
	return 0;
}

static int check_ident(const uint8_t *p, size_t n, bool *is64, const char **reason)
{
	if (n < EI_NIDENT || memcmp(p, ELFMAG, SELFMAG) != 0) {
		*reason = "not an ELF file";
		return -1;
	}
	if (p[EI_CLASS] != ELFCLASS64 && p[EI_CLASS] != ELFCLASS32) {
		*reason = "unknown ELF class";
		return -1;
	}
	*is64 = p[EI_CLASS] == ELFCLASS64;
	return 0;
}

/* Parse an opened image and close it; on failure nothing is left in *out. */
static int parse_and_end(Elf *elf, uint64_t n, bool is64, struct elfmod *out, const char **reason)
{
	int r = parse_sections(elf, n, is64, out, reason);

	if (elf)
		elf_end(elf);
	if (r)
		elfmod_free(out);
	return r;
}

int elfmod_parse(const uint8_t *p, size_t n, struct elfmod *out, const char **reason)
{
	bool is64;

	memset(out, 0, sizeof(*out));
	if (check_ident(p, n, &is64, reason))
		return -1;
	/* elf_memory takes a non-const pointer; our buffers are our own heap copies */
	return parse_and_end(elf_memory((char *)(uintptr_t)p, n), n, is64, out, reason);
}

int elfmod_parse_fd(int fd, uint64_t n, struct elfmod *out, const char **reason)
{
	uint8_t ident[EI_NIDENT];
	bool is64;

	memset(out, 0, sizeof(*out));
	if (pread(fd, ident, sizeof(ident), 0) != (ssize_t)sizeof(ident)) {
		*reason = "not an ELF file";
		return -1;
	}
	if (check_ident(ident, sizeof(ident), &is64, reason))
		return -1;
	/* ELF_C_READ: libelf reads the headers and then only the sections we ask for, with pread */
	return parse_and_end(elf_begin(fd, ELF_C_READ, NULL), n, is64, out, reason);
}

void elfmod_free(struct elfmod *m)
{
	kv_free(&m->modinfo);
	free(m->this_module_name);
	free(m->build_id);
	m->this_module_name = NULL;
	m->build_id = NULL;
}
