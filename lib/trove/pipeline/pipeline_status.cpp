#include <trove/pipeline/pipeline_status.hpp>

namespace trove::pipeline {

std::vector<StageStatus>
stage_statuses(track::Repository& repo,
               const Project& project,
               const std::vector<std::size_t>& chosen,
               const track::Warn& warn)
{
  LockFiles locks(repo.root());
  ParamsReader params(repo.root());
  std::vector<StageStatus> statuses;
  for (auto i : chosen) {
    const Stage& stage = project.graph.stages()[i];
    StageChanges changes;
    if (stage.frozen) {
      // Its inputs do not matter, but repro would restore its outputs.
      if (const auto* locked = locks.find(stage)) {
        compare_outputs(repo, stage, *locked, warn, changes);
      }
    } else {
      auto inputs = read_inputs(repo, stage, params, warn);
      changes = compare(repo, stage, inputs, locks.find(stage), warn);
    }
    if (changes.any()) {
      statuses.push_back({&stage, std::move(changes)});
    }
  }
  return statuses;
}

std::vector<track::TrackedOut>
locked_outputs(const track::Repository& repo,
               const Project& project,
               const std::vector<std::size_t>& chosen)
{
  LockFiles locks(repo.root());
  std::vector<track::TrackedOut> outs;
  for (auto i : chosen) {
    const Stage& stage = project.graph.stages()[i];
    const LockedStage* locked = locks.find(stage);
    if (!locked) {
      continue;
    }
    for (const auto& out : stage.outs) {
      const auto* entry = locked->out(out.path);
      if (out.cache && entry) {
        outs.push_back(
            {lock_path_of(stage.file), stage.path_from_root(out.path), *entry});
      }
    }
  }
  return outs;
}

} // namespace trove::pipeline
