#!/bin/sh
# featurize: turns data/prepared/{train,test}.csv into model inputs in
# data/features/: numeric columns scaled (featurize.scaling: zscore or minmax,
# with statistics from the training rows only, written to scaling.txt) and the
# contract encoded (featurize.contract: onehot or ordinal). The label is last.
set -eu
. "$(dirname "$0")/params.sh"

scaling=$(param featurize.scaling)
contract=$(param featurize.contract)
case $scaling in zscore|minmax) ;; *) fail "featurize.scaling must be zscore or minmax, not '$scaling'" ;; esac
case $contract in onehot|ordinal) ;; *) fail "featurize.contract must be onehot or ordinal, not '$contract'" ;; esac
for f in data/prepared/train.csv data/prepared/test.csv; do
  [ -f "$f" ] || fail "no $f"
done

rm -rf data/features
mkdir -p data/features
# Three passes: the training rows for statistics, then both files to write.
awk -F, -v scaling="$scaling" -v contract="$contract" '
  BEGIN {
    n_num = split("tenure monthly_charges support_calls", name, " ")
    col["tenure"] = 2; col["monthly_charges"] = 3; col["support_calls"] = 4
    out[2] = "data/features/train.csv"; out[3] = "data/features/test.csv"
  }
  FNR == 1 {
    pass++
    if (pass == 2) finish_statistics()
    if (pass >= 2) print header() > out[pass]
    next
  }
  pass == 1 {
    rows++
    for (i = 1; i <= n_num; i++) {
      x = $col[name[i]]
      sum[i] += x; sumsq[i] += x * x
      if (rows == 1 || x < min[i]) min[i] = x
      if (rows == 1 || x > max[i]) max[i] = x
    }
    next
  }
  {
    line = ""
    for (i = 1; i <= n_num; i++)
      line = line sprintf("%.6f,", ($col[name[i]] - center[i]) / scale[i])
    if (contract == "onehot")
      line = line ($5 == "month-to-month") "," ($5 == "two-year") ","
    else
      line = line ($5 == "one-year" ? 0.5 : $5 == "two-year" ? 1 : 0) ","
    print line $6 > out[pass]
  }
  function header(   h, i) {
    for (i = 1; i <= n_num; i++) h = h name[i] ","
    return h (contract == "onehot" ? "month_to_month,two_year" : "contract") ",churned"
  }
  function finish_statistics(   i, mean, var) {
    if (rows < 2) { print "featurize: too few training rows" > "/dev/stderr"; exit 1 }
    for (i = 1; i <= n_num; i++) {
      if (scaling == "zscore") {
        mean = sum[i] / rows
        var = (sumsq[i] - rows * mean * mean) / (rows - 1)
        center[i] = mean; scale[i] = var > 0 ? sqrt(var) : 1
      } else {
        center[i] = min[i]; scale[i] = max[i] > min[i] ? max[i] - min[i] : 1
      }
      printf "%s %.6f %.6f\n", name[i], center[i], scale[i] > "data/features/scaling.txt"
    }
  }
  END {
    if (pass != 3) exit 1
    printf "featurize: %d training rows, %s scaling, %s contract\n", rows, scaling, contract
  }
' data/prepared/train.csv data/prepared/train.csv data/prepared/test.csv
