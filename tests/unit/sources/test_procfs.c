// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_procfs.c - proc/modules, proc/keys, taint and sys/module parsing. The
 * text comes from the inspected system, so every line may be hostile.
 */
#include "unit.h"
#include "fsfix.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/procfs.h"
#include "core/root.h"

/* ---- helpers ---- */

static void free_modules(struct loaded_module *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		loaded_module_free(&v[i]);
	free(v);
}

static void free_keys(struct kernel_key *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kernel_key_free(&v[i]);
	free(v);
}

/* Parse one line of proc/modules; true when it was accepted (then *m is the copy to free). */
static bool one_module(const char *line, struct loaded_module *m)
{
	struct loaded_module *v = NULL;
	size_t n = 99, bad = 99;

	assert_int_equal(procfs_parse_modules(line, &v, &n, &bad), 0);
	assert_int_equal(n + bad, 1);
	if (!n) {
		free(v);
		return false;
	}
	*m = v[0];
	free(v);
	return true;
}

static bool one_key(const char *line, struct kernel_key *k)
{
	struct kernel_key *v = NULL;
	size_t n = 99, bad = 99;

	assert_int_equal(procfs_parse_keys(line, &v, &n, &bad), 0);
	assert_int_equal(n + bad, 1);
	if (!n) {
		free(v);
		return false;
	}
	*k = v[0];
	free(v);
	return true;
}

/* ---- proc/modules ---- */

static const char debian_modules[] =
	"nls_ascii 16384 1 - Live 0xffffffffc0b3e000\n"
	"nls_cp437 20480 1 - Live 0x0000000000000000\n"
	"ext4 1007616 2 - Live 0x0000000000000000\n"
	"crc16 16384 1 ext4, Live 0x0000000000000000\n"
	"mbcache 16384 1 ext4, Live 0x0000000000000000\n"
	"jbd2 192512 1 ext4, Live 0x0000000000000000\n"
	"crc32c_generic 16384 0 - Live 0x0000000000000000\n"
	"kav4fs_oas 405504 3 - Live 0x0000000000000000 (OE)\n"
	"klif 712704 2 kav4fs_oas,redirfs, Live 0x0000000000000000 (POE)\n"
	"redirfs 102400 1 klif, Loading 0x0000000000000000 (OE)\n";

static void test_modules_debian(void **state)
{
	struct loaded_module *v = NULL;
	size_t n = 0, bad = 99;

	UNIT_UNUSED(state);
	assert_int_equal(procfs_parse_modules(debian_modules, &v, &n, &bad), 0);
	assert_int_equal(n, 10);
	assert_int_equal(bad, 0);

	assert_string_equal(v[0].name, "nls_ascii");
	assert_int_equal(v[0].size, 16384);
	assert_int_equal(v[0].refcnt, 1);
	assert_int_equal(v[0].used_by.n, 0);
	assert_string_equal(v[0].state, "Live");
	assert_string_equal(v[0].taint, "");
	assert_int_equal(v[0].sys_refcnt, -1);
	assert_false(v[0].in_sysfs);

	assert_string_equal(v[2].name, "ext4");
	assert_int_equal(v[2].size, 1007616);
	assert_int_equal(v[2].refcnt, 2);

	assert_string_equal(v[3].name, "crc16");
	assert_int_equal(v[3].used_by.n, 1);
	assert_string_equal(v[3].used_by.v[0], "ext4");

	assert_string_equal(v[7].name, "kav4fs_oas");
	assert_string_equal(v[7].taint, "OE");

	assert_string_equal(v[8].name, "klif");
	assert_string_equal(v[8].taint, "POE");
	assert_int_equal(v[8].used_by.n, 2);
	assert_string_equal(v[8].used_by.v[0], "kav4fs_oas");
	assert_string_equal(v[8].used_by.v[1], "redirfs");

	assert_string_equal(v[9].state, "Loading");
	free_modules(v, n);
}

static void test_modules_deps_and_refcnt(void **state)
{
	struct loaded_module m;

	UNIT_UNUSED(state);
	assert_true(one_module("a 1 - a,b, Live 0x0", &m));
	assert_int_equal(m.refcnt, -1);	/* "-": module unloading not supported */
	assert_int_equal(m.used_by.n, 2);
	assert_string_equal(m.used_by.v[0], "a");
	assert_string_equal(m.used_by.v[1], "b");
	loaded_module_free(&m);

	/* empty entries and a dependency list without the trailing comma */
	assert_true(one_module("a 1 0 ,,x,,y Unloading 0x0", &m));
	assert_int_equal(m.used_by.n, 2);
	assert_string_equal(m.used_by.v[0], "x");
	assert_string_equal(m.used_by.v[1], "y");
	assert_string_equal(m.state, "Unloading");
	loaded_module_free(&m);

	/* hostile dependency names are dropped, the line itself is kept */
	assert_true(one_module("a 1 0 ok,../../etc,.,..,\x1b[31m,b/c,\x7f, Live 0x0", &m));
	assert_int_equal(m.used_by.n, 1);
	assert_string_equal(m.used_by.v[0], "ok");
	loaded_module_free(&m);

	/* tabs separate fields as well as spaces; extra fields are ignored */
	assert_true(one_module("tabbed\t4096\t0\t-\tLive\t0x0\t(O)\textra junk", &m));
	assert_string_equal(m.name, "tabbed");
	assert_string_equal(m.taint, "O");
	loaded_module_free(&m);

	/* the largest values that fit */
	assert_true(one_module("big 18446744073709551615 9223372036854775807 - Live 0x0", &m));
	assert_true(m.size == UINT64_MAX);
	assert_int_equal(m.refcnt, LONG_MAX);
	loaded_module_free(&m);
}

static void test_modules_bad_lines(void **state)
{
	static const char *const bad_lines[] = {
		"",					/* nothing */
		"onlyname",
		"name 1 0 - Live",			/* no address */
		"name 1 0 -",
		"name 1 0 - Dead 0x0",			/* unknown state */
		"name 1 0 - live 0x0",			/* states are case-sensitive */
		"name x 0 - Live 0x0",			/* size not a number */
		"name 12a 0 - Live 0x0",
		"name -5 0 - Live 0x0",
		"name 0x10 0 - Live 0x0",
		"name 18446744073709551616 0 - Live 0x0",	/* size overflows u64 */
		"name 1 x - Live 0x0",
		"name 1 -1 - Live 0x0",
		"name 1 9223372036854775808 - Live 0x0",	/* refcnt > LONG_MAX */
		"name 1 99999999999999999999999 - Live 0x0",
		".. 1 0 - Live 0x0",			/* path-like names */
		". 1 0 - Live 0x0",
		"a/b 1 0 - Live 0x0",
		"../../etc/passwd 1 0 - Live 0x0",
		"\x1b[2Jevil 1 0 - Live 0x0",		/* control characters */
		"ev\x01il 1 0 - Live 0x0",
		"ev\x7fil 1 0 - Live 0x0",
		"ev\ril 1 0 - Live 0x0",
	};

	UNIT_UNUSED(state);
	for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		struct loaded_module *v = NULL;
		size_t n = 99, bad = 99;

		assert_int_equal(procfs_parse_modules(bad_lines[i], &v, &n, &bad), 0);
		if (n != 0)
			fail_msg("accepted bad proc/modules line %zu: \"%s\"", i, bad_lines[i]);
		/* an empty text has no line to count */
		assert_int_equal(bad, bad_lines[i][0] ? 1 : 0);
		free_modules(v, n);
	}
}

static void test_modules_name_length(void **state)
{
	char line[600], name[300];
	struct loaded_module m;

	UNIT_UNUSED(state);
	memset(name, 'n', 255);
	name[255] = '\0';
	snprintf(line, sizeof(line), "%s 1 0 - Live 0x0", name);
	assert_true(one_module(line, &m));
	assert_int_equal(strlen(m.name), 255);
	loaded_module_free(&m);

	memset(name, 'n', 256);
	name[256] = '\0';
	snprintf(line, sizeof(line), "%s 1 0 - Live 0x0", name);
	assert_false(one_module(line, &m));

	/* "..." is an odd but harmless name */
	assert_true(one_module("... 1 0 - Live 0x0", &m));
	assert_string_equal(m.name, "...");
	loaded_module_free(&m);
}

static void test_modules_mixed(void **state)
{
	static const char text[] =
		"\n\n"
		"good1 1 0 - Live 0x0\n"
		"garbage\n"
		"\x1b]0;owned\x07 1 0 - Live 0x0\n"
		"good2 2 1 good1, Live 0x0 (OE)\n"
		"   \n"
		"good3 3 0 - Live 0x0";		/* no final newline */
	struct loaded_module *v = NULL;
	size_t n, bad;

	UNIT_UNUSED(state);
	assert_int_equal(procfs_parse_modules(text, &v, &n, &bad), 0);
	assert_int_equal(n, 3);
	assert_int_equal(bad, 3);
	assert_string_equal(v[0].name, "good1");
	assert_string_equal(v[1].name, "good2");
	assert_string_equal(v[2].name, "good3");
	free_modules(v, n);

	assert_int_equal(procfs_parse_modules("", &v, &n, &bad), 0);
	assert_int_equal(n, 0);
	assert_int_equal(bad, 0);
	free(v);
}

/* The kernel prints the taint field as "(LETTERS)" or not at all; anything else is a bad line. */
static void test_modules_taint_field(void **state)
{
	static const char *const bad[] = {
		"a 1 0 - Live 0x0 ()",
		"a 1 0 - Live 0x0 (",
		"a 1 0 - Live 0x0 OE",
		"a 1 0 - Live 0x0 (OE",
		"a 1 0 - Live 0x0 (oe)",
	};
	struct loaded_module m;

	UNIT_UNUSED(state);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(one_module(bad[i], &m));
	assert_true(one_module("a 1 0 - Live 0x0 (POE)", &m));
	assert_string_equal(m.taint, "POE");
	loaded_module_free(&m);
	assert_true(one_module("a 1 0 - Live 0x0", &m));
	assert_string_equal(m.taint, "");
	loaded_module_free(&m);
}

/*
 * Taint letters are upper-case ASCII letters (kernel/panic.c taint_flags). A
 * hostile proc/modules can put terminal escapes there; they must not reach the
 * report as they are.
 */
static void test_modules_taint_control_chars(void **state)
{
	static const char *const lines[] = {
		"a 1 0 - Live 0x0 (O\x1b[2J\x1b]0;pwned\x07)",
		"a 1 0 - Live 0x0 (\x01\x02\x7f)",
		"a 1 0 - Live 0x0 (O\rE)",
	};

	UNIT_UNUSED(state);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct loaded_module m;

		int bad = -1;

		if (!one_module(lines[i], &m))
			continue;	/* rejecting the line is fine too */
		for (const char *s = m.taint; *s && bad < 0; s++)
			if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
				bad = (unsigned char)*s;
		loaded_module_free(&m);
		if (bad >= 0)
			fail_msg("control character 0x%02x kept in taint of line %zu", bad, i);
	}
}

/* ---- proc/keys ---- */

static const char debian_keys[] =
	"0b4d4b6e I------     1 perm 1f0b0000     0     0 keyring   .builtin_trusted_keys: 1\n"
	"1e6e9c48 I------     1 perm 1f010000     0     0 asymmetri Debian Secure Boot CA: "
	"6ccece7e4c6c0d1f6149f3dd27dfcc5cbb419ea1: X509.rsa bb419ea1 []\n"
	"2d7cd5dd I------     1 perm 1f030000     0     0 keyring   .platform: 2\n"
	"31b1e8e3 I------     1 perm 1f010000     0     0 asymmetri Microsoft Corporation UEFI CA "
	"2011: 13adbf4309bd82709c8cd54f316ed522988a1bd4: X509.rsa 988a1bd4 []\n"
	"3a1b8c9d I--Q---     1 perm 3f010000  1000  1000 user      mykey: 16\n";

static void test_keys_debian(void **state)
{
	struct kernel_key *v = NULL;
	size_t n = 0, bad = 99;

	UNIT_UNUSED(state);
	assert_int_equal(procfs_parse_keys(debian_keys, &v, &n, &bad), 0);
	assert_int_equal(n, 5);
	assert_int_equal(bad, 0);

	assert_string_equal(v[0].id, "0b4d4b6e");
	assert_string_equal(v[0].type, "keyring");
	assert_string_equal(v[0].description, ".builtin_trusted_keys: 1");
	assert_null(v[0].subject);
	assert_null(v[0].key_id);
	assert_int_equal(v[0].uid, 0);

	assert_string_equal(v[1].type, "asymmetri");
	assert_string_equal(v[1].subject, "Debian Secure Boot CA");
	assert_string_equal(v[1].key_id, "6ccece7e4c6c0d1f6149f3dd27dfcc5cbb419ea1");

	assert_string_equal(v[3].subject, "Microsoft Corporation UEFI CA 2011");
	assert_string_equal(v[3].key_id, "13adbf4309bd82709c8cd54f316ed522988a1bd4");

	assert_string_equal(v[4].type, "user");
	assert_int_equal(v[4].uid, 1000);
	assert_null(v[4].subject);
	free_keys(v, n);
}

static void test_keys_subject_with_colons(void **state)
{
	struct kernel_key k;

	UNIT_UNUSED(state);
	assert_true(one_key("1 I 1 perm 1 0 0 asymmetri Kaspersky Lab: Signing: Key 2: "
			    "0A1B2C3D: X509.rsa 2c3d []", &k));
	assert_string_equal(k.subject, "Kaspersky Lab: Signing: Key 2");
	assert_string_equal(k.key_id, "0a1b2c3d");	/* lower-cased */
	kernel_key_free(&k);

	/* a hex-looking part inside the subject does not confuse the split */
	assert_true(one_key("1 I 1 perm 1 0 0 asymmetri Foo: abcd: 1234: X509.rsa 1234 []", &k));
	assert_string_equal(k.subject, "Foo: abcd");
	assert_string_equal(k.key_id, "1234");
	kernel_key_free(&k);

	/* an empty subject */
	assert_true(one_key("1 I 1 perm 1 0 0 asymmetri : ab12: X509.rsa ab12 []", &k));
	assert_non_null(k.subject);
	assert_string_equal(k.subject, "");
	assert_string_equal(k.key_id, "ab12");
	kernel_key_free(&k);
}

static void test_keys_nonhex_key_id(void **state)
{
	static const char *const lines[] = {
		"1 I 1 perm 1 0 0 asymmetri Evil CA: not-hex-id: X509.rsa 1234 []",
		"1 I 1 perm 1 0 0 asymmetri Evil CA: 12 34: X509.rsa 1234 []",
		"1 I 1 perm 1 0 0 asymmetri Evil CA: : X509.rsa []",
		"1 I 1 perm 1 0 0 asymmetri Evil CA: 0x1234: X509.rsa []",
		"1 I 1 perm 1 0 0 asymmetri Evil CA 1234 X509.rsa []",	/* no separators */
		"1 I 1 perm 1 0 0 asymmetri Evil CA: 1234",		/* only one */
	};

	UNIT_UNUSED(state);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct kernel_key k;

		assert_true(one_key(lines[i], &k));	/* the key is listed ... */
		assert_null(k.subject);			/* ... but not attributed */
		assert_null(k.key_id);
		assert_non_null(k.description);
		kernel_key_free(&k);
	}
}

static void test_keys_bad_lines(void **state)
{
	static const char *const bad_lines[] = {
		"zzzz I 1 perm 1 0 0 keyring .x: 1",		/* serial not hex */
		"0x12 I 1 perm 1 0 0 keyring .x: 1",
		"12 I 1 perm 1 root 0 keyring .x: 1",		/* uid not a number */
		"12 I 1 perm 1 -1 0 keyring .x: 1",
		"12 I 1 perm 1 4294967296 0 keyring .x: 1",	/* uid > u32 */
		"12 I 1 perm 1 0 0 keyring",			/* no description */
		"12 I 1 perm 1 0 0 keyring    ",
		"12 I 1 perm 1 0 0",				/* no type */
		"12 I 1",
		"12",
	};

	UNIT_UNUSED(state);
	for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		struct kernel_key *v = NULL;
		size_t n = 99, bad = 99;

		assert_int_equal(procfs_parse_keys(bad_lines[i], &v, &n, &bad), 0);
		if (n != 0)
			fail_msg("accepted bad proc/keys line %zu: \"%s\"", i, bad_lines[i]);
		assert_int_equal(bad, 1);
		free_keys(v, n);
	}
	/* the largest uid */
	{
		struct kernel_key k;

		assert_true(one_key("12 I 1 perm 1 4294967295 0 keyring .x: 1", &k));
		assert_true(k.uid == UINT32_MAX);
		kernel_key_free(&k);
	}
}

/* ---- taint ---- */

static void test_taint_letters(void **state)
{
	char *s;

	UNIT_UNUSED(state);
	s = taint_letters(12288);
	assert_string_equal(s, "OE");
	free(s);
	s = taint_letters(0);
	assert_string_equal(s, "");
	free(s);
	s = taint_letters(1);
	assert_string_equal(s, "P");
	free(s);
	s = taint_letters(1ul << 13);
	assert_string_equal(s, "E");
	free(s);
	s = taint_letters((1ul << 0) | (1ul << 12) | (1ul << 13));
	assert_string_equal(s, "POE");
	free(s);
	/* every flag the kernel knows, in bit order */
	s = taint_letters((1ul << 20) - 1);
	assert_string_equal(s, "PFSRMBUDAWCIOELKXTNJ");
	free(s);
	/* bits without a letter are shown, not dropped */
	s = taint_letters(1ul << 20);
	assert_string_equal(s, "(bit 20)");
	free(s);
	s = taint_letters(1ul << 63 | 1ul << 12);
	assert_string_equal(s, "O(bit 63)");
	free(s);
	s = taint_letters(~0ul);
	assert_int_equal(strncmp(s, "PFSRMBUDAWCIOELKXTNJ(bit 20)(bit 21)", 36), 0);
	assert_non_null(strstr(s, "(bit 63)"));
	free(s);
}

static void test_taint_meaning(void **state)
{
	UNIT_UNUSED(state);
	assert_non_null(strstr(taint_meaning('O'), "out-of-tree"));
	assert_non_null(strstr(taint_meaning('E'), "unsigned"));
	assert_non_null(strstr(taint_meaning('P'), "proprietary"));
	assert_non_null(strstr(taint_meaning('F'), "force"));
	assert_string_equal(taint_meaning('?'), "unknown taint flag");
	assert_string_equal(taint_meaning('o'), "unknown taint flag");
	assert_string_equal(taint_meaning('\0'), "unknown taint flag");
	/* every letter taint_letters can produce has a meaning */
	{
		char *all = taint_letters((1ul << 20) - 1);

		for (const char *c = all; *c; c++)
			assert_string_not_equal(taint_meaning(*c), "unknown taint flag");
		free(all);
	}
}

/* ---- readers, through a fake root ---- */

struct fake_root {
	char dir[64];
	struct kd_root root;
};

static void put(const char *base, const char *rel, const void *data, size_t len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	fx_write(path, data, len);
}

static void put_str(const char *base, const char *rel, const char *s)
{
	put(base, rel, s, strlen(s));
}

static void mk(const char *base, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int root_setup(void **state)
{
	struct fake_root *fr = calloc(1, sizeof(*fr));
	const char *d;

	if (!fr)
		return -1;
	strcpy(fr->dir, "/tmp/kd-procfs-XXXXXX");
	if (!mkdtemp(fr->dir))
		return -1;
	d = fr->dir;
	mk(d, "proc");
	mk(d, "proc/sys");
	mk(d, "proc/sys/kernel");
	mk(d, "sys");
	mk(d, "sys/module");
	if (root_init(&fr->root, d, true) != 0)
		return -1;
	*state = fr;
	return 0;
}

static int root_teardown(void **state)
{
	struct fake_root *fr = *state;

	root_fini(&fr->root);
	fx_rm_rf(fr->dir);
	free(fr);
	return 0;
}

static void test_read_modules(void **state)
{
	struct fake_root *fr = *state;
	struct loaded_module *v = NULL;
	size_t n = 0, bad = 0;

	assert_int_equal(procfs_read_modules(&fr->root, &v, &n, &bad), -ENOENT);
	assert_null(v);
	assert_int_equal(n, 0);

	put_str(fr->dir, "proc/modules", debian_modules);
	assert_int_equal(procfs_read_modules(&fr->root, &v, &n, &bad), 0);
	assert_int_equal(n, 10);
	assert_int_equal(bad, 0);
	free_modules(v, n);
}

static void test_read_modules_hostile_files(void **state)
{
	struct fake_root *fr = *state;
	struct loaded_module *v = NULL;
	size_t n = 0, bad = 0;
	char path[512];

	/*
	 * A symlink to the host's /proc/modules is resolved inside the root, where
	 * "/proc/modules" is the link itself: a loop, not the host's module list.
	 */
	snprintf(path, sizeof(path), "%s/proc/modules", fr->dir);
	assert_int_equal(symlink("/proc/modules", path), 0);
	assert_int_equal(procfs_read_modules(&fr->root, &v, &n, &bad), -ELOOP);
	unlink(path);
	assert_int_equal(symlink("/proc/self/../modules", path), 0);
	assert_true(procfs_read_modules(&fr->root, &v, &n, &bad) < 0);
	assert_int_equal(n, 0);
	unlink(path);

	/* a FIFO would block a naive reader forever */
	assert_int_equal(mkfifo(path, 0644), 0);
	alarm(5);
	assert_int_equal(procfs_read_modules(&fr->root, &v, &n, &bad), -EINVAL);
	alarm(0);
	unlink(path);

	/* a directory is not a file */
	assert_int_equal(mkdir(path, 0755), 0);
	assert_true(procfs_read_modules(&fr->root, &v, &n, &bad) < 0);
	rmdir(path);

	/* binary garbage with NUL bytes: parsing stops at the NUL, nothing crashes */
	{
		static const char junk[] = "good 1 0 - Live 0x0\n\0bad 1 0 - Live 0x0\n\xff\xfe";

		put(fr->dir, "proc/modules", junk, sizeof(junk) - 1);
		assert_int_equal(procfs_read_modules(&fr->root, &v, &n, &bad), 0);
		assert_int_equal(n, 1);
		assert_string_equal(v[0].name, "good");
		free_modules(v, n);
	}
}

static void test_read_keys(void **state)
{
	struct fake_root *fr = *state;
	struct kernel_key *v = NULL;
	size_t n = 0, bad = 0;

	assert_int_equal(procfs_read_keys(&fr->root, &v, &n, &bad), -ENOENT);
	put_str(fr->dir, "proc/keys", debian_keys);
	assert_int_equal(procfs_read_keys(&fr->root, &v, &n, &bad), 0);
	assert_int_equal(n, 5);
	assert_string_equal(v[1].subject, "Debian Secure Boot CA");
	free_keys(v, n);
}

static void test_read_tainted(void **state)
{
	static const struct {
		const char *text;
		int r;
		unsigned long mask;
	} cases[] = {
		{ "12288\n", 0, 12288 },
		{ "0\n", 0, 0 },
		{ "0", 0, 0 },
		{ "18446744073709551615\n", 0, ~0ul },
		{ "", -EINVAL, 0 },
		{ "\n", -EINVAL, 0 },
		{ "-1\n", -EINVAL, 0 },
		{ "abc\n", -EINVAL, 0 },
		{ "12288 junk\n", -EINVAL, 0 },
		{ "0x3000\n", -EINVAL, 0 },
		{ "18446744073709551616\n", -EINVAL, 0 },
		{ "99999999999999999999999999\n", -EINVAL, 0 },
	};
	struct fake_root *fr = *state;
	unsigned long mask;

	assert_int_equal(procfs_read_tainted(&fr->root, &mask), -ENOENT);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r;

		put_str(fr->dir, "proc/sys/kernel/tainted", cases[i].text);
		mask = 12345;
		r = procfs_read_tainted(&fr->root, &mask);
		if (r != cases[i].r)
			fail_msg("tainted \"%s\": got %d, want %d", cases[i].text, r, cases[i].r);
		if (!r)
			assert_true(mask == cases[i].mask);
	}
	/* larger than any attribute */
	{
		char big[8192];

		memset(big, '1', sizeof(big));
		put(fr->dir, "proc/sys/kernel/tainted", big, sizeof(big));
		assert_int_equal(procfs_read_tainted(&fr->root, &mask), -EFBIG);
	}
}

static void test_read_release(void **state)
{
	struct fake_root *fr = *state;
	char *s;

	assert_null(procfs_read_release(&fr->root));
	put_str(fr->dir, "proc/sys/kernel/osrelease", "6.1.0-18-amd64\n");
	s = procfs_read_release(&fr->root);
	assert_non_null(s);
	assert_string_equal(s, "6.1.0-18-amd64");
	free(s);
	/* a release is used to build lib/modules/<release>: no path tricks */
	put_str(fr->dir, "proc/sys/kernel/osrelease", "../../../etc\n");
	assert_null(procfs_read_release(&fr->root));
	put_str(fr->dir, "proc/sys/kernel/osrelease", "..\n");
	assert_null(procfs_read_release(&fr->root));
	put_str(fr->dir, "proc/sys/kernel/osrelease", "6.1 evil\n");
	assert_null(procfs_read_release(&fr->root));
	put_str(fr->dir, "proc/sys/kernel/osrelease", "\n");
	assert_null(procfs_read_release(&fr->root));
	put_str(fr->dir, "proc/sys/kernel/osrelease", "6.1\x1b[2J\n");
	assert_null(procfs_read_release(&fr->root));
}

static void test_read_sysmodule(void **state)
{
	static const uint8_t note[] = {
		4, 0, 0, 0, 20, 0, 0, 0, 3, 0, 0, 0, 'G', 'N', 'U', 0,
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0x11,
		0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
	};
	struct fake_root *fr = *state;
	struct loaded_module m;
	const char *d = fr->dir;

	mk(d, "sys/module/klif");
	mk(d, "sys/module/klif/holders");
	mk(d, "sys/module/klif/holders/redirfs");
	mk(d, "sys/module/klif/holders/kav4fs_oas");
	mk(d, "sys/module/klif/holders/.hidden");
	mk(d, "sys/module/klif/notes");
	put_str(d, "sys/module/klif/initstate", "live\n");
	put_str(d, "sys/module/klif/taint", "OE\n");
	put_str(d, "sys/module/klif/refcnt", "2\n");
	put_str(d, "sys/module/klif/srcversion", "0123456789ABCDEF0123456\n");
	put(d, "sys/module/klif/notes/.note.gnu.build-id", note, sizeof(note));

	assert_true(one_module("klif 1 2 - Live 0x0 (OE)", &m));
	procfs_read_sysmodule(&fr->root, &m);
	assert_true(m.in_sysfs);
	assert_string_equal(m.initstate, "live");
	assert_string_equal(m.sys_taint, "OE");
	assert_string_equal(m.srcversion, "0123456789ABCDEF0123456");
	assert_null(m.version);
	assert_int_equal(m.sys_refcnt, 2);
	assert_int_equal(m.holders.n, 2);
	assert_string_equal(m.holders.v[0], "kav4fs_oas");	/* sorted */
	assert_string_equal(m.holders.v[1], "redirfs");
	assert_non_null(m.build_id);
	assert_string_equal(m.build_id, "0123456789abcdef00112233445566778899aabb");
	loaded_module_free(&m);

	/* a module the kernel lists but sysfs does not */
	assert_true(one_module("ghost 1 0 - Live 0x0", &m));
	procfs_read_sysmodule(&fr->root, &m);
	assert_false(m.in_sysfs);
	assert_null(m.initstate);
	loaded_module_free(&m);
}

static void test_read_sysmodule_hostile(void **state)
{
	struct fake_root *fr = *state;
	struct loaded_module m;
	const char *d = fr->dir;
	char path[512], big[5000];

	mk(d, "sys/module/evil");
	mk(d, "sys/module/evil/notes");
	/* negative, garbage and oversized attributes */
	put_str(d, "sys/module/evil/refcnt", "-3\n");
	memset(big, 'A', sizeof(big));
	put(d, "sys/module/evil/srcversion", big, sizeof(big));
	/* holders is a symlink out of the root; initstate a FIFO; the note a symlink loop */
	snprintf(path, sizeof(path), "%s/sys/module/evil/holders", d);
	assert_int_equal(symlink("/sys/bus", path), 0);
	snprintf(path, sizeof(path), "%s/sys/module/evil/initstate", d);
	assert_int_equal(mkfifo(path, 0644), 0);
	snprintf(path, sizeof(path), "%s/sys/module/evil/notes/.note.gnu.build-id", d);
	assert_int_equal(symlink(".note.gnu.build-id", path), 0);
	put_str(d, "sys/module/evil/taint", "O\x1b[2JE\n");

	assert_true(one_module("evil 1 0 - Live 0x0", &m));
	alarm(5);
	procfs_read_sysmodule(&fr->root, &m);
	alarm(0);
	assert_true(m.in_sysfs);
	assert_null(m.initstate);
	assert_null(m.srcversion);
	assert_int_equal(m.sys_refcnt, -1);
	assert_int_equal(m.holders.n, 0);	/* /sys/module of the host is not listed */
	assert_null(m.build_id);
	loaded_module_free(&m);

	/* sys/module/<name> is a symlink pointing outside: resolved inside the root */
	snprintf(path, sizeof(path), "%s/sys/module/outside", d);
	assert_int_equal(symlink("/sys/module/kernel", path), 0);
	assert_true(one_module("outside 1 0 - Live 0x0", &m));
	procfs_read_sysmodule(&fr->root, &m);
	assert_false(m.in_sysfs);
	loaded_module_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modules_debian),
		cmocka_unit_test(test_modules_deps_and_refcnt),
		cmocka_unit_test(test_modules_bad_lines),
		cmocka_unit_test(test_modules_name_length),
		cmocka_unit_test(test_modules_mixed),
		cmocka_unit_test(test_modules_taint_field),
		cmocka_unit_test(test_modules_taint_control_chars),
		cmocka_unit_test(test_keys_debian),
		cmocka_unit_test(test_keys_subject_with_colons),
		cmocka_unit_test(test_keys_nonhex_key_id),
		cmocka_unit_test(test_keys_bad_lines),
		cmocka_unit_test(test_taint_letters),
		cmocka_unit_test(test_taint_meaning),
		cmocka_unit_test_setup_teardown(test_read_modules, root_setup, root_teardown),
		cmocka_unit_test_setup_teardown(test_read_modules_hostile_files, root_setup,
						root_teardown),
		cmocka_unit_test_setup_teardown(test_read_keys, root_setup, root_teardown),
		cmocka_unit_test_setup_teardown(test_read_tainted, root_setup, root_teardown),
		cmocka_unit_test_setup_teardown(test_read_release, root_setup, root_teardown),
		cmocka_unit_test_setup_teardown(test_read_sysmodule, root_setup, root_teardown),
		cmocka_unit_test_setup_teardown(test_read_sysmodule_hostile, root_setup,
						root_teardown),
	};

	return cmocka_run_group_tests_name("procfs", tests, NULL, NULL);
}
