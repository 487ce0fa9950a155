// SPDX-License-Identifier: Apache-2.0
// A container's own root over an image's (see container_root.h).
#include "image/container_root.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/tree.h"

static char scratch[PATH_MAX + 32]; /* STORE/tmp/XXXXXX: upper, work, merged */
static pid_t maker;

void container_root_discard(const char *merged)
{
	char layer[PATH_MAX + 64];
	snprintf(layer, sizeof(layer), "%s", merged);
	char *slash = strrchr(layer, '/');
	if (!slash)
		return;
	umount2(merged, MNT_DETACH);
	*slash = 0;
	tree_remove(layer);
}

static void remove_scratch(void)
{
	if (getpid() != maker || !*scratch)
		return; /* a child (the container) inherits the handler, not the job */
	char merged[PATH_MAX + 64];
	snprintf(merged, sizeof(merged), "%s/merged", scratch);
	container_root_discard(merged);
	*scratch = 0;
}

int container_root_mkdir(const char *root, const char *path)
{
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int dir = fd < 0 ? -1 : tree_open_dirs(fd, path);
	int err = dir < 0 ? -errno : 0;
	if (dir >= 0)
		close(dir);
	if (fd >= 0)
		close(fd);
	return err;
}

int container_root_make(struct store *s, const char *image_root, bool keep, char *merged, size_t size, char *why,
			size_t why_size)
{
	char upper[PATH_MAX + 64], work[PATH_MAX + 64], options[3 * PATH_MAX + 256];
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		snprintf(why, why_size, "a mount namespace: %s", strerror(errno));
		return -1;
	}
	if (store_tmpdir(s, scratch, sizeof(scratch)) < 0) {
		snprintf(why, why_size, "the store's tmp: %s", strerror(errno));
		return -1;
	}
	maker = getpid();
	if (!keep)
		atexit(remove_scratch);
	snprintf(upper, sizeof(upper), "%s/upper", scratch);
	snprintf(work, sizeof(work), "%s/work", scratch);
	snprintf(merged, size, "%s/merged", scratch);
	snprintf(options, sizeof(options), "lowerdir=%s,upperdir=%s,workdir=%s", image_root, upper, work);
	if (mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0 || mkdir(merged, 0755) < 0) {
		snprintf(why, why_size, "the container's layer: %s", strerror(errno));
		return -1;
	}
	/* AIRLOCK_TEST_NO_OVERLAY: the tests' way to take the path of a host without overlayfs. */
	const char *no_overlay = getenv("AIRLOCK_TEST_NO_OVERLAY");
	if (!(no_overlay && *no_overlay == '1') && mount("overlay", merged, "overlay", 0, options) == 0)
		return 0;
	/* No overlayfs here (or not over this filesystem): a copy of the image, slower but the same. */
	int from = open(image_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), to = open(merged, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int err = from < 0 || to < 0 || tree_copy(from, to) < 0 ? -1 : 0;
	if (err)
		snprintf(why, why_size, "an overlay over the image, or a copy of it: %s", strerror(errno));
	if (from >= 0)
		close(from);
	if (to >= 0)
		close(to);
	return err;
}
