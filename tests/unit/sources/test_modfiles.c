// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_modfiles.c - modfiles_find on the module tree layouts: /lib/modules,
 * merged /usr (lib -> usr/lib: one directory, walked once), usr/lib/modules
 * only (a package unpacked by itself), and two distinct trees (both walked).
 */
#include "unit.h"
#include "fsfix.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/root.h"
#include "core/util.h"
#include "sources/modfiles.h"
#include "store/result.h"

struct found {
	struct scan_result res;
	struct strlist releases, dirs;
	struct modfile_list list;
};

static char *make_root(void)
{
	char *dir = xstrdup("/tmp/kd-modfiles-XXXXXX");

	assert_non_null(mkdtemp(dir));
	return dir;
}

static void put_module(const char *root, const char *rel)
{
	char *p = xasprintf("%s/%s", root, rel), *slash = strrchr(p, '/');

	*slash = '\0';
	fx_mkdir_p(p);
	*slash = '/';
	fx_write(p, "x", 1);
	free(p);
}

static void find_in(const char *dir, struct found *f)
{
	struct kd_root root;

	memset(f, 0, sizeof(*f));
	assert_int_equal(root_init(&root, dir, true), 0);
	modfiles_find(&root, &f->res, &f->releases, &f->dirs, &f->list);
	root_fini(&root);
}

static void found_free(struct found *f)
{
	scan_result_free(&f->res);
	sl_free(&f->releases);
	sl_free(&f->dirs);
	sl_free(&f->list.shown);
	sl_free(&f->list.open_paths);
	sl_free(&f->list.releases_of);
}

static const struct coverage *cov_of(const struct found *f, const char *source)
{
	for (size_t i = 0; i < f->res.ncov; i++)
		if (strcmp(f->res.cov[i].source, source) == 0)
			return &f->res.cov[i];
	return NULL;
}

static void test_merged_usr_walked_once(void **state)
{
	char *dir = make_root(), *lib = NULL;
	struct found f;

	(void)state;
	put_module(dir, "usr/lib/modules/6.12.1-amd64/kernel/a.ko.xz");
	put_module(dir, "usr/lib/modules/6.12.1-amd64/kernel/b.ko");
	lib = xasprintf("%s/lib", dir);
	assert_int_equal(symlink("usr/lib", lib), 0);
	find_in(dir, &f);
	assert_int_equal(f.list.shown.n, 2);
	assert_string_equal(f.list.shown.v[0], "/lib/modules/6.12.1-amd64/kernel/a.ko.xz");
	assert_string_equal(f.list.shown.v[1], "/lib/modules/6.12.1-amd64/kernel/b.ko");
	assert_int_equal(f.releases.n, 1);
	assert_string_equal(f.dirs.v[0], "lib/modules/6.12.1-amd64");
	assert_non_null(cov_of(&f, "/lib/modules/6.12.1-amd64"));
	assert_null(cov_of(&f, "/usr/lib/modules/6.12.1-amd64"));
	assert_int_equal(cov_of(&f, "/usr/lib/modules")->status, COV_OK);
	assert_non_null(strstr(cov_of(&f, "/usr/lib/modules")->detail, "walked once"));
	found_free(&f);
	free(lib);
	fx_rm_rf(dir);
	free(dir);
}

static void test_usr_only(void **state)
{
	char *dir = make_root();
	struct found f;

	(void)state;
	put_module(dir, "usr/lib/modules/6.12.1-amd64/kernel/a.ko.xz");
	find_in(dir, &f);
	assert_int_equal(f.list.shown.n, 1);
	assert_string_equal(f.list.shown.v[0], "/usr/lib/modules/6.12.1-amd64/kernel/a.ko.xz");
	assert_string_equal(f.list.releases_of.v[0], "6.12.1-amd64");
	assert_string_equal(f.dirs.v[0], "usr/lib/modules/6.12.1-amd64");
	/* no lib/ at all is no gap while usr/lib/modules is there */
	for (size_t i = 0; i < f.res.ncov; i++)
		assert_int_equal(f.res.cov[i].status, COV_OK);
	assert_null(cov_of(&f, "/lib/modules"));
	found_free(&f);
	fx_rm_rf(dir);
	free(dir);
}

static void test_two_trees_both_walked(void **state)
{
	char *dir = make_root();
	struct found f;

	(void)state;
	put_module(dir, "lib/modules/6.1.0-1-amd64/extra/a.ko");
	put_module(dir, "usr/lib/modules/6.1.0-1-amd64/extra/b.ko");
	put_module(dir, "usr/lib/modules/6.12.1-amd64/kernel/c.ko.zst");
	find_in(dir, &f);
	assert_int_equal(f.list.shown.n, 3);
	assert_string_equal(f.list.shown.v[0], "/lib/modules/6.1.0-1-amd64/extra/a.ko");
	assert_string_equal(f.list.shown.v[1], "/usr/lib/modules/6.1.0-1-amd64/extra/b.ko");
	assert_string_equal(f.list.shown.v[2], "/usr/lib/modules/6.12.1-amd64/kernel/c.ko.zst");
	/* each release once, sorted, its index files where the system's tools look first */
	assert_int_equal(f.releases.n, 2);
	assert_string_equal(f.releases.v[0], "6.1.0-1-amd64");
	assert_string_equal(f.dirs.v[0], "lib/modules/6.1.0-1-amd64");
	assert_string_equal(f.releases.v[1], "6.12.1-amd64");
	assert_string_equal(f.dirs.v[1], "usr/lib/modules/6.12.1-amd64");
	assert_non_null(cov_of(&f, "/lib/modules/6.1.0-1-amd64"));
	assert_non_null(cov_of(&f, "/usr/lib/modules/6.1.0-1-amd64"));
	assert_null(cov_of(&f, "/usr/lib/modules"));
	found_free(&f);
	fx_rm_rf(dir);
	free(dir);
}

static void test_no_tree(void **state)
{
	char *dir = make_root(), *etc = NULL;
	struct found f;

	(void)state;
	etc = xasprintf("%s/etc", dir);
	fx_mkdir_p(etc);
	find_in(dir, &f);
	assert_int_equal(f.list.shown.n, 0);
	assert_int_equal(f.releases.n, 0);
	assert_int_equal(cov_of(&f, "/lib/modules")->status, COV_ABSENT);
	assert_non_null(strstr(cov_of(&f, "/lib/modules")->detail, "/usr/lib/modules"));
	found_free(&f);
	free(etc);
	fx_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merged_usr_walked_once),
		cmocka_unit_test(test_usr_only),
		cmocka_unit_test(test_two_trees_both_walked),
		cmocka_unit_test(test_no_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
