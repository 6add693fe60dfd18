#pragma once

#include <trove/core/fs.hpp>

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace trove::core {

namespace fs = std::filesystem;

// A `/bin/sh -c` command running in its own process group, so that a signal
// reaches everything it started. The group is led by a watcher that kills it
// when trove dies, even by `kill -9`: nothing of the command outlives trove
// (see process.cpp for why it is done so).
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

  // Throws trove::Error when the command cannot be started; nothing is
  // left running or open then.
  ShellProcess(const std::string& command, const Options& options);
  ShellProcess(const ShellProcess&) = delete;
  ShellProcess& operator=(const ShellProcess&) = delete;
  // Without finish(), kills the process group and reaps the shell: an
  // error is unwinding while the command runs.
  ~ShellProcess();

  // The shell: the process to wait for.
  pid_t
  pid() const
  {
    return m_pid;
  }
  // Sends `signal` to the process group.
  void signal(int signal);
  // Call once pid() has been reaped: ends the watcher (what the command left
  // running in the background stays, as with DVC) and waits for the output
  // to drain.
  void finish();

private:
  // Leads the process group; kills it when trove dies (see process.cpp).
  class Watcher
  {
  public:
    // Starts the watcher; throws trove::Error.
    Watcher();
    ~Watcher() { stop(); }
    Watcher(const Watcher&) = delete;
    Watcher& operator=(const Watcher&) = delete;

    pid_t
    pid() const
    {
      return m_pid;
    }
    // Returns once the watcher ignores the signals trove forwards.
    void wait_until_ready();
    // Kills and reaps the watcher alone; the rest of its group stays.
    void stop();

  private:
    pid_t m_pid = -1;
    bool m_ready = false;
    Fd m_lifeline; // the end only trove holds
  };

  void join_readers();

  Watcher m_watcher;
  pid_t m_pid = -1;
  bool m_finished = false;
  std::vector<std::thread> m_readers;
};

// While it lives, SIGCHLD, SIGINT and SIGTERM are blocked and received
// synchronously: next() sleeps until a child exits or the user interrupts,
// with no window in which a Ctrl-C could be missed. The previous SIGCHLD
// action and signal mask come back when it ends.
class ChildEvents
{
public:
  ChildEvents();
  ~ChildEvents();
  ChildEvents(const ChildEvents&) = delete;
  ChildEvents& operator=(const ChildEvents&) = delete;

  // One of `children` that has exited: its pid and exit status (128 + N
  // for a signal N), or nullopt when woken by an interrupt (see
  // interrupted()) or once `timeout` has passed. Other children of the
  // process are left alone (not reaped). `children` must not be empty.
  std::optional<std::pair<pid_t, int>>
  next(const std::vector<pid_t>& children,
       std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  // Whether SIGINT or SIGTERM arrived (also while not waiting).
  bool interrupted();

private:
  void take_pending_signals();

  sigset_t m_signals;
  sigset_t m_old_mask;
  struct sigaction m_old_action = {};
  bool m_interrupted = false;
};

// Writes text to a file descriptor whole, serialised with the prefixed
// output of running commands.
void write_output(int fd, const std::string& text);

} // namespace trove::core
