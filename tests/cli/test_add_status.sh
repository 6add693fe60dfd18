#!/usr/bin/env bash
# trove add, status and commit.
. "$(dirname "$0")/lib.sh"

sha() { sha256sum "$1" | cut -c1-64; }
count_objects() { find .trove/cache -type f | wc -l; }

add_file() {
    new_repo r
    printf 'hello\n' >f
    expect_ok trove add f
    expect_output_contains "git add"
    h=$(sha f)
    grep -qE '^outs:$' f.trove || fail "no outs: in f.trove"
    grep -qE '^ *- path: f$' f.trove || fail "no path in f.trove"
    grep -qE "^ *hash: sha256:$h\$" f.trove || fail "hash is not sha256:$h"
    grep -qE '^ *size: 6$' f.trove || fail "size is not 6"
    grep -q nfiles f.trove && fail "a file has nfiles"
    expect_file_equals .gitignore /f
    obj=.trove/cache/sha256/${h:0:2}/${h:2}
    expect_true test -f "$obj"
    [ "$(sha "$obj")" = "$h" ] || fail "object content does not hash to its id"
    expect_same_bytes f "$obj"
    [ -w "$obj" ] && [ "$(id -u)" != 0 ] && fail "cache object is writable"
    case $(stat -c %A "$obj") in *w*) fail "cache object has a write bit" ;; esac
    git check-ignore -q f || fail "git does not ignore f"
    git check-ignore -q f.trove && fail "git ignores f.trove"
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

add_directory() {
    new_repo r
    mkdir -p data/sub
    printf 'aaa\n' >data/a.txt
    printf 'bbbbb\n' >data/sub/b.txt
    expect_ok trove add data
    id=$(pointer_hash data.trove)
    [[ $id =~ ^[0-9a-f]{64}\.dir$ ]] || fail "directory id '$id' is not <64 hex>.dir"
    grep -qE '^ *- path: data$' data.trove || fail "no path in data.trove"
    grep -qE '^ *size: 10$' data.trove || fail "size is not 10"
    grep -qE '^ *nfiles: 2$' data.trove || fail "nfiles is not 2"
    expect_file_equals .gitignore /data
    manifest=$(cache_object "$id")
    expect_true test -f "$manifest"
    [ "$(sha "$manifest")" = "${id%.dir}" ] || fail "manifest does not hash to its id"
    [ "$(head -n1 "$manifest")" = "trove-manifest 1" ] || fail "bad manifest header"
    grep -qxF "$(sha data/a.txt) 4 644 a.txt" "$manifest" || fail "manifest lacks a.txt"
    grep -qxF "$(sha data/sub/b.txt) 6 644 sub/b.txt" "$manifest" || fail "manifest lacks sub/b.txt"
    for f in data/a.txt data/sub/b.txt; do
        expect_same_bytes "$f" "$(cache_object "$(sha "$f")")"
    done
    # The manifest names paths relative to the directory: a copy under
    # another name has the same id.
    cp -r data copy
    expect_ok trove add copy
    [ "$(pointer_hash copy.trove)" = "$id" ] || fail "same content, different id"
}

gitignore_beside_the_data() {
    new_repo r
    mkdir -p sub/dir
    printf '# mine\n*.log\n' >sub/dir/.gitignore
    echo one >sub/dir/f
    echo two >sub/dir/g
    expect_ok trove add sub/dir/f
    expect_true test -f sub/dir/f.trove
    expect_false test -e .gitignore
    expect_file_equals sub/dir/.gitignore "$(printf '# mine\n*.log\n/f')"
    expect_ok trove add sub/dir/f
    expect_ok trove add sub/dir/g
    expect_ok trove add sub/dir/f sub/dir/g
    expect_file_equals sub/dir/.gitignore "$(printf '# mine\n*.log\n/f\n/g')"
    git check-ignore -q sub/dir/f || fail "git does not ignore sub/dir/f"
    # A path given relative to a subdirectory.
    cd sub
    echo three >h
    expect_ok trove add h
    expect_true test -f h.trove
    expect_file_equals .gitignore /h
}

gitignore_escapes_special_names() {
    new_repo r
    echo a >'we*ird'
    echo b >'#hash'
    echo c >'!bang'
    echo d >weirdo
    expect_ok trove add 'we*ird' '#hash' '!bang'
    for f in 'we*ird' '#hash' '!bang'; do
        git check-ignore -q "$f" || fail "git does not ignore '$f'"
    done
    git check-ignore -q weirdo && fail "the pattern for 'we*ird' also ignores weirdo"
    true
}

git_add_hint_is_usable() {
    new_repo r
    mkdir sub
    echo a >sub/a
    echo b >sub/b
    cd sub
    expect_ok trove add a b
    hint=$(grep -E '^ *git add ' "$OUT") || { show_output; fail "no git add hint"; }
    # Each path once, and the command works where the user is.
    words=$(echo "$hint" | tr ' ' '\n' | grep -v '^$')
    [ "$(echo "$words" | sort | uniq -d)" = "" ] || fail "hint repeats a path: $hint"
    run bash -c "$hint"
    [ "$rc" = 0 ] || { show_output; fail "the printed hint fails in $PWD: $hint"; }
}

same_id_everywhere() {
    for type in copy hardlink; do
        new_repo "$SCRATCH/same_id_everywhere/$type"
        expect_ok trove config cache.type $type
        mkdir d
        printf 'one\n' >d/1
        printf 'two\n' >d/2
        printf 'file\n' >f
        expect_ok trove add d f
    done
    cd "$SCRATCH/same_id_everywhere"
    [ "$(pointer_hash copy/d.trove)" = "$(pointer_hash hardlink/d.trove)" ] ||
        fail "directory ids differ between repositories"
    [ "$(pointer_hash copy/f.trove)" = "$(pointer_hash hardlink/f.trove)" ] ||
        fail "file ids differ between repositories"
    (cd copy && find .trove/cache -type f -printf '%P\n' | sort) >a
    (cd hardlink && find .trove/cache -type f -printf '%P\n' | sort) >b
    expect_same_bytes a b
}

hardlink_is_read_only() {
    new_repo r
    expect_ok trove config cache.type hardlink
    mkdir d
    echo x >d/x
    echo f >f
    expect_ok trove add f d
    for p in f d/x; do
        obj=$(cache_object "$(sha $p)")
        [ "$(stat -c %i $p)" = "$(stat -c %i "$obj")" ] || fail "$p is not a hardlink to $obj"
        case $(stat -c %A $p) in *w*) fail "$p is writable: $(stat -c %A $p)" ;; esac
    done
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

add_refusals() {
    new_repo r
    echo out >../outside
    echo t >tracked
    git add tracked && git commit -qm tracked
    mkdir d && echo x >d/x
    expect_ok trove add d
    before=$(count_objects)
    expect_fail 1 trove add ../outside
    expect_output_contains "outside the repository"
    expect_fail 1 trove add "$SCRATCH/add_refusals/outside"
    expect_fail 1 trove add .trove/config
    expect_fail 1 trove add .git/HEAD
    expect_fail 1 trove add tracked
    expect_output_contains "git rm -r --cached"
    expect_fail 1 trove add d/x
    expect_output_contains "d.trove"
    expect_fail 1 trove add missing
    expect_output_contains "missing"
    expect_fail 1 trove add .
    ls ./*.trove ../*.trove 2>/dev/null | grep -vx './d.trove' && fail "a pointer was written"
    [ "$(count_objects)" = "$before" ] || fail "objects were added to the cache"
    expect_file_equals .gitignore /d
}

troveignore() {
    new_repo r
    mkdir -p data/logs data/sub
    echo keep >data/a.txt
    echo keep >data/sub/b.txt
    echo skip >data/b.tmp
    echo skip >data/sub/c.tmp
    echo skip >data/logs/l.txt
    printf '*.tmp\nlogs/\n' >.troveignore
    expect_ok trove add data
    grep -qE '^ *nfiles: 2$' data.trove || fail "nfiles is not 2"
    m=$(cache_object "$(pointer_hash data.trove)")
    grep -qE '\.tmp$|logs' "$m" && fail "ignored files are in the manifest"
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

troveignore_applies_to_named_paths() {
    # "paths trove add never tracks": naming one does not track it either.
    new_repo r
    printf '*.tmp\n' >.troveignore
    echo x >top.tmp
    run trove add top.tmp
    expect_false test -e top.tmp.trove
    expect_false test -e .gitignore
}

symlink_outside_is_skipped() {
    new_repo r
    echo secret >../secret
    mkdir d
    echo in >d/in
    ln -s ../../secret d/out
    expect_ok trove add d
    expect_output_contains "warning"
    expect_output_contains "d/out"
    grep -qE '^ *nfiles: 1$' d.trove || fail "nfiles is not 1"
    grep -q ' out$' "$(cache_object "$(pointer_hash d.trove)")" && fail "the symlink is in the manifest"
    ! grep -rq secret .trove/cache || fail "the target's content is in the cache"
}

status_clean() {
    new_repo r
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    echo x >f
    expect_ok trove add f
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    expect_ok trove status -q
    expect_stdout_equals ""
    [ -s "$ERR" ] && fail "status -q printed to stderr"
    true
}

status_changes_in_directory() {
    new_repo r
    mkdir d
    echo a >d/a
    echo b >d/b
    echo c >d/c
    expect_ok trove add d
    echo changed >d/a
    rm d/b
    echo new >d/n
    expect_ok trove status
    expect_output_contains "d: modified"
    grep -qE 'added: +n$' "$OUT" || { show_output; fail "n not reported added"; }
    grep -qE 'modified: +a$' "$OUT" || { show_output; fail "a not reported modified"; }
    grep -qE 'deleted: +b$' "$OUT" || { show_output; fail "b not reported deleted"; }
    grep -qE ': +c$' "$OUT" && { show_output; fail "unchanged c reported"; }
    expect_fail 1 trove status -q
    expect_stdout_equals ""
    expect_ok trove status --json
    expect_json 'list(j) == ["d"]' 'j["d"]["state"] == "modified"' \
        'j["d"]["added"] == ["n"]' 'j["d"]["modified"] == ["a"]' \
        'j["d"]["deleted"] == ["b"]' 'j["d"]["pointer"] == "d.trove"' \
        'j["d"]["in_cache"] is True'
    # Targets limit what is shown.
    echo f >f
    expect_ok trove add f
    expect_ok trove status f
    expect_stdout_equals "Data and pipelines are up to date."
    expect_ok trove status --json f.trove
    expect_json 'j == {}'
}

status_deleted_file() {
    new_repo r
    echo x >f
    expect_ok trove add f
    rm f
    expect_ok trove status
    expect_output_contains "f: deleted"
    expect_fail 1 trove status -q
    expect_ok trove status --json
    expect_json 'j["f"]["state"] == "deleted"'
    # Not in the cache either: status says so.
    rm -f "$(cache_object "$(pointer_hash f.trove)")"
    expect_ok trove status
    expect_output_contains "not in cache"
    expect_ok trove status --json
    expect_json 'j["f"]["in_cache"] is False'
}

readd_unchanged() {
    new_repo r
    mkdir d
    for i in $(seq 1 50); do head -c 20000 /dev/urandom >d/f$i; done
    expect_ok trove add d
    cp d.trove saved.trove
    cp .gitignore saved.gitignore
    find .trove/cache -type f -printf '%P %T@ %i\n' | sort >objects.before
    stamp=$(stat -c %Y.%y d.trove)
    sleep 1
    expect_ok trove add d
    expect_same_bytes saved.trove d.trove
    expect_same_bytes saved.gitignore .gitignore
    [ "$(stat -c %Y.%y d.trove)" = "$stamp" ] || fail "d.trove was rewritten"
    find .trove/cache -type f -printf '%P %T@ %i\n' | sort >objects.after
    expect_same_bytes objects.before objects.after
}

readd_many_times() {
    # Re-adding unchanged data again and again must never fail (it uses the
    # stat index from several threads).
    new_repo r
    mkdir d
    for i in $(seq 1 50); do head -c 20000 /dev/urandom >d/f$i; done
    expect_ok trove add d
    cp d.trove saved
    for i in $(seq 1 100); do
        run trove add -q d
        [ "$rc" = 0 ] || { show_output; fail "re-add number $i exited $rc"; }
    done
    expect_same_bytes saved d.trove
}

unchanged_files_are_not_read() {
    # The stat index: a no-op status or re-add reads no file contents.
    new_repo r
    mkdir -p d/sub
    for i in $(seq 1 40); do echo "row $i" >d/f$i; echo "deep $i" >d/sub/g$i; done
    echo model >model.bin
    # Older than the racy window, as data usually is.
    touch -d '1 minute ago' d/f* d/sub/* model.bin
    expect_ok trove add d model.bin
    expect_ok trove -v status
    expect_output_contains "read 0 files (0 bytes)"
    expect_ok trove -v add d model.bin
    expect_output_contains "read 0 files (0 bytes)"
    # One edit: exactly that file is read again.
    echo "row 1 edited" >d/f1
    touch -d '1 minute ago' d/f1
    expect_ok trove -v status
    expect_output_contains "read 1 files (13 bytes)"
    expect_output_contains "modified: f1"
}

commit_records_edits() {
    new_repo r
    mkdir d
    echo a >d/a
    echo f >f
    expect_ok trove add d f
    old_d=$(pointer_hash d.trove)
    old_f=$(pointer_hash f.trove)
    echo changed >d/a
    echo more >d/new
    echo changed >f
    expect_ok trove commit
    new_d=$(pointer_hash d.trove)
    [ "$new_d" != "$old_d" ] || fail "d.trove hash did not change"
    [ "$(pointer_hash f.trove)" = "$(sha f)" ] || fail "f.trove does not record f"
    [ "$(pointer_hash f.trove)" != "$old_f" ] || fail "f.trove hash did not change"
    grep -qE '^ *nfiles: 2$' d.trove || fail "nfiles is not 2"
    expect_true test -f "$(cache_object "$new_d")"
    expect_same_bytes d/new "$(cache_object "$(sha d/new)")"
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    # Committing again changes nothing; committing deleted data is refused.
    cp d.trove saved
    expect_ok trove commit
    expect_same_bytes saved d.trove
    rm -rf d
    expect_fail 1 trove commit d
    expect_output_contains "d"
    expect_same_bytes saved d.trove
}

test_case add_file
test_case add_directory
test_case gitignore_beside_the_data
test_case gitignore_escapes_special_names
test_case git_add_hint_is_usable
test_case same_id_everywhere
test_case hardlink_is_read_only
test_case add_refusals
test_case troveignore
test_case troveignore_applies_to_named_paths
test_case symlink_outside_is_skipped
test_case status_clean
test_case status_changes_in_directory
test_case status_deleted_file
test_case readd_unchanged
test_case readd_many_times
test_case unchanged_files_are_not_read
test_case commit_records_edits
finish
