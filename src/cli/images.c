// SPDX-License-Identifier: Apache-2.0
// The image commands, spelled as docker spells them: load, images, tag,
// rmi, inspect. Option parsing and printing; the work is in image/.
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "image/image.h"
#include "image/load.h"
#include "image/registry.h"
#include "image/store.h"
#include "util/log.h"

const char *cli_store_root(const struct cli_globals *gl)
{
	const char *env = getenv("AIRLOCK_STORE");
	if (gl->store || (env && *env))
		return gl->store ? gl->store : env;
	if (geteuid() == 0)
		return STORE_DEFAULT;
	/* A user's own, as rootless podman's: $XDG_DATA_HOME/airlock, else ~/.local/share/airlock. */
	static char own[4096];
	const char *data = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	if (data && *data)
		snprintf(own, sizeof(own), "%s/airlock", data);
	else
		snprintf(own, sizeof(own), "%s/.local/share/airlock", home && *home ? home : "/tmp");
	return own;
}

int cli_open_store(const struct cli_globals *gl, struct store *s)
{
	int err = store_open(s, cli_store_root(gl));
	if (err)
		log_error("image store %s: %s", cli_store_root(gl), strerror(-err));
	return err;
}

/* Only --help, or nothing: the commands here take operands alone. Returns 1 after printing help. */
static int plain_options(const char *cmd, const char *usage, int argc, char **argv)
{
	static const struct option longs[] = {{"help", no_argument, NULL, 'h'}, {0}};
	for (int c; (c = cli_next_option(cmd, argc, argv, "+h", longs)) != -1;) {
		if (c != 'h')
			return -1;
		printf("Usage: airlock %s %s\n", cmd, usage);
		return 1;
	}
	return 0;
}

int cli_load(const struct cli_globals *gl, int argc, char **argv)
{
	static const struct option longs[] = {{"input", required_argument, NULL, 'i'}, {"quiet", no_argument, NULL, 'q'},
					      {"help", no_argument, NULL, 'h'}, {0}};
	const char *input = NULL;
	bool quiet = false;
	for (int c; (c = cli_next_option("load", argc, argv, "+i:qh", longs)) != -1;) {
		switch (c) {
		case 'i': input = optarg; break;
		case 'q': quiet = true; break;
		case 'h': puts("Usage: airlock load -i FILE|DIR   (an oci-archive, a docker-archive or an OCI layout)"); return 0;
		default: return EXIT_AIRLOCK_FAILED;
		}
	}
	if (!input || optind != argc) {
		log_error("load: expects -i FILE and nothing else (see 'airlock load --help')");
		return EXIT_AIRLOCK_FAILED;
	}
	struct store s;
	struct load_result r;
	char why[1024];
	if (cli_open_store(gl, &s))
		return EXIT_AIRLOCK_FAILED;
	if (image_load_path(&s, input, &r, why, sizeof(why)) < 0) {
		log_error("load: %s", why);
		return EXIT_AIRLOCK_FAILED;
	}
	for (size_t i = 0; !quiet && i < r.nnames; i++)
		printf("Loaded image: %s\n", r.names[i]);
	if (!quiet && !r.nnames)
		printf("Loaded image ID: %s\n", r.manifest);
	return 0;
}

int cli_pull(const struct cli_globals *gl, int argc, char **argv)
{
	static const struct option longs[] = {{"creds", required_argument, NULL, 'c'}, {"quiet", no_argument, NULL, 'q'},
					      {"help", no_argument, NULL, 'h'}, {0}};
	struct pull_options o = {.credentials = getenv("AIRLOCK_REGISTRY_CREDS"), .progress = isatty(STDERR_FILENO)};
	for (int c; (c = cli_next_option("pull", argc, argv, "+qh", longs)) != -1;) {
		switch (c) {
		case 'c': o.credentials = optarg; break;
		case 'q': o.quiet = true; o.progress = false; break;
		case 'h': puts("Usage: airlock pull [-q] [--creds USER:PASSWORD] [REGISTRY/]NAME[:TAG|@DIGEST]"); return 0;
		default: return EXIT_AIRLOCK_FAILED;
		}
	}
	if (argc - optind != 1) {
		log_error("pull: expects one image reference (see 'airlock pull --help')");
		return EXIT_AIRLOCK_FAILED;
	}
	struct store s;
	char manifest[DIGEST_LEN + 1], why[1024];
	if (cli_open_store(gl, &s))
		return EXIT_AIRLOCK_FAILED;
	if (image_pull(&s, argv[optind], &o, manifest, why, sizeof(why)) < 0) {
		log_error("pull: %s", why);
		return EXIT_AIRLOCK_FAILED;
	}
	if (!o.quiet)
		printf("Digest: %s\n", manifest);
	return 0;
}

struct listing {
	const struct store *s;
	bool quiet;
};

static void human_size(int64_t bytes, char *out, size_t size)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
	double v = (double)bytes;
	size_t u = 0;
	for (; v >= 1000 && u + 1 < sizeof(units) / sizeof(units[0]); u++)
		v /= 1000;
	snprintf(out, size, u ? "%.3g%s" : "%.0f%s", v, units[u]);
}

static void print_image(const char *name, const char *manifest, void *arg)
{
	const struct listing *l = arg;
	if (l->quiet) {
		printf("%.12s\n", manifest + 7);
		return;
	}
	struct image img;
	char why[256], size[32] = "?";
	bool ok = image_load(l->s, manifest, &img, why, sizeof(why)) == 0;
	if (ok)
		human_size(img.size, size, sizeof(size));
	const char *colon = strrchr(name, ':');
	printf("%-40.*s %-12s %.12s  %-22.22s %s\n", (int)(colon - name), name, colon + 1, manifest + 7,
	       ok && img.created ? img.created : "", size);
	if (ok)
		image_free(&img);
}

int cli_images(const struct cli_globals *gl, int argc, char **argv)
{
	static const struct option longs[] = {{"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'}, {0}};
	struct listing l = {0};
	for (int c; (c = cli_next_option("images", argc, argv, "+qh", longs)) != -1;) {
		if (c == 'q') {
			l.quiet = true;
		} else if (c == 'h') {
			puts("Usage: airlock images [-q]");
			return 0;
		} else {
			return EXIT_AIRLOCK_FAILED;
		}
	}
	struct store s;
	if (cli_open_store(gl, &s))
		return EXIT_AIRLOCK_FAILED;
	l.s = &s;
	if (!l.quiet)
		printf("%-40s %-12s %-13s %-22s %s\n", "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
	store_each_name(&s, print_image, &l);
	return 0;
}

int cli_tag(const struct cli_globals *gl, int argc, char **argv)
{
	int help = plain_options("tag", "SOURCE TARGET", argc, argv);
	if (help)
		return help > 0 ? 0 : EXIT_AIRLOCK_FAILED;
	if (argc - optind != 2) {
		log_error("tag: expects SOURCE and TARGET (see 'airlock tag --help')");
		return EXIT_AIRLOCK_FAILED;
	}
	struct store s;
	char manifest[DIGEST_LEN + 1];
	if (cli_open_store(gl, &s))
		return EXIT_AIRLOCK_FAILED;
	if (store_resolve(&s, argv[optind], manifest) < 0) {
		log_error("tag: no such image: %s", argv[optind]);
		return EXIT_AIRLOCK_FAILED;
	}
	if (store_tag(&s, argv[optind + 1], manifest) < 0) {
		log_error("tag: cannot name it %s", argv[optind + 1]);
		return EXIT_AIRLOCK_FAILED;
	}
	return 0;
}

int cli_rmi(const struct cli_globals *gl, int argc, char **argv)
{
	int help = plain_options("rmi", "IMAGE...", argc, argv);
	if (help)
		return help > 0 ? 0 : EXIT_AIRLOCK_FAILED;
	if (optind == argc) {
		log_error("rmi: expects at least one image (see 'airlock rmi --help')");
		return EXIT_AIRLOCK_FAILED;
	}
	struct store s;
	if (cli_open_store(gl, &s))
		return EXIT_AIRLOCK_FAILED;
	int status = 0;
	for (int i = optind; i < argc; i++) {
		char full[512];
		store_normalize_name(argv[i], full, sizeof(full));
		if (store_untag(&s, argv[i]) < 0) {
			log_error("rmi: no such image: %s", argv[i]);
			status = EXIT_AIRLOCK_FAILED;
		} else {
			printf("Untagged: %s\n", full);
		}
	}
	image_collect(&s);
	return status;
}

static json_object *strings_json(char **v)
{
	if (!v)
		return NULL;
	json_object *a = json_object_new_array();
	for (size_t i = 0; v[i]; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static void add_name_if(const char *name, const char *manifest, void *arg)
{
	json_object *names = arg;
	if (!strcmp(manifest, json_object_get_userdata(names)))
		json_object_array_add(names, json_object_new_string(name));
}

int cli_inspect(const struct cli_globals *gl, int argc, char **argv)
{
	int help = plain_options("inspect", "IMAGE...", argc, argv);
	if (help)
		return help > 0 ? 0 : EXIT_AIRLOCK_FAILED;
	struct store s;
	if (optind == argc || cli_open_store(gl, &s)) {
		if (optind == argc)
			log_error("inspect: expects at least one image (see 'airlock inspect --help')");
		return EXIT_AIRLOCK_FAILED;
	}
	json_object *all = json_object_new_array();
	int status = 0;
	for (int i = optind; i < argc; i++) {
		char manifest[DIGEST_LEN + 1], why[512];
		struct image img;
		if (store_resolve(&s, argv[i], manifest) < 0 || image_load(&s, manifest, &img, why, sizeof(why)) < 0) {
			log_error("inspect: no such image: %s", argv[i]);
			status = EXIT_AIRLOCK_FAILED;
			continue;
		}
		json_object *o = json_object_new_object(), *config = json_object_new_object();
		json_object *names = json_object_new_array(), *layers = json_object_new_array();
		json_object_set_userdata(names, manifest, NULL);
		store_each_name(&s, add_name_if, names);
		json_object_set_userdata(names, NULL, NULL);
		for (size_t k = 0; k < img.nlayers; k++)
			json_object_array_add(layers, json_object_new_string(img.layers[k]));
		json_object_object_add(config, "Entrypoint", strings_json(img.entrypoint));
		json_object_object_add(config, "Cmd", strings_json(img.cmd));
		json_object_object_add(config, "Env", strings_json(img.env));
		json_object_object_add(config, "WorkingDir", json_object_new_string(img.workdir ? img.workdir : ""));
		json_object_object_add(config, "User", json_object_new_string(img.user ? img.user : ""));
		json_object_object_add(o, "Id", json_object_new_string(img.manifest));
		json_object_object_add(o, "RepoTags", names);
		json_object_object_add(o, "Created", img.created ? json_object_new_string(img.created) : NULL);
		json_object_object_add(o, "Architecture", img.architecture ? json_object_new_string(img.architecture) : NULL);
		json_object_object_add(o, "Os", img.os ? json_object_new_string(img.os) : NULL);
		json_object_object_add(o, "Size", json_object_new_int64(img.size));
		json_object_object_add(o, "Config", config);
		json_object_object_add(o, "Layers", layers);
		json_object_array_add(all, o);
		image_free(&img);
	}
	printf("%s\n", json_object_to_json_string_ext(all, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(all);
	return status;
}
