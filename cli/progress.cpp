#include "progress.hpp"

#include "output.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <vector>

namespace trove::cli {

std::string
thousands(std::uint64_t count)
{
  std::string digits = std::to_string(count);
  std::string text;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) {
      text += ',';
    }
    text += digits[i];
  }
  return text;
}

std::string
duration(double seconds)
{
  auto total = static_cast<std::uint64_t>(seconds + 0.5);
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof(text), "%llu:%02llu:%02llu",
                  static_cast<unsigned long long>(total / 3600),
                  static_cast<unsigned long long>(total / 60 % 60),
                  static_cast<unsigned long long>(total % 60));
  } else {
    std::snprintf(text, sizeof(text), "%llu:%02llu",
                  static_cast<unsigned long long>(total / 60),
                  static_cast<unsigned long long>(total % 60));
  }
  return text;
}

std::string
format_progress(const std::string& label,
                const std::string& unit,
                const core::Progress::Counts& counts,
                double seconds)
{
  std::string line = label + ": " + thousands(counts.done_items);
  if (counts.total_items > 0) {
    line += "/" + thousands(counts.total_items);
  }
  line += " " + unit;
  bool by_bytes = counts.total_bytes > 0 || counts.done_bytes > 0;
  if (by_bytes) {
    line += ", " + human_size(counts.done_bytes);
    if (counts.total_bytes > 0) {
      line += "/" + human_size(counts.total_bytes);
    }
  }
  if (seconds <= 0) {
    return line;
  }
  if (by_bytes) {
    line +=
        ", " + human_size(static_cast<std::uint64_t>(counts.done_bytes / seconds)) + "/s";
  } else {
    line += ", " + thousands(static_cast<std::uint64_t>(counts.done_items / seconds)) +
            " " + unit + "/s";
  }
  // The share done: of the items and of the bytes, the mean when both are
  // known (many small files go at a rate of files, a large one of bytes).
  std::vector<double> shares;
  if (counts.total_items > 0) {
    shares.push_back(static_cast<double>(counts.done_items) / counts.total_items);
  }
  if (counts.total_bytes > 0) {
    shares.push_back(static_cast<double>(counts.done_bytes) / counts.total_bytes);
  }
  double share = 0;
  for (double one : shares) {
    share += one / static_cast<double>(shares.size());
  }
  if (share > 0 && share < 1) {
    line += ", " + duration(seconds * (1 - share) / share) + " left";
  }
  return line;
}

ProgressLine::ProgressLine(std::ostream& out,
                           std::string label,
                           std::string unit,
                           Clock::time_point start)
    : m_out(out), m_label(std::move(label)), m_unit(std::move(unit)), m_start(start),
      m_last(start)
{
}

bool
ProgressLine::update(const core::Progress::Counts& counts, Clock::time_point now)
{
  if (now - m_last < k_interval) {
    return false;
  }
  m_last = now;
  double seconds = std::chrono::duration<double>(now - m_start).count();
  // \033[K erases what a longer line before left at the end.
  m_out << '\r' << format_progress(m_label, m_unit, counts, seconds) << "\033[K"
        << std::flush;
  m_shown = true;
  ++m_draws;
  return true;
}

void
ProgressLine::clear()
{
  if (m_shown) {
    m_out << "\r\033[K" << std::flush;
    m_shown = false;
  }
}

ProgressDisplay::ProgressDisplay(std::string label, std::string unit, bool quiet)
    : m_active(!quiet && isatty(STDERR_FILENO)),
      m_line(std::cerr, std::move(label), std::move(unit))
{
  if (m_active) {
    m_thread = std::thread([this] { run(); });
  }
}

ProgressDisplay::~ProgressDisplay() { finish(); }

void
ProgressDisplay::run()
{
  std::unique_lock lock(m_mutex);
  while (!m_stop) {
    m_wake.wait_for(lock, ProgressLine::k_interval);
    if (!m_stop) {
      m_line.update(m_progress.counts());
    }
  }
}

track::Warn
ProgressDisplay::warn(track::Warn inner)
{
  if (!m_active) {
    return inner;
  }
  return [this, inner = std::move(inner)](const std::string& message) {
    std::lock_guard lock(m_mutex);
    m_line.clear();
    inner(message);
  };
}

void
ProgressDisplay::finish()
{
  if (!m_thread.joinable()) {
    return;
  }
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  m_thread.join();
  m_line.clear();
}

} // namespace trove::cli
