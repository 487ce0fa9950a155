// SPDX-License-Identifier: Apache-2.0
// The OCI runtime commands, spelled as runc spells them: create, start,
// state, kill, delete, list. Option parsing only; the work is in oci/.
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "net/network.h"
#include "oci/container.h"
#include "oci/exec.h"
#include "oci/ps.h"
#include "util/log.h"

int cli_next_option(const char *cmd, int argc, char **argv, const char *shorts, const struct option *longs)
{
	opterr = 0;
	int c = getopt_long(argc, argv, shorts, longs, NULL);
	if (c == '?') {
		if (optopt)
			log_error("%s: unknown or incomplete option '-%c' (see 'airlock %s --help')", cmd, optopt, cmd);
		else
			log_error("%s: unknown option '%s' (see 'airlock %s --help')", cmd, argv[optind - 1], cmd);
	}
	return c;
}

/* The one container id a command takes. */
static const char *container_id(const char *cmd, int argc, char **argv)
{
	if (optind != argc - 1) {
		log_error("%s: expects exactly one container id (see 'airlock %s --help')", cmd, cmd);
		return NULL;
	}
	return argv[optind];
}

/* What run adds to create's options. */
struct run_flags {
	bool detach, keep;
};

/*
 * create's options, and with run (non-NULL) run's too. 0, or the exit
 * status to return at once (after --help, or an error).
 */
static int parse_create(const char *cmd, const struct cli_globals *gl, int argc, char **argv,
			struct oci_create_options *o, struct run_flags *run, bool *done)
{
	static const struct option longs[] = {
		{"bundle", required_argument, NULL, 'b'}, {"pid-file", required_argument, NULL, 'p'},
		{"console-socket", required_argument, NULL, 'c'}, {"no-pivot", no_argument, NULL, 'n'},
		{"no-new-keyring", no_argument, NULL, 'k'}, {"preserve-fds", required_argument, NULL, 'f'},
		{"detach", no_argument, NULL, 'd'}, {"keep", no_argument, NULL, 'K'},
		{"no-subreaper", no_argument, NULL, 'S'}, {"help", no_argument, NULL, 'h'}, {0},
	};
	*o = (struct oci_create_options){.root = gl->root, .bundle = ".", .systemd_cgroup = gl->systemd_cgroup};
	*done = true;
	for (int c; (c = cli_next_option(cmd, argc, argv, run ? "+b:dh" : "+b:h", longs)) != -1;) {
		if (!run && (c == 'd' || c == 'K' || c == 'S')) {
			log_error("%s: unknown option '%s' (see 'airlock %s --help')", cmd, argv[optind - 1], cmd);
			return EXIT_AIRLOCK_FAILED;
		}
		switch (c) {
		case 'b': o->bundle = optarg; break;
		case 'p': o->pid_file = optarg; break;
		case 'c': o->console_socket = optarg; break;
		case 'f':
			if (strcmp(optarg, "0")) {
				log_error("%s: --preserve-fds: passing extra descriptors is not supported yet", cmd);
				return EXIT_AIRLOCK_FAILED;
			}
			break;
		case 'n': case 'k': break; /* no pivot_root and no keyring either way */
		case 'S': break;           /* run reaps the container itself either way */
		case 'd': run->detach = true; break;
		case 'K': run->keep = true; break;
		case 'h':
			printf("Usage: airlock %s [--bundle DIR] [--pid-file FILE] [--console-socket SOCKET]%s ID\n", cmd,
			       run ? " [--detach] [--keep]" : "");
			return 0;
		default: return EXIT_AIRLOCK_FAILED;
		}
	}
	if (!(o->id = container_id(cmd, argc, argv)))
		return EXIT_AIRLOCK_FAILED;
	*done = false;
	return 0;
}

int cli_create(const struct cli_globals *gl, int argc, char **argv)
{
	struct oci_create_options o;
	bool done;
	int status = parse_create("create", gl, argc, argv, &o, NULL, &done);
	return done ? status : oci_create(&o);
}

int cli_oci_run(const struct cli_globals *gl, int argc, char **argv)
{
	struct oci_create_options o;
	struct run_flags run = {0};
	bool done;
	int status = parse_create("run", gl, argc, argv, &o, &run, &done);
	return done ? status : oci_run(&o, run.detach, run.keep);
}

bool cli_is_oci_run(int argc, char **argv)
{
	/* runc's run names a bundle; the other run takes a root filesystem. Options before the first operand. */
	for (int i = 1; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-b") || !strcmp(argv[i], "--bundle") || !strncmp(argv[i], "--bundle=", 9))
			return true;
		if (!strcmp(argv[i], "--pid-file") || !strcmp(argv[i], "--console-socket") ||
		    !strcmp(argv[i], "--preserve-fds"))
			i++; /* its value */
	}
	return false;
}

int cli_start(const struct cli_globals *gl, int argc, char **argv)
{
	static const struct option longs[] = {{"help", no_argument, NULL, 'h'}, {0}};
	for (int c; (c = cli_next_option("start", argc, argv, "+h", longs)) != -1;) {
		if (c != 'h')
			return EXIT_AIRLOCK_FAILED;
		puts("Usage: airlock start ID");
		return 0;
	}
	const char *id = container_id("start", argc, argv);
	return id ? oci_start(gl->root, id) : EXIT_AIRLOCK_FAILED;
}

int cli_state(const struct cli_globals *gl, int argc, char **argv)
{
	static const struct option longs[] = {{"help", no_argument, NULL, 'h'}, {0}};
	for (int c; (c = cli_next_option("state", argc, argv, "+h", longs)) != -1;) {
		if (c != 'h')
			return EXIT_AIRLOCK_FAILED;
		puts("Usage: airlock state ID");
		return 0;
	}
	const char *id = container_id("state", argc, argv);
	return id ? oci_print_state(gl->root, id) : EXIT_AIRLOCK_FAILED;
}

/* A signal by number, or by name with or without SIG. */
static int parse_signal(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*s && !*end)
		return n > 0 && n < NSIG ? (int)n : -1;
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (int sig = 1; sig < NSIG; sig++) {
		const char *name = sigabbrev_np(sig);
		if (name && !strcasecmp(name, s))
			return sig;
	}
	return -1;
}

int cli_kill(const struct cli_globals *gl, int argc, char **argv)
{
	static const struct option longs[] = {{"all", no_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'}, {0}};
	bool all = false;
	for (int c; (c = cli_next_option("kill", argc, argv, "+ah", longs)) != -1;) {
		if (c == 'a') {
			all = true;
			continue;
		}
		if (c == 'h')
			puts("Usage: airlock kill [--all] ID [SIGNAL]");
		return c == 'h' ? 0 : EXIT_AIRLOCK_FAILED;
	}
	if (optind >= argc || argc - optind > 2) {
		log_error("kill: expects a container id and an optional signal (see 'airlock kill --help')");
		return EXIT_AIRLOCK_FAILED;
	}
	int sig = optind + 1 < argc ? parse_signal(argv[optind + 1]) : SIGTERM;
	if (sig < 0) {
		log_error("kill: unknown signal \"%s\"", argv[optind + 1]);
		return EXIT_AIRLOCK_FAILED;
	}
	int status = oci_kill(gl->root, argv[optind], sig, all);
	/* As docker's kill: a container killed for good leaves the default network (its namespace and
	 * veth went with it; its address and published ports go here). */
	if (!status && sig == SIGKILL && network_holds(gl->root, argv[optind]) &&
	    cli_wait_stopped(gl->root, argv[optind], 5000))
		network_detach(gl->root, argv[optind]);
	return status;
}

int cli_delete(const struct cli_globals *gl, int argc, char **argv)
{
	static const struct option longs[] = {{"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0}};
	bool force = false;
	for (int c; (c = cli_next_option("delete", argc, argv, "+fh", longs)) != -1;) {
		if (c == 'f') {
			force = true;
			continue;
		}
		if (c == 'h')
			puts("Usage: airlock delete [--force] ID");
		return c == 'h' ? 0 : EXIT_AIRLOCK_FAILED;
	}
	const char *id = container_id("delete", argc, argv);
	return id ? oci_delete(gl->root, id, force) : EXIT_AIRLOCK_FAILED;
}

int cli_list(const struct cli_globals *gl, int argc, char **argv)
{
	static const struct option longs[] = {
		{"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0},
	};
	bool json = false;
	for (int c; (c = cli_next_option("list", argc, argv, "+f:h", longs)) != -1;) {
		if (c == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table"))) {
			json = !strcmp(optarg, "json");
			continue;
		}
		if (c == 'f')
			log_error("list: --format must be table or json");
		if (c == 'h')
			puts("Usage: airlock list [--format table|json]");
		return c == 'h' ? 0 : EXIT_AIRLOCK_FAILED;
	}
	return oci_list(gl->root, json);
}

/* uid[:gid] as numbers. */
static int parse_user(const char *spec, struct oci_exec_options *o)
{
	char *end;
	unsigned long uid = strtoul(spec, &end, 10), gid = 0;
	if (end == spec || (*end && *end != ':'))
		return -1;
	if (*end == ':') {
		const char *g = end + 1;
		gid = strtoul(g, &end, 10);
		if (end == g || *end)
			return -1;
	}
	o->has_user = true;
	o->uid = (uid_t)uid;
	o->gid = (gid_t)gid;
	return 0;
}

int cli_exec(const struct cli_globals *gl, int argc, char **argv)
{
	static const struct option longs[] = {
		{"process", required_argument, NULL, 'p'}, {"env", required_argument, NULL, 'e'},
		{"cwd", required_argument, NULL, 'w'}, {"user", required_argument, NULL, 'u'},
		{"detach", no_argument, NULL, 'd'}, {"pid-file", required_argument, NULL, 'P'},
		{"tty", no_argument, NULL, 't'}, {"console-socket", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'}, {0},
	};
	struct oci_exec_options o = {0};
	char **env = calloc((size_t)argc + 1, sizeof(char *));
	size_t nenv = 0;
	if (!env)
		return EXIT_AIRLOCK_FAILED;
	for (int c; (c = cli_next_option("exec", argc, argv, "+p:e:u:dth", longs)) != -1;) {
		switch (c) {
		case 'p': o.process_json = optarg; break;
		case 'e': env[nenv++] = optarg; break;
		case 'w': o.cwd = optarg; break;
		case 'd': o.detach = true; break;
		case 'P': o.pid_file = optarg; break;
		case 'u':
			if (parse_user(optarg, &o) < 0) {
				log_error("exec: --user must be UID[:GID], not \"%s\"", optarg);
				return EXIT_AIRLOCK_FAILED;
			}
			break;
		case 't': break; /* without a console socket, the terminal is the caller's own stdio */
		case 'c': o.console_socket = optarg; break;
		case 'h':
			puts("Usage: airlock exec [-p process.json] [-e K=V] [--cwd DIR] [-u UID[:GID]] [-t] [--console-socket SOCK]\n"
			     "                   [-d] [--pid-file FILE] ID [CMD [ARG...]]");
			return 0;
		default: return EXIT_AIRLOCK_FAILED;
		}
	}
	if (optind >= argc) {
		log_error("exec: expects a container id (see 'airlock exec --help')");
		return EXIT_AIRLOCK_FAILED;
	}
	const char *id = argv[optind++];
	if (optind == argc && !o.process_json) {
		log_error("exec: give a command or --process (see 'airlock exec --help')");
		return EXIT_AIRLOCK_FAILED;
	}
	o.args = argv + optind;
	o.env = env;
	return oci_exec(gl->root, id, &o);
}

int cli_ps(const struct cli_globals *gl, int argc, char **argv)
{
	static const struct option longs[] = {{"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0}};
	bool json = false;
	for (int c; (c = cli_next_option("ps", argc, argv, "+f:h", longs)) != -1;) {
		if (c == 'f' && (!strcmp(optarg, "json") || !strcmp(optarg, "table"))) {
			json = !strcmp(optarg, "json");
			continue;
		}
		if (c == 'f')
			log_error("ps: --format must be table or json");
		if (c == 'h')
			puts("Usage: airlock ps [--format table|json] ID [PS OPTIONS...]");
		return c == 'h' ? 0 : EXIT_AIRLOCK_FAILED;
	}
	if (optind >= argc) {
		log_error("ps: expects a container id (see 'airlock ps --help')");
		return EXIT_AIRLOCK_FAILED;
	}
	return oci_ps(gl->root, argv[optind], json, argv + optind + 1);
}
