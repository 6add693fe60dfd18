#!/usr/bin/env python3
"""Compares `trove dag --json` with what DVC computed for one corpus case.

Usage: corpus_compare.py EXPECTED_JSON TROVE_JSON_OR_ERROR_FILE EXIT_CODE
Prints the differences and exits 1 when there are any.
"""
import json
import sys

expected = json.load(open(sys.argv[1]))
exit_code = int(sys.argv[3])
problems = []

if "error" in expected:
    if exit_code == 0:
        problems.append("DVC rejects this file (%s) but trove accepted it" % expected["error"])
elif exit_code != 0:
    problems.append("trove failed: " + open(sys.argv[2]).read().strip())
else:
    actual = json.load(open(sys.argv[2]))
    want, got = expected["stages"], actual["stages"]
    if list(want) != list(got):
        missing = [s for s in want if s not in got]
        extra = [s for s in got if s not in want]
        if missing or extra:
            problems.append("stages missing: %s; unexpected: %s" % (missing[:5], extra[:5]))
        else:
            problems.append("stage order differs")
    for name, stage in want.items():
        if name not in got:
            continue
        mine = got[name]
        if stage["cmd"] != mine["cmd"]:
            problems.append("%s: cmd\n  dvc:   %r\n  trove: %r" % (name, stage["cmd"], mine["cmd"]))
        if stage.get("wdir", ".") != mine["wdir"]:
            problems.append("%s: wdir %r != %r" % (name, stage.get("wdir"), mine["wdir"]))
        if stage.get("deps", []) != mine["deps"]:
            problems.append("%s: deps %r != %r" % (name, stage.get("deps"), mine["deps"]))
        outs = mine["outs"] + mine["metrics"] + mine["plots"]
        if sorted(stage.get("outs", [])) != sorted(outs):
            problems.append("%s: outs %r != %r" % (name, stage.get("outs"), outs))
        params = {f: k for f, k in mine["params"].items()}
        if stage.get("params", {}) != params:
            problems.append("%s: params %r != %r" % (name, stage.get("params"), params))
    want_edges = sorted(map(tuple, expected["edges"]))
    got_edges = sorted(map(tuple, actual["edges"]))
    if want_edges != got_edges:
        problems.append("edges: missing %s; unexpected %s" % (
            sorted(set(want_edges) - set(got_edges))[:5],
            sorted(set(got_edges) - set(want_edges))[:5]))

for problem in problems[:12]:
    print("  " + problem)
sys.exit(1 if problems else 0)
