// SPDX-License-Identifier: GPL-2.0
/* kdetect test fixture module (kdt_klsigned). Built and signed by tests/build-kmods.sh. */
#include <linux/init.h>
#include <linux/module.h>

static int __init kdt_klsigned_init(void)
{
	return 0;
}

static void __exit kdt_klsigned_exit(void)
{
}

module_init(kdt_klsigned_init);
module_exit(kdt_klsigned_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Test Vendor");
MODULE_DESCRIPTION("kdetect test module identified only by its signing certificate");
