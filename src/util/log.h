// SPDX-License-Identifier: Apache-2.0
// User-facing error messages: one line, "airlock: <what>: <why>".
#ifndef AIRLOCK_UTIL_LOG_H
#define AIRLOCK_UTIL_LOG_H

/* Exit statuses of airlock itself, as docker and podman use them. */
enum {
	EXIT_AIRLOCK_FAILED = 125,
	EXIT_CANNOT_EXECUTE = 126,
	EXIT_NOT_FOUND = 127,
};

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
