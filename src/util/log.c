// SPDX-License-Identifier: Apache-2.0
// Error output. Written with a single write(2) so that lines from several
// processes never interleave.
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "kernel/fdlimits.h"

static int log_fd = -1;
static bool log_json;

int log_to_file(const char *path, bool json)
{
	/* Above the guest's descriptor range, so a container's process may keep it. */
	log_fd = fd_move_to_monitor(open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
	log_json = json;
	return log_fd < 0 ? -errno : 0;
}

/* msg as a JSON string body: quotes, backslashes and control bytes escaped. */
static size_t json_escape(char *out, size_t size, const char *msg)
{
	size_t n = 0;
	for (; *msg && n + 7 < size; msg++) {
		unsigned char c = (unsigned char)*msg;
		if (c == '"' || c == '\\')
			n += (size_t)snprintf(out + n, size - n, "\\%c", c);
		else if (c < 0x20)
			n += (size_t)snprintf(out + n, size - n, "\\u%04x", c);
		else
			out[n++] = (char)c;
	}
	out[n] = 0;
	return n;
}

static void log_line_to_file(const char *msg)
{
	char line[2560], escaped[2048], when[40];
	time_t now = time(NULL);
	struct tm tm;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	int n;
	if (log_json) {
		json_escape(escaped, sizeof(escaped), msg);
		n = snprintf(line, sizeof(line), "{\"level\":\"error\",\"msg\":\"%s\",\"time\":\"%s\"}\n", escaped, when);
	} else {
		n = snprintf(line, sizeof(line), "time=\"%s\" level=error msg=\"%s\"\n", when, msg);
	}
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	(void)!write(log_fd, line, (size_t)n);
}

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
	if (log_fd >= 0) {
		line[n] = 0;
		log_line_to_file(line + 9); /* without the "airlock: " */
	}
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}
