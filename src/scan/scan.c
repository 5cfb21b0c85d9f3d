// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan.c - one inspection run: check what the user named, run the collectors
 * (the kernel images and UEFI keys on a thread of their own while a worker
 * pool reads and hashes every module file), verify each file's signature,
 * join loaded modules to their files and the kernel's keys to the trust, and
 * apply the rules. kdetect inspect runs the same pool on files it is given.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/embedded.h"
#include "core/root.h"
#include "core/util.h"
#include "crypto/cert.h"
#include "formats/elfmod.h"
#include "scan/checks.h"
#include "scan/group.h"
#include "scan/hidden.h"
#include "scan/kernel.h"
#include "scan/scan.h"
#include "scan/userland.h"
#include "scan/configured.h"
#include "sources/boot/boot.h"
#include "sources/boot/image.h"
#include "sources/boot/uefi.h"
#include "sources/dkms.h"
#include "sources/moddir.h"
#include "sources/initrd.h"
#include "sources/modfiles.h"
#include "sources/trust.h"
#include "store/apply.h"
#include "store/result.h"

#define PE_FILE_CAP (64u << 20)
#define MAX_JOBS 8

struct scan_ctx {
	struct kd_root root;
	struct scan_result *res;
	struct modfile_list files;	/* module files to inspect */
	size_t next;			/* work queue index */
	int phase;			/* 0: read and hash files, 1: check signatures */
	bool hashing;			/* phase 0 is open to the kernel image thread */
	bool verify_at_once;		/* the trust is complete: phase 0 checks signatures too */
	pthread_mutex_t lock;
	bool host_files;		/* inspect: paths are host paths, not inside a root */
	int stdin_fd;			/* inspect -: standard input, copied into memory */
	struct timespec mono_start;	/* the run's duration is measured on CLOCK_MONOTONIC */
};

/* ---- the rule set compiled into the binary ---- */

int scan_load_rules(struct ruleset *rs, const struct strlist *replace, const struct strlist *add,
		    char **sha256, char **err)
{
	struct strbuf all;
	int r = 0;

	sb_init(&all);
	if (!replace->n) {
		for (const struct embedded_file *f = kd_embedded_files; f->name && !r; f++) {
			char *name;

			if (!str_has_suffix(f->name, ".rules"))
				continue;
			name = xasprintf("rules/%s", f->name);
			r = rules_parse(rs, name, (const char *)f->data, (size_t)f->size, err);
			sb_putn(&all, (const char *)f->data, (size_t)f->size);
			free(name);
		}
	}
	for (size_t i = 0; i < replace->n && !r; i++)
		r = rules_load_path(rs, replace->v[i], &all, err);
	for (size_t i = 0; i < add->n && !r; i++)
		r = rules_load_path(rs, add->v[i], &all, err);
	if (!r && !rs->n) {
		*err = xstrdup("the rule set is empty");
		r = -1;
	}
	if (!r && sha256)
		*sha256 = sha256_hex(all.s ? all.s : "", all.len);
	sb_free(&all);
	return r;
}

/* Join proc/keys asymmetric keys to the certificates we hold, by SKID (or serial). */
static void join_keys(struct scan_result *res)
{
	for (size_t i = 0; i < res->nkeys; i++) {
		const struct kernel_key *k = &res->keys[i];
		bool joined = false;
		size_t n = res->ntrust;

		if (!k->key_id)
			continue;
		for (size_t j = 0; j < n; j++) {
			struct trust_entry *t = &res->trust[j];
			const struct cert_info *ci;

			if (!t->cert)
				continue;
			ci = cert_get_info(t->cert);
			if ((ci->skid && strcmp(ci->skid, k->key_id) == 0) ||
			    (!ci->skid && strcmp(ci->serial, k->key_id) == 0)) {
				if (!t->keyring_key)
					t->keyring_key = xstrdup(k->description);
				joined = true;
			}
		}
		if (!joined) {
			struct trust_entry *t = add_trust_cert(res, TRUST_KEYRING_ONLY, NULL, "/proc/keys", NULL);

			t->keyring_key = xstrdup(k->description);
			t->key_subject = xstrdup(k->subject);
			t->key_id = xstrdup(k->key_id);
		}
	}
}

#define STDIN_CAP (256u << 20)
#define STDIN_NAME "(standard input)"

/*
 * inspect -: standard input may be a pipe, which can be read only once and not
 * at an offset; an anonymous memory file holds it for every reader (no file is
 * written anywhere).
 */
static int stdin_to_memory(char **err)
{
	uint8_t *buf;
	size_t len, done = 0;
	int fd, r;

	r = fd_read_all(STDIN_FILENO, STDIN_CAP, &buf, &len);
	if (r) {
		*err = r == -EFBIG ? xasprintf("standard input: more than %u MiB", STDIN_CAP >> 20) :
				     xasprintf("standard input: %s", strerror(-r));
		return -1;
	}
	fd = memfd_create("kdetect-stdin", MFD_CLOEXEC);
	while (fd >= 0 && done < len) {
		ssize_t n = write(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			fd = -1;
			break;
		}
		done += (size_t)n;
	}
	free(buf);
	if (fd < 0)
		*err = xasprintf("standard input: cannot hold it in memory: %s", strerror(errno));
	return fd;
}

/* An inspect operand, opened: a host path, or - for standard input. fd or -errno. */
static int open_input(const struct scan_ctx *ctx, const char *path)
{
	int fd;

	if (strcmp(path, STDIN_NAME) == 0 && ctx->stdin_fd >= 0) {
		fd = dup(ctx->stdin_fd);
		if (fd < 0 || lseek(fd, 0, SEEK_SET) < 0) {
			int e = errno;

			if (fd >= 0)
				close(fd);
			return -e;
		}
		return fd;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

static int read_input(const struct scan_ctx *ctx, const char *path, size_t cap, uint8_t **buf,
		      size_t *len)
{
	int fd = open_input(ctx, path);

	return fd < 0 ? fd : fd_read_regular(fd, cap, buf, len);
}

/* What the user named must exist and be a file: a typo is an error, not "nothing found". */
static int check_inputs(char **files, size_t nfiles, bool *want_stdin, char **err)
{
	*want_stdin = false;
	for (size_t i = 0; i < nfiles; i++) {
		struct stat st;
		int fd;

		if (strcmp(files[i], "-") == 0) {
			if (*want_stdin) {
				*err = xstrdup("inspect: - (standard input) given more than once");
				return -1;
			}
			*want_stdin = true;
			continue;
		}
		fd = open(files[i], O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd < 0 || fstat(fd, &st) < 0) {
			*err = xasprintf("cannot inspect %s: %s", files[i], strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
		if (!S_ISREG(st.st_mode)) {
			*err = xasprintf("cannot inspect %s: %s", files[i],
					 S_ISDIR(st.st_mode) ? "it is a directory" : "not a regular file");
			return -1;
		}
	}
	return 0;
}

/* A module file of the queue: opened in the root, or as given on the command line (inspect). */
static void inspect_one(struct scan_ctx *ctx, struct modfile_scratch *sc, size_t idx)
{
	const char *open_path = ctx->files.open_paths.v[idx];
	int fd = ctx->host_files ? open_input(ctx, open_path) :
				   root_openat(&ctx->root, open_path, ROOT_FOLLOW);

	modfile_inspect(sc, &ctx->res->mods[idx], fd, open_path, ctx->files.shown.v[idx],
			ctx->host_files ? NULL : ctx->files.releases_of.v[idx]);
}

static void *worker(void *arg)
{
	struct scan_ctx *ctx = arg;
	struct modfile_scratch *sc = NULL;

	for (;;) {
		size_t idx;
		int phase;

		pthread_mutex_lock(&ctx->lock);
		idx = ctx->next++;
		phase = ctx->phase;
		pthread_mutex_unlock(&ctx->lock);
		if (idx >= ctx->files.shown.n)
			break;
		if (phase == 0) {
			if (!sc)
				sc = modfile_scratch_new();
			inspect_one(ctx, sc, idx);
			if (ctx->verify_at_once)
				modfile_check_signature(ctx->res, &ctx->res->mods[idx]);
		} else {
			modfile_check_signature(ctx->res, &ctx->res->mods[idx]);
		}
	}
	modfile_scratch_free(sc);
	return NULL;
}

struct kernel_job {
	struct scan_ctx *ctx;
	struct scan_result part;	/* coverage and trust found, merged after the join */
	pthread_t tid;
	bool threaded;
	bool done;		/* images read; under ctx->lock */
};

/* Open a phase's work queue. Returns whether the kernel image thread is still decoding. */
static bool open_phase(struct scan_ctx *ctx, int phase, const struct kernel_job *kjob)
{
	bool kernel_busy;

	pthread_mutex_lock(&ctx->lock);
	ctx->phase = phase;
	ctx->next = 0;
	ctx->hashing = phase == 0;
	kernel_busy = kjob && kjob->threaded && !kjob->done;
	pthread_mutex_unlock(&ctx->lock);
	return kernel_busy;
}

/* Run the open phase with jobs threads (the caller's included) until its queue is empty. */
static void run_workers(struct scan_ctx *ctx, int jobs)
{
	pthread_t tids[MAX_JOBS];
	int started = 0;

	if (jobs < 1)
		jobs = 1;
	if (jobs > MAX_JOBS)
		jobs = MAX_JOBS;
	if ((size_t)jobs > ctx->files.shown.n)
		jobs = ctx->files.shown.n ? (int)ctx->files.shown.n : 1;
	for (int i = 1; i < jobs; i++)
		if (pthread_create(&tids[started], NULL, worker, ctx) == 0)
			started++;
	worker(ctx);
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
}

static void *kernel_images_thread(void *arg)
{
	struct kernel_job *job = arg;
	struct scan_ctx *ctx = job->ctx;
	bool help;

	trust_read_kernel_images(&ctx->root, &job->part);
	boot_read_keys(&ctx->root, &job->part);
	/* done early: help read and hash the module files that are still queued */
	pthread_mutex_lock(&ctx->lock);
	help = ctx->hashing;
	job->done = true;
	pthread_mutex_unlock(&ctx->lock);
	if (help)
		worker(ctx);
	return NULL;
}

/*
 * Decoding a kernel image (xz, tens of MB) is the longest serial step of a
 * scan: start it first, on a thread of its own, and join it only when the
 * signatures need its certificates.
 */
static void kernel_job_start(struct kernel_job *job, struct scan_ctx *ctx)
{
	memset(job, 0, sizeof(*job));
	job->ctx = ctx;
	job->threaded = pthread_create(&job->tid, NULL, kernel_images_thread, job) == 0;
	if (!job->threaded)
		trust_read_kernel_images(&ctx->root, &job->part);
}

static void merge_part(struct scan_result *res, struct scan_result *part)
{
	if (part->ncov) {
		res->cov = xreallocarray(res->cov, res->ncov + part->ncov, sizeof(*res->cov));
		memcpy(res->cov + res->ncov, part->cov, part->ncov * sizeof(*res->cov));
		res->ncov += part->ncov;
	}
	if (part->ntrust) {
		res->trust = xreallocarray(res->trust, res->ntrust + part->ntrust, sizeof(*res->trust));
		memcpy(res->trust + res->ntrust, part->trust, part->ntrust * sizeof(*res->trust));
		res->ntrust += part->ntrust;
	}
	free(part->cov);
	free(part->trust);
	/* the boot state and key databases read with the kernel images */
	res->boot = part->boot;
	res->boot_keys = part->boot_keys;
	memset(part, 0, sizeof(*part));
}

static void kernel_job_finish(struct kernel_job *job, struct scan_result *res)
{
	if (job->threaded)
		pthread_join(job->tid, NULL);
	merge_part(res, &job->part);
	join_keys(res);
}

/*
 * Read, decompress, parse and hash every module file (while the kernel job,
 * if any, decodes the kernel images); then check each signature against the
 * trust sources.
 */
static void inspect_all(struct scan_ctx *ctx, int jobs, struct kernel_job *kjob)
{
	struct scan_result *res = ctx->res;
	bool kernel_busy;

	res->nmods = ctx->files.shown.n;
	res->mods = xcalloc(res->nmods ? res->nmods : 1, sizeof(*res->mods));
	kernel_busy = open_phase(ctx, 0, kjob);
	if (!kernel_busy) {
		/*
		 * Every trust source is in (no kernel image, or one decoded already,
		 * or inspect): each file is verified as soon as it is hashed, with no
		 * wait for the slowest file between the phases.
		 */
		if (kjob)
			kernel_job_finish(kjob, res);
		ctx->verify_at_once = true;
		run_workers(ctx, jobs);
		return;
	}
	/* a kernel image thread still decoding keeps a core, and joins in when it is done */
	run_workers(ctx, jobs > 1 ? jobs - 1 : jobs);
	if (kjob)
		kernel_job_finish(kjob, res);
	open_phase(ctx, 1, NULL);
	run_workers(ctx, jobs);
}

/* ---- loaded modules and their files ---- */

static const char *running_release(struct scan_ctx *ctx, const struct strlist *releases)
{
	struct scan_result *res = ctx->res;
	size_t best = 0;
	const char *pick = NULL;

	if (res->kernel_release)
		return res->kernel_release;
	/*
	 * An image with proc/modules but no osrelease: the release whose files are
	 * the loaded modules, by build-id (worth more) or else by name.
	 */
	for (size_t r = 0; r < releases->n; r++) {
		size_t score = 0;

		for (size_t i = 0; i < res->nloaded; i++) {
			const struct loaded_module *lm = &res->loaded[i];
			size_t hit = 0;

			for (size_t j = 0; j < res->nmods; j++) {
				const struct module_rec *m = &res->mods[j];

				if (!m->release || strcmp(m->release, releases->v[r]) ||
				    !module_name_same(m->name, lm->name))
					continue;
				hit = lm->build_id && m->build_id && !strcmp(lm->build_id, m->build_id) ?
					      2 : hit ? hit : 1;
			}
			score += hit;
		}
		if (score > best) {
			best = score;
			pick = releases->v[r];
		}
	}
	return pick;
}

/* The directory of a release's index files (modfiles_find: lib/modules or usr/lib/modules). */
static const char *release_dir(const struct strlist *releases, const struct strlist *dirs,
			       const char *rel)
{
	for (size_t i = 0; i < releases->n; i++)
		if (strcmp(releases->v[i], rel) == 0)
			return dirs->v[i];
	return NULL;
}

static void join_loaded(struct scan_ctx *ctx, const struct strlist *releases,
			const struct strlist *dirs)
{
	struct scan_result *res = ctx->res;
	const char *rel = running_release(ctx, releases);
	const char *dir = rel ? release_dir(releases, dirs, rel) : NULL;
	struct moddir *md = NULL;
	char *detail = NULL;

	if (!res->nloaded)
		return;
	if (rel) {
		char *src = xasprintf("/%s/modules.dep", dir);

		md = moddir_open(&ctx->root, dir, &detail);
		add_cov(res, src, md ? COV_OK : COV_ABSENT, detail);
		free(src);
	}
	for (size_t i = 0; i < res->nloaded; i++) {
		struct loaded_module *lm = &res->loaded[i];
		struct module_rec *pick = NULL;
		char *dep = md ? moddir_lookup(md, lm->name) : NULL;
		char *dep_shown = dep ? xasprintf("/%s/%s", dir, dep) : NULL;

		for (size_t j = 0; j < res->nmods; j++) {
			struct module_rec *m = &res->mods[j];

			if (m->loaded || !rel || !m->release || strcmp(m->release, rel) ||
			    !module_name_same(m->name, lm->name))
				continue;
			/* the file modprobe would load wins, then the one with the same build-id */
			if (dep_shown && strcmp(m->path, dep_shown) == 0) {
				pick = m;
				break;
			}
			if (!pick || (lm->build_id && m->build_id && !strcmp(lm->build_id, m->build_id)))
				pick = m;
		}
		free(dep);
		free(dep_shown);
		if (!pick) {
			res->mods = xreallocarray(res->mods, res->nmods + 1, sizeof(*res->mods));
			pick = &res->mods[res->nmods++];
			memset(pick, 0, sizeof(*pick));
			pick->name = xstrdup(lm->name);
			pick->release = rel ? xstrdup(rel) : NULL;
			pick->file_name_matches = -1;
			pick->build_id_matches = -1;
			pick->compression = "none";
			pick->sig.status = SIG_UNREAD;
			pick->sig.reason = xstrdup("no module file found on disk");
		}
		pick->loaded = true;
		pick->lm = lm;
		if (lm->build_id && pick->build_id)
			pick->build_id_matches = strcmp(lm->build_id, pick->build_id) == 0;
	}
	moddir_close(md);
}

/*
 * Modules built into a release's kernel appear in no module list and have no
 * file: their modinfo (modules.builtin.modinfo) is all there is to match.
 * Code built into the running kernel runs; into another release, it is installed.
 */
static void scan_builtin(struct scan_ctx *ctx, const struct strlist *releases,
			 const struct strlist *dirs)
{
	struct scan_result *res = ctx->res;
	const char *running = running_release(ctx, releases);
	struct subject host = host_subject(&ctx->root);

	for (size_t i = 0; i < releases->n; i++) {
		const char *rel = releases->v[i];
		char *src = xasprintf("/%s/modules.builtin.modinfo", dirs->v[i]);
		bool runs = running && !strcmp(running, rel);
		struct fact_set set = { 0 };
		int r = moddir_builtin_modinfo(&ctx->root, dirs->v[i], &set);

		if (r)
			add_cov(res, src, cov_from_errno(r), xstrdup(strerror(-r)));
		else
			add_cov(res, src, COV_OK, xasprintf("%zu built-in module%s", set.n,
							    set.n == 1 ? "" : "s"));
		for (size_t k = 0; k < set.n; k++) {
			struct kvlist first = { 0 };
			struct subject subj = host;

			kv_add(&set.v[k], "module.builtin", "yes");
			kv_add(&set.v[k], "module.loaded", runs ? "yes" : "no");
			subj.facts = &set.v[k];
			kv_add(&first, "built_in", runs ? "yes, into the running kernel" :
							"yes, into an installed kernel");
			kv_add(&first, "release", rel);
			apply_subject_rules(res, &subj, KIND_MODULE, !runs, "kaspersky",
					    kv_get(&set.v[k], "module.name"), src, &first);
			kv_free(&first);
		}
		fact_set_free(&set);
		free(src);
	}
}

/* ---- ordering, so that two runs over the same input print the same report ---- */

static int nullcmp(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_module(const void *pa, const void *pb)
{
	const struct module_rec *a = pa, *b = pb;
	int c;

	if ((c = nullcmp(a->release, b->release)))
		return c;
	if ((c = strcmp(a->name, b->name)))
		return c;
	if ((c = nullcmp(a->path, b->path)))
		return c;
	/* the same member in two initramfs images */
	return nullcmp(a->initramfs, b->initramfs);
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	int c;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((c = strcmp(a->name, b->name)))
		return c;
	if ((c = nullcmp(a->path, b->path)))
		return c;
	if ((c = strcmp(a->rule, b->rule)))
		return c;
	return nullcmp(kv_get(&a->evidence, "initramfs"), kv_get(&b->evidence, "initramfs"));
}

static void finish(struct scan_result *res, const struct kd_root *root)
{
	struct subject host = host_subject(root);

	/* sort modules, keeping sig.cert pointers valid (they point into trust, not mods) */
	if (res->nmods > 1)
		qsort(res->mods, res->nmods, sizeof(*res->mods), cmp_module);
	apply_module_rules(res, &host);
	module_integrity_findings(res);
	if (res->nfindings > 1)
		qsort(res->findings, res->nfindings, sizeof(*res->findings), cmp_finding);
	findings_group(res, root);
}

static int common_setup(struct scan_ctx *ctx, const struct scan_options *opt,
			struct scan_result *res, char **err)
{
	memset(res, 0, sizeof(*res));
	memset(ctx, 0, sizeof(*ctx));
	ctx->res = res;
	ctx->root.fd = -1;	/* inspect opens no root: root_fini must not close stdin */
	ctx->stdin_fd = -1;
	clock_gettime(CLOCK_REALTIME, &res->started);
	clock_gettime(CLOCK_MONOTONIC, &ctx->mono_start);
	for (size_t i = 0; opt->argv && opt->argv[i]; i++)
		sl_push(&res->argv, xstrdup(opt->argv[i]));
	pthread_mutex_init(&ctx->lock, NULL);
	crypto_init();
	elfmod_init();
	if (scan_load_rules(&res->rules, &opt->rules, &opt->rules_add, &res->rules_sha256, err))
		return -1;
	add_cov(res, "rules", COV_OK,
		xasprintf("%zu rules from %s, sha256 %s", res->rules.n,
			  opt->rules.n ? "--rules" : opt->rules_add.n ? "the built-in set and --rules-add" :
					 "the built-in set",
			  res->rules_sha256));
	trust_load_pinned(res);
	return trust_load_operator(res, &opt->certs, err);
}

/* The end of a run: the only members of a report that differ between two runs. */
static void run_end(struct scan_ctx *ctx)
{
	struct timespec now;
	int64_t ms;

	clock_gettime(CLOCK_REALTIME, &ctx->res->finished);
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (int64_t)(now.tv_sec - ctx->mono_start.tv_sec) * 1000 +
	     (now.tv_nsec - ctx->mono_start.tv_nsec) / 1000000;
	ctx->res->duration_ms = ms > 0 ? (uint64_t)ms : 0;
}

static void ctx_free(struct scan_ctx *ctx)
{
	sl_free(&ctx->files.shown);
	sl_free(&ctx->files.open_paths);
	sl_free(&ctx->files.releases_of);
	pthread_mutex_destroy(&ctx->lock);
	root_fini(&ctx->root);
	if (ctx->stdin_fd >= 0)
		close(ctx->stdin_fd);
}

int scan_run(const struct scan_options *opt, struct scan_result *res, char **err)
{
	struct strlist releases = { 0 }, release_dirs = { 0 };
	struct kernel_job kjob;
	struct scan_ctx ctx;
	int r;

	if (common_setup(&ctx, opt, res, err)) {
		ctx_free(&ctx);
		return -1;
	}
	res->offline = opt->root != NULL;
	r = root_init(&ctx.root, opt->root ? opt->root : "/", res->offline);
	if (r) {
		*err = xasprintf("cannot open root %s: %s", opt->root ? opt->root : "/", strerror(-r));
		ctx_free(&ctx);
		return -1;
	}
	if (res->offline && !check_root_holds_system(&ctx.root)) {
		*err = xasprintf("--root %s holds no operating system: no etc/os-release, usr, "
				 "lib/modules, boot, EFI or Windows directory (is the image mounted?)",
				 opt->root);
		ctx_free(&ctx);
		return -1;
	}
	if (check_named_dirs(&ctx.root, opt, err)) {
		ctx_free(&ctx);
		return -1;
	}
	res->root = xstrdup(ctx.root.path);
	if (!res->offline)
		check_live_mounts(&ctx.root, res);
	kernel_job_start(&kjob, &ctx);
	kernel_read_host(&ctx.root, res);
	kernel_read_running(&ctx.root, res);
	modfiles_find(&ctx.root, res, &releases, &release_dirs, &ctx.files);
	dkms_built_modules(&ctx.root, &ctx.files.shown, &ctx.files.open_paths,
			   &ctx.files.releases_of);
	inspect_all(&ctx, opt->jobs, &kjob);
	join_loaded(&ctx, &releases, &release_dirs);
	scan_builtin(&ctx, &releases, &release_dirs);
	/* after the loaded modules are joined to files: none is an initramfs member */
	initrd_scan(&ctx.root, res);
	scan_configured(&ctx.root, res, &release_dirs);
	scan_hidden(&ctx.root, res);
	scan_boot(&ctx.root, &opt->windows, res);
	scan_userland(&ctx.root, opt, res);
	finish(res, &ctx.root);
	/* the key databases served the verdicts; the report does not show them */
	boot_keys_free(res->boot_keys);
	res->boot_keys = NULL;
	run_end(&ctx);
	sl_free(&releases);
	sl_free(&release_dirs);
	ctx_free(&ctx);
	return 0;
}

int scan_inspect_files(const struct scan_options *opt, char **files, size_t nfiles,
		       struct scan_result *res, char **err)
{
	struct scan_ctx ctx;
	bool want_stdin;

	if (common_setup(&ctx, opt, res, err)) {
		ctx_free(&ctx);
		return -1;
	}
	ctx.host_files = true;
	if (check_inputs(files, nfiles, &want_stdin, err) ||
	    (want_stdin && (ctx.stdin_fd = stdin_to_memory(err)) < 0)) {
		ctx_free(&ctx);
		return -1;
	}
	for (size_t i = 0; i < nfiles; i++) {
		const char *shown = strcmp(files[i], "-") ? files[i] : STDIN_NAME;
		uint8_t *buf;
		size_t len;

		/* PE images (EFI binaries, drivers, signed kernels) go their own way */
		if (read_input(&ctx, shown, PE_FILE_CAP, &buf, &len) == 0) {
			bool is_pe = len >= 2 && buf[0] == 'M' && buf[1] == 'Z';

			bool done = is_pe || boot_inspect_other(res, shown, buf, len);

			if (is_pe)
				boot_inspect_pe(res, shown, buf, len);
			free(buf);
			if (done)
				continue;
		}
		sl_push(&ctx.files.shown, xstrdup(shown));
		sl_push(&ctx.files.open_paths, xstrdup(shown));
		sl_push(&ctx.files.releases_of, xstrdup(""));
	}
	inspect_all(&ctx, opt->jobs, NULL);
	scan_trusted_certs(res, NULL);
	finish(res, NULL);
	run_end(&ctx);
	ctx_free(&ctx);
	return 0;
}
