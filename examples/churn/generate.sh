#!/bin/sh
# Writes data/raw.csv: a synthetic customer churn dataset.
#
#   sh generate.sh [SEED] [ROWS]      (defaults: 42 and 5000)
#
# The same seed gives the same file, byte for byte, on every machine: the
# random numbers come from a small Park-Miller generator written in awk, not
# from awk's rand(), whose sequence differs between mawk, gawk and busybox.
#
# Churn really depends on the features, so a model can learn it: month-to-month
# contracts, high charges and many support calls raise the odds; long tenure
# and two-year contracts lower them.
set -eu
export LC_ALL=C
CDPATH='' cd -- "$(dirname -- "$0")" || exit 1

seed=${1:-42}
rows=${2:-5000}
case $seed$rows in
  *[!0-9]*) echo "generate.sh: SEED and ROWS must be non-negative integers" >&2; exit 2 ;;
esac

mkdir -p data
awk -v seed="$seed" -v rows="$rows" '
  function rnd() {                  # uniform in (0, 1)
    state = (state * 16807) % 2147483647
    return state / 2147483647
  }
  function gauss() {                # standard normal (Box-Muller)
    return sqrt(-2 * log(rnd())) * cos(6.283185307179586 * rnd())
  }
  BEGIN {
    state = seed % 2147483646 + 1
    for (i = 0; i < 10; i++) rnd()
    print "id,tenure,monthly_charges,support_calls,contract,churned"
    for (id = 1; id <= rows; id++) {
      tenure = 1 + int(72 * rnd() ^ 1.2)              # months, 1..72, more newcomers
      u = rnd() + tenure / 150                          # long-time customers sign longer
      if (u < 0.6) contract = "month-to-month"
      else if (u < 0.95) contract = "one-year"
      else contract = "two-year"
      charges = 20 + 90 * rnd() + 8 * gauss()
      if (charges < 18) charges = 18
      charges = int(charges * 100 + 0.5) / 100
      calls = int(-log(rnd()) * 1.5)                    # geometric-ish, mean ~1
      if (calls > 9) calls = 9
      z = -0.9 - 0.045 * (tenure - 30) + 0.03 * (charges - 65) + 0.55 * (calls - 1)
      if (contract == "month-to-month") z += 1.0
      else if (contract == "two-year") z -= 1.3
      z += 0.5 * gauss()                                # what the features cannot explain
      churned = rnd() < 1 / (1 + exp(-z)) ? 1 : 0
      printf "%d,%d,%.2f,%d,%s,%d\n", id, tenure, charges, calls, contract, churned
    }
  }' > data/raw.csv.tmp
mv data/raw.csv.tmp data/raw.csv
echo "generate: wrote data/raw.csv ($rows rows, seed $seed)"
