#include <doctest/doctest.h>

#include <trove/core/error.hpp>
#include <trove/core/parallel.hpp>

#include <atomic>
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

TEST_SUITE_END();
