// SPDX-License-Identifier: GPL-2.0-or-later
/* test_util.c - strings, lists, key/value pairs and hex: what every parser builds on. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static void test_hex_encode(void **state)
{
	static const uint8_t b[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	char *s;

	UNIT_UNUSED(state);
	s = hex_encode(b, sizeof(b), 0);
	assert_string_equal(s, "00017f80abff");
	free(s);
	s = hex_encode(b, sizeof(b), ':');
	assert_string_equal(s, "00:01:7f:80:ab:ff");
	free(s);
	s = hex_encode(b, 1, ':');
	assert_string_equal(s, "00");
	free(s);
	s = hex_encode(b, 0, ':');
	assert_string_equal(s, "");
	free(s);
	s = hex_encode(NULL, 0, 0);
	assert_string_equal(s, "");
	free(s);
}

static void test_strbuf(void **state)
{
	struct strbuf sb;
	char *s;

	UNIT_UNUSED(state);
	sb_init(&sb);
	s = sb_steal(&sb);	/* empty, never NULL */
	assert_string_equal(s, "");
	free(s);

	sb_puts(&sb, "abc");
	sb_putc(&sb, '\0');	/* binary-safe length */
	sb_putn(&sb, "xyz", 2);
	assert_int_equal(sb.len, 6);
	assert_memory_equal(sb.s, "abc\0xy", 7);
	sb_free(&sb);
	assert_null(sb.s);

	/* growth past the initial capacity, many times */
	for (int i = 0; i < 10000; i++)
		sb_printf(&sb, "%d,", i % 10);
	assert_int_equal(sb.len, 20000);
	assert_int_equal(strlen(sb.s), 20000);
	assert_int_equal(sb.s[19998], '9');
	sb_free(&sb);

	sb_printf(&sb, "%s", "");
	assert_int_equal(sb.len, 0);
	sb_free(&sb);
}

static void test_strlist(void **state)
{
	struct strlist sl = { 0 };

	UNIT_UNUSED(state);
	sl_sort(&sl);
	assert_false(sl_contains(&sl, "a"));
	for (int i = 0; i < 100; i++)
		sl_push(&sl, xasprintf("item%03d", 99 - i));
	sl_sort(&sl);
	assert_int_equal(sl.n, 100);
	assert_string_equal(sl.v[0], "item000");
	assert_string_equal(sl.v[99], "item099");
	assert_true(sl_contains(&sl, "item050"));
	assert_false(sl_contains(&sl, "item100"));
	assert_false(sl_contains(&sl, "item05"));
	sl_free(&sl);
	assert_int_equal(sl.n, 0);
	assert_null(sl.v);
	sl_free(&sl);
}

static void test_kvlist(void **state)
{
	struct kvlist kv = { 0 };

	UNIT_UNUSED(state);
	assert_null(kv_get(&kv, "x"));
	kv_add(&kv, "license", "GPL");
	kv_addn(&kv, "name", "hello_world", 5);
	kv_add(&kv, "license", "Proprietary");	/* duplicates kept; get returns the first */
	kv_addn(&kv, "bin", "a\0b", 3);
	kv_add(&kv, "", "");
	for (int i = 0; i < 50; i++)
		kv_add(&kv, "alias", "x");
	assert_int_equal(kv.n, 55);
	assert_string_equal(kv_get(&kv, "license"), "GPL");
	assert_string_equal(kv_get(&kv, "name"), "hello");
	assert_string_equal(kv_get(&kv, "bin"), "a");
	assert_string_equal(kv_get(&kv, ""), "");
	assert_null(kv_get(&kv, "License"));
	kv_free(&kv);
	assert_int_equal(kv.n, 0);
	kv_free(&kv);
}

/* kv_put: one type per key; a list gains what it lacks, anything else keeps its first value. */
static void test_kv_put(void **state)
{
	struct kvlist kv = { 0 };

	UNIT_UNUSED(state);
	kv_add(&kv, "plain", "p");
	assert_int_equal(kv.v[0].type, KV_STRING);
	kv_put(&kv, "file", "/a", KV_LIST);
	kv_put(&kv, "file", "/b", KV_LIST);
	kv_put(&kv, "file", "/a", KV_LIST);		/* already there */
	kv_put(&kv, "release", "6.1", KV_STRING);
	kv_put(&kv, "release", "6.2", KV_STRING);	/* the first stays */
	kv_put(&kv, "files_matched", "3", KV_NUMBER);
	kv_put(&kv, "files_matched", "4", KV_NUMBER);
	kv_put(&kv, "plain", "q", KV_STRING);		/* kv_add's entry counts as the first */
	assert_int_equal(kv.n, 5);
	assert_string_equal(kv.v[1].value, "/a");
	assert_string_equal(kv.v[2].value, "/b");
	assert_int_equal(kv.v[1].type, KV_LIST);
	assert_int_equal(kv.v[2].type, KV_LIST);
	assert_string_equal(kv.v[3].key, "release");
	assert_string_equal(kv.v[3].value, "6.1");
	assert_int_equal(kv.v[3].type, KV_STRING);
	assert_string_equal(kv.v[4].value, "3");
	assert_int_equal(kv.v[4].type, KV_NUMBER);
	kv_free(&kv);
}

static void test_utf16le(void **state)
{
	/* "Kä€", U+1F600 as a pair, a lone high half, "x", NUL, then bytes never read */
	static const uint8_t in[] = { 'K', 0, 0xe4, 0, 0xac, 0x20, 0x3d, 0xd8, 0x00, 0xde,
				      0x00, 0xd8, 'x', 0, 0, 0, 'y', 0 };
	struct strbuf sb;
	char *s;

	UNIT_UNUSED(state);
	sb_init(&sb);
	assert_int_equal(sb_put_utf16le(&sb, in, sizeof(in) / 2), 7);
	s = sb_steal(&sb);
	assert_string_equal(s, "K\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbdx");
	free(s);
	/* no NUL within the units: all of them, and a pair cut in half is a lone half */
	sb_init(&sb);
	assert_int_equal(sb_put_utf16le(&sb, in, 4), 4);
	s = sb_steal(&sb);
	assert_string_equal(s, "K\xc3\xa4\xe2\x82\xac\xef\xbf\xbd");
	free(s);
	sb_init(&sb);
	assert_int_equal(sb_put_utf16le(&sb, in, 0), 0);
	s = sb_steal(&sb);
	assert_string_equal(s, "");
	free(s);
}

static void test_string_helpers(void **state)
{
	char s[32];

	UNIT_UNUSED(state);
	assert_true(str_has_suffix("module.ko.xz", ".ko.xz"));
	assert_true(str_has_suffix("x", ""));
	assert_true(str_has_suffix(".ko", ".ko"));
	assert_false(str_has_suffix("ko", ".ko"));
	assert_false(str_has_suffix("", ".ko"));

	assert_true(str_icontains("AO Kaspersky Lab", "kaspersky"));
	assert_true(str_icontains("anything", ""));
	assert_false(str_icontains("", "k"));
	assert_false(str_icontains("Kasper", "kaspersky"));
	/* UTF-8: Cyrillic (and Latin-1, Greek) capitals match their small letters */
	assert_true(str_icontains("АО «Лаборатория Касперского»", "лаборатория касперского"));
	assert_true(str_icontains("ао лаборатория касперского", "ЛАБОРАТОРИЯ КАСПЕРСКОГО"));
	assert_true(str_icontains("ЁЛКА", "ёлка"));
	assert_true(str_icontains("ÉCOLE", "école"));
	assert_true(str_icontains("ΣΟΦΙΑ", "σοφια"));
	/* a Latin look-alike is another letter: "Лаборатория" with Latin a, o, p */
	assert_false(str_icontains("Лaбopaтopия Касперского", "лаборатория касперского"));
	/* a match never starts inside a character: Р is D0 A0, а is D0 B0 */
	assert_false(str_icontains("\xd0", "\xd0\xb0"));
	assert_false(str_icontains("Р", "\xa0"));
	/* malformed bytes match only themselves, and do not swallow what follows */
	assert_true(str_icontains("x\xd0Kaspersky", "kaspersky"));
	assert_true(str_icontains("x\xff\xfe", "\xFF\xFE"));
	assert_false(str_icontains("\xc1\x81", "a"));	/* overlong 'A' is not 'A' */
	assert_true(mem_icontains((const uint8_t *)"a\0Лаборатория", sizeof("a\0Лаборатория") - 1, "лаборатория"));
	assert_false(mem_icontains((const uint8_t *)"Лаборатория", 10, "лаборатория"));
	/* an ASCII needle, compared byte by byte: at the very end, in NULs, after bytes beyond ASCII */
	assert_true(mem_icontains((const uint8_t *)"xx\0KASPERSKY", 12, "kaspersky"));
	assert_false(mem_icontains((const uint8_t *)"xx\0KASPERSKY", 11, "kaspersky"));
	assert_true(str_icontains("\xd0\xb0Lab\xc3\xa9", "lab"));
	assert_false(str_icontains("L\xc3\xa1" "b", "lab"));
	assert_false(str_icontains("[@`{", "{`@["));	/* the neighbours of the letters do not fold */
	/* a needle beyond ASCII is never in ASCII only (É folds to é, never to e) */
	assert_false(str_icontains("ECOLE ecole", "école"));
	assert_true(str_iequals("KLIF", "klif"));
	assert_false(str_iequals("klif", "klif2"));

	strcpy(s, "value \t\r\n\n");
	str_rstrip(s);
	assert_string_equal(s, "value");
	strcpy(s, "   ");
	str_rstrip(s);
	assert_string_equal(s, "");
	strcpy(s, "");
	str_rstrip(s);
	assert_string_equal(s, "");
	strcpy(s, " lead");
	str_rstrip(s);
	assert_string_equal(s, " lead");

	{
		char *d = xstrndup("abcdef", 3);

		assert_string_equal(d, "abc");
		free(d);
		d = xstrndup("", 0);
		assert_string_equal(d, "");
		free(d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_encode),
		cmocka_unit_test(test_strbuf),
		cmocka_unit_test(test_strlist),
		cmocka_unit_test(test_kvlist),
		cmocka_unit_test(test_kv_put),
		cmocka_unit_test(test_string_helpers),
		cmocka_unit_test(test_utf16le),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
