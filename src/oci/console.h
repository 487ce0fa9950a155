// SPDX-License-Identifier: Apache-2.0
// process.terminal: a new pseudo-terminal whose master goes to the caller
// over --console-socket (SCM_RIGHTS), and whose slave becomes the
// container's stdin, stdout, stderr and controlling terminal.
#ifndef AIRLOCK_OCI_CONSOLE_H
#define AIRLOCK_OCI_CONSOLE_H

/*
 * Connects to the caller's console socket: while its path is still in
 * sight (exec joins a mount namespace that hides it). The socket, or -1
 * after logging why.
 */
int console_connect(const char *socket_path);
/*
 * In the container's process, before it runs anything: makes the terminal
 * (on the container's own devpts when root has one), sends the master over
 * sock (then closed), takes the slave. rows/cols 0: left as the kernel sets
 * it. 0, or -1 after logging why.
 */
int console_setup(const char *root, int sock, unsigned rows, unsigned cols);

#endif
