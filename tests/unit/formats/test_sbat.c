// SPDX-License-Identifier: GPL-2.0-or-later
/* test_sbat.c - SBAT revocation: real .sbat texts, levels, and hostile input. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/sbat.h"
#include "core/util.h"

/* Debian 12's GRUB, as its .sbat section reads */
#define GRUB_SBAT                                                                          \
	"sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\n"   \
	"grub,5,Free Software Foundation,grub,2.06,https://www.gnu.org/software/grub/\n"   \
	"grub.debian,5,Debian,grub2,2.06-13+deb12u2,https://tracker.debian.org/pkg/grub2\n" \
	"grub.debian12,1,Debian,grub2,2.06-13+deb12u2,https://tracker.debian.org/pkg/grub2\n"

static void expect(const char *level, const char *image, const char *want)
{
	char *got = sbat_revoked(level, image);

	if (!want) {
		if (got)
			fail_msg("level \"%s\": revoked (%s), expected not", level, got);
		return;
	}
	if (!got)
		fail_msg("level \"%s\": not revoked, expected \"%s\"", level, want);
	assert_string_equal(got, want);
	free(got);
}

static void test_levels(void **state)
{
	UNIT_UNUSED(state);
	/* the original level revokes nothing */
	expect("sbat,1,2021030218\n", GRUB_SBAT, NULL);
	/* at the level, above it, and below it */
	expect("sbat,1,2023012900\nshim,2\ngrub,5\n", GRUB_SBAT, NULL);
	expect("sbat,1,2023012900\ngrub,4\ngrub.debian,4\n", GRUB_SBAT, NULL);
	expect("sbat,1,2024010900\nshim,4\ngrub,6\n", GRUB_SBAT, "grub generation 5 is below 6");
	expect("sbat,1,2024010900\ngrub.debian12,2\n", GRUB_SBAT, "grub.debian12 generation 1 is below 2");
	/* the first revoked component in the image's order is named */
	expect("grub.debian,9\ngrub,9\n", GRUB_SBAT, "grub generation 5 is below 9");
	/* CRLF line ends, as efivars written on other systems may have */
	expect("sbat,1,2024010900\r\ngrub,6\r\n", GRUB_SBAT, "grub generation 5 is below 6");
	/* a component name is matched whole */
	expect("gru,9\ngrub.debian1,9\n", GRUB_SBAT, NULL);
	/* the SBAT version record itself */
	expect("sbat,2\n", GRUB_SBAT, "sbat generation 1 is below 2");
}

static void test_hostile(void **state)
{
	char *big = xmalloc(1 << 20), *p = big;

	UNIT_UNUSED(state);
	expect("", GRUB_SBAT, NULL);
	expect(GRUB_SBAT, "", NULL);
	expect("grub\n,\n,,\n\n", GRUB_SBAT, NULL);
	/* a generation that is not a number counts as 0 (as in shim) */
	expect("grub,1\n", "grub,x,v,p,1,u\n", "grub generation 0 is below 1");
	/* absurd generations do not overflow */
	expect("grub,99999999999999999999999\n", GRUB_SBAT, "grub generation 5 is below 9999999");
	/* a name longer than we keep is ignored */
	memset(big, 'a', 300);
	strcpy(big + 300, ",9\n");
	expect(big, big, NULL);
	/* many records: the first ones are read, nothing crashes */
	for (int i = 0; i < 50000; i++)
		p += sprintf(p, "c%d,%d\n", i, i);
	expect(big, "c1,0,v,p,1,u\n", "c1 generation 0 is below 1");
	expect(big, big, NULL);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
