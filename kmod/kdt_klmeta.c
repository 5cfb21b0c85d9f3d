// SPDX-License-Identifier: GPL-2.0
/* kdetect test fixture module (kdt_klmeta). Built and signed by tests/build-kmods.sh. */
#include <linux/init.h>
#include <linux/module.h>

static int __init kdt_klmeta_init(void)
{
	return 0;
}

static void __exit kdt_klmeta_exit(void)
{
}

module_init(kdt_klmeta_init);
module_exit(kdt_klmeta_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("AO Kaspersky Lab");
MODULE_DESCRIPTION("Kaspersky test fixture: identified by metadata only");
