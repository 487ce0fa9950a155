// SPDX-License-Identifier: Apache-2.0
// `airlock run`: a program in a new microVM, from an image in the store (or
// an image file) or from a root filesystem directory. Option parsing and the
// image's defaults; the work is in monitor/launch.c.
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/run_isolated.h"
#include "cli/user.h"
#include "image/container_root.h"
#include "image/image.h"
#include "image/load.h"
#include "image/store.h"
#include "monitor/launch.h"
#include "util/log.h"
#include "util/tree.h"

static void usage(FILE *out)
{
	fputs("Usage: airlock run [OPTIONS] IMAGE [COMMAND [ARG...]]\n"
	      "       airlock run --rootfs DIR [OPTIONS] [--] PROGRAM [ARG...]\n"
	      "\n"
	      "IMAGE is a name in the image store (see 'airlock images'), an image id, or a\n"
	      "file: oci-archive:PATH, docker-archive:PATH, oci:DIR (or a path with a '/').\n"
	      "\n"
	      "Options:\n"
	      "  --rootfs DIR        run from a root filesystem directory instead of an image\n"
	      "  -e, --env K=V       set an environment variable (K alone copies it from here)\n"
	      "  --env-file FILE     read K=V lines from FILE\n"
	      "  -w, --workdir DIR   working directory inside the container\n"
	      "  --entrypoint PROG   run PROG instead of the image's entrypoint\n"
	      "  -u, --user U[:G]    user (and group), by id or by name in the image\n"
	      "  -i, --interactive   keep stdin attached (an image's run gets none otherwise)\n"
	      "  -t, --tty           the program gets the caller's terminal (stdin must be one)\n"
	      "  --rm                remove the container when it exits (done unless -d)\n"
	      "  -d, --detach        run in the background, output to its log ('airlock logs');\n"
	      "                      'airlock ps', 'stop', 'rm' manage it\n"
	      "  --name NAME         the container's name (its id in 'airlock list')\n"
	      "  --hostname NAME     the container's host name\n"
	      "  -m, --memory SIZE   memory limit (like 64m); past it the container is killed\n"
	      "  --cpus N            CPU time limit, in CPUs (like 0.5)\n"
	      "  --pids-limit N      at most N processes and threads\n"
	      "  -v, --volume /HOST:/CTR[:ro]  bind a host directory or file\n"
	      "  --tmpfs /CTR        a tmpfs at /CTR\n"
	      "  --read-only         the root filesystem read-only\n"
	      "  --network MODE      host: the host's network (the default, unless -p)\n"
	      "                      none: a network namespace with only loopback\n"
	      "                      default (or bridge): an address on airlock's bridge, NAT outside\n"
	      "                      slirp4netns: a user-mode network through slirp4netns(1), for rootless use\n"
	      "  -p, --publish [[IP:]HOST:]CTR[/udp]  forward a host port (on every address, or IP) to the container's port\n"
	      "  --strace            trace the guest's system calls to stderr\n"
	      "  -h, --help          show this help\n",
	      out);
}

struct env {
	char **v;
	int n, cap;
};

/* Adds K=V, replacing an earlier K; "K" alone takes the caller's value, if any. */
static int env_add(struct env *env, const char *spec)
{
	char *entry;
	if (strchr(spec, '=')) {
		entry = strdup(spec);
	} else {
		const char *value = getenv(spec);
		if (!value)
			return 0;
		if (asprintf(&entry, "%s=%s", spec, value) < 0)
			entry = NULL;
	}
	if (!entry)
		return -1;
	size_t key = (size_t)(strchr(entry, '=') - entry);
	for (int i = 0; i < env->n; i++) {
		if (!strncmp(env->v[i], entry, key + 1)) {
			free(env->v[i]);
			env->v[i] = entry;
			return 0;
		}
	}
	if (env->n + 2 > env->cap) {
		int cap = env->cap ? 2 * env->cap : 32;
		char **grown = realloc(env->v, (size_t)cap * sizeof(char *));
		if (!grown)
			return -1;
		env->v = grown;
		env->cap = cap;
	}
	env->v[env->n++] = entry;
	env->v[env->n] = NULL;
	return 0;
}

/* docker's --env-file: K=V or K lines; blank lines and # comments skipped. */
static int env_file(struct env *env, const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		log_error("run: --env-file %s: %s", path, strerror(errno));
		return -1;
	}
	char line[8192];
	int err = 0;
	while (!err && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		const char *p = line + strspn(line, " \t");
		if (*p && *p != '#')
			err = env_add(env, p);
	}
	fclose(f);
	return err;
}

struct run_request {
	const char *rootfs, *image, *workdir, *entrypoint, *user;
	struct env env;
	bool strace, interactive, tty;
	char **args; /* after IMAGE (or PROGRAM, with --rootfs) */
};

/* The image a reference names, loaded first when it is a file. */
static int resolve_image(struct store *s, const char *ref, char *manifest)
{
	static const char *const transports[] = {"oci-archive:", "docker-archive:", "oci:"};
	const char *path = strchr(ref, '/') ? ref : NULL;
	for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++)
		if (!strncmp(ref, transports[i], strlen(transports[i])))
			path = ref + strlen(transports[i]);
	if (path && (path != ref || access(path, F_OK) == 0)) {
		struct load_result r;
		char why[1024];
		if (image_load_path(s, path, &r, why, sizeof(why)) < 0) {
			log_error("run: %s", why);
			return -1;
		}
		snprintf(manifest, DIGEST_LEN + 1, "%s", r.manifest);
		return 0;
	}
	if (store_resolve(s, ref, manifest) < 0) {
		log_error("run: no such image: %s (see 'airlock images', 'airlock load')", ref);
		return -1;
	}
	return 0;
}

/*
 * argv: the entrypoint (--entrypoint's, else the image's), then the command
 * (the one given, else the image's unless --entrypoint replaced the
 * entrypoint: docker drops the image's command then too).
 */
static char **image_argv(const struct image *img, const struct run_request *rq)
{
	char *given[] = {(char *)rq->entrypoint, NULL};
	char **entry = !rq->entrypoint ? img->entrypoint : *rq->entrypoint ? given : NULL;
	char **cmd = rq->args[0] ? rq->args : rq->entrypoint ? NULL : img->cmd;
	size_t n = 0;
	for (char **p = entry; p && *p; p++)
		n++;
	for (char **p = cmd; p && *p; p++)
		n++;
	char **argv = calloc(n + 1, sizeof(char *));
	n = 0;
	for (char **p = entry; argv && p && *p; p++)
		argv[n++] = *p;
	for (char **p = cmd; argv && p && *p; p++)
		argv[n++] = *p;
	return argv;
}

static int run_image(const struct cli_globals *gl, struct run_request *rq, struct isolation *iso,
		     struct launch_options *opts)
{
	struct store s;
	struct image img;
	char manifest[DIGEST_LEN + 1], lower[PATH_MAX + 96], merged[PATH_MAX + 64], why[1024];
	if (cli_open_store(gl, &s) || resolve_image(&s, rq->image, manifest) < 0)
		return EXIT_AIRLOCK_FAILED;
	if (image_load(&s, manifest, &img, why, sizeof(why)) < 0 ||
	    image_rootfs(&s, &img, lower, sizeof(lower), why, sizeof(why)) < 0 ||
	    container_root_make(&s, lower, iso->detach, merged, sizeof(merged), why, sizeof(why)) < 0) {
		log_error("run: %s: %s", rq->image, why);
		return EXIT_AIRLOCK_FAILED;
	}
	opts->argv = image_argv(&img, rq);
	if (!opts->argv || !opts->argv[0]) {
		log_error("run: %s has no command to run: give one", rq->image);
		return EXIT_AIRLOCK_FAILED;
	}
	/* The image's environment first, what the caller set over it. */
	struct env env = {0};
	for (char **e = img.env; e && *e; e++)
		if (env_add(&env, *e) < 0)
			return EXIT_AIRLOCK_FAILED;
	for (int i = 0; i < rq->env.n; i++)
		if (env_add(&env, rq->env.v[i]) < 0)
			return EXIT_AIRLOCK_FAILED;
	rq->env = env;
	opts->rootfs = strdup(merged);
	if (!rq->workdir)
		rq->workdir = img.workdir;
	int err = rq->workdir ? container_root_mkdir(merged, rq->workdir) : 0;
	if (err) {
		log_error("run: working directory %s: %s", rq->workdir, strerror(-err));
		return EXIT_AIRLOCK_FAILED;
	}
	if (!rq->user)
		rq->user = img.user;
	return 0;
}

int cli_run(const struct cli_globals *gl, int argc, char **argv)
{
	static const struct option options[] = {
		{"rootfs", required_argument, NULL, 'r'}, {"env", required_argument, NULL, 'e'},
		{"env-file", required_argument, NULL, 'E'}, {"workdir", required_argument, NULL, 'w'},
		{"entrypoint", required_argument, NULL, 'P'}, {"user", required_argument, NULL, 'u'},
		{"rm", no_argument, NULL, 'R'}, {"strace", no_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'},
		{"volume", required_argument, NULL, 'v'}, {"memory", required_argument, NULL, 'm'},
		{"name", required_argument, NULL, 'I'}, {"hostname", required_argument, NULL, 'I'},
		{"cpus", required_argument, NULL, 'I'}, {"pids-limit", required_argument, NULL, 'I'},
		{"tmpfs", required_argument, NULL, 'I'}, {"read-only", no_argument, NULL, 'I'},
		{"network", required_argument, NULL, 'I'}, {"detach", no_argument, NULL, 'd'},
		{"publish", required_argument, NULL, 'p'},
		{"interactive", no_argument, NULL, 'i'}, {"tty", no_argument, NULL, 't'}, {0},
	};
	struct run_request rq = {0};
	struct isolation iso = {.memory = -1, .cpu_quota = -1, .pids = -1};
	opterr = 0;
	int index;
	for (int c; (index = -1, c = getopt_long(argc, argv, "+e:w:u:v:m:p:dith", options, &index)) != -1;) {
		switch (c) {
		case 'I':
		case 'v':
		case 'm':
		case 'd':
		case 'p':
			if (isolation_option(&iso, c == 'v' ? "volume" : c == 'm' ? "memory" : c == 'd' ? "detach"
						   : c == 'p' ? "publish" : options[index].name, optarg) < 0)
				return EXIT_AIRLOCK_FAILED;
			break;
		case 'r': rq.rootfs = optarg; break;
		case 'e':
			if (env_add(&rq.env, optarg) < 0)
				return EXIT_AIRLOCK_FAILED;
			break;
		case 'E':
			if (env_file(&rq.env, optarg) < 0)
				return EXIT_AIRLOCK_FAILED;
			break;
		case 'w': rq.workdir = optarg; break;
		case 'P': rq.entrypoint = optarg; break;
		case 'u': rq.user = optarg; break;
		case 'R': break;
		case 'i': rq.interactive = true; break;
		case 't': rq.tty = true; break;
		case 's': rq.strace = true; break;
		case 'h': usage(stdout); return 0;
		default:
			if (optopt)
				log_error("run: unknown or incomplete option '-%c' (see 'airlock run --help')", optopt);
			else
				log_error("run: unknown option '%s' (see 'airlock run --help')", argv[optind - 1]);
			return EXIT_AIRLOCK_FAILED;
		}
	}
	if (isolation_settle(&iso) < 0)
		return EXIT_AIRLOCK_FAILED;
	if (!rq.rootfs && optind < argc)
		rq.image = argv[optind++];
	rq.args = argv + optind;
	struct launch_options opts = {.strace = rq.strace};
	if (rq.tty && !isatty(STDIN_FILENO)) {
		log_error("run: the input device is not a TTY (-t)");
		return EXIT_AIRLOCK_FAILED;
	}
	/* As docker: an image's program reads nothing unless asked to (--rootfs runs are chroot's kin: attached). */
	if (rq.image && !rq.interactive && !rq.tty && !iso.detach) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null < 0 || dup2(null, STDIN_FILENO) < 0) {
			log_error("run: /dev/null: %s", strerror(errno));
			return EXIT_AIRLOCK_FAILED;
		}
		close(null);
	}
	if (!rq.rootfs && !rq.image) {
		log_error("run: an image or --rootfs DIR is required (see 'airlock run --help')");
		return EXIT_AIRLOCK_FAILED;
	}
	if (rq.rootfs) {
		if (!rq.args[0] && !rq.entrypoint) {
			log_error("run: no program given (see 'airlock run --help')");
			return EXIT_AIRLOCK_FAILED;
		}
		struct image none = {0};
		/* A relative path would be read from the bundle the isolated run writes: made absolute. */
		char *absolute = iso.wanted && rq.rootfs[0] != '/' ? realpath(rq.rootfs, NULL) : NULL;
		opts.rootfs = absolute ? absolute : rq.rootfs;
		opts.argv = image_argv(&none, &rq);
	} else {
		int status = run_image(gl, &rq, &iso, &opts);
		if (status)
			return status;
	}
	bool has_path = false;
	for (int i = 0; i < rq.env.n; i++)
		has_path |= !strncmp(rq.env.v[i], "PATH=", 5);
	if (!has_path) { /* docker's default PATH, first */
		if (env_add(&rq.env, "PATH=" GUEST_DEFAULT_PATH) < 0)
			return EXIT_AIRLOCK_FAILED;
		memmove(rq.env.v + 1, rq.env.v, (size_t)(rq.env.n - 1) * sizeof(char *));
		rq.env.v[0] = "PATH=" GUEST_DEFAULT_PATH;
	}
	opts.env = rq.env.v;
	opts.workdir = rq.workdir;
	struct jail jail = {.umask = -1};
	if (rq.user && *rq.user) {
		if (user_resolve(opts.rootfs, rq.user, &jail.uid, &jail.gid) < 0)
			return EXIT_AIRLOCK_FAILED;
		opts.jail = &jail;
	}
	if (iso.wanted) {
		/* Next to the container's own layer for an image; else where temporary files go. */
		const char *tmp = getenv("TMPDIR");
		char work[PATH_MAX], containers[PATH_MAX + 16];
		snprintf(work, sizeof(work), "%s", rq.image ? opts.rootfs : tmp && *tmp ? tmp : "/tmp");
		if (rq.image)
			*strrchr(work, '/') = 0;
		iso.image = rq.image;
		iso.layer = rq.image && iso.detach ? work : NULL;
		snprintf(containers, sizeof(containers), "%s/containers", cli_store_root(gl));
		iso.containers_dir = containers;
		if (iso.detach && (tree_make_private_dir(cli_store_root(gl)) < 0 || tree_make_private_dir(containers) < 0)) {
			log_error("run: %s: %s", containers, strerror(errno));
			return EXIT_AIRLOCK_FAILED;
		}
		int status = run_isolated(gl, &iso, opts.rootfs, opts.argv, opts.env, opts.workdir, jail.uid, jail.gid, work);
		if (status && iso.layer)
			container_root_discard(opts.rootfs); /* kept for a detached container that did not start */
		return status;
	}
	return launch_run(&opts);
}
