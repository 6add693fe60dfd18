#!/bin/sh
# train: fits a logistic regression to data/features/train.csv by full-batch
# gradient descent (train.epochs steps of size train.lr, L2 penalty train.l2)
# and writes the weights to model/model.txt, one "feature weight" per line.
set -eu
. "$(dirname "$0")/params.sh"

lr=$(param train.lr)
epochs=$(param train.epochs)
l2=$(param train.l2)
awk -v lr="$lr" -v epochs="$epochs" -v l2="$l2" 'BEGIN {
  exit !(lr + 0 > 0 && epochs == int(epochs) && epochs + 0 >= 1 && l2 + 0 >= 0) }' ||
  fail "need train.lr > 0, a whole train.epochs >= 1 and train.l2 >= 0"
[ -f data/features/train.csv ] || fail "no data/features/train.csv"

rm -f model/model.txt
mkdir -p model
awk -F, -v lr="$lr" -v epochs="$epochs" -v l2="$l2" '
  NR == 1 { k = NF - 1; for (j = 1; j <= k; j++) name[j] = $j; next }
  {
    # x[(i - 1) * k + j] is feature j of row i; y[i] is the label.
    n++; base = (n - 1) * k
    for (j = 1; j <= k; j++) x[base + j] = $j + 0
    y[n] = $(k + 1) + 0
  }
  END {
    if (n == 0) { print "train: no training rows" > "/dev/stderr"; exit 1 }
    for (j = 0; j <= k; j++) w[j] = 0         # w[0] is the bias
    for (epoch = 1; epoch <= epochs; epoch++) {
      for (j = 0; j <= k; j++) g[j] = 0
      loss = 0
      for (i = 1; i <= n; i++) {
        base = (i - 1) * k
        z = w[0]
        for (j = 1; j <= k; j++) z += w[j] * x[base + j]
        p = sigmoid(z)
        loss += y[i] ? -log(clip(p)) : -log(clip(1 - p))
        d = p - y[i]
        g[0] += d
        for (j = 1; j <= k; j++) g[j] += d * x[base + j]
      }
      w[0] -= lr * g[0] / n
      for (j = 1; j <= k; j++) w[j] -= lr * (g[j] / n + l2 * w[j])
    }
    out = "model/model.txt"
    printf "bias %.8f\n", w[0] > out
    for (j = 1; j <= k; j++) printf "%s %.8f\n", name[j], w[j] > out
    printf "train: %d rows, %d epochs, lr %s, training log loss %.4f\n", n, epochs, lr, loss / n
  }
  function sigmoid(z) { return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z)) }
  function clip(p) { return p < 1e-12 ? 1e-12 : p }
' data/features/train.csv
