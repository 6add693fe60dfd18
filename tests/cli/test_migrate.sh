#!/usr/bin/env bash
# `trove migrate dvc`: a DVC repository becomes a trove repository in place.
# The corpus cases use the real DVC 3.64 repositories of
# ../shared/corpus/dvc-repos (unpacked into the scratch directory, never
# copied into the project) and DVC's own answers recorded there; they are
# skipped with a message when the corpus is absent. The bad-input and kill
# cases build small DVC repositories by hand.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
command -v python3 >/dev/null || { echo "skip: python3 is not installed"; exit 125; }

source_dir=${TROVE_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
CORPUS=${TROVE_TEST_DVC_REPOS:-$source_dir/../shared/corpus/dvc-repos}
[ -d "$CORPUS" ] && CORPUS=$(cd "$CORPUS" && pwd)

# unpack NAME: the corpus tarball NAME.tar.gz unpacked here; cd into NAME/.
unpack() {
    tar xzf "$CORPUS/$1.tar.gz" || fail "cannot unpack $1.tar.gz"
    cd "$1" || fail "no $1/ in $1.tar.gz"
    git config --global user.email test@example.com
    git config --global user.name "trove tests"
}

# same_as_inventory TSV: every file the inventory lists has its sha256 (and,
# for DVC's, its exec bit) in the work tree.
same_as_inventory() {
    python3 -S - "$1" <<'EOF' || fail "the work tree differs from $1"
import hashlib, os, sys
rows = open(sys.argv[1], encoding="utf-8").read().splitlines()
header = rows[0].split("\t")
bad = 0
for row in rows[1:]:
    f = dict(zip(header, row.split("\t")))
    path = f["path"]
    try:
        data = open(path, "rb").read()
    except OSError as e:
        print("    missing: %s (%s)" % (path, e.strerror)); bad += 1; continue
    if hashlib.sha256(data).hexdigest() != f["sha256"]:
        print("    different bytes: " + path); bad += 1
    if f["tracked_by"] == "dvc" and (os.stat(path).st_mode & 0o100 != 0) != (f["isexec"] == "true"):
        print("    different exec bit: " + path); bad += 1
sys.exit(1 if bad else 0)
EOF
}

# snapshot DIR...: every file below DIR with its checksum, sorted.
snapshot() {
    find "$@" -type f -print0 | sort -z | xargs -0 sha256sum
}

# metrics_equal DVC_JSON: the workspace's files in `trove metrics show
# --json` (on stdout) are DVC's `metrics show --json`, value for value.
metrics_equal() {
    python3 -S - "$OUT" "$1" <<'EOF' || { show_output; fail "metrics differ from DVC's $1"; }
import json, sys
trove = json.load(open(sys.argv[1]))
dvc = json.load(open(sys.argv[2]))
workspace = next(e for e in trove if e["rev"] == "workspace")
want = {path: content["data"] for path, content in dvc[""]["data"].items()}
if workspace["files"] != want or workspace["errors"]:
    print("    trove:", json.dumps(workspace, sort_keys=True))
    print("    DVC:  ", json.dumps(want, sort_keys=True))
    sys.exit(1)
EOF
}

# diff_equal DVC_JSON: `trove params diff` or `metrics diff` --json (on
# stdout) has DVC's old and new values for the same files and keys (DVC
# prints a list as Python's repr of it).
diff_equal() {
    python3 -S - "$OUT" "$1" <<'EOF' || { show_output; fail "values differ from DVC's $1"; }
import json, sys
trove = json.load(open(sys.argv[1]))
dvc = json.load(open(sys.argv[2]))
def norm(v):
    return str(v) if isinstance(v, list) else v
def values(diff):
    return {f: {k: (norm(v.get("old")), norm(v.get("new"))) for k, v in keys.items()}
            for f, keys in diff.items()}
if values(trove) != values(dvc):
    print("    trove:", values(trove))
    print("    DVC:  ", values(dvc))
    sys.exit(1)
EOF
}

# show_all_equal DVC_JSON: `trove metrics show -A --json` (on stdout) has,
# for every commit DVC shows metrics of, DVC's values.
show_all_equal() {
    python3 -S - "$OUT" "$1" <<'EOF' || { show_output; fail "metrics differ from DVC's $1"; }
import json, sys
trove = {row["commit"] or "": row for row in json.load(open(sys.argv[1])) if row["rev"] != "workspace"}
dvc = json.load(open(sys.argv[2]))
compared = 0
for commit, shown in dvc.items():
    want = {path: content["data"] for path, content in shown.get("data", {}).items()}
    if commit == "workspace" or not want:
        continue
    got = trove.get(commit)
    if got is None or got["files"] != want or got["errors"]:
        print("    commit", commit)
        print("    trove:", json.dumps(got and got["files"], sort_keys=True), got and got["errors"])
        print("    DVC:  ", json.dumps(want, sort_keys=True))
        sys.exit(1)
    compared += 1
if compared < 3:
    sys.exit(f"only {compared} commits compared")
EOF
}

# files_diff_equal DVC_JSON: `trove diff --json` (on stdout) lists the files
# DVC's diff lists (DVC also names each changed directory, as "dir/").
files_diff_equal() {
    python3 -S - "$OUT" "$1" <<'EOF' || { show_output; fail "files differ from DVC's $1"; }
import json, sys
trove = json.load(open(sys.argv[1]))
dvc = json.load(open(sys.argv[2]))
for kind in ("added", "deleted", "modified"):
    got = sorted(e["path"] for e in trove[kind])
    want = sorted(e["path"] for e in dvc[kind] if not e["path"].endswith("/"))
    if got != want:
        print("    " + kind, "trove:", got)
        print("    " + kind, "DVC:  ", want)
        sys.exit(1)
EOF
}

corpus_repo() {
    unpack "$1"
    cd repo || fail "no repo/"
}

# A DVC 3 repository with its cache: every file stays byte for byte, the
# pointers, manifests and lock are trove's, DVC's files are untouched, and
# trove answers what DVC answered.
dvc3_repository() {
    corpus_repo dvc3
    snapshot .dvc dvc.lock $(git ls-files '*.dvc') >../dvc-before
    git status --porcelain >../git-before
    expect_ok trove migrate dvc
    expect_output_contains "Initialised a trove repository"
    expect_output_contains "images.dvc -> images.trove (directory, 11 files, 2963 bytes)"
    expect_output_contains "tools/run.sh.dvc -> tools/run.sh.trove (file, 687 bytes)"
    expect_output_contains "dvc.lock -> dvc.trove.lock (5 stages)"
    expect_output_contains "remote.local.url = ../remote (.trove/config)"
    expect_output_contains "core.remote = local (.trove/config)"
    expect_output_contains "'trove push' sends them"
    same_as_inventory ../expected/files-workspace.tsv
    snapshot .dvc dvc.lock $(git ls-files '*.dvc') >../dvc-after
    cmp -s ../dvc-before ../dvc-after || fail ".dvc/, dvc.lock or a .dvc file changed"
    # .gitignore files as DVC wrote them: trove ignores the same /name lines.
    # Nothing else changed for git, and no data file shows as untracked.
    git status --porcelain --untracked-files=all >../git-after
    grep -vE '^\?\? (\.trove/\.gitignore|\.trove/config|.*\.trove|dvc\.trove\.lock)$' ../git-after >../git-other
    [ ! -s ../git-other ] || { cat ../git-other; fail "git sees other changes after the migration"; }
    grep -qx '    isexec: true' tools/run.sh.trove || fail "run.sh.trove lost isexec"
    grep -q 'hash: sha256:' images.trove || fail "images.trove has no sha256 id"
    # trove's status says what `dvc status` said: up to date.
    expect_ok trove status --file dvc.yaml
    expect_stdout_equals "Data and pipelines are up to date."
    expect_ok trove repro --dry --file dvc.yaml
    expect_output_lacks "Would run"
    expect_ok trove fsck
    expect_output_contains "0 corrupt"
    # The objects really are in trove's cache: deleted data comes back.
    rm -rf images/misc model.bin "eval/dvclive/plots/images" tools/run.sh
    echo overwritten >data/raw.csv
    expect_ok trove checkout --force --file dvc.yaml
    same_as_inventory ../expected/files-workspace.tsv
    # Twice changes nothing.
    snapshot . >../all-before
    expect_ok trove migrate dvc
    expect_stdout_equals "4 files already migrated (unchanged)
Nothing to do: the DVC repository is already migrated."
    snapshot . >../all-after
    cmp -s ../all-before ../all-after || fail "a second migration changed files"
}

# DVC 2's layout: entries without `hash: md5`, CRLF text hashed after
# CRLF -> LF (md5-dos2unix), objects at .dvc/cache/XX/REST.
dvc2_layout() {
    corpus_repo dvc2-layout
    expect_ok trove migrate dvc
    expect_output_contains "notes/windows-crlf.txt.dvc -> notes/windows-crlf.txt.trove"
    expect_output_contains "dvc.lock -> dvc.trove.lock (1 stage)"
    same_as_inventory ../expected/files-workspace.tsv
    # The CRLF bytes are what trove stored, under their sha256.
    local sha
    sha=$(sha256sum notes/windows-crlf.txt | cut -c1-64)
    grep -q "hash: sha256:$sha" notes/windows-crlf.txt.trove || fail "windows-crlf.txt's id is not the sha256 of its bytes"
    expect_ok trove status --file dvc.yaml
    expect_stdout_equals "Data and pipelines are up to date."
    rm -rf images out notes/windows-crlf.txt
    expect_ok trove checkout --file dvc.yaml
    same_as_inventory ../expected/files-workspace.tsv
    expect_ok trove migrate dvc
    expect_output_contains "Nothing to do"
}

# A clone with no DVC cache: the content comes from the DVC remote, and
# `trove checkout` then fills the work tree as `dvc pull` did.
clone_without_cache() {
    unpack dvc3
    cd clone-no-cache || fail "no clone-no-cache/"
    expect_fail 1 trove migrate dvc -r nowhere
    expect_output_contains "no DVC remote 'nowhere' in .dvc/config (DVC remotes: local)"
    expect_ok trove migrate dvc
    expect_output_contains "on the DVC remote"
    expect_output_contains "'trove checkout' puts it in place"
    expect_ok trove checkout --file dvc.yaml
    same_as_inventory ../expected/clone-no-cache/after-pull-files-workspace.tsv
    expect_ok trove status --file dvc.yaml
    expect_stdout_equals "Data and pipelines are up to date."
}

# After the migration every command reads dvc.yaml and the migrated lock:
# trove's metrics and params are DVC's.
metrics_and_params() {
    corpus_repo dvc3
    expect_ok trove migrate dvc
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    expect_ok trove repro --dry
    expect_output_lacks "Would run"
    expect_ok trove metrics show --json
    metrics_equal ../expected/metrics-show.json
    # Committed, as a user would; v1.0 has only dvc.lock: its eval/ is read
    # through what the migration stored of every commit's outputs.
    git add -A && git commit -qm "trove migrate dvc" || fail "cannot commit the migration"
    expect_ok trove params diff --all --json v1.0 main
    diff_equal ../expected/params-diff-v1.0-main.json
    expect_ok trove params diff --all --json main experiment
    diff_equal ../expected/params-diff-main-experiment.json
    expect_ok trove metrics diff --json v1.0 main
    diff_equal ../expected/metrics-diff-v1.0-main.json
    expect_ok trove metrics diff --json main experiment
    diff_equal ../expected/metrics-diff-main-experiment.json
    expect_ok trove metrics show -A --json
    show_all_equal ../expected/metrics-show-A.json
    expect_ok trove diff --json v1.0 main
    files_diff_equal ../expected/diff-v1.0-main.json
    expect_ok trove diff --json main experiment
    files_diff_equal ../expected/diff-main-experiment.json
    # plots diff draws every plot DVC's does, its images byte for byte DVC's.
    expect_ok trove plots diff v1.0 main -o ../plots
    python3 -S - ../expected/plots-diff-v1.0-main.json ../plots <<'EOF' || fail "plots differ from DVC's"
import json, os, sys
want = json.load(open(sys.argv[1]))["data"]
drawn = set(os.listdir(sys.argv[2]))
for path in want:
    name = path.replace("/", "_")
    if path.endswith(".png"):
        for rev in ("v1.0", "main"):
            if rev + "_" + name not in drawn:
                sys.exit("no image " + rev + "_" + name)
    elif name + ".svg" not in drawn:
        sys.exit("no chart " + name + ".svg")
EOF
    for png in ../expected/plots-diff-v1.0-main/*.png; do
        expect_same_bytes "$png" "../plots/$(basename "$png")"
    done
    # Pushed once, the migrated project is a trove project for a colleague.
    expect_ok trove push
    cd .. && git clone -q repo colleague && cd colleague || fail "git clone failed"
    expect_ok trove pull
    same_as_inventory ../expected/files-workspace.tsv
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
}

# Neither the DVC cache nor the remote left: the work tree's directories
# give DVC's manifests back (the md5 of the manifest DVC would write for
# their files is the one recorded), non-ASCII names included.
manifests_from_the_work_tree() {
    corpus_repo dvc3
    rm -rf .dvc/cache
    mv ../remote ../remote.away
    expect_ok trove migrate dvc
    expect_output_contains "images.dvc -> images.trove (directory, 11 files, 2963 bytes)"
    expect_output_contains "cannot be read at those revisions"
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    # One file changed: that directory's manifest cannot be rebuilt.
    rm -rf .trove images.trove dvc.trove.lock
    echo changed >"images/misc/café crème.png"
    expect_fail 1 trove migrate dvc
    expect_output_contains "work tree images/: different content"
}

# --dry says what it would do and writes nothing, not even .trove/.
dry_run() {
    corpus_repo dvc3
    snapshot . >../before
    expect_ok trove migrate dvc --dry
    expect_output_contains "Would initialise a trove repository"
    expect_output_contains "Would convert:"
    expect_output_contains "images.dvc -> images.trove"
    expect_output_contains "Would set:"
    expect_false test -e .trove
    snapshot . >../after
    cmp -s ../before ../after || fail "--dry changed files"
}

# A dep edited before the migration no longer matches dvc.lock's md5: it
# still reads as changed afterwards (as `dvc status` says).
changed_dependency() {
    corpus_repo dvc3
    echo "# edited" >>src/train.py
    expect_ok trove migrate dvc
    expect_ok trove status --file dvc.yaml
    expect_output_contains "src/train.py"
    expect_output_lacks "Data and pipelines are up to date."
}

# --- hand-made DVC repositories ---------------------------------------------

# new_dvc_repo NAME: a git repository with DVC's files (.dvc/config naming
# the directory remote ../NAME-remote, which does not exist yet).
new_dvc_repo() {
    mkdir -p "$1" && cd "$1" || fail "cannot create $1"
    git init -q -b main
    git config user.email test@example.com
    git config user.name "trove tests"
    mkdir -p .dvc
    printf '[core]\n    remote = store\n['"'"'remote "store"'"'"']\n    url = ../../%s-remote\n' "$1" >.dvc/config
    printf '/config.local\n/tmp\n/cache\n' >.dvc/.gitignore
}

# dvc_add PATH: what `dvc add PATH` (DVC 3) writes: PATH.dvc, the /name line
# in .gitignore, the objects and the .dir manifest in .dvc/cache.
dvc_add() {
    python3 -S - "$1" <<'EOF' || fail "dvc_add $1 failed"
import hashlib, json, os, shutil, sys
path = sys.argv[1]
def md5(p):
    h = hashlib.md5()
    with open(p, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
def put(h, src=None, data=None, suffix=""):
    obj = os.path.join(".dvc/cache/files/md5", h[:2], h[2:] + suffix)
    os.makedirs(os.path.dirname(obj), exist_ok=True)
    if data is not None:
        open(obj, "wb").write(data)
    elif not os.environ.get("NO_OBJECTS"):
        shutil.copyfile(src, obj)
if os.path.isdir(path):
    entries = []
    for d, dirs, files in os.walk(path):
        for f in files:
            full = os.path.join(d, f)
            entries.append({"md5": md5(full), "relpath": os.path.relpath(full, path)})
            put(entries[-1]["md5"], src=full)
    entries.sort(key=lambda e: e["relpath"])
    text = json.dumps(entries, sort_keys=True).encode()
    h = hashlib.md5(text).hexdigest()
    put(h, data=text, suffix=".dir")
    size = sum(os.path.getsize(os.path.join(path, e["relpath"])) for e in entries)
    body = "outs:\n- md5: %s.dir\n  size: %d\n  nfiles: %d\n  hash: md5\n  path: %s\n" % (
        h, size, len(entries), os.path.basename(path))
else:
    h = md5(path)
    put(h, src=path)
    body = "outs:\n- md5: %s\n  size: %d\n  hash: md5\n  path: %s\n" % (
        h, os.path.getsize(path), os.path.basename(path))
open(path + ".dvc", "w").write(body)
with open(os.path.join(os.path.dirname(path) or ".", ".gitignore"), "a") as f:
    f.write("/" + os.path.basename(path) + "\n")
EOF
}

# A .dvc file that is not YAML is named with its line and column; the other
# files still migrate, and the run exits 1.
not_yaml() {
    new_dvc_repo r
    echo good >good.txt && dvc_add good.txt
    printf 'outs:\n- md5: [unclosed\n  path: bad.txt\n' >bad.txt.dvc
    expect_fail 1 trove migrate dvc
    expect_output_contains "bad.txt.dvc:3:"
    expect_output_contains "good.txt.dvc -> good.txt.trove"
    expect_output_contains "migration incomplete"
    expect_true test -f good.txt.trove
    expect_false test -e bad.txt.trove
    # Fixed, a rerun finishes the job.
    echo bad >bad.txt && rm bad.txt.dvc && dvc_add bad.txt
    expect_ok trove migrate dvc
    expect_output_contains "bad.txt.dvc -> bad.txt.trove"
    expect_output_contains "1 file already migrated"
}

# An md5 that matches nothing: reported with every place looked in; the
# others migrate; exit 1. The DVC remote being unreachable is said too.
md5_matches_nothing() {
    new_dvc_repo r
    echo kept >kept.txt && dvc_add kept.txt
    echo lost >lost.txt && dvc_add lost.txt
    local md5
    md5=$(sed -n 's/^- md5: //p' lost.txt.dvc)
    rm .dvc/cache/files/md5/${md5:0:2}/${md5:2}
    echo "changed since" >lost.txt
    expect_fail 1 trove migrate dvc
    expect_output_contains "not found: lost.txt (md5 $md5, lost.txt.dvc); looked in:"
    expect_output_contains "work tree lost.txt: different size"
    expect_output_contains "DVC cache .dvc/cache/files/md5/${md5:0:2}/${md5:2}: missing"
    expect_output_contains "DVC remote 'store' ($(cd .. && pwd)/r-remote) is not reachable: no such directory"
    expect_true test -f kept.txt.trove
    expect_false test -e lost.txt.trove
    expect_file_equals lost.txt "changed since"
    # The remote appears: the content is fetched from it, verified.
    mkdir -p ../r-remote/files/md5/${md5:0:2}
    echo lost >../r-remote/files/md5/${md5:0:2}/${md5:2}
    expect_ok trove migrate dvc
    expect_output_contains "lost.txt.dvc -> lost.txt.trove"
    expect_output_contains "1 on the DVC remote"
    rm lost.txt
    expect_ok trove checkout lost.txt
    expect_file_equals lost.txt lost
}

# Content on the DVC remote that is not what DVC recorded is never stored.
remote_content_verified() {
    new_dvc_repo r
    echo right >f.txt && dvc_add f.txt
    md5=$(sed -n 's/^- md5: //p' f.txt.dvc)
    rm -rf .dvc/cache f.txt
    mkdir -p ../r-remote/files/md5/${md5:0:2}
    echo "wrong size" >../r-remote/files/md5/${md5:0:2}/${md5:2}
    expect_fail 1 trove migrate dvc
    expect_output_contains "DVC remote 'store' $(cd .. && pwd)/r-remote/files/md5/${md5:0:2}/${md5:2}: different size"
    echo rihgt >../r-remote/files/md5/${md5:0:2}/${md5:2}
    expect_fail 1 trove migrate dvc
    expect_output_contains "/${md5:2}: different content"
    expect_false test -e f.txt.trove
    [ -z "$(find .trove/cache -type f)" ] || fail "unverified content entered the cache"
}

proc_state() {
    local line
    read -r line 2>/dev/null </proc/"$1"/stat || return 0
    line=${line##*) }
    echo "${line%% *}"
}

has_entries() {
    local entry
    for entry in "$1"/.[!.]* "$1"/*; do
        [ -e "$entry" ] && return 0
    done
    return 1
}

# kill -9 while objects are being stored: nothing is lost, nothing torn,
# and a rerun finishes the job.
kill_mid_migration() {
    new_dvc_repo r
    mkdir big
    python3 -S -c '
import os, sys
for i in range(int(sys.argv[1])):
    with open("big/f%04d" % i, "wb") as f:
        f.write(os.urandom(1 << 20))
' "${TROVE_TEST_KILL_FILES:-400}"
    NO_OBJECTS=1 dvc_add big
    (cd big && sha256sum f* >../../big.sums)
    "$TROVE" migrate dvc >../migrate.out 2>&1 &
    local pid=$! deadline=$((SECONDS + 120)) state
    # Stopped while it copies verified content into .trove/tmp: big.trove is
    # not written yet.
    until has_entries .trove/tmp; do
        state=$(proc_state "$pid")
        case $state in "" | Z | X) fail "migrate ended before it could be stopped mid-operation" ;; esac
        [ $SECONDS -lt $deadline ] || fail "no temp file within 120 s"
    done
    kill -STOP "$pid" || fail "cannot stop migrate"
    until [ "$(proc_state "$pid")" = T ]; do
        case $(proc_state "$pid") in "" | Z | X) fail "migrate ended before it stopped" ;; esac
    done
    [ ! -e big.trove ] || fail "big.trove exists: migrate was past its last step when stopped"
    kill -KILL "$pid"
    local status=0
    { wait "$pid"; } 2>/dev/null || status=$?
    [ "$status" = 137 ] || fail "migrate exited $status after SIGKILL, expected 137"
    (cd big && sha256sum --quiet -c ../../big.sums) || fail "a file of big changed after the kill"
    expect_ok trove fsck
    expect_output_contains "0 corrupt"
    expect_false test -e big.trove
    expect_ok trove migrate dvc
    expect_output_contains "big.dvc -> big.trove"
    no_temp_files .trove
    expect_ok trove status
    expect_stdout_equals "Data and pipelines are up to date."
    rm -rf big
    expect_ok trove checkout
    (cd big && sha256sum --quiet -c ../../big.sums) || fail "big is not restored"
}

# Not a DVC repository: said, and nothing is created.
not_a_dvc_repository() {
    mkdir r && cd r && git init -q
    expect_fail 1 trove migrate dvc
    expect_output_contains "not a DVC repository: no .dvc/ in $PWD"
    expect_false test -e .trove
    expect_fail 2 trove migrate git
    # DVC's --subdir project becomes a trove project of its own (init
    # --subdir), found from a directory below it.
    mkdir -p sub/.dvc sub/deeper
    cd sub/deeper || fail "no sub/deeper"
    expect_ok trove migrate dvc
    expect_true test -d ../.trove
    expect_false test -e ../../.trove
    expect_false test -e .trove
}

if [ -d "$CORPUS" ]; then
    test_case dvc3_repository
    test_case dvc2_layout
    test_case clone_without_cache
    test_case metrics_and_params
    test_case manifests_from_the_work_tree
    test_case dry_run
    test_case changed_dependency
else
    echo "skip: the corpus cases (no DVC repositories at $CORPUS; set TROVE_TEST_DVC_REPOS)"
fi
test_case not_yaml
test_case md5_matches_nothing
test_case remote_content_verified
test_case kill_mid_migration
test_case not_a_dvc_repository
finish
