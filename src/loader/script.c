// SPDX-License-Identifier: Apache-2.0
// The #! line (see script.h).
#include "loader/script.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int script_read_shebang(int fd, char *interp, char *arg)
{
	char line[SHEBANG_MAX + 1];
	ssize_t n = pread(fd, line, SHEBANG_MAX, 0);
	if (n < 2 || line[0] != '#' || line[1] != '!')
		return n < 0 ? -errno : 0;
	line[n] = '\0';
	char *end = strchr(line, '\n');
	if (end)
		*end = '\0';
	char *p = line + 2;
	p += strspn(p, " \t");
	size_t len = strcspn(p, " \t");
	if (len == 0)
		return -ENOEXEC;
	memcpy(interp, p, len);
	interp[len] = '\0';
	p += len;
	p += strspn(p, " \t");
	/* The rest of the line, trailing blanks dropped, is one argument. */
	len = strlen(p);
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	memcpy(arg, p, len);
	arg[len] = '\0';
	return 1;
}
