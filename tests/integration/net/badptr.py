# SPDX-License-Identifier: Apache-2.0
# Socket calls fed bad pointers, huge lengths and wrong descriptors, through
# raw system calls (ctypes), natively and under airlock (net.t compares).
import ctypes
import os
import socket

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
BAD = 0xdead0000  # never mapped in either
HUGE = 1 << 40
NR = {"connect": 42, "accept": 43, "sendto": 44, "recvfrom": 45, "sendmsg": 46, "recvmsg": 47, "bind": 49,
      "getsockname": 51, "getpeername": 52, "socketpair": 53, "setsockopt": 54, "getsockopt": 55, "accept4": 288,
      "recvmmsg": 299, "sendmmsg": 307}

def call(name, *args):
    r = libc.syscall(NR[name], *[ctypes.c_long(a) for a in args])
    print(name, args_shape(args), r if r >= 0 else os.strerror(ctypes.get_errno()), flush=True)

def args_shape(args):
    return ",".join("BAD" if a == BAD else "HUGE" if a == HUGE else str(a) if a < 4096 else "ptr" for a in args)

buf = ctypes.create_string_buffer(64)
p = ctypes.addressof(buf)
fresh = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for name in ("bind", "connect"):
    call(name, fresh.fileno(), BAD, 16)
    call(name, fresh.fileno(), p, HUGE)
    call(name, 999, p, 16)
    call(name, 1 << 20, p, 16)
call("getpeername", fresh.fileno(), p, p)
# A UDP socket connected to itself: sends and receives are valid but for the argument at fault.
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); s.connect(s.getsockname())
fd = s.fileno()
call("sendto", fd, BAD, 10, 0, 0, 0)
call("sendto", fd, p, 10, 0, BAD, 16)
call("sendto", 999, p, 10, 0, 0, 0)
s.send(b"pending")
call("recvfrom", fd, BAD, 10, 0x40, 0, 0)
call("getsockname", fd, BAD, p)
call("getsockname", fd, p, BAD)
call("sendmsg", fd, BAD, 0)
call("recvmsg", fd, BAD, 0x40)
call("socketpair", 1, 1, 0, BAD)
call("setsockopt", fd, 1, 2, BAD, 4)
call("setsockopt", fd, 1, 2, p, HUGE)
call("getsockopt", fd, 1, 3, p, BAD)
call("accept", fd, BAD, BAD)
call("accept4", fd, 0, 0, 0x12345)
call("sendmmsg", fd, BAD, 1, 0)
call("recvmmsg", fd, BAD, 1, 0x40, 0)
# SCM_RIGHTS naming a descriptor the caller does not have.
a, b = socket.socketpair()
for bad_fd in (1000, 1030, 1 << 20):
    try:
        a.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, bad_fd.to_bytes(4, "little"))])
    except OSError as e:
        print("scm_rights of fd", bad_fd, os.strerror(e.errno))
