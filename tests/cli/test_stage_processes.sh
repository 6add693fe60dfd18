#!/usr/bin/env bash
# The processes of a stage command: they end with trove, even a killed one,
# and an interrupt stops them.
. "$(dirname "$0")/lib.sh"

# alive PID: the process exists and is not a zombie (an orphan killed in a
# container whose init never reaps stays a zombie).
alive() {
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

# group_members PGID: the live processes of a process group.
group_members() {
    ps -e -o pgid=,stat=,pid= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { print $3 }'
}

# wait_for FILE: up to 10 s.
wait_for() {
    local i
    for i in $(seq 1 100); do
        [ -e "$1" ] && return 0
        sleep 0.1
    done
    fail "$1 never appeared"
}

# A stage whose shell leaves a child and a grandchild running, and records
# every pid and its process group before it says it started.
write_hanging_stage() {
    cat >stage.sh <<'EOF'
ps -o pgid= -p $$ | tr -d ' ' >pgid
echo $$ >>pids
sleep 60 &
echo $! >>pids
sh -c 'sleep 60 & echo $! >>pids; wait' &
echo $! >>pids
sleep 0.2 # lets the grandchild write its pid
touch started
wait
EOF
    cat >trove.yaml <<'EOF'
stages:
  hang:
    cmd: sh stage.sh
    outs: [never.txt]
EOF
}

# stage_ends_with_killed_repro ARGS...: kill -9 `trove repro ARGS` while its
# stage runs; within 5 s nothing of the stage may be alive.
stage_ends_with_killed_repro() {
    rm -f pids pgid started
    "$TROVE" repro "$@" >../repro.out 2>&1 &
    local trove_pid=$! i left
    wait_for started
    kill -9 $trove_pid
    wait $trove_pid 2>/dev/null
    for i in $(seq 1 50); do
        left=$(for p in $(cat pids) $(group_members "$(cat pgid)"); do alive "$p" && echo "$p"; done | sort -u)
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    ps -o pid,pgid,stat,args -p "$(echo $left | tr ' ' ,)"
    kill -9 $left 2>/dev/null # do not leave them behind for the next test
    fail "stage processes outlived 'trove repro $*' by 5 s: $left"
}

killed_repro_ends_its_stage() {
    new_repo r
    write_hanging_stage
    stage_ends_with_killed_repro
    [ "$(wc -l <pids)" = 4 ] || fail "the stage recorded $(wc -l <pids) pids, expected 4"
    # Output relayed with a prefix (-j 2) takes another path.
    stage_ends_with_killed_repro -j 2
    # Nothing is left holding the repository: the next repro starts at once.
    echo 'touch never.txt' >stage.sh
    expect_ok timeout 20 "$TROVE" repro
    expect_output_contains "Running stage 'hang':"
}

# Ctrl-C (SIGINT to trove) still reaches the stage's command.
interrupted_repro_stops_its_stage() {
    new_repo r
    cat >trove.yaml <<'EOF'
stages:
  wait:
    cmd: echo $$ >pid; touch started; sleep 60
EOF
    "$TROVE" repro >../repro.out 2>&1 &
    local trove_pid=$!
    wait_for started
    kill -INT $trove_pid
    local rc=0
    wait $trove_pid || rc=$?
    [ "$rc" -ne 0 ] || fail "an interrupted repro exited 0"
    alive "$(cat pid)" && { kill -9 "$(cat pid)"; fail "the stage survived SIGINT"; }
    grep -q "interrupted\|signal" ../repro.out || { cat ../repro.out; fail "no word of the interrupt"; }
}

# A command that survives SIGINT gets SIGTERM 3 s later: Ctrl-C always stops
# a run (a SIGINT can also be lost while `sh -c` starts a command).
interrupt_escalates_to_sigterm() {
    new_repo r
    cat >trove.yaml <<'EOF'
stages:
  stubborn:
    cmd: trap '' INT; ps -o pgid= -p $$ | tr -d ' ' >pgid; touch started; sleep 60
EOF
    "$TROVE" repro >../repro.out 2>&1 &
    local trove_pid=$! rc=0 start took
    wait_for started
    start=$(date +%s%N)
    kill -INT $trove_pid
    wait $trove_pid || rc=$?
    took=$((($(date +%s%N) - start) / 1000000))
    [ "$rc" = 130 ] || { cat ../repro.out; fail "exit status $rc, expected 130"; }
    [ "$took" -ge 2500 ] && [ "$took" -lt 10000 ] || fail "repro ended $took ms after SIGINT"
    grep -q "still running 3 s after the interrupt: sending SIGTERM" ../repro.out ||
        { cat ../repro.out; fail "no word of the SIGTERM"; }
    sleep 0.5
    [ -z "$(group_members "$(cat pgid)")" ] || fail "the stage survived: $(group_members "$(cat pgid)")"
}

# After an interrupt, the next command of a stage's list does not start,
# even when the current one ignored SIGINT and ended well.
interrupt_stops_a_command_list() {
    new_repo r
    cat >trove.yaml <<'EOF'
stages:
  two:
    cmd:
      - trap '' INT; touch started; sleep 1
      - touch second
EOF
    "$TROVE" repro >../repro.out 2>&1 &
    local trove_pid=$! rc=0
    wait_for started
    kill -INT $trove_pid
    wait $trove_pid || rc=$?
    [ "$rc" = 130 ] || { cat ../repro.out; fail "exit status $rc, expected 130"; }
    expect_false test -e second
    [ ! -e trove.lock ] || expect_false grep -q "two:" trove.lock
}

# Each command of a stage's list runs, and an exit code is reported, with the
# watcher beside each command.
stage_commands_report_exit_codes() {
    new_repo r
    cat >trove.yaml <<'EOF'
stages:
  ok:
    cmd:
      - echo one >out.txt
      - echo two >>out.txt
    outs: [out.txt]
  bad:
    cmd: exit 7
EOF
    expect_fail 1 trove repro --keep-going -j 2
    expect_output_contains "stage 'bad' failed with exit code 7"
    expect_file_equals out.txt "$(printf 'one\ntwo')"
}

# The stat index is a cache: repro succeeds when it cannot be saved.
repro_does_not_need_the_stat_index() {
    new_repo r
    echo data >in.txt
    touch -d '1 hour ago' in.txt # old enough to be recorded in the index
    cat >trove.yaml <<'EOF'
stages:
  copy:
    cmd: cp in.txt out.txt
    deps: [in.txt]
    outs: [out.txt]
EOF
    rm -rf .trove/state/stat-index
    mkdir -p .trove/state/stat-index # a directory: no file can replace it
    expect_ok trove repro
    expect_output_contains "trove: warning: could not save the stat index"
    expect_file_equals out.txt data
    expect_ok trove repro
    expect_output_contains "didn't change"
}

test_case killed_repro_ends_its_stage
test_case interrupted_repro_stops_its_stage
test_case interrupt_escalates_to_sigterm
test_case interrupt_stops_a_command_list
test_case stage_commands_report_exit_codes
test_case repro_does_not_need_the_stat_index
finish
