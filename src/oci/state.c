// SPDX-License-Identifier: Apache-2.0
// The state directory. state.json is written to a temporary name and
// renamed, so a reader never sees half of one.
#include "oci/state.h"

#include "util/procstat.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool oci_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > 200 || id[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("_+-.", c)))
			return false;
	}
	return true;
}

void oci_state_dir(const char *root, const char *id, char *out)
{
	snprintf(out, PATH_MAX, "%s/%s", root, id);
}

/* mkdir -p: callers name roots such as /run/containerd/runc/default that may not exist yet. */
static int make_root(const char *root)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s", root);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0711) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(path, 0711) < 0 && errno != EEXIST ? -errno : 0;
}

int oci_state_create(const char *root, const char *id)
{
	char dir[PATH_MAX], fifo[PATH_MAX + 16];
	int err = make_root(root);
	if (err)
		return err;
	oci_state_dir(root, id, dir);
	if (mkdir(dir, 0711) < 0)
		return -errno;
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", dir);
	if (mkfifo(fifo, 0600) < 0) {
		err = -errno;
		rmdir(dir);
	}
	return err;
}

int oci_state_save(const char *root, const struct oci_state *st)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 16], path[PATH_MAX + 16];
	oci_state_dir(root, st->id, dir);
	snprintf(tmp, sizeof(tmp), "%s/.state.json", dir);
	snprintf(path, sizeof(path), "%s/state.json", dir);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(st->id));
	json_object_object_add(o, "bundle", json_object_new_string(st->bundle));
	json_object_object_add(o, "pid", json_object_new_int(st->pid));
	json_object_object_add(o, "start", json_object_new_uint64(st->start));
	json_object_object_add(o, "created", json_object_new_string(st->created));
	json_object_object_add(o, "cgroup", json_object_new_string(st->cgroup));
	json_object_object_add(o, "annotations",
			       json_tokener_parse(st->annotations_json ? st->annotations_json : "{}"));
	int err = json_object_to_file_ext(tmp, o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) < 0 ? -EIO : 0;
	json_object_put(o);
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	return err;
}

static void copy_string(json_object *o, const char *key, char *out, size_t size)
{
	json_object *v;
	if (json_object_object_get_ex(o, key, &v))
		snprintf(out, size, "%s", json_object_get_string(v));
}

int oci_state_load(const char *root, const char *id, struct oci_state *st)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	*st = (struct oci_state){0};
	if (!oci_id_valid(id))
		return -ENOENT;
	oci_state_dir(root, id, dir);
	snprintf(path, sizeof(path), "%s/state.json", dir);
	if (access(path, F_OK) < 0)
		return -errno;
	json_object *o = json_object_from_file(path), *v;
	if (!o)
		return -EIO;
	snprintf(st->id, sizeof(st->id), "%s", id);
	copy_string(o, "bundle", st->bundle, sizeof(st->bundle));
	copy_string(o, "created", st->created, sizeof(st->created));
	copy_string(o, "cgroup", st->cgroup, sizeof(st->cgroup));
	if (json_object_object_get_ex(o, "pid", &v))
		st->pid = json_object_get_int(v);
	if (json_object_object_get_ex(o, "start", &v))
		st->start = json_object_get_uint64(v);
	if (json_object_object_get_ex(o, "annotations", &v))
		st->annotations_json = strdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}

void oci_state_free(struct oci_state *st)
{
	free(st->annotations_json);
	st->annotations_json = NULL;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

int oci_state_remove(const char *root, const char *id)
{
	char dir[PATH_MAX];
	oci_state_dir(root, id, dir);
	return nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS) < 0 ? -errno : 0;
}

unsigned long long oci_process_start(pid_t pid, bool *zombie)
{
	char path[64];
	struct proc_stat st;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (proc_stat_read(AT_FDCWD, path, &st) < 0)
		return 0;
	*zombie = st.state == 'Z' || st.state == 'X';
	return st.start;
}

enum oci_status oci_state_status(const char *root, const struct oci_state *st)
{
	bool zombie = false;
	if (st->pid <= 0)
		return OCI_CREATING;
	unsigned long long start = oci_process_start(st->pid, &zombie);
	if (!start || start != st->start || zombie)
		return OCI_STOPPED;
	char fifo[PATH_MAX + 16], dir[PATH_MAX];
	oci_state_dir(root, st->id, dir);
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", dir);
	return access(fifo, F_OK) == 0 ? OCI_CREATED : OCI_RUNNING;
}

const char *oci_status_name(enum oci_status s)
{
	static const char *const names[] = {"creating", "created", "running", "stopped"};
	return names[s];
}

char *oci_state_json(const char *root, const struct oci_state *st)
{
	return oci_state_json_as(st, oci_state_status(root, st));
}

char *oci_state_json_as(const struct oci_state *st, enum oci_status status)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ociVersion", json_object_new_string("1.0.2"));
	json_object_object_add(o, "id", json_object_new_string(st->id));
	json_object_object_add(o, "status", json_object_new_string(oci_status_name(status)));
	json_object_object_add(o, "pid", json_object_new_int(status == OCI_STOPPED ? 0 : st->pid));
	json_object_object_add(o, "bundle", json_object_new_string(st->bundle));
	json_object_object_add(o, "created", json_object_new_string(st->created));
	json_object *annotations = json_tokener_parse(st->annotations_json ? st->annotations_json : "{}");
	if (annotations && json_object_object_length(annotations) > 0)
		json_object_object_add(o, "annotations", annotations);
	else
		json_object_put(annotations);
	char *out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

pid_t oci_first_process(pid_t relay)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)relay, (int)relay);
	FILE *f = fopen(path, "r");
	int child = 0;
	if (f) {
		if (fscanf(f, "%d", &child) != 1)
			child = 0;
		fclose(f);
	}
	return child;
}
