#!/bin/sh
# evaluate: scores data/features/test.csv with model/model.txt and writes
#   metrics.json        accuracy, precision, recall, f1 (at evaluate.threshold),
#                       roc_auc and log_loss
#   eval/roc.csv        the ROC curve: threshold, fpr, tpr
#   eval/confusion.csv  one "actual,predicted" line per test row
set -eu
. "$(dirname "$0")/params.sh"

threshold=$(param evaluate.threshold)
awk -v t="$threshold" 'BEGIN { exit !(t + 0 >= 0 && t + 0 <= 1) }' ||
  fail "evaluate.threshold must be between 0 and 1, not '$threshold'"
for f in model/model.txt data/features/test.csv; do
  [ -s "$f" ] || fail "no $f"
done

rm -f metrics.json eval/roc.csv eval/confusion.csv
mkdir -p eval
# Score every test row ("probability,label"), most likely churner first ...
awk -F, '
  FNR == NR { split($0, field, " "); w[field[1]] = field[2]; next }
  FNR == 1 {
    k = NF - 1
    for (j = 1; j <= k; j++) {
      if (!($j in w)) { print "evaluate: the model has no weight for " $j > "/dev/stderr"; exit 1 }
      weight[j] = w[$j]
    }
    next
  }
  {
    z = w["bias"]
    for (j = 1; j <= k; j++) z += weight[j] * $j
    p = z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    printf "%.8f,%d\n", p, $(k + 1)
  }
' model/model.txt data/features/test.csv |
  sort -t, -k1,1nr -k2,2n |
  # ... then sweep the threshold down through the scores.
  awk -F, -v threshold="$threshold" '
    {
      n++; p[n] = $1 + 0; y[n] = $2 + 0
      if (y[n]) pos++; else neg++
    }
    END {
      if (n == 0 || pos == 0 || neg == 0) {
        print "evaluate: need test rows of both classes" > "/dev/stderr"; exit 1
      }
      roc = "eval/roc.csv"; confusion = "eval/confusion.csv"
      print "threshold,fpr,tpr" > roc
      print "1.000000,0.000000,0.000000" > roc
      print "actual,predicted" > confusion
      tp = fp = 0; auc = 0; loss = 0
      for (i = 1; i <= n; i++) {
        if (y[i]) tp++; else fp++
        # A point of the curve after each run of equal scores.
        if (i == n || p[i + 1] != p[i]) {
          tpr = tp / pos; fpr = fp / neg
          auc += (fpr - last_fpr) * (tpr + last_tpr) / 2
          last_fpr = fpr; last_tpr = tpr
          printf "%.6f,%.6f,%.6f\n", p[i], fpr, tpr > roc
        }
        predicted = p[i] >= threshold
        print y[i] "," predicted > confusion
        if (predicted && y[i]) c_tp++
        else if (predicted) c_fp++
        else if (y[i]) c_fn++
        else c_tn++
        q = y[i] ? p[i] : 1 - p[i]
        loss -= log(q < 1e-12 ? 1e-12 : q)
      }
      accuracy = (c_tp + c_tn) / n
      precision = c_tp + c_fp ? c_tp / (c_tp + c_fp) : 0
      recall = c_tp / pos
      f1 = precision + recall ? 2 * precision * recall / (precision + recall) : 0
      m = "metrics.json"
      print "{" > m
      printf "  \"accuracy\": %.4f,\n", accuracy > m
      printf "  \"precision\": %.4f,\n", precision > m
      printf "  \"recall\": %.4f,\n", recall > m
      printf "  \"f1\": %.4f,\n", f1 > m
      printf "  \"roc_auc\": %.4f,\n", auc > m
      printf "  \"log_loss\": %.4f,\n", loss / n > m
      printf "  \"test_rows\": %d\n", n > m
      print "}" > m
      printf "evaluate: accuracy %.4f, roc_auc %.4f on %d test rows\n", accuracy, auc, n
    }
  '
# sh has no pipefail: a failed scoring step shows above as missing rows, and
# here as missing outputs, so the stage cannot succeed silently.
if [ ! -s metrics.json ] || [ ! -s eval/roc.csv ]; then
  fail "no metrics written"
fi
