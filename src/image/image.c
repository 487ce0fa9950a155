// SPDX-License-Identifier: Apache-2.0
// Images in the store (see image.h): OCI manifests and configs, as json-c
// reads them, and their layers unpacked in order.
#include "image/image.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/unpack.h"
#include "jail/userns.h"
#include "util/tree.h"

static char **string_array(json_object *obj, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	size_t n = json_object_array_length(v);
	char **out = calloc(n + 1, sizeof(char *));
	for (size_t i = 0, k = 0; out && i < n; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(v, i));
		if (s)
			out[k++] = strdup(s);
	}
	return out;
}

static char *string_of(json_object *obj, const char *key)
{
	json_object *v;
	const char *s = json_object_object_get_ex(obj, key, &v) ? json_object_get_string(v) : NULL;
	return s && *s ? strdup(s) : NULL;
}

static void free_strings(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int fail(char *why, size_t size, const char *fmt, const char *arg)
{
	snprintf(why, size, fmt, arg);
	return -1;
}

/* The digest field of a descriptor object. */
static const char *descriptor_digest(json_object *d)
{
	json_object *v;
	const char *s = json_object_object_get_ex(d, "digest", &v) ? json_object_get_string(v) : NULL;
	return digest_valid(s) ? s : NULL;
}

static int read_config(const struct store *s, struct image *img, char *why, size_t why_size)
{
	char *text = store_read_blob(s, img->config, NULL);
	json_object *config = text ? json_tokener_parse(text) : NULL;
	free(text);
	if (!config)
		return fail(why, why_size, "image config %s: missing or not JSON", img->config);
	json_object *c;
	if (json_object_object_get_ex(config, "config", &c) && json_object_is_type(c, json_type_object)) {
		img->entrypoint = string_array(c, "Entrypoint");
		img->cmd = string_array(c, "Cmd");
		img->env = string_array(c, "Env");
		img->workdir = string_of(c, "WorkingDir");
		img->user = string_of(c, "User");
	}
	img->created = string_of(config, "created");
	img->architecture = string_of(config, "architecture");
	img->os = string_of(config, "os");
	json_object_put(config);
	return 0;
}

int image_load(const struct store *s, const char *manifest, struct image *img, char *why, size_t why_size)
{
	*img = (struct image){0};
	snprintf(img->manifest, sizeof(img->manifest), "%s", manifest);
	char *text = store_read_blob(s, manifest, NULL);
	json_object *m = text ? json_tokener_parse(text) : NULL, *config, *layers;
	free(text);
	int err = 0;
	if (!m)
		err = fail(why, why_size, "manifest %s: missing or not JSON", manifest);
	else if (!json_object_object_get_ex(m, "config", &config) || !descriptor_digest(config) ||
		 !json_object_object_get_ex(m, "layers", &layers) || !json_object_is_type(layers, json_type_array))
		err = fail(why, why_size, "manifest %s: not an image manifest (config and layers)", manifest);
	if (!err) {
		snprintf(img->config, sizeof(img->config), "%s", descriptor_digest(config));
		img->nlayers = json_object_array_length(layers);
		img->layers = calloc(img->nlayers + 1, sizeof(*img->layers));
		for (size_t i = 0; img->layers && i < img->nlayers && !err; i++) {
			json_object *l = json_object_array_get_idx(layers, i), *size;
			if (!descriptor_digest(l))
				err = fail(why, why_size, "manifest %s: a layer without a valid digest", manifest);
			else
				snprintf(img->layers[i], sizeof(img->layers[i]), "%s", descriptor_digest(l));
			if (json_object_object_get_ex(l, "size", &size))
				img->size += json_object_get_int64(size);
		}
		if (!img->layers)
			err = fail(why, why_size, "%s", "out of memory");
	}
	json_object_put(m);
	if (!err)
		err = read_config(s, img, why, why_size);
	if (err)
		image_free(img);
	return err;
}

void image_free(struct image *img)
{
	free(img->layers);
	free_strings(img->entrypoint);
	free_strings(img->cmd);
	free_strings(img->env);
	free(img->workdir);
	free(img->user);
	free(img->created);
	free(img->architecture);
	free(img->os);
	*img = (struct image){0};
}

int image_rootfs(struct store *s, const struct image *img, char *out, size_t size, char *why, size_t why_size)
{
	snprintf(out, size, "%s/rootfs/%s", s->root, img->manifest + 7);
	if (access(out, F_OK) == 0)
		return 0;
	char tmp[PATH_MAX + 32];
	if (store_tmpdir(s, tmp, sizeof(tmp)) < 0)
		return fail(why, why_size, "the store's tmp: %s", strerror(errno));
	int root = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	chmod(tmp, 0755);
	bool privileged = geteuid() == 0 && !userns_is_child();
	int err = root < 0 ? fail(why, why_size, "%s", strerror(errno)) : 0;
	for (size_t i = 0; !err && i < img->nlayers; i++) {
		char path[PATH_MAX + 96], reason[512];
		store_blob_path(s, img->layers[i], path, sizeof(path));
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			err = fail(why, why_size, "layer %s: not in the store", img->layers[i]);
		else if (layer_unpack(fd, root, privileged, reason, sizeof(reason)) < 0)
			err = fail(why, why_size, "layer: %s", reason);
		if (fd >= 0)
			close(fd);
	}
	if (root >= 0)
		close(root);
	/* Another run may have unpacked it meanwhile: theirs is as good. */
	if (!err && rename(tmp, out) < 0 && errno != ENOTEMPTY && errno != EEXIST)
		err = fail(why, why_size, "unpacked root: %s", strerror(errno));
	if (access(tmp, F_OK) == 0)
		tree_remove(tmp);
	return err;
}

/* Adds every digest a manifest leads to. */
static void mark(const char *name, const char *manifest, void *arg)
{
	(void)name;
	json_object *live = arg;
	json_object_object_add(live, manifest, NULL);
	struct image img;
	char why[256];
	const struct store *s = json_object_get_userdata(live);
	if (image_load(s, manifest, &img, why, sizeof(why)) < 0)
		return;
	json_object_object_add(live, img.config, NULL);
	for (size_t i = 0; i < img.nlayers; i++)
		json_object_object_add(live, img.layers[i], NULL);
	image_free(&img);
}

static void sweep(const char *dir, json_object *live)
{
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		char digest[DIGEST_LEN + 8], path[PATH_MAX + 300];
		if (strlen(e->d_name) != DIGEST_LEN - 7)
			continue;
		snprintf(digest, sizeof(digest), "sha256:%.64s", e->d_name);
		if (!digest_valid(digest) || json_object_object_get_ex(live, digest, NULL))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) < 0)
			tree_remove(path);
	}
	if (d)
		closedir(d);
}

void image_collect(struct store *s)
{
	json_object *live = json_object_new_object();
	if (!live)
		return;
	json_object_set_userdata(live, s, NULL);
	store_each_name(s, mark, live);
	char dir[PATH_MAX + 32];
	snprintf(dir, sizeof(dir), "%s/blobs/sha256", s->root);
	sweep(dir, live);
	snprintf(dir, sizeof(dir), "%s/rootfs", s->root);
	sweep(dir, live);
	json_object_put(live);
}
