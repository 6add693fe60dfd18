#include <trove/core/parallel.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace trove::core {

unsigned
hardware_jobs()
{
  return std::max(1u, std::thread::hardware_concurrency());
}

void
parallel_for(std::size_t count,
             unsigned jobs,
             const std::function<void(std::size_t)>& body)
{
  if (jobs == 0) {
    jobs = hardware_jobs();
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;

  auto work = [&] {
    while (!failed) {
      std::size_t i = next++;
      if (i >= count) {
        return;
      }
      try {
        body(i);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!first_error) {
          first_error = std::current_exception();
        }
        failed = true;
      }
    }
  };

  std::size_t threads = std::min<std::size_t>(jobs, count);
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) {
      pool.emplace_back(work);
    }
    work();
    for (auto& thread : pool) {
      thread.join();
    }
  }
  if (first_error) {
    std::rethrow_exception(first_error);
  }
}

} // namespace trove::core
