#include "scratch.hpp"

#include <trove/core/error.hpp>
#include <trove/core/lock.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

using namespace trove::core;
using namespace std::chrono_literals;

TEST_SUITE_BEGIN("core::RepoLock");

namespace {

// Holds the lock in a child process until the parent closes its end of the
// `stop` pipe. Returns the child's pid.
pid_t
hold_in_child(const std::filesystem::path& path, RepoLock::Mode mode, int ready_fd, int stop[2])
{
  pid_t pid = fork();
  if (pid == 0) {
    close(stop[1]); // or the read below never sees end of file
    int stop_fd = stop[0];
    RepoLock lock(path, mode, "trove add big-data");
    lock.acquire(1000ms);
    char c = 1;
    std::ignore = write(ready_fd, &c, 1);
    std::ignore = read(stop_fd, &c, 1); // until the parent closes it
    _exit(0);
  }
  return pid;
}

} // namespace

TEST_CASE("a second writer times out naming the holder; readers share")
{
  ScratchDir dir;
  auto path = dir / "lock";
  int ready[2];
  int stop[2];
  REQUIRE(pipe(ready) == 0);
  REQUIRE(pipe(stop) == 0);
  pid_t child = hold_in_child(path, RepoLock::Mode::exclusive, ready[1], stop);
  close(stop[0]);
  char c;
  REQUIRE(read(ready[0], &c, 1) == 1);

  RepoLock writer(path, RepoLock::Mode::exclusive, "trove checkout");
  std::string holder = "pid " + std::to_string(child) + ": trove add big-data";
  auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH_AS(writer.acquire(300ms),
                       doctest::Contains(holder.c_str()),
                       trove::Error);
  CHECK(std::chrono::steady_clock::now() - start >= 300ms);

  close(stop[1]);
  waitpid(child, nullptr, 0);
  CHECK_NOTHROW(writer.acquire(300ms));
}

TEST_CASE("readers do not block readers, a writer waits for them")
{
  ScratchDir dir;
  auto path = dir / "lock";
  int ready[2];
  int stop[2];
  REQUIRE(pipe(ready) == 0);
  REQUIRE(pipe(stop) == 0);
  pid_t child = hold_in_child(path, RepoLock::Mode::shared, ready[1], stop);
  close(stop[0]);
  char c;
  REQUIRE(read(ready[0], &c, 1) == 1);

  RepoLock reader(path, RepoLock::Mode::shared, "trove status");
  CHECK_NOTHROW(reader.acquire(100ms));
  RepoLock writer(path, RepoLock::Mode::exclusive, "trove add");
  CHECK_THROWS_AS(writer.acquire(100ms), trove::Error);
  close(stop[1]);
  waitpid(child, nullptr, 0);
}

TEST_CASE("a lock whose holder was killed is free")
{
  ScratchDir dir;
  auto path = dir / "lock";
  int ready[2];
  int stop[2];
  REQUIRE(pipe(ready) == 0);
  REQUIRE(pipe(stop) == 0);
  pid_t child = hold_in_child(path, RepoLock::Mode::exclusive, ready[1], stop);
  close(stop[0]);
  char c;
  REQUIRE(read(ready[0], &c, 1) == 1);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  RepoLock writer(path, RepoLock::Mode::exclusive, "trove add");
  CHECK_NOTHROW(writer.acquire(100ms));
}

TEST_SUITE_END();
