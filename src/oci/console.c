// SPDX-License-Identifier: Apache-2.0
// The console socket protocol as runc's callers (conmon, containerd's shim)
// expect it: one message carrying the master descriptor; its payload names
// the terminal.
#include "oci/console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "util/log.h"

int console_connect(const char *socket_path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int sock = -1;
	if (strlen(socket_path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
	} else {
		strcpy(addr.sun_path, socket_path);
		sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (sock >= 0 && connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
			close(sock);
			sock = -1;
		}
	}
	if (sock < 0)
		log_error("console socket %s: %s", socket_path, strerror(errno));
	return sock;
}

static int send_master(int sock, int master, const char *name)
{
	char control[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			     .msg_controllen = sizeof(control)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &master, sizeof(int));
	return sendmsg(sock, &msg, 0) < 0 ? -1 : 0;
}

int console_setup(const char *root, int sock, unsigned rows, unsigned cols)
{
	char ptmx[4096];
	snprintf(ptmx, sizeof(ptmx), "%s/dev/pts/ptmx", root);
	if (access(ptmx, F_OK) < 0)
		snprintf(ptmx, sizeof(ptmx), "/dev/ptmx");
	int master = open(ptmx, O_RDWR | O_NOCTTY | O_CLOEXEC), unlock = 0;
	/* The slave through the master (TIOCGPTPEER): right for any devpts instance, whatever its path. */
	int slave = master < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0
			    ? -1 : ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	char name[64] = "/dev/pts/?";
	unsigned index;
	if (master >= 0 && ioctl(master, TIOCGPTN, &index) == 0)
		snprintf(name, sizeof(name), "/dev/pts/%u", index);
	if (slave < 0) {
		log_error("terminal: %s", strerror(errno));
		return -1;
	}
	if (rows && cols)
		ioctl(slave, TIOCSWINSZ, &(struct winsize){.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols});
	int sent = send_master(sock, master, name);
	close(sock);
	if (sent < 0) {
		log_error("console socket: %s", strerror(errno));
		return -1;
	}
	close(master);
	/* A session of its own, with the terminal as its controlling terminal. */
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0 || dup2(slave, 0) < 0 || dup2(slave, 1) < 0 ||
	    dup2(slave, 2) < 0) {
		log_error("terminal: %s", strerror(errno));
		return -1;
	}
	if (slave > 2)
		close(slave);
	return 0;
}
