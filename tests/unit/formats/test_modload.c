// SPDX-License-Identifier: GPL-2.0-or-later
/* test_modload.c - the modprobe.d, modules-load.d and command line parsers, fed hostile lines. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/modload.h"
#include "core/util.h"

static struct modconf_items parse(enum modconf_format fmt, const char *p, size_t n)
{
	struct modconf_items it = { 0 };

	modconf_parse(fmt, p, n, &it);
	return it;
}

#define PARSE(fmt, s) parse(fmt, s, sizeof(s) - 1)

static void item_is(const struct modconf_item *it, const char *dir, const char *mod, unsigned line)
{
	assert_string_equal(it->directive, dir);
	assert_string_equal(it->module, mod);
	assert_int_equal(it->line, line);
}

static void test_modprobe(void **state)
{
	static const char text[] =
		"# comment kav4fs_oas\n"
		"options snd_hda_intel power_save=1\n"
		"blacklist pcspkr\n"
		"install kav4fs_oas /sbin/insmod \\\n"
		"  /opt/kaspersky/kav4fs_oas.ko\n"
		"alias fs-kavfs kav4fs_oas\n"
		"softdep snd pre: kav4fs_oas post: redirfs\n"
		"remove kav4fs_oas /bin/true\r\n"
		"frobnicate x\n"
		"  \t\n";
	struct modconf_items it = PARSE(MODCONF_MODPROBE, text);

	UNIT_UNUSED(state);
	assert_int_equal(it.skipped, 0);
	assert_int_equal(it.n, 8);
	item_is(&it.v[0], "options", "snd_hda_intel", 2);
	assert_string_equal(it.v[0].args, "power_save=1");
	item_is(&it.v[1], "blacklist", "pcspkr", 3);
	item_is(&it.v[2], "install", "kav4fs_oas", 4);
	/* the continuation line joins the command */
	assert_string_equal(it.v[2].args, "/sbin/insmod   /opt/kaspersky/kav4fs_oas.ko");
	item_is(&it.v[3], "alias", "kav4fs_oas", 6);
	item_is(&it.v[4], "softdep", "snd", 7);
	item_is(&it.v[5], "softdep-pulled", "kav4fs_oas", 7);
	item_is(&it.v[6], "softdep-pulled", "redirfs", 7);
	item_is(&it.v[7], "remove", "kav4fs_oas", 8);
	assert_string_equal(it.v[7].args, "/bin/true");
	assert_true(modconf_loads("install") && modconf_loads("softdep-pulled"));
	assert_false(modconf_loads("softdep") || modconf_loads("options"));
	assert_true(modconf_blacklists("blacklist") && modconf_blacklists("module_blacklist"));
	modconf_items_free(&it);
}

static void test_modules_load(void **state)
{
	static const char text[] = "# c\n; c\nloop\n  kav4fs_oas  \ntwo words\n\n";
	struct modconf_items it = PARSE(MODCONF_MODULES_LOAD, text);

	UNIT_UNUSED(state);
	assert_int_equal(it.n, 2);
	item_is(&it.v[0], "load", "loop", 3);
	item_is(&it.v[1], "load", "kav4fs_oas", 4);
	assert_int_equal(it.skipped, 1);
	modconf_items_free(&it);
}

static void test_cmdlines(void **state)
{
	static const char cmd[] = "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet "
				  "modules-load=kav4fs_oas,loop rd.driver.blacklist=nouveau "
				  "i915.enable_psr=0 systemd.unit=x rd.luks.uuid=1 "
				  "foo=\"a b.c=1\" module_blacklist=pcspkr\n";
	static const char grub[] = "menuentry 'D' {\n"
				   "\tlinux /boot/vmlinuz-6.1 root=/dev/sda1 rd.modules-load=kav4fs_oas\n"
				   "\tinitrd /boot/initrd.img\n}\n";
	static const char def[] = "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX=\"\"\n"
				  "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet rd.driver.pre=kav4fs_oas\"\n";
	static const char bls[] = "title D\nlinux /vmlinuz\n"
				  "options root=/dev/sda1 modprobe.blacklist=kav4fs_oas\n";
	struct modconf_items it = PARSE(MODCONF_CMDLINE, cmd);

	UNIT_UNUSED(state);
	assert_int_equal(it.n, 5);
	item_is(&it.v[0], "modules-load", "kav4fs_oas", 1);
	assert_string_equal(it.v[0].args, "modules-load=kav4fs_oas,loop");
	item_is(&it.v[1], "modules-load", "loop", 1);
	item_is(&it.v[2], "rd.driver.blacklist", "nouveau", 1);
	item_is(&it.v[3], "options", "i915", 1);
	/* a quoted value is one parameter: b.c=1 inside it is not a module option */
	item_is(&it.v[4], "module_blacklist", "pcspkr", 1);
	modconf_items_free(&it);

	it = PARSE(MODCONF_GRUB_CFG, grub);
	assert_int_equal(it.n, 1);
	item_is(&it.v[0], "rd.modules-load", "kav4fs_oas", 2);
	modconf_items_free(&it);
	it = PARSE(MODCONF_GRUB_DEFAULT, def);
	assert_int_equal(it.n, 1);
	item_is(&it.v[0], "rd.driver.pre", "kav4fs_oas", 3);
	modconf_items_free(&it);
	it = PARSE(MODCONF_BLS, bls);
	assert_int_equal(it.n, 1);
	item_is(&it.v[0], "modprobe.blacklist", "kav4fs_oas", 3);
	modconf_items_free(&it);
}

static void test_hostile(void **state)
{
	size_t big = 1u << 20;
	char *p = xmalloc(big + 64);
	struct modconf_items it;
	static const char nul[] = "options a\0b x=1\nblacklist nulmod\n";
	static const char eof[] = "install foo /bin/true \\";

	UNIT_UNUSED(state);
	/* a 1 MiB line is skipped, the line after it is read */
	memset(p, 'a', big);
	memcpy(p + big, "\nblacklist after\n", 17);
	it = parse(MODCONF_MODPROBE, p, big + 17);
	assert_int_equal(it.skipped, 1);
	assert_int_equal(it.n, 1);
	item_is(&it.v[0], "blacklist", "after", 2);
	modconf_items_free(&it);
	/* so is a 1 MiB command line */
	it = parse(MODCONF_CMDLINE, p, big);
	assert_int_equal(it.skipped, 1);
	assert_int_equal(it.n, 0);
	modconf_items_free(&it);
	free(p);

	it = PARSE(MODCONF_MODPROBE, nul);
	assert_int_equal(it.skipped, 1);
	assert_int_equal(it.n, 1);
	item_is(&it.v[0], "blacklist", "nulmod", 2);
	modconf_items_free(&it);

	/* a backslash at the end of the file joins nothing */
	it = PARSE(MODCONF_MODPROBE, eof);
	assert_int_equal(it.n, 1);
	assert_string_equal(it.v[0].args, "/bin/true ");
	modconf_items_free(&it);
}

static void test_limits(void **state)
{
	size_t n = 100000, len = 0;
	char *text = xmalloc(n * 24);
	struct modconf_items it;

	UNIT_UNUSED(state);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, 24, "m%zu\n", i);
	it = parse(MODCONF_MODULES_LOAD, text, len);
	assert_int_equal(it.n, MODCONF_ITEMS_MAX);
	assert_true(it.truncated);
	modconf_items_free(&it);
	/* random bytes: no crash, whatever it finds */
	unit_fill_random((uint8_t *)text, len, 42);
	for (int f = MODCONF_MODPROBE; f <= MODCONF_BLS; f++) {
		it = parse((enum modconf_format)f, text, len);
		modconf_items_free(&it);
	}
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modprobe),
		cmocka_unit_test(test_modules_load),
		cmocka_unit_test(test_cmdlines),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
