// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * procfs.c - read the running kernel's module list, module sysfs entries,
 * keys and taint through the root layer (libkmod hard-codes /proc and /sys, so
 * it cannot follow --root). Every line is untrusted: a hostile image can put
 * anything in these files.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/elfmod.h"
#include "sources/procfs.h"
#include "core/util.h"

#define PROC_FILE_CAP (16u << 20)
#define SYS_ATTR_CAP 4096
#define MAX_NAME 255
#define KALLSYMS_CAP (256u << 20)
#define MAX_HOLDERS 4096

static const struct {
	char letter;
	const char *meaning;
} taint_table[] = {
	{ 'P', "proprietary module loaded" },
	{ 'F', "module force-loaded" },
	{ 'S', "kernel running on an out-of-specification system" },
	{ 'R', "module force-unloaded" },
	{ 'M', "machine check exception occurred" },
	{ 'B', "bad page referenced or unexpected page flags" },
	{ 'U', "taint requested by user space" },
	{ 'D', "kernel died recently (OOPS or BUG)" },
	{ 'A', "ACPI table overridden by user" },
	{ 'W', "kernel issued a warning" },
	{ 'C', "staging driver loaded" },
	{ 'I', "workaround for platform firmware bug applied" },
	{ 'O', "externally built (out-of-tree) module loaded" },
	{ 'E', "unsigned module, or one signed by a key the kernel does not trust, loaded" },
	{ 'L', "soft lockup occurred" },
	{ 'K', "kernel live-patched" },
	{ 'X', "auxiliary taint (distribution-defined)" },
	{ 'T', "kernel built with the struct randomization plugin" },
	{ 'N', "in-kernel test module loaded" },
	{ 'J', "userspace used a mutating debug operation in fwctl" },
};

char *taint_letters(unsigned long mask)
{
	struct strbuf sb;

	sb_init(&sb);
	for (size_t i = 0; i < ARRAY_SIZE(taint_table); i++)
		if (mask & (1ul << i))
			sb_putc(&sb, taint_table[i].letter);
	for (size_t i = ARRAY_SIZE(taint_table); i < sizeof(mask) * 8; i++)
		if (mask & (1ul << i))
			sb_printf(&sb, "(bit %zu)", i);
	return sb_steal(&sb);
}

const char *taint_meaning(char letter)
{
	for (size_t i = 0; i < ARRAY_SIZE(taint_table); i++)
		if (taint_table[i].letter == letter)
			return taint_table[i].meaning;
	return "unknown taint flag";
}

static bool valid_module_name(const char *s, size_t n)
{
	if (!n || n > MAX_NAME || (s[0] == '.' && (n == 1 || (n == 2 && s[1] == '.'))))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == '/' || s[i] == 0x7f)
			return false;
	return true;
}

/* Next whitespace-separated field of a line; NULL at the end. */
static char *next_field(char **p)
{
	char *s = *p, *e;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return NULL;
	e = s;
	while (*e && *e != ' ' && *e != '\t')
		e++;
	if (*e)
		*e++ = '\0';
	*p = e;
	return s;
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end;
}

/* name size refcnt deps, state addr [(taints)] */
static bool parse_module_line(char *line, struct loaded_module *m)
{
	char *p = line, *name, *size, *refcnt, *deps, *state, *addr, *taint;
	uint64_t v;

	memset(m, 0, sizeof(*m));
	name = next_field(&p);
	size = next_field(&p);
	refcnt = next_field(&p);
	deps = next_field(&p);
	state = next_field(&p);
	addr = next_field(&p);
	taint = next_field(&p);
	if (!name || !size || !refcnt || !deps || !state || !addr)
		return false;
	if (!valid_module_name(name, strlen(name)) || !parse_u64(size, &m->size))
		return false;
	if (strcmp(refcnt, "-") == 0)
		m->refcnt = -1;
	else if (parse_u64(refcnt, &v) && v <= LONG_MAX)
		m->refcnt = (long)v;
	else
		return false;
	if (strcmp(state, "Live") && strcmp(state, "Loading") && strcmp(state, "Unloading"))
		return false;
	m->name = xstrdup(name);
	m->state = xstrdup(state);
	if (strcmp(deps, "-") != 0) {
		char *d = deps, *comma;

		while (*d) {
			comma = strchr(d, ',');
			if (comma)
				*comma = '\0';
			if (*d && valid_module_name(d, strlen(d)))
				sl_push(&m->used_by, xstrdup(d));
			if (!comma)
				break;
			d = comma + 1;
		}
	}
	m->taint = xstrdup("");
	if (taint) {
		size_t n = strlen(taint);

		if (n < 3 || taint[0] != '(' || taint[n - 1] != ')')
			return false;
		/* taint flags are capital letters; anything else is not the kernel's */
		for (size_t i = 1; i + 1 < n; i++)
			if (taint[i] < 'A' || taint[i] > 'Z')
				return false;
		free(m->taint);
		m->taint = xstrndup(taint + 1, n - 2);
	}
	m->sys_refcnt = -1;
	return true;
}

int procfs_parse_modules(const char *text, struct loaded_module **out, size_t *n, size_t *bad)
{
	char *copy = xstrdup(text), *line, *save = NULL;
	struct loaded_module *v = NULL;
	size_t count = 0;

	*bad = 0;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct loaded_module m;

		if (!parse_module_line(line, &m)) {
			loaded_module_free(&m);
			(*bad)++;
			continue;
		}
		v = xreallocarray(v, count + 1, sizeof(*v));
		v[count++] = m;
	}
	free(copy);
	*out = v;
	*n = count;
	return 0;
}

int procfs_read_modules(const struct kd_root *root, struct loaded_module **out, size_t *n,
			size_t *bad)
{
	char *text;
	int r;

	*out = NULL;
	*n = 0;
	*bad = 0;
	r = root_read_file(root, "proc/modules", PROC_FILE_CAP, &text, NULL);
	if (r)
		return r;
	r = procfs_parse_modules(text, out, n, bad);
	free(text);
	return r;
}

static char *read_attr(const struct kd_root *root, const char *dir, const char *attr)
{
	char *path = xasprintf("%s/%s", dir, attr), *text = NULL;

	if (root_read_file(root, path, SYS_ATTR_CAP, &text, NULL) == 0)
		str_rstrip(text);
	free(path);
	return text;
}

void procfs_read_sysmodule(const struct kd_root *root, struct loaded_module *m)
{
	struct strlist names = { 0 };
	char *dir = xasprintf("sys/module/%s", m->name), *path, *s;
	uint8_t *note;
	size_t len;
	int fd;

	fd = root_openat(root, dir, ROOT_DIR);
	if (fd < 0) {
		free(dir);
		return;
	}
	close(fd);
	m->in_sysfs = true;
	m->initstate = read_attr(root, dir, "initstate");
	m->sys_taint = read_attr(root, dir, "taint");
	m->srcversion = read_attr(root, dir, "srcversion");
	m->version = read_attr(root, dir, "version");
	s = read_attr(root, dir, "refcnt");
	if (s) {
		uint64_t v;

		if (parse_u64(s, &v) && v <= LONG_MAX)
			m->sys_refcnt = (long)v;
		free(s);
	}
	path = xasprintf("%s/holders", dir);
	if (root_list_dir(root, path, false, MAX_HOLDERS, &names) >= 0) {
		for (size_t i = 0; i < names.n; i++) {
			if (names.v[i][0] == '.' || !valid_module_name(names.v[i], strlen(names.v[i])))
				continue;
			sl_push(&m->holders, names.v[i]);
			names.v[i] = NULL;
		}
	}
	sl_free(&names);
	free(path);
	path = xasprintf("%s/notes/.note.gnu.build-id", dir);
	fd = root_openat(root, path, 0);
	free(path);
	if (fd >= 0) {
		if (fd_read_all(fd, SYS_ATTR_CAP, &note, &len) == 0) {
			m->build_id = note_build_id(note, len);
			free(note);
		}
		close(fd);
	}
	free(dir);
}

static bool is_hex(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	return true;
}

/* SERIAL FLAGS USAGE EXPY PERM UID GID TYPE DESCRIPTION: SUMMARY */
static bool parse_key_line(char *line, struct kernel_key *k)
{
	char *p = line, *f[7], *type, *desc;
	uint64_t uid;

	memset(k, 0, sizeof(*k));
	for (int i = 0; i < 7; i++)
		if (!(f[i] = next_field(&p)))
			return false;
	type = next_field(&p);
	if (!type || !is_hex(f[0], strlen(f[0])) || !parse_u64(f[5], &uid) || uid > UINT32_MAX)
		return false;
	while (*p == ' ')
		p++;
	desc = p;
	if (!*desc)
		return false;
	k->id = xstrdup(f[0]);
	k->uid = (uint32_t)uid;
	k->type = xstrdup(type);
	k->description = xstrdup(desc);
	/* asymmetric: "<subject>: <key id hex>: <summary>", the subject may itself hold ": " */
	if (strncmp(type, "asymmetri", 9) == 0) {
		char *last = NULL, *prev = NULL, *s = desc;

		while ((s = strstr(s, ": "))) {
			prev = last;
			last = s;
			s += 2;
		}
		if (prev) {
			char *id = prev + 2;
			size_t idlen = (size_t)(last - id);

			if (is_hex(id, idlen)) {
				k->subject = xstrndup(desc, (size_t)(prev - desc));
				k->key_id = xstrndup(id, idlen);
				for (char *c = k->key_id; *c; c++)
					if (*c >= 'A' && *c <= 'F')
						*c = (char)(*c - 'A' + 'a');
			}
		}
	}
	return true;
}

int procfs_parse_keys(const char *text, struct kernel_key **out, size_t *n, size_t *bad)
{
	char *copy = xstrdup(text), *line, *save = NULL;
	struct kernel_key *v = NULL;
	size_t count = 0;

	*bad = 0;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct kernel_key k;

		if (!parse_key_line(line, &k)) {
			kernel_key_free(&k);
			(*bad)++;
			continue;
		}
		v = xreallocarray(v, count + 1, sizeof(*v));
		v[count++] = k;
	}
	free(copy);
	*out = v;
	*n = count;
	return 0;
}

int procfs_read_keys(const struct kd_root *root, struct kernel_key **out, size_t *n, size_t *bad)
{
	char *text;
	int r;

	*out = NULL;
	*n = 0;
	*bad = 0;
	r = root_read_file(root, "proc/keys", PROC_FILE_CAP, &text, NULL);
	if (r)
		return r;
	r = procfs_parse_keys(text, out, n, bad);
	free(text);
	return r;
}

int procfs_read_tainted(const struct kd_root *root, unsigned long *mask)
{
	char *text, *end;
	int r;

	r = root_read_file(root, "proc/sys/kernel/tainted", SYS_ATTR_CAP, &text, NULL);
	if (r)
		return r;
	str_rstrip(text);
	errno = 0;
	*mask = strtoul(text, &end, 10);
	r = (errno || *end || !*text || text[0] == '-') ? -EINVAL : 0;
	free(text);
	return r;
}

char *procfs_read_release(const struct kd_root *root)
{
	char *text;

	if (root_read_file(root, "proc/sys/kernel/osrelease", SYS_ATTR_CAP, &text, NULL))
		return NULL;
	str_rstrip(text);
	if (!valid_module_name(text, strlen(text))) {
		free(text);
		return NULL;
	}
	return text;
}

/* Loadable modules in sys/module: the entries that have an initstate file. */
int procfs_sysfs_modules(const struct kd_root *root, struct strlist *out)
{
	struct strlist names = { 0 };
	int r = root_list_dir(root, "sys/module", false, PROCFS_MAX_SYSFS_MODULES, &names);

	for (size_t i = 0; i < names.n; i++) {
		char *rel = xasprintf("sys/module/%s/initstate", names.v[i]);
		struct stat st;

		if (names.v[i][0] != '.' && root_stat(root, rel, 0, &st) == 0) {
			sl_push(out, names.v[i]);
			names.v[i] = NULL;
		}
		free(rel);
	}
	sl_free(&names);
	return r;
}

/*
 * Tags the kernel itself puts in proc/kallsyms for code that is not a module:
 * ftrace and kprobe trampolines and BPF programs (kernel/kallsyms.c). Only
 * these exact names: a module must not hide behind a look-alike.
 */
static bool kallsyms_pseudo_module(const char *tag)
{
	static const char *const pseudo[] = { "__builtin__ftrace", "__builtin__kprobes", "bpf" };

	for (size_t i = 0; i < ARRAY_SIZE(pseudo); i++)
		if (strcmp(tag, pseudo[i]) == 0)
			return true;
	return false;
}

/* Module names tagged in proc/kallsyms: "addr type symbol\t[module]". */
int procfs_kallsyms_modules(const struct kd_root *root, struct strlist *out)
{
	char *text, *line, *save = NULL;
	int r = root_read_file(root, "proc/kallsyms", KALLSYMS_CAP, &text, NULL);

	if (r)
		return r;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *open = strrchr(line, '['), *close;

		if (!open || !(close = strchr(open, ']')) || close == open + 1)
			continue;
		*close = '\0';
		if (kallsyms_pseudo_module(open + 1))
			continue;
		/* kallsyms lists a module's symbols together: the last name is the usual repeat */
		if ((!out->n || strcmp(out->v[out->n - 1], open + 1)) && !sl_contains(out, open + 1))
			sl_push(out, xstrdup(open + 1));
	}
	free(text);
	sl_sort(out);
	return 0;
}
