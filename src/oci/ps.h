// SPDX-License-Identifier: Apache-2.0
// `ps`: the processes of a container.
#ifndef AIRLOCK_OCI_PS_H
#define AIRLOCK_OCI_PS_H

#include <stdbool.h>

/* JSON pids, or the host's ps (with ps_args, default -ef) filtered to them. */
int oci_ps(const char *root, const char *id, bool json, char *const *ps_args);

#endif
