// SPDX-License-Identifier: Apache-2.0
// Sockets as a C program uses them, printed line by line so that
// tests/integration/net.t can compare a native run with one under airlock:
// SCM_RIGHTS both ways (and a descriptor that does not exist), a
// non-blocking connect finished through poll, epoll in level and edge
// modes, a UDP echo, MSG_PEEK and MSG_TRUNC, shutdown, and blocking socket
// calls interrupted by a signal handler, with and without SA_RESTART.
#define _GNU_SOURCE /* accept4, sendmmsg, recvmmsg */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

static int failures;

static void check(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "ok" : "FAIL");
	failures += !ok;
}

static void result(const char *what, long r)
{
	printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok");
}

/* Sends fd over s with SCM_RIGHTS; the data byte is 'F'. */
static long send_fd(int s, int fd)
{
	char byte = 'F';
	struct iovec iov = {&byte, 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(s, &m, 0);
}

static int receive_fd(int s)
{
	char byte;
	struct iovec iov = {&byte, 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	if (recvmsg(s, &m, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	int fd = -1;
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

static void scm_rights(void)
{
	int sv[2], p[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pipe(p);
	check("scm_rights: sent", send_fd(sv[0], p[1]) == 1);
	int got = receive_fd(sv[1]);
	check("scm_rights: received, close-on-exec", got >= 0 && (fcntl(got, F_GETFD) & FD_CLOEXEC));
	check("scm_rights: the same pipe", write(got, "via", 3) == 3 && ({
		char b[4] = {0};
		read(p[0], b, 3) == 3 && !strcmp(b, "via");
	}));
	result("scm_rights: a descriptor that is not open", send_fd(sv[0], 900));
	close(got);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

static int listener(struct sockaddr_in *addr)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	socklen_t len = sizeof(*addr);
	*addr = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bind(l, (struct sockaddr *)addr, sizeof(*addr));
	listen(l, 4);
	getsockname(l, (struct sockaddr *)addr, &len);
	return l;
}

static void nonblocking_connect_and_epoll(void)
{
	struct sockaddr_in addr;
	int l = listener(&addr);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int r = connect(c, (struct sockaddr *)&addr, sizeof(addr));
	check("connect: non-blocking, in progress or done", r == 0 || errno == EINPROGRESS);
	struct pollfd pf = {c, POLLOUT, 0};
	check("connect: poll says writable", poll(&pf, 1, 5000) == 1 && (pf.revents & POLLOUT));
	int err = -1;
	socklen_t len = sizeof(err);
	check("connect: SO_ERROR is 0", getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0);
	int a = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	check("accept4: non-blocking", a >= 0 && (fcntl(a, F_GETFL) & O_NONBLOCK));
	char buf[16];
	check("recv: nothing yet is EAGAIN", recv(a, buf, sizeof(buf), 0) < 0 && errno == EAGAIN);

	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = a}, out[4];
	epoll_ctl(ep, EPOLL_CTL_ADD, a, &ev);
	send(c, "ab", 2, 0);
	int first = epoll_wait(ep, out, 4, 1000), again = epoll_wait(ep, out, 4, 100);
	check("epoll level: reported, and again while unread", first == 1 && again == 1 && out[0].data.fd == a);
	recv(a, buf, sizeof(buf), 0);
	ev.events = EPOLLIN | EPOLLET;
	epoll_ctl(ep, EPOLL_CTL_MOD, a, &ev);
	send(c, "cd", 2, 0);
	first = epoll_wait(ep, out, 4, 1000);
	again = epoll_wait(ep, out, 4, 100);
	check("epoll edge: reported once per arrival", first == 1 && again == 0);
	check("recv: MSG_PEEK leaves the data", recv(a, buf, 2, MSG_PEEK) == 2 && recv(a, buf, 2, 0) == 2 &&
						  !memcmp(buf, "cd", 2));
	shutdown(c, SHUT_WR);
	struct pollfd pin = {a, POLLIN, 0};
	check("shutdown: the peer reads end of file", poll(&pin, 1, 1000) == 1 && recv(a, buf, sizeof(buf), 0) == 0);
	close(ep);
	close(a);
	close(c);
	close(l);
}

static void udp(void)
{
	int u = socket(AF_INET, SOCK_DGRAM, 0), c = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)}, from;
	socklen_t len = sizeof(addr);
	bind(u, (struct sockaddr *)&addr, sizeof(addr));
	getsockname(u, (struct sockaddr *)&addr, &len);
	sendto(c, "a long datagram", 15, 0, (struct sockaddr *)&addr, sizeof(addr));
	char buf[64];
	len = sizeof(from);
	long n = recvfrom(u, buf, 4, MSG_TRUNC, (struct sockaddr *)&from, &len);
	check("udp: MSG_TRUNC gives the datagram's whole length", n == 15 && len == sizeof(from));
	sendto(u, "echo", 4, 0, (struct sockaddr *)&from, len);
	check("udp: the echo comes back", recv(c, buf, sizeof(buf), 0) == 4 && !memcmp(buf, "echo", 4));
	struct mmsghdr msgs[2];
	struct iovec iov[2] = {{"one", 3}, {"two", 3}};
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < 2; i++) {
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &addr;
		msgs[i].msg_hdr.msg_namelen = sizeof(addr);
	}
	check("sendmmsg: two datagrams", sendmmsg(c, msgs, 2, 0) == 2 && msgs[0].msg_len == 3 && msgs[1].msg_len == 3);
	char a1[8] = {0}, a2[8] = {0};
	struct iovec rio[2] = {{a1, sizeof(a1)}, {a2, sizeof(a2)}};
	struct mmsghdr rm[2];
	memset(rm, 0, sizeof(rm));
	for (int i = 0; i < 2; i++) {
		rm[i].msg_hdr.msg_iov = &rio[i];
		rm[i].msg_hdr.msg_iovlen = 1;
	}
	check("recvmmsg: both", recvmmsg(u, rm, 2, MSG_WAITFORONE, NULL) == 2 && !strcmp(a1, "one") && !strcmp(a2, "two"));
	close(u);
	close(c);
}

/* The handler's write lets a restarted recv find data; an unrestarted call sees EINTR. */
static int handler_writes_to = -1;

static void on_alarm(int sig)
{
	(void)sig;
	if (handler_writes_to >= 0 && write(handler_writes_to, "late", 4) < 0)
		_exit(3);
}

/* SIGALRM in 50 ms, with the handler installed with flags. */
static void alarm_soon(int flags)
{
	struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = flags};
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval in = {.it_value = {0, 50000}};
	setitimer(ITIMER_REAL, &in, NULL);
}

static void interrupted(void)
{
	int sp[2];
	char buf[8] = "";
	socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
	alarm_soon(0);
	check("recv interrupted, no SA_RESTART: EINTR", recv(sp[0], buf, sizeof(buf), 0) < 0 && errno == EINTR);
	handler_writes_to = sp[1];
	alarm_soon(SA_RESTART);
	check("recv interrupted, SA_RESTART: restarted, then the handler's data",
	      recv(sp[0], buf, sizeof(buf), 0) == 4 && !memcmp(buf, "late", 4));
	handler_writes_to = -1;

	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bind(l, (struct sockaddr *)&a, sizeof(a));
	listen(l, 1);
	alarm_soon(0);
	check("accept interrupted, no SA_RESTART: EINTR", accept(l, NULL, NULL) < 0 && errno == EINTR);
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = l}, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	alarm_soon(SA_RESTART);
	check("epoll_wait interrupted, even with SA_RESTART: EINTR", epoll_wait(ep, &out, 1, 5000) < 0 && errno == EINTR);
	struct pollfd pfd = {.fd = l, .events = POLLIN};
	alarm_soon(SA_RESTART);
	check("poll interrupted, even with SA_RESTART: EINTR", poll(&pfd, 1, 5000) < 0 && errno == EINTR);
	struct timeval tv = {0, 100000};
	setsockopt(sp[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	check("recv with SO_RCVTIMEO: EAGAIN when it runs out", recv(sp[0], buf, sizeof(buf), 0) < 0 && errno == EAGAIN);
	close(ep);
	close(l);
	close(sp[0]);
	close(sp[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	scm_rights();
	nonblocking_connect_and_epoll();
	udp();
	interrupted();
	printf("netprobe: %s\n", failures ? "FAILED" : "done");
	return failures != 0;
}
