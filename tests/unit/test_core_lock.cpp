#include "scratch.hpp"

#include <trove/core/error.hpp>
#include <trove/core/lock.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

using namespace trove::core;
using namespace std::chrono_literals;

TEST_SUITE_BEGIN("core::RepoLock");

namespace {

// Another process holding the lock, as another trove command would.
class OtherProcess
{
public:
  OtherProcess(const std::filesystem::path& path, RepoLock::Mode mode)
  {
    int ready[2];
    int stop[2];
    REQUIRE(pipe(ready) == 0);
    REQUIRE(pipe(stop) == 0);
    m_pid = fork();
    if (m_pid == 0) {
      close(stop[1]); // or the read below never sees end of file
      RepoLock lock(path, mode, "trove add big-data");
      lock.acquire(1000ms);
      char c = 1;
      std::ignore = write(ready[1], &c, 1);
      std::ignore = read(stop[0], &c, 1); // until the parent closes its end
      _exit(0);
    }
    close(stop[0]);
    close(ready[1]);
    m_stop = stop[1];
    char c;
    REQUIRE(read(ready[0], &c, 1) == 1);
    close(ready[0]);
  }
  ~OtherProcess() { finish(); }

  pid_t
  pid() const
  {
    return m_pid;
  }
  // Lets it release the lock and exit.
  void
  finish()
  {
    if (m_stop >= 0) {
      close(m_stop);
      m_stop = -1;
      waitpid(m_pid, nullptr, 0);
    }
  }
  void
  kill_hard()
  {
    kill(m_pid, SIGKILL);
    finish();
  }

private:
  pid_t m_pid = -1;
  int m_stop = -1;
};

} // namespace

TEST_CASE("a second writer times out naming the holder, then gets the lock")
{
  ScratchDir dir;
  OtherProcess holder(dir / "lock", RepoLock::Mode::exclusive);
  RepoLock writer(dir / "lock", RepoLock::Mode::exclusive, "trove checkout");
  std::string named = "pid " + std::to_string(holder.pid()) + ": trove add big-data";
  auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH_AS(writer.acquire(300ms), doctest::Contains(named.c_str()),
                       trove::Error);
  CHECK(std::chrono::steady_clock::now() - start >= 300ms);
  holder.finish();
  CHECK_NOTHROW(writer.acquire(300ms));
}

TEST_CASE("readers do not block readers, a writer waits for them")
{
  ScratchDir dir;
  OtherProcess reading(dir / "lock", RepoLock::Mode::shared);
  RepoLock reader(dir / "lock", RepoLock::Mode::shared, "trove status");
  CHECK_NOTHROW(reader.acquire(100ms));
  RepoLock writer(dir / "lock", RepoLock::Mode::exclusive, "trove add");
  CHECK_THROWS_AS(writer.acquire(100ms), trove::Error);
}

TEST_CASE("a lock whose holder was killed is free")
{
  ScratchDir dir;
  OtherProcess holder(dir / "lock", RepoLock::Mode::exclusive);
  holder.kill_hard();
  RepoLock writer(dir / "lock", RepoLock::Mode::exclusive, "trove add");
  CHECK_NOTHROW(writer.acquire(100ms));
}

TEST_SUITE_END();
