#!/usr/bin/env bash
# trove repro, status, checkout, dag, stage, freeze: pipelines end to end.
. "$(dirname "$0")/lib.sh"

sha() { sha256sum "$1" | cut -c1-64; }

# Stage commands append their name to $RUNS, a file outside the repository,
# so a test sees which commands ran.
use_runs() {
    RUNS=$(cd .. && pwd -P)/runs
    : >"$RUNS"
    export RUNS
}

# runs_were "A B...": exactly these stage commands ran (in any order) since
# the last check; then forgets them.
runs_were() {
    local got want
    got=$(sort "$RUNS" | tr '\n' ' ' | sed 's/ $//')
    want=$(printf '%s\n' $1 | sort | tr '\n' ' ' | sed 's/ $//')
    : >"$RUNS"
    if [ "$got" != "$want" ]; then
        show_output
        fail "stage commands that ran: '$got', expected '$want'"
    fi
}

# tree_state: every file of the work tree (outside .git and .trove) with its
# hash, to show that a command changed nothing.
tree_state() {
    find . \( -path ./.git -o -path ./.trove \) -prune -o -type f -print | sort |
        xargs -r sha256sum
}

# wait_for FILE [SECONDS]: until FILE exists; fails after SECONDS (10).
wait_for() {
    local tries=$((${2:-10} * 20))
    while [ ! -e "$1" ]; do
        tries=$((tries - 1))
        [ "$tries" -gt 0 ] || fail "$1 did not appear"
        sleep 0.05
    done
}

# set_param KEY VALUE: the line `  KEY: ...` of params.yaml gets VALUE.
set_param() {
    sed -i "s/^\(  $1:\).*/\1 $2/" params.yaml
}

# A repository with this pipeline, run once: prepare -> train -> evaluate,
# and other on its own. train uses train.lr but not train.epochs.
chain() {
    new_repo r
    use_runs
    echo raw >data.txt
    echo c1 >config.txt
    echo o1 >other.txt
    cat >params.yaml <<'EOF'
prepare:
  n: 1
train:
  lr: 0.1
  epochs: 3
EOF
    cat >trove.yaml <<'EOF'
# The example pipeline.
stages:
  prepare:
    cmd: echo prepare >>"$RUNS" && tr a-z A-Z <data.txt >prepared.txt
    deps: [data.txt]
    params: [prepare.n]
    outs: [prepared.txt]
  train:
    # lr is the only parameter train reads
    cmd: echo train >>"$RUNS" && cat prepared.txt config.txt >model.txt && grep lr params.yaml >>model.txt
    deps: [prepared.txt, config.txt]
    params: [train.lr]
    outs: [model.txt]
  evaluate:
    cmd: echo evaluate >>"$RUNS" && wc -l <model.txt >metrics.json
    deps: [model.txt]
    metrics:
      - metrics.json:
          cache: false
  other:
    cmd: echo other >>"$RUNS" && cp other.txt other.out
    deps: [other.txt]
    outs: [other.out]
EOF
    expect_ok trove repro
    runs_were "prepare train evaluate other"
}

# A first run runs everything, in order, and records it; cached outputs are
# ignored by git, metrics (cache: false) are not; a second run does nothing.
first_run_and_no_op() {
    chain
    expect_output_contains "Running stage 'prepare':"
    expect_output_contains "> echo prepare >>\"\$RUNS\" && tr a-z A-Z <data.txt >prepared.txt"
    [ "$(grep -n "Running stage 'prepare'" "$OUT" | cut -d: -f1)" -lt \
        "$(grep -n "Running stage 'train'" "$OUT" | cut -d: -f1)" ] || fail "train ran before prepare"
    [ "$(grep -n "Running stage 'train'" "$OUT" | cut -d: -f1)" -lt \
        "$(grep -n "Running stage 'evaluate'" "$OUT" | cut -d: -f1)" ] || fail "evaluate ran before train"
    expect_file_equals prepared.txt RAW
    expect_file_equals metrics.json 3
    expect_true grep -qx "schema: '2.0'" trove.lock
    for s in evaluate other prepare train; do
        grep -qx "  $s:" trove.lock || fail "trove.lock has no stage $s"
    done
    [ "$(grep -x '  [a-z]*:' trove.lock | tr -d ' :\n')" = evaluateotherpreparetrain ] ||
        fail "trove.lock stages are not sorted by name"
    expect_true grep -q "prepare.n: 1" trove.lock
    expect_true grep -q "train.lr: 0.1" trove.lock
    expect_false grep -q "epochs" trove.lock
    expect_true grep -qx /prepared.txt .gitignore
    expect_true grep -qx /model.txt .gitignore
    expect_false grep -q metrics.json .gitignore
    expect_true test -f "$(cache_object "$(sha model.txt)")"
    expect_ok trove repro
    runs_were ""
    expect_output_contains "Stage 'train' didn't change, skipping"
    expect_output_contains "Data and pipelines are up to date."
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    expect_ok trove status -q
}

# Changing a dependency re-runs its stage and what depends on it, nothing else.
reruns_only_downstream_of_changed_dep() {
    chain
    echo c2 >config.txt
    expect_ok trove repro
    runs_were "train evaluate"
    expect_output_contains "Stage 'prepare' didn't change, skipping"
    expect_output_contains "Stage 'other' didn't change, skipping"
    expect_output_contains "Running stage 'train':"
    expect_output_lacks "Running stage 'prepare'"
    expect_true grep -qx c2 model.txt
    expect_ok trove repro
    runs_were ""
    expect_output_contains "Data and pipelines are up to date."
    # A stage whose output comes out the same stops the chain there.
    echo RAW >data.txt
    expect_ok trove repro
    runs_were "prepare"
}

# A parameter no stage uses changes nothing; neither does writing the same
# value differently (0.1 and 0.10).
unused_param_change_runs_nothing() {
    chain
    set_param epochs 30
    set_param lr 0.10
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    expect_ok trove repro
    runs_were ""
    expect_output_contains "Data and pipelines are up to date."
}

# A used parameter re-runs its stage and the stages downstream.
used_param_change_reruns_stage() {
    chain
    set_param lr 0.2
    expect_ok trove status
    expect_stdout_equals "train: changed params: train.lr"
    expect_ok trove repro
    runs_were "train evaluate"
    expect_true grep -q "train.lr: 0.2" trove.lock
    expect_true grep -q "lr: 0.2" model.txt
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

# Editing a stage's command re-runs it.
cmd_edit_reruns_stage() {
    chain
    sed -i 's/cp other.txt other.out/cat other.txt other.txt >other.out/' trove.yaml
    expect_ok trove status
    expect_stdout_equals "other: changed command"
    expect_ok trove repro
    runs_were "other"
    expect_file_equals other.out "o1
o1"
    expect_true grep -q "cat other.txt other.txt >other.out" trove.lock
}

# A deleted output comes back from the cache without running the stage;
# without its cache object, the stage runs again.
deleted_out_restored_from_cache() {
    chain
    cp model.txt ../model.txt
    rm model.txt
    expect_ok trove status
    expect_stdout_equals "train: changed outs: model.txt
evaluate: changed deps: model.txt"
    expect_ok trove repro
    runs_were ""
    expect_output_contains "Stage 'train' didn't change, checked out its outputs"
    expect_same_bytes ../model.txt model.txt
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    # trove checkout restores stage outputs as well.
    rm model.txt prepared.txt
    expect_ok trove checkout
    expect_same_bytes ../model.txt model.txt
    expect_file_equals prepared.txt RAW
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    # Gone from the cache too: only running the stage brings it back.
    rm -f "$(cache_object "$(sha model.txt)")"
    rm model.txt
    expect_ok trove repro
    runs_were "train"
    expect_same_bytes ../model.txt model.txt
    expect_true test -f "$(cache_object "$(sha model.txt)")"
}

# A frozen stage never runs, not even with -f; freeze and unfreeze edit
# trove.yaml and nothing else in it.
frozen_stage_is_skipped() {
    chain
    cp trove.yaml ../trove.yaml
    expect_ok trove freeze train
    expect_true grep -q "frozen: true" trove.yaml
    expect_true grep -q "# lr is the only parameter train reads" trove.yaml
    expect_ok trove dag --json
    expect_json 'j["stages"]["train"]["cmd"].startswith("echo train")'
    echo c2 >config.txt
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    expect_ok trove repro
    runs_were ""
    expect_output_contains "Stage 'train' is frozen, skipping"
    expect_ok trove repro -f
    runs_were "prepare evaluate other"
    expect_output_contains "Stage 'train' is frozen, skipping"
    expect_ok trove repro -f -s train
    runs_were ""
    expect_true grep -qx c1 model.txt
    # A missing output of a frozen stage is still restored from the cache.
    rm model.txt
    expect_ok trove repro train
    runs_were ""
    expect_true grep -qx c1 model.txt
    expect_ok trove unfreeze train
    expect_same_bytes ../trove.yaml trove.yaml
    expect_ok trove repro
    runs_were "train evaluate"
    expect_true grep -qx c2 model.txt
    expect_fail 1 trove freeze nosuchstage
    expect_output_contains "nosuchstage"
    expect_same_bytes ../trove.yaml trove.yaml
}

# status does not hide a frozen stage whose output is missing: repro
# would restore it, so the workspace is not up to date.
frozen_stage_status_sees_missing_output() {
    new_repo r
    echo d1 >data.txt
    cat >trove.yaml <<'EOF'
stages:
  train:
    cmd: cp data.txt model.txt
    deps: [data.txt]
    outs: [model.txt]
EOF
    expect_ok trove repro
    expect_ok trove freeze train
    echo d2 >data.txt
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    rm model.txt
    expect_ok trove status
    grep -q "^train: .*model.txt" "$OUT" || { show_output; fail "status does not name train's missing model.txt"; }
    expect_fail 1 trove status -q
    expect_ok trove repro
    expect_file_equals model.txt d1
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

# expect_pipeline_error PATTERN: repro, status and dag all refuse the
# pipeline with an error matching PATTERN (grep -E, on stderr), run
# nothing and change no file.
expect_pipeline_error() {
    tree_state >../before
    for command in "repro" "status" "dag" "stage list"; do
        expect_fail 1 trove $command
        grep -qE -- "^trove: error: $1" "$ERR" || { show_output; fail "trove $command: no error matching: $1"; }
    done
    runs_were ""
    tree_state >../after
    expect_same_bytes ../before ../after
    expect_false test -e trove.lock
}

# A cycle is refused, naming its stages.
cycle_error() {
    new_repo r
    use_runs
    cat >trove.yaml <<'EOF'
stages:
  a:
    cmd: echo a >>"$RUNS" && cp c.txt a.txt
    deps: [c.txt]
    outs: [a.txt]
  b:
    cmd: echo b >>"$RUNS" && cp a.txt b.txt
    deps: [a.txt]
    outs: [b.txt]
  c:
    cmd: echo c >>"$RUNS" && cp b.txt c.txt
    deps: [b.txt]
    outs: [c.txt]
EOF
    expect_pipeline_error "trove\.yaml:[0-9]+:[0-9]+: .*cycle"
    # All three, each followed by the stage it feeds.
    grep -qE "a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c" "$ERR" ||
        { show_output; fail "the cycle is not spelled out"; }
}

# Two stages writing the same output are refused, naming both.
duplicate_out_error() {
    new_repo r
    use_runs
    cat >trove.yaml <<'EOF'
stages:
  first:
    cmd: echo first >>"$RUNS" && echo 1 >out.txt
    outs: [out.txt]
  second:
    cmd: echo second >>"$RUNS" && echo 2 >out.txt
    outs: [out.txt]
EOF
    expect_pipeline_error "trove\.yaml:(6|7):[0-9]+: output 'out.txt' of stage 'second' is already an output of stage 'first'"
}

# An output inside another stage's output directory is refused.
overlapping_outs_error() {
    new_repo r
    use_runs
    cat >trove.yaml <<'EOF'
stages:
  whole:
    cmd: echo whole >>"$RUNS" && mkdir -p data && echo 1 >data/a
    outs: [data]
  part:
    cmd: echo part >>"$RUNS" && echo 2 >data/b
    outs: [data/b]
EOF
    expect_pipeline_error "trove\.yaml:(5|6):[0-9]+: output 'data/b' of stage 'part' is inside output 'data' of stage 'whole'"
}

# An undefined ${var} is named with where it is used.
undefined_variable_error() {
    new_repo r
    use_runs
    echo "known: 1" >params.yaml
    cat >trove.yaml <<'EOF'
vars:
  - greeting: hello
stages:
  greet:
    cmd: echo greet >>"$RUNS" && echo ${greeting} ${known} ${nosuch} >out.txt
    outs: [out.txt]
EOF
    expect_pipeline_error "trove\.yaml:5:[0-9]+: .*nosuch"
    expect_output_lacks "'greeting'"
}

# A parameter missing from params.yaml: repro and status refuse, naming the
# key and file; dag does not read params.yaml.
missing_param_error() {
    new_repo r
    use_runs
    printf 'train:\n  epochs: 3\n' >params.yaml
    cat >trove.yaml <<'EOF'
stages:
  train:
    cmd: echo train >>"$RUNS" && echo model >model.txt
    params: [train.lr, train.epochs]
    outs: [model.txt]
EOF
    tree_state >../before
    for command in repro status; do
        expect_fail 1 trove $command
        expect_output_contains "Parameters 'train.lr' are missing from 'params.yaml'"
        grep -qE "^trove: error: trove\.yaml:[0-9]+:[0-9]+: " "$ERR" ||
            { show_output; fail "trove $command: the error has no trove.yaml:LINE:COL"; }
        expect_output_lacks "train.epochs"
    done
    runs_were ""
    tree_state >../after
    expect_same_bytes ../before ../after
    expect_false test -e trove.lock
    expect_ok trove dag
    expect_stdout_equals "train"
    # A missing params file is named too.
    rm params.yaml
    expect_fail 1 trove repro
    expect_output_contains "params.yaml"
    runs_were ""
}

# Other broken definitions: each names the file, line and column.
invalid_stage_definitions() {
    new_repo r
    use_runs
    printf 'stages:\n  s:\n    cmd: echo s >>"$RUNS"\n    outz: [x]\n' >trove.yaml
    expect_pipeline_error "trove\.yaml:4:5: unknown key 'outz'"
    printf 'stages:\n  s:\n    deps: [x]\n' >trove.yaml
    expect_pipeline_error "trove\.yaml:[0-9]+:[0-9]+: .*'s' has no cmd"
    printf 'stages:\n  s:\n    cmd: echo s >>"$RUNS"\n    outs: [../x]\n' >trove.yaml
    expect_pipeline_error "trove\.yaml:4:[0-9]+: path '../x' is outside the repository"
    printf 'stages:\n  s:\n    cmd: echo s >>"$RUNS"\n    deps: [a, b\n' >trove.yaml
    expect_pipeline_error "trove\.yaml:[0-9]+:[0-9]+: "
}

# A stage's output cannot also be tracked by `trove add` (DVC: "output
# ... is already specified in stages").
add_refuses_stage_output() {
    chain
    expect_fail 1 trove add model.txt
    expect_output_contains "model.txt"
    expect_output_contains "train"
    expect_false test -e model.txt.trove
}

# Nor can a stage claim data that `trove add` tracks: repro would replace it.
stage_refuses_added_data_as_output() {
    new_repo r
    use_runs
    echo precious >data.bin
    expect_ok trove add data.bin
    cat >trove.yaml <<'EOF'
stages:
  overwrite:
    cmd: echo overwrite >>"$RUNS" && echo junk >data.bin
    outs: [data.bin]
EOF
    expect_fail 1 trove repro
    expect_output_contains "data.bin.trove"
    runs_were ""
    expect_file_equals data.bin precious
}

# foreach over a list, a mapping and a list of mappings, and matrix, give
# the stage names DVC gives, with ${item} and ${key} filled in.
foreach_and_matrix_names() {
    new_repo r
    cat >trove.yaml <<'EOF'
stages:
  build:
    foreach: [a, b]
    do:
      cmd: echo ${item} >out-${item}.txt
      outs:
        - out-${item}.txt
  fit:
    foreach:
      us: {lr: 1}
      eu: {lr: 2}
    do:
      cmd: echo ${key} ${item.lr}
  dicts:
    foreach:
      - {x: 1}
      - {x: 2}
    do:
      cmd: echo ${item.x}
  train:
    matrix:
      model: [cnn, rnn]
      feature: [f1, f2]
    cmd: echo ${item.model} ${item.feature}
EOF
    expect_ok trove stage list --name-only
    expect_stdout_equals "build@a
build@b
fit@us
fit@eu
dicts@0
dicts@1
train@cnn-f1
train@cnn-f2
train@rnn-f1
train@rnn-f2"
    expect_ok trove dag --json
    expect_json 'j["stages"]["build@b"]["cmd"] == "echo b >out-b.txt"' \
        'j["stages"]["build@b"]["outs"] == ["out-b.txt"]' \
        'j["stages"]["fit@eu"]["cmd"] == "echo eu 2"' \
        'j["stages"]["dicts@1"]["cmd"] == "echo 2"' \
        'j["stages"]["train@rnn-f1"]["cmd"] == "echo rnn f1"'
    expect_ok trove repro build@b
    expect_file_equals out-b.txt b
    expect_false test -e out-a.txt
    expect_output_lacks "fit@"
    expect_ok trove status build@b
    expect_stdout_equals "Data and pipelines are up to date."
    # A generated stage is frozen through the definition that makes it.
    cp trove.yaml ../trove.yaml
    expect_fail 1 trove freeze build@a
    expect_output_contains "build"
    expect_same_bytes ../trove.yaml trove.yaml
}

# vars, inline and from files, and params.yaml fill ${...} in commands,
# dependencies and outputs.
vars_and_interpolation() {
    new_repo r
    printf 'data:\n  name: input\n' >params.yaml
    printf 'model:\n  size: 7\n  kind: tree\nunused: 1\n' >config.yaml
    echo in >input.txt
    cat >trove.yaml <<'EOF'
vars:
  - config.yaml:model
  - suffix: out
    words: [x, y]
stages:
  make:
    vars:
      - local: here
    cmd: cat ${data.name}.txt >${model.kind}.${suffix} && echo ${model.size} ${local} >>${model.kind}.${suffix}
    deps:
      - ${data.name}.txt
    outs:
      - ${model.kind}.${suffix}
EOF
    expect_ok trove dag --json
    expect_json 'j["stages"]["make"]["deps"] == ["input.txt"]' \
        'j["stages"]["make"]["outs"] == ["tree.out"]'
    expect_ok trove repro
    expect_file_equals tree.out "in
7 here"
    expect_true grep -qx /tree.out .gitignore
    # A variable file changes what the stage is, so the stage runs again.
    sed -i 's/size: 7/size: 8/' config.yaml
    expect_ok trove status
    expect_stdout_equals "make: changed command"
    expect_ok trove repro
    expect_true grep -qx "8 here" tree.out
    # vars may not redefine a variable.
    cp trove.yaml ../trove.yaml
    printf 'suffix: other\n' >more.yaml
    sed -i 's/^  - config.yaml:model$/  - config.yaml:model\n  - more.yaml/' trove.yaml
    expect_fail 1 trove dag
    expect_output_contains "suffix"
    # A mapping in a command becomes --key value arguments.
    cp ../trove.yaml trove.yaml
    sed -i 's/ ${local} / ${local} ${model} /' trove.yaml
    expect_ok trove dag --json
    expect_json '"echo 8 here --size 8 --kind tree >>tree.out" in j["stages"]["make"]["cmd"]'
    # A list cannot be put into a command, as in DVC ("Cannot interpolate
    # data of type 'list'").
    cp ../trove.yaml trove.yaml
    sed -i 's/ ${local} / ${local} ${words} /' trove.yaml
    expect_fail 1 trove dag
    expect_output_contains "words"
    expect_output_contains "list"
}

# YAML anchors and merge keys (<<: *base) share settings between stages.
yaml_merge_keys() {
    new_repo r
    echo d >data.txt
    cat >trove.yaml <<'EOF'
stages:
  one: &base
    cmd: cat data.txt >one.txt
    deps: [data.txt]
    outs: [one.txt]
  two:
    <<: *base
    cmd: cat data.txt data.txt >two.txt
    outs: [two.txt]
EOF
    expect_ok trove dag --json
    expect_json 'j["stages"]["two"]["deps"] == ["data.txt"]' \
        'j["stages"]["two"]["outs"] == ["two.txt"]' \
        'j["stages"]["two"]["cmd"] == "cat data.txt data.txt >two.txt"' \
        'j["stages"]["one"]["cmd"] == "cat data.txt >one.txt"'
    expect_ok trove repro
    expect_file_equals two.txt "d
d"
    echo e >data.txt
    expect_ok trove status
    expect_output_contains "one: changed deps: data.txt"
    expect_output_contains "two: changed deps: data.txt"
}

# prepare -> {train, report}, train -> evaluate; train fails.
failing_pipeline() {
    new_repo r
    use_runs
    cat >trove.yaml <<'EOF'
stages:
  prepare:
    cmd: echo prepare >>"$RUNS" && echo p >prepared.txt
    outs: [prepared.txt]
  train:
    cmd: echo train >>"$RUNS" && echo half >model.txt && exit 3
    deps: [prepared.txt]
    outs: [model.txt]
  report:
    cmd: echo report >>"$RUNS" && cp prepared.txt report.txt
    deps: [prepared.txt]
    outs: [report.txt]
  evaluate:
    cmd: echo evaluate >>"$RUNS" && cp model.txt metrics.txt
    deps: [model.txt]
    outs: [metrics.txt]
EOF
}

# A failing stage stops the run: exit 1 naming it and its exit code, the
# stages before it stay in trove.lock, the later ones do not run.
failed_stage_stops_the_run() {
    failing_pipeline
    expect_fail 1 trove repro
    expect_true grep -qx "trove: error: stage 'train' failed with exit code 3" "$ERR"
    runs_were "prepare train"
    expect_true grep -qx "  prepare:" trove.lock
    expect_false grep -q "train:\|evaluate:\|report:" trove.lock
    expect_false test -e metrics.txt
    # Run again: prepare is done; the summary says what did not run.
    expect_fail 1 trove repro --json
    runs_were "train"
    expect_json '{s["name"]: s["status"] for s in j["stages"]} == {"prepare": "skipped", "train": "failed", "report": "not run", "evaluate": "not run"}' \
        '[s for s in j["stages"] if s["name"] == "train"][0]["reason"] == "stage '"'train'"' failed with exit code 3"'
    expect_ok trove status
    expect_output_contains "train: not in the lock file (never run)"
}

# -k goes on with the stages that do not depend on the failed one.
keep_going_runs_independent_stage() {
    failing_pipeline
    expect_fail 1 trove repro -k
    runs_were "prepare train report"
    expect_output_contains "trove: error: stage 'train' failed with exit code 3"
    expect_true grep -qx "  report:" trove.lock
    expect_false grep -q "evaluate:" trove.lock
    expect_file_equals report.txt p
    expect_fail 1 trove repro -k --json
    runs_were "train"
    expect_json '{s["name"]: s["status"] for s in j["stages"]} == {"prepare": "skipped", "train": "failed", "report": "skipped", "evaluate": "not run"}'
}

# -j 2 runs two independent stages at once: each waits (up to 10 s) for the
# other to have started, so both succeed only if they overlapped. Their
# output lines carry the stage name.
parallel_jobs_overlap() {
    new_repo r
    MARKS=$(cd .. && pwd -P)
    export MARKS
    cat >trove.yaml <<'EOF'
stages:
  left:
    cmd: touch "$MARKS/left" && i=0 && while [ ! -e "$MARKS/right" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done && test -e "$MARKS/right" && echo left saw right && echo l >left.txt
    outs: [left.txt]
  right:
    cmd: touch "$MARKS/right" && i=0 && while [ ! -e "$MARKS/left" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done && test -e "$MARKS/left" && echo right saw left && echo r >right.txt
    outs: [right.txt]
EOF
    expect_ok trove repro -j 2
    expect_true grep -qx "\[left\] left saw right" "$OUT"
    expect_true grep -qx "\[right\] right saw left" "$OUT"
    expect_file_equals left.txt l
    expect_file_equals right.txt r
    expect_true grep -qx "  left:" trove.lock
    expect_true grep -qx "  right:" trove.lock
}

# Switching a parameter back restores the earlier result from the run cache
# without running the command; --no-run-cache runs it.
run_cache_restores_earlier_result() {
    new_repo r
    use_runs
    printf 'train:\n  lr: 0.1\n' >params.yaml
    cat >trove.yaml <<'EOF'
stages:
  train:
    cmd: echo train >>"$RUNS" && grep lr params.yaml >model.txt
    params: [train.lr]
    outs: [model.txt]
EOF
    expect_ok trove repro
    runs_were "train"
    cp model.txt ../model-0.1
    set_param lr 0.2
    expect_ok trove repro
    runs_were "train"
    cp model.txt ../model-0.2
    set_param lr 0.1
    expect_ok trove repro
    runs_were ""
    expect_output_contains "restored 'train' from the run cache"
    expect_same_bytes ../model-0.1 model.txt
    expect_true grep -q "train.lr: 0.1" trove.lock
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    set_param lr 0.2
    expect_ok trove repro --json
    runs_were ""
    expect_json 'j["stages"][0]["status"] == "restored"'
    expect_same_bytes ../model-0.2 model.txt
    set_param lr 0.1
    expect_ok trove repro --no-run-cache
    runs_were "train"
    expect_output_lacks "run cache"
    expect_output_contains "Running stage 'train':"
    expect_same_bytes ../model-0.1 model.txt
}

# A DVC project runs as it is with --file dvc.yaml: foreach, vars, params;
# the lock is dvc.trove.lock and DVC's dvc.lock is left alone.
dvc_yaml_with_file_option() {
    new_repo r
    printf 'models: [small, large]\n' >config.yaml
    printf 'join:\n  sep: "+"\n' >params.yaml
    echo "# written by DVC" >dvc.lock
    cp dvc.lock ../dvc.lock
    cat >dvc.yaml <<'EOF'
vars:
  - config.yaml
  - ext: txt
stages:
  fit:
    foreach: ${models}
    do:
      cmd: echo ${item} >${item}.${ext}
      outs:
        - ${item}.${ext}
  join:
    cmd: cat small.txt large.txt >all.txt && echo ${join.sep} >>all.txt && echo 2 >summary.json
    deps: [small.txt, large.txt]
    params: [join.sep]
    outs: [all.txt]
    metrics:
      - summary.json:
          cache: false
EOF
    expect_ok trove stage list --file dvc.yaml --name-only
    expect_stdout_equals "fit@small
fit@large
join"
    expect_ok trove repro --file dvc.yaml
    expect_output_contains "Running stage 'fit@small':"
    expect_file_equals all.txt "small
large
+"
    expect_true test -f dvc.trove.lock
    expect_same_bytes ../dvc.lock dvc.lock
    expect_false test -e trove.lock
    expect_true grep -q "fit@small:" dvc.trove.lock
    expect_true grep -q "join.sep: +" dvc.trove.lock
    expect_ok trove repro --file dvc.yaml
    expect_output_contains "Data and pipelines are up to date."
    expect_ok trove status --file dvc.yaml
    expect_stdout_equals "Data and pipelines are up to date."
    printf 'join:\n  sep: "-"\n' >params.yaml
    expect_ok trove status --file dvc.yaml
    expect_stdout_equals "join: changed command; changed params: join.sep"
    expect_ok trove repro --file dvc.yaml
    expect_true grep -qx -- - all.txt
    expect_same_bytes ../dvc.lock dvc.lock
}

# git checkout of an older commit, then trove checkout: the outputs are the
# ones that commit's trove.lock records, and status is clean.
git_checkout_older_commit() {
    chain
    git add -A && git commit -qm v1
    V1=$(git rev-parse HEAD)
    cp model.txt ../model-v1
    set_param lr 0.5
    echo c2 >config.txt
    expect_ok trove repro
    runs_were "train evaluate"
    git add -A && git commit -qm v2
    cp model.txt ../model-v2
    git checkout -q "$V1"
    expect_ok trove status
    expect_output_contains "train: changed outs: model.txt"
    expect_ok trove checkout
    expect_output_contains "model.txt"
    expect_same_bytes ../model-v1 model.txt
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    expect_ok trove repro
    runs_were ""
    git checkout -q main
    expect_ok trove checkout
    expect_same_bytes ../model-v2 model.txt
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

# --dry says what would run and why, and runs and writes nothing.
dry_run_runs_nothing() {
    new_repo r
    use_runs
    echo d >data.txt
    cat >trove.yaml <<'EOF'
stages:
  prepare:
    cmd: echo prepare >>"$RUNS" && cp data.txt prepared.txt
    deps: [data.txt]
    outs: [prepared.txt]
  train:
    cmd: echo train >>"$RUNS" && cp prepared.txt model.txt
    deps: [prepared.txt]
    outs: [model.txt]
EOF
    expect_ok trove repro --dry
    expect_output_contains "Would run stage 'prepare' (not in the lock file (never run)):"
    expect_output_contains "> echo prepare >>\"\$RUNS\" && cp data.txt prepared.txt"
    expect_output_contains "Would run stage 'train'"
    runs_were ""
    expect_false test -e trove.lock
    expect_false test -e prepared.txt
    expect_false test -e .gitignore
    expect_ok trove repro
    runs_were "prepare train"
    echo e >data.txt
    tree_state >../before
    expect_ok trove repro --dry
    expect_output_contains "Would run stage 'prepare' (changed deps: data.txt):"
    expect_output_contains "Would run stage 'train' (upstream stage 'prepare' would run):"
    runs_were ""
    tree_state >../after
    expect_same_bytes ../before ../after
    expect_ok trove status
    expect_stdout_equals "prepare: changed deps: data.txt"
}

# --dry says what a run does, because both ask the same rule: a deleted
# cached output is checked out (not run), also for the stage that depends
# on it; a changed dep runs; inputs seen before come from the run cache.
dry_run_agrees_with_repro() {
    chain
    cp model.txt ../model.txt
    rm model.txt
    expect_ok trove repro --dry
    expect_output_contains "Stage 'train' didn't change, would check out its outputs"
    expect_output_contains "Stage 'evaluate' didn't change, skipping"
    expect_output_lacks "Would run"
    expect_false test -e model.txt
    expect_ok trove repro --dry --json
    expect_json '{s["name"]: s["status"] for s in j["stages"]} == {"prepare": "skipped", "train": "not run", "evaluate": "skipped", "other": "skipped"}' \
        '[s["reason"] for s in j["stages"] if s["name"] == "train"] == ["outputs would be checked out from the cache"]'
    expect_ok trove repro
    expect_output_contains "Stage 'train' didn't change, checked out its outputs"
    expect_output_contains "Stage 'evaluate' didn't change, skipping"
    runs_were ""
    expect_same_bytes ../model.txt model.txt
    # A changed dep: both run the stage and what depends on it.
    echo c2 >config.txt
    expect_ok trove repro --dry
    expect_output_contains "Would run stage 'train' (changed deps: config.txt):"
    expect_output_contains "Would run stage 'evaluate' (upstream stage 'train' would run):"
    runs_were ""
    expect_ok trove repro
    expect_output_contains "Running stage 'train':"
    runs_were "train evaluate"
    # Back to the first config: train's inputs were seen before, and so,
    # once train is restored, were evaluate's: both come from the run cache.
    echo c1 >config.txt
    expect_ok trove repro --dry
    expect_output_contains "Would restore 'train' from the run cache (changed deps: config.txt)"
    expect_output_contains "Would restore 'evaluate' from the run cache (changed deps: model.txt)"
    expect_output_lacks "Would run"
    runs_were ""
    expect_ok trove repro
    expect_output_contains "restored 'train' from the run cache"
    expect_output_contains "restored 'evaluate' from the run cache"
    runs_were ""
    expect_same_bytes ../model.txt model.txt
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

# --json: the summary alone on stdout, the progress and the commands'
# output on stderr.
json_summary() {
    chain
    echo c2 >config.txt
    sed -i 's/cp other.txt other.out/echo talking \&\& cp other.txt other.out/' trove.yaml
    expect_ok trove repro --json
    runs_were "train evaluate other"
    expect_json 'sorted(s["name"] for s in j["stages"]) == ["evaluate", "other", "prepare", "train"]' \
        '{s["name"]: s["status"] for s in j["stages"]} == {"prepare": "skipped", "train": "ran", "evaluate": "ran", "other": "ran"}' \
        '[s["reason"] for s in j["stages"] if s["name"] == "train"] == ["changed deps: config.txt"]' \
        '[s["reason"] for s in j["stages"] if s["name"] == "other"] == ["changed command"]' \
        '[s["reason"] for s in j["stages"] if s["name"] == "evaluate"] == ["changed deps: model.txt"]' \
        'all(set(s) == {"name", "status", "reason"} for s in j["stages"])'
    expect_true grep -q "Running stage 'train':" "$ERR"
    expect_true grep -qx "talking" "$ERR"
    expect_ok trove freeze other
    expect_ok trove repro --json
    expect_json '{s["name"]: s["status"] for s in j["stages"]} == {"prepare": "skipped", "train": "skipped", "evaluate": "skipped", "other": "frozen"}'
    expect_ok trove repro --json --dry -f
    expect_json '{s["name"]: s["status"] for s in j["stages"]} == {"prepare": "not run", "train": "not run", "evaluate": "not run", "other": "frozen"}'
    runs_were ""
}

# Commands see TROVE_ROOT and TROVE_STAGE and run beside their pipeline
# file; a pipeline file in a subdirectory has its own lock file.
environment_and_subdirectory() {
    new_repo r
    mkdir sub
    cat >trove.yaml <<'EOF'
stages:
  top:
    cmd: printf '%s\n' "$TROVE_STAGE" "$TROVE_ROOT" "$PWD" >env.txt
    outs: [env.txt]
EOF
    cat >sub/trove.yaml <<'EOF'
stages:
  inner:
    cmd: printf '%s\n' "$TROVE_STAGE" "$TROVE_ROOT" "$PWD" >env.txt
    outs: [env.txt]
EOF
    root=$(pwd -P)
    expect_ok trove stage list --name-only
    expect_stdout_equals "sub/trove.yaml:inner
top"
    # Only the stages below sub/.
    TROVE_STAGE=outer expect_ok trove repro -R sub
    expect_false test -e env.txt
    expect_file_equals sub/env.txt "sub/trove.yaml:inner
$root
$root/sub"
    expect_true test -f sub/trove.lock
    expect_false test -e trove.lock
    expect_true grep -qx /env.txt sub/.gitignore
    # Run from a subdirectory, the root is still the root.
    cd sub
    TROVE_STAGE=outer expect_ok trove repro
    cd ..
    expect_file_equals env.txt "top
$root
$root"
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

# wdir: the command runs there, paths and params.yaml are relative to it.
wdir_is_honoured() {
    new_repo r
    mkdir sub
    echo d >data.txt
    printf 'lr: 1\n' >params.yaml
    printf 'lr: 5\n' >sub/params.yaml
    cat >trove.yaml <<'EOF'
stages:
  fit:
    wdir: sub
    cmd: pwd >where.txt && cat ../data.txt >>where.txt && grep lr params.yaml >>where.txt
    deps: [../data.txt]
    params: [lr]
    outs: [where.txt]
EOF
    expect_ok trove repro
    expect_file_equals sub/where.txt "$(pwd -P)/sub
d
lr: 5"
    expect_false test -e where.txt
    expect_true grep -qx /where.txt sub/.gitignore
    expect_true grep -q "lr: 5" trove.lock
    printf 'lr: 2\n' >params.yaml
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    printf 'lr: 6\n' >sub/params.yaml
    expect_ok trove status
    expect_stdout_equals "fit: changed params: lr"
    echo e >data.txt
    expect_ok trove status
    expect_stdout_equals "fit: changed deps: ../data.txt; changed params: lr"
    expect_ok trove repro
    expect_file_equals sub/where.txt "$(pwd -P)/sub
e
lr: 6"
    rm sub/where.txt
    expect_ok trove checkout
    expect_true grep -qx "lr: 6" sub/where.txt
}

# stage add writes a stage that runs, keeps the comments already in
# trove.yaml, and replaces a stage only with -f.
# stage add creates trove.yaml, or a stages block in a file without one.
stage_add_to_new_file() {
    new_repo r
    expect_ok trove stage add -n make -o out.txt "echo hi > out.txt"
    expect_file_equals trove.yaml "stages:
  make:
    cmd: echo hi > out.txt
    outs:
      - out.txt"
    expect_ok trove repro
    expect_file_equals out.txt hi
    printf '# vars only\nvars:\n  - a: 1\n' >other.yaml
    expect_ok trove stage add --file other.yaml -n second "echo \${a}"
    expect_true grep -qx "# vars only" other.yaml
    expect_true grep -qx "stages:" other.yaml
    expect_ok trove stage list --file other.yaml --name-only
    expect_stdout_equals "second"
}

stage_add_keeps_comments() {
    new_repo r
    echo d >data.txt
    printf 'train:\n  lr: 0.1\n' >params.yaml
    cat >trove.yaml <<'EOF'
# Our pipeline; keep this comment.
stages:
  # the first stage
  prepare:
    cmd: cp data.txt prepared.txt  # copy
    deps: [data.txt]
    outs: [prepared.txt]

# trailing comment
EOF
    expect_ok trove stage add -n train -d prepared.txt -o model.txt -p train.lr \
        -M metrics.json "cp prepared.txt model.txt && echo 1 >metrics.json"
    expect_output_contains "train"
    for line in "# Our pipeline; keep this comment." "  # the first stage" \
        "    cmd: cp data.txt prepared.txt  # copy" "# trailing comment"; do
        grep -qxF "$line" trove.yaml || { cat trove.yaml; fail "lost the line: $line"; }
    done
    expect_ok trove dag --json
    expect_json 'j["stages"]["train"]["cmd"] == "cp prepared.txt model.txt && echo 1 >metrics.json"' \
        'j["stages"]["train"]["deps"] == ["prepared.txt"]' \
        'j["stages"]["train"]["outs"] == ["model.txt"]' \
        'j["stages"]["train"]["params"] == {"params.yaml": ["train.lr"]}' \
        'j["stages"]["train"]["metrics"] == ["metrics.json"]' \
        'j["edges"] == [["prepare", "train"]]'
    expect_ok trove repro
    expect_file_equals model.txt d
    expect_false grep -q metrics.json .gitignore
    cp trove.yaml ../trove.yaml
    expect_fail 1 trove stage add -n train -o other.txt "echo x >other.txt"
    expect_output_contains "already exists"
    expect_same_bytes ../trove.yaml trove.yaml
    expect_ok trove stage add -f -n train -d prepared.txt -o model.txt "cat prepared.txt prepared.txt >model.txt"
    expect_true grep -qF "# Our pipeline; keep this comment." trove.yaml
    expect_true grep -qF "# trailing comment" trove.yaml
    expect_ok trove stage list --name-only
    expect_stdout_equals "prepare
train"
    expect_ok trove status
    expect_output_contains "train: changed command; changed params: train.lr"
    # A stage that would break the pipeline is not added.
    expect_fail 1 trove stage add -n again -o model.txt "echo x >model.txt"
    expect_output_contains "model.txt"
    expect_false grep -q again trove.yaml
}

# Adding a stage after the last one leaves that stage's trailing comment
# (a commented-out line) in it, not inside the new stage.
stage_add_leaves_comments_in_their_stage() {
    new_repo r
    cat >trove.yaml <<'EOF'
stages:
  prepare:
    cmd: echo p >p.txt
    outs: [p.txt]
    # metrics: [m.json]
EOF
    expect_ok trove stage add -n train -d p.txt -o model.txt "cp p.txt model.txt"
    [ "$(sed -n 5p trove.yaml)" = "    # metrics: [m.json]" ] ||
        { cat trove.yaml; fail "the comment of stage prepare moved"; }
    expect_ok trove dag --json
    expect_json 'list(j["stages"]) == ["prepare", "train"]'
}

# status names what changed in each stage; --json and -q say the same.
status_lists_changes() {
    chain
    echo c2 >config.txt
    echo RAW2 >data.txt
    set_param lr 0.3
    set_param n 2
    expect_ok trove status
    expect_output_contains "prepare: changed deps: data.txt; changed params: prepare.n"
    expect_output_contains "train: changed deps: config.txt; changed params: train.lr"
    expect_output_lacks "other"
    expect_output_lacks "up to date"
    expect_fail 1 trove status -q
    expect_stdout_equals ""
    expect_ok trove status --json
    expect_json 'sorted(j) == ["trove.yaml:prepare", "trove.yaml:train"]' \
        'j["trove.yaml:train"]["stage"] == "train"' \
        'j["trove.yaml:train"]["changed_deps"] == ["config.txt"]' \
        'j["trove.yaml:train"]["changed_params"] == ["train.lr"]' \
        'j["trove.yaml:train"]["changed_outs"] == []' \
        'j["trove.yaml:train"]["changed_command"] is False' \
        'j["trove.yaml:train"]["never_run"] is False' \
        'j["trove.yaml:train"]["always_changed"] is False'
    # Only the named stage.
    expect_ok trove status train
    expect_stdout_equals "train: changed deps: config.txt; changed params: train.lr"
    expect_ok trove repro
    expect_ok trove status -q
    # A stage never run, and one that always runs.
    cat >>trove.yaml <<'EOF'
  fresh:
    cmd: echo fresh >fresh.txt
    outs: [fresh.txt]
  always:
    cmd: "true"
    always_changed: true
EOF
    expect_ok trove status
    expect_output_contains "fresh: not in the lock file (never run)"
    expect_ok trove status --json
    expect_json 'j["trove.yaml:fresh"]["never_run"] is True'
    expect_ok trove repro
    expect_ok trove status
    expect_stdout_equals "always: always changed"
    expect_ok trove repro
    expect_output_contains "Running stage 'always':"
    expect_output_lacks "up to date"
    expect_ok trove status --json
    expect_json 'j["trove.yaml:always"]["always_changed"] is True'
}

# persist: true keeps an output in place while the stage runs again;
# other outputs are removed first. The cached copy is not modified.
persist_out_is_kept() {
    new_repo r
    echo 1 >data.txt
    cat >trove.yaml <<'EOF'
stages:
  log:
    cmd: cat data.txt >>history.txt && cat data.txt >>scratch.txt
    deps: [data.txt]
    outs:
      - history.txt:
          persist: true
      - scratch.txt
EOF
    expect_ok trove repro
    first=$(sha history.txt)
    echo 2 >data.txt
    expect_ok trove repro
    expect_file_equals history.txt "1
2"
    expect_file_equals scratch.txt 2
    expect_file_equals "$(cache_object "$first")" 1
    # The same with hardlinks into the cache.
    expect_ok trove config cache.type hardlink
    echo 3 >data.txt
    expect_ok trove repro
    second=$(sha history.txt)
    echo 4 >data.txt
    expect_ok trove repro
    expect_file_equals history.txt "1
2
3
4"
    expect_file_equals "$(cache_object "$second")" "1
2
3"
    expect_ok trove fsck
}

# Content of an output that is not in the cache (a hand edit) is saved to
# the cache, with a warning, before the output is replaced.
unsaved_out_content_is_saved() {
    chain
    rm model.txt
    echo "my edit" >model.txt
    edit=$(sha model.txt)
    # Restored from the cache: the edit is saved first.
    expect_ok trove repro
    runs_were ""
    expect_output_contains "saved"
    expect_output_contains "sha256:$edit"
    expect_file_equals "$(cache_object "$edit")" "my edit"
    expect_true grep -qx c1 model.txt
    # Run again: the same before the command replaces it.
    rm model.txt
    echo "my second edit" >model.txt
    edit=$(sha model.txt)
    echo c2 >config.txt
    expect_ok trove repro
    runs_were "train evaluate"
    expect_output_contains "saved"
    expect_output_contains "sha256:$edit"
    expect_file_equals "$(cache_object "$edit")" "my second edit"
    expect_true grep -qx c2 model.txt
}

# A command that succeeds without writing an output fails its stage,
# naming the output.
missing_output_fails_stage() {
    new_repo r
    cat >trove.yaml <<'EOF'
stages:
  lazy:
    cmd: echo wrote >made.txt
    outs: [made.txt, forgotten.txt]
EOF
    expect_fail 1 trove repro
    expect_true grep -q "^trove: error: .*'lazy'.*'forgotten.txt'" "$ERR"
    expect_false test -e trove.lock
    expect_ok trove status
    expect_stdout_equals "lazy: not in the lock file (never run)"
}

# Directories as dependencies and outputs: a file changed inside re-runs
# the stage; a deleted or damaged output directory is restored.
directory_deps_and_outs() {
    new_repo r
    use_runs
    mkdir -p raw/sub
    echo a >raw/a
    echo b >raw/sub/b
    cat >trove.yaml <<'EOF'
stages:
  split:
    cmd: echo split >>"$RUNS" && rm -rf parts && mkdir parts && cp -r raw/* parts/ && ls -R raw >parts/listing
    deps: [raw]
    outs: [parts]
  count:
    cmd: echo count >>"$RUNS" && cat parts/a parts/sub/b >count.txt
    deps: [parts/sub]
    outs: [count.txt]
EOF
    expect_ok trove repro
    runs_were "split count"
    expect_true grep -qx /parts .gitignore
    expect_true grep -q "nfiles: 2" trove.lock
    expect_true grep -q "nfiles: 3" trove.lock
    expect_ok trove dag --json
    expect_json 'j["edges"] == [["split", "count"]]'
    echo c >raw/c
    expect_ok trove status
    expect_stdout_equals "split: changed deps: raw"
    expect_ok trove repro
    # count reads parts/sub, which did not change.
    runs_were "split"
    expect_file_equals parts/c c
    cp -r parts ../parts
    rm -rf parts
    expect_ok trove repro
    runs_were ""
    expect_output_contains "Stage 'split' didn't change, checked out its outputs"
    diff -r ../parts parts >/dev/null || fail "parts is not restored"
    rm parts/a
    echo stray >parts/stray
    expect_ok trove status
    expect_output_contains "split: changed outs: parts"
    expect_ok trove checkout -f
    diff -r ../parts parts >/dev/null || fail "parts is not restored"
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

# A list of commands runs in order and stops at the first that fails.
command_list() {
    new_repo r
    use_runs
    cat >trove.yaml <<'EOF'
stages:
  steps:
    cmd:
      - echo one >>"$RUNS"
      - echo two >>"$RUNS" && echo out >out.txt
    outs: [out.txt]
EOF
    expect_ok trove repro
    runs_were "one two"
    expect_output_contains "> echo one"
    expect_output_contains "> echo two"
    expect_true grep -q "echo two" trove.lock
    sed -i 's/- echo one >>"$RUNS"$/- echo one >>"$RUNS" \&\& false/' trove.yaml
    expect_true grep -q "one.*false" trove.yaml
    expect_fail 1 trove repro
    runs_were "one"
    expect_output_contains "stage 'steps' failed with exit code 1"
}

# Parameters from another file, and a whole file as parameters.
params_from_other_files() {
    new_repo r
    use_runs
    printf 'lr: 1\nseed: 7\n' >train.yaml
    printf '{"batch": 32, "name": "x"}\n' >config.json
    cat >trove.yaml <<'EOF'
stages:
  train:
    cmd: echo train >>"$RUNS" && cat train.yaml config.json >model.txt
    params:
      - train.yaml:
          - lr
      - config.json:
    outs: [model.txt]
EOF
    expect_ok trove repro
    runs_were "train"
    expect_true grep -q "train.yaml:" trove.lock
    expect_true grep -q "batch: 32" trove.lock
    sed -i 's/seed: 7/seed: 8/' train.yaml
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    printf '{"batch": 64, "name": "x"}\n' >config.json
    expect_ok trove status
    expect_stdout_equals "train: changed params: batch"
    sed -i 's/lr: 1/lr: 2/' train.yaml
    expect_ok trove repro
    runs_were "train"
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

# -s runs only the target; --downstream the target and what follows it.
single_item_and_downstream() {
    chain
    echo RAW2 >data.txt
    echo c2 >config.txt
    expect_ok trove repro -s train
    runs_were "train"
    expect_ok trove status
    expect_output_contains "prepare: changed deps: data.txt"
    expect_output_contains "evaluate: changed deps: model.txt"
    expect_ok trove repro --downstream train
    runs_were "evaluate"
    expect_ok trove repro train
    runs_were "prepare train"
    expect_ok trove repro -f -s other
    runs_were "other"
    expect_fail 1 trove repro nosuch
    expect_output_contains "'nosuch' is not a stage"
    runs_were ""
    # A missing dependency fails unless --allow-missing.
    rm other.txt
    expect_fail 1 trove repro other
    expect_output_contains "other.txt"
    expect_ok trove repro --allow-missing other
    runs_were ""
}

# dag prints the graph as text, JSON, DOT and Mermaid.
dag_formats() {
    chain
    expect_ok trove dag
    expect_output_contains "train"
    grep -q "^evaluate *<- train$" "$OUT" || { show_output; fail "evaluate does not wait for train"; }
    expect_ok trove dag --json
    expect_json 'sorted(map(tuple, j["edges"])) == [("prepare", "train"), ("train", "evaluate")]' \
        'list(j["stages"]) == ["prepare", "train", "evaluate", "other"]' \
        'j["stages"]["evaluate"]["metrics"] == ["metrics.json"]'
    expect_ok trove dag --dot
    expect_output_contains '"prepare" -> "train";'
    expect_ok trove dag --mermaid
    expect_output_contains "flowchart TD"
    expect_ok trove dag evaluate --json
    expect_json 'sorted(j["stages"]) == ["evaluate", "prepare", "train"]'
}

# A second repro while one runs fails at once (core.lock_timeout 0),
# naming the holder; the first one finishes.
second_repro_is_locked_out() {
    new_repo r
    MARKS=$(cd .. && pwd -P)
    export MARKS
    cat >trove.yaml <<'EOF'
stages:
  hold:
    cmd: touch "$MARKS/started" && i=0 && while [ ! -e "$MARKS/release" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done && echo held >held.txt
    outs: [held.txt]
EOF
    "$TROVE" repro >../first.out 2>&1 &
    first=$!
    trap 'touch "$MARKS/release"' EXIT # a failed check lets it finish
    wait_for ../started
    TROVE_CORE_LOCK_TIMEOUT=0 expect_fail 1 trove repro
    expect_output_contains "locked by another trove process"
    expect_output_contains "repro"
    touch ../release
    wait $first || { cat ../first.out; fail "the first repro failed"; }
    expect_file_equals held.txt held
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

# group_alive PGID: a live (not zombie) process is in that process group.
group_alive() {
    cat /proc/[0-9]*/stat 2>/dev/null |
        awk -v g="$1" '{ sub(/.*\) /, ""); if ($3 == g && $1 != "Z") found = 1 }
            END { exit !found }'
}

# Ctrl-C during a stage: the command is stopped, trove exits 130 and the
# lock file keeps the stages that completed.
interrupt_stops_the_run() {
    new_repo r
    MARKS=$(cd .. && pwd -P)
    export MARKS
    cat >trove.yaml <<'EOF'
stages:
  prepare:
    cmd: echo p >prepared.txt
    outs: [prepared.txt]
  slow:
    cmd: ps -o pgid= -p $$ | tr -d ' ' >"$MARKS/pid.tmp" && mv "$MARKS/pid.tmp" "$MARKS/slow.pid" && sleep 30 && echo done >slow.txt
    deps: [prepared.txt]
    outs: [slow.txt]
EOF
    "$TROVE" repro >../repro.out 2>../repro.err &
    pid=$!
    group=
    # A failed check leaves nothing running behind.
    trap '[ -z "$pid" ] || kill -KILL $pid 2>/dev/null; [ -z "$group" ] || kill -KILL -- -"$group" 2>/dev/null' EXIT
    wait_for ../slow.pid
    group=$(cat ../slow.pid)
    [ "$group" -gt 1 ] 2>/dev/null || fail "no process group recorded: '$group'"
    group_alive "$group" || fail "the stage's process group $group is not running"
    kill -INT $pid
    tries=200
    while kill -0 $pid 2>/dev/null && [ $tries -gt 0 ]; do
        sleep 0.05
        tries=$((tries - 1))
    done
    kill -0 $pid 2>/dev/null && fail "trove repro still runs 10 s after SIGINT"
    rc=0
    wait $pid || rc=$?
    pid=
    [ "$rc" = 130 ] || { cat ../repro.out ../repro.err; fail "exit status $rc after SIGINT, expected 130"; }
    tries=100
    while group_alive "$group" && [ $tries -gt 0 ]; do
        sleep 0.05
        tries=$((tries - 1))
    done
    group_alive "$group" && fail "the stage's command survived the interrupt"
    group=
    grep -q "interrupted" ../repro.err || { cat ../repro.err; fail "no word of the interrupt"; }
    expect_true grep -qx "  prepare:" trove.lock
    expect_false grep -q "slow" trove.lock
    expect_false test -e slow.txt
    expect_ok trove status
    expect_stdout_equals "slow: not in the lock file (never run)"
}

# gc keeps what trove.lock records at the revisions it is asked to keep.
gc_keeps_lock_outputs_of_old_commits() {
    new_repo r
    cat >trove.yaml <<'EOF'
stages:
  make:
    cmd: cat in.txt > out.txt
    deps: [in.txt]
    outs: [out.txt]
EOF
    echo one >in.txt
    expect_ok trove repro
    git add -A && git commit -qm one
    echo two >in.txt
    expect_ok trove repro
    git add -A && git commit -qm two
    id_one=$(sha256sum <<<one | cut -c1-64)
    id_two=$(sha256sum <<<two | cut -c1-64)
    expect_ok trove gc --all-commits -f
    expect_true test -f "$(cache_object "$id_one")"
    expect_ok trove gc -w -f
    expect_false test -e "$(cache_object "$id_one")"
    expect_true test -f "$(cache_object "$id_two")"
}

test_case first_run_and_no_op
test_case reruns_only_downstream_of_changed_dep
test_case unused_param_change_runs_nothing
test_case used_param_change_reruns_stage
test_case cmd_edit_reruns_stage
test_case deleted_out_restored_from_cache
test_case frozen_stage_is_skipped
test_case frozen_stage_status_sees_missing_output
test_case cycle_error
test_case duplicate_out_error
test_case overlapping_outs_error
test_case undefined_variable_error
test_case missing_param_error
test_case invalid_stage_definitions
test_case add_refuses_stage_output
test_case stage_refuses_added_data_as_output
test_case foreach_and_matrix_names
test_case vars_and_interpolation
test_case yaml_merge_keys
test_case failed_stage_stops_the_run
test_case keep_going_runs_independent_stage
test_case parallel_jobs_overlap
test_case run_cache_restores_earlier_result
test_case dvc_yaml_with_file_option
test_case git_checkout_older_commit
test_case dry_run_runs_nothing
test_case dry_run_agrees_with_repro
test_case json_summary
test_case environment_and_subdirectory
test_case wdir_is_honoured
test_case stage_add_to_new_file
test_case stage_add_keeps_comments
test_case stage_add_leaves_comments_in_their_stage
test_case status_lists_changes
test_case persist_out_is_kept
test_case unsaved_out_content_is_saved
test_case missing_output_fails_stage
test_case directory_deps_and_outs
test_case command_list
test_case params_from_other_files
test_case single_item_and_downstream
test_case dag_formats
test_case second_repro_is_locked_out
test_case interrupt_stops_the_run
test_case gc_keeps_lock_outputs_of_old_commits
finish
