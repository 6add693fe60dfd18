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
#   remote_put ID FILE replaces object ID on the remote with FILE's bytes
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

# data_repo NAME: a committed repository `r` with a 3 MB random file big.bin,
# a compressible text.txt and a directory d of three files, and the default
# remote remote_make NAME makes. Copies of the data are in ../orig.
data_repo() {
    mkdir -p orig/d
    head -c 3000000 /dev/urandom >orig/big.bin
    seq 1 100000 >orig/text.txt
    for i in 1 2 3; do echo "file $i" >"orig/d/f$i"; done
    new_repo r
    cp -r ../orig/big.bin ../orig/text.txt ../orig/d .
    expect_ok trove add big.bin text.txt d
    remote_make "${1:-}"
    git add -A && git commit -qm data || fail "git commit failed"
}

# same_data DIR: big.bin, text.txt and d here are those of DIR.
same_data() {
    expect_same_bytes "$1/big.bin" big.bin
    expect_same_bytes "$1/text.txt" text.txt
    diff -r "$1/d" d >/dev/null || fail "d differs from $1/d"
}

# clone NAME: a git clone of ../r, entered.
clone() {
    cd .. && git clone -q r "$1" && cd "$1" || fail "git clone failed"
}

# expect_stderr_line_has A B: a line of stderr has both A and B.
expect_stderr_line_has() {
    grep -F -- "$1" "$ERR" | grep -qF -- "$2" || { show_output; fail "no line of stderr has both '$1' and '$2'"; }
}

# Push sends each object once; a clone pulls them back byte for byte, and
# fetch into an emptied cache, then checkout, does too.
round_trip() {
    data_repo round-trip
    # big.bin, text.txt, d/f1..f3 and d's manifest.
    expect_ok trove push
    expect_output_contains "6 objects pushed, 0 already there,"
    [ "$(remote_objects | wc -l)" = 6 ] || fail "the remote holds $(remote_objects | wc -l) objects, not 6"
    holds "$(pointer_hash d.trove)" || fail "the remote lacks d's manifest"
    expect_ok trove push
    expect_summary "0 objects pushed, 6 already there, 0 B sent"

    clone clone
    expect_ok trove pull
    expect_output_contains "6 objects fetched, 0 already there,"
    for line in $'A\tbig.bin' $'A\ttext.txt' $'A\td'; do
        grep -qxF "$line" "$OUT" || { show_output; fail "no line '$line'"; }
    done
    same_data ../orig
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    expect_ok trove fsck
    expect_ok trove pull
    expect_summary "0 objects fetched, 6 already there, 0 B received"

    chmod -R u+w .trove/cache && rm -rf .trove/cache/sha256 big.bin text.txt d
    expect_ok trove fetch -j 1
    expect_output_contains "6 objects fetched, 0 already there,"
    expect_ok trove checkout
    same_data ../orig
    remote_clean
}

# Objects whose bytes on the remote are not their id (random bytes of the
# same size for the raw big.bin, a short text for the compressed text.txt)
# are refused by pull and fetch, naming the object, the remote and the
# damage; nothing of them enters the cache, and what is intact arrives.
corrupted_remote_object() {
    data_repo corrupted
    expect_ok trove push
    big_id=$(sha big.bin)
    text_id=$(sha text.txt)
    head -c 3000000 /dev/urandom >../bad-big
    echo "not the text" >../bad-text
    remote_put "$big_id" ../bad-big
    remote_put "$text_id" ../bad-text

    clone clone
    expect_fail 1 trove pull
    for id in "$big_id" "$text_id"; do
        expect_stderr_line_has "${id:2}" "'$REMOTE'"
        expect_stderr_line_has "${id:2}" "corrupt"
        expect_false test -e "$(cache_object "$id")"
    done
    expect_false test -e big.bin
    expect_false test -e text.txt
    no_temp_files .trove
    diff -r ../orig/d d >/dev/null || fail "d was not pulled"
    expect_true test -f "$(cache_object "$(sha d/f1)")"
    expect_ok trove fsck
    # fetch says the same, and still adds nothing.
    expect_fail 1 trove fetch
    expect_stderr_line_has "${big_id:2}" "corrupt"
    expect_false test -e "$(cache_object "$big_id")"
    no_temp_files .trove
}

# Objects on the remote that decode to far more than their recorded sizes
# (a file's and a manifest's) are refused without being decoded in full:
# pull runs with a 2 MiB file size limit, which writing them out would
# break (SIGXFSZ), and nothing large is left in .trove.
zip_bomb() {
    make_zip_bomb "$PWD/bomb"
    new_repo r
    echo hi >small
    seq 1 20000 >big
    mkdir d && echo one >d/a && echo two >d/b
    expect_ok trove add small big d
    remote_make zip-bomb
    expect_ok trove push
    small_id=$(sha small)
    big_id=$(sha big)
    d_id=$(pointer_hash d.trove)
    for id in "$small_id" "$big_id" "$d_id"; do
        remote_put "$id" ../bomb
    done
    chmod -R u+w .trove/cache && rm -rf .trove/cache small big d
    expect_fail 1 bash -c 'ulimit -f 2048 && exec "$TROVE" pull'
    expect_stderr_line_has "${small_id:2}" "than its recorded size (3 bytes)"
    expect_stderr_line_has "${big_id:2}" "decodes to more than its recorded size (108894 bytes)"
    expect_stderr_line_has "${big_id:2}" "'$REMOTE'"
    expect_stderr_line_has "${d_id:2}" "than"
    for id in "$small_id" "$big_id" "$d_id"; do
        expect_false test -e "$(cache_object "$id")"
    done
    expect_false test -e small
    expect_false test -e big
    no_temp_files .trove
    [ -z "$(find .trove -type f -size +1M)" ] || fail "large files in .trove: $(find .trove -type f -size +1M)"
}

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
