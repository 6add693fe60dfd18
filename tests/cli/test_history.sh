#!/usr/bin/env bash
# trove diff, ls, gc and fsck.
. "$(dirname "$0")/lib.sh"

sha() { sha256sum "$1" | cut -c1-64; }
objects() { find .trove/cache -type f -printf '%P\n' | sed 's|^sha256/||; s|/||' | sort; }

# Two commits: V1 has d/{a,b} and f; V2 modifies d/a and f, deletes d/b,
# adds d/c and a new output g. Copies of the files are in ../v1 and ../v2.
two_versions() {
    new_repo r
    mkdir d
    echo alpha >d/a
    echo beta >d/b
    echo first >f
    expect_ok trove add d f
    git add -A && git commit -qm v1
    V1=$(git rev-parse HEAD)
    mkdir ../v1 && cp -r d f ../v1/
    echo ALPHA >d/a
    rm d/b
    echo gamma >d/c
    echo second >f
    echo new >g
    expect_ok trove commit
    expect_ok trove add g
    git add -A && git commit -qm v2
    V2=$(git rev-parse HEAD)
    mkdir ../v2 && cp -r d f g ../v2/
}

diff_between_commits() {
    two_versions
    expect_ok trove diff "$V1" "$V2"
    for line in $'A\td/c' $'A\tg' $'D\td/b' $'M\td/a' $'M\tf'; do
        grep -qxF "$line" "$OUT" || { show_output; fail "no line '$line'"; }
    done
    [ "$(grep -c $'\t' "$OUT")" = 5 ] || { show_output; fail "not exactly 5 changes"; }
    expect_output_contains "2 added, 1 deleted, 2 modified"
    expect_ok trove diff --json "$V1" "$V2"
    expect_json \
        'sorted(e["path"] for e in j["added"]) == ["d/c", "g"]' \
        '[e["path"] for e in j["deleted"]] == ["d/b"]' \
        "j['deleted'][0]['hash'] == 'sha256:$(sha ../v1/d/b)'" \
        'sorted(e["path"] for e in j["modified"]) == ["d/a", "f"]' \
        "[e['hash'] for e in j['modified'] if e['path'] == 'f'] == [{'old': 'sha256:$(sha ../v1/f)', 'new': 'sha256:$(sha ../v2/f)'}]" \
        "[e['hash'] for e in j['added'] if e['path'] == 'g'] == ['sha256:$(sha ../v2/g)']"
    # Reversed, the same changes the other way round.
    expect_ok trove diff "$V2" "$V1"
    grep -qxF $'D\td/c' "$OUT" || { show_output; fail "reversed diff lacks D d/c"; }
    grep -qxF $'A\td/b' "$OUT" || { show_output; fail "reversed diff lacks A d/b"; }
    expect_ok trove diff "$V2" "$V2"
    grep -q $'\t' "$OUT" && { show_output; fail "a commit differs from itself"; }
    expect_output_contains "0 added, 0 deleted, 0 modified"
}

diff_head_and_workspace() {
    two_versions
    expect_ok trove diff
    grep -q $'\t' "$OUT" && { show_output; fail "clean workspace differs from HEAD"; }
    echo zeta >d/z
    echo changed >d/a
    rm f
    expect_ok trove diff
    for line in $'A\td/z' $'M\td/a' $'D\tf'; do
        grep -qxF "$line" "$OUT" || { show_output; fail "no line '$line'"; }
    done
    expect_output_contains "1 added, 1 deleted, 1 modified"
    expect_ok trove diff --json
    expect_json '[e["path"] for e in j["added"]] == ["d/z"]' \
        '[e["path"] for e in j["deleted"]] == ["f"]' \
        '[e["path"] for e in j["modified"]] == ["d/a"]'
    # One revision: that revision against the workspace.
    expect_ok trove diff "$V1"
    grep -qxF $'A\td/z' "$OUT" || { show_output; fail "no A d/z against V1"; }
    grep -qxF $'D\td/b' "$OUT" || { show_output; fail "no D d/b against V1"; }
}

ls_at_revisions() {
    two_versions
    expect_ok trove ls
    [ "$(awk '{print $NF}' "$OUT" | sort | tr '\n' ' ')" = "d/a d/c f g " ] ||
        { show_output; fail "ls at HEAD lists the wrong paths"; }
    grep -qE '^ *6 +d/a$' "$OUT" || { show_output; fail "no size 6 for d/a"; }
    expect_ok trove ls "$V1"
    [ "$(awk '{print $NF}' "$OUT" | sort | tr '\n' ' ')" = "d/a d/b f " ] ||
        { show_output; fail "ls at V1 lists the wrong paths"; }
    expect_ok trove ls HEAD~1 d
    [ "$(awk '{print $NF}' "$OUT" | sort | tr '\n' ' ')" = "d/a d/b " ] ||
        { show_output; fail "ls HEAD~1 d lists the wrong paths"; }
    expect_ok trove ls HEAD f
    [ "$(awk '{print $NF}' "$OUT")" = "f" ] || { show_output; fail "ls HEAD f"; }
    expect_ok trove ls --json "$V1" d
    expect_json 'sorted(e["path"] for e in j) == ["d/a", "d/b"]' \
        "[(e['hash'], e['size']) for e in j if e['path'] == 'd/b'] == [('sha256:$(sha ../v1/d/b)', 5)]"
    # ls reads the revision, not the workspace.
    rm -rf d f g
    expect_ok trove ls --json
    expect_json 'sorted(e["path"] for e in j) == ["d/a", "d/c", "f", "g"]'
}

unknown_revision() {
    two_versions
    expect_fail 1 trove ls no-such-rev
    expect_output_contains "no-such-rev"
    expect_fail 1 trove diff no-such-rev HEAD
    expect_output_contains "no-such-rev"
    expect_fail 1 trove diff HEAD no-such-rev
    expect_output_contains "no-such-rev"
    expect_fail 1 trove ls --json no-such-rev
    [ -s "$OUT" ] && { show_output; fail "--json printed something on error"; }
    true
}

gc_needs_a_scope() {
    two_versions
    before=$(objects)
    expect_fail 2 trove gc
    expect_fail 2 trove gc -f
    [ "$(objects)" = "$before" ] || fail "gc without a scope deleted objects"
}

# The workspace's directory without its manifest: gc deletes nothing.
gc_stops_without_a_workspace_manifest() {
    two_versions
    manifest=$(cache_object "$(pointer_hash d.trove)")
    chmod u+w "$(dirname "$manifest")"
    rm -f "$manifest"
    before=$(objects)
    expect_fail 1 trove gc -w -f
    expect_output_contains "manifest"
    [ "$(objects)" = "$before" ] || fail "gc deleted objects without knowing d's files"
}

gc_workspace() {
    two_versions
    # What the workspace uses: d's manifest, d/a, d/c, f and g at V2.
    keep=$( (pointer_hash d.trove; sha d/a; sha d/c; sha f; sha g) | sort)
    before=$(objects)
    expect_ok trove gc -w --dry-run
    expect_output_contains "4"
    [ "$(objects)" = "$before" ] || fail "--dry-run deleted objects"
    expect_fail 1 trove gc -w </dev/null
    [ "$(objects)" = "$before" ] || fail "gc without -f and no terminal deleted objects"
    expect_ok trove gc -w -f
    [ "$(objects)" = "$keep" ] || fail "gc -w kept $(objects | tr '\n' ' ') instead of $keep"
    expect_ok trove fsck
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    # The older commit's data is gone; V2's still checks out.
    git checkout -q "$V1" -- .
    expect_fail 1 trove checkout
    git checkout -q "$V2" -- .
    rm -rf d f g
    expect_ok trove checkout
    diff -r ../v2/d d >/dev/null || fail "d is not V2"
}

gc_keeps_branches_and_tags() {
    new_repo r
    echo main >x
    expect_ok trove add x
    git add -A && git commit -qm main
    git tag tagged
    echo middle >x
    expect_ok trove commit
    git commit -qam middle
    git checkout -qb other
    echo other >x
    expect_ok trove commit
    git commit -qam other
    git checkout -q main
    expect_ok trove checkout
    expect_file_equals x middle
    id_main=$(sha256sum <<<main | cut -c1-64)
    id_other=$(sha256sum <<<other | cut -c1-64)
    expect_ok trove gc --all-branches -f
    expect_true test -f "$(cache_object "$id_other")"
    expect_false test -e "$(cache_object "$id_main")"
    git checkout -q other
    expect_ok trove checkout
    expect_file_equals x other
    git checkout -q main
    expect_ok trove checkout
    expect_file_equals x middle
    # --all-tags keeps what a tag uses, and only that.
    echo tagonly >y
    expect_ok trove add y
    git add -A && git commit -qm y
    git tag t2
    echo later >y
    expect_ok trove commit
    git commit -qam later
    id_tag=$(sha256sum <<<tagonly | cut -c1-64)
    expect_ok trove gc -w --all-tags -f
    expect_true test -f "$(cache_object "$id_tag")"
    expect_false test -e "$(cache_object "$id_other")"
    expect_ok trove gc -w -f
    expect_false test -e "$(cache_object "$id_tag")"
    expect_file_equals x middle
    expect_ok trove fsck
}

gc_all_commits() {
    two_versions
    before=$(objects)
    expect_ok trove gc -A -f
    [ "$(objects)" = "$before" ] || fail "gc -A deleted objects some commit uses"
    git checkout -q "$V1"
    expect_ok trove checkout
    diff -r ../v1/d d >/dev/null || fail "d is not V1"
}

fsck_clean_and_corrupt() {
    two_versions
    expect_ok trove fsck
    expect_output_contains "0 corrupt"
    id=$(sha f)
    obj=$(cache_object "$id")
    chmod u+w "$obj"
    printf 'X' | dd of="$obj" bs=1 count=1 conv=notrunc status=none
    expect_fail 1 trove fsck
    expect_output_contains "$id"
    expect_output_contains "1 corrupt"
    # A corrupt manifest is found too.
    rm "$obj"
    expect_ok trove fsck
    m=$(cache_object "$(pointer_hash d.trove)")
    chmod u+w "$m"
    echo "junk" >>"$m"
    expect_fail 1 trove fsck
    expect_output_contains "$(pointer_hash d.trove)"
}

test_case diff_between_commits
test_case diff_head_and_workspace
test_case ls_at_revisions
test_case unknown_revision
test_case gc_needs_a_scope
test_case gc_workspace
test_case gc_stops_without_a_workspace_manifest
test_case gc_keeps_branches_and_tags
test_case gc_all_commits
test_case fsck_clean_and_corrupt
finish
