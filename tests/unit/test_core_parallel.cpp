#include <doctest/doctest.h>

#include <trove/core/error.hpp>
#include <trove/core/parallel.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace trove::core;

TEST_SUITE_BEGIN("core::parallel_for");

TEST_CASE("every item runs exactly once")
{
  std::vector<std::atomic<int>> seen(1000);
  parallel_for(seen.size(), 4, [&](std::size_t i) { ++seen[i]; });
  for (auto& count : seen) {
    CHECK(count == 1);
  }
}

TEST_CASE("the first error is rethrown after all threads stop")
{
  std::atomic<int> ran{0};
  CHECK_THROWS_WITH_AS(parallel_for(100, 3,
                                    [&](std::size_t i) {
                                      ++ran;
                                      if (i == 10) {
                                        throw trove::Error("item 10 failed");
                                      }
                                    }),
                       "item 10 failed", trove::Error);
  CHECK(ran >= 11);
}

TEST_CASE("zero items, zero jobs")
{
  std::atomic<int> calls{0};
  parallel_for(0, 0, [&](std::size_t) { ++calls; });
  CHECK(calls == 0);
  parallel_for(3, 0, [&](std::size_t) { ++calls; });
  CHECK(calls == 3);
}

TEST_CASE("a budget hands out its slots and takes them back")
{
  Budget budget(2);
  CHECK(budget.try_acquire());
  CHECK(budget.try_acquire());
  CHECK_FALSE(budget.try_acquire());
  CHECK(budget.available() == 0);
  budget.release();
  CHECK(budget.available() == 1);
  CHECK(budget.try_acquire());
  CHECK_FALSE(budget.try_acquire());
  CHECK_FALSE(Budget(0).try_acquire());
}

namespace {

// Counts the bodies running at once and keeps the highest count. A body
// waits (up to 100 ms) for `expected` bodies to have run together, so that
// the count does not depend on how busy the machine is.
struct Concurrency
{
  explicit Concurrency(int expected) : expected(expected) {}
  int expected;
  std::atomic<int> now{0};
  std::atomic<int> peak{0};
  void
  run()
  {
    int n = ++now;
    int seen = peak;
    while (n > seen && !peak.compare_exchange_weak(seen, n)) {
    }
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
    while (peak < expected && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    --now;
  }
};

} // namespace

TEST_CASE("nested calls share the outermost call's jobs")
{
  // 4 uploads at once, each in 8 parts up to 4 at a time: without one
  // budget that is 16 parts in flight.
  Concurrency parts(16);
  std::vector<std::atomic<int>> seen(4 * 8);
  parallel_for(4, 4, [&](std::size_t upload) {
    parallel_for(8, 4, [&](std::size_t part) {
      parts.run();
      ++seen[upload * 8 + part];
    });
  });
  CHECK(parts.peak == 4);
  for (auto& count : seen) {
    CHECK(count == 1);
  }
}

TEST_CASE("an inner call takes the threads the outer one no longer uses")
{
  // One long upload among quick ones: once the quick ones are done, its
  // parts run on every job, not on its own thread alone.
  Concurrency parts(4);
  parallel_for(4, 4, [&](std::size_t upload) {
    if (upload == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      parallel_for(40, 4, [&](std::size_t) { parts.run(); });
    }
  });
  CHECK(parts.peak == 4);
}

TEST_CASE("an inner call's error reaches the outer caller")
{
  CHECK_THROWS_WITH_AS(parallel_for(3, 3,
                                    [&](std::size_t) {
                                      parallel_for(5, 3, [](std::size_t part) {
                                        if (part == 2) {
                                          throw trove::Error("part 2 failed");
                                        }
                                      });
                                    }),
                       "part 2 failed", trove::Error);
  // The budget of that call is gone with it: a new outermost call has all its jobs.
  Concurrency parts(3);
  parallel_for(30, 3, [&](std::size_t) { parts.run(); });
  CHECK(parts.peak == 3);
}

TEST_SUITE_END();
