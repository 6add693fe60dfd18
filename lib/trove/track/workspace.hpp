#pragma once

#include <trove/store/stat_index.hpp>
#include <trove/track/pointer_file.hpp>
#include <trove/track/repository.hpp>

#include <string>
#include <vector>

namespace trove::track {

// A regular file found in the workspace.
struct WorkspaceFile
{
  std::string path;   // relative to the scanned directory, '/'-separated
  fs::path absolute;  // what to read (a followed symlink's target)
  store::FileStamp stamp;
  bool executable = false;
};

// The regular files below `dir`, sorted by path. Honours the repository's
// .troveignore. A symlink is followed only when its target is inside the
// repository or the cache (symlink checkouts point there); others are skipped
// and named through `warn`, so nothing outside the repository is ever read.
std::vector<WorkspaceFile> scan_directory(Repository& repo,
                                          const fs::path& dir,
                                          const Warn& warn);

// The stat-index key of a file: its path relative to the repository root.
std::string index_key(const std::string& out_path, const std::string& file_path);

// Hashes files (in parallel, with the stat index: unchanged files are not
// read) and returns their ids in the same order. `out_path` is the scanned
// directory relative to the root.
std::vector<std::string> hash_files(Repository& repo,
                                    const std::string& out_path,
                                    const std::vector<WorkspaceFile>& files);

// The stamp of a path, following symlinks; nullopt when it does not exist.
std::optional<store::FileStamp> stamp_of(const fs::path& path, bool* is_dir = nullptr);

// A tracked output: its pointer file and where its data lives.
struct TrackedOut
{
  std::string pointer_path; // relative to the root
  std::string path;         // the data, relative to the root
  PointerFile pointer;
};

TrackedOut load_tracked(const Repository& repo, const std::string& pointer_path);

// Every pointer file in the workspace, relative to the root, sorted. Tracked
// data directories, .git and .trove are not descended into.
std::vector<std::string> find_pointer_files(const Repository& repo);

// The pointer files that command-line targets name: X.trove, X (when X.trove
// exists) or a directory holding pointer files. No targets means all.
std::vector<std::string> resolve_targets(const Repository& repo,
                                         const std::vector<fs::path>& targets);

} // namespace trove::track
