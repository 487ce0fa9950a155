#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# docs/syscalls.md must match the code: every served call is listed as full or
# partial, and nothing is listed as served that the table does not serve.
set -euo pipefail
cd "$(dirname "$0")/../.."
list=src/kernel/syscall_list.h
doc=docs/syscalls.md
served=$(sed -n 's/^X(\([a-z0-9_]*\),.*/\1/p' "$list" | sort)
documented=$(awk -F' *\\| *' '$4 == "full" || $4 == "partial" { print $3 }' "$doc" | sort)
echo "1..2"
missing=$(comm -23 <(echo "$served") <(echo "$documented"))
extra=$(comm -13 <(echo "$served") <(echo "$documented"))
if [ -z "$missing" ]; then echo "ok 1 - every served call is documented as served"; else
	echo "not ok 1 - served but not documented as served: $missing" | tr '\n' ' '; echo; fi
if [ -z "$extra" ]; then echo "ok 2 - nothing unserved is documented as served"; else
	echo "not ok 2 - documented as served but not in $list: $extra" | tr '\n' ' '; echo; fi
