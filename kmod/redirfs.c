// SPDX-License-Identifier: GPL-2.0
/*
 * kdetect test fixture module (redirfs): carries the name of a module that
 * Kaspersky's kav4fs installs, with neutral metadata, so rules keyed on the
 * name (and, for redirfs, on a Kaspersky install tree beside it) are tested.
 */
#include <linux/init.h>
#include <linux/module.h>

static int __init redirfs_init(void)
{
	return 0;
}

static void __exit redirfs_exit(void)
{
}

module_init(redirfs_init);
module_exit(redirfs_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kdetect test fixtures");
MODULE_DESCRIPTION("name-only test module");
