#!/usr/bin/env bash
# Where DVC 3.64 and trove must agree on what a step sequence does (issue 13's
# "behave as DVC does"): each case states DVC's behaviour it checks.
. "$(dirname "$0")/lib.sh"

# DVC compares a params section by value: reordering its keys (same values)
# is not a change, so nothing reruns. A changed value still is.
params_key_order() {
    new_repo r
    printf 'stages:\n  train:\n    cmd: echo ran >>runs\n    params: [train]\n' >trove.yaml
    printf 'train:\n  lr: 0.1\n  epochs: 10\n' >params.yaml
    expect_ok trove repro
    printf 'train:\n  epochs: 10\n  lr: 0.1\n' >params.yaml
    expect_ok trove status
    expect_output_lacks "changed"
    expect_ok trove repro
    expect_file_equals runs "ran"
    printf 'train:\n  epochs: 10\n  lr: 0.2\n' >params.yaml
    expect_ok trove repro
    expect_file_equals runs "ran
ran"
}

test_case params_key_order
finish
