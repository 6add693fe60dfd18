#include <trove/pipeline/pipeline_status.hpp>

#include <map>

namespace trove::pipeline {

namespace {

// Lock files by pipeline file, each read once.
class Locks
{
public:
  explicit Locks(const fs::path& root) : m_root(root) {}

  const LockedStage* find(const Stage& stage)
  {
    auto it = m_locks.find(stage.file);
    if (it == m_locks.end()) {
      it = m_locks.emplace(stage.file, LockFile::load(m_root, lock_path_of(stage.file))).first;
    }
    return it->second.find(stage.name);
  }

private:
  fs::path m_root;
  std::map<std::string, LockFile> m_locks;
};

} // namespace

std::vector<StageStatus>
stage_statuses(track::Repository& repo,
               const Project& project,
               const std::vector<std::size_t>& chosen,
               const track::Warn& warn)
{
  Locks locks(repo.root());
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
  Locks locks(repo.root());
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
        outs.push_back({lock_path_of(stage.file), stage.path_from_root(out.path), *entry});
      }
    }
  }
  return outs;
}

} // namespace trove::pipeline
