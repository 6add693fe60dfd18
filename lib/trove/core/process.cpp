#include <trove/core/process.hpp>

#include <trove/core/error.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>

extern char** environ;

namespace trove::core {

namespace {

std::mutex g_output_mutex;

void
write_all(int fd, const char* data, std::size_t size)
{
  while (size > 0) {
    ssize_t written = ::write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return; // a closed pipe: nothing sensible to do with the output
    }
    data += written;
    size -= std::size_t(written);
  }
}

// Copies a child's output line by line with a prefix.
void
relay_lines(int from, int to, std::string prefix)
{
  std::string pending;
  char buffer[8192];
  while (true) {
    ssize_t n = ::read(from, buffer, sizeof buffer);
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
  ::close(from);
}

} // namespace

void
write_output(int fd, const std::string& text)
{
  std::lock_guard lock(g_output_mutex);
  write_all(fd, text.data(), text.size());
}

ShellProcess::ShellProcess(const std::string& command, const Options& options)
{
  std::vector<std::string> environment;
  for (char** entry = environ; *entry; ++entry) {
    environment.emplace_back(*entry);
  }
  for (const auto& [name, value] : options.environment) {
    std::erase_if(environment,
                  [&](const std::string& e) { return e.starts_with(name + "="); });
    environment.push_back(name + "=" + value);
  }
  std::vector<char*> envp;
  for (auto& entry : environment) {
    envp.push_back(entry.data());
  }
  envp.push_back(nullptr);
  std::string shell = "/bin/sh";
  std::string dash_c = "-c";
  std::string script = command;
  char* argv[] = {shell.data(), dash_c.data(), script.data(), nullptr};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addchdir_np(&actions, options.directory.c_str());
  int pipes[2][2] = {{-1, -1}, {-1, -1}};
  bool relay = !options.line_prefix.empty();
  if (relay) {
    for (auto& p : pipes) {
      if (pipe2(p, O_CLOEXEC) != 0) {
        throw Error(std::string("cannot create a pipe: ") + std::strerror(errno));
      }
    }
    posix_spawn_file_actions_adddup2(&actions, pipes[0][1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 2);
  } else if (options.stdout_to_stderr) {
    posix_spawn_file_actions_adddup2(&actions, 2, 1);
  }
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none); // ours may block some
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                            POSIX_SPAWN_SETSIGMASK);
  int error =
      posix_spawn(&m_pid, shell.c_str(), &actions, &attributes, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (relay) {
    ::close(pipes[0][1]);
    ::close(pipes[1][1]);
  }
  if (error != 0) {
    if (relay) {
      ::close(pipes[0][0]);
      ::close(pipes[1][0]);
    }
    throw Error("cannot run /bin/sh: " + std::string(std::strerror(error)));
  }
  if (relay) {
    int out = options.stdout_to_stderr ? 2 : 1;
    m_readers.emplace_back(relay_lines, pipes[0][0], out, options.line_prefix);
    m_readers.emplace_back(relay_lines, pipes[1][0], 2, options.line_prefix);
  }
}

ShellProcess::~ShellProcess() { finish_output(); }

void
ShellProcess::signal(int signal) const
{
  if (m_pid > 0) {
    ::kill(-m_pid, signal);
  }
}

void
ShellProcess::finish_output()
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
  sigaction(SIGCHLD, &action, nullptr);
  pthread_sigmask(SIG_BLOCK, &m_signals, &m_old_mask);
}

ChildEvents::~ChildEvents()
{
  take_pending_signals();
  pthread_sigmask(SIG_SETMASK, &m_old_mask, nullptr);
  signal(SIGCHLD, SIG_DFL);
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
ChildEvents::next()
{
  while (true) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      return std::pair{pid, exit_code(status)};
    }
    if (pid < 0 && errno != EINTR) {
      throw Error(std::string("cannot wait for a command: ") + std::strerror(errno));
    }
    int number = sigwaitinfo(&m_signals, nullptr);
    if (number > 0 && number != SIGCHLD) {
      m_interrupted = true;
      return std::nullopt;
    }
  }
}

} // namespace trove::core
