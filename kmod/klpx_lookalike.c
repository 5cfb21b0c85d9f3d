// SPDX-License-Identifier: GPL-2.0
/* kdetect test fixture module (klpx_lookalike). Built and signed by tests/build-kmods.sh. */
#include <linux/init.h>
#include <linux/module.h>

static int __init klpx_lookalike_init(void)
{
	return 0;
}

static void __exit klpx_lookalike_exit(void)
{
}

module_init(klpx_lookalike_init);
module_exit(klpx_lookalike_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Kasper Industrial Sensors GmbH");
MODULE_DESCRIPTION("lookalike: must not be flagged");
