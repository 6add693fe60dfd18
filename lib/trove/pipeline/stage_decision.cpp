#include <trove/pipeline/stage_decision.hpp>

namespace trove::pipeline {

StageDecision
decide(const StageSituation& s)
{
  if (s.frozen) {
    return {StageAction::frozen, "", false};
  }
  if (!s.upstream_runs.empty()) {
    return {StageAction::run, "upstream stage '" + s.upstream_runs + "' would run",
            false};
  }
  if (s.missing_deps) {
    return {s.allow_missing ? StageAction::skip_missing_deps
                            : StageAction::fail_missing_deps,
            "missing dependencies", false};
  }
  const auto& changes = s.changes;
  if (!s.force && !changes.inputs_changed()) {
    if (changes.outs.empty()) {
      return {StageAction::skip, "", false};
    }
    if (changes.outs_not_cached.empty()) {
      return {StageAction::check_out, "outputs checked out from the cache", false};
    }
    if (s.allow_missing) {
      return {StageAction::skip_missing_outs, "missing outputs", false};
    }
    // The run cache would give back the same objects the cache lacks (or,
    // for `cache: false` outputs, the old copy DVC never restores).
    return {StageAction::run, changes.describe(), false};
  }
  std::string reason = s.force ? "forced" : changes.describe();
  if (!s.force && s.run_cache_applies) {
    switch (s.run_cache) {
    case RunCacheMatch::not_looked_up:
      return {StageAction::run, reason, true};
    case RunCacheMatch::found:
      return {StageAction::restore_run_cache, reason, false};
    case RunCacheMatch::none:
      break;
    }
  }
  return {StageAction::run, reason, false};
}

} // namespace trove::pipeline
