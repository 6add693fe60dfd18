#pragma once

#include <trove/dvc/dvc_files.hpp>
#include <trove/dvc/dvc_objects.hpp>
#include <trove/store/object_id.hpp>
#include <trove/track/pointer_file.hpp>
#include <trove/track/repository.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace trove::migrate {

namespace fs = std::filesystem;

enum class DryRun
{
  no,
  yes
};

struct MigrateOptions
{
  DryRun dry = DryRun::no;
  // The DVC remote (a name in .dvc/config) to fetch content from when the
  // work tree and .dvc/cache lack it; empty: DVC's default (core.remote).
  std::string remote;
};

// What `trove migrate dvc` did (with DryRun::yes: would do).
struct MigrationReport
{
  struct Written
  {
    std::string from; // "images.dvc", "dvc.lock"
    std::string to;   // "images.trove", "dvc.trove.lock"
    std::string what; // "directory, 11 files, 2963 bytes", "5 stages"
  };
  struct Missing
  {
    std::string what;                   // "images/a.png (md5 ...) of images.dvc"
    std::vector<std::string> looked_in; // "work tree images/a.png: different content"
  };

  std::vector<std::string> settings; // "remote.local.url = ../remote (.trove/config)"
  std::vector<std::string> notes;    // what was left out, and why
  std::vector<Written> written;
  std::size_t unchanged = 0; // pointer and lock files already as migration writes them
  std::vector<Missing> missing;
  std::vector<std::string> errors; // unreadable files, an unreachable remote
  std::size_t objects_stored = 0;
  std::uint64_t bytes_stored = 0;
  std::size_t from_work_tree = 0;
  std::size_t from_dvc_cache = 0;
  std::size_t from_dvc_remote = 0;

  bool
  nothing_to_do() const
  {
    return settings.empty() && written.empty() && objects_stored == 0;
  }
  bool
  complete() const
  {
    return missing.empty() && errors.empty();
  }
};

// The DVC project `start` is in: the nearest directory at or above it, up
// to the top of its git work tree, holding `.dvc/`, and where its trove
// repository goes (at the git top, or a project of its own below it, as
// `dvc init --subdir` made it). Throws "not a DVC repository" naming where
// it looked.
struct DvcProject
{
  fs::path root;
  track::Repository::InitPlace place;
};
DvcProject find_dvc_project(const fs::path& start);

// Turns the DVC repository at `root` into a trove repository in place:
//  - remotes, core.remote and cache settings of .dvc/config (and
//    config.local) into .trove/config (config.local); a relative local url
//    (relative to .dvc/ in DVC) is rewritten relative to the root;
//  - every X.dvc into X.trove, every dvc.lock into the trove lock of the
//    dvc.yaml beside it (pipeline::lock_path_of), DVC `.dir` manifests into
//    trove manifests (isexec kept);
//  - every byte stored is verified against DVC's md5 (md5-dos2unix for DVC 2
//    entries) before it enters `repo`'s store; content is looked for in the
//    work tree, DVC's cache (3.x and 2.x layouts) and the DVC remote (a
//    directory), in that order;
//  - the outputs the .dvc files and dvc.lock files of every other commit
//    record are stored too when .dvc/cache or the remote has them (so that
//    metrics and params inside them read at those revisions), and noted
//    when not.
// Nothing under .dvc/, no dvc.lock and no work-tree data file is changed.
// Objects enter the store before any file that names them, and every file is
// written atomically, so a run killed at any point loses nothing and a rerun
// finishes the job; a rerun after a complete one changes nothing. `repo` is
// null only for a dry run in a repository without .trove/. Throws
// trove::Error when `root` has no .dvc/ or the chosen remote is not in
// DVC's configuration; everything else is reported.
MigrationReport
migrate_dvc(track::Repository* repo, const fs::path& root, const MigrateOptions& options);

} // namespace trove::migrate
