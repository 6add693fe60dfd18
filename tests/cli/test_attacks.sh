#!/usr/bin/env bash
# What a hostile repository, a racing job or an odd workspace must not be
# able to make trove do (the attack findings of issue 11): write into .git,
# .trove or outside the repository, revert or lose an edit, read a FIFO or a
# device, corrupt the cache through a shared inode.
. "$(dirname "$0")/lib.sh"

export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t

# The first finding end to end: a clone of a repository whose trove.lock
# names .git/commondir must not get it written by `trove pull`.
lock_output_into_git() {
    mkdir remote
    new_repo attacker
    trove remote add -d origin "$PWD/../remote" >/dev/null
    mkdir -p evilgit/objects evilgit/refs && touch evilgit/objects/.keep evilgit/refs/.keep
    printf '[core]\n\tfsmonitor = "echo PWNED >&2; false"\n' >evilgit/config
    echo ../evilgit >payload
    expect_ok trove add -q payload
    expect_ok trove push -q
    h=$(pointer_hash payload.trove)
    expect_ok trove remove -q payload.trove
    printf 'stages:\n  s:\n    cmd: "true"\n    frozen: true\n    outs: [.git/commondir]\n' >trove.yaml
    printf "schema: '2.0'\nstages:\n  s:\n    cmd: \"true\"\n    outs:\n      - path: .git/commondir\n        hash: sha256:%s\n        size: 11\n" "$h" >trove.lock
    git add -A && git commit -qm evil
    cd .. && git clone -q attacker victim && cd victim || fail "clone failed"
    # The lock file is refused where it is read, or its entry where it is used.
    run trove pull
    expect_false test -e .git/commondir
    run trove checkout -f
    expect_false test -e .git/commondir
    run git status
    expect_output_lacks PWNED
}

lock_output_through_symlink() {
    mkdir outside
    new_repo r
    ln -s "$PWD/../outside" link
    echo pwned >x && trove add -q x && h=$(pointer_hash x.trove) && trove remove -q x.trove
    printf 'stages:\n  s:\n    cmd: "true"\n    outs: [ok]\n' >trove.yaml
    printf "schema: '2.0'\nstages:\n  s:\n    cmd: \"true\"\n    outs:\n      - path: ok\n        hash: sha256:%s\n        size: 6\n" "$h" >trove.lock
    expect_ok trove checkout
    expect_file_equals ok pwned # the same lock file with a safe path works
    rm ok
    sed -i 's|path: ok|path: link/trove-wrote-here|; s|outs: \[ok\]|outs: [link/trove-wrote-here]|' trove.lock trove.yaml
    run trove checkout -f
    expect_false test -e ../outside/trove-wrote-here
}

# A job replaces a file while `add` stores its directory: with a hardlink or
# symlink cache the new content must not be reverted to the old object.
edit_during_linked_add() {
    for type in hardlink symlink; do
        ( new_repo "$type"
          trove config cache.type "$type"
          python3 -c "
import os
for d in range(40):
    os.makedirs('data/d%d' % d, exist_ok=True)
    for i in range(500):
        open('data/d%d/f%d' % (d, i), 'wb').write(os.urandom(1000))"
          trove add data >/dev/null 2>../add.err &
          pid=$!
          # Replace a file once staging is under way (the temp dir fills).
          while [ "$(ls -A .trove/tmp 2>/dev/null | wc -l)" -lt 5000 ]; do
              kill -0 $pid 2>/dev/null || fail "add finished before the edit ($type): make the data bigger"
              sleep 0.01
          done
          rm data/d0/f0 && echo NEW-RESULT >data/d0/f0
          wait $pid || fail "add failed ($type)"
          expect_file_equals data/d0/f0 NEW-RESULT
          grep -q "data/d0/f0' changed while it was being stored" ../add.err ||
              fail "add did not name the changed file ($type)"
          expect_ok trove status
          expect_output_contains "data"
          expect_output_lacks "up to date"
        ) || exit 1
    done
}

# An in-place edit of a hardlinked file changes the cache object: checkout
# must say so instead of "restoring" the edit and recording it as clean.
in_place_edit_of_hardlinked_file() {
    new_repo r
    trove config cache.type hardlink
    echo original >f && trove add -q f && git add -A && git commit -qm v1
    chmod u+w f && echo appended >>f
    expect_fail 1 trove checkout -f
    expect_output_contains "corrupt"
    expect_output_contains "trove fsck"
    run trove status
    expect_output_lacks "up to date"
}

# A hardlink cache never takes over an inode that has other names.
shared_inode_is_copied() {
    mkdir out
    new_repo r
    trove config cache.type hardlink
    echo shared >f && ln f ../out/f_ext
    expect_ok trove add -q f
    expect_true test -w ../out/f_ext
    echo changed >../out/f_ext
    expect_ok trove fsck
    expect_output_contains "0 corrupt"
    expect_file_equals f shared
}

# A dataset holding a .git (a clone, a submodule) or a .trove directory:
# those entries are skipped with a warning and the rest comes back.
dataset_with_git_entries() {
    new_repo r
    mkdir -p ds/sub/.trove && echo important >ds/results.csv
    echo "gitdir: ../.git/modules/x" >ds/.git && echo x >ds/sub/.trove/x
    expect_ok trove add ds
    expect_output_contains "skipped"
    expect_output_contains ".git"
    rm -rf ds
    expect_ok trove checkout
    expect_file_equals ds/results.csv important
}

# A hostile manifest naming .git entries: the other files are still placed.
hostile_manifest_git_entry() {
    new_repo r
    mkdir ds && echo a >ds/a && trove add -q ds
    h=$(pointer_hash ds.trove); h=${h%.dir}
    ha=$(sha256sum ds/a | cut -c1-64)
    printf 'trove-manifest 1\n%s 2 644 .git/config\n%s 2 644 a\n' "$ha" "$ha" >manifest
    mh=$(sha256sum manifest | cut -c1-64)
    mkdir -p ".trove/cache/sha256/${mh:0:2}" && cp manifest ".trove/cache/sha256/${mh:0:2}/${mh:2}.dir"
    sed -i "s/$h/$mh/" ds.trove
    rm -rf ds
    expect_fail 1 trove checkout
    expect_output_contains "ds/.git/config' was not checked out"
    expect_file_equals ds/a a
    expect_false test -e ds/.git
}

# A path inside a tracked directory turns from a file into a directory and
# back; an error in one output never stops the others.
file_and_directory_swap() {
    new_repo r
    mkdir data && echo A >data/a && echo z >z && trove add -q data z
    git add -A && git commit -qm v1
    rm data/a && mkdir data/a && echo AB >data/a/b && trove commit -q && git add -A && git commit -qm v2
    git checkout -q HEAD~1
    expect_ok trove checkout
    expect_file_equals data/a A
    no_temp_files data
    git checkout -q main
    rm z
    expect_ok trove checkout
    expect_file_equals data/a/b AB
    expect_file_equals z z
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

# A tracked path that is a FIFO or a symlink to a device or an outside file
# is never read: no hang, no outside data in the cache.
fifo_and_device_symlinks() {
    new_repo r
    echo x >p && trove add -q p && rm p && mkfifo p
    run timeout 10 "$TROVE" status
    [ "$rc" -ne 124 ] || fail "status hangs on a FIFO"
    expect_output_contains "FIFO"
    run timeout 10 "$TROVE" checkout
    [ "$rc" = 1 ] || { show_output; fail "checkout over a FIFO exited $rc"; }
    expect_output_contains "FIFO"
    run timeout 10 "$TROVE" commit
    [ "$rc" = 1 ] || { show_output; fail "commit of a FIFO exited $rc"; }
    rm p && ln -s /dev/zero p
    run timeout 10 "$TROVE" checkout
    [ "$rc" = 1 ] || { show_output; fail "checkout over a /dev/zero link exited $rc"; }
    rm p && ln -s /etc/hostname p
    objects=$(find .trove/cache -type f | wc -l)
    expect_ok timeout 10 "$TROVE" checkout -f
    expect_file_equals p x
    expect_true test "$(find .trove/cache -type f | wc -l)" = "$objects"
    expect_output_lacks "saved 'p'"
}

# A cache on another file system (the usual reason to set cache.dir): objects
# are staged beside it, not in .trove/tmp.
cache_on_another_file_system() {
    new_repo r
    cache=/dev/shm/trove-test-cache.$$
    [ "$(stat -c %d /dev/shm)" != "$(stat -c %d .)" ] ||
        fail "/dev/shm is on the same file system as the scratch directory"
    expect_ok trove cache dir "$cache"
    echo hi >f && mkdir d && echo a >d/a
    expect_ok trove add f d
    expect_true test -f "$(cache_object "$(pointer_hash f.trove)" "$cache")"
    rm -rf f d
    expect_ok trove checkout
    expect_file_equals d/a a
    expect_true test -z "$(ls -A .trove/tmp)"
    rm -rf "$cache"
}

# A user's file whose name starts like trove's temp files is data.
temp_like_names_are_data() {
    new_repo r
    mkdir d && echo a >d/a && echo notes >d/.trove-tmp.999999.notes
    expect_ok trove add -q d
    expect_ok trove checkout
    expect_file_equals d/.trove-tmp.999999.notes notes
    rm -rf d && expect_ok trove checkout
    expect_file_equals d/.trove-tmp.999999.notes notes
}

# Two pointer files for one path: refused, naming both.
two_pointers_for_one_path() {
    new_repo r
    echo one >x && trove add -q x && mv x.trove a.trove
    echo two >x && trove add -q x && mv x.trove b.trove
    expect_fail 1 trove checkout
    expect_output_contains "b.trove: 'x' is already tracked by a.trove"
    expect_fail 1 trove status
    expect_output_contains "b.trove: 'x' is already tracked by a.trove"
}

# Deeper than a path can be: refused by add rather than recorded and then
# impossible to check out.
too_deep_directory() {
    new_repo r
    python3 -c "
import os
os.mkdir('deep'); os.chdir('deep')
for _ in range(2100):
    os.mkdir('d'); os.chdir('d')
open('f', 'w').write('x')" || fail "cannot build the deep tree"
    expect_fail 1 trove add deep
    expect_output_contains "longer than"
    expect_false test -e deep.trove
    rm -rf deep
}

# Files that are only named like trove's: data inside a dataset, and a stray
# one elsewhere does not hide the status of the rest.
stray_trove_named_files() {
    new_repo r
    mkdir d && echo a >d/a && echo junk >d/x.trove
    expect_ok trove add d
    echo tracked >t && expect_ok trove add -q t
    echo notes >notes.trove
    echo changed >t
    expect_fail 1 trove status
    expect_output_contains "notes.trove"
    expect_output_contains "t"
    expect_output_contains "modified"
    rm -rf d
    run trove checkout d
    expect_file_equals d/x.trove junk
}

# A kill between the pointer write and the .gitignore write leaves a temp
# file in the work tree; the next command removes it.
temp_file_of_a_killed_add() {
    command -v strace >/dev/null || fail "strace is not installed (scripts/setup-deps installs it)"
    new_repo r
    echo hi >f
    strace -f -o /dev/null -e trace=rename,renameat,renameat2 \
        -e inject=rename,renameat,renameat2:signal=SIGKILL:when=3 "$TROVE" add -q f
    left=$(find . -maxdepth 1 -name '.trove-tmp.*')
    [ -n "$left" ] || fail "the kill did not land between the two writes (no temp file left)"
    expect_ok trove status
    expect_true test -z "$(find . -maxdepth 1 -name '.trove-tmp.*')"
    expect_true test -z "$(git status --porcelain --untracked-files=all | grep trove-tmp)"
}

# status is read-only: a stat index it cannot save (a full disk; here the
# index's path is a directory, which makes the rename fail) does not fail it.
status_when_the_stat_index_cannot_be_saved() {
    new_repo r
    echo x >f && trove add -q f && echo y >f && touch -d 2020-01-01 f # old enough to be recorded
    rm -f .trove/state/stat-index && mkdir .trove/state/stat-index
    expect_ok trove status
    expect_output_contains "modified"
    expect_output_contains "stat-index"
    no_temp_files .trove/state
}

# An add that fills the disk removes the copies it staged, so the disk does
# not stay full. The disk is a 4 MiB tmpfs in a private mount namespace,
# 2.5 MB of data: about 15 copies fit before the disk is full.
add_on_a_full_disk() {
    unshare -rm true 2>/dev/null || fail "unshare -rm is not permitted here"
    mkdir disk
    run unshare -rm sh -c '
        mount -t tmpfs -o size=4m tmpfs disk || exit 99
        cd disk && git init -q && "$TROVE" init -q || exit 98
        mkdir d && for i in $(seq 25); do head -c 100000 /dev/urandom >d/f$i; done
        "$TROVE" add d; echo "add exited $?"
        echo "staged: $(ls -A .trove/tmp | wc -l)"
        echo "cache: $(find .trove/cache -type f | wc -l)"'
    [ "$rc" = 0 ] || { show_output; fail "the namespace script failed ($rc)"; }
    expect_output_contains "add exited 1"
    expect_output_contains "No space left on device"
    expect_output_contains "staged: 0"
}

# A cloned repository's metrics, params or plot file that is a symlink to a
# file elsewhere on the machine is not read (it would be printed, or put in a
# report a CI job posts); links inside the repository, and a symlinked
# output into an external cache, still are.
links_out_of_the_repository() {
    local secret=$SCRATCH/secret.json
    echo '{"token": 424242}' >"$secret"
    printf 'step,token\n1,424242\n' >"$SCRATCH/secret.csv"
    new_repo r
    mkdir sub && echo '{"acc": 0.5}' >sub/real.json
    ln -s sub/real.json inside.json
    ln -s "$secret" metrics.json
    ln -s "$SCRATCH/secret.csv" plot.csv
    printf 'metrics: [metrics.json, inside.json]\nparams: [metrics.json]\nplots: [plot.csv]\n' >trove.yaml
    git add -A && git commit -qm hostile
    for cmd in "metrics show" "params diff --all" "plots show -o out" "report -o rep"; do
        # shellcheck disable=SC2086
        run "$TROVE" $cmd
        expect_output_contains "outside the repository: not read"
        expect_output_lacks 424242
    done
    expect_fail 1 trove metrics show
    grep -q 'inside.json.*0.5' "$OUT" || { show_output; fail "inside.json is not shown"; }
    ! grep -rqs 424242 out rep || fail "the outside file reached the HTML"

    # A metrics output linked into a cache outside the repository is read.
    cd "$SCRATCH" && new_repo r2
    expect_ok trove cache dir "$SCRATCH/cache"
    expect_ok trove config cache.type symlink
    echo '{"acc": 0.9}' >result.json
    printf 'stages:\n  s:\n    cmd: cp result.json m.json\n    deps: [result.json]\n    metrics: [m.json]\n' >trove.yaml
    expect_ok trove repro
    expect_true test -L m.json
    expect_ok trove metrics show
    expect_output_contains "0.9"
}

# Projects sharing one cache (cache.dir set to the same directory, as DVC's
# shared cache): gc in one keeps what the others use; a project that is gone
# keeps nothing, with a warning.
shared_cache_gc() {
    local home=$PWD
    local cache=$home/shared-cache
    new_repo a
    expect_ok trove cache dir "$cache"
    echo only-in-a >fa && expect_ok trove add fa
    local a_object
    a_object=$(cache_object "$(pointer_hash fa.trove)" "$cache")
    cd "$home" && new_repo b
    expect_ok trove cache dir "$cache"
    echo only-in-b >fb && expect_ok trove add fb
    expect_ok trove gc -w -f
    expect_output_contains "Kept what $home/a uses (it shares the cache)"
    expect_true test -f "$a_object"
    cd "$home/a" && rm fa
    expect_ok trove checkout
    expect_file_equals fa only-in-a
    rm -rf "$home/a"
    cd "$home/b"
    expect_ok trove gc -w -f
    expect_output_contains "the project $home/a, listed as sharing the cache, no longer exists"
    expect_false test -f "$a_object"
    expect_true test -f "$(cache_object "$(pointer_hash fb.trove)" "$cache")"
}

test_case lock_output_into_git
test_case lock_output_through_symlink
test_case edit_during_linked_add
test_case in_place_edit_of_hardlinked_file
test_case shared_inode_is_copied
test_case dataset_with_git_entries
test_case hostile_manifest_git_entry
test_case file_and_directory_swap
test_case fifo_and_device_symlinks
test_case cache_on_another_file_system
test_case temp_like_names_are_data
test_case two_pointers_for_one_path
test_case too_deep_directory
test_case stray_trove_named_files
test_case temp_file_of_a_killed_add
test_case status_when_the_stat_index_cannot_be_saved
test_case add_on_a_full_disk
test_case links_out_of_the_repository
test_case shared_cache_gc
finish
