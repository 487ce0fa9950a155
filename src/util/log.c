// SPDX-License-Identifier: Apache-2.0
// Error output. Written with a single write(2) so that lines from several
// processes never interleave.
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

void log_error(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = snprintf(line, sizeof(line), "airlock: ");
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}
