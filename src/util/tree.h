// SPDX-License-Identifier: Apache-2.0
// Directory trees that are not ours to trust (root filesystems, image
// layers): paths resolved inside a root, removal and copying that never
// follow a symbolic link out.
#ifndef AIRLOCK_UTIL_TREE_H
#define AIRLOCK_UTIL_TREE_H

/*
 * openat2 of path ("" is the root itself) with RESOLVE_IN_ROOT and
 * RESOLVE_NO_MAGICLINKS: "..", absolute and climbing symbolic links all
 * stay under root. O_CLOEXEC is added. A descriptor, or -1 (errno).
 */
int tree_open_in(int root, const char *path, int flags);
/*
 * The directory at path inside the tree at root (O_PATH), made with its
 * missing parents where needed, every step resolved inside the root: a
 * descriptor, or -1 (errno).
 */
int tree_open_dirs(int root, const char *path);
/*
 * mkdir -p for a private directory: path (relative to the working
 * directory, or absolute) made 0700 if missing, its missing parents 0755.
 * 0 or -1 (errno).
 */
int tree_make_private_dir(const char *path);
/* Removes name in directory dir, whatever it is (a directory with everything in it). 0 or -1 (errno). */
int tree_remove_at(int dir, const char *name);
/* The same for an absolute path. */
int tree_remove(const char *path);
/*
 * Copies what directory from holds into directory to: directories, files,
 * symbolic links (as links), owners and modes; devices, FIFOs and sockets
 * are left out. 0 or -1 (errno).
 */
int tree_copy(int from, int to);

#endif
