// SPDX-License-Identifier: Apache-2.0
// User-facing error messages: one line, "airlock: <what>: <why>".
#ifndef AIRLOCK_UTIL_LOG_H
#define AIRLOCK_UTIL_LOG_H

#include <stdbool.h>

/* Exit statuses of airlock itself, as docker and podman use them. */
enum {
	EXIT_AIRLOCK_FAILED = 125,
	EXIT_CANNOT_EXECUTE = 126,
	EXIT_NOT_FOUND = 127,
};

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Also appends every error to path (runc's --log), as text or as JSON
 * lines ({"level":"error","msg":...,"time":...}) that callers parse.
 * Returns 0 or -errno.
 */
int log_to_file(const char *path, bool json);

#endif
