#!/usr/bin/env bash
# Files a hostile repository commits (trove.yaml, trove.lock, params, metrics,
# plots data, vars and pointer files): each is refused with a clear error
# naming the file and position, never followed into .git or .trove, never
# allowed to crash trove or make it allocate without bound.
. "$(dirname "$0")/lib.sh"

# expect_error_at FILE TEXT: the last command failed with a `trove: error:`
# naming FILE:LINE:COL and containing TEXT.
expect_error_at() {
    grep -qE "^trove: error: (.*[ '/])?$1:[0-9]+:[0-9]+: " "$ERR" ||
        { show_output; fail "the error does not name $1:line:column"; }
    expect_output_contains "$2"
}

# refused_everywhere FILE TEXT: every command that loads the pipelines fails
# with exit 1 and the error expect_error_at describes.
refused_everywhere() {
    local cmd
    for cmd in repro status dag "metrics show" "params diff" "plots show -o plots"; do
        # shellcheck disable=SC2086
        expect_fail 1 trove $cmd
        expect_error_at "$1" "$2"
    done
}

# nothing_written: no file appeared in .git or .trove besides git's own.
nothing_written() {
    expect_false test -e .git/x
    expect_false test -e .git/.gitignore
    expect_false test -e .git/hooks/pre-commit
    expect_false test -e .trove/x
    [ -z "$(find .trove/cache -type f 2>/dev/null)" ] || fail "something was cached"
}

# deep_json N: N nested lists.
deep_json() { python3 -S -c "import sys; n = int(sys.argv[1]); print('[' * n + ']' * n)" "$1"; }
# deep_yaml N: N nested flow mappings as a value of key `a`.
deep_yaml() { python3 -S -c "import sys; n = int(sys.argv[1]); print('a: ' + '{b: ' * n + '1' + '}' * n)" "$1"; }

outputs_inside_git_or_trove() {
    new_repo r
    git commit -q --allow-empty -m init
    local forms=(
        'outs: [.git/x]'
        'outs: [.trove/x]'
        'outs: [.GIT/x]'
        'outs: [sub/../.git/x]'
        'outs: [./.trove/config]'
        'outs:\n      - .git/hooks/pre-commit: {cache: false}'
        'outs:\n      - .git/x:\n          persist: true'
        'metrics: [.git/m.json]'
        'metrics:\n      - .trove/m.json: {cache: false}'
        'plots: [.git/p.csv]'
        'outs: ["${d}/x"]'
        'outs:\n      - ${d}/x: {cache: false}'
    )
    local form
    for form in "${forms[@]}"; do
        printf 'vars:\n  - d: .git\nstages:\n  s:\n    cmd: "true"\n    %b\n' "$form" >trove.yaml
        refused_everywhere trove.yaml "inside .git or .trove"
        expect_output_contains "stage 's' cannot write output"
        nothing_written
    done
    # The position is the output's own.
    printf 'stages:\n  s:\n    cmd: "true"\n    outs:\n      - ok\n      - .git/x\n' >trove.yaml
    expect_fail 1 trove repro
    expect_output_contains "trove.yaml:6:9: stage 's' cannot write output '.git/x': it is inside .git or .trove"
    # Generated stages are checked one by one.
    printf 'stages:\n  s:\n    foreach: [a, .git]\n    do:\n      cmd: "true"\n      outs: ["${item}/x"]\n' >trove.yaml
    refused_everywhere trove.yaml "stage 's@.git' cannot write output '.git/x'"
    printf 'stages:\n  s:\n    matrix:\n      d: [a, .trove]\n    cmd: "true"\n    outs: ["${item.d}/x"]\n' >trove.yaml
    refused_everywhere trove.yaml "stage 's@.trove' cannot write output '.trove/x'"
    # In a pipeline file of a subdirectory.
    rm trove.yaml
    mkdir sub
    printf 'stages:\n  s:\n    cmd: "true"\n    outs: [../.git/x]\n' >sub/trove.yaml
    refused_everywhere sub/trove.yaml "inside .git or .trove"
    nothing_written
}

output_is_the_root() {
    new_repo r
    local out
    for out in . ./ sub/.. ; do
        printf 'stages:\n  s:\n    cmd: "true"\n    outs: [%s]\n' "$out" >trove.yaml
        refused_everywhere trove.yaml "stage 's' cannot write output '$out': it is the repository root"
        expect_output_lacks "trove remove"
    done
}

wdir_inside_git_or_trove() {
    new_repo r
    local wdir
    for wdir in .git .trove .git/hooks sub/../.trove; do
        printf 'stages:\n  s:\n    cmd: "true"\n    wdir: %s\n    outs: [x]\n' "$wdir" >trove.yaml
        refused_everywhere trove.yaml "stage 's' cannot run in wdir"
        expect_output_contains "inside .git or .trove"
        nothing_written
    done
    # A wdir may still be any other directory, and outs may climb out of it.
    mkdir -p sub
    printf 'stages:\n  s:\n    cmd: echo hi >../x\n    wdir: sub\n    outs: [../x]\n' >trove.yaml
    expect_ok trove repro
    expect_file_equals x hi
}

deps_stay_inside() {
    # Deps are only read: .git/HEAD may be one (the stage re-runs when the
    # branch moves), but nothing outside the repository.
    new_repo r
    git commit -q --allow-empty -m init
    printf 'stages:\n  s:\n    cmd: cat .git/HEAD >head\n    deps: [.git/HEAD]\n    outs: [head]\n' >trove.yaml
    expect_ok trove repro
    expect_file_equals head "ref: refs/heads/main"
    expect_false test -e .git/HEAD.trove
    printf 'stages:\n  s:\n    cmd: "true"\n    deps: [../secret]\n' >trove.yaml
    expect_fail 1 trove dag
    expect_error_at trove.yaml "outside the repository"
    # Nor may top-level metrics or params files, which report would publish.
    printf 'metrics: [../secret.json]\n' >trove.yaml
    echo '{"token": 42}' >../secret.json
    expect_fail 1 trove metrics show
    expect_error_at trove.yaml "outside the repository"
    expect_output_lacks 42
    printf 'params: [../../secret.json]\n' >trove.yaml
    expect_fail 1 trove params diff
    expect_error_at trove.yaml "outside the repository"
    # Nor plots (whose definitions the plots commands read).
    echo '[{"x": 1, "y": 42}]' >../secret.json
    local plots
    for plots in '[../secret.json]' '[{p: {y: {../secret.json: y}}}]' '[{sub/../../secret.json: {x: x}}]'; do
        printf 'plots: %s\n' "$plots" >trove.yaml
        expect_fail 1 trove plots show -o out
        expect_output_contains "trove: error: trove.yaml: path '"
        expect_output_contains "secret.json' is outside the repository"
        expect_false test -e out
    done
}

lock_outputs_inside_git_or_trove() {
    new_repo r
    echo payload >p
    expect_ok trove add p
    local h
    h=$(pointer_hash p.trove)
    printf 'stages:\n  s:\n    cmd: echo m >m\n    outs: [m]\n' >trove.yaml
    expect_ok trove repro
    local path
    cp .trove/config ../config
    for path in .git/hooks/pre-commit .trove/config ../.git/x "$PWD/abs" a/../../x; do
        printf "schema: '2.0'\nstages:\n  s:\n    cmd: echo m >m\n    outs:\n    - path: %s\n      hash: sha256:%s\n      size: 8\n" \
            "$path" "$h" >trove.lock
        for cmd in status repro checkout "gc -w -f"; do
            # shellcheck disable=SC2086
            expect_fail 1 trove $cmd
            expect_error_at trove.lock "output '$path' cannot be written"
        done
        expect_output_contains "trove.lock:6:13:"
        expect_false test -e .git/hooks/pre-commit
        expect_false test -e .git/x
        expect_false test -e abs
        expect_same_bytes ../config .trove/config
    done
    # Paths that climb out of a stage's wdir stay valid.
    mkdir -p sub
    printf 'stages:\n  s:\n    cmd: echo m >../m\n    wdir: sub\n    outs: [../m]\n' >trove.yaml
    rm trove.lock
    expect_ok trove repro
    grep -q 'path: \.\./m' trove.lock || { cat trove.lock; fail "trove.lock does not record ../m"; }
    expect_ok trove status
}

deep_json_values() {
    new_repo r
    printf 'metrics: [m.json]\nparams: [p.json]\nplots: [d.json]\nstages: {}\n' >trove.yaml
    deep_json 100000 >p.json
    cp p.json m.json
    cp p.json d.json
    local cmd
    for cmd in "params diff" "metrics show" "metrics diff" "plots show -o out" "report -o rep"; do
        # shellcheck disable=SC2086
        run trove $cmd
        [ "$rc" -eq 1 ] || { show_output; fail "'trove $cmd' exited $rc, expected 1"; }
        expect_output_contains ".json: nested too deeply (more than 256 levels)"
    done
    # Just below the limit is read.
    echo "{\"a\": $(deep_json 255)}" >m.json
    expect_ok trove metrics show --json
    deep_json 256 >m.json
    expect_ok trove metrics show --json
    deep_json 257 >m.json
    expect_fail 1 trove metrics show
    expect_output_contains "m.json: nested too deeply (more than 256 levels)"
}

deep_yaml_values() {
    new_repo r
    # params.yaml, metrics and plots data in YAML.
    printf 'metrics: [m.yaml]\nplots: [d.yaml]\nstages: {}\n' >trove.yaml
    deep_yaml 100000 >params.yaml
    cp params.yaml m.yaml
    cp params.yaml d.yaml
    local cmd
    for cmd in "params diff" "metrics show" "plots show -o out" "repro" "dag"; do
        # shellcheck disable=SC2086
        run trove $cmd
        [ "$rc" -eq 1 ] || { show_output; fail "'trove $cmd' exited $rc, expected 1"; }
        expect_output_contains "yaml:1:"
        expect_output_contains "nested too deeply (more than 256 levels)"
        expect_output_lacks "bad file"
    done
    rm params.yaml
    # trove.yaml itself, a vars file, block style too.
    { printf 'stages:\n  s:\n    cmd: "true"\n    desc: '; deep_json 300; } >trove.yaml
    expect_fail 1 trove dag
    expect_error_at trove.yaml "nested too deeply (more than 256 levels)"
    python3 -S -c "print('stages:\n  s:\n    cmd: \"true\"\n    meta:'); [print('  ' * (i + 3) + 'k%d:' % i) for i in range(300)]" >trove.yaml
    expect_fail 1 trove dag
    expect_error_at trove.yaml "nested too deeply"
    printf 'vars: [v.yaml]\nstages:\n  s:\n    cmd: "true"\n' >trove.yaml
    deep_yaml 1000 >v.yaml
    expect_fail 1 trove dag
    expect_error_at v.yaml "nested too deeply"
    # A lock file and a pointer file.
    printf 'stages:\n  s:\n    cmd: echo m >m\n    outs: [m]\n' >trove.yaml
    deep_yaml 1000 >trove.lock
    expect_fail 1 trove status
    expect_error_at trove.lock "nested too deeply"
    rm trove.lock
    deep_yaml 1000 >x.trove
    expect_fail 1 trove status
    expect_error_at x.trove "nested too deeply"
    expect_fail 1 trove checkout x.trove
    expect_error_at x.trove "nested too deeply"
}

yaml_aliases_cannot_explode() {
    new_repo r
    # "Billion laughs": 9 levels of 9 aliases each.
    python3 -S -c "
print('a0: &a0 [x, x, x, x, x, x, x, x, x]')
for i in range(1, 10):
    print('a%d: &a%d [%s]' % (i, i, ', '.join(['*a%d' % (i - 1)] * 9)))" >params.yaml
    printf 'stages:\n  s:\n    cmd: "true"\n    params: [a0]\n' >trove.yaml
    for cmd in "params diff" dag; do
        # shellcheck disable=SC2086
        expect_fail 1 trove $cmd
        expect_error_at params.yaml "aliases expand to too many values (more than 100000)"
    done
    # An alias inside the node it names.
    printf 'a: &x [1, *x]\n' >params.yaml
    expect_fail 1 trove params diff
    expect_error_at params.yaml "an alias refers to the node that contains it"
    # Aliases as trove.yaml uses them stay fine.
    printf 'lr: 1\n' >params.yaml
    printf 'stages:\n  a:\n    cmd: echo a\n    params: &p [lr]\n  b:\n    cmd: echo b\n    params: *p\n' >trove.yaml
    expect_ok trove dag
}

metrics_number_overflow() {
    new_repo r
    printf 'metrics: [big.json, ok.json]\n' >trove.yaml
    echo '{"loss": 1e999}' >big.json
    echo '{"acc": 0.5}' >ok.json
    git add -A && git commit -qm one
    expect_fail 1 trove metrics show
    expect_output_contains "big.json: number overflow parsing '1e999' (out of the range of a number)"
    expect_output_lacks "json.exception"
    grep -q '^trove: error: .*big.json' "$ERR" || { show_output; fail "no error line names big.json"; }
    grep -q 'ok.json.*0.5' "$OUT" || { show_output; fail "ok.json is not shown"; }
    expect_fail 1 trove metrics show --json
    expect_json 'j[0]["files"]["ok.json"] == {"acc": 0.5}' '"big.json" in j[0]["errors"]'
    echo '{"acc": 0.7}' >ok.json
    expect_fail 1 trove metrics diff
    expect_output_contains "big.json"
    grep -q 'ok.json.*acc' "$OUT" || { show_output; fail "metrics diff does not show ok.json"; }
    run trove report -o rep
    expect_output_contains "big.json"
    # NaN is refused the same way.
    echo '{"loss": NaN}' >big.json
    expect_fail 1 trove metrics show
    expect_output_contains "big.json: not valid JSON"
    # YAML reads 1e999 as Python does: inf.
    printf 'metrics: [big.yaml]\n' >trove.yaml
    printf 'loss: 1e999\ntiny: 1e-999\nh: 0xffffffffffffffffff\n' >big.yaml
    expect_ok trove metrics show --json
    expect_json 'j[0]["files"]["big.yaml"]["tiny"] == 0' 'j[0]["files"]["big.yaml"]["h"] > 1e21'
    expect_ok trove metrics show
    expect_output_contains "inf"
}

matrix_explosion() {
    new_repo r
    python3 -S -c "
print('stages:\n  s:\n    matrix:')
for k in 'abcdefgh':
    print('      %s: [1,2,3,4,5,6,7,8,9,10]' % k)
print('    cmd: echo \${item.a}')" >trove.yaml
    local cmd limit="ulimit -v 2000000;"
    # AddressSanitizer reserves terabytes of address space for its shadow
    # memory and cannot start under the limit; its own checks stand in.
    if [ -n "${ASAN_OPTIONS:-}" ]; then limit=""; fi
    for cmd in dag status repro "metrics show"; do
        # shellcheck disable=SC2086
        run bash -c "$limit \"\$TROVE\" $cmd"
        [ "$rc" -eq 1 ] || { show_output; fail "'trove $cmd' exited $rc, expected 1"; }
        expect_error_at trove.yaml "stage 's' would generate 100000000 stages (at most 10000 from one foreach or matrix)"
    done
    # The product may overflow 64 bits.
    python3 -S -c "
print('stages:\n  s:\n    matrix:')
for k in range(40):
    print('      k%d: [1,2,3,4,5,6,7,8,9,10]' % k)
print('    cmd: \"true\"')" >trove.yaml
    expect_fail 1 trove dag
    expect_error_at trove.yaml "would generate more than"
    # foreach over a long list from a vars file.
    python3 -S -c "print('items: [' + ', '.join(str(i) for i in range(20000)) + ']')" >v.yaml
    printf 'vars: [v.yaml]\nstages:\n  s:\n    foreach: ${items}\n    do:\n      cmd: echo ${item}\n' >trove.yaml
    expect_fail 1 trove dag
    expect_error_at trove.yaml "stage 's' would generate 20000 stages"
    # 10,000 is allowed; a file and a project hold at most 100,000.
    python3 -S -c "print('items: [' + ', '.join(str(i) for i in range(10000)) + ']')" >v.yaml
    expect_ok trove dag
    python3 -S -c "
print('vars: [v.yaml]\nstages:')
for i in range(11):
    print('  s%d:\n    foreach: \${items}\n    do:\n      cmd: echo \${item}' % i)" >trove.yaml
    expect_fail 1 trove dag
    expect_error_at trove.yaml "the pipelines would have 110000 stages (at most 100000)"
    python3 -S -c "
print('vars: [../v.yaml]\nstages:')
for i in range(6):
    print('  s%d:\n    foreach: \${items}\n    do:\n      cmd: echo \${item}' % i)" >t.yaml
    mkdir a b && cp t.yaml a/trove.yaml && mv t.yaml b/trove.yaml && rm trove.yaml
    expect_fail 1 trove dag
    expect_output_contains "the pipelines would have 120000 stages (at most 100000)"
}

duplicate_keys() {
    new_repo r
    # trove.yaml: the second `frozen` is named, whatever the values.
    printf 'stages:\n  s:\n    cmd: echo s\n    frozen: true\n    frozen: false\n' >trove.yaml
    for cmd in dag status repro; do
        expect_fail 1 trove $cmd
        expect_output_contains "trove.yaml:5:5: duplicate key 'frozen' (first at line 4)"
    done
    printf 'stages:\n  s:\n    cmd: echo 1\n  t:\n    cmd: echo t\n  s:\n    cmd: echo 2\n' >trove.yaml
    expect_fail 1 trove dag
    expect_output_contains "trove.yaml:6:3: duplicate key 's' (first at line 2)"
    printf 'stages:\n  s: {cmd: echo s, outs: [a], "outs": [b]}\n' >trove.yaml
    expect_fail 1 trove dag
    expect_output_contains "duplicate key 'outs'"
    # params.yaml, a vars file, trove.lock.
    printf 'stages:\n  s:\n    cmd: echo ${lr}\n    params: [lr]\n' >trove.yaml
    printf 'lr: 1\nlr: 2\n' >params.yaml
    for cmd in dag "params diff"; do
        # shellcheck disable=SC2086
        expect_fail 1 trove $cmd
        expect_output_contains "params.yaml:2:1: duplicate key 'lr' (first at line 1)"
    done
    printf 'lr: 1\n' >params.yaml
    printf 'vars: [v.yaml]\nstages:\n  s:\n    cmd: echo ${x}\n' >trove.yaml
    printf 'x:\n  y: 1\n  y: 2\n' >v.yaml
    expect_fail 1 trove dag
    expect_output_contains "v.yaml:3:3: duplicate key 'y'"
    printf 'stages:\n  s:\n    cmd: echo m >m\n    outs: [m]\n' >trove.yaml
    expect_ok trove repro
    sed 's/^\( *\)cmd: \(.*\)$/&\n\1cmd: \2/' trove.lock >l && mv l trove.lock
    expect_fail 1 trove status
    expect_output_contains "trove.lock:5:5: duplicate key 'cmd'"
    # A pointer file, where the last value used to win.
    rm trove.yaml trove.lock
    echo data >d
    expect_ok trove add d
    sed 's/^\( *\)- path: d$/&\n\1  path: e/' d.trove >p && mv p d.trove
    expect_fail 1 trove status
    expect_output_contains "d.trove:3:5: duplicate key 'path' (first at line 2)"
    rm d
    expect_fail 1 trove checkout d.trove
    expect_output_contains "d.trove:3:5: duplicate key 'path'"
    expect_false test -e e
}

freeze_through_aliases() {
    new_repo r
    cat >trove.yaml <<'EOF'
stages:
  a: &base
    cmd: echo a
  b: *base
  c:
    <<: *base
    cmd: echo c
  d: &d
    cmd: echo d
EOF
    cp trove.yaml ../before
    # b is an alias of a's mapping: its keys are a's.
    expect_fail 1 trove freeze b
    expect_output_contains "trove.yaml:4:3: stage 'b' is a YAML alias of another definition; trove cannot freeze it in place"
    # a's mapping is b's too (and c merges it).
    expect_fail 1 trove freeze a
    expect_output_contains "trove.yaml:2:3: stage 'a' shares its definition with other stages through a YAML anchor"
    expect_same_bytes ../before trove.yaml
    # An anchor nothing else uses is no obstacle, nor a merge key.
    expect_ok trove freeze d
    expect_ok trove freeze c
    grep -A1 '^  c:$' trove.yaml | grep -qx '    frozen: true' || { cat trove.yaml; fail "c is not frozen"; }
    grep -A1 '^  d: &d$' trove.yaml | grep -qx '    frozen: true' || { cat trove.yaml; fail "d is not frozen"; }
    [ "$(grep -c frozen trove.yaml)" -eq 2 ] || { cat trove.yaml; fail "more than c and d frozen"; }
    expect_ok trove unfreeze d
    expect_ok trove unfreeze c
    expect_same_bytes ../before trove.yaml
    # Frozen through a merge key: unfreeze says so in the stage itself.
    cat >trove.yaml <<'EOF'
stages:
  t: &defaults
    cmd: echo t
    frozen: true
  s:
    <<: *defaults
    cmd: echo s
EOF
    expect_fail 1 trove unfreeze t
    expect_output_contains "stage 't' shares its definition"
    expect_ok trove unfreeze s
    grep -A1 '^  s:$' trove.yaml | grep -qx '    frozen: false' || { cat trove.yaml; fail "no explicit frozen: false in s"; }
    expect_ok trove freeze s
    grep -A1 '^  s:$' trove.yaml | grep -qx '    frozen: true' || { cat trove.yaml; fail "s is not frozen"; }
    [ "$(grep -c frozen trove.yaml)" -eq 2 ] || { cat trove.yaml; fail "s has two frozen keys"; }
}

# Params and metrics that are not UTF-8 text are refused with file:line:col,
# each file on its own: the others are still shown (found by fuzzing: JSON
# output threw, trove.lock rewrote the byte and reran the stage forever).
not_utf8_values() {
    new_repo r
    printf 'metrics: [bad.yaml, ok.json]\n' >trove.yaml
    printf 'name: "caf\xc3\xa9"\nloss: [1, "\xae"]\n' >bad.yaml
    echo '{"acc": 0.5}' >ok.json
    git add -A && git commit -qm one
    expect_fail 1 trove metrics show
    expect_output_contains "bad.yaml:2:11: byte 0xAE is not UTF-8"
    expect_output_lacks "json.exception"
    grep -q 'ok.json.*0.5' "$OUT" || { show_output; fail "ok.json is not shown"; }
    expect_fail 1 trove metrics show --json
    expect_json 'j[0]["files"]["ok.json"] == {"acc": 0.5}' '"bad.yaml" in j[0]["errors"]'
    # A params file with one: repro refuses before running anything.
    printf 'stages:\n  s:\n    cmd: echo ran >>runs\n    params: [lr]\n' >trove.yaml
    printf 'lr: "\xff"\n' >params.yaml
    expect_fail 1 trove repro
    expect_output_contains "params.yaml:1:5: byte 0xFF is not UTF-8"
    [ ! -e runs ] || fail "the stage ran with a param that is not text"
}

# A param whose key is '<<' or whose value is NaN is recorded so that it
# reads back as itself: the stage is up to date on the next repro.
params_that_must_round_trip() {
    new_repo r
    printf 'stages:\n  s:\n    cmd: echo ran >>runs\n    params: [\"<<\", lr]\n' >trove.yaml
    printf '"<<": {k: 1}\nlr: .nan\n' >params.yaml
    expect_ok trove repro
    expect_file_equals runs "ran"
    expect_ok trove repro
    expect_file_equals runs "ran"
    expect_ok trove status
    expect_output_lacks "changed"
}

test_case outputs_inside_git_or_trove
test_case output_is_the_root
test_case wdir_inside_git_or_trove
test_case deps_stay_inside
test_case lock_outputs_inside_git_or_trove
test_case deep_json_values
test_case deep_yaml_values
test_case yaml_aliases_cannot_explode
test_case metrics_number_overflow
test_case matrix_explosion
test_case duplicate_keys
test_case freeze_through_aliases
test_case not_utf8_values
test_case params_that_must_round_trip
finish
