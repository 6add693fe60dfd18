#!/bin/sh
# prepare: splits data/raw.csv into data/prepared/train.csv and test.csv.
# Each row goes to the test set with probability prepare.split, drawn from a
# generator seeded with prepare.seed, so the split is the same on every run.
set -eu
. "$(dirname "$0")/params.sh"

split=$(param prepare.split)
seed=$(param prepare.seed)
awk -v s="$split" 'BEGIN { exit !(s + 0 > 0 && s + 0 < 1) }' || fail "prepare.split must be between 0 and 1, not '$split'"
[ -f data/raw.csv ] || fail "no data/raw.csv (run: sh generate.sh)"

rm -f data/prepared/train.csv data/prepared/test.csv
mkdir -p data/prepared
awk -F, -v frac="$split" -v seed="$seed" '
  function rnd() {
    state = (state * 16807) % 2147483647
    return state / 2147483647
  }
  BEGIN {
    state = seed % 2147483646 + 1
    if (state < 1) state += 2147483646
    for (i = 0; i < 10; i++) rnd()
    train = "data/prepared/train.csv"; test = "data/prepared/test.csv"
  }
  NR == 1 {
    if ($0 != "id,tenure,monthly_charges,support_calls,contract,churned") {
      print "prepare: unexpected header in data/raw.csv: " $0 > "/dev/stderr"; bad = 1; exit 1
    }
    print > train; print > test; next
  }
  NF != 6 { print "prepare: data/raw.csv line " NR ": expected 6 fields" > "/dev/stderr"; bad = 1; exit 1 }
  rnd() < frac { print > test; ntest++; next }
  { print > train; ntrain++ }
  END {
    if (bad) exit 1
    if (ntrain == 0 || ntest == 0) { print "prepare: a split is empty" > "/dev/stderr"; exit 1 }
    printf "prepare: %d training rows, %d test rows\n", ntrain, ntest
  }
' data/raw.csv
