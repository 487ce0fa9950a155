// SPDX-License-Identifier: Apache-2.0
// --network slirp4netns: a user-mode network (slirp4netns, a Debian package)
// for a container's namespace: a tap device with 10.0.2.100, NAT done by a
// user process, published ports forwarded by it. Needs no privilege on the
// host, so it is the path for rootless use; as root it avoids touching the
// host's interfaces and netfilter. The helper's pid and API socket live in
// STATE_ROOT/network/slirp4netns-ID.{pid,sock} until detach.
#ifndef AIRLOCK_NET_USERMODE_H
#define AIRLOCK_NET_USERMODE_H

#include <sys/types.h>

#include "net/lease.h"

/* Starts the helper for the namespace of pid with l's ports (l->addr unused); 0, or -1 after logging. */
int usermode_attach(const char *state_root, const struct lease *l, pid_t pid);
/* Stops id's helper, if any. */
void usermode_detach(const char *state_root, const char *id);

#endif
