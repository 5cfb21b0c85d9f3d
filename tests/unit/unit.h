/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit.h - what the cmocka unit tests share: cmocka itself and a deterministic PRNG. */
#ifndef KD_UNIT_H
#define KD_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* xorshift64*: reproducible "random" bytes, so a failure can be replayed. */
static inline uint64_t unit_rand(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

static inline void unit_fill_random(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t s = seed;

	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(unit_rand(&s) >> 56);
}

#define UNIT_UNUSED(x) ((void)(x))

#endif
