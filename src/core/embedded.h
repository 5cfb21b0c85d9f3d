/* SPDX-License-Identifier: GPL-2.0-or-later */
/* embedded.h - rules and certificates compiled into the binary (tools/gen-embedded.sh). */
#ifndef KD_EMBEDDED_H
#define KD_EMBEDDED_H

#include <stddef.h>
#include <stdint.h>

struct embedded_file {
	const char *name;
	const uint8_t *data;
	uint64_t size;
};

/* Terminated by an entry whose name is NULL. */
extern const struct embedded_file kd_embedded_files[];

#endif
