// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * checks.c - what must hold before a scan can say anything: the offline root
 * holds a system, every directory the user named is there, and a live host
 * has its proc/ and sys/ mounted. A user's mistake is an error, not "nothing
 * found".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/root.h"
#include "core/util.h"
#include "scan/checks.h"
#include "sources/boot/windows.h"
#include "store/result.h"

/*
 * An offline root that holds no operating system is most often an image that
 * was never mounted (the mount point's empty directory): scanning it would
 * report "nothing found". Any of these says there is something to inspect.
 */
bool check_root_holds_system(const struct kd_root *root)
{
	static const char *const marks[] = {
		"etc/os-release", "usr/lib/os-release", "lib/modules", "usr/lib/modules", "usr",
		"boot", "EFI", "efi",
	};
	struct stat st;
	char *win;

	for (size_t i = 0; i < ARRAY_SIZE(marks); i++)
		if (root_stat(root, marks[i], ROOT_FOLLOW, &st) == 0)
			return true;
	win = boot_windows_drivers_dir(root, "");
	free(win);
	return win != NULL;
}

/* Each --path and --windows the user named must be a directory inside the root. */
int check_named_dirs(const struct kd_root *root, const struct scan_options *opt, char **err)
{
	const struct strlist *lists[] = { &opt->paths, &opt->windows };
	static const char *const names[] = { "--path", "--windows" };

	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		for (size_t i = 0; i < lists[l]->n; i++) {
			const char *p = lists[l]->v[i];
			const char *rel = p[0] == '/' ? p + 1 : p;
			struct stat st;
			char *drivers;
			int r = root_stat(root, *rel ? rel : ".", ROOT_FOLLOW, &st);

			if (!r && !S_ISDIR(st.st_mode))
				r = -ENOTDIR;
			if (r) {
				*err = root->offline ?
				       xasprintf("%s %s: %s (inside the root %s)", names[l], p,
						 strerror(-r), root->path) :
				       xasprintf("%s %s: %s", names[l], p, strerror(-r));
				return -1;
			}
			if (l == 0)
				continue;
			drivers = boot_windows_drivers_dir(root, rel);
			if (!drivers) {
				*err = xasprintf("--windows %s: not a Windows installation "
						 "(no Windows/System32/drivers in it)", p);
				return -1;
			}
			free(drivers);
		}
	}
	return 0;
}

/*
 * On a live host, proc/ and sys/ are where the running kernel shows itself; an
 * empty or missing one (a chroot or container without them mounted) hides every
 * loaded module, so the scan cannot be complete.
 */
void check_live_mounts(const struct kd_root *root, struct scan_result *res)
{
	static const char *const dirs[] = { "proc", "sys" };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		struct strlist names = { 0 };
		int r = root_list_dir(root, dirs[i], false, 1, &names);
		char *src = xasprintf("/%s", dirs[i]);

		if (r < 0 || !names.n)
			add_cov(res, src, COV_ERROR,
				xasprintf("%s: a live host's /%s is required; mount it "
					  "(mount -t %s %s /%s) or scan this tree with --root",
					  r < 0 ? strerror(-r) : "empty, not mounted", dirs[i],
					  i ? "sysfs" : "proc", i ? "sysfs" : "proc", dirs[i]));
		sl_free(&names);
		free(src);
	}
}
