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

#include "report.h"
#include "scan.h"
#include "util.h"

#define EXIT_FINDINGS 1
#define EXIT_ERROR 2

static void usage(FILE *out)
{
	fputs("Usage:\n"
	      " kdetect scan [options]\n"
	      " kdetect inspect [options] FILE...\n"
	      " kdetect rules check [FILE|DIR...]\n"
	      "\n"
	      "Find Kaspersky code with kernel privileges and verify module signatures.\n"
	      "\n"
	      "Options:\n"
	      " -r, --root DIR        inspect an offline root; every path resolves inside DIR\n"
	      " -f, --format FMT      report format: text (default) or json\n"
	      " -o, --output FILE     write the report to FILE instead of standard output\n"
	      " -c, --cert FILE|DIR   add certificates (DER or PEM) to identify and verify signers;\n"
	      "                       they are not thereby trusted by the kernel (repeatable)\n"
	      " -j, --jobs N          worker threads for module files (default: CPUs, max 8)\n"
	      " -p, --path DIR        also walk DIR (inside the root) for the file rules (repeatable)\n"
	      "     --rules FILE|DIR  use these rules instead of the built-in set (repeatable)\n"
	      "     --rules-add FILE|DIR  use these rules as well as the built-in set (repeatable)\n"
	      "     --windows DIR     a mounted Windows installation (inside the root) whose\n"
	      "                       drivers and catalogs to inspect; found by itself under\n"
	      "                       --root (repeatable)\n"
	      " -q, --quiet           print nothing when the exit status is 0\n"
	      " -h, --help            display this help\n"
	      " -V, --version         display version\n"
	      "\n"
	      "Exit status: 0 nothing found, 1 findings, 2 error, 3 nothing found but incomplete.\n"
	      "See kdetect(8).\n",
	      out);
}

static int open_output(const char *path)
{
	/* a report file is ours to write; never follow a symlink planted where it goes */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0)
		fprintf(stderr, "kdetect: cannot write %s: %s\n", path, strerror(errno));
	return fd;
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

/* kdetect rules check [FILE|DIR...]: parse, count, report the first error. */
static int rules_command(int argc, char **argv, struct cli *cli)
{
	struct ruleset rs = { 0 };
	struct strlist files = { 0 };
	char *err = NULL, *sha = NULL;
	int r;

	if (argc < 1 || strcmp(argv[0], "check") != 0) {
		fprintf(stderr, "kdetect: usage: kdetect rules check [FILE|DIR...]\n");
		return EXIT_ERROR;
	}
	for (int i = 1; i < argc; i++)
		sl_push(&files, xstrdup(argv[i]));
	/* without files: the rules this binary carries, with --rules and --rules-add applied */
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

int main(int argc, char **argv)
{
	struct cli cli = { .fmt = FORMAT_TEXT };
	struct scan_result res;
	const char *cmd;
	char *err = NULL;
	FILE *out = stdout;
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
		return r;
	if (optind >= argc) {
		usage(stderr);
		return EXIT_ERROR;
	}
	cmd = argv[optind++];
	/* ... and after it */
	if ((r = parse_options(argc, argv, "r:f:o:c:j:p:qhV", &cli)) >= 0)
		return r;
	if (cli.output && cli.opt.root && inside_root(cli.output, cli.opt.root)) {
		fprintf(stderr, "kdetect: --output must not be inside the inspected root\n");
		return EXIT_ERROR;
	}
	if (strcmp(cmd, "rules") == 0)
		return rules_command(argc - optind, argv + optind, &cli);
	if (strcmp(cmd, "scan") == 0) {
		if (optind < argc) {
			fprintf(stderr, "kdetect: scan takes no file arguments (use inspect)\n");
			return EXIT_ERROR;
		}
		r = scan_run(&cli.opt, &res, &err);
	} else if (strcmp(cmd, "inspect") == 0) {
		if (optind >= argc || cli.opt.root) {
			fprintf(stderr, "kdetect: inspect takes FILE... and no --root\n");
			return EXIT_ERROR;
		}
		r = scan_inspect_files(&cli.opt, argv + optind, (size_t)(argc - optind), &res, &err);
	} else {
		fprintf(stderr, "kdetect: unknown command '%s' (scan, inspect or rules)\n", cmd);
		return EXIT_ERROR;
	}
	sl_free(&cli.opt.certs);
	sl_free(&cli.opt.rules);
	sl_free(&cli.opt.rules_add);
	sl_free(&cli.opt.paths);
	sl_free(&cli.opt.windows);
	if (r) {
		fprintf(stderr, "kdetect: %s\n", err);
		free(err);
		scan_result_free(&res);
		return EXIT_ERROR;
	}
	status = scan_exit_status(&res);
	if (cli.output) {
		int fd = open_output(cli.output);

		if (fd < 0 || !(out = fdopen(fd, "w"))) {
			scan_result_free(&res);
			return EXIT_ERROR;
		}
	}
	if (!cli.quiet || status != 0)
		report_write(out, &res, cli.fmt, status);
	scan_result_free(&res);
	if (fflush(out) || ferror(out) || (out != stdout && fclose(out))) {
		fprintf(stderr, "kdetect: error writing the report\n");
		return EXIT_ERROR;
	}
	return status;
}
