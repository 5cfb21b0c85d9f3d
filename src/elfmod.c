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

#include "cursor.h"
#include "elfmod.h"
#include "util.h"

/* struct module starts with an enum and a list_head, then char name[64 - sizeof(long)] */
#define THIS_MODULE_NAME_OFF64 24
#define THIS_MODULE_NAME_OFF32 12
#define MODULE_NAME_LEN64 56
#define MODULE_NAME_LEN32 60
#define NT_GNU_BUILD_ID_TYPE 3
#define MAX_BUILD_ID 64

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

int elfmod_parse(const uint8_t *p, size_t n, struct elfmod *out, const char **reason)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	bool is64, have_modinfo = false;
	int r = -1;

	memset(out, 0, sizeof(*out));
	if (n < EI_NIDENT || memcmp(p, ELFMAG, SELFMAG) != 0) {
		*reason = "not an ELF file";
		return -1;
	}
	if (p[EI_CLASS] != ELFCLASS64 && p[EI_CLASS] != ELFCLASS32) {
		*reason = "unknown ELF class";
		return -1;
	}
	is64 = p[EI_CLASS] == ELFCLASS64;
	/* libelf only reads through this pointer with ELF_C_READ_MMAP semantics */
	elf = elf_memory((char *)(uintptr_t)p, n);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		*reason = "ELF header unreadable";
		goto out;
	}
	if (elf_getshdrstrndx(elf, &shstrndx) != 0) {
		*reason = "ELF section name table unreadable";
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		Elf_Data *data;
		const char *name;

		if (!gelf_getshdr(scn, &shdr)) {
			*reason = "ELF section header unreadable";
			goto out;
		}
		name = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (!name || shdr.sh_type == SHT_NOBITS)
			continue;
		if (strcmp(name, ".modinfo") && strcmp(name, ".gnu.linkonce.this_module") &&
		    strcmp(name, ".note.gnu.build-id"))
			continue;
		/* elf_rawdata checks that the section lies inside the image */
		if (!range_ok(n, shdr.sh_offset, shdr.sh_size) || !(data = elf_rawdata(scn, NULL)) ||
		    !data->d_buf) {
			*reason = "ELF section lies outside the file";
			goto out;
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
		goto out;
	}
	r = 0;
out:
	if (elf)
		elf_end(elf);
	if (r)
		elfmod_free(out);
	return r;
}

void elfmod_free(struct elfmod *m)
{
	kv_free(&m->modinfo);
	free(m->this_module_name);
	free(m->build_id);
	m->this_module_name = NULL;
	m->build_id = NULL;
}
