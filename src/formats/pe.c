// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pe.c - strict PE/COFF header parsing, the Authenticode digest ranges and the
 * certificate table. Every field is read through the cursor; every range is
 * checked against the file before anyone uses it.
 */
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "formats/pe.h"
#include "core/util.h"

#define MAX_SECTIONS 96		/* the PE format's own limit */
#define MAX_CERTS 16
#define DIR_RESOURCE 2
#define DIR_SECURITY 4

/*
 * A section name longer than 8 bytes is stored as "/N": an offset into the
 * COFF string table that follows the symbol table (as shim's .vendor_cert).
 */
static void resolve_long_name(const struct pe_image *pe, struct pe_section *s, uint32_t symtab,
			      uint32_t nsyms)
{
	uint64_t strtab = (uint64_t)symtab + (uint64_t)nsyms * 18, off = 0;
	const uint8_t *name, *nul;

	if (s->name[0] != '/' || !symtab)
		return;
	for (int i = 1; i < 8 && s->name[i] >= '0' && s->name[i] <= '9'; i++)
		off = off * 10 + (uint64_t)(s->name[i] - '0');
	if (!range_ok(pe->n, strtab + off, 1))
		return;
	name = pe->p + strtab + off;
	nul = memchr(name, '\0', pe->n - (size_t)(strtab + off));
	if (!nul || (size_t)(nul - name) >= sizeof(s->name))
		return;
	memcpy(s->name, name, (size_t)(nul - name) + 1);
}

int pe_parse(const uint8_t *p, size_t n, struct pe_image *pe, const char **reason)
{
	struct cursor c = cur_init(p, n);
	uint32_t lfanew, sig, ndirs, dir_rva[16] = { 0 }, dir_size[16] = { 0 }, symtab, nsyms;
	uint16_t mz, nsect, opt_size, magic;
	size_t opt_off, dirs_off, sect_off;

	memset(pe, 0, sizeof(*pe));
	pe->p = p;
	pe->n = n;
	if (!cur_le16(&c, &mz) || mz != 0x5a4d || !cur_seek(&c, 0x3c) || !cur_le32(&c, &lfanew)) {
		*reason = "not a PE file (no MZ header)";
		return -1;
	}
	if (!cur_seek(&c, lfanew) || !cur_le32(&c, &sig) || sig != 0x00004550) {
		*reason = "not a PE file (no PE signature at e_lfanew)";
		return -1;
	}
	if (!cur_le16(&c, &pe->machine) || !cur_le16(&c, &nsect) || !cur_skip(&c, 4) ||
	    !cur_le32(&c, &symtab) || !cur_le32(&c, &nsyms) || !cur_le16(&c, &opt_size) ||
	    !cur_skip(&c, 2)) {
		*reason = "COFF header truncated";
		return -1;
	}
	if (nsect == 0 || nsect > MAX_SECTIONS) {
		*reason = "NumberOfSections is 0 or above 96";
		return -1;
	}
	opt_off = c.pos;
	if (!cur_le16(&c, &magic) || (magic != 0x10b && magic != 0x20b)) {
		*reason = "optional header missing or of unknown kind";
		return -1;
	}
	pe->pe32plus = magic == 0x20b;
	/* offsets within the optional header differ between PE32 and PE32+ by the 64-bit fields */
	if (!cur_seek(&c, opt_off + 60) || !cur_le32(&c, &pe->size_of_headers)) {
		*reason = "optional header truncated";
		return -1;
	}
	pe->checksum_off = opt_off + 64;
	if (!cur_seek(&c, opt_off + 68) || !cur_le16(&c, &pe->subsystem)) {
		*reason = "optional header truncated";
		return -1;
	}
	dirs_off = opt_off + (pe->pe32plus ? 112 : 96);
	if (!cur_seek(&c, dirs_off - 4) || !cur_le32(&c, &ndirs)) {
		*reason = "optional header truncated";
		return -1;
	}
	if (ndirs > 16)
		ndirs = 16;
	if (dirs_off + (size_t)ndirs * 8 > opt_off + opt_size) {
		*reason = "data directories reach beyond SizeOfOptionalHeader";
		return -1;
	}
	for (uint32_t i = 0; i < ndirs; i++)
		if (!cur_le32(&c, &dir_rva[i]) || !cur_le32(&c, &dir_size[i])) {
			*reason = "data directories truncated";
			return -1;
		}
	if (ndirs > DIR_SECURITY)
		pe->certdir_off = dirs_off + DIR_SECURITY * 8;
	pe->cert_off = dir_rva[DIR_SECURITY];
	pe->cert_size = dir_size[DIR_SECURITY];
	pe->rsrc_rva = dir_rva[DIR_RESOURCE];
	pe->rsrc_size = dir_size[DIR_RESOURCE];
	if (!pe->certdir_off) {
		*reason = "no certificate table directory";
		return -1;
	}
	sect_off = opt_off + opt_size;
	if (!range_ok(n, sect_off, (uint64_t)nsect * 40)) {
		*reason = "section table reaches beyond the end of the file";
		return -1;
	}
	if (pe->size_of_headers > n || pe->size_of_headers < sect_off + (size_t)nsect * 40) {
		*reason = "SizeOfHeaders does not cover the headers, or exceeds the file";
		return -1;
	}
	if (pe->cert_size && (!range_ok(n, pe->cert_off, pe->cert_size) ||
			      pe->cert_off < pe->size_of_headers)) {
		*reason = "certificate table lies outside the file or over the headers";
		return -1;
	}
	pe->sect = xcalloc(nsect, sizeof(*pe->sect));
	pe->nsect = nsect;
	cur_seek(&c, sect_off);
	for (size_t i = 0; i < nsect; i++) {
		struct pe_section *s = &pe->sect[i];

		cur_copy(&c, s->name, 8);
		resolve_long_name(pe, s, symtab, nsyms);
		cur_le32(&c, &s->vsize);
		cur_le32(&c, &s->vaddr);
		cur_le32(&c, &s->rawsize);
		cur_le32(&c, &s->rawptr);
		cur_skip(&c, 16);
		if (s->rawsize && !range_ok(n, s->rawptr, s->rawsize)) {
			*reason = "a section's raw data lies beyond the end of the file";
			pe_free(pe);
			return -1;
		}
		if (s->rawsize && pe->cert_size && s->rawptr < pe->cert_off + (uint64_t)pe->cert_size &&
		    pe->cert_off < s->rawptr + (uint64_t)s->rawsize) {
			*reason = "certificate table overlaps a section";
			pe_free(pe);
			return -1;
		}
	}
	return 0;
}

void pe_free(struct pe_image *pe)
{
	free(pe->sect);
	pe->sect = NULL;
	pe->nsect = 0;
}

static int cmp_rawptr(const void *a, const void *b)
{
	const struct pe_section *x = *(const struct pe_section *const *)a;
	const struct pe_section *y = *(const struct pe_section *const *)b;

	return (x->rawptr > y->rawptr) - (x->rawptr < y->rawptr);
}

int pe_authenticode_ranges(const struct pe_image *pe, pe_range_fn fn, void *ctx, const char **reason)
{
	const struct pe_section **order;
	uint64_t sum = pe->size_of_headers;
	size_t k = 0;

	/* headers, skipping the checksum and the certificate table's directory entry */
	if (pe->checksum_off + 4 > pe->certdir_off || pe->certdir_off + 8 > pe->size_of_headers) {
		*reason = "headers too short for an Authenticode digest";
		return -1;
	}
	fn(pe->p, pe->checksum_off, ctx);
	fn(pe->p + pe->checksum_off + 4, pe->certdir_off - pe->checksum_off - 4, ctx);
	fn(pe->p + pe->certdir_off + 8, pe->size_of_headers - pe->certdir_off - 8, ctx);
	/* then each section with raw data, in file order */
	order = xcalloc(pe->nsect, sizeof(*order));
	for (size_t i = 0; i < pe->nsect; i++)
		if (pe->sect[i].rawsize)
			order[k++] = &pe->sect[i];
	qsort(order, k, sizeof(*order), cmp_rawptr);
	for (size_t i = 0; i < k; i++) {
		fn(pe->p + order[i]->rawptr, order[i]->rawsize, ctx);
		sum += order[i]->rawsize;
	}
	free(order);
	/*
	 * As the specification and the firmware (EDK2 HashPeImage) count it: the
	 * bytes hashed so far, then FileSize - CertSize - SUM more from offset SUM.
	 */
	if (pe->n > sum) {
		if (pe->n - sum < pe->cert_size) {
			*reason = "certificate table overlaps the hashed image";
			return -1;
		}
		fn(pe->p + sum, (size_t)(pe->n - sum - pe->cert_size), ctx);
	}
	return 0;
}

int pe_certificates(const struct pe_image *pe, struct pe_cert **out, const char **reason)
{
	struct cursor c;
	int count = 0;

	*out = NULL;
	if (!pe->cert_size)
		return 0;
	c = cur_init(pe->p + pe->cert_off, pe->cert_size);
	while (cur_left(&c) >= 8) {
		uint32_t len;
		uint16_t rev = 0, type = 0;
		const uint8_t *data;
		size_t start = c.pos;

		cur_le32(&c, &len);
		cur_le16(&c, &rev);
		cur_le16(&c, &type);
		if (len < 8 || len - 8 > cur_left(&c)) {
			*reason = "WIN_CERTIFICATE dwLength is below 8 or beyond the certificate table";
			free(*out);
			*out = NULL;
			return -1;
		}
		cur_take(&c, len - 8, &data);
		if (count == MAX_CERTS) {
			*reason = "more than 16 WIN_CERTIFICATE entries";
			free(*out);
			*out = NULL;
			return -1;
		}
		*out = xreallocarray(*out, (size_t)count + 1, sizeof(**out));
		(*out)[count].data = data;
		(*out)[count].len = len - 8;
		(*out)[count].revision = rev;
		(*out)[count].type = type;
		count++;
		/* entries are padded to 8 bytes */
		if (!cur_seek(&c, start + ((len + 7u) & ~7u)))
			break;
	}
	return count;
}

const struct pe_section *pe_section_named(const struct pe_image *pe, const char *name)
{
	for (size_t i = 0; i < pe->nsect; i++)
		if (strcmp(pe->sect[i].name, name) == 0)
			return &pe->sect[i];
	return NULL;
}

bool pe_rva_to_off(const struct pe_image *pe, uint32_t rva, uint32_t len, size_t *off)
{
	for (size_t i = 0; i < pe->nsect; i++) {
		const struct pe_section *s = &pe->sect[i];

		if (rva >= s->vaddr && (uint64_t)rva + len <= (uint64_t)s->vaddr + s->rawsize) {
			*off = s->rawptr + (rva - s->vaddr);
			return range_ok(pe->n, *off, len);
		}
	}
	return false;
}
