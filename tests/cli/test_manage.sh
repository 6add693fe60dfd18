#!/usr/bin/env bash
# trove remove, move and unprotect.
. "$(dirname "$0")/lib.sh"

sha() { sha256sum "$1" | cut -c1-64; }

up_to_date() {
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

remove_file_and_directory() {
    new_repo r
    echo f >f
    mkdir d && echo a >d/a
    mkdir sub && printf '# mine\n*.log\n' >sub/.gitignore && echo g >sub/g
    expect_ok trove add f d sub/g
    objects=$(find .trove/cache -type f | sort)
    expect_ok trove remove f
    expect_false test -e f.trove
    expect_false test -e f
    expect_file_equals .gitignore /d
    expect_ok trove remove d.trove
    expect_false test -e d.trove
    expect_false test -e d
    grep -qx /d .gitignore 2>/dev/null && fail "/d is still in .gitignore"
    expect_ok trove remove sub/g
    expect_false test -e sub/g
    expect_false test -e sub/g.trove
    expect_file_equals sub/.gitignore "$(printf '# mine\n*.log')"
    # The cache keeps the objects (gc removes them).
    [ "$(find .trove/cache -type f | sort)" = "$objects" ] || fail "remove changed the cache"
    up_to_date
    expect_fail 1 trove remove f
    expect_output_contains "f"
}

remove_keep_data() {
    new_repo r
    echo f >f
    mkdir d && echo a >d/a
    expect_ok trove add f d
    expect_ok trove remove --keep-data f d
    expect_false test -e f.trove
    expect_false test -e d.trove
    expect_file_equals f f
    expect_file_equals d/a a
    [ -s .gitignore ] && grep -qxE '/f|/d' .gitignore && fail ".gitignore still lists the data"
    git status --porcelain | grep -qx '?? f' || fail "git does not see f as untracked"
    up_to_date
}

remove_refuses_unsaved_changes() {
    new_repo r
    echo f >f
    mkdir d && echo a >d/a
    expect_ok trove add f d
    echo edited >f
    echo stray >d/stray
    cp .gitignore saved.gitignore
    for target in f d; do
        expect_fail 1 trove remove $target
        expect_output_contains "$target"
        expect_true test -f $target.trove
    done
    expect_file_equals f edited
    expect_file_equals d/stray stray
    expect_same_bytes saved.gitignore .gitignore
    # Once committed, removing loses nothing.
    expect_ok trove commit
    expect_ok trove remove f d
    expect_false test -e f
    expect_true test -f "$(cache_object "$(sha256sum <<<edited | cut -c1-64)")"
    expect_true test -f "$(cache_object "$(sha256sum <<<stray | cut -c1-64)")"
}

remove_already_deleted_data() {
    new_repo r
    echo f >f
    expect_ok trove add f
    rm f
    expect_ok trove remove f
    expect_false test -e f.trove
    up_to_date
}

move_file() {
    new_repo r
    echo f >f
    expect_ok trove add f
    id=$(pointer_hash f.trove)
    expect_ok trove move f g
    expect_false test -e f
    expect_false test -e f.trove
    expect_file_equals g f
    grep -qE '^ *- path: g$' g.trove || fail "g.trove does not name g"
    [ "$(pointer_hash g.trove)" = "$id" ] || fail "the id changed"
    expect_file_equals .gitignore /g
    up_to_date
}

move_directory_across_directories() {
    new_repo r
    mkdir d && echo a >d/a && echo b >d/b
    mkdir sub && printf '*.log\n' >sub/.gitignore
    echo keep >keep
    expect_ok trove add d keep
    cp -r d ../saved
    expect_ok trove move d sub/d2
    expect_false test -e d
    expect_false test -e d.trove
    diff -r ../saved sub/d2 >/dev/null || fail "sub/d2 differs from the original d"
    grep -qE '^ *- path: d2$' sub/d2.trove || fail "sub/d2.trove does not name d2"
    expect_file_equals .gitignore /keep
    expect_file_equals sub/.gitignore "$(printf '*.log\n/d2')"
    git check-ignore -q sub/d2/a || fail "git does not ignore sub/d2"
    up_to_date
    # By its pointer file, into an existing directory.
    mkdir other
    expect_ok trove move sub/d2.trove other
    expect_true test -f other/d2.trove
    diff -r ../saved other/d2 >/dev/null || fail "other/d2 differs from the original d"
    expect_file_equals sub/.gitignore '*.log'
    expect_file_equals other/.gitignore /d2
    up_to_date
    rm -rf other/d2
    expect_ok trove checkout
    diff -r ../saved other/d2 >/dev/null || fail "checkout after move gives other content"
}

move_to_the_repository_root() {
    # The destination is the root directory itself ("."): the data must land
    # in the repository, never at the file system root.
    new_repo r
    name=trove-move-probe-$$-$RANDOM
    mkdir sub
    echo data >"sub/$name"
    expect_ok trove add "sub/$name"
    root_ignore_existed=no
    [ -e /.gitignore ] && root_ignore_existed=yes && cp /.gitignore ../root.gitignore
    run trove move "sub/$name" .
    if [ -e "/$name" ] || [ -e "/$name.trove" ]; then
        # Clean up what trove wrote outside (names unique to this run).
        rm -f "/$name" "/$name.trove"
        if [ $root_ignore_existed = yes ]; then
            cat ../root.gitignore >/.gitignore
        elif [ "$(cat /.gitignore 2>/dev/null)" = "/$name" ]; then
            rm -f /.gitignore
        fi
        fail "'trove move sub/$name .' wrote /$name and /$name.trove at the file system root"
    fi
    [ "$rc" = 0 ] || { show_output; fail "'trove move sub/$name .' exited $rc"; }
    expect_file_equals "$name" data
    expect_true test -f "$name.trove"
    expect_file_equals .gitignore "/$name"
    up_to_date
}

move_refusals() {
    new_repo r
    echo f >f
    echo g >g
    echo plain >plain
    mkdir d && echo a >d/a
    expect_ok trove add f g d
    snapshot() { find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha256sum; }
    snapshot >../before
    expect_fail 1 trove move f g
    expect_output_contains "g"
    expect_fail 1 trove move plain p2
    expect_fail 1 trove move f .trove/
    expect_fail 1 trove move f .git/
    expect_fail 1 trove move f ../outside
    expect_false test -e ../outside
    expect_fail 1 trove move missing x
    snapshot >../after
    expect_same_bytes ../before ../after
    # A refused move into a new directory creates no directory either.
    expect_fail 1 trove move f .git/newdir/
    expect_fail 1 trove move f .trove/newdir/
    expect_fail 1 trove move f ../newdir/
    expect_false test -e .git/newdir
    expect_false test -e .trove/newdir
    expect_false test -e ../newdir
    expect_file_equals f f
}

move_into_tracked_data() {
    # d is tracked as a whole: f moved inside it would be tracked twice.
    new_repo r
    echo f >f
    mkdir d && echo a >d/a
    expect_ok trove add f d
    expect_fail 1 trove move f d/
    expect_file_equals f f
    expect_false test -e d/f.trove
    up_to_date
}

unprotect_hardlinks() {
    new_repo r
    expect_ok trove config cache.type hardlink
    echo f >f
    mkdir d && echo a >d/a && echo b >d/b
    expect_ok trove add f d
    expect_ok trove unprotect f d
    for p in f d/a d/b; do
        [ "$(stat -c %h $p)" = 1 ] || fail "$p is still a hardlink"
        [ "$(stat -c %i $p)" != "$(stat -c %i "$(cache_object "$(sha $p)")")" ] ||
            fail "$p shares the inode of its object"
        case $(stat -c %A $p) in -rw*) ;; *) fail "$p is not writable: $(stat -c %A $p)" ;; esac
    done
    expect_file_equals f f
    expect_file_equals d/a a
    up_to_date
    # Editing the copy leaves the cache intact.
    echo edited >f
    expect_file_equals "$(cache_object "$(sha256sum <<<f | cut -c1-64)")" f
    expect_ok trove status
    expect_output_contains "f: modified"
    expect_fail 1 trove unprotect missing
}

unprotect_copies() {
    new_repo r
    expect_ok trove config cache.type copy
    echo f >f
    expect_ok trove add f
    expect_ok trove unprotect f
    expect_file_equals f f
    case $(stat -c %A f) in -rw*) ;; *) fail "f is not writable" ;; esac
    up_to_date
}

test_case remove_file_and_directory
test_case remove_keep_data
test_case remove_refuses_unsaved_changes
test_case remove_already_deleted_data
test_case move_file
test_case move_directory_across_directories
test_case move_to_the_repository_root
test_case move_refusals
test_case move_into_tracked_data
test_case unprotect_hardlinks
test_case unprotect_copies
finish
