# SPDX-License-Identifier: Apache-2.0
# Sockets as a program sees them (tests/integration/net.t runs this natively
# and under airlock and compares): AF_UNIX stream, datagram and seqpacket
# pairs, SCM_RIGHTS and SCM_CREDENTIALS, TCP and UDP on loopback, a
# non-blocking connect, epoll in level and edge modes, options, shutdown.
import os
import select
import socket
import struct

def show(*a):
    print(*a, flush=True)

for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_SEQPACKET):
    a, b = socket.socketpair(socket.AF_UNIX, kind)
    a.send(b"one"); a.send(b"two")
    # A stream joins the two sends; datagrams and sequenced packets keep them apart.
    got = [b.recv(100)] + ([b.recv(100)] if kind != socket.SOCK_STREAM else [])
    show("socketpair", kind.name, got)
    a.close(); b.close()

# SCM_RIGHTS: a pipe's write end passed, then used; SCM_CREDENTIALS received.
a, b = socket.socketpair()
r, w = os.pipe()
socket.send_fds(a, [b"fd"], [w])
msg, fds, flags, _ = socket.recv_fds(b, 10, 4)
os.write(fds[0], b"through the passed fd")
show("scm_rights", msg, len(fds), os.read(r, 100))
b.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
a.sendmsg([b"cred"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, struct.pack("3i", os.getpid(), os.getuid(), os.getgid()))])
data, anc, flags, _ = b.recvmsg(10, 64)
pid, uid, gid = struct.unpack("3i", anc[0][2])
show("scm_credentials", data, pid == os.getpid(), uid, gid)

# A path socket in the root, and its name.
path = "/tmp/airlock-net-test.sock"
if os.path.exists(path):
    os.unlink(path)
srv = socket.socket(socket.AF_UNIX)
srv.bind(path); srv.listen()
cli = socket.socket(socket.AF_UNIX); cli.connect(path)
conn, _ = srv.accept()
cli.sendall(b"over a path"); show("unix path", conn.recv(100), srv.getsockname())
os.unlink(path)

# TCP and UDP on loopback; a non-blocking connect finished through poll.
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0)); srv.listen(5)
port = srv.getsockname()[1]
cli = socket.socket(); cli.setblocking(False)
show("connect in progress", cli.connect_ex(("127.0.0.1", port)) in (0, 115))
select.select([], [cli], [], 5)
show("connect done", cli.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
conn, peer = srv.accept()
show("accept peer is the client", peer == cli.getsockname(), cli.getpeername()[1] == port)
cli.setblocking(True)
cli.sendall(b"x" * 100000)
got = b""
while len(got) < 100000:
    got += conn.recv(65536)
show("tcp bytes", len(got))
conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
show("tcp_nodelay", conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0,
     "so_type", conn.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE))

# epoll: level-triggered reports again; edge-triggered once per arrival.
ep = select.epoll()
ep.register(conn.fileno(), select.EPOLLIN)
cli.send(b"ab")
show("epoll level", len(ep.poll(1)), len(ep.poll(1)))
conn.recv(10)
ep.modify(conn.fileno(), select.EPOLLIN | select.EPOLLET)
cli.send(b"cd")
show("epoll edge", len(ep.poll(1)), len(ep.poll(0.2)))
cli.shutdown(socket.SHUT_WR)
show("after shutdown", conn.recv(10), conn.recv(10))

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.sendto(b"ping", u.getsockname())
data, addr = u.recvfrom(100)
u.sendto(data.upper(), addr)
show("udp echo", c.recvfrom(100)[0])
v6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
show("ipv6", v6.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY))
