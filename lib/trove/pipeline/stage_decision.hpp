#pragma once

#include <trove/pipeline/stage_state.hpp>

#include <string>

namespace trove::pipeline {

// What repro does with a stage whose upstream is settled. `repro` and
// `repro --dry` both ask decide(), so that --dry says what a run does.
enum class StageAction
{
  frozen,            // never runs; missing outputs come back from the cache
  skip,              // up to date
  skip_missing_deps, // --allow-missing, a dependency is missing
  skip_missing_outs, // --allow-missing, outputs missing and not in the cache
  fail_missing_deps, // a dependency is missing: the stage cannot run
  check_out,         // inputs unchanged: outputs come back from the cache
  restore_run_cache, // inputs seen before: outputs come back from the run cache
  run,
};

// Whether the run cache holds a run with the stage's inputs now, whose
// objects are all in the cache.
enum class RunCacheMatch
{
  not_looked_up,
  found,
  none,
};

// Everything decide() looks at, read from the workspace, trove.lock and
// the run cache by the caller.
struct StageSituation
{
  bool frozen = false;
  bool force = false;         // repro -f
  bool allow_missing = false; // repro --allow-missing
  bool missing_deps = false;  // some dependency does not exist
  // Only --dry: an upstream stage that would run (its outputs are unknown,
  // so this stage is assumed to run too); empty otherwise.
  std::string upstream_runs;
  // Whether a run could come from the run cache: not --no-run-cache, the
  // stage has outputs and is not always_changed.
  bool run_cache_applies = false;
  RunCacheMatch run_cache = RunCacheMatch::not_looked_up;
  StageChanges changes;
};

struct StageDecision
{
  StageAction action = StageAction::run;
  std::string reason; // why it runs, or is restored from the run cache
  // The answer depends on the run cache, which was not looked up: look it
  // up (situation.run_cache) and decide again.
  bool look_up_run_cache = false;
};

// The one rule for every stage; reads nothing.
StageDecision decide(const StageSituation& situation);

} // namespace trove::pipeline
