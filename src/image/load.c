// SPDX-License-Identifier: Apache-2.0
// Images from local files into the store (see load.h): an OCI image layout
// (a directory, or an oci-archive tarball of one) or a docker-archive
// tarball (`docker save`). An archive is first unpacked into the store's
// tmp with the same code as layers, so it can write nowhere else.
#include "image/load.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/unpack.h"
#include "util/tree.h"

#define MEDIA_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_INDEX "application/vnd.oci.image.index.v1+json"
#define DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define REF_NAME "org.opencontainers.image.ref.name"

struct loader {
	struct store *s;
	const char *dir; /* the layout or the unpacked archive */
	struct load_result *out;
	char *why;
	size_t why_size;
};

static int fail(struct loader *l, const char *fmt, const char *arg)
{
	snprintf(l->why, l->why_size, fmt, arg);
	return -1;
}

/* dir/rel into the store, checked against digest when given. */
static int put_file(struct loader *l, const char *rel, const char *digest, char *out)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/%s", l->dir, rel);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(l, "%s: missing from the image", rel);
	int err = store_put(l->s, fd, digest, out);
	close(fd);
	if (err == -EBADMSG)
		return fail(l, "%s: its content does not match its digest", rel);
	return err ? fail(l, "storing %s", rel) : 0;
}

/* A blob of an OCI layout, by digest. */
static int put_layout_blob(struct loader *l, const char *digest)
{
	char rel[128], got[DIGEST_LEN + 1];
	if (!digest_valid(digest))
		return fail(l, "a descriptor's digest \"%s\" is not a sha256 digest", digest ? digest : "");
	snprintf(rel, sizeof(rel), "blobs/sha256/%s", digest + 7);
	return put_file(l, rel, digest, got);
}

static const char *field_string(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static json_object *read_json(struct loader *l, const char *rel)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/%s", l->dir, rel);
	json_object *j = json_object_from_file(path);
	if (!j)
		fail(l, "%s: missing or not JSON", rel);
	return j;
}

static json_object *read_blob_json(struct loader *l, const char *digest)
{
	char rel[128];
	snprintf(rel, sizeof(rel), "blobs/sha256/%s", digest_valid(digest) ? digest + 7 : "invalid");
	return read_json(l, rel);
}

/* The linux/amd64 entry of an index, or its only entry. */
static json_object *pick_platform(json_object *index)
{
	json_object *manifests, *platform;
	if (!json_object_object_get_ex(index, "manifests", &manifests) || !json_object_is_type(manifests, json_type_array))
		return NULL;
	size_t n = json_object_array_length(manifests);
	for (size_t i = 0; i < n; i++) {
		json_object *m = json_object_array_get_idx(manifests, i);
		if (json_object_object_get_ex(m, "platform", &platform)) {
			const char *os = field_string(platform, "os"), *arch = field_string(platform, "architecture");
			if (os && arch && !strcmp(os, "linux") && !strcmp(arch, "amd64"))
				return m;
		}
	}
	return n == 1 ? json_object_array_get_idx(manifests, 0) : NULL;
}

static void add_name(struct loader *l, const char *name)
{
	if (l->out->nnames < LOAD_MAX_NAMES && name && *name)
		snprintf(l->out->names[l->out->nnames++], sizeof(l->out->names[0]), "%s", name);
}

/* An image manifest of the layout (already checked to be one): its config and layers, then itself. */
static int load_manifest(struct loader *l, const char *digest)
{
	json_object *m = read_blob_json(l, digest), *config, *layers;
	if (!m)
		return -1;
	int err = 0;
	if (!json_object_object_get_ex(m, "config", &config) ||
	    !json_object_object_get_ex(m, "layers", &layers) || !json_object_is_type(layers, json_type_array))
		err = fail(l, "manifest %s: no config or layers", digest);
	if (!err)
		err = put_layout_blob(l, field_string(config, "digest"));
	for (size_t i = 0; !err && i < json_object_array_length(layers); i++)
		err = put_layout_blob(l, field_string(json_object_array_get_idx(layers, i), "digest"));
	json_object_put(m);
	if (!err)
		err = put_layout_blob(l, digest);
	if (!err)
		snprintf(l->out->manifest, sizeof(l->out->manifest), "%s", digest);
	return err;
}

static int load_oci_layout(struct loader *l)
{
	json_object *index = read_json(l, "index.json");
	if (!index)
		return -1;
	json_object *d = pick_platform(index);
	const char *name = d ? field_string(json_object_object_get(d, "annotations"), REF_NAME) : NULL;
	int err = d ? 0 : fail(l, "%s", "index.json: no linux/amd64 image in it");
	/* An image index inside the layout (a multi-arch image): its linux/amd64 manifest. */
	json_object *inner = NULL;
	const char *media = d ? field_string(d, "mediaType") : NULL;
	if (!err && media && (!strcmp(media, MEDIA_INDEX) || !strcmp(media, DOCKER_LIST))) {
		inner = read_blob_json(l, field_string(d, "digest"));
		d = inner ? pick_platform(inner) : NULL;
		err = d ? 0 : fail(l, "%s", "the image index has no linux/amd64 image");
	}
	media = d ? field_string(d, "mediaType") : NULL;
	if (!err && media && strcmp(media, MEDIA_MANIFEST) && strcmp(media, DOCKER_MANIFEST))
		err = fail(l, "index.json: a manifest of type %s is not served", media);
	if (!err)
		err = load_manifest(l, field_string(d, "digest"));
	/* The annotation may hold a whole name or a tag alone ("latest"): only the former names it. */
	if (!err && name && (strchr(name, ':') || strchr(name, '/')))
		add_name(l, name);
	json_object_put(inner);
	json_object_put(index);
	return err;
}

/* docker save: manifest.json lists the config and layer files; an OCI manifest is written for them. */
static int load_docker_archive(struct loader *l)
{
	json_object *list = read_json(l, "manifest.json");
	json_object *entry = list && json_object_is_type(list, json_type_array) && json_object_array_length(list) == 1
				     ? json_object_array_get_idx(list, 0) : NULL;
	json_object *layers, *tags;
	int err = list && !entry ? fail(l, "%s", "manifest.json: one image expected") : list ? 0 : -1;
	if (!err && (!field_string(entry, "Config") || !json_object_object_get_ex(entry, "Layers", &layers) ||
		     !json_object_is_type(layers, json_type_array)))
		err = fail(l, "%s", "manifest.json: no Config or Layers");
	char digest[DIGEST_LEN + 1];
	json_object *manifest = json_object_new_object(), *descs = json_object_new_array();
	struct stat st;
	char path[PATH_MAX * 2];
	if (!err)
		err = put_file(l, field_string(entry, "Config"), NULL, digest);
	if (!err) {
		snprintf(path, sizeof(path), "%s/%s", l->dir, field_string(entry, "Config"));
		json_object *config = json_object_new_object();
		json_object_object_add(config, "mediaType", json_object_new_string("application/vnd.oci.image.config.v1+json"));
		json_object_object_add(config, "digest", json_object_new_string(digest));
		json_object_object_add(config, "size", json_object_new_int64(stat(path, &st) == 0 ? st.st_size : 0));
		json_object_object_add(manifest, "schemaVersion", json_object_new_int(2));
		json_object_object_add(manifest, "mediaType", json_object_new_string(MEDIA_MANIFEST));
		json_object_object_add(manifest, "config", config);
	}
	for (size_t i = 0; !err && i < json_object_array_length(layers); i++) {
		const char *rel = json_object_get_string(json_object_array_get_idx(layers, i));
		err = rel ? put_file(l, rel, NULL, digest) : fail(l, "%s", "manifest.json: a layer that is not a path");
		if (err)
			break;
		snprintf(path, sizeof(path), "%s/%s", l->dir, rel);
		json_object *d = json_object_new_object();
		json_object_object_add(d, "mediaType", json_object_new_string("application/vnd.oci.image.layer.v1.tar"));
		json_object_object_add(d, "digest", json_object_new_string(digest));
		json_object_object_add(d, "size", json_object_new_int64(stat(path, &st) == 0 ? st.st_size : 0));
		json_object_array_add(descs, d);
	}
	json_object_object_add(manifest, "layers", descs);
	if (!err) {
		const char *text = json_object_to_json_string_ext(manifest, JSON_C_TO_STRING_PLAIN);
		err = store_put_bytes(l->s, text, strlen(text), l->out->manifest) ? fail(l, "%s", "storing the manifest") : 0;
	}
	if (!err && json_object_object_get_ex(entry, "RepoTags", &tags) && json_object_is_type(tags, json_type_array))
		for (size_t i = 0; i < json_object_array_length(tags); i++)
			add_name(l, json_object_get_string(json_object_array_get_idx(tags, i)));
	json_object_put(manifest);
	json_object_put(list);
	return err;
}

int image_load_path(struct store *s, const char *path, struct load_result *out, char *why, size_t why_size)
{
	*out = (struct load_result){0};
	struct loader l = {.s = s, .dir = path, .out = out, .why = why, .why_size = why_size};
	struct stat st;
	char tmp[PATH_MAX + 32] = "";
	if (stat(path, &st) < 0)
		return fail(&l, "%s: no such file or directory", path);
	int err = 0;
	if (!S_ISDIR(st.st_mode)) {
		/* An archive: unpacked where nothing else lives, then read as a directory. */
		char reason[512];
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		int root = store_tmpdir(s, tmp, sizeof(tmp)) == 0 ? open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		if (fd < 0 || root < 0)
			err = fail(&l, "%s: cannot read it", path);
		else if (layer_unpack(fd, root, false, reason, sizeof(reason)) < 0)
			err = fail(&l, "not an image archive: %s", reason);
		if (fd >= 0)
			close(fd);
		if (root >= 0)
			close(root);
		l.dir = tmp;
	}
	char probe[PATH_MAX * 2];
	snprintf(probe, sizeof(probe), "%s/index.json", l.dir);
	bool oci = access(probe, F_OK) == 0;
	snprintf(probe, sizeof(probe), "%s/manifest.json", l.dir);
	bool docker = access(probe, F_OK) == 0;
	if (!err)
		err = oci ? load_oci_layout(&l) : docker ? load_docker_archive(&l)
			  : fail(&l, "%s: not an OCI layout, oci-archive or docker-archive", path);
	for (size_t i = 0; !err && i < out->nnames; i++)
		if (store_tag(s, out->names[i], out->manifest) < 0)
			err = fail(&l, "naming it %s", out->names[i]);
	if (*tmp)
		tree_remove(tmp);
	return err;
}
