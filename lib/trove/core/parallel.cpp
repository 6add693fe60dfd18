#include <trove/core/parallel.hpp>

#include <algorithm>
#include <atomic>
#include <exception>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

namespace trove::core {

unsigned
hardware_jobs()
{
  return std::max(1u, std::thread::hardware_concurrency());
}

bool
Budget::try_acquire()
{
  std::lock_guard lock(m_mutex);
  if (m_free == 0) {
    return false;
  }
  --m_free;
  return true;
}

void
Budget::release()
{
  std::lock_guard lock(m_mutex);
  ++m_free;
}

std::size_t
Budget::available() const
{
  std::lock_guard lock(m_mutex);
  return m_free;
}

namespace {

// The budget of the outermost parallel_for running on this thread, if any:
// the threads it may still add besides those already running its bodies.
thread_local Budget* t_budget = nullptr;

} // namespace

void
parallel_for(std::size_t count,
             unsigned jobs,
             const std::function<void(std::size_t)>& body)
{
  if (jobs == 0) {
    jobs = hardware_jobs();
  }
  std::size_t wanted = std::min<std::size_t>(jobs, count);
  if (wanted == 0) {
    return;
  }
  // The outermost call owns the budget: its caller's thread plus jobs - 1.
  Budget* enclosing = t_budget;
  std::optional<Budget> own;
  if (!enclosing) {
    own.emplace(jobs - 1);
  }
  Budget* budget = enclosing ? enclosing : &*own;

  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;

  auto work = [&](const std::function<void()>& before_each) {
    while (!failed) {
      before_each();
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
  auto helper = [&] {
    t_budget = budget;
    work([] {});
    budget->release();
  };

  // Only the caller's thread adds helpers: before each item it takes the
  // slots that are free (all of them at once for the outermost call).
  std::vector<std::thread> pool;
  bool recruiting = wanted > 1;
  auto recruit = [&] {
    while (recruiting && pool.size() + 1 < wanted && next < count &&
           budget->try_acquire()) {
      try {
        pool.emplace_back(helper);
      } catch (const std::system_error&) {
        budget->release(); // no more threads: go on with those there are
        recruiting = false;
      }
    }
  };
  t_budget = budget;
  work(recruit);
  if (!enclosing) {
    // This thread only waits from now on: its job is free for the calls
    // nested in the helpers' items.
    budget->release();
  }
  for (auto& thread : pool) {
    thread.join();
  }
  t_budget = enclosing;
  if (first_error) {
    std::rethrow_exception(first_error);
  }
}

} // namespace trove::core
