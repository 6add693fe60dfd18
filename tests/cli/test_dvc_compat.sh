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

# `dvc push` to a directory remote that does not exist yet creates it; a
# pull from one says the data is not on it, naming its path.
push_creates_a_directory_remote() {
    new_repo r
    expect_ok trove remote add -d store "$PWD/../new/remote/dir"
    echo data >f && expect_ok trove add f
    expect_ok trove push
    expect_true test -d ../new/remote/dir/sha256
    rm -rf .trove/cache f
    expect_ok trove pull
    expect_file_equals f data
    expect_ok trove remote add other "$PWD/../nowhere"
    rm -rf .trove/cache f
    expect_fail 1 trove pull -r other
    expect_output_contains "not on remote 'other' ($(cd .. && pwd)/nowhere)"
    echo file >../plain
    expect_ok trove remote add plain "$PWD/../plain"
    expect_fail 1 trove push -r plain
    expect_output_contains "is not a directory"
}

# An executable file added on its own keeps its exec bit through checkout
# and a clone (DVC records `isexec: true`); a plain file stays plain.
single_executable_file() {
    new_repo r
    printf '#!/bin/sh\necho hi\n' >run.sh && chmod 755 run.sh
    echo plain >notes.txt
    expect_ok trove add run.sh notes.txt
    grep -q '^    isexec: true$' run.sh.trove || fail "run.sh.trove does not record isexec"
    ! grep -q isexec notes.txt.trove || fail "notes.txt.trove records isexec"
    rm run.sh notes.txt
    expect_ok trove checkout
    expect_true test -x run.sh
    expect_false test -x notes.txt
    expect_true ./run.sh
    # Marking it executable later is a change add records.
    chmod 755 notes.txt
    expect_ok trove add notes.txt
    grep -q 'isexec: true' notes.txt.trove || fail "the new exec bit was not recorded"
}

test_case params_key_order
test_case push_creates_a_directory_remote
test_case single_executable_file
finish
