#!/usr/bin/env bash
# The processes of a stage command: they end with trove, even a killed one.
. "$(dirname "$0")/lib.sh"

# The stat index is a cache: repro succeeds when it cannot be saved.
repro_does_not_need_the_stat_index() {
    new_repo r
    echo data >in.txt
    touch -d '1 hour ago' in.txt # old enough to be recorded in the index
    cat >trove.yaml <<'EOF'
stages:
  copy:
    cmd: cp in.txt out.txt
    deps: [in.txt]
    outs: [out.txt]
EOF
    rm -rf .trove/state/stat-index
    mkdir -p .trove/state/stat-index # a directory: no file can replace it
    expect_ok trove repro
    expect_output_contains "trove: warning: could not save the stat index"
    expect_file_equals out.txt data
    expect_ok trove repro
    expect_output_contains "didn't change"
}

test_case repro_does_not_need_the_stat_index
finish
