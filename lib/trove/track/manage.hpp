#pragma once

#include <trove/track/repository.hpp>

#include <string>
#include <vector>

namespace trove::track {

enum class KeepData
{
  no,
  yes
};

// Stops tracking: removes the pointer file and its .gitignore entry, and
// (unless keep_data) the data, which must match its saved content: changes
// that are not in the cache are refused. Returns the data path.
std::string remove(Repository& repo, const fs::path& target, KeepData keep_data);

// Moves tracked data and its pointer file together and fixes the .gitignore
// entries. `source` names the data or its pointer; `destination` may be an
// existing directory to move into. Returns the new data path.
std::string move(Repository& repo, const fs::path& source, const fs::path& destination);

// Turns linked workspace files (hardlinks and symlinks into the cache, or
// read-only copies) into writable copies, so they can be edited in place.
// Returns the number of files made writable.
std::size_t unprotect(Repository& repo, const std::vector<fs::path>& targets);

} // namespace trove::track
