#pragma once

#include <signal.h>
#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace trove::core {

namespace fs = std::filesystem;

// A `/bin/sh -c` command running in its own process group, so that a signal
// reaches everything it started.
class ShellProcess
{
public:
  struct Options
  {
    fs::path directory;
    std::vector<std::pair<std::string, std::string>> environment; // added
    // Non-empty: each line of output is written with this prefix (several
    // commands at once); empty: the child writes to our stdout and stderr.
    std::string line_prefix;
    bool stdout_to_stderr = false; // keeps our stdout for JSON
  };

  ShellProcess(const std::string& command, const Options& options);
  ShellProcess(const ShellProcess&) = delete;
  ShellProcess& operator=(const ShellProcess&) = delete;
  ~ShellProcess();

  pid_t
  pid() const
  {
    return m_pid;
  }
  // Sends `signal` to the process group.
  void signal(int signal) const;
  // Call once the process has exited: waits for its output to drain.
  void finish_output();

private:
  pid_t m_pid = -1;
  std::vector<std::thread> m_readers;
};

// While it lives, SIGCHLD, SIGINT and SIGTERM are blocked and received
// synchronously: next() sleeps until a child exits or the user interrupts,
// with no window in which a Ctrl-C could be missed.
class ChildEvents
{
public:
  ChildEvents();
  ~ChildEvents();
  ChildEvents(const ChildEvents&) = delete;
  ChildEvents& operator=(const ChildEvents&) = delete;

  // A child that has exited: its pid and exit status (128 + N for a signal
  // N), or nullopt when woken by an interrupt (see interrupted()). There
  // must be a child to wait for.
  std::optional<std::pair<pid_t, int>> next();
  // Whether SIGINT or SIGTERM arrived (also while not waiting).
  bool interrupted();

private:
  void take_pending_signals();

  sigset_t m_signals;
  sigset_t m_old_mask;
  bool m_interrupted = false;
};

// Writes text to a file descriptor whole, serialised with the prefixed
// output of running commands.
void write_output(int fd, const std::string& text);

} // namespace trove::core
