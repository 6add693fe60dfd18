#pragma once

#include <trove/core/progress.hpp>
#include <trove/track/repository.hpp>
#include <trove/track/workspace.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace trove::track {

enum class Relink
{
  no,
  yes
};

struct CheckoutResult
{
  struct Change
  {
    char kind; // 'A' created, 'M' changed, 'D' deleted
    std::string path;
  };
  std::vector<Change> changes; // one per tracked output
  std::size_t files_added = 0;
  std::size_t files_modified = 0;
  std::size_t files_deleted = 0;
  // Outputs left as they were, with why (object missing from the cache,
  // content that is not saved and would be lost).
  std::vector<std::string> failures;
};

// Makes tracked outputs match their pointer files (or, for stage outputs,
// their trove.lock entries). Workspace content that is
// not in the cache is never overwritten or deleted: such an output is left
// alone and listed in `failures`, unless `force`, which first saves that
// content to the cache (named through `warn`). Outputs whose objects are
// missing are listed too; everything else is still checked out. `relink`
// re-creates links that do not follow cache.type. `progress` (when given)
// counts the files written and their bytes.
CheckoutResult checkout_outs(Repository& repo,
                             const std::vector<TrackedOut>& outs,
                             Force force,
                             Relink relink,
                             const Warn& warn,
                             core::Progress* progress = nullptr);

} // namespace trove::track
