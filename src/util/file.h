// SPDX-License-Identifier: Apache-2.0
// Writing a short text to a kernel file (cgroup, /proc/sys, uid_map): one
// write, as those files want it.
#ifndef AIRLOCK_UTIL_FILE_H
#define AIRLOCK_UTIL_FILE_H

/* Writes text to the existing file at path in one write: 0, or -errno (-EIO for a short write). */
int file_write_text(const char *path, const char *text);

#endif
