// SPDX-License-Identifier: GPL-2.0-or-later
/* test_moddir.c - modules.builtin.modinfo: real strings, malformed ones, limits. */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/moddir.h"
#include "core/util.h"

static size_t parse(const char *p, size_t n, struct fact_set *fs)
{
	memset(fs, 0, sizeof(*fs));
	return moddir_parse_builtin_modinfo(p, n, fs);
}

static void test_real_strings(void **state)
{
	/* as Debian 12's kernel writes them, NUL after each */
	static const char text[] = "amd_uncore.license=GPL v2\0"
				   "amd_uncore.file=arch/x86/events/amd/amd-uncore\0"
				   "amd_uncore.description=AMD Uncore Driver\0"
				   "mmiotrace.parm=trace_pc:Record address of faulting instructions.\0"
				   "mmiotrace.parmtype=trace_pc:bool\0";
	struct fact_set fs;

	UNIT_UNUSED(state);
	assert_int_equal(parse(text, sizeof(text) - 1, &fs), 0);
	assert_int_equal(fs.n, 2);
	assert_string_equal(kv_get(&fs.v[0], "module.name"), "amd_uncore");
	assert_string_equal(kv_get(&fs.v[0], "modinfo.license"), "GPL v2");
	assert_string_equal(kv_get(&fs.v[0], "modinfo.description"), "AMD Uncore Driver");
	assert_string_equal(kv_get(&fs.v[1], "module.name"), "mmiotrace");
	/* a value may hold '=' and ':' */
	assert_string_equal(kv_get(&fs.v[1], "modinfo.parm"),
			    "trace_pc:Record address of faulting instructions.");
	fact_set_free(&fs);
}

static void test_malformed(void **state)
{
	static const char text[] = "\0\0nodot=1\0.noname=1\0name.=nokey\0name.key\0"
				   "bad name.k=v\0ok.author=A\0ok.author=B\0"
				   "other.x=1\0ok.y=2\0tail.z=no terminating NUL";
	struct fact_set fs;

	UNIT_UNUSED(state);
	assert_int_equal(parse(text, sizeof(text) - 1, &fs), 5);
	assert_int_equal(fs.n, 4);
	assert_string_equal(kv_get(&fs.v[0], "module.name"), "ok");
	/* repeated keys are kept, in order */
	assert_int_equal(fs.v[0].n, 3);
	assert_string_equal(fs.v[0].v[2].value, "B");
	assert_string_equal(kv_get(&fs.v[1], "module.name"), "other");
	/* a module seen again after another starts a list of its own */
	assert_string_equal(kv_get(&fs.v[2], "module.name"), "ok");
	assert_string_equal(kv_get(&fs.v[2], "modinfo.y"), "2");
	assert_string_equal(kv_get(&fs.v[3], "modinfo.z"), "no terminating NUL");
	fact_set_free(&fs);
	assert_int_equal(parse("", 0, &fs), 0);
	assert_int_equal(fs.n, 0);
}

static void test_limit(void **state)
{
	size_t n = 25000, len = 0;
	char *text = xmalloc(n * 32);
	struct fact_set fs;

	UNIT_UNUSED(state);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, 32, "m%zu.license=GPL", i) + 1;
	/* at most 20,000 modules are kept; the rest is counted as skipped */
	assert_true(parse(text, len, &fs) > 0);
	assert_int_equal(fs.n, 20000);
	fact_set_free(&fs);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_strings),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
