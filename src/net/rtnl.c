// SPDX-License-Identifier: Apache-2.0
// rtnetlink requests (see rtnl.h): each builds one message with its
// attributes, sends it and reads the kernel's acknowledgement.
#include "net/rtnl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct request {
	struct nlmsghdr *h;
	char buf[1024];
};

static void *request_start(struct request *r, int type, int flags, size_t header)
{
	memset(r->buf, 0, sizeof(r->buf));
	r->h = (struct nlmsghdr *)r->buf;
	r->h->nlmsg_type = (unsigned short)type;
	r->h->nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | flags);
	r->h->nlmsg_len = (unsigned)NLMSG_LENGTH(header);
	return NLMSG_DATA(r->h);
}

/* Appends an attribute; the names and values here are ours and small, so the buffer always holds them. */
static struct rtattr *attr(struct request *r, int type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)(r->buf + NLMSG_ALIGN(r->h->nlmsg_len));
	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->h->nlmsg_len = (unsigned)(NLMSG_ALIGN(r->h->nlmsg_len) + RTA_ALIGN(a->rta_len));
	return a;
}

static void attr_string(struct request *r, int type, const char *s)
{
	attr(r, type, s, strlen(s) + 1);
}

/* A nested attribute ends where the message ends now. */
static void nest_end(struct request *r, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((r->buf + r->h->nlmsg_len) - (char *)nest);
}

/* Sends the request and reads the kernel's first answer into reply; the answer's header, or NULL with errno set. */
static struct nlmsghdr *exchange(int rtnl, struct request *r, char *reply, size_t size)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	if (sendto(rtnl, r->buf, r->h->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return NULL;
	ssize_t n = recv(rtnl, reply, size, 0);
	if (n < 0)
		return NULL;
	struct nlmsghdr *h = (struct nlmsghdr *)reply;
	if (!NLMSG_OK(h, (size_t)n)) {
		errno = EPROTO;
		return NULL;
	}
	return h;
}

static int transact(int rtnl, struct request *r)
{
	char reply[4096];
	struct nlmsghdr *h = exchange(rtnl, r, reply, sizeof(reply));
	if (!h)
		return -errno;
	return h->nlmsg_type == NLMSG_ERROR ? ((struct nlmsgerr *)NLMSG_DATA(h))->error : -EPROTO;
}

int rtnl_open(int netns_fd)
{
	int home = -1;
	if (netns_fd >= 0) {
		if ((home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) < 0 || setns(netns_fd, CLONE_NEWNET) < 0) {
			int err = -errno;
			if (home >= 0)
				close(home);
			return err;
		}
	}
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int err = fd < 0 ? -errno : 0;
	if (home >= 0) { /* the socket stays in the namespace it was made in */
		if (setns(home, CLONE_NEWNET) < 0 && !err)
			err = -errno;
		close(home);
	}
	if (err && fd >= 0)
		close(fd);
	return err ? err : fd;
}

int rtnl_add_bridge(int rtnl, const char *name)
{
	struct request r;
	request_start(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
	attr_string(&r, IFLA_IFNAME, name);
	struct rtattr *info = attr(&r, IFLA_LINKINFO, NULL, 0);
	attr_string(&r, IFLA_INFO_KIND, "bridge");
	nest_end(&r, info);
	int err = transact(rtnl, &r);
	return err == -EEXIST ? 0 : err;
}

int rtnl_add_veth(int rtnl, const char *host_name, const char *peer_name, int peer_netns_fd)
{
	struct request r;
	request_start(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
	attr_string(&r, IFLA_IFNAME, host_name);
	struct rtattr *info = attr(&r, IFLA_LINKINFO, NULL, 0);
	attr_string(&r, IFLA_INFO_KIND, "veth");
	struct rtattr *data = attr(&r, IFLA_INFO_DATA, NULL, 0);
	struct ifinfomsg peer_header = {.ifi_family = AF_UNSPEC};
	struct rtattr *peer = attr(&r, VETH_INFO_PEER, &peer_header, sizeof(peer_header));
	attr_string(&r, IFLA_IFNAME, peer_name);
	attr(&r, IFLA_NET_NS_FD, &peer_netns_fd, sizeof(peer_netns_fd));
	nest_end(&r, peer);
	nest_end(&r, data);
	nest_end(&r, info);
	return transact(rtnl, &r);
}

static struct ifinfomsg *link_request(struct request *r, int type, const char *name)
{
	struct ifinfomsg *ifi = request_start(r, type, 0, sizeof(struct ifinfomsg));
	ifi->ifi_family = AF_UNSPEC;
	attr_string(r, IFLA_IFNAME, name);
	return ifi;
}

int rtnl_delete_link(int rtnl, const char *name)
{
	struct request r;
	link_request(&r, RTM_DELLINK, name);
	return transact(rtnl, &r);
}

/* if_nametoindex asks the caller's namespace; a handle may be in another, so ask through it. */
static int link_index(int rtnl, const char *name)
{
	struct request r;
	link_request(&r, RTM_GETLINK, name);
	r.h->nlmsg_flags = NLM_F_REQUEST;
	char reply[8192];
	struct nlmsghdr *h = exchange(rtnl, &r, reply, sizeof(reply));
	if (!h)
		return -errno;
	if (h->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(h))->error ? ((struct nlmsgerr *)NLMSG_DATA(h))->error : -ENODEV;
	return ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index;
}

int rtnl_link_up(int rtnl, const char *name, const char *master)
{
	int master_index = master ? link_index(rtnl, master) : 0;
	if (master_index < 0)
		return master_index;
	struct request r;
	struct ifinfomsg *ifi = link_request(&r, RTM_NEWLINK, name);
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	if (master)
		attr(&r, IFLA_MASTER, &master_index, sizeof(master_index));
	return transact(rtnl, &r);
}

int rtnl_add_address(int rtnl, const char *name, struct in_addr addr, int prefix)
{
	int index = link_index(rtnl, name);
	if (index < 0)
		return index;
	struct request r;
	struct ifaddrmsg *ifa = request_start(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifaddrmsg));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_index = (unsigned)index;
	attr(&r, IFA_LOCAL, &addr, sizeof(addr));
	attr(&r, IFA_ADDRESS, &addr, sizeof(addr));
	int err = transact(rtnl, &r);
	return err == -EEXIST ? 0 : err;
}

int rtnl_add_default_route(int rtnl, struct in_addr gateway)
{
	struct request r;
	struct rtmsg *rt = request_start(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct rtmsg));
	rt->rtm_family = AF_INET;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	attr(&r, RTA_GATEWAY, &gateway, sizeof(gateway));
	return transact(rtnl, &r);
}
