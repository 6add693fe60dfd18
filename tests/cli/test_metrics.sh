#!/usr/bin/env bash
# trove metrics show, metrics diff, params diff: values across revisions.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || { echo "skip: python3 is not installed"; exit 125; }
# The interpreter itself, not a wrapper (a pyenv shim takes a second a run).
PYTHON=$(python3 -S -c 'import sys; print(sys.executable)')
[ -x "$PYTHON" ] || PYTHON=python3

# commit MESSAGE: commits everything, each commit a minute after the last, so
# that the order of history does not depend on how fast the test runs.
COMMIT_TIME=1700000000
commit() {
    COMMIT_TIME=$((COMMIT_TIME + 60))
    git add -A || fail "git add failed"
    GIT_AUTHOR_DATE="@$COMMIT_TIME +0000" GIT_COMMITTER_DATE="@$COMMIT_TIME +0000" \
        git commit -qm "$1" || fail "git commit failed"
}

short() { git rev-parse --short=7 "$1"; }

# expect_stdout_rows TEXT: stdout is TEXT, the header and the workspace rows
# first as they are, the other rows in any order.
expect_stdout_rows() {
    local got want
    sorted_after_workspace() {
        awk 'NR > 1 && !/^workspace / { rest = 1 }
             rest { print | "sort"; next } { print }
             END { fflush(); close("sort") }'
    }
    got=$(sorted_after_workspace <"$OUT")
    want=$(printf '%s\n' "$1" | sorted_after_workspace)
    if [ "$got" != "$want" ]; then
        show_output
        fail "stdout rows are not (in any order after the workspace):
$1"
    fi
}

# expect_json_is EXPR JSON: the Python expression EXPR over the JSON on stdout
# (bound to `j`) equals JSON, types included: 12 is not 12.0, true is not 1.
expect_json_is() {
    "$PYTHON" -S - "$OUT" "$1" "$2" <<'EOF' || { show_output; fail "JSON: $1 is not $2"; }
import json, sys
j = json.load(open(sys.argv[1]))
got = eval(sys.argv[2])
want = json.loads(sys.argv[3])

def same(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return set(a) == set(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b

if not same(got, want):
    sys.exit("got  " + json.dumps(got) + "\nwant " + json.dumps(want))
EOF
}

# expect_md_rows ROWS: stdout is a GitHub markdown table (every line starts
# and ends with |, the second a row of --- cells, as many cells in each row)
# whose header and rows are ROWS, a Python list of lists of cells.
expect_md_rows() {
    "$PYTHON" -S - "$OUT" "$1" <<'EOF' || { show_output; fail "not the markdown table $1"; }
import ast, re, sys
lines = open(sys.argv[1]).read().splitlines()
want = ast.literal_eval(sys.argv[2])
if len(lines) < 2:
    sys.exit("fewer than two lines")
rows = []
for n, line in enumerate(lines, 1):
    if not (line.startswith("|") and line.endswith("|")) or len(line) < 2:
        sys.exit("line %d does not start and end with |: %r" % (n, line))
    cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line[1:-1])]
    rows.append(cells)
widths = {len(r) for r in rows}
if len(widths) != 1:
    sys.exit("rows have different numbers of cells: %s" % sorted(widths))
if not all(re.fullmatch(r":?-{3,}:?", c) for c in rows[1]):
    sys.exit("the second line is not a separator row: %r" % lines[1])
got = [rows[0]] + rows[2:]
if got != want:
    sys.exit("got  %r\nwant %r" % (got, want))
EOF
}

# expect_csv_rows ROWS: stdout parsed as CSV is ROWS (a Python list of lists).
expect_csv_rows() {
    "$PYTHON" -S - "$OUT" "$1" <<'EOF' || { show_output; fail "not the CSV $1"; }
import ast, csv, sys
got = list(csv.reader(open(sys.argv[1], newline="")))
want = ast.literal_eval(sys.argv[2])
if got != want:
    sys.exit("got  %r\nwant %r" % (got, want))
EOF
}

# expect_stderr_contains TEXT
expect_stderr_contains() {
    if ! grep -qF -- "$1" "$ERR"; then
        show_output
        fail "stderr does not contain '$1'"
    fi
}

# A stage that writes metrics.json (kept in git) from m.in.
metrics_stage() {
    cat >trove.yaml <<'EOF'
stages:
  evaluate:
    cmd: cp m.in metrics.json
    deps: [m.in]
    metrics:
      - metrics.json:
          cache: false
EOF
}

# set_metrics JSON: m.in gets JSON, and the stage copies it to metrics.json.
set_metrics() {
    echo "$1" >m.in
    expect_ok trove repro
}

# Four commits: v1 (a tag), an unnamed one, exp (a branch), main; the
# workspace differs from all of them.
history_repo() {
    new_repo r
    metrics_stage
    set_metrics '{"acc": 0.5, "n": 10, "scores": {"f1": 0.25}, "layers": [{"units": 64}], "tags": ["a", "b"]}'
    commit one
    git tag v1
    set_metrics '{"acc": 0.625, "n": 11, "loss": 0.375, "scores": {"f1": 0.5}, "layers": [{"units": 64}, {"units": 32}], "tags": ["a"]}'
    commit two
    set_metrics '{"acc": 0.75, "n": 12, "loss": 0.25, "scores": {"f1": 0.625}, "layers": [{"units": 128}, {"units": 32}], "tags": ["a", "c"]}'
    commit three
    git branch exp
    set_metrics '{"acc": 0.875, "n": 13, "loss": 0.125, "scores": {"f1": 0.75}, "layers": [{"units": 128}, {"units": 16}], "tags": []}'
    commit four
    set_metrics '{"acc": 0.9375, "n": 14, "loss": 0.0625, "scores": {"f1": 0.875}, "layers": [{"units": 256}, {"units": 16}], "tags": ["z"]}'
}

# 1. show over several commits, branches and tags, in every format.
show_across_revisions() {
    history_repo
    local two
    two=$(short HEAD~2)

    expect_ok trove metrics show
    expect_stdout_equals 'Revision   Path          acc     n   loss    scores.f1  layers.0.units  layers.1.units  tags
workspace  metrics.json  0.9375  14  0.0625  0.875      256             16              ["z"]'

    expect_ok trove metrics show -a -T
    expect_stdout_equals 'Revision   Path          acc     n   loss    scores.f1  layers.0.units  layers.1.units  tags
workspace  metrics.json  0.9375  14  0.0625  0.875      256             16              ["z"]
exp        metrics.json  0.75    12  0.25    0.625      128             32              ["a","c"]
main       metrics.json  0.875   13  0.125   0.75       128             16              []
v1         metrics.json  0.5     10  -       0.25       64              -               ["a","b"]'

    # Named revisions in the order given, labelled by their branch or tag,
    # else by the short sha.
    expect_ok trove metrics show v1 HEAD~1
    expect_stdout_equals 'Revision   Path          acc     n   loss    scores.f1  layers.0.units  layers.1.units  tags
workspace  metrics.json  0.9375  14  0.0625  0.875      256             16              ["z"]
v1         metrics.json  0.5     10  -       0.25       64              -               ["a","b"]
exp        metrics.json  0.75    12  0.25    0.625      128             32              ["a","c"]'
    expect_ok trove metrics show HEAD~2 v1
    expect_stdout_equals "Revision   Path          acc     n   loss    scores.f1  layers.0.units  layers.1.units  tags
workspace  metrics.json  0.9375  14  0.0625  0.875      256             16              [\"z\"]
$two    metrics.json  0.625   11  0.375   0.5        64              32              [\"a\"]
v1         metrics.json  0.5     10  -       0.25       64              -               [\"a\",\"b\"]"

    # A commit named twice is shown once.
    expect_ok trove metrics show main HEAD
    expect_stdout_equals 'Revision   Path          acc     n   loss    scores.f1  layers.0.units  layers.1.units  tags
workspace  metrics.json  0.9375  14  0.0625  0.875      256             16              ["z"]
main       metrics.json  0.875   13  0.125   0.75       128             16              []'

    expect_ok trove metrics show -A
    expect_stdout_rows "Revision   Path          acc     n   loss    scores.f1  layers.0.units  layers.1.units  tags
workspace  metrics.json  0.9375  14  0.0625  0.875      256             16              [\"z\"]
main       metrics.json  0.875   13  0.125   0.75       128             16              []
exp        metrics.json  0.75    12  0.25    0.625      128             32              [\"a\",\"c\"]
$two    metrics.json  0.625   11  0.375   0.5        64              32              [\"a\"]
v1         metrics.json  0.5     10  -       0.25       64              -               [\"a\",\"b\"]"

    expect_ok trove metrics show -n 2
    expect_stdout_equals 'Revision   Path          acc     n   loss    scores.f1  layers.0.units  layers.1.units  tags
workspace  metrics.json  0.9375  14  0.0625  0.875      256             16              ["z"]
main       metrics.json  0.875   13  0.125   0.75       128             16              []
exp        metrics.json  0.75    12  0.25    0.625      128             32              ["a","c"]'

    expect_ok trove metrics show -a -T --md
    expect_md_rows '[
        ["Revision", "Path", "acc", "n", "loss", "scores.f1", "layers.0.units", "layers.1.units", "tags"],
        ["workspace", "metrics.json", "0.9375", "14", "0.0625", "0.875", "256", "16", "[\"z\"]"],
        ["exp", "metrics.json", "0.75", "12", "0.25", "0.625", "128", "32", "[\"a\",\"c\"]"],
        ["main", "metrics.json", "0.875", "13", "0.125", "0.75", "128", "16", "[]"],
        ["v1", "metrics.json", "0.5", "10", "-", "0.25", "64", "-", "[\"a\",\"b\"]"]]'

    expect_ok trove metrics show -a -T --csv
    expect_csv_rows '[
        ["Revision", "Path", "acc", "n", "loss", "scores.f1", "layers.0.units", "layers.1.units", "tags"],
        ["workspace", "metrics.json", "0.9375", "14", "0.0625", "0.875", "256", "16", "[\"z\"]"],
        ["exp", "metrics.json", "0.75", "12", "0.25", "0.625", "128", "32", "[\"a\",\"c\"]"],
        ["main", "metrics.json", "0.875", "13", "0.125", "0.75", "128", "16", "[]"],
        ["v1", "metrics.json", "0.5", "10", "-", "0.25", "64", "-", "[\"a\",\"b\"]"]]'

    # JSON: the documents as parsed, the full commit ids.
    expect_ok trove metrics show v1 HEAD~2 --json
    expect_json_is '[e["rev"] for e in j]' "[\"workspace\", \"v1\", \"$two\"]"
    expect_json_is '[e["commit"] for e in j]' "[null, \"$(git rev-parse v1)\", \"$(git rev-parse HEAD~2)\"]"
    expect_json_is 'j[0]["files"]' \
        '{"metrics.json": {"acc": 0.9375, "n": 14, "loss": 0.0625, "scores": {"f1": 0.875}, "layers": [{"units": 256}, {"units": 16}], "tags": ["z"]}}'
    expect_json_is 'j[1]["files"]' \
        '{"metrics.json": {"acc": 0.5, "n": 10, "scores": {"f1": 0.25}, "layers": [{"units": 64}], "tags": ["a", "b"]}}'
    expect_json_is 'j[2]["files"]' \
        '{"metrics.json": {"acc": 0.625, "n": 11, "loss": 0.375, "scores": {"f1": 0.5}, "layers": [{"units": 64}, {"units": 32}], "tags": ["a"]}}'
    expect_json_is '[e["errors"] for e in j]' '[{}, {}, {}]'
    # The JSON round trip: the workspace document is the file itself.
    "$PYTHON" -S -c '
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(j[0]["files"]["metrics.json"] != json.load(open("metrics.json")))
' "$OUT" || fail "the workspace JSON is not metrics.json"
}

# 2. Floats shown with --precision significant digits (5 by default), ints
# as written whatever the precision; JSON keeps every digit.
precision() {
    new_repo r
    printf 'metrics: [m.json]\n' >trove.yaml
    echo '{"acc": 0.123456789, "n": 1234567}' >m.json
    commit one
    echo '{"acc": 0.5, "n": 1234568}' >m.json
    expect_ok trove metrics show HEAD
    expect_stdout_equals 'Revision   Path    acc      n
workspace  m.json  0.5      1234568
main       m.json  0.12346  1234567'
    expect_ok trove metrics show HEAD --precision 3
    expect_stdout_equals 'Revision   Path    acc    n
workspace  m.json  0.5    1234568
main       m.json  0.123  1234567'
    expect_ok trove metrics show HEAD --precision 9 --csv
    expect_csv_rows '[["Revision", "Path", "acc", "n"],
        ["workspace", "m.json", "0.5", "1234568"], ["main", "m.json", "0.123456789", "1234567"]]'
    expect_ok trove metrics show HEAD --precision 3 --json
    expect_json_is 'j[1]["files"]' '{"m.json": {"acc": 0.123456789, "n": 1234567}}'
    expect_ok trove metrics diff --precision 3
    expect_stdout_equals 'Path    Metric  HEAD     workspace  Change
m.json  acc     0.123    0.5        0.377
m.json  n       1234567  1234568    1'
    expect_ok trove metrics diff
    expect_output_contains "m.json  acc     0.12346  0.5        0.37654"
    expect_ok trove metrics diff --precision 3 --json
    expect_json_is 'j["m.json"]["acc"]["old"]' '0.123456789'
    expect_json_is 'j["m.json"]["n"]' '{"old": 1234567, "new": 1234568, "diff": 1}'
}

# 3. A metrics file trove caches (not git) read at an old revision from the
# cache, by the id that revision's trove.lock records.
cached_metrics_at_old_revision() {
    new_repo r
    cat >trove.yaml <<'EOF'
stages:
  evaluate:
    cmd: mkdir -p eval && printf '{"acc":%s}' $(cat in.txt) >eval/metrics.json
    deps: [in.txt]
    metrics:
      - eval/metrics.json
EOF
    echo 0.5 >in.txt
    expect_ok trove repro
    expect_true git check-ignore -q eval/metrics.json
    commit one
    [ -z "$(git ls-files eval/metrics.json)" ] || fail "eval/metrics.json is in git"
    git cat-file -e HEAD:trove.lock || fail "trove.lock is not committed"
    echo 0.75 >in.txt
    expect_ok trove repro
    commit two
    local old
    old=$(short HEAD~1)

    expect_ok trove metrics show HEAD~1 HEAD
    expect_stdout_equals "Revision   Path               acc
workspace  eval/metrics.json  0.75
$old    eval/metrics.json  0.5
main       eval/metrics.json  0.75"
    expect_ok trove metrics diff HEAD~1 HEAD --json
    expect_json_is 'j' '{"eval/metrics.json": {"acc": {"old": 0.5, "new": 0.75, "diff": 0.25}}}'

    # Without its cache object, the old revision is an error; the rest shows.
    local id object
    id=$(git show HEAD~1:trove.lock | sed -n '/^ *outs:/,$ s/^ *hash: *sha256:\([0-9a-f]*\)$/\1/p' | head -n 1)
    [ ${#id} -eq 64 ] || fail "no output id in HEAD~1:trove.lock"
    object=$(cache_object "$id")
    expect_true test -f "$object"
    chmod u+w "$object" "$(dirname "$object")"
    rm -f "$object"
    expect_fail 1 trove metrics show HEAD~1
    expect_stderr_contains "trove: error: $old:"
    expect_stderr_contains "eval/metrics.json"
    expect_stderr_contains "$id"
    grep -q '^workspace  *eval/metrics.json  *0.75$' "$OUT" || { show_output; fail "the workspace row is missing"; }
    expect_output_lacks "0.5"
    expect_fail 1 trove metrics show HEAD~1 --json
    expect_json_is '[e["rev"] for e in j]' "[\"workspace\", \"$old\"]"
    expect_json_is 'j[1]["files"]' '{}'
    expect_json_is 'list(j[1]["errors"])' '["eval/metrics.json"]'
    # HEAD's object is still there.
    expect_ok trove metrics show HEAD
}

# 4. metrics diff: HEAD against the workspace, two revisions, --all, keys on
# one side only, changes, --fail-on-change, JSON.
diff_metrics() {
    new_repo r
    metrics_stage
    set_metrics '{"acc": 0.5, "n": 10, "gone": 3, "same": 0.25}'
    commit one
    set_metrics '{"acc": 0.75, "n": 12, "gone": 3, "same": 0.25, "name": "x"}'
    commit two
    set_metrics '{"acc": 0.875, "n": 9, "same": 0.25, "name": "y", "new": 0.5}'

    expect_ok trove metrics diff
    expect_stdout_equals 'Path          Metric  HEAD  workspace  Change
metrics.json  acc     0.75  0.875      0.125
metrics.json  n       12    9          -3
metrics.json  gone    3     -          -
metrics.json  name    x     y          -
metrics.json  new     -     0.5        -'
    expect_ok trove metrics diff HEAD workspace
    expect_stdout_equals 'Path          Metric  HEAD  workspace  Change
metrics.json  acc     0.75  0.875      0.125
metrics.json  n       12    9          -3
metrics.json  gone    3     -          -
metrics.json  name    x     y          -
metrics.json  new     -     0.5        -'
    expect_ok trove metrics diff workspace HEAD
    expect_output_contains "Path          Metric  workspace  HEAD  Change"
    expect_output_contains "metrics.json  n       9          12    3"

    expect_ok trove metrics diff HEAD~1 HEAD
    expect_stdout_equals 'Path          Metric  HEAD~1  HEAD  Change
metrics.json  acc     0.5     0.75  0.25
metrics.json  n       10      12    2
metrics.json  name    -       x     -'
    expect_ok trove metrics diff HEAD~1 main --all
    expect_stdout_equals 'Path          Metric  HEAD~1  main  Change
metrics.json  acc     0.5     0.75  0.25
metrics.json  n       10      12    2
metrics.json  gone    3       3     0
metrics.json  same    0.25    0.25  0
metrics.json  name    -       x     -'

    expect_ok trove metrics diff --json
    expect_json_is 'j' '{"metrics.json": {
        "acc": {"old": 0.75, "new": 0.875, "diff": 0.125},
        "n": {"old": 12, "new": 9, "diff": -3},
        "gone": {"old": 3, "new": null},
        "name": {"old": "x", "new": "y"},
        "new": {"old": null, "new": 0.5}}}'
    expect_ok trove metrics diff HEAD~1 HEAD --all --json
    expect_json_is 'j["metrics.json"]["gone"]' '{"old": 3, "new": 3, "diff": 0}'
    expect_json_is 'j["metrics.json"]["same"]' '{"old": 0.25, "new": 0.25, "diff": 0.0}'

    expect_ok trove metrics diff --md
    expect_md_rows '[["Path", "Metric", "HEAD", "workspace", "Change"],
        ["metrics.json", "acc", "0.75", "0.875", "0.125"],
        ["metrics.json", "n", "12", "9", "-3"],
        ["metrics.json", "gone", "3", "-", "-"],
        ["metrics.json", "name", "x", "y", "-"],
        ["metrics.json", "new", "-", "0.5", "-"]]'
    expect_ok trove metrics diff --csv
    expect_csv_rows '[["Path", "Metric", "HEAD", "workspace", "Change"],
        ["metrics.json", "acc", "0.75", "0.875", "0.125"],
        ["metrics.json", "n", "12", "9", "-3"],
        ["metrics.json", "gone", "3", "-", "-"],
        ["metrics.json", "name", "x", "y", "-"],
        ["metrics.json", "new", "-", "0.5", "-"]]'

    # --fail-on-change: 1 with a change (the table still printed), else 0.
    expect_fail 1 trove metrics diff --fail-on-change
    expect_output_contains "metrics.json  acc     0.75  0.875      0.125"
    expect_ok trove metrics diff HEAD HEAD --fail-on-change
    expect_ok trove metrics diff HEAD main --fail-on-change --all
    expect_ok trove metrics diff HEAD~1 HEAD
    expect_fail 1 trove metrics diff HEAD~1 HEAD --fail-on-change
    git checkout -q -- metrics.json m.in
    expect_ok trove metrics diff --fail-on-change
    expect_ok trove metrics diff --json
    expect_json_is 'j' '{}'
}

# 5. params diff: nested YAML, a list of scalars as one value, strings, a
# params file a stage names, a top-level params file; 0.2 and 0.20 are equal.
params_diff() {
    new_repo r
    cat >params.yaml <<'EOF'
train:
  lr: 0.1
  optimizer: adam
  seeds: [1, 2, 3]
  layers:
    - units: 64
    - units: 32
  epochs: 10
EOF
    cat >other.yaml <<'EOF'
prep:
  split: 0.2
  name: base
EOF
    echo '{"seed": 1}' >extra.json
    cat >trove.yaml <<'EOF'
params:
  - extra.json
stages:
  prep:
    cmd: echo prep >out.txt
    params:
      - other.yaml:
          - prep.split
    outs: [out.txt]
EOF
    commit one
    cat >params.yaml <<'EOF'
train:
  lr: 0.01
  optimizer: sgd
  seeds: [1, 2, 4]
  layers:
    - units: 128
    - units: 32
  epochs: 10
EOF
    cat >other.yaml <<'EOF'
prep:
  split: 0.20
  name: changed
EOF
    expect_ok trove params diff
    expect_stdout_equals 'Path         Param                 HEAD     workspace
other.yaml   prep.name             base     changed
params.yaml  train.lr              0.1      0.01
params.yaml  train.optimizer       adam     sgd
params.yaml  train.seeds           [1,2,3]  [1,2,4]
params.yaml  train.layers.0.units  64       128'
    expect_ok trove params diff --all
    expect_stdout_equals 'Path         Param                 HEAD     workspace
extra.json   seed                  1        1
other.yaml   prep.split            0.2      0.2
other.yaml   prep.name             base     changed
params.yaml  train.lr              0.1      0.01
params.yaml  train.optimizer       adam     sgd
params.yaml  train.seeds           [1,2,3]  [1,2,4]
params.yaml  train.layers.0.units  64       128
params.yaml  train.layers.1.units  32       32
params.yaml  train.epochs          10       10'
    expect_ok trove params diff --json
    expect_json_is 'sorted(j)' '["other.yaml", "params.yaml"]'
    expect_json_is 'j["other.yaml"]' '{"prep.name": {"old": "base", "new": "changed"}}'
    expect_json_is 'sorted(j["params.yaml"])' \
        '["train.layers.0.units", "train.lr", "train.optimizer", "train.seeds"]'
    expect_json_is '{k: [v["old"], v["new"]] for k, v in j["params.yaml"].items()}' \
        '{"train.lr": [0.1, 0.01], "train.optimizer": ["adam", "sgd"],
          "train.seeds": [[1, 2, 3], [1, 2, 4]], "train.layers.0.units": [64, 128]}'
    expect_json_is '"diff" in j["params.yaml"]["train.seeds"]' 'false'
    expect_json_is '"diff" in j["params.yaml"]["train.optimizer"]' 'false'
    expect_fail 1 trove params diff --fail-on-change

    # Only 0.2 -> 0.20 and a comment: nothing changed.
    git checkout -q -- params.yaml
    cat >other.yaml <<'EOF'
prep:
  split: 0.20  # the same number
  name: base
EOF
    expect_ok trove params diff --fail-on-change
    expect_output_lacks "prep.split"
    expect_ok trove params diff --json
    expect_json_is 'j' '{}'

    # Between two commits; the top-level params file.
    echo '{"seed": 2}' >extra.json
    commit two
    expect_ok trove params diff HEAD~1 HEAD
    expect_stdout_equals 'Path        Param  HEAD~1  HEAD
extra.json  seed   1       2'
    expect_ok trove params diff HEAD~1 --md
    expect_md_rows '[["Path", "Param", "HEAD~1", "workspace"], ["extra.json", "seed", "1", "2"]]'
}

# 6. A malformed metrics file at one revision: the other rows are shown, the
# error names that revision, exit 1.
malformed_file_at_one_revision() {
    new_repo r
    printf 'metrics:\n  - m.json\n  - s.json\n' >trove.yaml
    echo '{"acc": 1}' >m.json
    echo '{"steps": 3}' >s.json
    commit good-one
    echo '{"acc": ' >m.json
    commit bad
    echo '{"acc": 3}' >m.json
    commit good-two
    local one bad
    one=$(short HEAD~2)
    bad=$(short HEAD~1)
    expect_fail 1 trove metrics show -A
    expect_stderr_contains "trove: error: $bad:"
    expect_stderr_contains "m.json"
    [ "$(grep -c '^trove: error:' "$ERR")" -eq 1 ] || { show_output; fail "expected one error"; }
    expect_stdout_rows "Revision   Path    acc  steps
workspace  m.json  3    -
workspace  s.json  -    3
main       m.json  3    -
main       s.json  -    3
$one    m.json  1    -
$one    s.json  -    3
$bad    m.json  -    -
$bad    s.json  -    3"
    expect_fail 1 trove metrics show HEAD~1 HEAD~2 --json
    expect_json_is '[e["rev"] for e in j]' "[\"workspace\", \"$bad\", \"$one\"]"
    expect_json_is 'j[1]["files"]' '{"s.json": {"steps": 3}}'
    expect_json_is 'list(j[1]["errors"])' '["m.json"]'
    expect_json_is 'j[2]["files"]' '{"m.json": {"acc": 1}, "s.json": {"steps": 3}}'
    expect_json_is 'j[2]["errors"]' '{}'
    expect_fail 1 trove metrics diff HEAD~1 HEAD
    expect_stderr_contains "HEAD~1"
    expect_stderr_contains "m.json"
    expect_ok trove metrics show HEAD~2 HEAD
}

# 7. A revision git does not know is an error naming it.
unknown_revision() {
    new_repo r
    printf 'metrics: [m.json]\n' >trove.yaml
    echo '{"acc": 1}' >m.json
    commit one
    expect_fail 1 trove metrics show no-such-rev
    expect_stderr_contains "no-such-rev"
    expect_fail 1 trove metrics show HEAD no-such-rev --json
    expect_stderr_contains "no-such-rev"
    expect_fail 1 trove metrics diff no-such-rev
    expect_stderr_contains "no-such-rev"
    expect_fail 1 trove metrics diff HEAD no-such-rev
    expect_stderr_contains "no-such-rev"
    expect_fail 1 trove params diff no-such-rev
    expect_stderr_contains "no-such-rev"
}

# every file of the work tree and the cache with its hash, the index, HEAD.
repo_state() {
    find . \( -path ./.git -o -path ./.trove/state -o -path ./.trove/tmp \) -prune -o -print |
        sort | while read -r f; do
        if [ -f "$f" ]; then sha256sum "$f"; else echo "$f"; fi
    done
    sha256sum .git/index
    git symbolic-ref HEAD
    git rev-parse HEAD
}

# 8. Reading other revisions changes neither the work tree nor the index.
reading_changes_nothing() {
    new_repo r
    cat >trove.yaml <<'EOF'
params:
  - extra.yaml
stages:
  evaluate:
    cmd: mkdir -p eval && printf '{"acc":%s}' $(cat in.txt) >eval/metrics.json && cp in.txt kept.json
    deps: [in.txt]
    metrics:
      - eval/metrics.json
      - kept.json:
          cache: false
EOF
    echo 'lr: 1' >extra.yaml
    echo 0.5 >in.txt
    expect_ok trove repro
    commit one
    echo 0.75 >in.txt
    echo 'lr: 2' >extra.yaml
    expect_ok trove repro
    commit two
    echo 0.875 >in.txt
    echo 'lr: 3' >extra.yaml
    echo staged >staged.txt
    git add staged.txt
    expect_ok trove repro
    local status before
    status=$(git status --porcelain)
    before=$(repo_state)
    expect_ok trove metrics show -A
    expect_output_contains "0.5"
    expect_ok trove metrics show HEAD~1 --json
    expect_ok trove metrics diff HEAD~1 HEAD --all
    expect_ok trove metrics diff HEAD~1
    expect_ok trove params diff HEAD~1 HEAD
    expect_ok trove params diff HEAD~1 --all --csv
    [ "$(repo_state)" = "$before" ] || {
        diff <(echo "$before") <(repo_state)
        fail "reading revisions changed the repository"
    }
    [ "$(git status --porcelain)" = "$status" ] || fail "git status changed"
    expect_file_equals eval/metrics.json '{"acc":0.875}'
}

# 9. --targets: only the files named, relative to the current directory.
targets_restrict_files() {
    new_repo r
    mkdir sub
    printf 'metrics:\n  - top.json\n  - sub/m.json\n' >trove.yaml
    echo '{"a": 1}' >top.json
    echo '{"b": 2}' >sub/m.json
    commit one
    echo '{"a": 10}' >top.json
    echo '{"b": 20}' >sub/m.json
    expect_ok trove metrics show
    expect_stdout_equals 'Revision   Path        b   a
workspace  sub/m.json  20  -
workspace  top.json    -   10'
    expect_ok trove metrics show --targets top.json
    expect_stdout_equals 'Revision   Path      a
workspace  top.json  10'
    expect_ok trove metrics show HEAD --targets sub/m.json
    expect_stdout_equals 'Revision   Path        b
workspace  sub/m.json  20
main       sub/m.json  2'
    expect_ok trove metrics diff --targets top.json
    expect_stdout_equals 'Path      Metric  HEAD  workspace  Change
top.json  a       1     10         9'
    (
        cd sub || exit 1
        expect_ok trove metrics show --targets m.json
        expect_stdout_equals 'Revision   Path        b
workspace  sub/m.json  20'
        expect_ok trove metrics show HEAD --targets m.json --json
        expect_json_is '[e["files"] for e in j]' '[{"sub/m.json": {"b": 20}}, {"sub/m.json": {"b": 2}}]'
        expect_ok trove metrics diff --targets ../top.json
        expect_stdout_equals 'Path      Metric  HEAD  workspace  Change
top.json  a       1     10         9'
    ) || exit 1
}

# 10. A YAML metrics file is read as well as a JSON one.
yaml_metrics_file() {
    new_repo r
    printf 'metrics: [metrics.yaml]\n' >trove.yaml
    cat >metrics.yaml <<'EOF'
# evaluation
acc: 0.5
n: 12
scores:
  f1: 0.25
classes: [cat, dog]
EOF
    commit one
    sed -i 's/acc: 0.5/acc: 0.75/; s/n: 12/n: 15/' metrics.yaml
    expect_ok trove metrics show HEAD
    expect_stdout_equals 'Revision   Path          acc   n   scores.f1  classes
workspace  metrics.yaml  0.75  15  0.25       ["cat","dog"]
main       metrics.yaml  0.5   12  0.25       ["cat","dog"]'
    expect_ok trove metrics show HEAD --json
    expect_json_is 'j[1]["files"]' '{"metrics.yaml": {"acc": 0.5, "n": 12, "scores": {"f1": 0.25}, "classes": ["cat", "dog"]}}'
    expect_ok trove metrics diff
    expect_stdout_equals 'Path          Metric  HEAD  workspace  Change
metrics.yaml  acc     0.5   0.75       0.25
metrics.yaml  n       12    15         3'
    expect_ok trove metrics diff --json
    expect_json_is 'j' '{"metrics.yaml": {"acc": {"old": 0.5, "new": 0.75, "diff": 0.25}, "n": {"old": 12, "new": 15, "diff": 3}}}'
}

# 11. Usage errors exit 2.
usage_errors() {
    new_repo r
    printf 'metrics: [m.json]\n' >trove.yaml
    echo '{"acc": 1}' >m.json
    commit one
    expect_fail 2 trove metrics show --json --md
    expect_fail 2 trove metrics show --md --csv
    expect_fail 2 trove metrics diff --csv --json
    expect_fail 2 trove metrics diff HEAD HEAD HEAD
    expect_fail 2 trove metrics diff a b c
    expect_output_lacks "unknown revision"
    expect_fail 2 trove params diff a b c
    expect_fail 2 trove metrics show --precision 0
    expect_fail 2 trove metrics show -n x
}

# 12. -n N lists HEAD and its N-1 first ancestors even when the commits
# share a timestamp (as a script committing in a loop makes them).
last_n_with_equal_commit_times() {
    new_repo r
    printf 'metrics: [m.json]\n' >trove.yaml
    local i
    for i in 1 2 3 4; do
        echo "{\"i\": $i}" >m.json
        git add -A
        GIT_AUTHOR_DATE="@1700000000 +0000" GIT_COMMITTER_DATE="@1700000000 +0000" \
            git commit -qm "c$i" || fail "git commit failed"
    done
    expect_ok trove metrics show -n 2
    expect_stdout_equals "Revision   Path    i
workspace  m.json  4
main       m.json  4
$(short HEAD~1)    m.json  3"
    expect_ok trove metrics show -n 3
    expect_stdout_equals "Revision   Path    i
workspace  m.json  4
main       m.json  4
$(short HEAD~1)    m.json  3
$(short HEAD~2)    m.json  2"
}

# Before the first commit, HEAD is empty: everything in the workspace is new.
diff_before_first_commit() {
    new_repo r
    printf 'metrics: [m.json]\n' >trove.yaml
    echo '{"acc": 0.5}' >m.json
    expect_ok trove metrics diff
    expect_stdout_equals 'Path    Metric  HEAD  workspace  Change
m.json  acc     -     0.5        -'
    expect_ok trove params diff
    expect_fail 1 trove metrics diff --fail-on-change
}

test_case show_across_revisions
test_case precision
test_case cached_metrics_at_old_revision
test_case diff_metrics
test_case params_diff
test_case malformed_file_at_one_revision
test_case unknown_revision
test_case reading_changes_nothing
test_case targets_restrict_files
test_case yaml_metrics_file
test_case usage_errors
test_case last_n_with_equal_commit_times
test_case diff_before_first_commit
finish
