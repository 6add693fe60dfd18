#include <trove/core/lock.hpp>

#include <trove/core/error.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

namespace trove::core {

RepoLock::RepoLock(fs::path path, Mode mode, std::string command)
    : m_path(std::move(path)), m_mode(mode), m_command(std::move(command))
{
}

RepoLock::~RepoLock()
{
  if (m_fd && m_mode == Mode::exclusive) {
    std::ignore = ftruncate(m_fd.get(), 0); // the holder line is advisory
  }
}

void
RepoLock::acquire(std::chrono::milliseconds timeout)
{
  m_fd = Fd(open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!m_fd) {
    throw Error(errno_message(m_path, "cannot open lock file"));
  }
  int operation = (m_mode == Mode::exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(5);
  while (flock(m_fd.get(), operation) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      throw Error(errno_message(m_path, "cannot lock"));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string holder = read_file(m_path);
      while (!holder.empty() && holder.back() == '\n') {
        holder.pop_back();
      }
      throw Error("repository is locked by another trove process (" +
                  (holder.empty() ? std::string("holder unknown") : holder) +
                  "); gave up after " +
                  std::to_string(timeout.count() / 1000.0).substr(0, 4) +
                  " s (core.lock_timeout); lock file: " + m_path.string());
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
  if (m_mode == Mode::exclusive) {
    std::string holder = "pid " + std::to_string(getpid()) + ": " + m_command + "\n";
    std::ignore = ftruncate(m_fd.get(), 0); // holder info is advisory
    std::ignore = pwrite(m_fd.get(), holder.data(), holder.size(), 0);
  }
}

} // namespace trove::core
