#include <doctest/doctest.h>

#include <progress.hpp>

#include <trove/core/parallel.hpp>
#include <trove/core/progress.hpp>

#include <sstream>

using namespace trove;
using namespace trove::cli;
using namespace std::chrono_literals;

TEST_SUITE_BEGIN("cli::progress");

TEST_CASE("counts get thousands separators, durations minutes and hours")
{
  CHECK(thousands(0) == "0");
  CHECK(thousands(999) == "999");
  CHECK(thousands(1234) == "1,234");
  CHECK(thousands(10000) == "10,000");
  CHECK(thousands(1234567) == "1,234,567");
  CHECK(duration(0) == "0:00");
  CHECK(duration(42) == "0:42");
  CHECK(duration(725) == "12:05");
  CHECK(duration(3723) == "1:02:03");
}

TEST_CASE("the line says done of total, bytes, rate and time left")
{
  const std::uint64_t mib = 1024 * 1024;
  core::Progress::Counts counts{1234, 10000, 512 * mib, 4096 * mib};
  // 512 MiB in 8 s: 64 MiB/s, 3584 MiB left: 56 s.
  CHECK(format_progress("Pushing", "objects", counts, 8.0) ==
        "Pushing: 1,234/10,000 objects, 512.0 MiB/4.0 GiB, 64.0 MiB/s, 0:56 left");
}

TEST_CASE("without bytes the rate and time left are in items")
{
  core::Progress::Counts counts{300, 1000, 0, 0};
  CHECK(format_progress("Verifying", "objects", counts, 2.0) ==
        "Verifying: 300/1,000 objects, 150 objects/s, 0:05 left");
}

TEST_CASE("the time left weighs the share of items and of bytes done")
{
  // One large object sent, most small ones not: not "0:00 left".
  core::Progress::Counts counts{100, 1000, 99, 100};
  // Shares 0.1 and 0.99, mean 0.545: 10 s * 0.455 / 0.545 = 8.3 s.
  CHECK(format_progress("Pushing", "objects", counts, 10.0) ==
        "Pushing: 100/1,000 objects, 99 B/100 B, 9 B/s, 0:08 left");
}

TEST_CASE("no time left once done, no rate before any time passed")
{
  core::Progress::Counts done{10, 10, 2048, 2048};
  CHECK(format_progress("Adding", "files", done, 1.0) ==
        "Adding: 10/10 files, 2.0 KiB/2.0 KiB, 2.0 KiB/s");
  CHECK(format_progress("Adding", "files", {0, 10, 0, 2048}, 0.0) ==
        "Adding: 0/10 files, 0 B/2.0 KiB");
}

TEST_CASE("the line is redrawn at most every 100 ms and erased at the end")
{
  std::ostringstream out;
  auto start = ProgressLine::Clock::now();
  ProgressLine line(out, "Pushing", "objects", start);
  CHECK_FALSE(line.update({1, 10, 0, 0}, start + 50ms));
  CHECK(out.str().empty());
  CHECK(line.update({2, 10, 0, 0}, start + 100ms));
  CHECK_FALSE(line.update({3, 10, 0, 0}, start + 199ms));
  CHECK(line.update({4, 10, 0, 0}, start + 200ms));
  CHECK(line.draws() == 2);
  line.clear();
  std::string text = out.str();
  CHECK(text.find("\rPushing: 2/10 objects") != std::string::npos);
  CHECK(text.find("Pushing: 3/10") == std::string::npos);
  CHECK(text.find("\rPushing: 4/10 objects") != std::string::npos);
  CHECK(text.size() >= 4);
  CHECK(text.substr(text.size() - 4) == "\r\033[K");
}

TEST_CASE("a tight loop of updates draws only a handful of times")
{
  std::ostringstream out;
  auto start = ProgressLine::Clock::now();
  ProgressLine line(out, "Adding", "files", start);
  for (std::uint64_t i = 0; i < 100000; ++i) {
    line.update({i, 100000, i * 100, 100000 * 100});
  }
  double seconds =
      std::chrono::duration<double>(ProgressLine::Clock::now() - start).count();
  // One drawing per 100 ms that passed, at most.
  CHECK(line.draws() <= static_cast<std::size_t>(seconds * 10) + 1);
  CHECK(line.draws() <= 5);
}

TEST_CASE("an erased line that was never drawn writes nothing")
{
  std::ostringstream out;
  ProgressLine line(out, "Adding", "files");
  line.clear();
  CHECK(out.str().empty());
}

TEST_CASE("workers advance the counters from many threads")
{
  core::Progress progress;
  progress.add_total(10000, 10000 * 3);
  core::parallel_for(10000, 8, [&](std::size_t) { progress.advance(1, 3); });
  auto counts = progress.counts();
  CHECK(counts.done_items == 10000);
  CHECK(counts.total_items == 10000);
  CHECK(counts.done_bytes == 30000);
  CHECK(counts.total_bytes == 30000);
}

TEST_SUITE_END();
