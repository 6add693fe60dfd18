#pragma once

#include <trove/core/progress.hpp>
#include <trove/track/pointer_file.hpp>
#include <trove/track/repository.hpp>

#include <functional>
#include <string_view>

#include <cstdint>
#include <string>
#include <vector>

namespace trove::track {

// Which revisions a command (gc, push, fetch) considers.
struct ObjectScope
{
  bool workspace = false;
  bool all_branches = false;
  bool all_tags = false;
  bool all_commits = false;
  // Reads the outputs a lock file (trove.lock) records, so that stage
  // outputs are kept too; given by the pipeline layer, which owns the format.
  std::function<std::vector<PointerFile>(std::string_view text,
                                         const std::string& source)>
      lock_outputs;

  bool
  empty() const
  {
    return !workspace && !all_branches && !all_tags && !all_commits;
  }
};

// The outputs (pointer entries) the scope refers to: the workspace's
// pointer and lock files, and with all_* those of the chosen commits. The
// workspace's come first; `workspace_count` (when given) says how many.
std::vector<PointerFile> referenced_outputs(const Repository& repo,
                                            const ObjectScope& scope,
                                            std::size_t* workspace_count = nullptr);

enum class DryRun
{
  no,
  yes
};

struct GcResult
{
  std::vector<store::ObjectStore::Entry> removed; // or that would be, dry
  std::uint64_t bytes = 0;
  std::size_t kept = 0;
  // Other projects sharing the cache (track/shared_cache.hpp): those whose
  // objects were kept, and those listed that no longer exist.
  std::vector<fs::path> projects_kept;
  std::vector<fs::path> projects_gone;
};

// Deletes cache objects that nothing in the scope uses, in this project or
// in the other projects sharing its cache. The workspace's pointer files are
// always in scope. A pointer file that cannot be read
// stops gc before anything is deleted. `progress` (when given) counts the
// cache objects looked at and their bytes.
GcResult gc(Repository& repo,
            const ObjectScope& scope,
            DryRun dry_run,
            core::Progress* progress = nullptr);

struct FsckResult
{
  std::size_t checked = 0;
  std::vector<std::string> corrupt; // "<id> (<path>)"
};

// Re-hashes every object in the cache. `progress` (when given) counts the
// objects and their bytes.
FsckResult fsck(Repository& repo, unsigned jobs, core::Progress* progress = nullptr);

} // namespace trove::track
