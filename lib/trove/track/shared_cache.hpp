#pragma once

#include <trove/track/repository.hpp>

#include <filesystem>
#include <vector>

namespace trove::track {

// A cache that several projects use (cache.dir pointing outside the
// project, DVC's "shared cache") keeps a list of them in `<cache>/projects`,
// one absolute root per line, so that `gc` in one project keeps what the
// others use instead of deleting it.

// Adds the repository's root to its cache's list when the cache is outside
// the project. Cheap when it is listed already; writers call it.
void register_in_shared_cache(const Repository& repo);

// The other projects listed for the repository's cache, and those listed
// that no longer exist (moved or deleted: nothing of theirs can be kept).
struct SharingProjects
{
  std::vector<fs::path> existing;
  std::vector<fs::path> gone;
};
SharingProjects sharing_projects(const Repository& repo);

} // namespace trove::track
