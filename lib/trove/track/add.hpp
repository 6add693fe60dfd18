#pragma once

#include <trove/track/repository.hpp>
#include <trove/track/workspace.hpp>

#include <string>
#include <vector>

namespace trove::track {

struct AddedOut
{
  std::string path;         // the data, relative to the root
  std::string pointer_path; // its pointer file
  PointerFile pointer;
  bool changed = false;     // the pointer file was written
};

// Tracks files and directories: stores their content in the cache, links
// the workspace back per cache.type, writes X.trove beside each and hides X
// from git in the .gitignore beside it. Refuses paths outside the
// repository, inside .trove, inside other tracked data, and paths git tracks.
std::vector<AddedOut> add(Repository& repo,
                          const std::vector<fs::path>& paths,
                          const Warn& warn);

// Records the current content of tracked outputs (all when `targets` is
// empty) in their pointer files.
std::vector<AddedOut> commit(Repository& repo,
                             const std::vector<fs::path>& targets,
                             const Warn& warn);

// Stores one workspace file in the cache (unless the stat index already knows
// it and the cache has it), links the workspace file per cache.type, and
// records its stamp. `key` is its path relative to the root.
std::string store_workspace_file(Repository& repo,
                                 const std::string& key,
                                 const fs::path& path,
                                 const store::FileStamp& stamp);

} // namespace trove::track
