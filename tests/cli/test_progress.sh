#!/usr/bin/env bash
# The progress line of add, checkout, push, fetch, pull, gc and fsck: drawn
# on a terminal (redrawn with \r, erased at the end), never on a pipe, never
# with -q.
. "$(dirname "$0")/lib.sh"

# data: a directory of many small files and one large file, tracked, with a
# directory remote; long enough to be drawn (the line waits 100 ms).
data() {
    mkdir -p many
    for i in $(seq 1 3000); do echo "file $i" >"many/f$i"; done
    head -c $((48 * 1024 * 1024)) /dev/urandom >big.bin
}

# expect_no_progress: the last command's stderr has no progress drawing.
expect_no_progress() {
    if grep -q $'\r' "$ERR"; then
        show_output
        fail "stderr has a carriage return (a progress line)"
    fi
    expect_output_lacks "/s, "
    expect_output_lacks " left"
}

# on_terminal CMD...: runs CMD under a pseudo-terminal (stdout and stderr
# both to it), keeping what it showed in $OUT; $ERR is empty.
on_terminal() {
    local line
    [ "$1" = trove ] && set -- "$TROVE" "${@:2}"
    printf -v line '%q ' "$@"
    run script -qfec "$line" /dev/null
}

# expect_drawn LABEL: the output shows "LABEL: n/m UNIT" with counts, and the
# last drawing is erased (\r, then erase to the end of line) before the
# command's own output.
expect_drawn() {
    python3 -S - "$OUT" "$1" <<'PY' || { show_output | cat -v | head -20; fail "no progress line '$1' drawn and erased"; }
import re, sys
text = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
label = sys.argv[2]
drawn = list(re.finditer(r"\r" + re.escape(label) + r": [0-9,]+/[0-9,]+ [a-z]+, [^\r]*\x1b\[K", text))
if not drawn:
    sys.exit("not drawn")
rest = text[drawn[-1].end():]
if not rest.startswith("\r\x1b[K"):
    sys.exit("the last drawing is not erased: " + repr(rest[:40]))
if "\r" + label + ":" in rest:
    sys.exit("drawn after it was erased")
PY
}

pipe_shows_nothing() {
    mkdir store && STORE=$(pwd -P)/store
    new_repo r
    data
    expect_ok trove add many big.bin
    expect_no_progress
    expect_ok trove remote add -d store "$STORE"
    expect_ok trove push
    expect_no_progress
    expect_output_contains "3002 objects pushed, 0 already there"
    rm -rf many big.bin .trove/cache
    expect_ok trove fetch
    expect_no_progress
    expect_ok trove checkout
    expect_no_progress
    rm -rf many big.bin .trove/cache
    expect_ok trove pull
    expect_no_progress
    expect_true test -f many/f3000
    expect_ok trove fsck
    expect_no_progress
    expect_summary "checked 3002 objects, 0 corrupt"
    expect_ok trove gc -w -f
    expect_no_progress
}

terminal_shows_progress() {
    command -v script >/dev/null || { echo "    skip: no script(1)"; return 0; }
    mkdir store && STORE=$(pwd -P)/store
    new_repo r
    data
    on_terminal trove add many big.bin
    [ "$rc" -eq 0 ] || { show_output; fail "add failed"; }
    expect_drawn "Adding"
    expect_output_contains "files, "
    expect_ok trove remote add -d store "$STORE"
    on_terminal trove push -j 1
    [ "$rc" -eq 0 ] || { show_output; fail "push failed"; }
    expect_drawn "Pushing"
    expect_output_contains "/3,002 objects, "
    expect_output_contains "3002 objects pushed"
    expect_output_contains " left"
    rm -rf many big.bin .trove/cache
    on_terminal trove fetch -j 1
    [ "$rc" -eq 0 ] || { show_output; fail "fetch failed"; }
    expect_drawn "Fetching"
    expect_output_contains "3002 objects fetched"
    # fsck of this much can take less than the 100 ms a line waits for.
}

quiet_shows_nothing_on_terminal() {
    command -v script >/dev/null || { echo "    skip: no script(1)"; return 0; }
    mkdir store && STORE=$(pwd -P)/store
    new_repo r
    data
    on_terminal trove -q add many big.bin
    [ "$rc" -eq 0 ] || { show_output; fail "add -q failed"; }
    expect_output_lacks "Adding"
    expect_ok trove remote add -d store "$STORE"
    on_terminal trove -q push -j 1
    [ "$rc" -eq 0 ] || { show_output; fail "push -q failed"; }
    expect_output_lacks "Pushing"
    expect_output_lacks "objects"
    [ ! -s "$OUT" ] || { show_output | cat -v; fail "push -q printed something"; }
}

test_case pipe_shows_nothing
test_case terminal_shows_progress
test_case quiet_shows_nothing_on_terminal
finish
