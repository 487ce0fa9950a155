// SPDX-License-Identifier: Apache-2.0
// Subcommand entry points; each parses its own options.
#ifndef AIRLOCK_CLI_CLI_H
#define AIRLOCK_CLI_CLI_H

int cli_run(int argc, char **argv);

#endif
