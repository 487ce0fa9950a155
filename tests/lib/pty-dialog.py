#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs a command on a new pseudo-terminal and holds a scripted dialog with it.

    pty-dialog.py STEPS TIMEOUT -- CMD [ARG...]

The command is the session leader of a new session whose controlling
terminal is the pty (as a login shell on a terminal is). STEPS is a file of
lines, taken in order:

    wait TEXT   read output until TEXT appears after the previous match
    send TEXT   type TEXT; Python escapes (\\n, \\x1a for Ctrl-Z) are decoded

After the last step the driver reads until the command closes the terminal,
reaps it and prints the whole transcript (what the terminal showed, as
bytes), then "[exit N]" or "[signal N]". A wait that is not met within
TIMEOUT seconds prints "[timeout waiting for TEXT]" and ends the dialog:
the command is killed, so a hang shows up as a different transcript.
"""
import os
import pty
import select
import signal
import sys
import time


def main():
    steps_file, timeout = sys.argv[1], float(sys.argv[2])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    with open(steps_file, encoding="utf-8") as f:
        steps = [line.rstrip("\n") for line in f if line.strip()]

    pid, master = pty.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)

    out = bytearray()
    seen = 0  # waits look only past the previous match

    def read_some(deadline):
        """Appends what the terminal has; False at EOF or past the deadline."""
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        ready, _, _ = select.select([master], [], [], left)
        if not ready:
            return False
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: every process closed the terminal
            return False
        if not data:
            return False
        out.extend(data)
        return True

    note = b""
    for step in steps:
        verb, _, text = step.partition(" ")
        data = text.encode().decode("unicode_escape").encode("latin-1")
        if verb == "send":
            os.write(master, data)
            continue
        deadline = time.monotonic() + timeout
        while out.find(data, seen) < 0:
            if not read_some(deadline):
                break
        at = out.find(data, seen)
        if at < 0:
            note = b"[timeout waiting for " + text.encode() + b"]\n"
            os.kill(pid, signal.SIGKILL)
            break
        seen = at + len(data)

    deadline = time.monotonic() + timeout
    while read_some(deadline):
        pass
    # The command may have left the terminal to children: give it the rest
    # of the time, then end the whole session.
    for _ in range(int(timeout * 10)):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.1)
    else:
        note += b"[still running after the dialog]\n"
        os.killpg(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    os.close(master)
    sys.stdout.buffer.write(bytes(out) + note)
    if os.WIFEXITED(status):
        print(f"[exit {os.WEXITSTATUS(status)}]")
    else:
        print(f"[signal {os.WTERMSIG(status)}]")


if __name__ == "__main__":
    main()
