# Scenarios run against every kind of remote: sourced by test_remote.sh
# (directory remotes) and test_s3.sh (S3), after lib.sh. Each suite defines
# the hooks, and lists these cases with test_case like its own:
#
#   remote_make NAME   in the repository at hand, a new empty default
#                      remote (NAME tells it apart within the suite); sets
#                      REMOTE to the remote's name in trove's messages
#   remote_objects     prints the ids of the objects the remote holds, one a
#                      line (64 hex digits, .dir for a manifest), sorted
#   remote_clean       fails when the remote holds temporary files
#
# and `sha FILE` (the SHA-256 of FILE's bytes).

# A helper both suites use: a remote object that decodes without bound.
# make_zip_bomb FILE: a remote object in trove's format (header, one zstd frame)
# that decodes to 150 MB of zeros, made with trove itself (no zstd tool
# needed): a sparse file, hardlinked into a scratch cache and pushed.
make_zip_bomb() {
    (
        new_repo bomb-maker >/dev/null
        mkdir ../bomb-store
        expect_ok trove config cache.type hardlink
        truncate -s 150000000 zeros
        expect_ok trove add zeros
        expect_ok trove remote add -d s ../bomb-store
        expect_ok trove push
    ) || fail "cannot make the zip bomb"
    local id
    id=$(pointer_hash bomb-maker/zeros.trove)
    cp "bomb-store/sha256/${id:0:2}/${id:2}" "$1"
    chmod -R u+w bomb-maker bomb-store && rm -rf bomb-maker bomb-store
    [ "$(stat -c %s "$1")" -lt 100000 ] || fail "the zip bomb is $(stat -c %s "$1") bytes"
}

# holds ID: whether the remote holds object ID (sha256: accepted).
holds() { remote_objects | grep -qxF "${1#sha256:}"; }

pipeline_outputs_pushed() {
    new_repo r
    seq 1 2000 >input.txt
    expect_ok trove add input.txt
    cat >trove.yaml <<'YAML'
stages:
  gen:
    cmd: mkdir -p out && sort -r input.txt >out/reversed.txt && head -c 20000 /dev/urandom >model.bin
    deps: [input.txt]
    outs: [out, model.bin]
YAML
    expect_ok trove repro
    remote_make pipeline
    git add -A && git commit -qm pipeline || fail "git commit failed"
    mkdir ../want && cp -r out model.bin input.txt ../want/
    # input.txt, out/reversed.txt, out's manifest and model.bin.
    expect_ok trove push
    expect_output_contains "4 objects pushed, 0 already there,"
    holds "$(sha model.bin)" || fail "the remote lacks model.bin"

    cd .. && git clone -q r clone && cd clone || fail "git clone failed"
    expect_false test -e model.bin
    expect_ok trove pull
    expect_output_contains "4 objects fetched"
    grep -qxF $'A\tmodel.bin' "$OUT" || { show_output; fail "pull did not add model.bin"; }
    grep -qxF $'A\tout' "$OUT" || { show_output; fail "pull did not add out"; }
    expect_same_bytes ../want/model.bin model.bin
    expect_same_bytes ../want/input.txt input.txt
    diff -r ../want/out out >/dev/null || fail "out differs"
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    # Nothing to run: the outputs are what trove.lock records.
    expect_ok trove repro
    expect_same_bytes ../want/model.bin model.bin
}

push_refuses_corrupt_cache_object() {
    new_repo r
    expect_ok trove config cache.type hardlink
    seq 1 20000 >f
    echo good >g
    mkdir d && echo one >d/a && echo two >d/b
    expect_ok trove add f g d
    remote_make corrupt-cache
    f_id=$(sha f)
    a_id=$(sha d/a)
    d_id=$(pointer_hash d.trove)
    chmod u+w f d/a
    echo x >>f
    echo x >>d/a
    [ "$(sha "$(cache_object "$f_id")")" != "$f_id" ] || fail "the edit did not reach the cache"

    expect_fail 1 trove push
    expect_output_contains "2 objects pushed"
    grep -F "$f_id" "$ERR" | grep -qF "is corrupt in the cache" ||
        { show_output; fail "no error says $f_id is corrupt in the cache"; }
    grep -F "$a_id" "$ERR" | grep -qF "run 'trove fsck'" ||
        { show_output; fail "no error about $a_id says to run trove fsck"; }
    # Only g and d/b: d's manifest waits for all its files.
    held=$(remote_objects)
    want=$(printf '%s\n' "$(sha g)" "$(sha d/b)" | sort)
    [ "$held" = "$want" ] || fail "the remote holds
$held
expected g and d/b:
$want"
    remote_clean
}
