#include <doctest/doctest.h>

#include <trove/pipeline/stage_decision.hpp>

using namespace trove::pipeline;

TEST_SUITE_BEGIN("pipeline::decide");

namespace {

StageSituation
up_to_date()
{
  StageSituation s;
  s.run_cache_applies = true;
  return s;
}

} // namespace

TEST_CASE("an unchanged stage is skipped, a missing cached output checked out")
{
  auto s = up_to_date();
  CHECK(decide(s).action == StageAction::skip);
  s.changes.outs = {"model.txt"};
  CHECK(decide(s).action == StageAction::check_out);
  CHECK_FALSE(decide(s).look_up_run_cache);
  // The run cache holds the same objects the cache lacks (or, for a
  // `cache: false` output, the old copy DVC never restores): not asked.
  s.changes.outs_not_cached = {"model.txt"};
  CHECK(decide(s).action == StageAction::run);
  CHECK_FALSE(decide(s).look_up_run_cache);
  CHECK(decide(s).reason == "changed outs: model.txt");
  s.allow_missing = true;
  CHECK(decide(s).action == StageAction::skip_missing_outs);
}

TEST_CASE("changed inputs run the stage unless the run cache has the run")
{
  auto s = up_to_date();
  s.changes.deps = {"data.txt"};
  auto first = decide(s);
  CHECK(first.action == StageAction::run);
  CHECK(first.look_up_run_cache);
  CHECK(first.reason == "changed deps: data.txt");
  s.run_cache = RunCacheMatch::found;
  CHECK(decide(s).action == StageAction::restore_run_cache);
  CHECK(decide(s).reason == "changed deps: data.txt");
  s.run_cache = RunCacheMatch::none;
  CHECK(decide(s).action == StageAction::run);
  CHECK_FALSE(decide(s).look_up_run_cache);
  s.run_cache = RunCacheMatch::not_looked_up;
  s.run_cache_applies = false; // --no-run-cache
  CHECK(decide(s).action == StageAction::run);
  CHECK_FALSE(decide(s).look_up_run_cache);
}

TEST_CASE("force runs even an unchanged stage, never from the run cache")
{
  auto s = up_to_date();
  s.force = true;
  s.run_cache = RunCacheMatch::found;
  CHECK(decide(s).action == StageAction::run);
  CHECK(decide(s).reason == "forced");
}

TEST_CASE("frozen, missing deps and an upstream that would run come first")
{
  auto s = up_to_date();
  s.missing_deps = true;
  CHECK(decide(s).action == StageAction::fail_missing_deps);
  s.allow_missing = true;
  CHECK(decide(s).action == StageAction::skip_missing_deps);
  s.upstream_runs = "prepare";
  CHECK(decide(s).action == StageAction::run);
  CHECK(decide(s).reason == "upstream stage 'prepare' would run");
  s.frozen = true;
  CHECK(decide(s).action == StageAction::frozen);
}
