#!/usr/bin/env bash
# trove remote, push, fetch and pull against directory remotes.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || { echo "skip: python3 is not installed"; exit 125; }
# The interpreter itself, not a wrapper (a pyenv shim takes a second a run).
PYTHON=$(python3 -S -c 'import sys; print(sys.executable)')
[ -x "$PYTHON" ] || PYTHON=python3

sha() { sha256sum "$1" | cut -c1-64; }

# remote_object ID DIR: the path of object ID (sha256:, .dir accepted) in the
# directory remote DIR, which keys objects like the cache.
remote_object() { cache_object "$1" "$2"; }

# remote_keys DIR: every object key in the directory remote DIR, sorted.
remote_keys() { (cd "$1" && find . -type f -printf '%P\n' | sort); }

# expect_json_py EXPR...: like expect_json, with the interpreter found above.
expect_json_py() {
    "$PYTHON" -S -c '
import json, sys
j = json.load(open(sys.argv[1]))
for e in sys.argv[2:]:
    if not eval(e):
        sys.exit("JSON check failed: " + e)
' "$OUT" "$@" || { show_output; fail "JSON checks failed"; }
}




# The hooks of the scenarios shared with the S3 suite: a directory remote
# `store` next to the repository.
remote_make() {
    STORE=$(cd .. && pwd -P)/store-$1
    mkdir -p "$STORE"
    expect_ok trove remote add -d store "$STORE"
    REMOTE=store
}
remote_objects() { remote_keys "$STORE" | sed 's#^sha256/\(..\)/#\1#'; }
remote_clean() { no_temp_files "$STORE"; }
. "$(dirname "$0")/remote_scenarios.sh"

# A committed repository `r` with a 3 MB random file big.bin, a compressible
# text.txt and a directory d of three files, and an absolute default remote
# $STORE (made here). Copies of the data are in ../orig.
data_repo() {
    STORE=$(pwd -P)/store
    mkdir -p "$STORE" orig/d
    head -c 3000000 /dev/urandom >orig/big.bin
    seq 1 100000 >orig/text.txt
    for i in 1 2 3; do echo "file $i" >"orig/d/f$i"; done
    new_repo r
    cp -r ../orig/big.bin ../orig/text.txt ../orig/d .
    expect_ok trove add big.bin text.txt d
    expect_ok trove remote add -d store "$STORE"
    git add -A && git commit -qm data || fail "git commit failed"
}

# same_data DIR: big.bin, text.txt and d in the current directory are those
# of DIR.
same_data() {
    expect_same_bytes "$1/big.bin" big.bin
    expect_same_bytes "$1/text.txt" text.txt
    diff -r "$1/d" d >/dev/null || fail "d differs from $1/d"
}

remote_config() {
    STORE=$(pwd -P)/store
    new_repo r
    expect_ok trove remote add -d store "$STORE"
    expect_ok trove remote list
    expect_stdout_equals "store	$STORE	(default)"
    expect_ok trove remote list --json
    expect_json_py "j == [{'name': 'store', 'url': '$STORE', 'default': True, 'options': {}}]"
    expect_ok trove remote default
    expect_stdout_equals "store"
    grep -qxF '[remote "store"]' .trove/config || fail ".trove/config has no [remote \"store\"]"

    expect_ok trove remote modify store region eu-west-1
    expect_ok trove remote list
    expect_stdout_equals "store	$STORE	(default)
    region = eu-west-1"

    # A secret set with --local goes to config.local and is never shown.
    secret=TopSecret-4f2a9c
    token=SessionTok-81b7e0
    expect_ok trove remote modify --local store secret_access_key "$secret"
    expect_ok trove remote modify --local store session_token "$token"
    grep -qF "$secret" .trove/config.local || fail "the secret is not in .trove/config.local"
    grep -qF "$token" .trove/config.local || fail "the token is not in .trove/config.local"
    grep -qF "$secret" .trove/config && fail "the secret is in .trove/config"
    grep -qF "$token" .trove/config && fail "the token is in .trove/config"
    expect_ok trove remote list
    expect_output_lacks "$secret"
    expect_output_lacks "$token"
    grep -qxF "    secret_access_key = ***" "$OUT" || { show_output; fail "secret_access_key not shown masked"; }
    grep -qxF "    session_token = ***" "$OUT" || { show_output; fail "session_token not shown masked"; }
    grep -qxF "    region = eu-west-1" "$OUT" || { show_output; fail "region not listed"; }
    expect_ok trove remote list --json
    expect_output_lacks "$secret"
    expect_output_lacks "$token"
    expect_json_py "j[0]['options'] == {'region': 'eu-west-1', 'secret_access_key': '***', 'session_token': '***'}"

    # Refused changes leave the configuration byte for byte as it was.
    cp .trove/config ../config.before
    cp .trove/config.local ../config.local.before
    unchanged() {
        cmp -s ../config.before .trove/config || fail "'$*' changed .trove/config"
        cmp -s ../config.local.before .trove/config.local || fail "'$*' changed .trove/config.local"
    }
    expect_fail 1 trove remote modify store bogus_key x
    expect_output_contains "bogus_key"
    unchanged modify bogus_key
    expect_fail 1 trove remote modify store use_path_style maybe
    expect_output_contains "use_path_style"
    unchanged modify use_path_style maybe
    expect_fail 1 trove remote modify store jobs many
    expect_output_contains "jobs"
    unchanged modify jobs many
    expect_fail 1 trove remote modify store compression lz4
    expect_output_contains "compression"
    unchanged modify compression lz4
    expect_fail 1 trove remote modify nosuch region x
    expect_output_contains "nosuch"
    unchanged modify nosuch
    expect_fail 1 trove remote add store /elsewhere
    expect_output_contains "store"
    expect_output_contains "-f"
    unchanged add existing
    for bad in 'bad name' 'a]b' 'q"uote' ''; do
        expect_fail 1 trove remote add "$bad" /x
        expect_output_contains "invalid remote name"
        unchanged add "'$bad'"
    done
    expect_fail 1 trove remote remove nosuch
    expect_output_contains "nosuch"
    unchanged remove nosuch
    expect_fail 1 trove remote default nosuch
    expect_output_contains "nosuch"
    unchanged default nosuch

    # Valid values are taken.
    expect_ok trove remote modify store use_path_style true
    expect_ok trove remote modify store jobs 8
    expect_ok trove remote modify store compression none
    expect_ok trove remote modify store compression_level 5
    expect_ok trove remote modify store region --unset
    expect_ok trove remote list --json
    expect_json_py "j[0]['options'] == {'use_path_style': 'true', 'jobs': '8', 'compression': 'none', 'compression_level': '5', 'secret_access_key': '***', 'session_token': '***'}"

    # -f replaces the URL.
    expect_ok trove remote add -f store "$STORE-2"
    expect_ok trove remote list --json
    expect_json_py "j[0]['url'] == '$STORE-2'" "j[0]['default']"

    # A second remote as the default, then removed: core.remote goes too.
    expect_ok trove remote add other ../other
    expect_ok trove remote default other
    expect_ok trove remote default
    expect_stdout_equals "other"
    expect_ok trove remote list
    grep -qxF "other	../other	(default)" "$OUT" || { show_output; fail "other is not listed as the default"; }
    grep -q "^store	.*(default)" "$OUT" && { show_output; fail "store is still listed as the default"; }
    expect_ok trove remote remove other
    expect_ok trove remote list --json
    expect_json_py "[r['name'] for r in j] == ['store']" "not j[0]['default']"
    expect_fail 1 trove remote default
    grep -q "remote *= *other" .trove/config && fail "core.remote still names the removed remote"
    expect_fail 1 trove config core.remote

    # --local default: in config.local, and it wins.
    expect_ok trove remote add third /third
    expect_ok trove remote default store
    expect_ok trove remote default --local third
    grep -q "remote *= *third" .trove/config.local || fail "the --local default is not in .trove/config.local"
    grep -q "remote *= *store" .trove/config || fail "the committed default changed"
    expect_ok trove remote default
    expect_stdout_equals "third"

    expect_ok trove remote remove store
    expect_ok trove remote list --json
    expect_json_py "[r['name'] for r in j] == ['third']"
    grep -qF '"store"' .trove/config && fail "[remote \"store\"] is still in .trove/config"
    grep -qF "$secret" .trove/config.local && fail "the removed remote's secret is still in .trove/config.local"
    true
}

push_pull_round_trip() {
    data_repo
    # big.bin, text.txt, d/f1..f3 and d's manifest.
    expect_ok trove push
    expect_output_contains "6 objects pushed, 0 already there,"
    [ "$(remote_keys "$STORE" | wc -l)" = 6 ] || fail "the remote holds $(remote_keys "$STORE" | wc -l) objects, not 6"
    expect_true test -f "$(remote_object "$(pointer_hash d.trove)" "$STORE")"
    expect_ok trove push
    expect_output_contains "0 objects pushed, 6 already there, 0 B sent"

    cd .. && git clone -q r clone && cd clone || fail "git clone failed"
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
    expect_output_contains "0 objects fetched, 6 already there, 0 B received"
    expect_ok trove fetch
    expect_output_contains "0 objects fetched, 6 already there, 0 B received"
    same_data ../orig

    # A relative URL is relative to the repository root, not the directory
    # trove runs in; file:// URLs work too.
    mkdir -p ../rel ../viafile sub
    expect_ok trove remote add rel ../rel
    expect_ok trove remote add viafile "file://$(cd ../viafile && pwd -P)"
    cd sub || fail "no sub"
    expect_ok trove push -r rel -j 2
    expect_output_contains "6 objects pushed"
    expect_ok trove push -r viafile
    expect_output_contains "6 objects pushed"
    cd ..
    expect_false test -e sub/sha256
    [ "$(remote_keys ../rel)" = "$(remote_keys "$STORE")" ] || fail "../rel does not hold what the store holds"
    [ "$(remote_keys ../viafile)" = "$(remote_keys "$STORE")" ] || fail "the file:// remote does not hold what the store holds"
}

compressed_on_remote() {
    data_repo
    expect_ok trove push
    text=$(remote_object "$(sha text.txt)" "$STORE")
    big=$(remote_object "$(sha big.bin)" "$STORE")
    expect_true test -f "$text"
    expect_header "$text"
    [ "$(stat -c %s "$text")" -lt "$(stat -c %s text.txt)" ] ||
        fail "the text object ($(stat -c %s "$text") bytes) is not smaller than the file"
    # What follows the header is one zstd frame holding the file.
    [ "$(od -An -tx1 -j16 -N4 "$text" | tr -d ' \n')" = 28b52ffd ] ||
        fail "no zstd frame after the header"
    if command -v zstd >/dev/null; then
        tail -c +17 "$text" | zstd -dq >../text.out || fail "zstd cannot decode the object"
        expect_same_bytes ../text.out text.txt
    fi
    # Random data does not compress: stored as is.
    expect_same_bytes big.bin "$big"
    # The directory manifest compresses too, the small files do not.
    expect_header "$(remote_object "$(pointer_hash d.trove)" "$STORE")"
    expect_same_bytes d/f1 "$(remote_object "$(sha d/f1)" "$STORE")"
    # Objects on the remote are read-only, like the cache.
    [ -z "$(find "$STORE" -type f -perm /222)" ] || fail "objects on the remote are writable"
}

corrupted_remote_object_detected() {
    data_repo
    expect_ok trove push
    big_id=$(sha big.bin)
    text_id=$(sha text.txt)
    big=$(remote_object "$big_id" "$STORE")
    text=$(remote_object "$text_id" "$STORE")
    chmod u+w "$big" "$text"
    # One byte of the raw random object flipped...
    byte=$(od -An -tu1 -j1000 -N1 "$big" | tr -d ' ')
    printf "\\$(printf %03o $(((byte + 1) % 256)))" |
        dd of="$big" bs=1 seek=1000 conv=notrunc 2>/dev/null || fail "cannot flip a byte"
    cmp -s "$big" big.bin && fail "the byte was not flipped"
    # ...and the compressed text object replaced by other, well-formed data.
    echo "not the text" >"$text"

    cd .. && git clone -q r clone && cd clone || fail "git clone failed"
    expect_fail 1 trove pull
    expect_output_contains "${big_id:2}"
    expect_output_contains "${text_id:2}"
    grep -F "${big_id:2}" "$ERR" | grep -qF "'store'" || { show_output; fail "the error about big.bin does not name the remote"; }
    grep -F "${text_id:2}" "$ERR" | grep -qF "'store'" || { show_output; fail "the error about text.txt does not name the remote"; }
    grep -F "${big_id:2}" "$ERR" | grep -qi "corrupt" || { show_output; fail "the error does not say the object is corrupt"; }
    expect_false test -e "$(cache_object "$big_id")"
    expect_false test -e "$(cache_object "$text_id")"
    expect_false test -e big.bin
    expect_false test -e text.txt
    no_temp_files .trove
    # What was intact arrived.
    diff -r ../orig/d d >/dev/null || fail "d was not pulled"
    expect_true test -f "$(cache_object "$(sha d/f1)")"
    # fetch says the same, and still adds nothing.
    expect_fail 1 trove fetch
    expect_output_contains "${big_id:2}"
    expect_false test -e "$(cache_object "$big_id")"

    # A damaged zstd stream is an error too.
    cd ../r || fail "no r"
    seq 1 50000 | sed 's/$/ row/' >rows.txt
    expect_ok trove add rows.txt
    expect_ok trove push rows.txt
    rows_id=$(sha rows.txt)
    rows=$(remote_object "$rows_id" "$STORE")
    expect_header "$rows"
    chmod u+w "$rows"
    size=$(stat -c %s "$rows")
    printf 'XXXXXXXX' | dd of="$rows" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
    rm -f "$(cache_object "$rows_id")" rows.txt
    expect_fail 1 trove pull rows.txt
    expect_output_contains "${rows_id:2}"
    expect_output_contains "'store'"
    expect_false test -e "$(cache_object "$rows_id")"
    expect_false test -e rows.txt
    no_temp_files .trove
}

concurrent_pushes() {
    STORE=$(pwd -P)/store
    mkdir -p "$STORE" shared
    for i in $(seq 1 150); do echo "shared $i" >"shared/s$i"; done
    head -c 500000 /dev/urandom >shared-big.bin
    for who in a b; do
        (
            new_repo "$who"
            cp -r ../shared ../shared-big.bin .
            for i in $(seq 1 40); do echo "$who only $i" >>"$who.txt"; done
            head -c 300000 /dev/urandom >"$who.bin"
            mkdir own && for i in $(seq 1 30); do echo "$who $i" >"own/$i"; done
            expect_ok trove add shared shared-big.bin "$who.txt" "$who.bin" own
            expect_ok trove remote add -d store "$STORE"
            git add -A && git commit -qm "$who" || fail "git commit failed"
        ) || exit 1
    done
    (cd a && exec "$TROVE" push -j 8 >../a.out 2>../a.err) &
    pa=$!
    (cd b && exec "$TROVE" push -j 8 >../b.out 2>../b.err) &
    pb=$!
    ra=0 && wait $pa || ra=$?
    rb=0 && wait $pb || rb=$?
    [ "$ra" = 0 ] || { cat a.out a.err; fail "push in a exited $ra"; }
    [ "$rb" = 0 ] || { cat b.out b.err; fail "push in b exited $rb"; }
    no_temp_files "$STORE"
    # Each object is counted once per push: sent or already there.
    # a: 150 + 30 files, 2 manifests, shared-big.bin, a.txt, a.bin.
    grep -qE '^[0-9]+ objects? pushed, [0-9]+ already there' a.out || { cat a.out; fail "no summary from a"; }
    for f in a.out b.out; do
        total=$(sed -n 's/^\([0-9]*\) objects\{0,1\} pushed, \([0-9]*\) already there.*/\1 \2/p' $f | awk '{print $1 + $2}')
        [ "$total" = 185 ] || { cat $f; fail "$f counts $total objects, not 185"; }
    done
    for who in a b; do
        git clone -q "$who" "$who-clone" || fail "git clone failed"
        (
            cd "$who-clone" || exit 1
            expect_ok trove pull
            expect_same_bytes "../$who/$who.bin" "$who.bin"
            expect_same_bytes "../$who/$who.txt" "$who.txt"
            expect_same_bytes ../shared-big.bin shared-big.bin
            diff -r ../shared shared >/dev/null || fail "shared differs in $who-clone"
            diff -r "../$who/own" own >/dev/null || fail "own differs in $who-clone"
            expect_ok trove status
            expect_stdout_equals "Data and pipelines are up to date."
        ) || exit 1
    done
    # 150 shared + 1 shared manifest + shared-big.bin, and per repository
    # 30 own files + manifest + .txt + .bin.
    [ "$(remote_keys "$STORE" | wc -l)" = $((152 + 2 * 33)) ] ||
        fail "the remote holds $(remote_keys "$STORE" | wc -l) objects, not $((152 + 2 * 33))"
}

# repro --pull: a fresh clone whose data and stage outputs are only on the
# remote runs nothing; a run-cache entry whose objects left the cache is
# fetched instead of run again.
repro_pull() {
    STORE=$(pwd -P)/store
    RUNS=$(pwd -P)/runs.log
    mkdir -p "$STORE"
    new_repo r
    seq 1 500 >data.txt
    expect_ok trove add data.txt
    cat >trove.yaml <<EOF
stages:
  count:
    cmd: echo ran >>$RUNS && wc -l <data.txt >count.txt && echo \${factor} >>count.txt
    deps: [data.txt]
    params: [factor]
    outs: [count.txt]
EOF
    echo "factor: 1" >params.yaml
    expect_ok trove repro
    expect_ok trove remote add -d store "$STORE"
    git add -A && git commit -qm pipeline || fail "git commit failed"
    expect_ok trove push
    cp count.txt ../count1.txt

    cd .. && git clone -q r clone && cd clone || fail "git clone failed"
    expect_fail 1 trove repro
    expect_output_contains "data.txt"
    # --dry says what it would fetch and fetches nothing.
    expect_ok trove repro --dry --pull
    expect_output_contains "Would fetch data.txt"
    expect_output_contains "Would fetch count.txt"
    expect_false test -e data.txt
    [ -z "$(find .trove/cache -path '*/sha256/*' -type f 2>/dev/null)" ] ||
        fail "repro --dry --pull put objects in the cache"
    expect_ok trove repro --pull
    expect_output_contains "objects fetched"
    expect_same_bytes ../count1.txt count.txt
    expect_same_bytes ../r/data.txt data.txt
    [ "$(wc -l <"$RUNS")" -eq 1 ] || fail "repro --pull ran the stage again"

    # In r, factor 2 runs; back to 1 the run cache knows the result, but gc
    # took its object from the cache: --pull brings it back, nothing runs.
    cd ../r || fail "no r"
    echo "factor: 2" >params.yaml
    expect_ok trove repro
    [ "$(wc -l <"$RUNS")" -eq 2 ] || fail "the changed stage did not run"
    expect_ok trove gc -w -f
    echo "factor: 1" >params.yaml
    expect_ok trove repro --pull
    expect_output_contains "run cache"
    [ "$(wc -l <"$RUNS")" -eq 2 ] || fail "the stage ran though the run cache had it"
    expect_same_bytes ../count1.txt count.txt

    expect_fail 2 trove repro -r store
    expect_output_contains "--pull"
}

# A repository where x is v1, then v2 (main, HEAD), tag t1 at v1, branch
# other with x = other; and four empty remotes.
history_repo() {
    mkdir s-none s-a s-T s-A
    new_repo r
    echo v1 >x
    expect_ok trove add x
    git add -A && git commit -qm v1
    git tag t1
    echo v2 >x
    expect_ok trove commit
    git commit -qam v2
    git checkout -qb other
    echo other >x
    expect_ok trove commit
    git commit -qam other >/dev/null
    git checkout -q main
    expect_ok trove checkout
    expect_file_equals x v2
    for s in none a T A; do
        expect_ok trove remote add "s-$s" "$(cd "../s-$s" && pwd -P)"
    done
    git add -A && git commit -qm remotes
    V1=$(echo v1 | sha256sum | cut -c1-64)
    V2=$(echo v2 | sha256sum | cut -c1-64)
    OTHER=$(echo other | sha256sum | cut -c1-64)
}

# has REMOTE "IDS...": the remote holds exactly these objects.
has() {
    local want
    want=$(for id in $2; do cache_object "$id" . | sed 's|^\./||'; done | sort)
    [ "$(remote_keys "$1")" = "$want" ] ||
        fail "$1 holds '$(remote_keys "$1" | tr '\n' ' ')', expected '$(echo $want)'"
}

scope_flags() {
    history_repo
    expect_ok trove push -r s-none
    has ../s-none "$V2"
    expect_ok trove push -r s-a -a
    has ../s-a "$V2 $OTHER"
    expect_ok trove push -r s-T -T
    has ../s-T "$V2 $V1"
    expect_ok trove push -r s-A -A
    has ../s-A "$V1 $V2 $OTHER"

    # A clone fetches the other branch's data with -a (branches are local
    # ones, as in git branch), and then checks it out without a remote.
    cd .. && git clone -q r clone && cd clone || fail "git clone failed"
    git branch -q other origin/other || fail "git branch failed"
    expect_ok trove pull -r s-A
    expect_file_equals x v2
    expect_false test -e "$(cache_object "$OTHER")"
    expect_false test -e "$(cache_object "$V1")"
    expect_ok trove fetch -r s-A -a
    expect_true test -f "$(cache_object "$OTHER")"
    expect_false test -e "$(cache_object "$V1")"
    expect_ok trove fetch -r s-A -A
    expect_true test -f "$(cache_object "$V1")"
    git checkout -q t1
    expect_ok trove checkout
    expect_file_equals x v1
    git checkout -q other
    expect_ok trove checkout
    expect_file_equals x other
}

targets() {
    data_repo
    expect_ok trove push big.bin
    expect_output_contains "1 object pushed, 0 already there,"
    [ "$(remote_keys "$STORE")" = "$(cache_object "$(sha big.bin)" . | sed 's|^\./||')" ] ||
        fail "the remote holds '$(remote_keys "$STORE" | tr '\n' ' ')', not just big.bin"
    expect_ok trove push big.bin.trove
    expect_output_contains "0 objects pushed, 1 already there"
    expect_ok trove push d
    expect_output_contains "4 objects pushed"
    expect_false test -e "$(remote_object "$(sha text.txt)" "$STORE")"
    expect_fail 1 trove push nosuch
    expect_output_contains "nosuch"

    # pull TARGET brings only that.
    cd .. && git clone -q r clone && cd clone || fail "git clone failed"
    expect_ok trove pull big.bin
    expect_same_bytes ../orig/big.bin big.bin
    expect_false test -e d
    expect_false test -e text.txt
    expect_false test -e "$(cache_object "$(pointer_hash d.trove)")"
}

errors() {
    STORE=$(pwd -P)/store
    mkdir -p "$STORE"
    new_repo r
    echo data >f
    expect_ok trove add f
    git add -A && git commit -qm f

    expect_fail 1 trove push
    expect_output_contains "trove remote add"
    expect_fail 1 trove pull
    expect_output_contains "trove remote add"
    expect_fail 1 trove fetch
    expect_output_contains "trove remote add"

    expect_ok trove remote add -d store "$STORE"
    for cmd in push fetch pull; do
        expect_fail 1 trove $cmd -r nosuch
        expect_output_contains "nosuch"
    done
    expect_false test -e "$STORE/sha256"

    # A directory remote that does not exist is created by push, as by dvc
    # push (test_dvc_compat.sh has the pull side).
    expect_ok trove remote add gone "$STORE/../no-such-dir"
    expect_ok trove push -r gone
    expect_true test -d "$STORE/../no-such-dir/sha256"

    expect_ok trove remote add cloud s3://bucket/prefix
    for cmd in push fetch pull; do
        expect_fail 1 trove $cmd -r cloud
        expect_output_contains "cloud"
        expect_output_contains "S3"
    done

    expect_ok trove remote add weird ftp://host/path
    expect_fail 1 trove push -r weird
    expect_output_contains "ftp://host/path"

    # Data that was never pushed is missing on pull, by name and remote.
    git add -A && git commit -qm remotes
    id=$(sha f)
    cd .. && git clone -q r clone && cd clone || fail "git clone failed"
    expect_fail 1 trove pull
    expect_output_contains "$id"
    expect_output_contains "missing"
    expect_output_contains "'store'"
    expect_false test -e f
    expect_fail 1 trove fetch
    expect_output_contains "missing"

    # Pushing data whose cache object is gone is an error too.
    cd ../r || fail "no r"
    chmod u+w "$(cache_object "$id")"
    rm "$(cache_object "$id")"
    expect_fail 1 trove push
    expect_output_contains "$id"
    expect_output_contains "missing"
    expect_false test -e "$(remote_object "$id" "$STORE")"
    true
}

compression_none() {
    data_repo
    expect_ok trove remote modify store compression none
    expect_ok trove push
    expect_output_contains "6 objects pushed"
    for key in $(remote_keys "$STORE"); do
        expect_same_bytes ".trove/cache/$key" "$STORE/$key"
    done
    # Pulled back intact.
    cd .. && git clone -q r clone && cd clone || fail "git clone failed"
    expect_ok trove pull
    same_data ../orig
    # A level is honoured and still decodes.
    cd ../r || fail "no r"
    mkdir ../leveled
    expect_ok trove remote add leveled "$(cd ../leveled && pwd -P)"
    expect_ok trove remote modify leveled compression_level 1
    expect_ok trove push -r leveled
    expect_header "$(remote_object "$(sha text.txt)" ../leveled)"
}

# Numbers too large for their setting are refused when set, not met with a
# bare "stoi" error at push time.
number_out_of_range() {
    STORE=$(pwd -P)/store
    mkdir -p "$STORE"
    new_repo r
    echo data >f
    expect_ok trove add f
    expect_ok trove remote add -d store "$STORE"
    cp .trove/config ../config.before
    for key in compression_level jobs; do
        run trove remote modify store "$key" 99999999999999999999999
        if [ "$rc" = 0 ]; then
            run trove push
            show_output
            fail "'trove remote modify store $key 99999999999999999999999' was accepted; then 'trove push' exited $rc"
        fi
        [ "$rc" = 1 ] || { show_output; fail "exit $rc"; }
        expect_output_contains "$key"
        cmp -s ../config.before .trove/config || fail "the refused $key changed .trove/config"
    done
    # A value edited into the file by hand is named when it is used.
    sed -i 's|^\(\s*url = .*store\)$|&\n\tcompression_level = 99999999999|' .trove/config
    expect_true grep -q "compression_level = 99999999999" .trove/config
    expect_fail 1 trove push
    expect_output_contains "remote.store.compression_level"
}

# status --cloud: what is only local, only on the remote, or nowhere.
status_cloud() {
    data_repo
    expect_ok trove status --cloud
    expect_stdout_equals "not pushed: big.bin
not pushed: d
not pushed: text.txt"
    expect_ok trove push
    expect_ok trove status -c
    expect_stdout_equals "The cache and remote 'store' ($STORE) are in sync."
    chmod -R u+w .trove/cache
    rm "$(cache_object "$(pointer_hash big.bin.trove)")"
    expect_ok trove status --cloud --json
    expect_json_py 'j == {"big.bin": "not in cache", "d": "up to date", "text.txt": "up to date"}'
    echo new >new.txt
    expect_ok trove add new.txt
    rm "$(cache_object "$(sha256sum <new.txt | cut -c1-64)")"
    expect_fail 1 trove status --cloud
    expect_output_contains "missing: new.txt"
}

# gc --cloud deletes remote objects outside the scope, and only those.
gc_cloud() {
    data_repo
    expect_ok trove push
    echo changed >text.txt
    expect_ok trove add text.txt
    expect_ok trove push
    old=$(sha256sum <../orig/text.txt | cut -c1-64)
    expect_true test -f "$(remote_object "$old" "$STORE")"
    expect_ok trove gc -w --cloud --dry-run
    expect_output_contains "Would remove 1 object from remote 'store'"
    expect_true test -f "$(remote_object "$old" "$STORE")"
    expect_fail 1 trove gc -w --cloud </dev/null
    expect_true test -f "$(remote_object "$old" "$STORE")"
    expect_ok trove gc -w --cloud -f
    expect_false test -e "$(remote_object "$old" "$STORE")"
    [ "$(remote_keys "$STORE" | wc -l)" = 6 ] || fail "gc --cloud left $(remote_keys "$STORE" | wc -l) objects, not 6"
    cd .. && rm -rf clone && git clone -q r clone && cd clone || fail "git clone failed"
    git -C ../r add -A && git -C ../r commit -qm changed && git pull -q ../r HEAD
    expect_ok trove pull
    expect_file_equals text.txt changed
}

# gc --cloud deletes only what is named exactly as trove names objects: a
# user's notes in the remote's object directories and files named almost
# like objects survive it, while the unused object goes.
gc_cloud_spares_other_files() {
    data_repo
    expect_ok trove push
    echo changed >text.txt
    expect_ok trove add text.txt
    expect_ok trove push
    old=$(sha256sum <../orig/text.txt | cut -c1-64)
    p=${old:0:2}
    mkdir -p "$STORE/sha256/zz"
    echo "my notes" >"$STORE/sha256/zz/NOTES.txt"
    # Uppercase hex, one digit short or long, the whole id as the name, a
    # suffix after .dir, and a name long enough to pass a length check.
    others="sha256/$p/NOTES.txt
sha256/$p/$(printf %s "${old:2}" | tr a-f A-F)
sha256/$p/${old:3}
sha256/$p/${old:2}0
sha256/$p/$old
sha256/$p/${old:2}.dir.bak
sha256/$p/notes-on-this-dataset-kept-next-to-its-objects-by-a-user.txt"
    while read -r key; do
        cp ../orig/text.txt "$STORE/$key" || fail "cannot write $STORE/$key"
    done <<<"$others"
    expect_ok trove gc -w --cloud --dry-run
    expect_output_contains "Would remove 1 object from remote 'store'"
    expect_ok trove gc -w --cloud -f
    expect_output_contains "Removed 1 object from remote 'store'"
    expect_false test -e "$(remote_object "$old" "$STORE")"
    expect_file_equals "$STORE/sha256/zz/NOTES.txt" "my notes"
    while read -r key; do
        expect_true test -f "$STORE/$key"
    done <<<"$others"
    # What trove stored is still whole.
    cd .. && git clone -q r clone && cd clone || fail "git clone failed"
    git -C ../r add -A && git -C ../r commit -qm changed && git pull -q ../r HEAD
    expect_ok trove pull
    expect_file_equals text.txt changed
    diff -r ../orig/d d >/dev/null || fail "d differs from ../orig/d"
}

# A remote object that decodes to far more than the size the pointer file
# (or the manifest) records is refused as soon as its output passes that
# size, before it fills the disk. Fetch runs with a file size limit of 2 MiB
# (ulimit -f): writing 150 MB into .trove/tmp, as trove did before, gets it
# killed by SIGXFSZ.
remote_zip_bomb() {
    make_zip_bomb "$PWD/bomb"
    STORE=$(pwd -P)/store
    mkdir -p "$STORE"
    new_repo r
    echo hi >f
    mkdir d && echo one >d/a && echo two >d/b
    expect_ok trove add f d
    expect_ok trove remote add -d store "$STORE"
    expect_ok trove push
    f_id=$(sha f)
    d_id=$(pointer_hash d.trove)
    for id in "$f_id" "$d_id"; do
        chmod u+w "$(remote_object "$id" "$STORE")"
        cp ../bomb "$(remote_object "$id" "$STORE")"
    done
    chmod -R u+w .trove/cache && rm -rf .trove/cache f d

    expect_fail 1 bash -c 'ulimit -f 2048 && exec "$TROVE" pull'
    grep -F "${f_id:2}" "$ERR" | grep -qF "decodes to more than its recorded size (3 bytes)" ||
        { show_output; fail "no error says ${f_id:2} decodes to more than its recorded size"; }
    grep -F "${d_id:2}" "$ERR" | grep -qF "decodes to more than" ||
        { show_output; fail "no error says the manifest ${d_id:2} decodes to more than it may"; }
    expect_output_contains "'store'"
    expect_false test -e "$(cache_object "$f_id")"
    expect_false test -e "$(cache_object "$d_id")"
    expect_false test -e f
    no_temp_files .trove
    [ -z "$(find .trove -type f -size +1M)" ] || fail "large files in .trove: $(find .trove -type f -size +1M)"
}

# With cache.type hardlink, an edit of the workspace file in place changes
# the cache object. Push hashes what it reads and does not send an object
# whose bytes are not its id; the others still go.
# A push killed between writing an object and renaming it into place
# leaves a temp file on the remote. It is never taken for an object, and
# gc --cloud deletes it once it is an hour old (younger, its writer may
# still be at work on another machine).
killed_push_leftovers() {
    data_repo
    if command -v strace >/dev/null; then
        # (bash's "Killed" notice goes to /dev/null.)
        { run strace -f -o /dev/null -e trace=rename,renameat,renameat2 \
            -e inject=rename,renameat,renameat2:signal=SIGKILL:when=1 "$TROVE" push; } 2>/dev/null
        [ "$rc" = 137 ] || { show_output; fail "push under strace exited $rc, not 137 (SIGKILL)"; }
    else
        # Without strace (scripts/setup-deps installs it), what such a push leaves.
        mkdir -p "$STORE/sha256/00"
        cp text.txt "$STORE/sha256/00/.trove-tmp.12345.0.678"
    fi
    left=$(find "$STORE" -name '.trove-tmp.*')
    [ -n "$left" ] || fail "the killed push left no temp file"
    expect_ok trove push
    expect_output_contains "already there"
    expect_ok trove status --cloud
    expect_stdout_equals "The cache and remote 'store' ($STORE) are in sync."
    expect_ok trove gc -w --cloud -f
    expect_output_contains "Removed 0 objects from remote 'store'"
    [ "$(find "$STORE" -name '.trove-tmp.*')" = "$left" ] || fail "gc --cloud deleted a young temp file"
    touch -d '2 hours ago' $left
    expect_ok trove gc -w --cloud --dry-run
    expect_true test -n "$(find "$STORE" -name '.trove-tmp.*')"
    expect_ok trove gc -w --cloud -f
    no_temp_files "$STORE"
    [ "$(remote_keys "$STORE" | wc -l)" = 6 ] || fail "the remote holds $(remote_keys "$STORE" | wc -l) objects, not 6"
    cd .. && git clone -q r clone && cd clone || fail "git clone failed"
    expect_ok trove pull
    same_data ../orig
}

# A push to a full remote disk says so once, with the number of objects,
# not once per object. The full disk is a 1 MiB tmpfs mounted in a private
# mount namespace (unshare; as root or in a user namespace). Where mount
# is not permitted, a read-only remote gives a repeated "Permission denied"
# instead (not as root, which ignores modes).
full_remote_disk() {
    STORE=$(pwd -P)/store
    mkdir -p "$STORE"
    new_repo r
    mkdir d
    "$PYTHON" -S -c '
import os
for i in range(300):
    with open("d/f%03d" % i, "wb") as f:
        f.write(os.urandom(8192))
' || fail "cannot write the files"
    expect_ok trove add d
    expect_ok trove remote add -d store "$STORE"
    if unshare -rm sh -c 'mount -t tmpfs -o size=1m tmpfs "$1"' sh "$STORE" 2>/dev/null; then
        cause="No space left on device"
        run unshare -rm sh -c 'mount -t tmpfs -o size=1m tmpfs "$1" || exit 99
            "$TROVE" push; rc=$?
            find "$1" -name ".trove-tmp.*" >"$2"
            exit $rc' sh "$STORE" ../left
        [ "$rc" != 99 ] || { show_output; fail "cannot mount a tmpfs"; }
    elif [ "$(id -u)" != 0 ]; then
        cause="Permission denied"
        chmod a-w "$STORE"
        run trove push
        find "$STORE" -name ".trove-tmp.*" >../left
    else
        echo "    (skipped: neither mount nor a read-only directory can make the remote fail)"
        return 0
    fi
    [ "$rc" = 1 ] || { show_output; fail "push exited $rc, not 1"; }
    [ ! -s ../left ] || fail "temp files left on the remote: $(cat ../left)"
    [ "$(grep -c '^trove: error:' "$ERR")" = 1 ] ||
        { show_output | tail -5; fail "$(grep -c '^trove: error:' "$ERR") error lines, not 1"; }
    grep -qE "^trove: error: cannot write to remote 'store' \\($STORE\\): $cause \\([0-9]+ objects\\)\$" "$ERR" ||
        { show_output; fail "the error does not say '$cause' once with a count"; }
}

# install: hooks as DVC's, chained with the user's own, removed cleanly.
install_hooks() {
    data_repo
    printf '#!/bin/sh\necho users-own-hook\n' >.git/hooks/pre-commit
    chmod +x .git/hooks/pre-commit
    expect_ok trove install
    expect_ok trove install
    for hook in post-checkout pre-commit pre-push; do
        expect_true test -x ".git/hooks/$hook"
        [ "$(grep -c '# >>> trove install >>>' ".git/hooks/$hook")" = 1 ] || fail "$hook has not exactly one trove block"
    done
    expect_true grep -q users-own-hook .git/hooks/pre-commit
    # core.hooksPath is where git looks, so trove writes there.
    git config core.hooksPath my-hooks
    expect_ok trove install
    expect_true test -x my-hooks/pre-push
    expect_ok trove install --uninstall
    expect_false test -e my-hooks/pre-push
    git config --unset core.hooksPath
    # pre-push sends the data before git pushes.
    git init -q --bare ../origin.git
    git remote add origin ../origin.git
    git push -q origin HEAD >/dev/null 2>../push.err || { cat ../push.err; fail "git push failed"; }
    [ "$(remote_keys "$STORE" | wc -l)" = 6 ] || fail "the pre-push hook did not push the data"
    # post-checkout: a branch checkout brings that branch's data.
    git checkout -q -b other
    echo other >text.txt
    expect_ok trove add text.txt
    git commit -qam other >/dev/null
    git checkout -q - 2>/dev/null
    expect_true cmp -s text.txt ../orig/text.txt
    expect_ok trove install --uninstall
    expect_false test -e .git/hooks/post-checkout
    expect_false test -e .git/hooks/pre-push
    [ "$(cat .git/hooks/pre-commit)" = "$(printf '#!/bin/sh\necho users-own-hook')" ] || fail "the user's pre-commit hook changed"
}

# A hook that execs another program is refused, and no hook is written.
install_refuses_exec_hooks() {
    data_repo
    printf '#!/bin/sh\nexec >>hook.log 2>&1\necho fine\n' >.git/hooks/pre-commit
    printf '#!/bin/sh\nexec other-tool "$@"\n' >.git/hooks/pre-push
    expect_fail 1 trove install
    expect_output_contains "pre-push"
    expect_false test -e .git/hooks/post-checkout
    expect_false grep -q trove .git/hooks/pre-commit
    rm .git/hooks/pre-push
    expect_ok trove install
    expect_true grep -q "trove install" .git/hooks/pre-commit
    expect_fail 2 trove status -r store
}

test_case remote_config
test_case push_pull_round_trip
test_case compressed_on_remote
test_case corrupted_remote_object_detected
test_case concurrent_pushes
test_case pipeline_outputs_pushed
test_case repro_pull
test_case scope_flags
test_case targets
test_case errors
test_case compression_none
test_case number_out_of_range
test_case status_cloud
test_case gc_cloud
test_case gc_cloud_spares_other_files
test_case remote_zip_bomb
test_case push_refuses_corrupt_cache_object
test_case killed_push_leftovers
test_case full_remote_disk
test_case install_hooks
test_case install_refuses_exec_hooks
finish
