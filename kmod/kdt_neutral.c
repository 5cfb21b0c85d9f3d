// SPDX-License-Identifier: GPL-2.0
/* kdetect test fixture module (kdt_neutral). Built and signed by tests/build-kmods.sh. */
#include <linux/init.h>
#include <linux/module.h>

static int __init kdt_neutral_init(void)
{
	return 0;
}

static void __exit kdt_neutral_exit(void)
{
}

module_init(kdt_neutral_init);
module_exit(kdt_neutral_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Example Industrial Controls Ltd");
MODULE_DESCRIPTION("kdetect neutral test module");
MODULE_VERSION("1.0");
