#pragma once

#include <trove/core/error.hpp>
#include <trove/store/stat_index.hpp>
#include <trove/track/pointer_file.hpp>
#include <trove/track/repository.hpp>

#include <map>
#include <string>
#include <vector>

namespace trove::track {

// A regular file found in the workspace.
struct WorkspaceFile
{
  std::string path;     // relative to the scanned directory, '/'-separated
  std::string absolute; // what to read (a followed symlink's target); a
                        // string, as a path per file costs a no-op status
  store::FileStamp stamp;
  bool executable = false;
};

// The regular files below `dir`, sorted by path. Honours the repository's
// .troveignore. A symlink is followed only when its target is inside the
// repository or the cache (symlink checkouts point there); others are skipped
// and named through `warn`, so nothing outside the repository is ever read.
// Temp files of trove processes that died are skipped, and listed in
// `stale_temps` when given.
std::vector<WorkspaceFile> scan_directory(Repository& repo,
                                          const fs::path& dir,
                                          const Warn& warn,
                                          std::vector<fs::path>* stale_temps = nullptr);

// The stat-index key of a file: its path relative to the repository root.
std::string index_key(const std::string& out_path, const std::string& file_path);

// The id of a workspace file's content: from the stat index when its stamp
// is known, else read, hashed and recorded. `key` is its path relative to
// the root. Thread-safe.
std::string hash_workspace_file(Repository& repo,
                                const std::string& key,
                                const fs::path& path,
                                const store::FileStamp& stamp);

// Hashes files (in parallel, with the stat index: unchanged files are not
// read) and returns their ids in the same order. `out_path` is the scanned
// directory relative to the root.
std::vector<std::string> hash_files(Repository& repo,
                                    const std::string& out_path,
                                    const std::vector<WorkspaceFile>& files);

// The stamp of a path trove itself just wrote, following symlinks; nullopt
// when it does not exist. Paths a repository names go through inspect_path.
std::optional<store::FileStamp> stamp_of(const fs::path& path, bool* is_dir = nullptr);

// What a workspace path holds, seen with lstat: a symlink is followed only
// to a regular file inside the repository or the cache (where symlink
// checkouts point), so a committed symlink can never make trove read a
// device, a FIFO or a file outside the repository.
struct PathEntry
{
  enum class Kind
  {
    missing,
    file,
    directory,
    other
  };
  Kind kind = Kind::missing;
  store::FileStamp stamp; // of the file or directory (a followed link's target)
  fs::path read_path;     // what to read for a file
  std::string what; // for `other`: "a FIFO", "a symlink to outside the repository"...
};
PathEntry inspect_path(const Repository& repo, const fs::path& absolute);

// The error for an `other` entry at `key` (relative to the root).
Error not_data_error(const std::string& key, const PathEntry& entry);

// A tracked output: its pointer file and where its data lives.
struct TrackedOut
{
  std::string pointer_path; // relative to the root
  std::string path;         // the data, relative to the root
  PointerFile pointer;
};

// Loads a pointer file and checks where its data would go (check_data_path).
TrackedOut load_tracked(const Repository& repo, const std::string& pointer_path);

// Refuses a second pointer file for a path: `owners` maps the data paths
// seen so far to their pointer files.
void check_single_owner(std::map<std::string, std::string>& owners,
                        const TrackedOut& out);

// Loads pointer files; the ones that cannot be loaded (or track a path that
// an earlier one tracks) are listed in `failures`, the others returned.
std::vector<TrackedOut> load_all_tracked(const Repository& repo,
                                         const std::vector<std::string>& pointers,
                                         std::vector<std::string>& failures);

// Refuses a data path (relative to the root) that lies in .git or .trove or
// passes through a symlink, so no pointer or manifest can make trove write
// outside the work tree or into git's or trove's own files. `source` names
// the file that asked for the path.
void check_data_path(const Repository& repo,
                     const std::string& path,
                     const std::string& source);

// The tracked output that contains `path` (a parent with a pointer file).
std::optional<std::string> tracked_parent(const Repository& repo,
                                          const std::string& path);

inline constexpr std::string_view k_pipeline_file_name = "trove.yaml";
// DVC's pipeline file: found and read as trove.yaml is, so a DVC project runs
// unchanged. trove keeps its lock in dvc.trove.lock and never writes dvc.lock.
inline constexpr std::string_view k_dvc_pipeline_file_name = "dvc.yaml";
// True for a pipeline file at the root (trove.yaml or dvc.yaml): its stages
// are named without the file's path.
bool is_root_pipeline(std::string_view path);
// trove.lock, or X.trove.lock for a pipeline file X.yaml read with --file.
inline constexpr std::string_view k_lock_file_name = "trove.lock";

enum class MetadataKind
{
  other,
  pointer,
  pipeline,
  lock
};
// What a file named `name` (the last path component) is to trove.
MetadataKind metadata_kind(std::string_view name);

// The files trove reads its state from, relative to the root, sorted.
struct MetadataFiles
{
  std::vector<std::string> pointers;  // X.trove
  std::vector<std::string> pipelines; // trove.yaml
  std::vector<std::string> locks;     // trove.lock, X.trove.lock
};

// Finds every pointer, pipeline and lock file in the workspace in one walk.
// Tracked data directories, .git and .trove are not descended into.
MetadataFiles find_metadata_files(const Repository& repo);

// Every pointer file in the workspace (find_metadata_files().pointers).
std::vector<std::string> find_pointer_files(const Repository& repo);

// The pointer files that command-line targets name: X.trove, X (when X.trove
// exists) or a directory holding pointer files. No targets means all.
std::vector<std::string> resolve_targets(const Repository& repo,
                                         const std::vector<fs::path>& targets);

} // namespace trove::track
