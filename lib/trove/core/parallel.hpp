#pragma once

#include <cstddef>
#include <functional>
#include <mutex>

namespace trove::core {

// The number of hardware threads (at least 1).
unsigned hardware_jobs();

// A count of free slots, taken without waiting: the threads a command may
// add. Thread-safe.
class Budget
{
public:
  explicit Budget(std::size_t slots) : m_free(slots) {}
  Budget(const Budget&) = delete;
  Budget& operator=(const Budget&) = delete;

  // Takes a slot if one is free.
  bool try_acquire();
  // Gives back a slot taken with try_acquire.
  void release();
  std::size_t available() const;

private:
  mutable std::mutex m_mutex;
  std::size_t m_free;
};

// Runs body(i) for every i in [0, count) on up to `jobs` threads (0 means
// hardware_jobs()). Items are handed out one at a time, so uneven work
// balances. The first exception thrown by any item is rethrown once all
// threads have stopped; remaining items are then skipped.
//
// One budget for the whole command: a call made from inside a body (the
// parts of an upload inside the pool of uploads) runs on its caller's
// thread and adds threads only while the outermost call's `jobs` are not
// all busy, taking them as they free up. However deep the calls nest, at
// most the outermost `jobs` bodies run at once (J uploads of J parts each:
// J requests and J part buffers in flight, not J²).
void parallel_for(std::size_t count,
                  unsigned jobs,
                  const std::function<void(std::size_t)>& body);

} // namespace trove::core
