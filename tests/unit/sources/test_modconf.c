// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_modconf.c - the module load configuration of a fixture root: which
 * file of a name wins (etc/ before lib/), masks, etc/modules read once, the
 * command lines of an image, and coverage for what could not be read.
 */
#include "unit.h"
#include "fsfix.h"

#include "store/result.h"
#include "sources/modconf.h"
#include "core/util.h"

struct mc_fixture {
	char dir[64];
	struct kd_root root;
};

static int setup(void **state)
{
	struct mc_fixture *f = calloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/kd-modconf-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct mc_fixture *f = *state;

	root_fini(&f->root);
	fx_rm_rf(f->dir);
	free(f);
	return 0;
}

static void put(struct mc_fixture *f, const char *rel, const char *text)
{
	char path[512], *slash;

	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	fx_mkdir_p(path);
	*slash = '/';
	fx_write(path, text, strlen(text));
}

static void link_at(struct mc_fixture *f, const char *target, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	assert_int_equal(symlink(target, path), 0);
}

static const struct coverage *cov_of(const struct scan_result *res, const char *source)
{
	for (size_t i = 0; i < res->ncov; i++)
		if (strcmp(res->cov[i].source, source) == 0)
			return &res->cov[i];
	return NULL;
}

/* The "module.name@modconf.source" of every fact list, joined by spaces. */
static char *names(const struct fact_set *fs)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_puts(&sb, "");
	for (size_t i = 0; i < fs->n; i++)
		sb_printf(&sb, "%s%s@%s", i ? " " : "", kv_get(&fs->v[i], "module.name"),
			  kv_get(&fs->v[i], "modconf.source"));
	return sb_steal(&sb);
}

static void run(struct mc_fixture *f, struct scan_result *res, struct fact_set *fs)
{
	memset(res, 0, sizeof(*res));
	memset(fs, 0, sizeof(*fs));
	res->offline = true;
	assert_int_equal(root_init(&f->root, f->dir, true), 0);
	modconf_read(&f->root, res, fs);
}

static void test_precedence_and_masks(void **state)
{
	struct mc_fixture *f = *state;
	struct scan_result res;
	struct fact_set fs;
	char *got;

	put(f, "usr/lib/modules-load.d/a.conf", "from_lib\n");
	put(f, "etc/modules-load.d/a.conf", "from_etc\n");
	put(f, "usr/lib/modules-load.d/b.conf", "masked_one\n");
	link_at(f, "/dev/null", "etc/modules-load.d/b.conf");
	put(f, "usr/lib/modules-load.d/c.conf", "kav4fs_oas\n");
	put(f, "usr/lib/modules-load.d/c.txt", "not_conf\n");
	put(f, "etc/modules", "loop\n");
	link_at(f, "../modules", "etc/modules-load.d/modules.conf");
	run(f, &res, &fs);
	got = names(&fs);
	/* by file name across directories; etc/modules once, through its link */
	assert_string_equal(got, "from_etc@/etc/modules-load.d/a.conf:1 "
				 "kav4fs_oas@/usr/lib/modules-load.d/c.conf:1 "
				 "loop@/etc/modules-load.d/modules.conf:1");
	assert_int_equal(cov_of(&res, "modules-load.d")->status, COV_OK);
	assert_int_equal(cov_of(&res, "modprobe.d")->status, COV_ABSENT);
	assert_false(scan_incomplete(&res));
	free(got);
	fact_set_free(&fs);
	scan_result_free(&res);
}

static void test_install_and_cmdlines(void **state)
{
	struct mc_fixture *f = *state;
	struct scan_result res;
	struct fact_set fs;
	char *got;

	put(f, "etc/modprobe.d/k.conf",
	    "install kav4fs_oas /sbin/insmod /opt/kaspersky/kav4fs_oas.ko.xz || true\n");
	put(f, "boot/grub/grub.cfg", "\tlinux /vmlinuz root=/dev/sda modules-load=kav4fs_oas\n");
	put(f, "etc/kernel/cmdline", "root=/dev/sda rd.driver.post=redirfs\n");
	put(f, "boot/efi/loader/entries/e.conf", "options quiet module_blacklist=kav4fs_oas\n");
	run(f, &res, &fs);
	got = names(&fs);
	assert_string_equal(got, "kav4fs_oas@/etc/modprobe.d/k.conf:1 "
				 "kav4fs_oas@/boot/grub/grub.cfg:1 "
				 "redirfs@/etc/kernel/cmdline:1 "
				 "kav4fs_oas@/boot/efi/loader/entries/e.conf:1");
	assert_string_equal(kv_get(&fs.v[0], "module.path"), "/opt/kaspersky/kav4fs_oas.ko.xz");
	assert_string_equal(kv_get(&fs.v[0], "module.file"), "kav4fs_oas.ko.xz");
	assert_string_equal(kv_get(&fs.v[0], "modconf.command"),
			    "/sbin/insmod /opt/kaspersky/kav4fs_oas.ko.xz || true");
	assert_string_equal(kv_get(&fs.v[3], "modconf.directive"), "module_blacklist");
	assert_int_equal(cov_of(&res, "kernel command line")->status, COV_OK);
	free(got);
	fact_set_free(&fs);
	scan_result_free(&res);
}

static void test_gaps_are_coverage(void **state)
{
	struct mc_fixture *f = *state;
	struct scan_result res;
	struct fact_set fs;
	size_t big = (1u << 20) + 1;
	char *p = xmalloc(big + 1);

	memset(p, 'x', big);
	p[big] = '\0';
	put(f, "etc/modprobe.d/big.conf", p);
	put(f, "etc/modprobe.d/ok.conf", "blacklist kav4fs_oas\n");
	put(f, "etc/default/grub", "GRUB_CMDLINE_LINUX=\"x\0");
	free(p);
	run(f, &res, &fs);
	/* the big file is a named gap; the next one is still read */
	assert_int_equal(fs.n, 1);
	assert_int_equal(cov_of(&res, "modprobe.d")->status, COV_ERROR);
	assert_non_null(strstr(cov_of(&res, "modprobe.d")->detail, "/etc/modprobe.d/big.conf"));
	assert_true(scan_incomplete(&res));
	fact_set_free(&fs);
	scan_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_precedence_and_masks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install_and_cmdlines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gaps_are_coverage, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
