#!/usr/bin/env bash
# trove init, config, cache dir, doctor, --version, -C and usage errors.
. "$(dirname "$0")/lib.sh"

NOT_A_REPO='trove: error: not a trove repository (or any parent directory)'

init_in_git_repo() {
    mkdir r && cd r && git init -q
    expect_ok trove init
    expect_output_contains "git add .trove"
    expect_true test -f .trove/config
    for line in /cache /tmp /state /config.local; do
        grep -qxF "$line" .trove/.gitignore || fail ".trove/.gitignore lacks $line"
    done
    # Nothing is committed or staged: every entry is untracked.
    expect_false git rev-parse -q --verify HEAD
    [ -n "$(git status --porcelain)" ] || fail "git status shows nothing"
    git status --porcelain | grep -v '^?? ' && fail "init staged something"
    # The cache, tmp and state directories stay out of git.
    git status --porcelain --untracked-files=all | grep -E 'cache|/tmp|state' &&
        fail "git sees cache, tmp or state files"
    true
}

init_from_subdirectory() {
    mkdir r && cd r && git init -q
    mkdir -p a/b && cd a/b
    expect_ok trove init -q
    expect_true test -f ../../.trove/config
    expect_false test -e .trove
    expect_false test -e ../.trove
    expect_ok trove status
}

init_outside_git() {
    mkdir plain && cd plain
    expect_fail 1 trove init
    expect_output_contains "--no-scm"
    expect_false test -e .trove
    expect_ok trove init --no-scm
    expect_true test -f .trove/config
    echo data >f
    expect_ok trove add f
    expect_true test -f f.trove
    expect_ok trove status
}

init_twice() {
    new_repo r
    expect_fail 1 trove init
    expect_output_contains "-f"
    expect_ok trove init -f
    expect_true test -f .trove/config
    expect_ok trove status
}

commands_outside_a_repository() {
    mkdir plain gitonly && (cd gitonly && git init -q)
    for dir in plain gitonly; do
        cd "$SCRATCH/commands_outside_a_repository/$dir"
        for cmd in status "add x" checkout commit "remove x" "move x y" \
            "unprotect x" diff ls "gc -w" fsck "cache dir" "config -l"; do
            # shellcheck disable=SC2086
            expect_fail 1 trove $cmd
            [ "$(cat "$ERR")" = "$NOT_A_REPO" ] ||
                { show_output; fail "'trove $cmd' in $dir: wrong error"; }
        done
    done
}

dash_C_runs_elsewhere() {
    new_repo r
    echo data >f
    cd "$SCRATCH/dash_C_runs_elsewhere"
    expect_ok trove -C r add f
    expect_true test -f r/f.trove
    expect_ok trove -C r status
    expect_output_contains "up to date"
    # -C to a subdirectory finds the repository above it.
    mkdir r/sub
    expect_ok trove -C r/sub status
    expect_fail 1 trove -C "$SCRATCH" status
}

config_set_get_unset_list() {
    new_repo r
    expect_ok trove config cache.type hardlink
    expect_ok trove config cache.type
    expect_stdout_equals hardlink
    grep -q 'type *= *hardlink' .trove/config || fail ".trove/config lacks the value"
    expect_ok trove config core.jobs 3
    expect_ok trove config --list
    expect_output_contains "cache.type=hardlink"
    expect_output_contains "core.jobs=3"
    expect_ok trove config --unset cache.type
    expect_fail 1 trove config cache.type
    expect_ok trove config -l
    expect_output_lacks "cache.type"
    expect_output_contains "core.jobs=3"
}

config_local() {
    new_repo r
    expect_ok trove config cache.type copy
    expect_ok trove config --local cache.type hardlink
    grep -q hardlink .trove/config.local || fail "value not in .trove/config.local"
    grep -q hardlink .trove/config && fail "--local value went to .trove/config"
    # The local file wins over the committed one, and git never sees it.
    expect_ok trove config cache.type
    expect_stdout_equals hardlink
    git status --porcelain --untracked-files=all | grep -q config.local &&
        fail "git sees .trove/config.local"
    expect_ok trove config --local --unset cache.type
    expect_ok trove config cache.type
    expect_stdout_equals copy
}

config_global() {
    new_repo r
    expect_ok trove config --global cache.type symlink
    grep -q symlink "$XDG_CONFIG_HOME/trove/config" ||
        fail "value not in \$XDG_CONFIG_HOME/trove/config"
    grep -q symlink .trove/config && fail "--global value went to .trove/config"
    expect_ok trove config cache.type
    expect_stdout_equals symlink
    # The repository's file overrides the user's.
    expect_ok trove config cache.type copy
    expect_ok trove config cache.type
    expect_stdout_equals copy
    expect_ok trove config --global cache.type
    expect_stdout_equals symlink
}

config_global_outside_a_repository() {
    # Like `git config --global`, the user's file needs no repository.
    mkdir plain && cd plain
    expect_ok trove config --global core.jobs 3
    expect_ok trove config --global core.jobs
    expect_stdout_equals 3
}

config_unknown_key() {
    new_repo r
    cp .trove/config before
    expect_fail 1 trove config foo.bar 1
    expect_output_contains "unknown configuration key 'foo.bar'"
    expect_output_contains "cache.type"
    expect_output_contains "core.lock_timeout"
    expect_same_bytes before .trove/config
    expect_fail 1 trove config --local nope 1
    expect_false test -s .trove/config.local
}

config_rejects_bad_values() {
    # A value every later command would reject must be refused when set.
    new_repo r
    cp .trove/config before
    expect_fail 1 trove config cache.type bogus
    expect_same_bytes before .trove/config
    expect_fail 1 trove config core.lock_timeout abc
    expect_same_bytes before .trove/config
    expect_ok trove status
}

config_repairs_bad_file() {
    # A hand-edited bad value can be fixed with trove config itself.
    new_repo r
    printf '[cache]\n\ttype = bogus\n' >.trove/config
    expect_fail 1 trove status
    expect_output_contains "bogus"
    expect_ok trove config cache.type copy
    expect_ok trove status
    printf '[core]\n\tlock_timeout = abc\n' >.trove/config
    expect_ok trove config --unset core.lock_timeout
    expect_ok trove status
}

# A key assigned twice (a hand-edited or merged .trove/config): the last
# assignment is the one read, so it is the one a change rewrites.
config_duplicate_assignments() {
    new_repo r
    mkdir ../a ../b ../new
    printf '[remote "origin"]\n\turl = %s\n\turl = %s\n[core]\n\tjobs = 2\n\tjobs = 3\n' \
        "$(cd ../a && pwd -P)" "$(cd ../b && pwd -P)" >>.trove/config
    expect_ok trove remote list
    expect_output_contains "origin	$(cd ../b && pwd -P)"
    expect_ok trove remote modify origin url "$(cd ../new && pwd -P)"
    expect_ok trove remote list
    expect_stdout_equals "origin	$(cd ../new && pwd -P)"
    [ "$(grep -c 'url = ' .trove/config)" = 1 ] || { cat .trove/config; fail "url is still assigned twice"; }
    expect_ok trove config core.jobs 4
    expect_ok trove config core.jobs
    expect_stdout_equals 4
    [ "$(grep -c 'jobs = ' .trove/config)" = 1 ] || { cat .trove/config; fail "jobs is still assigned twice"; }
}

# The keys `trove config` knows are the ones its help and man page list.
config_help_lists_every_key() {
    new_repo r
    expect_ok trove config --help
    keys=$(sed -n '/^Keys:/,$p' "$OUT" | awk 'NR > 1 && /^  [a-z]/ { print $1 }')
    [ "$(wc -l <<<"$keys")" -ge 10 ] || { show_output; fail "config --help lists too few keys"; }
    for key in $keys; do
        run trove config "$key"
        [ "$rc" -le 1 ] || { show_output; fail "'$key' from the help is not a key trove config knows"; }
        expect_output_lacks "unknown configuration key"
        if [ -n "${TROVE_SOURCE_DIR:-}" ]; then
            man_key=$(sed 's/remote\.<name>\./remote. name ./' <<<"$key")
            sed 's/\\f[BIR]//g; s/^\.B[IR]* //; s/\\-/-/g' "$TROVE_SOURCE_DIR/man/trove-config.1" |
                grep -qF -- "$man_key" || fail "'$key' is not in man/trove-config.1"
        fi
    done
    expect_ok trove remote modify --help
    expect_output_contains "compression_level"
    expect_output_contains "use_path_style"
    expect_output_lacks "cache.type"
    remote_keys=$(sed -n '/^Keys:/,$p' "$OUT" | awk 'NR > 1 && /^  [a-z]/ { print $1 }')
    [ "$(wc -l <<<"$remote_keys")" -ge 5 ] || { show_output; fail "remote modify --help lists too few keys"; }
    if [ -n "${TROVE_SOURCE_DIR:-}" ]; then
        for key in $remote_keys; do
            for file in trove.bash _trove trove.fish; do
                grep -qw -- "$key" "$TROVE_SOURCE_DIR/completions/$file" ||
                    fail "remote key '$key' is not completed by completions/$file"
            done
        done
    fi
}

env_overrides_config() {
    new_repo r
    expect_ok trove config cache.type hardlink
    TROVE_CACHE_TYPE=copy expect_ok trove config cache.type
    expect_stdout_equals copy
    TROVE_CACHE_TYPE=copy expect_ok trove doctor
    expect_output_contains "link type in use: copy"
    echo data >f
    TROVE_CACHE_TYPE=copy expect_ok trove add f
    [ "$(stat -c %h f)" = 1 ] || fail "f is a hardlink although TROVE_CACHE_TYPE=copy"
    echo other >g
    expect_ok trove add g
    [ "$(stat -c %h g)" = 2 ] || fail "g is not a hardlink with cache.type=hardlink"
}

cache_dir() {
    new_repo r
    expect_ok trove cache dir
    expect_stdout_equals "$PWD/.trove/cache"
    expect_ok trove cache dir ../elsewhere
    expect_ok trove cache dir
    expect_stdout_equals "$SCRATCH/cache_dir/elsewhere"
    expect_ok trove config cache.dir
    echo data >f
    expect_ok trove add f
    id=$(pointer_hash f.trove)
    expect_true test -f "$(cache_object "$id" ../elsewhere)"
    expect_false test -e "$(cache_object "$id")"
    expect_ok trove doctor
    expect_output_contains "$SCRATCH/cache_dir/elsewhere"
    cp f saved && rm f
    expect_ok trove checkout
    expect_same_bytes saved f
    # --local keeps the setting out of the committed file.
    expect_ok trove cache dir --local ../private
    grep -q private .trove/config.local || fail "cache dir --local not in config.local"
    expect_ok trove cache dir
    expect_stdout_equals "$SCRATCH/cache_dir/private"
}

doctor() {
    new_repo r
    expect_ok trove doctor
    expect_output_contains "$("$TROVE" --version)"
    expect_output_contains "libgit2 "
    expect_output_contains "$PWD/.trove/cache"
    expect_output_contains "link type in use: "
    expect_ok trove config cache.type copy
    expect_ok trove doctor
    expect_output_contains "link type in use: copy"
}

version() {
    expect_ok trove --version
    grep -qE '^trove [0-9]+\.[0-9]+\.[0-9]+' "$OUT" || { show_output; fail "bad --version"; }
}

usage_errors() {
    new_repo r
    expect_fail 2 trove gc
    expect_output_contains "-w"
    expect_fail 2 trove --no-such-option
    expect_fail 2 trove status --no-such-option
    expect_fail 2 trove add
    expect_fail 2 trove
    expect_fail 2 trove no-such-command
    expect_fail 2 trove diff HEAD HEAD HEAD
    expect_fail 2 trove add -j 0 x
    expect_ok trove status --help
    expect_output_contains "Usage:"
}

git_trove_link() {
    # `git trove ...` runs trove through the git-trove link next to it.
    new_repo r
    echo data >f
    PATH="$(dirname "$TROVE"):$PATH" expect_ok git trove add f
    expect_true test -f f.trove
    PATH="$(dirname "$TROVE"):$PATH" expect_ok git trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

install_puts_everything_in_place() {
    # cmake --install: trove, the git-trove link, man pages, completions.
    local build
    build=$(dirname "$(dirname "$TROVE")")
    [ -f "$build/cmake_install.cmake" ] || return 0
    expect_ok cmake --install "$build" --prefix "$PWD/prefix"
    expect_true test -x prefix/bin/trove
    expect_true test -L prefix/bin/git-trove
    expect_true test -f prefix/share/man/man1/trove-add.1
    expect_true test -f prefix/share/bash-completion/completions/trove
    expect_true test -f prefix/share/zsh/vendor-completions/_trove
    expect_true test -f prefix/share/fish/vendor_completions.d/trove.fish
    expect_ok prefix/bin/trove --version
}

test_case init_in_git_repo
test_case init_from_subdirectory
test_case init_outside_git
test_case init_twice
test_case commands_outside_a_repository
test_case dash_C_runs_elsewhere
test_case config_set_get_unset_list
test_case config_local
test_case config_global
test_case config_global_outside_a_repository
test_case config_unknown_key
test_case config_rejects_bad_values
test_case config_repairs_bad_file
test_case config_duplicate_assignments
test_case config_help_lists_every_key
test_case env_overrides_config
test_case cache_dir
test_case doctor
test_case version
test_case usage_errors
test_case git_trove_link
test_case install_puts_everything_in_place
finish
