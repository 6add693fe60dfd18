#include <doctest/doctest.h>

#include "scratch.hpp"

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/pipeline/graph.hpp>
#include <trove/pipeline/lock_file.hpp>

using namespace trove;
using namespace trove::pipeline;

TEST_SUITE_BEGIN("pipeline::Graph");

namespace {

std::vector<Stage>
stages_of(const std::string& text, const ScratchDir& dir)
{
  return parse_pipeline_file(dir.path(), "trove.yaml", text).stages;
}

std::vector<std::string>
names(const std::vector<Stage>& stages)
{
  std::vector<std::string> result;
  for (const auto& stage : stages) {
    result.push_back(stage.name);
  }
  return result;
}

} // namespace

TEST_CASE("foreach and matrix expand to DVC's names")
{
  ScratchDir dir;
  auto stages = stages_of("stages:\n"
                          "  build:\n"
                          "    foreach: [a, b]\n"
                          "    do:\n      cmd: make ${item}\n"
                          "  fit:\n"
                          "    foreach: {small: 1, big: 2}\n"
                          "    do:\n      cmd: fit ${key} ${item}\n"
                          "  rows:\n"
                          "    foreach: [{n: 1}, {n: 2}]\n"
                          "    do:\n      cmd: rows ${item.n}\n"
                          "  train:\n"
                          "    matrix: {model: [cnn, rnn], metric: [f1, auc]}\n"
                          "    cmd: train ${item.model} ${item.metric}\n",
                          dir);
  CHECK(names(stages) == std::vector<std::string>{"build@a", "build@b", "fit@small",
                                                  "fit@big", "rows@0", "rows@1",
                                                  "train@cnn-f1", "train@cnn-auc",
                                                  "train@rnn-f1", "train@rnn-auc"});
  CHECK(stages[3].cmd.front() == "fit big 2");
  CHECK(stages[5].cmd.front() == "rows 2");
}

TEST_CASE("vars and params.yaml feed ${...}")
{
  ScratchDir dir;
  core::write_file_atomic(dir / "params.yaml", "train: {lr: 0.5}\n");
  core::write_file_atomic(dir / "extra.yaml", "paths: {data: d}\nunused: 1\n");
  auto stages =
      stages_of("vars:\n  - extra.yaml:paths\n  - {model: m.bin}\n"
                "stages:\n  t:\n    cmd: fit ${paths.data} ${train.lr} ${model}\n",
                dir);
  CHECK(stages[0].cmd.front() == "fit d 0.5 m.bin");
  CHECK_THROWS_WITH_AS(
      stages_of("vars:\n  - extra.yaml:paths\nstages:\n  t:\n    cmd: ${unused}\n", dir),
      doctest::Contains("trove.yaml:5:10: could not find 'unused'"), Error);
}

TEST_CASE("edges link outputs to deps, also through directories")
{
  ScratchDir dir;
  Graph graph(stages_of("stages:\n"
                        "  a: {cmd: a, outs: [data]}\n"
                        "  b: {cmd: b, deps: [data/x.csv], outs: [model/m.bin]}\n"
                        "  c: {cmd: c, deps: [model], outs: [report.txt]}\n",
                        dir));
  using Edge = std::pair<std::size_t, std::size_t>;
  CHECK(graph.edges() == std::vector<Edge>{{0, 1}, {1, 2}});
  CHECK(graph.with_upstream({2}) == std::vector<std::size_t>{0, 1, 2});
  CHECK(graph.with_downstream({1}) == std::vector<std::size_t>{1, 2});
}

TEST_CASE("bad pipelines are refused with the position")
{
  ScratchDir dir;
  auto graph_of = [&](const std::string& text) { return Graph(stages_of(text, dir)); };
  CHECK_THROWS_WITH_AS(
      graph_of("stages:\n  a: {cmd: a, outs: [x]}\n  b: {cmd: b, outs: [x]}\n"),
      doctest::Contains("already an output of stage 'a'"), Error);
  CHECK_THROWS_WITH_AS(
      graph_of("stages:\n  a: {cmd: a, outs: [d]}\n  b: {cmd: b, outs: [d/x]}\n"),
      doctest::Contains("is inside output 'd'"), Error);
  CHECK_THROWS_WITH_AS(graph_of("stages:\n  a: {cmd: a, deps: [y], outs: [x]}\n"
                                "  b: {cmd: b, deps: [x], outs: [y]}\n"),
                       doctest::Contains("cycle: "), Error);
  CHECK_THROWS_WITH_AS(
      graph_of("stages:\n  a: {cmd: a, outs: [../x]}\n"),
      doctest::Contains("trove.yaml:2:22: path '../x' is outside the repository"), Error);
  CHECK_THROWS_WITH_AS(graph_of("stages:\n  a:\n    cmd: a\n    colour: red\n"),
                       doctest::Contains("trove.yaml:4:5: unknown key 'colour'"), Error);
  CHECK_THROWS_WITH_AS(graph_of("stages:\n  a:\n    deps: [x]\n"),
                       doctest::Contains("trove.yaml:3:5: stage 'a' has no cmd"), Error);
}

TEST_CASE("lock file round trip keeps types and sorts stages")
{
  ScratchDir dir;
  auto lock = LockFile::load(dir.path(), "trove.lock");
  LockedStage stage;
  stage.cmd = {"fit"};
  track::PointerFile dep;
  dep.out_path = "data";
  dep.id = *store::ObjectId::parse("sha256:" + std::string(64, 'a') + ".dir");
  dep.size = 10;
  dep.nfiles = 2;
  stage.deps = {dep};
  stage.params["params.yaml"]["lr"] = 0.5;
  stage.params["params.yaml"]["name"] = "1";
  lock.set("z", stage);
  lock.set("a", stage);
  lock.save();
  auto text = core::read_file(dir / "trove.lock");
  CHECK(text.find("schema: '2.0'") == 0);
  CHECK(text.find("  a:") < text.find("  z:"));
  auto again = LockFile::load(dir.path(), "trove.lock");
  REQUIRE(again.find("z"));
  CHECK(again.find("z")->params.at("params.yaml").at("name") == "1");
  CHECK(again.find("z")->params.at("params.yaml").at("lr") == 0.5);
  CHECK(again.find("z")->deps.front().nfiles == 2u);
  core::write_file_atomic(dir / "trove.lock",
                          "schema: '2.0'\nstages:\n  a:\n    cmd: x\n    wrong: 1\n");
  CHECK_THROWS_WITH_AS(LockFile::load(dir.path(), "trove.lock"),
                       doctest::Contains("trove.lock:5:5: unknown key 'wrong'"), Error);
}

TEST_CASE("outputs and wdirs never name the root, .git or .trove")
{
  ScratchDir dir;
  auto refused = [&](const std::string& text, const std::string& message) {
    CAPTURE(text);
    CHECK_THROWS_WITH_AS(stages_of(text, dir), doctest::Contains(message.c_str()), Error);
  };
  refused("stages:\n  a: {cmd: a, outs: [.git/x]}\n",
          "trove.yaml:2:22: stage 'a' cannot write output '.git/x': it is inside .git or "
          ".trove");
  refused(
      "stages:\n  a: {cmd: a, outs: [.]}\n",
      "trove.yaml:2:22: stage 'a' cannot write output '.': it is the repository root");
  refused("stages:\n  a: {cmd: a, outs: [d/..]}\n", "it is the repository root");
  refused("stages:\n  a: {cmd: a, metrics: [{.Trove/m.json: {cache: false}}]}\n",
          "cannot write output '.Trove/m.json': it is inside .git or .trove");
  refused("stages:\n  a: {cmd: a, plots: [x/../.git/p.csv]}\n", "inside .git or .trove");
  refused("vars:\n  - d: .git\nstages:\n  a: {cmd: a, outs: ['${d}/hooks']}\n",
          "trove.yaml:4:22: stage 'a' cannot write output '.git/hooks'");
  refused(
      "stages:\n  a:\n    foreach: [x, .trove]\n    do: {cmd: a, outs: ['${item}/o']}\n",
      "stage 'a@.trove' cannot write output '.trove/o'");
  refused("stages:\n  a: {cmd: a, wdir: .git, outs: [x]}\n",
          "trove.yaml:2:21: stage 'a' cannot run in wdir '.git': it is inside .git or "
          ".trove");
  // Deps are only read: .git/HEAD is fine, outside the repository is not.
  CHECK(stages_of("stages:\n  a: {cmd: a, deps: [.git/HEAD]}\n", dir).front().deps ==
        std::vector<std::string>{".git/HEAD"});
  refused("stages:\n  a: {cmd: a, deps: [../x]}\n", "is outside the repository");
  refused("metrics: [../m.json]\n",
          "trove.yaml:1:11: path '../m.json' is outside the repository");
  refused("params:\n  - sub/../../p.yaml\n", "trove.yaml:2:5: path");
  // A wdir may be a subdirectory, with outputs climbing out of it.
  auto stages = stages_of("stages:\n  a: {cmd: a, wdir: sub, outs: [../x]}\n", dir);
  CHECK(stages.front().path_from_root("../x") == "x");
}

TEST_CASE("foreach and matrix are counted before they expand")
{
  ScratchDir dir;
  std::string matrix = "stages:\n  s:\n    matrix:\n";
  for (char key : std::string("abcdefgh")) {
    matrix += std::string("      ") + key + ": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n";
  }
  matrix += "    cmd: echo\n";
  CHECK_THROWS_WITH_AS(
      stages_of(matrix, dir),
      "trove.yaml:4:7: stage 's' would generate 100000000 stages (at most "
      "10000 from one foreach or matrix)",
      Error);
  std::string huge = "stages:\n  s:\n    matrix:\n";
  for (int key = 0; key < 30; ++key) {
    huge += "      k" + std::to_string(key) + ": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n";
  }
  huge += "    cmd: echo\n";
  CHECK_THROWS_WITH_AS(stages_of(huge, dir),
                       doctest::Contains("would generate more than"), Error);
  std::string list;
  for (int i = 0; i < 10001; ++i) {
    list += (i ? ", " : "") + std::to_string(i);
  }
  CHECK_THROWS_WITH_AS(
      stages_of("stages:\n  s:\n    foreach: [" + list + "]\n    do: {cmd: echo}\n", dir),
      doctest::Contains("trove.yaml:3:14: stage 's' would generate 10001 stages"), Error);
  auto limit = list.substr(0, list.rfind(','));
  CHECK(
      stages_of("stages:\n  s:\n    foreach: [" + limit + "]\n    do: {cmd: echo}\n", dir)
          .size() == 10000);
  CHECK_NOTHROW(check_stage_count(k_max_stages, "x"));
  CHECK_THROWS_WITH_AS(check_stage_count(k_max_stages + 1, "x"),
                       "x: the pipelines would have 100001 stages (at most 100000)",
                       Error);
}

TEST_CASE("a lock's outputs never name .git or .trove")
{
  const std::string entry =
      "\n      hash: sha256:" + std::string(64, 'a') + "\n      size: 1\n";
  auto lock_with = [&](const std::string& path) {
    return LockFile::parse(
        "schema: '2.0'\nstages:\n  s:\n    cmd: x\n    outs:\n    - path: " + path +
            entry,
        "trove.lock");
  };
  for (const char* path : {".git/hooks/pre-commit", ".trove/config", "../.git/x",
                           "/tmp/x", "a/../../x", "./.TROVE/x"}) {
    CAPTURE(path);
    CHECK_THROWS_WITH_AS(lock_with(path),
                         doctest::Contains(("trove.lock:6:13: output '" +
                                            std::string(path) + "' cannot be written: ")
                                               .c_str()),
                         Error);
  }
  // Relative to the stage's wdir: they may climb out of it.
  for (const char* path : {"model.bin", "../model.bin", "../../a/b", ".", "..", "./x"}) {
    CAPTURE(path);
    CHECK(lock_with(path).find("s")->outs.front().out_path == path);
  }
  // Deps are only read.
  CHECK_NOTHROW(
      LockFile::parse("schema: '2.0'\nstages:\n  s:\n    cmd: x\n    deps:\n    - path: "
                      ".git/HEAD" +
                          entry,
                      "trove.lock"));
}
