// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot.c - what runs before the kernel, in the order it depends on: the boot
 * entries, the ESP (whose shims anchor what they load), the signed kernels, the
 * Windows drivers, and the rules applied to the boot entries.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/root.h"
#include "core/util.h"
#include "sources/boot/boot.h"
#include "sources/boot/esp.h"
#include "sources/boot/uefi.h"
#include "sources/boot/windows.h"
#include "store/result.h"

void scan_boot(const struct kd_root *root, const struct strlist *windows, struct scan_result *res)
{
	struct boot_ctx b = { .root = root, .res = res };

	if (!res->boot_keys)
		boot_read_keys(root, res);
	b.k = res->boot_keys;
	read_boot_entries(&b);
	scan_esp(&b);
	scan_kernel_pes(&b);
	scan_windows(&b, windows);
	apply_boot_entry_rules(&b);
	db_free(&b.vendor);
	db_free(&b.vendor_dbx);
}
