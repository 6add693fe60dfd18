#pragma once

#include <trove/core/progress.hpp>
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
  bool changed = false; // the pointer file was written
};

// Tracks files and directories: stores their content in the cache, links
// the workspace back per cache.type, writes X.trove beside each and hides X
// from git in the .gitignore beside it. Refuses paths outside the
// repository, inside .trove, inside other tracked data, and paths git tracks.
// `progress` (when given) counts the files stored and their bytes.
std::vector<AddedOut> add(Repository& repo,
                          const std::vector<fs::path>& paths,
                          const Warn& warn,
                          core::Progress* progress = nullptr);

// Records the current content of tracked outputs (all when `targets` is
// empty) in their pointer files.
std::vector<AddedOut> commit(Repository& repo,
                             const std::vector<fs::path>& targets,
                             const Warn& warn,
                             core::Progress* progress = nullptr);

// Stores a file or directory (relative to the root) in the cache and links
// it back per cache.type; returns its id, size and file count (out_path is
// left empty). Used by add and commit, and for stage outputs by repro.
PointerFile store_path(Repository& repo,
                       const std::string& path,
                       const Warn& warn,
                       core::Progress* progress = nullptr);

// Stores workspace files in the cache (except those the stat index knows and
// the cache has), links them back per cache.type and records their stamps.
// `out_path` is the output they belong to, relative to the root (the file
// itself, or the directory they are listed in). Returns their ids in order.
// A file that changed since it was scanned is stored as it was read, left
// alone in the workspace (not linked back, not recorded) and named
// through `warn`. `progress` (when given) counts the files and their bytes.
std::vector<std::string> store_workspace_files(Repository& repo,
                                               const std::string& out_path,
                                               const std::vector<WorkspaceFile>& files,
                                               const Warn& warn,
                                               core::Progress* progress = nullptr);

} // namespace trove::track
