#pragma once

#include <trove/track/repository.hpp>
#include <trove/track/workspace.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace trove::track {

// One tracked file (a tracked file, or a file inside a tracked directory).
struct TrackedFile
{
  std::string path; // relative to the root
  std::string id;   // sha256:<hex>, or <...>.dir for a directory whose
                    // manifest is not in the cache (it cannot be listed)
  std::uint64_t size = 0;
};

// The cached stage outputs at a revision (nullopt: the workspace), which
// pointer files do not list: given by a layer that reads pipelines.
using StageOutputs =
    std::function<std::vector<TrackedOut>(const std::optional<std::string>& revision)>;

// What the pointer files (and, given `stage_outputs`, the lock files) at a
// git revision track (nullopt: the workspace's), sorted by path. Pointer
// files are read from git objects; nothing in the work tree changes.
std::vector<TrackedFile> tracked_files(Repository& repo,
                                       const std::optional<std::string>& revision,
                                       const StageOutputs& stage_outputs = {});

// The tracked data as it is in the workspace (hashed, with the stat index).
std::vector<TrackedFile> workspace_files(Repository& repo,
                                         const StageOutputs& stage_outputs = {});

struct DataDiff
{
  struct Change
  {
    std::string path;
    std::string old_id; // empty when added
    std::string new_id; // empty when deleted
  };
  std::vector<Change> added;
  std::vector<Change> deleted;
  std::vector<Change> modified;
};

// Files added, deleted and modified between two revisions; `b` = nullopt is
// the workspace.
DataDiff diff(Repository& repo,
              const std::string& a,
              const std::optional<std::string>& b,
              const StageOutputs& stage_outputs = {});

} // namespace trove::track
