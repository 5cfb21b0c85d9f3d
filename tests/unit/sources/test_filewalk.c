// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_filewalk.c - the bounded walk of install trees and the coverage it
 * yields: every gap (the file budget, directories too deep) is counted, named
 * and makes the scan incomplete; a complete walk is ok.
 */
#include "unit.h"
#include "fsfix.h"

#include "store/result.h"
#include "sources/filewalk.h"
#include "core/util.h"

struct walk_fixture {
	char dir[64];
	struct kd_root root;
};

static int setup(void **state)
{
	struct walk_fixture *f = calloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/kd-walk-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct walk_fixture *f = *state;

	root_fini(&f->root);
	fx_rm_rf(f->dir);
	free(f);
	return 0;
}

static void put(struct walk_fixture *f, const char *rel)
{
	char path[512], *slash;

	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	fx_mkdir_p(path);
	*slash = '/';
	fx_write(path, "x", 1);
}

static void count_file(const char *path, const char *name, uint64_t size, int dirfd, void *ctx)
{
	(void)path;
	(void)name;
	(void)size;
	(void)dirfd;
	(*(size_t *)ctx)++;
}

static int walk(struct walk_fixture *f, size_t budget, struct walk_stats *st, size_t *seen_files)
{
	struct walk_seen seen = { 0 };
	int r;

	if (f->root.path == NULL)
		assert_int_equal(root_init(&f->root, f->dir, true), 0);
	*seen_files = 0;
	r = files_walk(&f->root, "opt", &seen, &budget, st, count_file, seen_files);
	walk_seen_free(&seen);
	return r;
}

static const struct coverage *cov_of(const struct scan_result *res, const char *source)
{
	for (size_t i = 0; i < res->ncov; i++)
		if (strcmp(res->cov[i].source, source) == 0)
			return &res->cov[i];
	return NULL;
}

static void test_complete_walk_is_ok(void **state)
{
	struct walk_fixture *f = *state;
	struct scan_result res = { 0 };
	struct walk_stats st;
	size_t n;

	put(f, "opt/a/one");
	put(f, "opt/b/two");
	assert_int_equal(walk(f, 100, &st, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(st.files, 2);
	assert_false(st.truncated);
	assert_int_equal(st.too_deep + st.unreadable, 0);
	add_walk_cov(&res, "/opt", &st, xstrdup("2 files"));
	assert_int_equal(cov_of(&res, "/opt")->status, COV_OK);
	assert_string_equal(cov_of(&res, "/opt")->detail, "2 files");
	assert_false(scan_incomplete(&res));
	scan_result_free(&res);
}

static void test_budget_cut_is_named_and_incomplete(void **state)
{
	struct walk_fixture *f = *state;
	struct scan_result res = { 0 };
	struct walk_stats st;
	size_t n;

	put(f, "opt/a");
	put(f, "opt/b");
	put(f, "opt/c");
	assert_int_equal(walk(f, 2, &st, &n), 0);
	/* sorted order: a and b are walked, c is not */
	assert_int_equal(n, 2);
	assert_true(st.truncated);
	add_walk_cov(&res, "/opt", &st, xstrdup("2 files"));
	assert_int_equal(cov_of(&res, "/opt")->status, COV_ERROR);
	assert_non_null(strstr(cov_of(&res, "/opt")->detail, "file budget is used up"));
	assert_true(scan_incomplete(&res));
	assert_int_equal(scan_exit_status(&res), 3);
	scan_result_free(&res);
}

static void test_too_deep_is_counted(void **state)
{
	struct walk_fixture *f = *state;
	struct scan_result res = { 0 };
	struct walk_stats st;
	char rel[256] = "opt";
	size_t n;

	/* one directory past the depth: the file in it is not reached */
	for (int i = 0; i <= WALK_DEPTH; i++)
		strcat(rel, "/d");
	strcat(rel, "/deep-file");
	put(f, rel);
	put(f, "opt/shallow-file");
	assert_int_equal(walk(f, 100, &st, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(st.too_deep, 1);
	add_walk_cov(&res, "/opt", &st, xstrdup("1 file"));
	assert_int_equal(cov_of(&res, "/opt")->status, COV_ERROR);
	assert_non_null(strstr(cov_of(&res, "/opt")->detail,
			       "1 directory nested deeper than 24 levels not walked"));
	assert_true(scan_incomplete(&res));
	scan_result_free(&res);
}

static void test_depth_limit_itself_is_walked(void **state)
{
	struct walk_fixture *f = *state;
	struct walk_stats st;
	char rel[256] = "opt";
	size_t n;

	/* exactly WALK_DEPTH levels below the place: still inside the limit */
	for (int i = 0; i < WALK_DEPTH; i++)
		strcat(rel, "/d");
	strcat(rel, "/file");
	put(f, rel);
	assert_int_equal(walk(f, 100, &st, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(st.too_deep, 0);
}

static void test_unreadable_denied(void **state)
{
	struct scan_result res = { 0 };
	struct walk_stats st = { .files = 1, .unreadable = 2, .denied = 2 };

	(void)state;
	add_walk_cov(&res, "/opt", &st, xstrdup("1 file"));
	assert_int_equal(res.cov[0].status, COV_DENIED);
	assert_string_equal(res.cov[0].detail,
			    "1 file; 2 entries unreadable, not walked (2 permission denied)");
	st.denied = 1;
	add_walk_cov(&res, "/srv", &st, xstrdup("1 file"));
	assert_int_equal(res.cov[1].status, COV_ERROR);
	assert_true(scan_incomplete(&res));
	scan_result_free(&res);
}

/* What a walk handed on, in its order: path, size and the bytes read. */
static void note_head(const char *path, const char *name, uint64_t size, const uint8_t *head,
		      size_t len, void *ctx)
{
	struct strbuf *sb = ctx;

	assert_non_null(strstr(path, name));
	sb_printf(sb, "%s %llu %zu:", path, (unsigned long long)size, len);
	sb_putn(sb, (const char *)head, len);
	sb_putc(sb, '\n');
}

static void note_file(const char *path, const char *name, uint64_t size, int dirfd, void *ctx)
{
	(void)name;
	(void)dirfd;
	sb_printf(ctx, "%s %llu\n", path, (unsigned long long)size);
}

static void head_walk(struct walk_fixture *f, size_t budget, size_t head_bytes, bool threaded,
		      struct walk_stats *st, struct strbuf *out)
{
	struct walk_seen seen = { 0 };

	if (f->root.path == NULL)
		assert_int_equal(root_init(&f->root, f->dir, true), 0);
	sb_init(out);
	assert_int_equal(files_walk_head(&f->root, "opt", NULL, &seen, &budget, st, head_bytes,
					 threaded, note_head, out), 0);
	walk_seen_free(&seen);
}

static void put_bytes(struct walk_fixture *f, const char *rel, size_t n)
{
	char path[512];
	char *data = malloc(n + 1);

	for (size_t i = 0; i < n; i++)
		data[i] = (char)('a' + i % 26);
	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	fx_write(path, data, n);
	free(data);
}

/*
 * A tree with short, empty and long files, a link, a FIFO, and more files than
 * the reader holds in flight: the walk that reads each file's start hands on
 * the same files, sizes and bytes in the same order with its reader thread as
 * without, and counts what the walk by lstat counts.
 */
static void test_head_walk_same_with_thread(void **state)
{
	struct walk_fixture *f = *state;
	struct walk_stats st_plain, st_serial, st_threaded;
	struct strbuf plain, serial, threaded;
	struct walk_seen seen = { 0 };
	size_t budget = 10000, lines = 0;
	char path[512];

	put(f, "opt/a/one");
	put_bytes(f, "opt/a/empty", 0);
	put_bytes(f, "opt/a/forty", 40);
	put_bytes(f, "opt/a/long", 5000);
	for (int i = 0; i < 700; i++) {
		snprintf(path, sizeof(path), "opt/many/d%d/f%03d", i % 7, i);
		put(f, path);
	}
	snprintf(path, sizeof(path), "%s/opt/a/link", f->dir);
	assert_int_equal(symlink("long", path), 0);
	snprintf(path, sizeof(path), "%s/opt/a/fifo", f->dir);
	assert_int_equal(mkfifo(path, 0600), 0);

	head_walk(f, 10000, 40, false, &st_serial, &serial);
	head_walk(f, 10000, 40, true, &st_threaded, &threaded);
	assert_string_equal(serial.s, threaded.s);
	assert_int_equal(st_serial.files, 704);
	assert_int_equal(st_threaded.files, 704);
	assert_int_equal(st_threaded.dirs, st_serial.dirs);
	assert_int_equal(st_threaded.unreadable, 0);
	/* the link and the FIFO are not files of the walk; a file gives at most what is asked */
	assert_null(strstr(serial.s, "/opt/a/link"));
	assert_null(strstr(serial.s, "/opt/a/fifo"));
	assert_non_null(strstr(serial.s, "/opt/a/empty 0 0:\n"));
	assert_non_null(strstr(serial.s, "/opt/a/long 5000 40:abcdefghijklmnopqrstuvwxyzabcdefghijklmn\n"));
	assert_non_null(strstr(serial.s, "/opt/a/one 1 1:x\n"));
	/* the same files and sizes, in the same order, as the walk that lstats each entry */
	sb_init(&plain);
	assert_int_equal(files_walk(&f->root, "opt", &seen, &budget, &st_plain, note_file, &plain), 0);
	walk_seen_free(&seen);
	assert_int_equal(st_plain.files, 704);
	assert_int_equal(st_plain.dirs, st_serial.dirs);
	for (const char *a = serial.s, *b = plain.s; *a; lines++) {
		const char *colon = strchr(a, ':'), *nl = strchr(b, '\n');
		const char *len = colon;

		/* "path size len:bytes" here, "path size" there */
		while (len > a && len[-1] != ' ')
			len--;
		assert_non_null(nl);
		assert_int_equal((size_t)(len - 1 - a), (size_t)(nl - b));
		assert_memory_equal(a, b, (size_t)(nl - b));
		a = strchr(colon, '\n') + 1;
		b = nl + 1;
	}
	assert_int_equal(lines, 704);
	sb_free(&plain);
	sb_free(&serial);
	sb_free(&threaded);
}

/* The budget cuts the walk that reads files at the same file, with the thread or without. */
static void test_head_walk_budget(void **state)
{
	struct walk_fixture *f = *state;
	struct walk_stats st_serial, st_threaded;
	struct strbuf serial, threaded;

	for (int i = 0; i < 300; i++) {
		char rel[64];

		snprintf(rel, sizeof(rel), "opt/d/f%03d", i);
		put(f, rel);
	}
	head_walk(f, 257, 8, false, &st_serial, &serial);
	head_walk(f, 257, 8, true, &st_threaded, &threaded);
	assert_string_equal(serial.s, threaded.s);
	assert_true(st_serial.truncated);
	assert_true(st_threaded.truncated);
	assert_int_equal(st_serial.files, 257);
	assert_int_equal(st_threaded.files, 257);
	assert_non_null(strstr(serial.s, "/opt/d/f256 1 1:x\n"));
	assert_null(strstr(serial.s, "/opt/d/f257"));
	sb_free(&serial);
	sb_free(&threaded);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_complete_walk_is_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget_cut_is_named_and_incomplete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_deep_is_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_depth_limit_itself_is_walked, setup, teardown),
		cmocka_unit_test(test_unreadable_denied),
		cmocka_unit_test_setup_teardown(test_head_walk_same_with_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_head_walk_budget, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
