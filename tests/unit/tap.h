// SPDX-License-Identifier: Apache-2.0
// TAP output for the unit test programs: one "ok N - what" line per check.
#ifndef AIRLOCK_TESTS_UNIT_TAP_H
#define AIRLOCK_TESTS_UNIT_TAP_H

#include <stdio.h>

static int tests;
static int failures;

static inline void ok(int cond, const char *what)
{
	tests++;
	if (!cond)
		failures++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tests, what);
	fflush(stdout); /* before a fork, and in order with a child's lines */
}

#endif
