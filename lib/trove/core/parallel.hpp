#pragma once

#include <cstddef>
#include <functional>

namespace trove::core {

// The number of hardware threads (at least 1).
unsigned hardware_jobs();

// Runs body(i) for every i in [0, count) on up to `jobs` threads (0 means
// hardware_jobs()). Items are handed out one at a time, so uneven work
// balances. The first exception thrown by any item is rethrown once all
// threads have stopped; remaining items are then skipped.
void parallel_for(std::size_t count,
                  unsigned jobs,
                  const std::function<void(std::size_t)>& body);

} // namespace trove::core
