# Shared helpers for the end-to-end suites in tests/cli/.
#
# A suite is `bash tests/cli/test_NAME.sh` with TROVE=<trove binary> (and
# TROVE_SOURCE_DIR=<source tree>) in the environment. It sources this file,
# defines functions, runs each with `test_case FUNCTION`, then calls `finish`.
# Exit status: 0 all passed, 1 something failed, 125 skipped.
#
# Each test case runs in a subshell inside its own empty directory under the
# suite's scratch directory, so `cd` and `export` do not leak between cases.
# An assertion that fails prints what it saw and ends the test case.
# Arguments to a suite name the test cases to run (default: all).

set -u

if [ -z "${TROVE:-}" ] || [ ! -x "${TROVE}" ]; then
    echo "skip: TROVE is not set to an executable trove binary"
    exit 125
fi
case "$TROVE" in /*) ;; *) TROVE="$PWD/$TROVE" ;; esac
export TROVE
command -v git >/dev/null || { echo "skip: git is not installed"; exit 125; }

SUITE=$(basename "$0" .sh)
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/trove-$SUITE.XXXXXX")
SCRATCH=$(cd "$SCRATCH" && pwd -P)
# The last command's output (see `run`).
OUT=$SCRATCH/.stdout
ERR=$SCRATCH/.stderr
rc=0

# A hermetic environment: no user git or trove configuration, fixed locale.
mkdir -p "$SCRATCH/home" "$SCRATCH/xdg"
export HOME=$SCRATCH/home XDG_CONFIG_HOME=$SCRATCH/xdg
export GIT_CONFIG_NOSYSTEM=1 LC_ALL=C NO_COLOR=1
unset GIT_DIR GIT_WORK_TREE
# No real cloud credentials reach a test.
for v in $(env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
for v in $(env | sed -n 's/^\(TROVE_[A-Z0-9_]*\)=.*/\1/p'); do
    case $v in TROVE_SOURCE_DIR | TROVE_TEST_*) ;; *) unset "$v" ;; esac
done

passed=0
failed=0
ONLY=" $* "

trove() { "$TROVE" "$@"; }

# new_repo NAME: a fresh git repository with trove initialised; cd into it.
new_repo() {
    mkdir -p "$1" && cd "$1" || fail "cannot create $1"
    git init -q -b main
    git config user.email test@example.com
    git config user.name "trove tests"
    git config commit.gpgsign false
    trove init -q || fail "trove init failed in $PWD"
}

fail() {
    echo "    FAIL: $*"
    echo "    (in $PWD)"
    exit 1
}

show_output() {
    sed 's/^/      stdout: /' "$OUT"
    sed 's/^/      stderr: /' "$ERR"
}

# run CMD...: run it, keep stdout in $OUT, stderr in $ERR, status in $rc.
run() {
    rc=0
    "$@" >"$OUT" 2>"$ERR" || rc=$?
}

expect_ok() {
    run "$@"
    if [ "$rc" -ne 0 ]; then
        show_output
        fail "'$*' exited $rc, expected 0"
    fi
}

# expect_fail CODE CMD...
expect_fail() {
    local code=$1
    shift
    run "$@"
    if [ "$rc" -ne "$code" ]; then
        show_output
        fail "'$*' exited $rc, expected $code"
    fi
}

# expect_output_contains TEXT: stdout or stderr of the last command has TEXT.
expect_output_contains() {
    if ! cat "$OUT" "$ERR" | grep -qF -- "$1"; then
        show_output
        fail "output does not contain '$1'"
    fi
}

expect_output_lacks() {
    if cat "$OUT" "$ERR" | grep -qF -- "$1"; then
        show_output
        fail "output contains '$1'"
    fi
}

# expect_stdout_equals TEXT: the whole stdout (trailing newlines ignored).
expect_stdout_equals() {
    if [ "$(cat "$OUT")" != "$1" ]; then
        show_output
        fail "stdout is not exactly: $1"
    fi
}

# expect_file_equals FILE TEXT (trailing newlines ignored).
expect_file_equals() {
    [ -f "$1" ] || fail "$1 does not exist"
    if [ "$(cat "$1")" != "$2" ]; then
        sed 's/^/      got: /' "$1"
        fail "$1 is not exactly: $2"
    fi
}

expect_same_bytes() {
    cmp -s "$1" "$2" || fail "$1 and $2 differ"
}

# expect_true CMD...: any shell test, e.g. expect_true test -f x
expect_true() {
    "$@" || fail "not true: $*"
}

expect_false() {
    ! "$@" || fail "not false: $*"
}

# expect_json EXPR...: Python expressions over the JSON on stdout of the last
# command (bound to `j`); fails unless each is true.
expect_json() {
    python3 -S -c '
import json, sys
j = json.load(open(sys.argv[1]))
for e in sys.argv[2:]:
    if not eval(e):
        sys.exit("JSON check failed: " + e)
' "$OUT" "$@" || { show_output; fail "JSON checks failed"; }
}

# expect_summary TEXT: stdout has a line that is exactly TEXT.
expect_summary() {
    grep -qxF -- "$1" "$OUT" || { show_output; fail "no line '$1'"; }
}

# expect_header FILE: FILE starts with the 16-byte header of a zstd object:
# magic \x89TROVE\r\n, version 1, compression 1, six zero bytes.
expect_header() {
    local got
    got=$(od -An -tx1 -N16 "$1" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
    [ "$got" = "89 54 52 4f 56 45 0d 0a 01 01 00 00 00 00 00 00" ] ||
        fail "$1 does not start with the object header: $got"
}

# no_temp_files DIR: nothing named .trove-tmp.* under DIR.
no_temp_files() {
    local left
    left=$(find "$1" -name '.trove-tmp.*')
    [ -z "$left" ] || fail "temporary files left in $1: $left"
}

# pointer_hash FILE.trove: the `hash:` value without the sha256: prefix.
pointer_hash() {
    sed -n 's/^ *hash: *sha256:\([0-9a-f.dir]*\)$/\1/p' "$1"
}

# cache_object ID [CACHE]: the path of object ID (sha256:, .dir accepted).
cache_object() {
    local id=${1#sha256:}
    echo "${2:-.trove/cache}/sha256/${id:0:2}/${id:2}"
}

# test_case FUNCTION: run it in a subshell in a fresh directory and count it.
test_case() {
    local name=$1 start=$SECONDS
    [ "$ONLY" = "  " ] || [[ $ONLY == *" $name "* ]] || return 0
    mkdir -p "$SCRATCH/$name"
    if (cd "$SCRATCH/$name" && "$name"); then
        passed=$((passed + 1))
        echo "ok   $name ($((SECONDS - start)) s)"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
    fi
}

finish() {
    echo "$passed passed, $failed failed"
    if [ "$failed" -ne 0 ]; then
        echo "scratch directory kept: $SCRATCH"
        exit 1
    fi
    chmod -R u+w "$SCRATCH" 2>/dev/null
    rm -rf "$SCRATCH"
    exit 0
}
