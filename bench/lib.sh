# SPDX-License-Identifier: Apache-2.0
# Helpers the bench scripts share (sourced). B: the script's scratch directory.

# make_bundle DIR ROOT ARGS_JSON [JQ_FILTER]: a `runc spec` bundle running
# ARGS in ROOT (read-only, no terminal), then JQ_FILTER applied to it.
make_bundle() {
    local dir=$1 root=$2 args=$3 filter=${4:-.}
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$dir" && runc spec)
    jq --arg root "$root" --argjson args "$args" \
        ".root.path = \$root | .root.readonly = true |
         .process.args = \$args | .process.terminal = false | $filter" \
        "$dir/config.json" >"$dir/config.json.new"
    mv "$dir/config.json.new" "$dir/config.json"
}

# Last non-empty stderr line, as the reason a runtime failed.
reason() {
    local r
    r=$(grep -v '^[[:space:]]*$' "$1" | tail -n 1 | cut -c1-100)
    echo "${r:-no error output}"
}

# runsc_platform FLAGS BUNDLE ID: the first gVisor platform under which
# `runsc FLAGS run` runs BUNDLE to its end: systrap, the default of current
# gVisor, else ptrace (Debian 12's runsc has only that). Prints it; fails
# with the reason in $B/runsc-probe.err.
runsc_platform() {
    local platform
    for platform in systrap ptrace; do
        # shellcheck disable=SC2086 # flags are words
        if runsc $1 --platform="$platform" run --bundle "$2" "$3" >/dev/null 2>"$B/runsc-probe.err"; then
            echo "$platform"
            return 0
        fi
    done
    return 1
}
