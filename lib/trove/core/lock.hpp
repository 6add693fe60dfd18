#pragma once

#include <trove/core/fs.hpp>

#include <chrono>
#include <string>

namespace trove::core {

// The repository lock: an flock(2) on .trove/state/lock. Commands that write
// take it exclusively, readers take it shared, so readers never block readers.
// The kernel drops the lock when its holder dies (even by kill -9), so a lock
// left by a dead process is never in the way. The exclusive holder writes its
// pid and command line into the file so a waiter can name it.
class RepoLock
{
public:
  enum class Mode
  {
    shared,
    exclusive
  };

  RepoLock(fs::path path, Mode mode, std::string command);
  ~RepoLock();
  RepoLock(const RepoLock&) = delete;
  RepoLock& operator=(const RepoLock&) = delete;

  // Waits up to `timeout` for the lock. Throws trove::Error naming the holder
  // (pid and command) when it is not free by then.
  void acquire(std::chrono::milliseconds timeout);

private:
  fs::path m_path;
  Mode m_mode;
  std::string m_command;
  Fd m_fd;
};

} // namespace trove::core
