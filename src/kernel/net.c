// SPDX-License-Identifier: Apache-2.0
// Sockets. A guest socket is a host socket of its monitor, made in the
// container's network namespace (the monitor lives there) and named, for a
// path, inside the container's root (the monitor is chrooted there). Every
// address, buffer and option crosses through gmem with its length checked;
// descriptors passed with SCM_RIGHTS must be the guest's own, and ones
// received land in the guest's range or are dropped (MSG_CTRUNC). Families:
// AF_UNIX, AF_INET, AF_INET6 and AF_NETLINK route queries; options: a
// vetted list (others give ENOPROTOOPT).
#include <errno.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kernel/signal.h"
#include "kernel/syscall.h"

#define MAX_IOV 1024            /* UIO_MAXIOV */
#define MAX_PIECES (2 * MAX_IOV) /* host pieces: a guest segment may span regions */
#define MAX_CONTROL 65536       /* ancillary data, above any optmem_max in use */
#define MAX_OPTION 256          /* the largest option value served (TCP_INFO is 232 bytes) */
#define SOCK_FLAGS (SOCK_NONBLOCK | SOCK_CLOEXEC)

long sys_socket(struct guest *g, const uint64_t *a)
{
	(void)g;
	int domain = (int)a[0], type = (int)a[1], protocol = (int)a[2], base = type & ~SOCK_FLAGS;
	if (domain != AF_UNIX && domain != AF_INET && domain != AF_INET6 && domain != AF_NETLINK)
		return -EAFNOSUPPORT;
	if (domain == AF_NETLINK ? protocol != NETLINK_ROUTE || (base != SOCK_RAW && base != SOCK_DGRAM)
				 : base != SOCK_STREAM && base != SOCK_DGRAM && base != SOCK_SEQPACKET)
		return domain == AF_NETLINK ? -EPROTONOSUPPORT : -ESOCKTNOSUPPORT;
	return guest_new_fd(socket(domain, type, protocol));
}

long sys_socketpair(struct guest *g, const uint64_t *a)
{
	int base = (int)a[1] & ~SOCK_FLAGS, sv[2];
	if ((int)a[0] != AF_UNIX)
		return -EOPNOTSUPP;
	if (base != SOCK_STREAM && base != SOCK_DGRAM && base != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	if (socketpair(AF_UNIX, (int)a[1], (int)a[2], sv) < 0)
		return -errno;
	long err = !guest_fd_valid(sv[0]) || !guest_fd_valid(sv[1]) ? -EMFILE
		   : gmem_copy_out(&g->mm, a[3], sv, sizeof(sv)) ? -EFAULT : 0;
	if (err) {
		close(sv[0]);
		close(sv[1]);
		return err;
	}
	guest_new_fd(sv[0]);
	guest_new_fd(sv[1]);
	return 0;
}

/* A guest address (gva, len) into addr: 0, or -EINVAL for a length Linux refuses, -EFAULT. */
static long address_in(struct guest *g, uint64_t gva, uint64_t len, struct sockaddr_storage *addr)
{
	if (len > sizeof(*addr))
		return -EINVAL;
	memset(addr, 0, sizeof(*addr));
	return gmem_copy_in(&g->mm, addr, gva, len) ? -EFAULT : 0;
}

/*
 * An address the host gave (len bytes in addr) to the guest's (gva, lenp):
 * as much as the guest's buffer holds, and the whole length in *lenp.
 */
static long address_out(struct guest *g, uint64_t gva, uint64_t lenp, const struct sockaddr_storage *addr,
			socklen_t len)
{
	int room;
	if (gmem_copy_in(&g->mm, &room, lenp, sizeof(room)))
		return -EFAULT;
	if (room < 0)
		return -EINVAL;
	size_t n = (size_t)room < len ? (size_t)room : len;
	if ((n && gmem_copy_out(&g->mm, gva, addr, n)) || gmem_copy_out(&g->mm, lenp, &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

/* bind and connect: a socket and an address. */
static long with_address(struct guest *g, const uint64_t *a, int (*call)(int, const struct sockaddr *, socklen_t))
{
	struct sockaddr_storage addr;
	if (!guest_fd_valid((int)a[0]))
		return -EBADF;
	long err = address_in(g, a[1], a[2], &addr);
	return err ? err : host_result(call((int)a[0], (struct sockaddr *)&addr, (socklen_t)a[2]));
}

long sys_bind(struct guest *g, const uint64_t *a)
{
	return with_address(g, a, bind);
}

long sys_connect(struct guest *g, const uint64_t *a)
{
	return with_address(g, a, connect);
}

long sys_listen(struct guest *g, const uint64_t *a)
{
	(void)g;
	return guest_fd_valid((int)a[0]) ? host_result(listen((int)a[0], (int)a[1])) : -EBADF;
}

long sys_shutdown(struct guest *g, const uint64_t *a)
{
	(void)g;
	return guest_fd_valid((int)a[0]) ? host_result(shutdown((int)a[0], (int)a[1])) : -EBADF;
}

long sys_accept4(struct guest *g, const uint64_t *a)
{
	int fd = (int)a[0];
	if (!guest_fd_valid(fd))
		return -EBADF;
	if ((int)a[3] & ~SOCK_FLAGS)
		return -EINVAL;
	struct sockaddr_storage addr;
	socklen_t len = sizeof(addr);
	/* As on Linux, the connection is taken first: a bad address buffer then loses it (EFAULT). */
	long s = guest_new_fd(accept4(fd, a[1] ? (struct sockaddr *)&addr : NULL, a[1] ? &len : NULL, (int)a[3]));
	if (s >= 0 && a[1]) {
		long err = address_out(g, a[1], a[2], &addr, len);
		if (err) {
			close((int)s);
			return err;
		}
	}
	return s;
}

long sys_accept(struct guest *g, const uint64_t *a)
{
	uint64_t args[4] = {a[0], a[1], a[2], 0};
	return sys_accept4(g, args);
}

/* getsockname and getpeername. */
static long name_of(struct guest *g, const uint64_t *a, int (*call)(int, struct sockaddr *, socklen_t *))
{
	if (!guest_fd_valid((int)a[0]))
		return -EBADF;
	struct sockaddr_storage addr;
	socklen_t len = sizeof(addr);
	if (call((int)a[0], (struct sockaddr *)&addr, &len) < 0)
		return -errno;
	return address_out(g, a[1], a[2], &addr, len);
}

long sys_getsockname(struct guest *g, const uint64_t *a)
{
	return name_of(g, a, getsockname);
}

long sys_getpeername(struct guest *g, const uint64_t *a)
{
	return name_of(g, a, getpeername);
}

/* The send and receive flags served. */
#define SEND_FLAGS (MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE | MSG_OOB | MSG_EOR | MSG_DONTROUTE | MSG_CONFIRM)
#define RECV_FLAGS (MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC | MSG_WAITALL | MSG_OOB | MSG_CMSG_CLOEXEC | MSG_ERRQUEUE)

/* Writing to a closed stream raises SIGPIPE unless MSG_NOSIGNAL. */
static long send_result(long r, int flags)
{
	r = host_result(r);
	if (r == -EPIPE && !(flags & MSG_NOSIGNAL))
		signal_raise(current, SIGPIPE);
	return r;
}

/* The guest's iovecs (gva, count) as host pieces over guest memory: their number, or -errno. */
static long guest_iovecs(struct guest *g, uint64_t gva, uint64_t count, enum gmem_access access, struct iovec *out)
{
	if (count > MAX_IOV)
		return -EMSGSIZE;
	struct {
		uint64_t base, len;
	} v[64];
	long n = 0;
	for (uint64_t i = 0; i < count; i += 64) {
		size_t chunk = count - i < 64 ? count - i : 64;
		if (gmem_copy_in(&g->mm, v, gva + i * sizeof(v[0]), chunk * sizeof(v[0])))
			return -EFAULT;
		for (size_t k = 0; k < chunk; k++) {
			if ((int64_t)v[k].len < 0)
				return -EINVAL;
			size_t covered;
			int pieces = gmem_iov_prefix(&g->mm, v[k].base, v[k].len, access, out + n,
						     (int)(MAX_PIECES - n), &covered);
			if (pieces < 0 || covered < v[k].len)
				return -EFAULT;
			n += pieces;
		}
	}
	return n;
}

long sys_sendto(struct guest *g, const uint64_t *a)
{
	int fd = (int)a[0], flags = (int)a[3];
	if (!guest_fd_valid(fd))
		return -EBADF;
	if (flags & ~SEND_FLAGS)
		return -EOPNOTSUPP;
	struct sockaddr_storage addr;
	long err = a[4] ? address_in(g, a[4], a[5], &addr) : 0;
	struct iovec iov[64];
	size_t covered;
	int n = err ? 0 : gmem_iov_prefix(&g->mm, a[1], a[2], GMEM_READ, iov, 64, &covered);
	if (!err && (n < 0 || covered < a[2]))
		err = -EFAULT;
	if (err)
		return err;
	struct msghdr m = {.msg_name = a[4] ? &addr : NULL, .msg_namelen = a[4] ? (socklen_t)a[5] : 0,
			   .msg_iov = iov, .msg_iovlen = (size_t)n};
	return send_result(sendmsg(fd, &m, flags), flags);
}

long sys_recvfrom(struct guest *g, const uint64_t *a)
{
	int fd = (int)a[0], flags = (int)a[3];
	if (!guest_fd_valid(fd))
		return -EBADF;
	if (flags & ~RECV_FLAGS)
		return -EOPNOTSUPP;
	int room;
	if (a[4] && gmem_copy_in(&g->mm, &room, a[5], sizeof(room)))
		return -EFAULT;
	struct iovec iov[64];
	size_t covered;
	int n = gmem_iov_prefix(&g->mm, a[1], a[2], GMEM_WRITE, iov, 64, &covered);
	if (n < 0 || covered < a[2])
		return -EFAULT;
	struct sockaddr_storage addr;
	struct msghdr m = {.msg_name = a[4] ? &addr : NULL, .msg_namelen = a[4] ? sizeof(addr) : 0,
			   .msg_iov = iov, .msg_iovlen = (size_t)n};
	long r = host_result(recvmsg(fd, &m, flags));
	if (r >= 0 && a[4] && m.msg_namelen) {
		long err = address_out(g, a[4], a[5], &addr, m.msg_namelen);
		if (err)
			return err;
	}
	return r;
}

/* struct msghdr as the guest lays it out (x86-64). */
struct guest_msghdr {
	uint64_t name;
	uint32_t namelen, pad;
	uint64_t iov, iovlen, control, controllen;
	int32_t flags;
	uint32_t pad2;
};

/* Ancillary data the guest may send: each message checked, descriptors the guest's own. */
static long check_control(const char *buf, size_t len)
{
	struct msghdr m = {.msg_control = (void *)buf, .msg_controllen = len};
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_len < sizeof(*c) || c->cmsg_len > len - (size_t)((const char *)c - buf))
			return -EINVAL;
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			const int *fds = (const int *)CMSG_DATA(c);
			for (size_t i = 0; i < n; i++)
				if (!guest_fd_valid(fds[i]))
					return -EBADF;
		} else if (!(c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) &&
			   !(c->cmsg_level == IPPROTO_IP && (c->cmsg_type == IP_PKTINFO || c->cmsg_type == IP_TTL ||
							    c->cmsg_type == IP_TOS)) &&
			   !(c->cmsg_level == IPPROTO_IPV6 && (c->cmsg_type == IPV6_PKTINFO ||
							      c->cmsg_type == IPV6_HOPLIMIT || c->cmsg_type == IPV6_TCLASS))) {
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Descriptors received: any the host put above the guest's range (its own
 * were full) are closed and their message cut, as Linux cuts what passes a
 * descriptor limit (MSG_CTRUNC).
 */
static void check_received(struct msghdr *m)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		int *fds = (int *)CMSG_DATA(c);
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int), kept = 0;
		for (size_t i = 0; i < n; i++) {
			if (guest_fd_valid(fds[i]))
				fds[kept++] = guest_new_fd(fds[i]) >= 0 ? fds[i] : -1;
			else
				close(fds[i]);
		}
		if (kept < n) {
			c->cmsg_len = CMSG_LEN(kept * sizeof(int));
			m->msg_flags |= MSG_CTRUNC;
		}
	}
}

/* One sendmsg or recvmsg of the guest's header at gva. */
static long one_message(struct guest *g, int fd, uint64_t gva, int flags, bool receive)
{
	struct guest_msghdr gm;
	if (gmem_copy_in(&g->mm, &gm, gva, sizeof(gm)))
		return -EFAULT;
	struct sockaddr_storage addr;
	struct iovec *iov = malloc(MAX_PIECES * sizeof(*iov));
	char *control = NULL;
	long err = !iov ? -ENOMEM : 0;
	if (!err && gm.name && !receive)
		err = address_in(g, gm.name, gm.namelen, &addr);
	long pieces = err ? 0 : guest_iovecs(g, gm.iov, gm.iovlen, receive ? GMEM_WRITE : GMEM_READ, iov);
	if (!err && pieces < 0)
		err = pieces;
	size_t control_len = gm.controllen < MAX_CONTROL ? gm.controllen : MAX_CONTROL;
	if (!err && !receive && gm.controllen > MAX_CONTROL)
		err = -ENOBUFS;
	if (!err && gm.control && control_len) {
		control = calloc(1, control_len);
		if (!control)
			err = -ENOMEM;
		else if (!receive && gmem_copy_in(&g->mm, control, gm.control, control_len))
			err = -EFAULT;
		else if (!receive)
			err = check_control(control, control_len);
	}
	struct msghdr m = {.msg_name = gm.name ? &addr : NULL,
			   .msg_namelen = gm.name ? (receive ? sizeof(addr) : gm.namelen) : 0,
			   .msg_iov = iov, .msg_iovlen = (size_t)(pieces > 0 ? pieces : 0),
			   .msg_control = control, .msg_controllen = control ? control_len : 0};
	long r = err;
	if (!err)
		r = receive ? host_result(recvmsg(fd, &m, flags)) : send_result(sendmsg(fd, &m, flags), flags);
	if (r >= 0 && receive) {
		if (control)
			check_received(&m);
		/* The address cut to the guest's room; its whole length reported, as Linux does. */
		size_t name_copy = m.msg_namelen < gm.namelen ? m.msg_namelen : gm.namelen;
		struct guest_msghdr back = gm;
		back.namelen = gm.name ? m.msg_namelen : 0;
		back.controllen = m.msg_controllen;
		back.flags = m.msg_flags;
		if ((gm.name && name_copy && gmem_copy_out(&g->mm, gm.name, &addr, name_copy)) ||
		    (control && m.msg_controllen && gmem_copy_out(&g->mm, gm.control, control, m.msg_controllen)) ||
		    gmem_copy_out(&g->mm, gva, &back, sizeof(back)))
			r = -EFAULT;
	}
	free(control);
	free(iov);
	return r;
}

long sys_sendmsg(struct guest *g, const uint64_t *a)
{
	int flags = (int)a[2];
	if (!guest_fd_valid((int)a[0]))
		return -EBADF;
	return flags & ~SEND_FLAGS ? -EOPNOTSUPP : one_message(g, (int)a[0], a[1], flags, false);
}

long sys_recvmsg(struct guest *g, const uint64_t *a)
{
	int flags = (int)a[2];
	if (!guest_fd_valid((int)a[0]))
		return -EBADF;
	return flags & ~RECV_FLAGS ? -EOPNOTSUPP : one_message(g, (int)a[0], a[1], flags, true);
}

/* sendmmsg and recvmmsg: message after message, each one's length stored; stops at the first failure. */
static long many_messages(struct guest *g, const uint64_t *a, bool receive)
{
	int fd = (int)a[0], flags = (int)a[3];
	unsigned count = (unsigned)a[2] < MAX_IOV ? (unsigned)a[2] : MAX_IOV;
	if (!guest_fd_valid(fd))
		return -EBADF;
	if (flags & ~(receive ? RECV_FLAGS | MSG_WAITFORONE : SEND_FLAGS))
		return -EOPNOTSUPP;
	const size_t entry = sizeof(struct guest_msghdr) + 8; /* struct mmsghdr: the header and msg_len */
	unsigned done = 0;
	long r = 0;
	for (; done < count; done++) {
		int now = flags & ~MSG_WAITFORONE;
		if (receive && (flags & MSG_WAITFORONE) && done)
			now |= MSG_DONTWAIT;
		r = one_message(g, fd, a[1] + done * entry, now, receive);
		uint32_t len = (uint32_t)r;
		if (r < 0 || gmem_copy_out(&g->mm, a[1] + done * entry + sizeof(struct guest_msghdr), &len, sizeof(len)))
			break;
	}
	return done ? (long)done : r < 0 ? r : -EFAULT;
}

long sys_sendmmsg(struct guest *g, const uint64_t *a)
{
	return many_messages(g, a, false);
}

long sys_recvmmsg(struct guest *g, const uint64_t *a)
{
	/* A timeout (a[4]) is not served: the call returns after the messages. */
	return many_messages(g, a, true);
}

/* The options served: level, name. */
static const struct {
	int level, name;
} options[] = {
	{SOL_SOCKET, SO_REUSEADDR}, {SOL_SOCKET, SO_REUSEPORT}, {SOL_SOCKET, SO_KEEPALIVE},
	{SOL_SOCKET, SO_BROADCAST}, {SOL_SOCKET, SO_LINGER}, {SOL_SOCKET, SO_RCVBUF}, {SOL_SOCKET, SO_SNDBUF},
	{SOL_SOCKET, SO_RCVTIMEO}, {SOL_SOCKET, SO_SNDTIMEO}, {SOL_SOCKET, SO_TYPE}, {SOL_SOCKET, SO_ERROR},
	{SOL_SOCKET, SO_DOMAIN}, {SOL_SOCKET, SO_PROTOCOL}, {SOL_SOCKET, SO_ACCEPTCONN}, {SOL_SOCKET, SO_PASSCRED},
	{SOL_SOCKET, SO_PEERCRED}, {SOL_SOCKET, SO_OOBINLINE}, {SOL_SOCKET, SO_RCVLOWAT}, {SOL_SOCKET, SO_SNDLOWAT},
	{SOL_SOCKET, SO_PRIORITY}, {SOL_SOCKET, SO_TIMESTAMP},
	{IPPROTO_TCP, TCP_NODELAY}, {IPPROTO_TCP, TCP_MAXSEG}, {IPPROTO_TCP, TCP_CORK}, {IPPROTO_TCP, TCP_KEEPIDLE},
	{IPPROTO_TCP, TCP_KEEPINTVL}, {IPPROTO_TCP, TCP_KEEPCNT}, {IPPROTO_TCP, TCP_DEFER_ACCEPT},
	{IPPROTO_TCP, TCP_QUICKACK}, {IPPROTO_TCP, TCP_INFO}, {IPPROTO_TCP, TCP_USER_TIMEOUT},
	{IPPROTO_TCP, TCP_FASTOPEN},
	{IPPROTO_IP, IP_TOS}, {IPPROTO_IP, IP_TTL}, {IPPROTO_IP, IP_PKTINFO}, {IPPROTO_IP, IP_RECVERR},
	{IPPROTO_IP, IP_MULTICAST_TTL}, {IPPROTO_IP, IP_MULTICAST_LOOP}, {IPPROTO_IP, IP_ADD_MEMBERSHIP},
	{IPPROTO_IP, IP_DROP_MEMBERSHIP}, {IPPROTO_IP, IP_MTU_DISCOVER},
	{IPPROTO_IPV6, IPV6_V6ONLY}, {IPPROTO_IPV6, IPV6_TCLASS}, {IPPROTO_IPV6, IPV6_UNICAST_HOPS},
	{IPPROTO_IPV6, IPV6_RECVPKTINFO}, {IPPROTO_IPV6, IPV6_MULTICAST_HOPS}, {IPPROTO_IPV6, IPV6_MULTICAST_LOOP},
	{SOL_NETLINK, NETLINK_ADD_MEMBERSHIP}, {SOL_NETLINK, NETLINK_EXT_ACK}, {SOL_NETLINK, NETLINK_GET_STRICT_CHK},
};

static bool option_served(int level, int name)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (options[i].level == level && options[i].name == name)
			return true;
	return false;
}

long sys_setsockopt(struct guest *g, const uint64_t *a)
{
	int fd = (int)a[0], level = (int)a[1], name = (int)a[2];
	if (!guest_fd_valid(fd))
		return -EBADF;
	if (!option_served(level, name))
		return -ENOPROTOOPT;
	char value[MAX_OPTION];
	if ((int)a[4] < 0 || a[4] > sizeof(value))
		return -EINVAL;
	if (gmem_copy_in(&g->mm, value, a[3], a[4]))
		return -EFAULT;
	return host_result(setsockopt(fd, level, name, value, (socklen_t)a[4]));
}

long sys_getsockopt(struct guest *g, const uint64_t *a)
{
	int fd = (int)a[0], level = (int)a[1], name = (int)a[2];
	if (!guest_fd_valid(fd))
		return -EBADF;
	if (!option_served(level, name))
		return -ENOPROTOOPT;
	int room;
	if (gmem_copy_in(&g->mm, &room, a[4], sizeof(room)))
		return -EFAULT;
	if (room < 0)
		return -EINVAL;
	char value[MAX_OPTION];
	socklen_t len = (size_t)room < sizeof(value) ? (socklen_t)room : sizeof(value);
	if (getsockopt(fd, level, name, value, &len) < 0)
		return -errno;
	if (gmem_copy_out(&g->mm, a[3], value, len) || gmem_copy_out(&g->mm, a[4], &len, sizeof(len)))
		return -EFAULT;
	return 0;
}
