#!/usr/bin/env bash
# Real dvc.yaml files from public projects (../shared/corpus/dvc-yaml, kept
# outside this repository): `trove dag --file F --json` must give the stage
# names, commands, deps, outs, params and edges DVC 3.64 computed for each,
# and reject what DVC rejects. Skips when the corpus is absent.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

source_dir=${TROVE_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
CORPUS=${TROVE_TEST_CORPUS:-$source_dir/../shared/corpus/dvc-yaml}
[ -d "$CORPUS" ] && CORPUS=$(cd "$CORPUS" && pwd)
if [ ! -d "$CORPUS" ]; then
    echo "skip: no dvc.yaml corpus at $CORPUS (set TROVE_TEST_CORPUS)"
    rm -rf "$SCRATCH"
    exit 125
fi
command -v python3 >/dev/null || { echo "skip: python3 is not installed"; exit 125; }

# check_case DIR: the case's files in a fresh repository, compared with
# its expected.json by corpus_compare.py.
check_case() {
    local case_dir=$1
    new_repo repo
    cp -r "$case_dir"/. .
    rm -f expected.json SOURCE.txt
    local dvcfile
    dvcfile=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dvcfile"])' \
        "$case_dir/expected.json")
    run trove dag --file "$dvcfile" --json
    [ "$rc" -eq 0 ] || cp "$ERR" "$OUT"
    python3 "$here/corpus_compare.py" "$case_dir/expected.json" "$OUT" "$rc" ||
        fail "trove disagrees with DVC on $(basename "$case_dir")"
}

for case_dir in "$CORPUS"/*/; do
    [ -f "$case_dir/expected.json" ] || continue
    name=case_$(basename "$case_dir" | tr -c 'A-Za-z0-9_\n' '_')
    eval "$name() { check_case '$case_dir'; }"
    test_case "$name"
done

finish
