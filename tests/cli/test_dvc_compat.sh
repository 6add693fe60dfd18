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

# A DVC project needs no --file: every command that reads pipelines finds
# dvc.yaml as it finds trove.yaml. trove keeps its own lock beside it
# (dvc.trove.lock) and never writes dvc.lock or .dvc/.
dvc_yaml_read_by_every_command() {
    new_repo r
    expect_ok trove repro
    expect_output_contains "No pipeline file (trove.yaml or dvc.yaml) in this repository"
    cat >dvc.yaml <<'YAML'
stages:
  train:
    cmd: sh write.sh ${train.f1} >metrics.json
    params: [train.f1]
    metrics:
      - metrics.json:
          cache: false
YAML
    echo 'printf "{\"f1\": %s}" "$1"' >write.sh
    printf 'train:\n  f1: 0.585\n' >params.yaml
    expect_ok trove repro
    expect_true test -f dvc.trove.lock
    expect_false test -e dvc.lock
    expect_false test -e .dvc
    expect_file_equals metrics.json '{"f1": 0.585}'
    expect_ok trove metrics show
    expect_output_contains "0.585"
    git add -A && git commit -qm base
    printf 'train:\n  f1: 0.088\n' >params.yaml
    expect_ok trove status
    expect_output_contains "train"
    expect_ok trove repro
    expect_fail 1 trove metrics diff --fail-on-change
    expect_output_contains "0.088"
    expect_ok trove params diff
    expect_output_contains "train.f1"
    expect_ok trove metrics show --file dvc.yaml
    expect_output_contains "0.088"
    expect_ok trove dag
    expect_output_contains "train"
    expect_ok trove report
    expect_output_contains "f1"
    expect_fail 1 trove metrics show --file nowhere.yaml
    expect_output_contains "pipeline file 'nowhere.yaml' does not exist"
}

# Metrics and params inside a cached output directory (eval/ is an out,
# eval/metrics.json is declared at the top level, as dvclive projects do)
# are read at any revision through that revision's lock and manifest. An
# object that is not in the cache is named with the revision and the
# command that fetches it, never a silent gap.
metrics_inside_a_cached_output() {
    new_repo r
    cat >dvc.yaml <<'YAML'
stages:
  evaluate:
    cmd: sh write.sh ${acc}
    params: [acc]
    outs: [eval]
metrics: [eval/metrics.json]
params: [eval/params.yaml]
YAML
    cat >write.sh <<'SH'
mkdir -p eval && printf '{"acc": %s}' "$1" >eval/metrics.json && echo "acc: $1" >eval/params.yaml
SH
    echo 'acc: 0.5' >params.yaml
    expect_ok trove repro
    git add -A && git commit -qm first && git tag v1
    echo 'acc: 0.75' >params.yaml
    expect_ok trove repro
    git add -A && git commit -qm second
    rm -rf eval
    expect_ok trove metrics show -A --json
    expect_json "{r['rev']: r['files'] for r in j}['v1']['eval/metrics.json']['acc'] == 0.5" \
        "{r['rev']: r['files'] for r in j}['main']['eval/metrics.json']['acc'] == 0.75"
    expect_ok trove params diff v1 main
    expect_output_contains "eval/params.yaml"
    # diff and ls list stage outputs too, file by file, as dvc diff does.
    expect_ok trove diff v1 main
    grep -qxF $'M\teval/metrics.json' "$OUT" || { show_output; fail "diff does not show eval/metrics.json"; }
    expect_ok trove ls v1 --json
    expect_json "'eval/params.yaml' in [f['path'] for f in j]"
    # Drop the first revision's objects from the cache.
    old=$(git show v1:dvc.trove.lock | sed -n 's/^ *hash: sha256:\([0-9a-f]*\)\.dir$/\1/p')
    [ -n "$old" ] || fail "no directory id in v1's lock"
    chmod -R u+w .trove/cache && rm -f "$(cache_object "$old.dir")"
    expect_fail 1 trove metrics show -A
    expect_output_contains "eval/metrics.json at v1"
    expect_output_contains "is not in the cache; 'trove fetch -A'"
    expect_output_contains "0.75"
}

# A deleted `persist: true` out is not restored from the cache or the run
# cache: the stage runs, and what it appends starts from nothing.
persist_out_deleted() {
    new_repo r
    printf 'stages:\n  log:\n    cmd: echo line >>log.txt\n    outs:\n      - log.txt:\n          persist: true\n' >trove.yaml
    expect_ok trove repro
    expect_file_equals log.txt "line"
    expect_ok trove repro
    expect_file_equals log.txt "line"
    rm log.txt
    expect_ok trove repro
    expect_output_contains "Running stage 'log'"
    expect_file_equals log.txt "line"
    # Kept (not removed) when the stage runs again for another reason.
    printf 'stages:\n  log:\n    cmd: echo line >>log.txt && true\n    outs:\n      - log.txt:\n          persist: true\n' >trove.yaml
    expect_ok trove repro
    expect_file_equals log.txt "line
line"
}

# A `cache: false` out that is deleted or edited by hand makes its stage
# run (it is not restored from an old copy); a downstream stage runs only
# when the rebuilt content differs.
uncached_out_changed() {
    new_repo r
    cat >trove.yaml <<'YAML'
stages:
  make:
    cmd: echo made >>runs && echo value >out.txt
    outs:
      - out.txt:
          cache: false
  use:
    cmd: echo used >>runs && cp out.txt copy.txt
    deps: [out.txt]
    outs: [copy.txt]
YAML
    expect_ok trove repro
    expect_file_equals runs "made
used"
    echo "edited by hand" >out.txt
    expect_ok trove status
    expect_output_contains "make"
    expect_ok trove repro
    expect_output_contains "Running stage 'make'"
    expect_file_equals out.txt "value"
    expect_file_equals runs "made
used
made"
    rm out.txt
    expect_ok trove repro
    expect_file_equals out.txt "value"
    expect_file_equals runs "made
used
made
made"
}

# `trove init --subdir` (DVC's `init --subdir`, common in monorepos): a
# project of its own below the git top level, its paths relative to it, git
# still through the enclosing repository: past revisions, a clone, hooks.
init_subdir() {
    mkdir mono && cd mono || fail "no mono"
    git init -q -b main
    git config user.email test@example.com && git config user.name "trove tests"
    echo "other team" >README
    mkdir -p team/proj && cd team/proj || fail "no team/proj"
    expect_ok trove init --subdir
    expect_true test -d .trove
    expect_false test -e ../../.trove
    expect_ok trove remote add -d store "$(cd ../../.. && pwd -P)/store"
    seq 1 100 >data.csv
    expect_ok trove add data.csv
    printf 'stages:\n  count:\n    cmd: sh count.sh\n    deps: [data.csv]\n    params: [scale]\n    outs: [out]\nmetrics: [out/metrics.json]\n' >dvc.yaml
    echo 'mkdir -p out && printf "{\"rows\": %s}" $(( $(wc -l <data.csv) * $(sed -n "s/scale: //p" params.yaml) )) >out/metrics.json' >count.sh
    echo 'scale: 1' >params.yaml
    expect_ok trove repro
    git add -A && git commit -qm first
    echo 'scale: 2' >params.yaml
    echo 101 >>data.csv
    expect_ok trove add data.csv
    expect_ok trove repro
    git add -A && git commit -qm second
    expect_ok trove metrics show -A --json
    expect_json "sorted(r['files']['out/metrics.json']['rows'] for r in j if r['rev'] != 'workspace') == [100, 202]"
    expect_ok trove params diff HEAD~1
    expect_output_contains "scale"
    expect_ok trove diff HEAD~1
    grep -qxF $'M\tdata.csv' "$OUT" || { show_output; fail "diff does not show data.csv modified"; }
    grep -qxF $'M\tout/metrics.json' "$OUT" || { show_output; fail "diff does not show out/metrics.json modified"; }
    expect_ok trove ls HEAD~1
    expect_output_contains "data.csv"
    expect_ok trove push
    expect_ok trove install
    grep -qF -- "-C 'team/proj/' checkout" ../../.git/hooks/post-checkout ||
        fail "the post-checkout hook does not run in team/proj"
    cd ../.. && expect_fail 1 trove status
    expect_output_contains "not a trove repository"
    cd .. && git clone -q mono clone && cd clone/team/proj || fail "git clone failed"
    expect_ok trove pull
    expect_file_equals out/metrics.json '{"rows": 202}'
    expect_same_bytes ../../../mono/team/proj/data.csv data.csv
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    # The project at the top does not take the one below for its own.
    cd ../.. && expect_ok trove init
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

# `trove init` in a DVC project points at the migration (it converts
# nothing itself: .dvc/ stays DVC's).
init_in_a_dvc_project() {
    mkdir r && cd r && git init -q && mkdir .dvc
    expect_ok trove init
    expect_output_contains "This is a DVC project: 'trove migrate dvc'"
    mkdir ../plain && cd ../plain && git init -q
    expect_ok trove init
    expect_output_lacks "DVC"
}

test_case params_key_order
test_case push_creates_a_directory_remote
test_case single_executable_file
test_case dvc_yaml_read_by_every_command
test_case metrics_inside_a_cached_output
test_case persist_out_deleted
test_case uncached_out_changed
test_case init_subdir
test_case init_in_a_dvc_project
finish
