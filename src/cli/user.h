// SPDX-License-Identifier: Apache-2.0
// docker's --user (and an image's User): "user[:group]", each a number or a
// name looked up in the container's own /etc/passwd and /etc/group.
#ifndef AIRLOCK_CLI_USER_H
#define AIRLOCK_CLI_USER_H

#include <sys/types.h>

/* 0, or -1 after logging why (an unknown name, a file that is not there). */
int user_resolve(const char *rootfs, const char *spec, uid_t *uid, gid_t *gid);

#endif
