#pragma once

// The progress line of long commands (add, commit, checkout, push, fetch,
// pull, gc, fsck) on a terminal: "Pushing: 1,234/10,000 objects,
// 512.0 MiB/4.0 GiB, 85.0 MiB/s, 0:42 left" on stderr, redrawn at most every
// 100 ms and erased at the end. Nothing on a pipe and nothing with -q.

#include <trove/core/progress.hpp>
#include <trove/track/repository.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

namespace trove::cli {

// "1,234"
std::string thousands(std::uint64_t count);

// "0:42", "12:05", "1:02:03"
std::string duration(double seconds);

// The line without the control characters: what is done of what, the rate
// (bytes per second, or items when no bytes are counted) and the time left
// (from the share done of the items and of the bytes), `seconds` after the
// start.
std::string format_progress(const std::string& label,
                            const std::string& unit,
                            const core::Progress::Counts& counts,
                            double seconds);

// Draws the line on `out`, at most once every k_interval.
class ProgressLine
{
public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds k_interval{100};

  ProgressLine(std::ostream& out,
               std::string label,
               std::string unit,
               Clock::time_point start = Clock::now());

  // Redraws the line with `counts` unless it was drawn (or started) less
  // than k_interval before `now`; returns whether it drew.
  bool update(const core::Progress::Counts& counts, Clock::time_point now = Clock::now());
  // Erases the line when one is drawn, leaving the cursor at its start.
  void clear();
  std::size_t
  draws() const
  {
    return m_draws;
  }

private:
  std::ostream& m_out;
  std::string m_label;
  std::string m_unit;
  Clock::time_point m_start;
  Clock::time_point m_last;
  bool m_shown = false;
  std::size_t m_draws = 0;
};

// A command's progress: a core::Progress for the library to advance and,
// when stderr is a terminal and not `quiet`, a thread that draws it every
// 100 ms until finish() (or the destructor) erases the line.
class ProgressDisplay
{
public:
  ProgressDisplay(std::string label, std::string unit, bool quiet);
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  // What to pass to the library; nullptr when nothing is shown.
  core::Progress*
  progress()
  {
    return m_active ? &m_progress : nullptr;
  }
  // `warn`, erasing the line first so that the two do not mix.
  track::Warn warn(track::Warn inner);
  // Stops drawing and erases the line.
  void finish();

private:
  void run();

  bool m_active = false;
  core::Progress m_progress;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  ProgressLine m_line;
  std::thread m_thread;
};

} // namespace trove::cli
