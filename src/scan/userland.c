// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * userland.c - apply the rules to what runs outside the kernel: installed
 * packages, services, running processes, the certificates the host trusts,
 * and the files of install trees (where Kaspersky's engine hides inside other
 * vendors' products).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan/group.h"
#include "scan/userland.h"
#include "store/apply.h"
#include "sources/containers.h"
#include "sources/filewalk.h"
#include "sources/packages.h"
#include "sources/processes.h"
#include "sources/services.h"
#include "core/util.h"

#define WALK_FILE_BUDGET 500000
#define FILE_EXAMPLES 10
#define CTR_FILE_BUDGET 200000	/* per container storage */
#define FILE_PLACES 256		/* per rule; what a rule matches beyond them is one finding */

/* Where install trees live (and Kaspersky's own log directory); --path adds more. */
static const char *const default_places[] = {
	"opt", "var/opt", "etc/opt", "usr/lib", "usr/local", "srv", "var/log/kaspersky",
};

static void scan_packages(const struct kd_root *root, struct scan_result *res)
{
	struct fact_set pkgs = { 0 }, rpmpkgs = { 0 };
	struct rpm_read rpm;
	size_t bad = 0;
	int r;

	r = packages_read_dpkg(root, &pkgs, &bad);
	if (r)
		add_cov(res, "/var/lib/dpkg/status", cov_from_errno(r), xstrdup(strerror(-r)));
	else
		add_cov(res, "/var/lib/dpkg/status", bad ? COV_ERROR : COV_OK,
			xasprintf("%zu packages%s", pkgs.n, bad ? ", unparseable entries skipped" : ""));
	apply_facts(res, root, KIND_PACKAGE, "package", &pkgs, "package.name", NULL);
	fact_set_free(&pkgs);
	/* fail closed: an RPM database not read whole makes the inspection incomplete */
	packages_read_rpm(root, &rpmpkgs, &rpm);
	if (rpm.path[0]) {
		char *src = xasprintf("/%s", rpm.path);

		add_cov(res, src, rpm.status ? COV_ERROR : COV_OK, rpm.detail);
		free(src);
		apply_facts(res, root, KIND_PACKAGE, "package", &rpmpkgs, "package.name", NULL);
	}
	fact_set_free(&rpmpkgs);
}

static void scan_services(const struct kd_root *root, struct scan_result *res)
{
	struct fact_set svcs = { 0 };
	struct strlist places = { 0 };
	struct strbuf where;

	services_read(root, &svcs, &places);
	sb_init(&where);
	for (size_t i = 0; i < places.n; i++)
		sb_printf(&where, "%s%s", i ? ", " : "", places.v[i]);
	add_cov(res, "services", places.n ? COV_OK : COV_ABSENT,
		places.n ? xasprintf("%zu units and scripts in %s", svcs.n, where.s) :
			   xstrdup("no systemd unit directory, no /etc/init.d"));
	sb_free(&where);
	apply_facts(res, root, KIND_SERVICE, "service", &svcs, "service.name", "service.path");
	fact_set_free(&svcs);
	sl_free(&places);
}

static void scan_processes(const struct kd_root *root, struct scan_result *res)
{
	struct fact_set procs = { 0 };
	size_t hidden = 0;
	int r;

	/* an image's proc/ is not running: processes are a live host's */
	if (res->offline) {
		add_cov(res, "processes", COV_ABSENT, xstrdup("seen on a live host only"));
		return;
	}
	r = processes_read(root, &procs, &hidden);
	if (r) {
		add_cov(res, "processes", cov_from_errno(r), xstrdup(strerror(-r)));
		return;
	}
	if (hidden)
		add_cov(res, "processes", COV_DENIED,
			xasprintf("%zu processes; %zu owned by root whose executable could not be "
				  "read (permission denied%s)", procs.n, hidden,
				  geteuid() ? ": run as root" :
					      " to root: another namespace or a security module"));
	else
		add_cov(res, "processes", COV_OK, xasprintf("%zu processes", procs.n));
	apply_facts(res, root, KIND_PROCESS, "process", &procs, "process.name", "process.exe");
	fact_set_free(&procs);
}

/*
 * Certificates the host trusts: built into a kernel image, keys in proc/keys,
 * UEFI key databases; and certificate files given to inspect.
 */
void scan_trusted_certs(struct scan_result *res, const struct kd_root *root)
{
	struct fact_set certs = { 0 };

	for (size_t i = 0; i < res->ntrust; i++) {
		const struct trust_entry *t = &res->trust[i];
		struct kvlist f = { 0 };

		if (t->kind != TRUST_KERNEL_IMAGE && t->kind != TRUST_KEYRING_ONLY &&
		    t->kind != TRUST_UEFI && t->kind != TRUST_INSPECTED)
			continue;
		kv_add(&f, "trust.source", t->source);
		if (t->cert) {
			cert_facts(&f, t->cert);
			kv_add(&f, "trust.subject", cert_get_info(t->cert)->subject);
		} else {
			/*
			 * A key without its certificate: proc/keys names it "O: CN" when the
			 * CN does not begin with the organisation, else by CN alone
			 * (x509_cert_parse), followed by its key id.
			 */
			if (t->key_subject) {
				const char *sep = strstr(t->key_subject, ": ");

				if (sep) {
					kv_addn(&f, "cert.subject.O", t->key_subject,
						(size_t)(sep - t->key_subject));
					kv_add(&f, "cert.subject.CN", sep + 2);
				} else {
					kv_add(&f, "cert.subject.CN", t->key_subject);
				}
				kv_add(&f, "trust.subject", t->key_subject);
			}
			if (t->key_id)
				kv_add(&f, "cert.skid", t->key_id);
		}
		fact_set_add(&certs, &f);
	}
	apply_facts(res, root, KIND_CERT, "trust", &certs, "trust.subject", "trust.source");
	fact_set_free(&certs);
}

/* ---- files ---- */

/* What one rule matched in one place: a product tree, else one directory. */
struct file_hits {
	char *place;		/* product_tree()'s key, or the directory; NULL: the places past the cap */
	size_t count;
	struct strlist examples;
	struct strlist dirs;
	struct kvlist ev;	/* of the first match */
};

struct rule_hits {
	struct file_hits *v;
	size_t n;
};

/*
 * What a file's path or name must begin with (or be, exact) for a rule to hold:
 * taken from its equals and glob conditions, so that the rules about other
 * places and names are passed over at the cost of a comparison.
 */
struct gate_atom {
	bool on_name;
	bool exact;
	const char *lit;
	size_t len;
};

struct rule_gate {
	bool open;		/* nothing found that it needs: always matched */
	struct gate_atom *v;
	size_t n;
};

/* A rule that held for the current file, applied once the walk counts it. */
struct file_match {
	size_t rule;
	struct kvlist ev;
};

struct file_scan {
	struct scan_result *res;
	const struct kd_root *root;
	struct rule_hits *hits;	/* one per rule */
	size_t content_cap;	/* the most any file rule reads of a file */
	bool need_size;		/* a file rule tests file.size: know it before matching */
	/*
	 * The current file's first bytes, read as far as a rule asks, into one
	 * buffer for the walk; a file no rule reads is never opened.
	 */
	int dirfd;
	const char *name;
	uint8_t *content;
	size_t content_len;
	int fd;			/* open while more may be asked for; -1 */
	bool content_read;	/* opened (or found not to be a regular file) */
	bool content_end;	/* nothing more to read */
	int kind;		/* FILE_UNKNOWN, FILE_REGULAR, FILE_OTHER: what it was found to be */
	uint64_t size;		/* FILE_REGULAR: its size */
	struct file_match *matched;
	size_t nmatched, matched_cap;
	/*
	 * Where a file rule reads every file's first bytes (and no more than a
	 * chunk), the walk reads them itself (files_walk_head), in a second thread
	 * when there are CPUs for it: the bytes are the same.
	 */
	bool head_mode;
	const uint8_t *head;
	size_t head_len;
	struct rule_gate *gates;	/* one per rule */
};

enum { FILE_UNKNOWN, FILE_REGULAR, FILE_OTHER };

/*
 * Atoms one of which c needs to hold (appended to g); false when none is
 * known. A glob's letters before its first special character must be there
 * as they are (fnmatch without flags); any: each alternative needs its own;
 * all: what one of its conditions needs.
 */
static bool gate_of(const struct cond *c, struct rule_gate *g)
{
	size_t mark = g->n;

	if (!c->is_group) {
		bool on_name = !strcmp(c->field, "file.name");
		size_t len;

		if ((!on_name && strcmp(c->field, "file.path")) ||
		    (c->op != OP_EQUALS && c->op != OP_GLOB))
			return false;
		len = c->op == OP_GLOB ? strcspn(c->value, "*?[\\") : strlen(c->value);
		if (!len && c->value[len])
			return false;
		g->v = xreallocarray(g->v, g->n + 1, sizeof(*g->v));
		g->v[g->n++] = (struct gate_atom){ .on_name = on_name, .exact = !c->value[len],
						   .lit = c->value, .len = len };
		return true;
	}
	for (size_t i = 0; i < c->nkids; i++) {
		bool known = gate_of(&c->kids[i], g);

		if (c->any && !known) {
			g->n = mark;
			return false;
		}
		if (!c->any && known)
			return true;
	}
	return c->any && c->nkids;
}

static bool gate_passes(const struct rule_gate *g, const char *path, const char *name)
{
	if (g->open)
		return true;
	for (size_t i = 0; i < g->n; i++) {
		const struct gate_atom *a = &g->v[i];
		const char *v = a->on_name ? name : path;

		if (a->exact ? !strcmp(v, a->lit) : !strncmp(v, a->lit, a->len))
			return true;
	}
	return false;
}

#define CONTENT_CHUNK 4096u	/* read at least this much (where rules read more) */

static size_t file_content(void *ctx, size_t n, const uint8_t **p)
{
	struct file_scan *fs = ctx;

	if (n > fs->content_cap)
		n = fs->content_cap;
	if (!fs->content)
		fs->content = xmalloc(fs->content_cap ? fs->content_cap : 1);
	if (!fs->content_read) {
		struct stat st;

		fs->content_read = true;
		fs->fd = openat(fs->dirfd, fs->name,
				O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		/* regular files only: a FIFO swapped in must not block us */
		if (fs->fd >= 0 && (fstat(fs->fd, &st) || !S_ISREG(st.st_mode))) {
			close(fs->fd);
			fs->fd = -1;
			fs->kind = FILE_OTHER;
		} else if (fs->fd >= 0) {
			fs->kind = FILE_REGULAR;
			fs->size = (uint64_t)st.st_size;
		}
		fs->content_end = fs->fd < 0;
	}
	if (n > fs->content_len && !fs->content_end) {
		size_t want = n < CONTENT_CHUNK ? CONTENT_CHUNK : n;
		ssize_t r = 0;

		if (want > fs->content_cap)
			want = fs->content_cap;
		/*
		 * Up to its size: the read that would find the end is saved (a size
		 * of 0 may be a pseudo file's, which is read to its end).
		 */
		while (fs->content_len < want && (!fs->size || fs->content_len < fs->size) &&
		       (r = read(fs->fd, fs->content + fs->content_len, want - fs->content_len)) > 0)
			fs->content_len += (size_t)r;
		if (r <= 0 || fs->content_len == fs->content_cap ||
		    (fs->size && fs->content_len >= fs->size)) {
			close(fs->fd);
			fs->fd = -1;
			fs->content_end = true;
		}
	}
	*p = fs->content;
	return n < fs->content_len ? n : fs->content_len;
}

/* What the current file is, by lstat, when nothing opened it: 0, 1 (not a regular file), -errno. */
static int file_lstat(struct file_scan *fs)
{
	struct stat st;

	if (fs->kind == FILE_UNKNOWN) {
		if (fstatat(fs->dirfd, fs->name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		fs->kind = S_ISREG(st.st_mode) ? FILE_REGULAR : FILE_OTHER;
		fs->size = (uint64_t)st.st_size;
	}
	return fs->kind == FILE_REGULAR ? 0 : 1;
}

/*
 * Where a matched file belongs: its product tree, so that two products under
 * /opt/kaspersky are two findings of a rule, else its directory.
 */
static struct file_hits *hits_for(struct rule_hits *rh, const char *path)
{
	char *place = product_tree(path, NULL);
	struct file_hits *h;

	if (!place) {
		const char *slash = strrchr(path, '/');

		place = xstrndup(path, slash && slash != path ? (size_t)(slash - path) : 1);
	}
	for (size_t i = 0; i < rh->n; i++) {
		if (rh->v[i].place ? !strcmp(rh->v[i].place, place) : rh->n > FILE_PLACES) {
			free(place);
			return &rh->v[i];
		}
	}
	if (rh->n == FILE_PLACES) {
		free(place);
		place = NULL;
	}
	rh->v = xreallocarray(rh->v, rh->n + 1, sizeof(*rh->v));
	h = &rh->v[rh->n++];
	memset(h, 0, sizeof(*h));
	h->place = place;
	return h;
}

static void file_matched(struct file_scan *fs, const char *path, size_t r, struct kvlist *ev)
{
	struct file_hits *h = hits_for(&fs->hits[r], path);
	const char *slash;
	char *dir;

	if (!h->count)
		h->ev = *ev;
	else
		kv_free(ev);
	h->count++;
	if (h->examples.n < FILE_EXAMPLES)
		sl_push(&h->examples, xstrdup(path));
	slash = strrchr(path, '/');
	dir = xstrndup(path, slash && slash != path ? (size_t)(slash - path) : 1);
	if (h->dirs.n < FILE_EXAMPLES && !sl_contains(&h->dirs, dir))
		sl_push(&h->dirs, dir);
	else
		free(dir);
}

/*
 * A file's facts (path, name, and its size when a rule tests it), pointing at the
 * walk's strings and at sizebuf; they are only read.
 */
static void file_facts(struct kv fact[3], struct kvlist *facts, const char *path,
		       const char *name, const uint64_t *size, char sizebuf[24])
{
	fact[0] = (struct kv){ .key = (char *)"file.path", .value = (char *)path };
	fact[1] = (struct kv){ .key = (char *)"file.name", .value = (char *)name };
	facts->v = fact;
	facts->n = 2;
	if (size) {
		snprintf(sizebuf, 24, "%llu", (unsigned long long)*size);
		fact[facts->n++] = (struct kv){ .key = (char *)"file.size", .value = sizebuf };
	}
}

/*
 * The file rules on subj, a file at path: each one that holds goes to
 * file_matched, or with defer into fs->matched, for when the file is known
 * to be a regular one.
 */
static void match_file_rules(struct file_scan *fs, const struct subject *subj, const char *path,
			     const char *name, bool defer)
{
	const struct scan_result *res = fs->res;

	for (size_t k = 0; k < res->rules.n; k++) {
		const struct rule *rule = &res->rules.v[k];
		struct kvlist ev = { 0 };

		if (!(rule->kinds & KIND_FILE) || !gate_passes(&fs->gates[k], path, name) ||
		    !rule_match_subject(rule, subj, &ev)) {
			kv_free(&ev);
			continue;
		}
		if (!defer) {
			file_matched(fs, path, k, &ev);
			continue;
		}
		if (fs->nmatched == fs->matched_cap) {
			fs->matched_cap = fs->matched_cap ? 2 * fs->matched_cap : 8;
			fs->matched = xreallocarray(fs->matched, fs->matched_cap, sizeof(*fs->matched));
		}
		fs->matched[fs->nmatched].rule = k;
		fs->matched[fs->nmatched++].ev = ev;
	}
}

/*
 * One file of a walk: the rules are matched on its path and name (and size, if a
 * rule tests it); the first rule to read its bytes opens it, and that tells what
 * it is. A file nothing opened is lstat'ed after matching: what held is counted
 * only for a regular file, as the walk counts only those.
 */
static int on_file(const char *path, const char *name, int dirfd, const struct stat *st, void *ctx)
{
	struct file_scan *fs = ctx;
	struct kv fact[3];
	struct kvlist facts;
	struct subject subj = host_subject(fs->root);
	char sizebuf[24];
	int r;

	fs->dirfd = dirfd;
	fs->name = name;
	fs->content_read = false;
	fs->content_end = false;
	fs->content_len = 0;
	fs->fd = -1;
	fs->kind = FILE_UNKNOWN;
	fs->size = 0;
	fs->nmatched = 0;
	if (st) {
		fs->kind = S_ISREG(st->st_mode) ? FILE_REGULAR : FILE_OTHER;
		fs->size = (uint64_t)st->st_size;
	}
	if (fs->need_size && (r = file_lstat(fs)))
		return r;
	file_facts(fact, &facts, path, name, fs->need_size ? &fs->size : NULL, sizebuf);
	subj.facts = &facts;
	subj.content = file_content;
	subj.content_ctx = fs;
	match_file_rules(fs, &subj, path, name, true);
	if (fs->fd >= 0)
		close(fs->fd);
	fs->fd = -1;
	r = file_lstat(fs);
	for (size_t i = 0; i < fs->nmatched; i++) {
		if (r)
			kv_free(&fs->matched[i].ev);
		else
			file_matched(fs, path, fs->matched[i].rule, &fs->matched[i].ev);
	}
	return r;
}

static size_t head_content(void *ctx, size_t n, const uint8_t **p)
{
	struct file_scan *fs = ctx;

	*p = fs->head;
	return n < fs->head_len ? n : fs->head_len;
}

/* One regular file of a walk that read its first bytes. */
static void on_file_head(const char *path, const char *name, uint64_t size, const uint8_t *head,
			 size_t len, void *ctx)
{
	struct file_scan *fs = ctx;
	struct kv fact[3];
	struct kvlist facts;
	struct subject subj = host_subject(fs->root);
	char sizebuf[24];

	file_facts(fact, &facts, path, name, fs->need_size ? &size : NULL, sizebuf);
	fs->head = head;
	fs->head_len = len;
	subj.facts = &facts;
	subj.content = head_content;
	subj.content_ctx = fs;
	match_file_rules(fs, &subj, path, name, false);
}

/* Does matching c always read the file, whatever its path and name? */
static bool cond_reads_always(const struct cond *c)
{
	if (!c->is_group)
		return c->op == OP_HEX || !strcmp(c->field, "file.text");
	/* all: the first condition is always tested; any: each one */
	if (!c->any)
		return c->nkids && cond_reads_always(&c->kids[0]);
	for (size_t i = 0; i < c->nkids; i++)
		if (cond_reads_always(&c->kids[i]))
			return true;
	return false;
}

/* What the file rules need of a file: the most bytes they read, whether one tests its size. */
static bool cond_uses(const struct cond *c, const char *field)
{
	if (!c->is_group)
		return !strcmp(c->field, field);
	for (size_t i = 0; i < c->nkids; i++)
		if (cond_uses(&c->kids[i], field))
			return true;
	return false;
}

static bool file_scan_init(struct file_scan *fs, struct scan_result *res, const struct kd_root *root)
{
	bool any = false;

	memset(fs, 0, sizeof(*fs));
	fs->res = res;
	fs->root = root;
	for (size_t r = 0; r < res->rules.n; r++) {
		const struct rule *rule = &res->rules.v[r];

		if (!(rule->kinds & KIND_FILE))
			continue;
		any = true;
		if (rule->content_needed > fs->content_cap)
			fs->content_cap = rule->content_needed;
		fs->need_size |= cond_uses(&rule->match, "file.size");
		fs->head_mode |= cond_reads_always(&rule->match);
	}
	if (!any)
		return false;
	fs->gates = xcalloc(res->rules.n, sizeof(*fs->gates));
	for (size_t r = 0; r < res->rules.n; r++)
		if (res->rules.v[r].kinds & KIND_FILE)
			fs->gates[r].open = !gate_of(&res->rules.v[r].match, &fs->gates[r]);
	fs->head_mode &= fs->content_cap > 0 && fs->content_cap <= CONTENT_CHUNK;
	fs->hits = xcalloc(res->rules.n, sizeof(*fs->hits));
	return true;
}

static void file_scan_free(struct file_scan *fs)
{
	free(fs->hits);
	free(fs->content);
	free(fs->matched);
	for (size_t r = 0; fs->gates && r < fs->res->rules.n; r++)
		free(fs->gates[r].v);
	free(fs->gates);
}

/* A container layer being walked: what its findings say it is part of. */
struct ctr_layer_ctx {
	const struct ctr_storage *storage;
	const struct ctr_layer *layer;
	char *label;		/* the first image name, else container, else layer */
};

static void ctr_evidence(struct kvlist *ev, const struct ctr_layer_ctx *lc)
{
	const struct ctr_layer *l = lc->layer;
	char *path;

	evidence_add(ev, "container.storage", lc->storage->kind);
	evidence_add(ev, "layer.id", l->id);
	path = xasprintf("/%s", l->dir);
	evidence_add(ev, "layer.path", path);
	free(path);
	for (size_t i = 0; i < l->image_names.n; i++)
		evidence_add(ev, "image.name", l->image_names.v[i]);
	for (size_t i = 0; i < l->image_ids.n; i++)
		evidence_add(ev, "image.id", l->image_ids.v[i]);
	for (size_t i = 0; i < l->ctr_names.n; i++)
		evidence_add(ev, "container.name", l->ctr_names.v[i]);
	for (size_t i = 0; i < l->ctr_ids.n; i++)
		evidence_add(ev, "container.id", l->ctr_ids.v[i]);
}

/*
 * One finding per rule and place: the directory and a few of the files. In a
 * container layer (layer not NULL), the paths are as inside the container; the
 * finding names the image and container, and its path is the file in the root.
 */
static void file_findings(struct file_scan *fs, const struct ctr_layer_ctx *lc)
{
	struct scan_result *res = fs->res;

	for (size_t r = 0; r < res->rules.n; r++) {
		const struct rule *rule = &res->rules.v[r];

		for (size_t i = 0; i < fs->hits[r].n; i++) {
			struct file_hits *h = &fs->hits[r].v[i];
			struct finding *f;
			char count[24];

			if (lc) {
				char *name = xasprintf("%s:%s", lc->label, h->dirs.v[0]);
				char *path = xasprintf("/%s%s", lc->layer->dir, h->examples.v[0]);

				f = add_finding(res, rule->id, rule->severity, "file", name, path,
						xstrdup(rule->title));
				free(name);
				free(path);
				ctr_evidence(&f->evidence, lc);
			} else {
				f = add_finding(res, rule->id, rule->severity, "file", h->dirs.v[0],
						h->examples.v[0], xstrdup(rule->title));
			}
			snprintf(count, sizeof(count), "%zu", h->count);
			evidence_add(&f->evidence, "files_matched", count);
			for (size_t k = 0; k < h->ev.n; k++)
				evidence_add(&f->evidence, h->ev.v[k].key, h->ev.v[k].value);
			for (size_t k = 0; k < h->dirs.n; k++)
				evidence_add(&f->evidence, "directory", h->dirs.v[k]);
			for (size_t k = 0; k < h->examples.n; k++)
				evidence_add(&f->evidence, "file", h->examples.v[k]);
		}
	}
	for (size_t r = 0; r < res->rules.n; r++) {
		for (size_t i = 0; i < fs->hits[r].n; i++) {
			free(fs->hits[r].v[i].place);
			sl_free(&fs->hits[r].v[i].examples);
			sl_free(&fs->hits[r].v[i].dirs);
			kv_free(&fs->hits[r].v[i].ev);
		}
		free(fs->hits[r].v);
	}
	memset(fs->hits, 0, res->rules.n * sizeof(*fs->hits));
}

static void scan_files(const struct kd_root *root, const struct scan_options *opt,
		       struct scan_result *res)
{
	struct file_scan fs;
	struct walk_seen seen = { 0 };
	struct strlist places = { 0 };
	size_t budget = WALK_FILE_BUDGET;

	if (!file_scan_init(&fs, res, root))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(default_places); i++)
		sl_push(&places, xstrdup(default_places[i]));
	for (size_t i = 0; i < opt->paths.n; i++)
		sl_push(&places, xstrdup(opt->paths.v[i][0] == '/' ? opt->paths.v[i] + 1 : opt->paths.v[i]));
	for (size_t i = 0; i < places.n; i++) {
		struct walk_stats st;
		char *src = xasprintf("/%s", places.v[i]);
		int r = fs.head_mode ?
			files_walk_head(root, places.v[i], NULL, &seen, &budget, &st, fs.content_cap,
					opt->jobs > 1, on_file_head, &fs) :
			files_walk_open(root, places.v[i], NULL, &seen, &budget, &st, on_file, &fs);

		if (r)
			add_cov(res, src, cov_from_errno(r), xstrdup(strerror(-r)));
		else
			add_walk_cov(res, src, &st,
				     xasprintf("%zu files in %zu directories", st.files, st.dirs));
		free(src);
	}
	file_findings(&fs, NULL);
	file_scan_free(&fs);
	sl_free(&places);
	walk_seen_free(&seen);
}

/*
 * Container storage: every layer and container root walked as the install
 * trees are, with the same file rules, bounded per storage. A finding names
 * the image and container; its paths are as inside the container.
 */
static void scan_containers(const struct kd_root *root, const struct scan_options *opt,
			    struct scan_result *res)
{
	struct ctr_storage *v;
	size_t n;
	bool any_file_rule = false;

	for (size_t r = 0; r < res->rules.n; r++)
		any_file_rule |= (res->rules.v[r].kinds & KIND_FILE) != 0;
	if (!any_file_rule)
		return;
	containers_read(root, &v, &n);
	for (size_t i = 0; i < n; i++) {
		struct ctr_storage *s = &v[i];
		struct file_scan fs;
		struct walk_seen seen = { 0 };
		struct walk_stats total = { 0 };
		size_t budget = CTR_FILE_BUDGET, walked = 0;
		struct strbuf sb;
		char *src = xasprintf("%s (%s)", s->source, s->kind);

		file_scan_init(&fs, res, root);
		for (size_t k = 0; k < s->nlayers; k++) {
			struct ctr_layer *l = &s->layers[k];
			struct ctr_layer_ctx lc = { .storage = s, .layer = l };
			struct walk_stats st;
			int r;

			if (!l->dir)
				continue;
			r = fs.head_mode ?
				files_walk_head(root, l->dir, "/", &seen, &budget, &st, fs.content_cap,
						opt->jobs > 1, on_file_head, &fs) :
				files_walk_open(root, l->dir, "/", &seen, &budget, &st, on_file, &fs);
			if (r) {
				total.unreadable++;
				continue;
			}
			walked++;
			total.files += st.files;
			total.dirs += st.dirs;
			total.unreadable += st.unreadable;
			total.denied += st.denied;
			total.too_deep += st.too_deep;
			total.truncated |= st.truncated;
			lc.label = xstrdup(l->image_names.n ? l->image_names.v[0] :
					   l->ctr_names.n ? l->ctr_names.v[0] : l->id);
			file_findings(&fs, &lc);
			free(lc.label);
		}
		sb_init(&sb);
		sb_printf(&sb, "%zu images, %zu containers, %zu layers (%zu walked), "
			  "%zu files in %zu directories", s->nimages, s->ncontainers, s->nlayers,
			  walked, total.files, total.dirs);
		for (size_t k = 0; k < s->notes.n; k++)
			sb_printf(&sb, "; %s", s->notes.v[k]);
		add_walk_cov(res, src, &total, sb_steal(&sb));
		for (size_t k = 0; k < s->gaps.n; k++)
			add_cov(res, src, COV_ERROR, xstrdup(s->gaps.v[k]));
		if (s->gaps_dropped)
			add_cov(res, src, COV_ERROR, xasprintf("%zu more problems of this storage "
							       "not listed", s->gaps_dropped));
		if (s->no_dir)
			add_cov(res, src, COV_ERROR,
				xasprintf("%zu layers not walked: no content directory where the "
					  "storage keeps it (first: %s)", s->no_dir, s->no_dir_first));
		free(src);
		file_scan_free(&fs);
		walk_seen_free(&seen);
	}
	ctr_storages_free(v, n);
}

void scan_userland(const struct kd_root *root, const struct scan_options *opt,
		   struct scan_result *res)
{
	scan_trusted_certs(res, root);
	scan_packages(root, res);
	scan_services(root, res);
	scan_processes(root, res);
	scan_files(root, opt, res);
	scan_containers(root, opt, res);
}
