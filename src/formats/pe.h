/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pe.h - PE/COFF images (EFI binaries, signed kernels, Windows drivers): layout and Authenticode ranges. */
#ifndef KD_PE_H
#define KD_PE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

struct pe_section {
	char name[64];			/* long names ("/4") resolved from the COFF string table */
	uint32_t vsize;
	uint32_t vaddr;
	uint32_t rawsize;
	uint32_t rawptr;
};

struct pe_image {
	const uint8_t *p;
	size_t n;
	bool pe32plus;
	uint16_t machine;
	uint16_t subsystem;
	size_t checksum_off;		/* file offset of OptionalHeader.CheckSum */
	size_t certdir_off;		/* file offset of DataDirectory[SECURITY] */
	uint32_t cert_off;		/* certificate table: a file offset, not an RVA */
	uint32_t cert_size;
	uint32_t rsrc_rva;		/* DataDirectory[RESOURCE] */
	uint32_t rsrc_size;
	uint32_t size_of_headers;
	struct pe_section *sect;
	size_t nsect;
};

struct pe_cert {
	const uint8_t *data;		/* the PKCS#7 SignedData */
	size_t len;
	uint16_t revision;
	uint16_t type;
};

/* Parse the headers strictly. Returns 0, or -1 with *reason. */
int pe_parse(const uint8_t *p, size_t n, struct pe_image *pe, const char **reason);
void pe_free(struct pe_image *pe);

/* The byte ranges the Authenticode digest covers, in order. Returns 0, or -1 with *reason. */
typedef void (*pe_range_fn)(const uint8_t *p, size_t n, void *ctx);
int pe_authenticode_ranges(const struct pe_image *pe, pe_range_fn fn, void *ctx, const char **reason);

/* The WIN_CERTIFICATE entries (PKCS#7 ones and others). Returns the count, or -1 with *reason. */
int pe_certificates(const struct pe_image *pe, struct pe_cert **out, const char **reason);

const struct pe_section *pe_section_named(const struct pe_image *pe, const char *name);
/* File offset of [rva, rva+len) when it lies inside one section's raw data. */
bool pe_rva_to_off(const struct pe_image *pe, uint32_t rva, uint32_t len, size_t *off);

#endif
