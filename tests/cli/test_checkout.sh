#!/usr/bin/env bash
# trove checkout: older versions through git, restoring, refusing, relinking.
. "$(dirname "$0")/lib.sh"

sha() { sha256sum "$1" | cut -c1-64; }

# A repository with two commits of tracked data: directory d and file f.
# Copies of each version are kept in ../v1 and ../v2; $V1 and $V2 are the
# commits.
two_versions() {
    new_repo r
    mkdir d
    echo alpha >d/a
    echo beta >d/b
    head -c 100000 /dev/urandom >d/bin
    echo first >f
    expect_ok trove add d f
    git add -A && git commit -qm v1
    V1=$(git rev-parse HEAD)
    mkdir ../v1 && cp -r d f ../v1/
    echo ALPHA >d/a
    rm d/b
    mkdir d/new && echo gamma >d/new/c
    echo second >f
    expect_ok trove commit
    git add -A && git commit -qm v2
    V2=$(git rev-parse HEAD)
    mkdir ../v2 && cp -r d f ../v2/
}

# same_as DIR: d and f are byte for byte the copies in DIR.
same_as() {
    diff -r "$1/d" d >/dev/null || fail "d differs from $1/d: $(diff -rq "$1/d" d | head -3)"
    expect_same_bytes "$1/f" f
}

older_version_through_git() {
    two_versions
    git checkout -q "$V1" -- .
    expect_ok trove checkout
    same_as ../v1
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    git checkout -q "$V2" -- .
    expect_ok trove checkout
    same_as ../v2
    # A detached HEAD at the older commit, then back to the branch.
    git checkout -q "$V1"
    expect_ok trove checkout
    same_as ../v1
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    git checkout -q main
    expect_ok trove checkout
    same_as ../v2
    expect_ok trove checkout
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

restores_deleted_data() {
    two_versions
    rm -rf d f
    expect_ok trove checkout
    grep -qxP 'A\td' "$OUT" || { show_output; fail "no 'A<TAB>d' line"; }
    grep -qxP 'A\tf' "$OUT" || { show_output; fail "no 'A<TAB>f' line"; }
    expect_output_contains "4 files added"
    same_as ../v2
    # Only the named target.
    rm -rf d f
    expect_ok trove checkout f.trove
    expect_true test -f f
    expect_false test -e d
    # A target given relative to a subdirectory.
    mkdir sub && cd sub
    expect_ok trove checkout ../d
    cd ..
    same_as ../v2
}

refuses_to_overwrite_edits() {
    two_versions
    echo "my edit" >f
    cp f ../edited
    expect_fail 1 trove checkout
    expect_output_contains "'f'"
    expect_same_bytes ../edited f
    expect_fail 1 trove checkout f
    expect_same_bytes ../edited f
    id=$(sha ../edited)
    expect_ok trove checkout -f
    expect_output_contains "warning"
    expect_output_contains "sha256:$id"
    expect_same_bytes ../edited "$(cache_object "$id")"
    expect_same_bytes ../v2/f f
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

extra_file_blocks_its_directory() {
    two_versions
    echo stray >d/stray
    rm f
    expect_fail 1 trove checkout
    expect_output_contains "d/stray"
    expect_file_equals d/stray stray
    # The other output is still checked out.
    expect_same_bytes ../v2/f f
    # So does an older version that would replace the directory's content.
    git checkout -q "$V1" -- .
    expect_fail 1 trove checkout d
    expect_file_equals d/stray stray
    expect_file_equals d/a ALPHA
    expect_ok trove checkout -f d
    expect_output_contains "sha256:$(sha256sum <<<stray | cut -c1-64)"
    expect_file_equals "$(cache_object "$(sha256sum <<<stray | cut -c1-64)")" stray
    expect_false test -e d/stray
    diff -r ../v1/d d >/dev/null || fail "d is not v1"
}

replaced_by_a_directory() {
    two_versions
    rm f
    mkdir f
    echo precious >f/p
    expect_fail 1 trove checkout f
    expect_file_equals f/p precious
    expect_ok trove checkout -f f
    expect_same_bytes ../v2/f f
    expect_true test -f "$(cache_object "$(sha256sum <<<precious | cut -c1-64)")"
}

# A file where the manifest has a directory (d/new holds d/new/c), and a
# second output deleted: -f saves the file, puts the directory back, and
# restores the other output too.
file_where_a_directory_belongs() {
    two_versions
    rm -rf d/new
    echo "in the way" >d/new
    rm f
    expect_fail 1 trove checkout
    expect_output_contains "d/new"
    expect_file_equals d/new "in the way"
    expect_same_bytes ../v2/f f
    rm f
    expect_ok trove checkout -f
    expect_output_lacks "filesystem error"
    expect_output_contains "sha256:$(sha256sum <<<"in the way" | cut -c1-64)"
    same_as ../v2
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

# A file trove must not touch (ignored, so not part of d) stands where a
# directory is to be made: the error names the path, exit 1, and the other
# outputs are still checked out.
ignored_file_in_the_way() {
    two_versions
    rm -rf d/new f
    echo "d/new" >.troveignore
    echo "ignored" >d/new
    expect_fail 1 trove checkout
    expect_output_contains "cannot create directory"
    expect_output_contains "d/new"
    expect_output_lacks "filesystem error"
    expect_file_equals d/new ignored
    expect_same_bytes ../v2/f f
    expect_file_equals d/a ALPHA
}

missing_object() {
    new_repo r
    echo one >f1
    echo two >f2
    expect_ok trove add f1 f2
    id=$(pointer_hash f1.trove)
    rm -f "$(cache_object "$id")"
    rm f1 f2
    expect_fail 1 trove checkout
    expect_output_contains "f1"
    expect_output_contains "sha256:$id"
    expect_false test -e f1
    expect_file_equals f2 two
    # A missing file inside a directory is named as clearly: the path and
    # the object id, and the rest of the directory is checked out.
    mkdir d && echo a >d/a && echo b >d/b
    expect_ok trove add d
    rm -f "$(cache_object "$(sha d/b)")"
    rm -rf d
    expect_fail 1 trove checkout d
    expect_file_equals d/a a
    expect_output_contains "d/b"
    expect_output_contains "sha256:$(sha256sum <<<b | cut -c1-64)"
}

relink() {
    new_repo r
    expect_ok trove config cache.type copy
    mkdir d && echo a >d/a && echo b >d/b
    echo f >f
    expect_ok trove add d f
    for p in f d/a d/b; do
        [ "$(stat -c %h $p)" = 1 ] || fail "$p is linked with cache.type copy"
    done
    expect_ok trove config cache.type hardlink
    expect_ok trove checkout --relink
    for p in f d/a d/b; do
        [ "$(stat -c %i $p)" = "$(stat -c %i "$(cache_object "$(sha $p)")")" ] ||
            fail "$p is not a hardlink to its object after --relink"
    done
    expect_file_equals d/a a
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    expect_ok trove config cache.type copy
    expect_ok trove checkout --relink
    for p in f d/a d/b; do
        [ "$(stat -c %h $p)" = 1 ] || fail "$p is still linked after --relink to copy"
    done
    expect_file_equals f f
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

test_case older_version_through_git
test_case restores_deleted_data
test_case refuses_to_overwrite_edits
test_case extra_file_blocks_its_directory
test_case replaced_by_a_directory
test_case file_where_a_directory_belongs
test_case ignored_file_in_the_way
test_case missing_object
test_case relink
finish
