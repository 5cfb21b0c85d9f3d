// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_registry.c - the Windows registry readers (src/sources/boot/registry.c,
 * winsvc.c) on hives hivexregedit wrote (tests/mkhives.sh, run by unit.mk into
 * build/unit/hives) and on the hostile variants tests/hive-break.py makes of
 * them: every variant is refused with a reason or read with its damage said,
 * never a crash, never an endless walk.
 */
#include "unit.h"
#include "fsfix.h"

#include "core/root.h"
#include "core/util.h"
#include "sources/boot/registry.h"
#include "sources/boot/winsvc.h"
#include "store/result.h"

static const char *fixtures(void)
{
	const char *d = getenv("KD_HIVE_FIXTURES");

	return d && *d ? d : "build/unit/hives";
}

static char *fixture(const char *rel)
{
	char *p = xasprintf("%s/%s", fixtures(), rel), *abs = realpath(p, NULL);

	if (!abs)
		fail_msg("fixture %s missing (make build/unit/hives/.made runs tests/mkhives.sh)", p);
	free(p);
	return abs;
}

static struct reg_hive *open_abs(const char *path, bool *absent, char **why)
{
	struct kd_root root;
	struct reg_hive *h;

	assert_int_equal(root_init(&root, "/", true), 0);
	h = reg_open(&root, path + 1, absent, why);
	root_fini(&root);
	return h;
}

static void test_system_hive(void **state)
{
	char *path = fixture("kics/Windows/System32/config/SYSTEM"), *why = NULL, *s;
	struct strlist multi = { 0 };
	struct reg_hive *h;
	const char *first;
	reg_key k, *kids;
	uint32_t v;
	bool absent;
	size_t n;

	UNIT_UNUSED(state);
	h = open_abs(path, &absent, &why);
	assert_non_null(h);
	assert_false(reg_dirty(h));
	k = reg_subkey(h, reg_root(h), "Select");
	assert_true(k != 0);
	assert_true(reg_dword(h, k, "Current", &v));
	assert_int_equal(v, 1);
	assert_false(reg_dword(h, k, "NoSuchValue", &v));
	/* names ignore case, as Windows does */
	k = reg_subkey(h, reg_root(h), "controlset001\\SERVICES\\KLIF");
	assert_true(k != 0);
	s = reg_string(h, k, "ImagePath");
	assert_string_equal(s, "system32\\DRIVERS\\klif.sys");
	free(s);
	/* a DWORD is not a string, a string not a DWORD */
	assert_null(reg_string(h, k, "Start"));
	assert_false(reg_dword(h, k, "Group", &v));
	assert_true(reg_multi_string(h, k, "Group", &multi));
	assert_int_equal(multi.n, 1);
	assert_string_equal(multi.v[0], "FSFilter Anti-Virus");
	sl_free(&multi);
	n = reg_subkeys(h, reg_subkey(h, k, "Instances"), &kids);
	assert_int_equal(n, 1);
	s = reg_key_name(h, kids[0]);
	assert_string_equal(s, "klif Instance");
	free(s);
	free(kids);
	assert_int_equal(reg_subkey(h, reg_root(h), "ControlSet001\\Services\\nosuch"), 0);
	assert_int_equal(reg_damage(h, &first), 0);
	reg_close(h);
	free(path);
}

static void test_not_a_hive(void **state)
{
	char dir[] = "/tmp/kd-registry-XXXXXX", *p, *why = NULL;
	bool absent;

	UNIT_UNUSED(state);
	assert_non_null(mkdtemp(dir));
	p = xasprintf("%s/SYSTEM", dir);
	fx_write(p, "REGEDIT4\r\n", 10);
	assert_null(open_abs(p, &absent, &why));
	assert_false(absent);
	assert_string_equal(why, "not a registry hive (no regf signature)");
	free(why);
	why = NULL;
	unlink(p);
	assert_null(open_abs(p, &absent, &why));
	assert_true(absent);
	free(why);
	free(p);
	fx_rm_rf(dir);
}

/* win_registry_read on a copy of a scenario, with the driver files it names where wanted. */
struct read {
	struct scan_result res;
	struct win_registry reg;
	bool ok;
};

static void read_tree(const char *dir, struct read *r)
{
	struct kd_root root;

	memset(r, 0, sizeof(*r));
	assert_int_equal(root_init(&root, dir, true), 0);
	r->ok = win_registry_read(&root, &r->res, "Windows/System32", &r->reg);
	root_fini(&root);
}

static void read_free(struct read *r)
{
	win_registry_free(&r->reg);
	scan_result_free(&r->res);
}

static char *copy_scenario(const char *name)
{
	char *dir = xstrdup("/tmp/kd-registry-XXXXXX"), *cmd, *src = fixture(name);

	assert_non_null(mkdtemp(dir));
	cmd = xasprintf("cp -a '%s'/. '%s'/", src, dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(src);
	return dir;
}

static const struct win_service *svc(const struct win_registry *reg, const char *name)
{
	for (size_t i = 0; i < reg->nsvcs; i++)
		if (!strcmp(reg->svcs[i].name, name))
			return &reg->svcs[i];
	fail_msg("no service %s", name);
	return NULL;
}

static const struct coverage *cov(const struct scan_result *res, const char *source)
{
	for (size_t i = 0; i < res->ncov; i++)
		if (!strcmp(res->cov[i].source, source))
			return &res->cov[i];
	return NULL;
}

static void put(const char *dir, const char *rel)
{
	char *p = xasprintf("%s/%s", dir, rel), *slash = strrchr(p, '/');

	*slash = '\0';
	fx_mkdir_p(p);
	*slash = '/';
	fx_write(p, "MZ", 2);
	free(p);
}

static void test_services_and_products(void **state)
{
	char *dir = copy_scenario("kics");
	const struct win_service *s;
	struct read r;
	size_t uninstall = 0, vendor = 0, packages = 0;

	UNIT_UNUSED(state);
	/* on disk in another case than the registry writes them, as NTFS allows */
	put(dir, "Windows/System32/drivers/klif.sys");
	put(dir, "Windows/System32/drivers/KLFLT.SYS");
	put(dir, "ProgramData/Acme/drv0042.dat");
	read_tree(dir, &r);
	assert_true(r.ok);
	assert_string_equal(r.reg.control_set, "ControlSet001");
	s = svc(&r.reg, "klif");
	assert_true(win_service_is_driver(s));
	assert_int_equal(s->start, 0);
	assert_string_equal(s->group, "FSFilter Anti-Virus");
	assert_int_equal(s->altitudes.n, 1);
	assert_string_equal(s->altitudes.v[0], "klif Instance=320400");
	assert_string_equal(s->file, "/Windows/System32/drivers/klif.sys");
	s = svc(&r.reg, "klflt");
	assert_string_equal(s->file, "/Windows/System32/drivers/KLFLT.SYS");
	/* \??\C:\ is the partition itself; any name */
	s = svc(&r.reg, "klhk");
	assert_string_equal(s->file, "/ProgramData/Acme/drv0042.dat");
	/* a remnant: no file, and where it was wanted */
	s = svc(&r.reg, "klbackupdisk");
	assert_null(s->file);
	assert_non_null(strstr(s->wanted, "klbackupdisk.sys"));
	/* only the last known good set has it */
	s = svc(&r.reg, "kl1");
	assert_true(strncmp(s->key, "ControlSet002\\", 14) == 0);
	assert_true(svc(&r.reg, "klelam")->early_launch);
	assert_false(win_service_is_driver(svc(&r.reg, "KAVFS")));
	assert_string_equal(svc(&r.reg, "KAVFS")->display, "Kaspersky Security Service");
	assert_string_equal(r.reg.version, "10.0");
	assert_non_null(r.reg.elam_policy);
	for (size_t i = 0; i < r.reg.products.n; i++) {
		const struct kvlist *f = &r.reg.products.v[i];
		const char *src = kv_get(f, "product.source");

		if (!strcmp(src, "uninstall")) {
			uninstall++;
			if (!strcmp(kv_get(f, "product.name"),
				    "Kaspersky Security Center Network Agent"))
				assert_string_equal(kv_get(f, "product.view"), "32-bit");
		} else if (!strcmp(src, "vendor key")) {
			vendor += !strcmp(kv_get(f, "product.key"), "SOFTWARE\\KasperskyLab") ||
				  !strcmp(kv_get(f, "product.key"), "SOFTWARE\\WOW6432Node\\KasperskyLab");
		} else if (!strcmp(src, "driver package")) {
			packages += kv_get(f, "product.publisher") &&
				    !strcmp(kv_get(f, "product.publisher"), "AO Kaspersky Lab");
		}
	}
	assert_true(uninstall >= 4);
	assert_int_equal(vendor, 2);
	assert_int_equal(packages, 1);
	assert_int_equal(cov(&r.res, "/Windows/System32/config/SYSTEM")->status, COV_OK);
	assert_int_equal(cov(&r.res, "/Windows/System32/config/DRIVERS")->status, COV_OK);
	read_free(&r);
	fx_rm_rf(dir);
	free(dir);
}

static void test_dirty_and_missing(void **state)
{
	char *dir = copy_scenario("dirty"), *p;
	const struct coverage *c;
	struct read r;

	UNIT_UNUSED(state);
	read_tree(dir, &r);
	assert_true(r.ok);
	c = cov(&r.res, "/Windows/System32/config/SYSTEM");
	assert_int_equal(c->status, COV_ERROR);
	assert_non_null(strstr(c->detail, "not closed cleanly"));
	/* what it holds is still read */
	svc(&r.reg, "klif");
	read_free(&r);
	/* no SYSTEM hive: said, and nothing to join drivers to */
	p = xasprintf("%s/Windows/System32/config/SYSTEM", dir);
	unlink(p);
	free(p);
	read_tree(dir, &r);
	assert_false(r.ok);
	c = cov(&r.res, "/Windows/System32/config/SYSTEM");
	assert_int_equal(c->status, COV_ERROR);
	read_free(&r);
	fx_rm_rf(dir);
	free(dir);
}

/* Every hostile variant of SYSTEM: refused with a reason, or read with the damage said. */
static void test_hostile_hives(void **state)
{
	char *list = fixture("break/BREAK.tsv"), *text, *save = NULL;
	size_t variants = 0, refused = 0, damaged = 0, len;
	FILE *fp = fopen(list, "r");

	UNIT_UNUSED(state);
	assert_non_null(fp);
	text = xcalloc(1, 1 << 16);
	len = fread(text, 1, (1 << 16) - 1, fp);
	fclose(fp);
	assert_true(len > 0);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t'), *dir, *hive, *src, *cmd;
		const struct coverage *c;
		struct read r;

		if (line[0] == '#' || !tab)
			continue;
		*tab = '\0';
		variants++;
		dir = xstrdup("/tmp/kd-registry-XXXXXX");
		assert_non_null(mkdtemp(dir));
		{
			char *rel = xasprintf("break/%s", line);

			src = fixture(rel);
			free(rel);
		}
		hive = xasprintf("%s/Windows/System32/config", dir);
		fx_mkdir_p(hive);
		cmd = xasprintf("cp '%s' '%s/SYSTEM'", src, hive);
		assert_int_equal(system(cmd), 0);
		read_tree(dir, &r);
		c = cov(&r.res, "/Windows/System32/config/SYSTEM");
		assert_non_null(c);
		if (!strcmp(line, "db-ok")) {
			/* valid big data at the root: read as the good hive is */
			assert_true(r.ok);
			assert_int_equal(c->status, COV_OK);
			svc(&r.reg, "klif");
		} else if (!r.ok) {
			refused++;
			assert_int_equal(c->status, COV_ERROR);
			assert_true(strlen(c->detail) > 10);
		} else if (!strncmp(line, "db-", 3)) {
			/* the big data sits where nothing is read: the services are whole */
			svc(&r.reg, "klif");
		} else {
			/* what was damaged is said, and makes the scan incomplete */
			if (c->status != COV_ERROR)
				fail_msg("%s: read as undamaged: %s", line, c->detail);
			damaged++;
		}
		read_free(&r);
		fx_rm_rf(dir);
		free(cmd);
		free(hive);
		free(src);
		free(dir);
	}
	free(text);
	free(list);
	assert_true(variants >= 30);
	assert_true(refused >= 10);
	assert_true(damaged >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_system_hive),
		cmocka_unit_test(test_not_a_hive),
		cmocka_unit_test(test_services_and_products),
		cmocka_unit_test(test_dirty_and_missing),
		cmocka_unit_test(test_hostile_hives),
	};

	return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
