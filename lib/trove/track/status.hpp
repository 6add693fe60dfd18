#pragma once

#include <trove/track/repository.hpp>
#include <trove/track/workspace.hpp>

#include <optional>
#include <string>
#include <vector>

namespace trove::track {

// How a tracked output differs from its pointer file.
struct OutStatus
{
  enum class State
  {
    unchanged,
    modified,
    deleted
  };

  std::string path; // relative to the root
  std::string pointer_path;
  State state = State::unchanged;
  bool in_cache = true; // the pointer's object (or manifest) is cached
  // For directories: files relative to the output.
  std::vector<std::string> added;
  std::vector<std::string> modified;
  std::vector<std::string> deleted;

  bool
  clean() const
  {
    return state == State::unchanged && in_cache;
  }
};

// The status of the tracked outputs whose pointer files (relative to the
// root) are given; unchanged files are recognised by the stat index without
// being read. Pointer files that cannot be loaded are listed in `failures`
// (one stray file does not hide the status of the others).
std::vector<OutStatus> status_of(Repository& repo,
                                 const std::vector<std::string>& pointers,
                                 const Warn& warn,
                                 std::vector<std::string>& failures);

// The status of one tracked output.
OutStatus out_status(Repository& repo, const TrackedOut& out, const Warn& warn);

std::string_view to_string(OutStatus::State state);

// The id, size and file count a workspace file or directory (relative to the
// root) has now, without storing it; nullopt when it does not exist. The
// stat index spares reading unchanged files.
std::optional<PointerFile>
describe_path(Repository& repo, const std::string& path, const Warn& warn);

} // namespace trove::track
