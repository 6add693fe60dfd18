#!/usr/bin/env bash
# Hostile or broken input, locking, concurrency and kill -9.
. "$(dirname "$0")/lib.sh"

sha() { sha256sum "$1" | cut -c1-64; }

# snapshot: every file outside .git and trove's private .trove/state, with
# its checksum, sorted.
snapshot() {
    find . \( -path ./.git -o -path ./.trove/state \) -prune -o \( -type f -o -type l \) -print0 |
        sort -z | xargs -0 sha256sum
}

# random_files DIR COUNT: COUNT files of 1 MiB of random bytes.
random_files() {
    mkdir -p "$1"
    python3 -S -c '
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(os.path.join(d, "f%04d" % i), "wb") as f:
        f.write(os.urandom(1 << 20))
' "$1" "$2" 2>/dev/null && return
    for i in $(seq 1 "$2"); do head -c 1048576 /dev/urandom >"$1/f$i"; done
}

now() { date +%s.%N; }
elapsed_at_least() { python3 -S -c 'import sys; sys.exit(0 if float(sys.argv[2]) - float(sys.argv[1]) >= float(sys.argv[3]) else 1)' "$@"; }

malformed_pointer() {
    new_repo r
    echo x >x
    mkdir d && echo a >d/a
    expect_ok trove add x d
    git add -A && git commit -qm v1
    printf 'outs: [path: x\n' >bad.trove
    snapshot >../before
    touch ../marker
    sleep 1
    for cmd in status checkout "checkout -f" commit "remove bad.trove" diff "gc -w -f"; do
        # shellcheck disable=SC2086
        expect_fail 1 trove $cmd
        grep -qE 'bad\.trove:[0-9]+:[0-9]+' "$ERR" ||
            { show_output; fail "'trove $cmd': error does not name bad.trove:line:column"; }
        grep -q '^trove: error: ' "$ERR" || { show_output; fail "'trove $cmd': not a trove: error line"; }
    done
    snapshot >../after
    expect_same_bytes ../before ../after
    changed=$(find . \( -path ./.git -o -path ./.trove/state \) -prune -o -newer ../marker -print)
    [ -z "$changed" ] || fail "files changed: $changed"
}

pointer_schema_errors() {
    new_repo r
    echo x >x
    expect_ok trove add x
    h=$(sha x)
    check_error() {  # CONTENT TEXT: checkout names bad.trove:L:C and TEXT
        printf '%b' "$1" >bad.trove
        expect_fail 1 trove checkout bad.trove
        grep -qE 'bad\.trove:[0-9]+:[0-9]+' "$ERR" || { show_output; fail "no position for: $1"; }
        expect_output_contains "$2"
    }
    check_error "outs:\n  - path: y\n    hash: sha256:$h\n    colour: red\n" "colour"
    check_error "outs:\n  - path: y\n    hash: md5:abc\n" "md5:abc"
    check_error "outs:\n  - path: y\n    hash: sha256:$h\n    size: -5\n" "size"
    check_error "foo: 1\n" "foo"
    expect_false test -e y
}

unsafe_pointer_paths() {
    new_repo r
    echo precious >../outside
    echo payload >p
    expect_ok trove add p
    h=$(sha p)
    for path in ../outside "$SCRATCH/unsafe_pointer_paths/abs" a/../../outside2; do
        printf 'outs:\n  - path: %s\n    hash: sha256:%s\n    size: 8\n' "$path" "$h" >evil.trove
        snapshot >../before
        for cmd in checkout "checkout -f" status commit "remove evil.trove"; do
            # shellcheck disable=SC2086
            expect_fail 1 trove $cmd
            expect_output_contains "unsafe path"
            expect_output_contains "evil.trove"
        done
        expect_fail 1 trove move evil.trove moved
        snapshot >../after
        expect_same_bytes ../before ../after
    done
    expect_file_equals ../outside precious
    expect_false test -e ../abs
    expect_false test -e ../outside2
}

pointer_into_git_or_trove() {
    # A committed pointer must not write into .git (hooks!) or .trove.
    new_repo r
    printf '#!/bin/sh\necho hook ran >"%s/hook-ran"\n' "$PWD" >payload
    expect_ok trove add payload
    h=$(sha payload)
    for path in .git/hooks/pre-commit .trove/config.local .git/info/attributes; do
        printf 'outs:\n  - path: %s\n    hash: sha256:%s\n' "$path" "$h" >evil.trove
        expect_fail 1 trove checkout
        expect_false test -e "$path"
    done
    # As a directory over .git/hooks, even with -f.
    mkdir hk && cp payload hk/pre-commit && chmod +x hk/pre-commit
    expect_ok trove add hk
    sed 's#path: hk$#path: .git/hooks#' hk.trove >evil.trove
    rm -rf hk hk.trove
    expect_fail 1 trove checkout -f evil.trove
    expect_false test -e .git/hooks/pre-commit
    rm -f evil.trove
    git commit -q --allow-empty -m probe
    expect_false test -e hook-ran
}

pointer_through_a_symlink() {
    # A symlink committed to git must not carry checkout outside the repo.
    # (An absolute path such as /etc/passwd is covered by a scratch path in
    # unsafe_pointer_paths, so that a regression cannot damage the system.)
    new_repo r
    mkdir ../outside
    ln -s ../outside link
    echo payload >p
    expect_ok trove add p
    printf 'outs:\n  - path: link/pwned\n    hash: sha256:%s\n' "$(sha p)" >evil.trove
    run trove checkout -f
    expect_false test -e ../outside/pwned
    [ "$rc" = 1 ] || { show_output; fail "checkout through a symlink exited $rc, expected 1"; }
}

hostile_manifest() {
    new_repo r
    echo payload >p
    expect_ok trove add p
    h=$(sha p)
    for entry in ../pwned /tmp/trove-pwned-$$ a/../../pwned2 ./../pwned3; do
        manifest=../manifest
        printf 'trove-manifest 1\n%s 8 644 %s\n' "$h" "$entry" >$manifest
        m=$(sha $manifest)
        obj=$(cache_object "$m.dir")
        mkdir -p "$(dirname "$obj")" && cp $manifest "$obj"
        printf 'outs:\n  - path: dd\n    hash: sha256:%s.dir\n    size: 8\n    nfiles: 1\n' "$m" >dd.trove
        snapshot >../before
        expect_fail 1 trove checkout
        expect_output_contains "unsafe path"
        expect_fail 1 trove checkout -f dd
        expect_output_contains "unsafe path"
        snapshot >../after
        expect_same_bytes ../before ../after
        expect_false test -e dd
        rm -f "$obj"
    done
    expect_false test -e ../pwned
    expect_false test -e ../../pwned2
    expect_false test -e ../pwned3
    expect_false test -e /tmp/trove-pwned-$$
}

lock_timeout() {
    new_repo r
    echo x >x
    flock .trove/state/lock sleep 3 &
    holder=$!
    sleep 0.3
    start=$(now)
    TROVE_CORE_LOCK_TIMEOUT=1 expect_fail 1 trove add x
    expect_output_contains "locked"
    expect_false test -e x.trove
    elapsed_at_least "$start" "$(now)" 0.9 || fail "gave up before the 1 s timeout"
    # With a longer timeout the add waits for the holder and succeeds.
    expect_ok trove config core.lock_timeout 10
    flock .trove/state/lock sleep 2 &
    holder2=$!
    sleep 0.3
    start=$(now)
    expect_ok trove add x
    elapsed_at_least "$start" "$(now)" 1 || fail "add did not wait for the lock"
    expect_true test -f x.trove
    wait $holder $holder2
}

readers_share_the_lock() {
    new_repo r
    echo x >x
    expect_ok trove add x
    flock -s .trove/state/lock sleep 3 &
    holder=$!
    sleep 0.3
    TROVE_CORE_LOCK_TIMEOUT=1 expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    TROVE_CORE_LOCK_TIMEOUT=1 expect_fail 1 trove commit
    expect_output_contains "locked"
    wait $holder
}

concurrent_adds() {
    new_repo r
    for round in 1 2 3; do
        random_files A$round 60
        random_files B$round 60
        "$TROVE" add -q A$round >../a.out 2>&1 &
        a=$!
        "$TROVE" add -q B$round >../b.out 2>&1 &
        b=$!
        wait $a || { cat ../a.out; fail "round $round: add A$round failed"; }
        wait $b || { cat ../b.out; fail "round $round: add B$round failed"; }
        expect_true test -f A$round.trove
        expect_true test -f B$round.trove
        grep -qx /A$round .gitignore || fail "round $round: .gitignore lacks /A$round"
        grep -qx /B$round .gitignore || fail "round $round: .gitignore lacks /B$round"
    done
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    expect_ok trove fsck
    expect_output_contains "0 corrupt"
}

# The state letter of process PID in /proc (R, S, D, T, Z...), "" once reaped.
proc_state() {
    local line
    read -r line 2>/dev/null </proc/"$1"/stat || return 0
    line=${line##*) }
    echo "${line%% *}"
}

# stop_mid_operation PID WHAT CONDITION...: polls CONDITION (without
# forking, so as not to miss a short moment) while PID runs, then stops PID
# with SIGSTOP. Fails when PID ended first: a kill then would not land
# mid-operation, and what follows would test nothing.
stop_mid_operation() {
    local pid=$1 what=$2 deadline=$((SECONDS + 120)) state
    shift 2
    until "$@"; do
        state=$(proc_state "$pid")
        case $state in "" | Z | X) fail "$what ended before it could be stopped mid-operation" ;; esac
        [ $SECONDS -lt $deadline ] || fail "$what: no '$*' within 120 s"
    done
    kill -STOP "$pid" || fail "cannot stop $what"
    # SIGSTOP is asynchronous: wait until it took effect.
    until [ "$(proc_state "$pid")" = T ]; do
        case $(proc_state "$pid") in "" | Z | X) fail "$what ended before it stopped" ;; esac
    done
}

# kill_stopped PID WHAT: SIGKILL for the stopped PID; its status must be the signal's.
kill_stopped() {
    kill -KILL "$1" || fail "cannot kill $2"
    local status=0
    { wait "$1"; } 2>/dev/null || status=$? # without bash's "Killed" line
    [ "$status" = 137 ] || fail "$2 exited $status after SIGKILL, expected 137 (killed by the signal)"
}

# has_entries DIR: DIR holds a file or directory (hidden ones included: temporary files are).
has_entries() {
    local entry
    for entry in "$1"/.[!.]* "$1"/*; do
        [ -e "$entry" ] && return 0
    done
    return 1
}

has_at_least() {
    local entries=("$2"/*)
    [ -e "${entries[0]}" ] && [ ${#entries[@]} -ge "$1" ]
}

kill_during_add() {
    new_repo r
    files=${TROVE_TEST_KILL_FILES:-2000}
    random_files big "$files"
    (cd big && sha256sum f* >../../big.sums)
    "$TROVE" add -q big >../add.out 2>&1 &
    pid=$!
    # Stopped while it stages copies of the files in .trove/tmp: the pointer
    # file is not written yet.
    stop_mid_operation $pid "trove add" has_entries .trove/tmp
    [ ! -e big.trove ] || fail "big.trove exists: add was past its last step when stopped"
    kill_stopped $pid "trove add"
    # Nothing lost: the files are as they were.
    (cd big && sha256sum --quiet -c ../../big.sums) || fail "a file of big changed after the kill"
    # Consistent afterwards: no torn object, pointer or lock.
    expect_ok trove fsck
    expect_output_contains "0 corrupt"
    expect_ok trove status
    [ ! -e big.trove ] || fail "big.trove appeared after the kill"
    expect_ok trove add -q big
    expect_true test -f big.trove
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    # The next writer swept what the killed one left in .trove/tmp.
    [ -z "$(ls -A .trove/tmp)" ] || fail "left in .trove/tmp: $(ls -A .trove/tmp | head -3)"
    grep -qE '^ *nfiles: '"$files"'$' big.trove || fail "wrong nfiles"
    (cd big && sha256sum --quiet -c ../../big.sums) || fail "a file of big changed after the re-run"
}

kill_during_checkout() {
    new_repo r
    random_files big 400
    expect_ok trove add -q big
    mkdir ../saved && cp -r big ../saved/
    # Killed at several moments, as its files appear: after each, checking
    # out again must need no -f (nothing of the user's is at stake) and give
    # the right data.
    for placed in 1 100 250; do
        rm -rf big
        "$TROVE" checkout -q >../co.out 2>&1 &
        pid=$!
        stop_mid_operation $pid "trove checkout (to $placed files)" has_at_least $placed big
        if diff -rq ../saved/big big >/dev/null 2>&1; then
            fail "big was complete when checkout was stopped at $placed files"
        fi
        kill_stopped $pid "trove checkout (at $placed files)"
        expect_ok trove status
        run trove checkout
        [ "$rc" = 0 ] || { show_output; fail "checkout after a kill at $placed files exited $rc"; }
        # The killed checkout's partial files must not stay among the data.
        stale=$(find big -name '*tmp*' | head -3)
        [ -z "$stale" ] || fail "after a kill at $placed files, checkout left temp files in big/: $stale"
        diff -rq ../saved/big big >../diff.out || { head -5 ../diff.out; fail "big differs (kill at $placed files)"; }
        expect_ok trove status
        expect_stdout_equals "Data and pipelines are up to date."
    done
}

test_case malformed_pointer
test_case pointer_schema_errors
test_case unsafe_pointer_paths
test_case pointer_into_git_or_trove
test_case pointer_through_a_symlink
test_case hostile_manifest
test_case lock_timeout
test_case readers_share_the_lock
test_case concurrent_adds
test_case kill_during_add
test_case kill_during_checkout
finish
