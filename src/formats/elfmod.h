/* SPDX-License-Identifier: GPL-2.0-or-later */
/* elfmod.h - what a kernel module's ELF image says about itself. */
#ifndef KD_ELFMOD_H
#define KD_ELFMOD_H

#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

struct elfmod {
	struct kvlist modinfo;		/* .modinfo key=value pairs, in file order */
	char *this_module_name;		/* name in .gnu.linkonce.this_module */
	char *build_id;			/* hex of the NT_GNU_BUILD_ID note */
};

/* Library set-up; call once before threads start. */
void elfmod_init(void);
/*
 * Parse an ELF module image (the bytes before any signature). Returns 0, or -1
 * with *reason set to a static string.
 */
int elfmod_parse(const uint8_t *p, size_t n, struct elfmod *out, const char **reason);
/* The same for a module file read in place: n is the length of its body (no signature). */
int elfmod_parse_fd(int fd, uint64_t n, struct elfmod *out, const char **reason);
void elfmod_free(struct elfmod *m);

/* Parse the .modinfo blob: NUL-separated key=value strings. */
void modinfo_parse(const uint8_t *p, size_t n, struct kvlist *out);
/* Parse an ELF note list and return the GNU build-id as hex, or NULL. */
char *note_build_id(const uint8_t *p, size_t n);

#endif
