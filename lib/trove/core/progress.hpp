#pragma once

#include <atomic>
#include <cstdint>

namespace trove::core {

// How far a long operation (add, checkout, push, fetch, gc, fsck) has come,
// for the caller to show (cli/progress.hpp draws it on a terminal). The
// library never prints: operations only add to these counters, from any
// thread; a total may grow as the operation finds more to do.
class Progress
{
public:
  struct Counts
  {
    std::uint64_t done_items = 0;
    std::uint64_t total_items = 0;
    std::uint64_t done_bytes = 0;
    std::uint64_t total_bytes = 0;
  };

  // More work found: `items` objects or files of `bytes` bytes in all.
  void
  add_total(std::uint64_t items, std::uint64_t bytes)
  {
    m_total_items.fetch_add(items, std::memory_order_relaxed);
    m_total_bytes.fetch_add(bytes, std::memory_order_relaxed);
  }

  // Work done (or given up on: a failed object counts as done).
  void
  advance(std::uint64_t items, std::uint64_t bytes)
  {
    m_done_bytes.fetch_add(bytes, std::memory_order_relaxed);
    m_done_items.fetch_add(items, std::memory_order_relaxed);
  }

  Counts
  counts() const
  {
    return {m_done_items.load(std::memory_order_relaxed),
            m_total_items.load(std::memory_order_relaxed),
            m_done_bytes.load(std::memory_order_relaxed),
            m_total_bytes.load(std::memory_order_relaxed)};
  }

private:
  std::atomic<std::uint64_t> m_done_items{0};
  std::atomic<std::uint64_t> m_total_items{0};
  std::atomic<std::uint64_t> m_done_bytes{0};
  std::atomic<std::uint64_t> m_total_bytes{0};
};

// Adds to `progress` when there is one.
inline void
add_total(Progress* progress, std::uint64_t items, std::uint64_t bytes)
{
  if (progress) {
    progress->add_total(items, bytes);
  }
}
inline void
advance(Progress* progress, std::uint64_t items, std::uint64_t bytes)
{
  if (progress) {
    progress->advance(items, bytes);
  }
}

} // namespace trove::core
