// SPDX-License-Identifier: Apache-2.0
// Scripts: a program that starts with "#!" runs its interpreter, as Linux
// runs it (binfmt_script), at start-up and at execve alike.
#ifndef AIRLOCK_LOADER_SCRIPT_H
#define AIRLOCK_LOADER_SCRIPT_H

#define SHEBANG_MAX 256        /* the bytes of the #! line Linux reads */
#define MAX_SCRIPT_DEPTH 4     /* nested #! interpreters (BINPRM_MAX_RECURSION) */

/*
 * The #! line of the file at fd: the interpreter and its one optional
 * argument (SHEBANG_MAX + 1 bytes each), as Linux splits it. Returns 1 for a
 * script, 0 for anything else, or -errno.
 */
int script_read_shebang(int fd, char *interp, char *arg);

#endif
