// SPDX-License-Identifier: Apache-2.0
// Fields 3 on follow the last ')' of the line, whatever the name holds.
#include "util/procstat.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int proc_stat_read(int dirfd, const char *path, struct proc_stat *out)
{
	char buf[1024];
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return -1;
	out->state = p[2];
	out->ppid = (pid_t)strtol(p + 3, NULL, 10);
	for (int field = 3; p && field <= 22; field++) /* to the space before field 22 */
		p = strchr(p + 1, ' ');
	out->start = p ? strtoull(p + 1, NULL, 10) : 0;
	return p ? 0 : -1;
}
