// SPDX-License-Identifier: GPL-2.0-or-later
/* test_dkmsconf.c - dkms.conf as data: real assignments, shell that must stay text, limits. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "formats/dkmsconf.h"
#include "core/util.h"

static void test_real(void **state)
{
	/* the shape of Debian's v4l2loopback-dkms dkms.conf */
	static const char text[] = "# comment\n"
				   "PACKAGE_NAME=\"v4l2loopback\"\n"
				   "PACKAGE_VERSION='0.12.7'\n"
				   "BUILT_MODULE_NAME[1]=second\n"
				   "BUILT_MODULE_NAME[0]=\"v4l2loopback\"\n"
				   "DEST_MODULE_LOCATION[0]=\"/updates/dkms\"\r\n"
				   "MAKE[0]=\"make KERNELRELEASE=$kernelver\"\n"
				   "AUTOINSTALL=yes\n";
	struct dkms_conf c = { 0 };

	UNIT_UNUSED(state);
	dkmsconf_parse(text, sizeof(text) - 1, &c);
	assert_string_equal(c.package, "v4l2loopback");
	assert_int_equal(c.package_line, 2);
	assert_string_equal(c.version, "0.12.7");
	assert_string_equal(c.autoinstall, "yes");
	assert_int_equal(c.modules.n, 2);
	assert_string_equal(c.modules.v[0], "v4l2loopback");
	assert_string_equal(c.modules.v[1], "second");
	assert_string_equal(c.locations.v[0], "/updates/dkms");
	assert_int_equal(c.skipped, 0);
	dkmsconf_free(&c);
}

static void test_hostile(void **state)
{
	static const char text[] = "PACKAGE_NAME=\"evil$(rm -rf /)\"\n"
				   "PACKAGE_VERSION=`rm -rf /`\n"
				   "rm -rf /\n"
				   "BUILT_MODULE_NAME[99999999999999999999]=x\n"
				   "BUILT_MODULE_NAME[64]=x\n"
				   "BUILT_MODULE_NAME[]=x\n"
				   "BUILT_MODULE_NAME[0=x\n"
				   "A\0B=1\n";
	size_t big = 1u << 20;
	char *p = xmalloc(big + 32);
	struct dkms_conf c = { 0 };

	UNIT_UNUSED(state);
	dkmsconf_parse(text, sizeof(text) - 1, &c);
	/* kept as written, nothing expanded */
	assert_string_equal(c.package, "evil$(rm -rf /)");
	assert_string_equal(c.version, "`rm -rf /`");
	assert_int_equal(c.modules.n, 0);
	assert_int_equal(c.skipped, 5);
	dkmsconf_free(&c);

	memset(p, 'A', big);
	memcpy(p + big, "\nPACKAGE_NAME=x\n", 16);
	dkmsconf_parse(p, big + 16, &c);
	assert_int_equal(c.skipped, 1);
	assert_string_equal(c.package, "x");
	dkmsconf_free(&c);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
