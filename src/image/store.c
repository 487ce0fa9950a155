// SPDX-License-Identifier: Apache-2.0
// The image store's blobs and names (see store.h).
#include "image/store.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/tree.h"

static int make_dir(const char *root, const char *sub)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s%s", root, sub);
	return mkdir(path, 0700) < 0 && errno != EEXIST ? -errno : 0;
}

int store_open(struct store *s, const char *root)
{
	if (snprintf(s->root, sizeof(s->root), "%s", root) >= (int)sizeof(s->root))
		return -ENAMETOOLONG;
	if (tree_make_private_dir(root) < 0) /* a user's ~/.local/share may not be there yet */
		return -errno;
	static const char *const dirs[] = {"/blobs", "/blobs/sha256", "/rootfs", "/tmp"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		int err = make_dir(root, dirs[i]);
		if (err)
			return err;
	}
	return 0;
}

void store_blob_path(const struct store *s, const char *digest, char *out, size_t size)
{
	snprintf(out, size, "%s/blobs/sha256/%s", s->root, digest_valid(digest) ? digest + 7 : "invalid");
}

int store_tmpdir(const struct store *s, char *out, size_t size)
{
	snprintf(out, size, "%s/tmp/XXXXXX", s->root);
	return mkdtemp(out) ? 0 : -errno;
}

/* Streams fd into a new file under tmp/ while digesting it, then renames it into place. */
int store_put(struct store *s, int fd, const char *expect, char *out)
{
	char tmp[PATH_MAX + 32], path[PATH_MAX + 96], buf[65536];
	snprintf(tmp, sizeof(tmp), "%s/tmp/blob-XXXXXX", s->root);
	int w = mkostemp(tmp, O_CLOEXEC);
	if (w < 0)
		return -errno;
	struct digest_ctx *c = digest_begin();
	int err = c ? 0 : -ENOMEM;
	ssize_t n;
	while (!err && (n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 || write(w, buf, (size_t)n) != n)
			err = -errno;
		else
			digest_update(c, buf, (size_t)n);
	}
	if (c)
		digest_end(c, out);
	if (close(w) < 0 && !err)
		err = -errno;
	if (!err && expect && strcmp(expect, out))
		err = -EBADMSG;
	store_blob_path(s, out, path, sizeof(path));
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int store_put_bytes(struct store *s, const void *data, size_t len, char *out)
{
	int fd = memfd_create("airlock-blob", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	int err = write(fd, data, len) == (ssize_t)len && lseek(fd, 0, SEEK_SET) == 0 ? store_put(s, fd, NULL, out) : -errno;
	close(fd);
	return err;
}

char *store_read_blob(const struct store *s, const char *digest, size_t *len)
{
	char path[PATH_MAX + 96];
	if (!digest_valid(digest)) {
		errno = EINVAL;
		return NULL;
	}
	store_blob_path(s, digest, path, sizeof(path));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *data = NULL;
	/* Metadata only: a manifest or a config is small. */
	if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size < (16 << 20) && (data = malloc((size_t)st.st_size + 1))) {
		if (read(fd, data, (size_t)st.st_size) != st.st_size) {
			free(data);
			data = NULL;
		} else {
			data[st.st_size] = 0;
			if (len)
				*len = (size_t)st.st_size;
		}
	}
	if (fd >= 0)
		close(fd);
	return data;
}

void store_normalize_name(const char *name, char *out, size_t size)
{
	const char *slash = strrchr(name, '/');
	bool tagged = strchr(slash ? slash : name, ':') != NULL;
	snprintf(out, size, "%s%s", name, tagged ? "" : ":latest");
}

/* names.json, locked (writers take STORE/lock exclusively). NULL: an empty object. */
static json_object *load_names(const struct store *s)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/names.json", s->root);
	json_object *names = json_object_from_file(path);
	if (!names || !json_object_is_type(names, json_type_object)) {
		json_object_put(names);
		names = json_object_new_object();
	}
	return names;
}

static int save_names(const struct store *s, json_object *names)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/names.json", s->root);
	snprintf(tmp, sizeof(tmp), "%s/names.json.new", s->root);
	if (json_object_to_file_ext(tmp, names, JSON_C_TO_STRING_PRETTY) < 0)
		return -EIO;
	return rename(tmp, path) < 0 ? -errno : 0;
}

static int lock_store(const struct store *s)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/lock", s->root);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Sets name to manifest, or removes it when manifest is NULL. */
static int change_name(struct store *s, const char *name, const char *manifest)
{
	char full[512];
	store_normalize_name(name, full, sizeof(full));
	int lock = lock_store(s);
	if (lock < 0)
		return -errno;
	json_object *names = load_names(s);
	int err = 0;
	if (manifest)
		json_object_object_add(names, full, json_object_new_string(manifest));
	else if (!json_object_object_get_ex(names, full, NULL))
		err = -ENOENT;
	else
		json_object_object_del(names, full);
	if (!err)
		err = save_names(s, names);
	json_object_put(names);
	close(lock);
	return err;
}

int store_tag(struct store *s, const char *name, const char *manifest)
{
	return digest_valid(manifest) ? change_name(s, name, manifest) : -EINVAL;
}

int store_untag(struct store *s, const char *name)
{
	return change_name(s, name, NULL);
}

int store_resolve(const struct store *s, const char *ref, char *manifest)
{
	char full[512], path[PATH_MAX + 96];
	if (digest_valid(ref)) {
		store_blob_path(s, ref, path, sizeof(path));
		if (access(path, F_OK) < 0)
			return -ENOENT;
		snprintf(manifest, DIGEST_LEN + 1, "%s", ref);
		return 0;
	}
	store_normalize_name(ref, full, sizeof(full));
	json_object *names = load_names(s), *v;
	int err = -ENOENT;
	if (json_object_object_get_ex(names, full, &v) && digest_valid(json_object_get_string(v))) {
		snprintf(manifest, DIGEST_LEN + 1, "%s", json_object_get_string(v));
		err = 0;
	} else if (strlen(ref) >= 12 && strspn(ref, "0123456789abcdef") == strlen(ref)) {
		/* An id as `images` prints it: the start of a named manifest's digest, if only one. */
		int found = 0;
		json_object_object_foreach(names, key, value)
		{
			(void)key;
			const char *d = json_object_get_string(value);
			if (digest_valid(d) && !strncmp(d + 7, ref, strlen(ref)) && (!found || strcmp(manifest, d))) {
				snprintf(manifest, DIGEST_LEN + 1, "%s", d);
				found++;
			}
		}
		err = found == 1 ? 0 : -ENOENT;
	}
	json_object_put(names);
	return err;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void store_each_name(const struct store *s, void (*fn)(const char *name, const char *manifest, void *arg), void *arg)
{
	json_object *names = load_names(s);
	size_t n = (size_t)json_object_object_length(names), i = 0;
	char **keys = calloc(n + 1, sizeof(char *));
	json_object_object_foreach(names, key, value)
	{
		(void)value;
		if (keys)
			keys[i++] = key;
	}
	if (keys)
		qsort(keys, i, sizeof(char *), by_name);
	for (size_t k = 0; keys && k < i; k++) {
		json_object *v;
		if (json_object_object_get_ex(names, keys[k], &v) && digest_valid(json_object_get_string(v)))
			fn(keys[k], json_object_get_string(v), arg);
	}
	free(keys);
	json_object_put(names);
}
