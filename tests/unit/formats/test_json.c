// SPDX-License-Identifier: GPL-2.0-or-later
/* test_json.c - the bounded JSON reader: container metadata as engines write it, and hostile input. */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "formats/json.h"
#include "core/util.h"

static bool valid(const char *s)
{
	const char *why;

	return json_valid((const uint8_t *)s, strlen(s), &why);
}

static struct cursor doc(const char *s)
{
	return cur_init(s, strlen(s));
}

/* containers/storage's containers.json, as podman 4 wrote it for this test's fixture */
#define PODMAN_CTRS                                                                        \
	"[{\"id\":\"bf32\",\"names\":[\"kavbox\"],\"image\":\"52c0\",\"layer\":\"5388\","  \
	"\"metadata\":\"{\\\"image-name\\\":\\\"localhost/example/kav-engine:1.0\\\"}\","  \
	"\"created\":\"2026-12-03T11:43:23.756072049Z\",\"flags\":{\"MountLabel\":\"\"}}]"

static void test_members(void **state)
{
	struct json_iter it;
	struct cursor k, v, c, names;
	char *s;
	int n = 0;

	UNIT_UNUSED(state);
	assert_true(valid(PODMAN_CTRS));
	assert_true(json_enter(doc(PODMAN_CTRS), &it));
	while (json_next(&it, &k, &v)) {
		n++;
		assert_int_equal(json_type(v), JSON_OBJECT);
		s = json_string(json_get(v, "id", &c) ? c : k, 64);
		assert_string_equal(s, "bf32");
		free(s);
		assert_true(json_get(v, "names", &names));
		assert_int_equal(json_type(names), JSON_ARRAY);
		/* a string holding JSON is a string, its escapes decoded */
		assert_true(json_get(v, "metadata", &c));
		s = json_string(c, 256);
		assert_string_equal(s, "{\"image-name\":\"localhost/example/kav-engine:1.0\"}");
		free(s);
		assert_false(json_get(v, "absent", &c));
	}
	assert_false(it.bad);
	assert_int_equal(n, 1);
}

static void test_strings(void **state)
{
	char *s;

	UNIT_UNUSED(state);
	s = json_string(doc("\"a\\u00e9\\u20ac\\ud83d\\ude00\\n\\/\""), 64);
	assert_string_equal(s, "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\n/");
	free(s);
	/* a lone surrogate, a NUL, a bad escape, a raw control character */
	assert_null(json_string(doc("\"\\ud83d\""), 64));
	assert_null(json_string(doc("\"\\ude00x\""), 64));
	assert_null(json_string(doc("\"a\\u0000b\""), 64));
	assert_null(json_string(doc("\"\\x\""), 64));
	assert_null(json_string(doc("\"a\nb\""), 64));
	/* longer than the cap */
	assert_null(json_string(doc("\"abcdef\""), 5));
	s = json_string(doc("\"abcde\""), 5);
	assert_string_equal(s, "abcde");
	free(s);
	assert_true(json_string_is(doc("\"sha256:ab\""), "sha256:ab"));
	assert_false(json_string_is(doc("\"sha256:abc\""), "sha256:ab"));
}

static void test_grammar(void **state)
{
	UNIT_UNUSED(state);
	assert_true(valid(" {\"a\": [1, -2.5e+3, true, false, null, {}, []], \"b\": \"x\"} "));
	assert_false(valid("{\"a\" 1}"));
	assert_false(valid("{\"a\": 1,}"));
	assert_false(valid("[1 2]"));
	assert_false(valid("[1] x"));
	assert_false(valid("[01]"));
	assert_false(valid("[1.]"));
	assert_false(valid("{1: 2}"));
	assert_false(valid("[}"));
	assert_false(valid("{]"));
	assert_false(valid("[tru]"));
	assert_false(valid(""));
	assert_false(valid("[\"abc"));
}

static void test_hostile(void **state)
{
	size_t depth = 100000, n = 2 * depth;
	char *deep = xmalloc(n + 1), *big;
	const char *why = NULL;
	size_t len = 16u << 20;
	uint8_t *noise = xmalloc(4096);

	UNIT_UNUSED(state);
	/* nested 10^5 deep: refused by the cap, not by the stack */
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[n] = 0;
	assert_false(json_valid((uint8_t *)deep, n, &why));
	assert_string_equal(why, "nested deeper than the cap");
	/* exactly at the cap is fine */
	memset(deep, '[', JSON_DEPTH_MAX);
	memset(deep + JSON_DEPTH_MAX, ']', JSON_DEPTH_MAX);
	assert_true(json_valid((uint8_t *)deep, 2 * JSON_DEPTH_MAX, &why));
	free(deep);
	/* a 16 MiB string: valid, but never decoded past a field's cap */
	big = xmalloc(len + 3);
	big[0] = '"';
	memset(big + 1, 'a', len);
	big[len + 1] = '"';
	big[len + 2] = 0;
	assert_true(json_valid((uint8_t *)big, len + 2, &why));
	assert_null(json_string(cur_init(big, len + 2), 256));
	free(big);
	/* random bytes, and every prefix of a real document: no crash, no over-read */
	for (uint64_t seed = 1; seed < 200; seed++) {
		struct json_iter it;
		struct cursor k, v;

		unit_fill_random(noise, 4096, seed);
		noise[0] = seed & 1 ? '{' : '[';
		(void)json_valid(noise, 4096, &why);
		if (json_enter(cur_init(noise, 4096), &it))
			while (json_next(&it, &k, &v))
				;
	}
	for (size_t i = 0; i < strlen(PODMAN_CTRS); i++)
		assert_false(json_valid((const uint8_t *)PODMAN_CTRS, i, &why));
	free(noise);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_grammar),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
