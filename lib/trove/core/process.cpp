#include <trove/core/process.hpp>

#include <trove/core/error.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <mutex>
#include <system_error>
#include <utility>

extern char** environ;

namespace trove::core {

// Why each command's process group is led by a watcher. The group lets
// trove signal everything a command started (Ctrl-C is forwarded to it),
// but it also means nothing reaches the command when trove itself dies: a
// `kill -9` of `trove repro` used to leave the stage running, without the
// repository lock, to race with the next trove. Considered:
// - PR_SET_PDEATHSIG in the shell: reaches only the shell, not the
//   processes it started; it fires when the *thread* that spawned the shell
//   ends, not the process; and it needs fork+exec instead of posix_spawn.
// - Passing the repository lock to the command: a command that leaves a
//   daemon behind would hold the lock forever. (DVC does neither: it even
//   lets go of its lock while the command runs, and the command of a killed
//   dvc keeps running.)
// - A watcher forked without exec: a copy of all of trove's memory and file
//   descriptors per command.
// So the group is led by a small `/bin/sh` (k_watcher_script) blocked on
// reading one end of a socket pair whose other end only trove holds (close
// on exec: no command inherits it). However trove ends, the kernel closes
// that end, the read returns, and the watcher SIGKILLs its group. It ignores
// the signals trove forwards to the group (trove forwards none before the
// watcher says it is ready), and it is started before the command, so no
// moment is left in which the command runs unwatched: if trove dies before
// the watcher reads, the read finds the socket closed. It costs a spawn of
// /bin/sh per command. When the command ends normally trove kills only the
// watcher. A process that leaves the group on purpose (setsid) is out of
// reach, as it is for Ctrl-C. The shell is no longer the group's leader:
// `kill 0` in a command still reaches its whole group, `kill -- -$$` does
// not.
namespace {

// PIPE: the echo fails rather than kills when trove is gone already.
constexpr char k_watcher_script[] =
    "trap '' INT TERM HUP QUIT PIPE; echo; read _; kill -9 0";

std::mutex g_output_mutex;

std::string
errno_text()
{
  return std::strerror(errno);
}

// Copies a child's output line by line with a prefix, until every writer
// has closed the pipe.
void
relay_lines(Fd from, int to, std::string prefix)
{
  std::string pending;
  char buffer[8192];
  while (true) {
    ssize_t n = ::read(from.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    pending.append(buffer, std::size_t(n));
    std::size_t end;
    std::string lines;
    while ((end = pending.find('\n')) != std::string::npos) {
      lines += prefix + pending.substr(0, end + 1);
      pending.erase(0, end + 1);
    }
    if (!lines.empty()) {
      write_output(to, lines);
    }
  }
  if (!pending.empty()) {
    write_output(to, prefix + pending + "\n");
  }
}

// posix_spawn's file actions and attributes, destroyed on every path.
struct SpawnSetup
{
  SpawnSetup()
  {
    check(posix_spawn_file_actions_init(&actions));
    if (int error = posix_spawnattr_init(&attributes); error != 0) {
      posix_spawn_file_actions_destroy(&actions);
      check(error);
    }
  }
  ~SpawnSetup()
  {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  // The child joins process group `group` (0: a new one it leads), with
  // default actions for the signals trove handles and nothing blocked
  // (trove blocks some while it waits for children).
  void
  set_group(pid_t group)
  {
    check(posix_spawnattr_setpgroup(&attributes, group));
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGCHLD);
    check(posix_spawnattr_setsigdefault(&attributes, &defaults));
    sigset_t none;
    sigemptyset(&none);
    check(posix_spawnattr_setsigmask(&attributes, &none));
    check(posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP |
                                                    POSIX_SPAWN_SETSIGDEF |
                                                    POSIX_SPAWN_SETSIGMASK));
  }

  // A file action not recorded (ENOMEM) would start the command with the
  // wrong descriptors, directory or group.
  static void
  check(int error)
  {
    if (error != 0) {
      throw Error("cannot prepare to run a command: " +
                  std::string(std::strerror(error)));
    }
  }

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
};

// Starts `/bin/sh -c script`; throws trove::Error.
pid_t
spawn_shell(const SpawnSetup& setup, const std::string& script, char* const* envp)
{
  std::string shell = "/bin/sh";
  std::string dash_c = "-c";
  std::string text = script;
  char* argv[] = {shell.data(), dash_c.data(), text.data(), nullptr};
  pid_t pid = -1;
  int error =
      posix_spawn(&pid, shell.c_str(), &setup.actions, &setup.attributes, argv, envp);
  if (error != 0) {
    throw Error("cannot run /bin/sh: " + std::string(std::strerror(error)));
  }
  return pid;
}

// Waits for a child of ours; -1 when it was reaped already.
int
reap(pid_t pid)
{
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return -1;
    }
  }
  return status;
}

std::pair<Fd, Fd>
make_pipe()
{
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) != 0) {
    throw Error("cannot create a pipe: " + errno_text());
  }
  return {Fd(ends[0]), Fd(ends[1])};
}

// Our environment with `added` set (replacing variables of the same name).
std::vector<std::string>
environment_with(const std::vector<std::pair<std::string, std::string>>& added)
{
  std::vector<std::string> environment;
  for (char** entry = environ; *entry; ++entry) {
    environment.emplace_back(*entry);
  }
  for (const auto& [name, value] : added) {
    std::erase_if(environment,
                  [&](const std::string& e) { return e.starts_with(name + "="); });
    environment.push_back(name + "=" + value);
  }
  return environment;
}

} // namespace

void
write_output(int fd, const std::string& text)
{
  std::lock_guard lock(g_output_mutex);
  try {
    write_all(fd, text, "the output");
  } catch (const Error&) {
    // A closed pipe: nothing sensible to do with the output.
  }
}

ShellProcess::Watcher::Watcher()
{
  int ends[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
    throw Error("cannot create a socket pair to watch a command: " + errno_text());
  }
  m_lifeline = Fd(ends[0]);
  Fd theirs(ends[1]);
  SpawnSetup setup;
  SpawnSetup::check(posix_spawn_file_actions_adddup2(&setup.actions, theirs.get(), 0));
  SpawnSetup::check(posix_spawn_file_actions_adddup2(&setup.actions, theirs.get(), 1));
  setup.set_group(0);
  m_pid = spawn_shell(setup, k_watcher_script, environ);
}

void
ShellProcess::Watcher::wait_until_ready()
{
  if (m_ready || !m_lifeline) {
    return;
  }
  char ready = 0;
  while (::read(m_lifeline.get(), &ready, 1) < 0 && errno == EINTR) {
  }
  m_ready = true; // or the watcher is gone: nothing to wait for either way
}

void
ShellProcess::Watcher::stop()
{
  if (m_pid > 0) {
    // Before the lifeline closes: that would make it kill the group.
    ::kill(m_pid, SIGKILL);
    std::ignore = reap(m_pid);
    m_pid = -1;
  }
  m_lifeline.close();
}

ShellProcess::ShellProcess(const std::string& command, const Options& options)
{
  auto environment = environment_with(options.environment);
  std::vector<char*> envp;
  for (auto& entry : environment) {
    envp.push_back(entry.data());
  }
  envp.push_back(nullptr);

  SpawnSetup setup;
  SpawnSetup::check(
      posix_spawn_file_actions_addchdir_np(&setup.actions, options.directory.c_str()));
  setup.set_group(m_watcher.pid());
  Fd out_write;
  Fd err_write;
  if (!options.line_prefix.empty()) {
    auto [out_read, out_w] = make_pipe();
    auto [err_read, err_w] = make_pipe();
    out_write = std::move(out_w);
    err_write = std::move(err_w);
    SpawnSetup::check(
        posix_spawn_file_actions_adddup2(&setup.actions, out_write.get(), 1));
    SpawnSetup::check(
        posix_spawn_file_actions_adddup2(&setup.actions, err_write.get(), 2));
    try {
      int out = options.stdout_to_stderr ? 2 : 1;
      m_readers.emplace_back(relay_lines, std::move(out_read), out, options.line_prefix);
      m_readers.emplace_back(relay_lines, std::move(err_read), 2, options.line_prefix);
    } catch (const std::system_error& e) {
      out_write.close(); // the readers that started see the end of their pipe
      err_write.close();
      join_readers();
      throw Error(std::string("cannot start a thread for a command's output: ") +
                  e.what());
    }
  } else if (options.stdout_to_stderr) {
    SpawnSetup::check(posix_spawn_file_actions_adddup2(&setup.actions, 2, 1));
  }
  try {
    m_pid = spawn_shell(setup, command, envp.data());
  } catch (const Error&) {
    out_write.close();
    err_write.close();
    join_readers();
    throw;
  }
}

ShellProcess::~ShellProcess()
{
  if (!m_finished) {
    signal(SIGKILL);
    std::ignore = reap(m_pid);
  }
  finish();
}

void
ShellProcess::signal(int signal)
{
  m_watcher.wait_until_ready();
  if (m_watcher.pid() > 0) {
    ::kill(-m_watcher.pid(), signal);
  }
}

void
ShellProcess::finish()
{
  m_finished = true;
  m_watcher.stop();
  join_readers();
}

void
ShellProcess::join_readers()
{
  for (auto& reader : m_readers) {
    reader.join();
  }
  m_readers.clear();
}

namespace {

int
exit_code(int status)
{
  return WIFEXITED(status)     ? WEXITSTATUS(status)
         : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                               : 1;
}

void
ignore_signal(int)
{
}

constexpr auto k_no_deadline = std::chrono::steady_clock::time_point::max();

// One of `signals` (blocked), or 0 once `deadline` has passed.
int
wait_for_signal(const sigset_t& signals, std::chrono::steady_clock::time_point deadline)
{
  if (deadline == k_no_deadline) {
    return sigwaitinfo(&signals, nullptr);
  }
  auto left = std::max(deadline - std::chrono::steady_clock::now(),
                       std::chrono::steady_clock::duration(0));
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
  timespec wait{ns / 1'000'000'000, ns % 1'000'000'000};
  int number = sigtimedwait(&signals, nullptr, &wait);
  return number < 0 && errno == EAGAIN ? 0 : number;
}

} // namespace

ChildEvents::ChildEvents()
{
  sigemptyset(&m_signals);
  sigaddset(&m_signals, SIGCHLD);
  sigaddset(&m_signals, SIGINT);
  sigaddset(&m_signals, SIGTERM);
  // A handler makes sure a blocked SIGCHLD stays pending, never discarded.
  struct sigaction action = {};
  action.sa_handler = ignore_signal;
  sigemptyset(&action.sa_mask);
  // These fail only for an invalid signal number or `how`: not ours.
  std::ignore = sigaction(SIGCHLD, &action, &m_old_action);
  std::ignore = pthread_sigmask(SIG_BLOCK, &m_signals, &m_old_mask);
}

ChildEvents::~ChildEvents()
{
  take_pending_signals();
  // The action first: a SIGCHLD arriving from here on is for the previous
  // owner's handler, once the mask is back.
  std::ignore = sigaction(SIGCHLD, &m_old_action, nullptr);
  std::ignore = pthread_sigmask(SIG_SETMASK, &m_old_mask, nullptr);
}

void
ChildEvents::take_pending_signals()
{
  timespec now{0, 0};
  int number;
  while ((number = sigtimedwait(&m_signals, nullptr, &now)) > 0) {
    m_interrupted = m_interrupted || number != SIGCHLD;
  }
}

bool
ChildEvents::interrupted()
{
  take_pending_signals();
  return m_interrupted;
}

std::optional<std::pair<pid_t, int>>
ChildEvents::next(const std::vector<pid_t>& children,
                  std::optional<std::chrono::milliseconds> timeout)
{
  if (children.empty()) {
    throw Error("no command to wait for");
  }
  auto deadline = timeout ? std::chrono::steady_clock::now() + *timeout : k_no_deadline;
  while (true) {
    for (pid_t child : children) {
      int status = 0;
      pid_t pid = waitpid(child, &status, WNOHANG);
      if (pid == child) {
        return std::pair{pid, exit_code(status)};
      }
      if (pid < 0 && errno != EINTR) {
        throw Error("cannot wait for command " + std::to_string(child) + ": " +
                    errno_text());
      }
    }
    int number = wait_for_signal(m_signals, deadline);
    if (number == 0) {
      return std::nullopt;
    }
    if (number > 0 && number != SIGCHLD) {
      m_interrupted = true;
      return std::nullopt;
    }
  }
}

} // namespace trove::core
