// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_kimage_list.c - list_kernel_images (crypto/kimage.c) on the places
 * distributions put kernel images: /boot/vmlinuz-<release> beside config and
 * System.map, <tree>/<release>/vmlinuz (Fedora, RHEL), a rescue image, the
 * vmlinuz links; one file under two names is listed once as itself.
 */
#include "unit.h"
#include "fsfix.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/root.h"
#include "core/util.h"
#include "crypto/kimage.h"

static char *at(const char *dir, const char *rel)
{
	return xasprintf("%s/%s", dir, rel);
}

static void put(const char *dir, const char *rel)
{
	char *p = at(dir, rel), *slash = strrchr(p, '/');

	*slash = '\0';
	fx_mkdir_p(p);
	*slash = '/';
	fx_write(p, "MZ", 2);
	free(p);
}

static void link_at(const char *dir, const char *target, const char *rel)
{
	char *p = at(dir, rel);

	assert_int_equal(symlink(target, p), 0);
	free(p);
}

static size_t index_of(const struct kernel_image_list *l, const char *path)
{
	for (size_t i = 0; i < l->paths.n; i++)
		if (strcmp(l->paths.v[i], path) == 0)
			return i;
	fail_msg("%s not listed", path);
	return 0;
}

static void test_layouts(void **state)
{
	char *dir = xstrdup("/tmp/kd-kimage-list-XXXXXX");
	struct kernel_image_list l;
	struct kd_root root;
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* merged /usr; the image in the module tree and a copy in /boot (RHEL) */
	put(dir, "usr/lib/modules/5.14.0-1.el9.x86_64/vmlinuz");
	put(dir, "usr/lib/modules/5.14.0-1.el9.x86_64/modules.dep");
	put(dir, "usr/lib/modules/6.12.1-amd64/modules.dep");	/* no image there */
	link_at(dir, "usr/lib", "lib");
	put(dir, "boot/vmlinuz-5.14.0-1.el9.x86_64");
	put(dir, "boot/config-5.14.0-1.el9.x86_64");
	put(dir, "boot/System.map-5.14.0-1.el9.x86_64");
	put(dir, "boot/vmlinuz-0-rescue-0123456789abcdef0123456789abcdef");
	/* Ubuntu's links: one to an image, one dangling (the image was removed) */
	link_at(dir, "vmlinuz-5.14.0-1.el9.x86_64", "boot/vmlinuz");
	link_at(dir, "vmlinuz-4.0-gone", "boot/vmlinuz.old");
	link_at(dir, "boot/vmlinuz-0-rescue-0123456789abcdef0123456789abcdef", "vmlinuz");

	assert_int_equal(root_init(&root, dir, true), 0);
	assert_int_equal(list_kernel_images(&root, &l), 0);
	assert_int_equal(l.paths.n, 6);
	assert_int_equal(l.releases.n, 6);
	assert_int_equal(l.same_as.n, 6);
	/* /boot first, sorted */
	assert_string_equal(l.paths.v[0], "boot/vmlinuz-0-rescue-0123456789abcdef0123456789abcdef");
	assert_string_equal(l.releases.v[0], "0-rescue-0123456789abcdef0123456789abcdef");
	assert_string_equal(l.paths.v[1], "boot/vmlinuz-5.14.0-1.el9.x86_64");
	assert_string_equal(l.releases.v[1], "5.14.0-1.el9.x86_64");
	assert_string_equal(l.same_as.v[1], "");
	/* a copy is another file: listed on its own; the usr/ name of it is the same file */
	i = index_of(&l, "lib/modules/5.14.0-1.el9.x86_64/vmlinuz");
	assert_string_equal(l.releases.v[i], "5.14.0-1.el9.x86_64");
	assert_string_equal(l.same_as.v[i], "");
	i = index_of(&l, "usr/lib/modules/5.14.0-1.el9.x86_64/vmlinuz");
	assert_string_equal(l.same_as.v[i], "lib/modules/5.14.0-1.el9.x86_64/vmlinuz");
	/* the links: the same files as the images they name; the dangling one not listed */
	i = index_of(&l, "boot/vmlinuz");
	assert_string_equal(l.releases.v[i], "");
	assert_string_equal(l.same_as.v[i], "boot/vmlinuz-5.14.0-1.el9.x86_64");
	i = index_of(&l, "vmlinuz");
	assert_string_equal(l.same_as.v[i],
			    "boot/vmlinuz-0-rescue-0123456789abcdef0123456789abcdef");
	for (i = 0; i < l.paths.n; i++) {
		assert_null(strstr(l.paths.v[i], "config-"));
		assert_null(strstr(l.paths.v[i], "System.map"));
	}
	kernel_image_list_free(&l);
	root_fini(&root);
	fx_rm_rf(dir);
	free(dir);
}

static void test_no_boot(void **state)
{
	char *dir = xstrdup("/tmp/kd-kimage-list-XXXXXX");
	struct kernel_image_list l;
	struct kd_root root;

	(void)state;
	assert_non_null(mkdtemp(dir));
	put(dir, "lib/modules/6.1.0-1-amd64/vmlinuz");
	assert_int_equal(root_init(&root, dir, true), 0);
	/* no boot/: said, and the image in the module tree is still listed */
	assert_int_equal(list_kernel_images(&root, &l), -ENOENT);
	assert_int_equal(l.paths.n, 1);
	assert_string_equal(l.paths.v[0], "lib/modules/6.1.0-1-amd64/vmlinuz");
	assert_string_equal(l.releases.v[0], "6.1.0-1-amd64");
	kernel_image_list_free(&l);
	root_fini(&root);
	fx_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_no_boot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
