// SPDX-License-Identifier: GPL-2.0-or-later
/* main.c - command line: parse options, run a scan or an inspection, write the report. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/output.h"
#include "report/report.h"
#include "scan/scan.h"
#include "core/util.h"

#define EXIT_FINDINGS 1
#define EXIT_ERROR 2

static void usage(FILE *out)
{
	fputs("Usage:\n"
	      " kdetect scan [options]\n"
	      " kdetect inspect [options] FILE...\n"
	      " kdetect rules check [options] [FILE|DIR...]\n"
	      "\n"
	      "Find Kaspersky code with kernel privileges and verify module signatures.\n"
	      "inspect takes kernel modules (.ko, .ko.xz, .ko.zst, .ko.gz), EFI binaries,\n"
	      "Windows drivers, certificates (DER or PEM) and raw efivarfs files; - reads\n"
	      "one file from standard input. Options may follow the command and its files.\n"
	      "\n"
	      "Options:\n"
	      " -r, --root DIR        inspect an offline root; every path resolves inside DIR\n"
	      " -f, --format FMT      report format: text (default) or json\n"
	      " -o, --output FILE     write the report to FILE (- for standard output), replacing\n"
	      "                       it only when the report is complete; always written,\n"
	      "                       also with --quiet\n"
	      " -c, --cert FILE|DIR   add certificates (DER or PEM) to identify and verify signers;\n"
	      "                       they are not thereby trusted by the kernel (repeatable)\n"
	      " -j, --jobs N          worker threads for module files, 1 to 64 (default: the\n"
	      "                       number of CPUs); at most 8 run at once; above 1, the\n"
	      "                       file walk reads files in a second thread too\n"
	      " -p, --path DIR        also walk DIR (inside the root) for the file rules (repeatable)\n"
	      "     --rules FILE|DIR  use these rules instead of the built-in set (repeatable)\n"
	      "     --rules-add FILE|DIR  use these rules as well as the built-in set (repeatable)\n"
	      "     --windows DIR     a mounted Windows installation (inside the root) whose\n"
	      "                       drivers, catalogs and registry to inspect; found by\n"
	      "                       itself under --root (repeatable)\n"
	      " -q, --quiet           print nothing on standard output when the exit status is 0\n"
	      " -h, --help            display this help\n"
	      " -V, --version         display version\n"
	      "\n"
	      "rules check validates each FILE (or the rules in use, without one) and reports\n"
	      "each file's first error as FILE:LINE:COL: message.\n"
	      "\n"
	      "Exit status: 0 nothing found, 1 findings, 2 error, 3 nothing found but incomplete.\n"
	      "See kdetect(8).\n",
	      out);
}

enum {
	OPT_RULES = CHAR_MAX + 1,
	OPT_RULES_ADD,
	OPT_WINDOWS,
};

static const struct option longopts[] = {
	{ "root", required_argument, NULL, 'r' },
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "cert", required_argument, NULL, 'c' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "path", required_argument, NULL, 'p' },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "rules-add", required_argument, NULL, OPT_RULES_ADD },
	{ "windows", required_argument, NULL, OPT_WINDOWS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct cli {
	struct scan_options opt;
	enum report_format fmt;
	const char *output;
	bool quiet;
};

/*
 * Parse options up to the first non-option (the command), or all of them after
 * it. Returns -1 to go on, or the exit status to stop with.
 */
static int parse_options(int argc, char **argv, const char *optstring, struct cli *cli)
{
	int c;

	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		char *end;
		long n;

		switch (c) {
		case 'r':
			cli->opt.root = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				fprintf(stderr, "kdetect: unknown format '%s' (text or json)\n", optarg);
				return EXIT_ERROR;
			}
			cli->fmt = strcmp(optarg, "json") == 0 ? FORMAT_JSON : FORMAT_TEXT;
			break;
		case 'o':
			cli->output = optarg;
			break;
		case 'c':
			sl_push(&cli->opt.certs, xstrdup(optarg));
			break;
		case 'p':
			sl_push(&cli->opt.paths, xstrdup(optarg));
			break;
		case OPT_RULES:
			sl_push(&cli->opt.rules, xstrdup(optarg));
			break;
		case OPT_RULES_ADD:
			sl_push(&cli->opt.rules_add, xstrdup(optarg));
			break;
		case OPT_WINDOWS:
			sl_push(&cli->opt.windows, xstrdup(optarg));
			break;
		case 'j':
			n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 64) {
				fprintf(stderr, "kdetect: --jobs takes a number from 1 to 64\n");
				return EXIT_ERROR;
			}
			cli->opt.jobs = (int)n;
			break;
		case 'q':
			cli->quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("kdetect %s (%s build)\n", KDETECT_VERSION, KD_BUILD);
			return 0;
		default:
			fputs("Try 'kdetect --help' for more information.\n", stderr);
			return EXIT_ERROR;
		}
	}
	return -1;
}

/*
 * The options and operands after the command. GNU getopt keeps the ordering
 * mode of its first initialisation ("+": stop at the first operand), so the
 * rest is parsed as a fresh argument vector, which it permutes: options may
 * follow operands ("inspect x.ko -f json"), and "--" ends them.
 */
static int parse_after_command(int argc, char **argv, const char *prog, struct cli *cli,
			       struct strlist *operands)
{
	char **sub = xcalloc((size_t)argc + 2, sizeof(*sub));
	int r;

	sub[0] = (char *)prog;
	for (int i = 0; i < argc; i++)
		sub[i + 1] = argv[i];
	optind = 0;	/* full reinitialisation, in GNU's permuting mode */
	r = parse_options(argc + 1, sub, "r:f:o:c:j:p:qhV", cli);
	if (r < 0)
		for (int i = optind; i < argc + 1; i++)
			sl_push(operands, xstrdup(sub[i]));
	free(sub);
	return r;
}

/* A report written into the inspected root would change what we inspect. */
static bool inside_root(const char *output, const char *root)
{
	char *o, *r, *dir, *slash;
	bool inside;

	r = realpath(root, NULL);
	dir = xstrdup(output);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	o = realpath(slash ? dir : ".", NULL);
	inside = r && o && strncmp(o, r, strlen(r)) == 0 &&
		 (o[strlen(r)] == '\0' || o[strlen(r)] == '/' || strcmp(r, "/") == 0);
	free(r);
	free(o);
	free(dir);
	return inside;
}

/*
 * kdetect rules check [FILE|DIR...]: each file on its own first, so that every
 * file's first error is reported, then all together (ids must be unique across
 * them). Without files: the rules in use, with --rules and --rules-add applied.
 */
static int rules_command(const struct strlist *args, struct cli *cli)
{
	struct ruleset rs = { 0 };
	struct strlist files = { 0 }, none = { 0 };
	char *err = NULL, *sha = NULL;
	bool failed = false;
	int r;

	if (args->n < 1 || strcmp(args->v[0], "check") != 0) {
		fprintf(stderr, "kdetect: usage: kdetect rules check [FILE|DIR...]\n");
		return EXIT_ERROR;
	}
	for (size_t i = 1; i < args->n; i++) {
		struct ruleset one = { 0 };
		struct strlist single = { 0 };

		sl_push(&single, xstrdup(args->v[i]));
		if (scan_load_rules(&one, &single, &none, NULL, &err)) {
			fprintf(stderr, "kdetect: %s\n", err);
			free(err);
			err = NULL;
			failed = true;
		}
		ruleset_free(&one);
		sl_free(&single);
		sl_push(&files, xstrdup(args->v[i]));
	}
	if (failed) {
		sl_free(&files);
		return EXIT_ERROR;
	}
	r = files.n ? scan_load_rules(&rs, &files, &cli->opt.rules_add, &sha, &err) :
		      scan_load_rules(&rs, &cli->opt.rules, &cli->opt.rules_add, &sha, &err);
	if (r) {
		fprintf(stderr, "kdetect: %s\n", err);
		free(err);
	} else if (!cli->quiet) {
		printf("%zu rules in %zu file%s, sha256 %s\n", rs.n, rs.sources.n,
		       rs.sources.n == 1 ? "" : "s", sha);
		for (size_t i = 0; i < rs.sources.n; i++)
			printf("  %s\n", rs.sources.v[i]);
	}
	free(sha);
	ruleset_free(&rs);
	sl_free(&files);
	return r ? EXIT_ERROR : 0;
}

static void cli_free(struct cli *cli)
{
	sl_free(&cli->opt.certs);
	sl_free(&cli->opt.rules);
	sl_free(&cli->opt.rules_add);
	sl_free(&cli->opt.paths);
	sl_free(&cli->opt.windows);
}

/*
 * The result of a run that succeeded stays until the process exits: freeing
 * its hundreds of thousands of allocations one by one (most made by the worker
 * threads, in their own arenas) took a quarter of the time after the scan, for
 * memory the exit gives back at once. It is static so that leak checkers see
 * it reachable.
 */
static struct scan_result res;

/* Run the scan or inspection; the report goes to out. Returns the exit status. */
static int run(const char *cmd, const struct strlist *operands, struct cli *cli,
	       struct report_output *out)
{
	char *err = NULL;
	int status, r;

	if (strcmp(cmd, "scan") == 0) {
		if (operands->n) {
			fprintf(stderr, "kdetect: scan takes no file arguments ('%s'; use inspect)\n",
				operands->v[0]);
			return EXIT_ERROR;
		}
		r = scan_run(&cli->opt, &res, &err);
	} else {
		r = scan_inspect_files(&cli->opt, operands->v, operands->n, &res, &err);
	}
	if (r) {
		fprintf(stderr, "kdetect: %s\n", err);
		free(err);
		scan_result_free(&res);
		return EXIT_ERROR;
	}
	status = scan_exit_status(&res);
	/* --quiet keeps a clean run off the terminal (cron mails it); a report file is always written */
	if (!cli->quiet || status != 0 || out->path)
		report_write(out->f, &res, cli->fmt, status);
	if (output_commit(out, &err)) {
		fprintf(stderr, "kdetect: %s\n", err);
		free(err);
		return EXIT_ERROR;
	}
	return status;
}

int main(int argc, char **argv)
{
	struct cli cli = { .fmt = FORMAT_TEXT };
	struct strlist operands = { 0 };
	struct report_output out;
	const char *cmd;
	char *err = NULL;
	int status, r;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	cli.opt.jobs = cpus > 0 ? (int)cpus : 1;
	cli.opt.argv = argv;
	/*
	 * Module and kernel buffers come and go by the thousand; a fixed mmap
	 * threshold hands each one back when freed instead of letting glibc's
	 * per-thread arenas keep their high-water mark.
	 */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	/* options may stand before the command ... */
	if ((r = parse_options(argc, argv, "+r:f:o:c:j:p:qhV", &cli)) >= 0)
		goto done;
	if (optind >= argc) {
		usage(stderr);
		r = EXIT_ERROR;
		goto done;
	}
	cmd = argv[optind];
	/* ... and after it, among its operands */
	if ((r = parse_after_command(argc - optind - 1, argv + optind + 1, argv[0], &cli,
				     &operands)) >= 0)
		goto done;
	r = EXIT_ERROR;
	if (strcmp(cmd, "rules") == 0) {
		r = rules_command(&operands, &cli);
		goto done;
	}
	if (strcmp(cmd, "scan") && strcmp(cmd, "inspect")) {
		fprintf(stderr, "kdetect: unknown command '%s' (scan, inspect or rules)\n", cmd);
		goto done;
	}
	if (strcmp(cmd, "inspect") == 0 && (!operands.n || cli.opt.root)) {
		fprintf(stderr, "kdetect: inspect takes FILE... and no --root\n");
		goto done;
	}
	if (cli.output && strcmp(cli.output, "-") && cli.opt.root &&
	    inside_root(cli.output, cli.opt.root)) {
		fprintf(stderr, "kdetect: --output %s must not be inside the inspected root %s\n",
			cli.output, cli.opt.root);
		goto done;
	}
	/* before the scan: an unwritable target must fail now, not after minutes of work */
	if (output_open(&out, cli.output, &err)) {
		fprintf(stderr, "kdetect: %s\n", err);
		free(err);
		goto done;
	}
	status = run(cmd, &operands, &cli, &out);
	if (status == EXIT_ERROR)
		output_abort(&out);
	r = status;
done:
	cli_free(&cli);
	sl_free(&operands);
	return r;
}
