#include "scratch.hpp"

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/process.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

extern char** environ;

using namespace trove;
using namespace trove::core;

TEST_SUITE_BEGIN("core::process");

namespace {

// A running process that is not a zombie.
bool
alive(pid_t pid)
{
  std::string stat;
  try {
    stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  } catch (const Error&) {
    return false;
  }
  auto state = stat.find(") ");
  return state != std::string::npos && stat[state + 2] != 'Z';
}

// Waits up to 5 s for every pid to be gone.
bool
all_gone(const std::vector<pid_t>& pids)
{
  for (int i = 0; i < 100; ++i) {
    if (std::none_of(pids.begin(), pids.end(), alive)) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// The pids a command wrote, one a line, once it wrote `count`.
std::vector<pid_t>
read_pids(const fs::path& path, std::size_t count)
{
  for (int i = 0; i < 200; ++i) {
    std::vector<pid_t> pids;
    std::string text;
    try {
      text = read_file(path);
    } catch (const Error&) {
    }
    std::size_t start = 0;
    std::size_t end;
    while ((end = text.find('\n', start)) != std::string::npos) {
      pids.push_back(std::stoi(text.substr(start, end - start)));
      start = end + 1;
    }
    if (pids.size() >= count) {
      return pids;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  FAIL("the command did not write its pids to " << path);
  return {};
}

// Starts a shell command that records the pids of a child and a grandchild
// (the last two lines of `pids`) and sleeps.
const char* const k_tree =
    "sleep 60 & echo $! >>pids; sh -c 'sleep 60 & echo $! >>pids; wait' & wait";

std::size_t
open_descriptors()
{
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/self/fd")) {
    ++count;
  }
  return count;
}

int
run_to_end(ShellProcess& process, ChildEvents& events)
{
  auto exited = events.next({process.pid()});
  REQUIRE(exited);
  process.finish();
  return exited->second;
}

} // namespace

TEST_CASE("a command's exit code and its output with a prefix")
{
  ScratchDir dir;
  ChildEvents events;
  ShellProcess::Options options{dir.path(), {{"GREETING", "hello"}}, "", false};
  ShellProcess quiet("echo $GREETING >out; exit 3", options);
  CHECK(run_to_end(quiet, events) == 3);
  CHECK(read_file(dir / "out") == "hello\n");

  options.line_prefix = "[x] ";
  Fd saved(dup(1));
  int out[2];
  REQUIRE(pipe(out) == 0);
  dup2(out[1], 1);
  ::close(out[1]);
  {
    ShellProcess relayed("echo one; printf two", options);
    run_to_end(relayed, events);
  }
  dup2(saved.get(), 1);
  Fd read_end(out[0]);
  char buffer[64] = {};
  CHECK(std::string(buffer, ::read(read_end.get(), buffer, sizeof buffer)) ==
        "[x] one\n[x] two\n");
}

TEST_CASE("the processes of a command die with the process that started it")
{
  ScratchDir dir;
  pid_t starter = fork();
  REQUIRE(starter >= 0);
  if (starter == 0) {
    // As trove under `kill -9`: gone without a destructor running.
    ShellProcess process(k_tree, {dir.path(), {}, "", false});
    std::ofstream(dir / "pids", std::ios::app) << process.pid() << "\n";
    read_pids(dir / "pids", 3);
    ::kill(getpid(), SIGKILL);
  }
  int status = 0;
  REQUIRE(waitpid(starter, &status, 0) == starter);
  CHECK(WIFSIGNALED(status));
  auto pids = read_pids(dir / "pids", 3);
  CHECK(all_gone(pids));
}

TEST_CASE("a command still running when its ShellProcess ends is killed")
{
  ScratchDir dir;
  std::vector<pid_t> pids;
  {
    ShellProcess process(k_tree, {dir.path(), {}, "[p] ", false});
    pids = read_pids(dir / "pids", 2);
    pids.push_back(process.pid());
  }
  CHECK(all_gone(pids));
}

TEST_CASE("a command that ends normally leaves its background processes")
{
  ScratchDir dir;
  ChildEvents events;
  ShellProcess process("sleep 60 & echo $! >>pids", {dir.path(), {}, "", false});
  CHECK(run_to_end(process, events) == 0);
  auto pids = read_pids(dir / "pids", 1);
  CHECK(alive(pids[0]));
  ::kill(pids[0], SIGKILL);
}

TEST_CASE("an interrupt sent to the group reaches the command")
{
  ScratchDir dir;
  ChildEvents events;
  ShellProcess process("echo $$ >>pids; sleep 60", {dir.path(), {}, "", false});
  read_pids(dir / "pids", 1);
  process.signal(SIGINT);
  CHECK(run_to_end(process, events) == 128 + SIGINT);
}

TEST_CASE("ChildEvents::next gives up after its timeout")
{
  ScratchDir dir;
  ChildEvents events;
  ShellProcess process("sleep 30", {dir.path(), {}, "", false});
  auto start = std::chrono::steady_clock::now();
  CHECK(!events.next({process.pid()}, std::chrono::milliseconds(100)));
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= std::chrono::milliseconds(100));
  CHECK(waited < std::chrono::seconds(5));
  CHECK(!events.interrupted());
  process.signal(SIGTERM);
  CHECK(run_to_end(process, events) == 128 + SIGTERM);
}

TEST_CASE("ChildEvents reaps only the children it is given")
{
  ScratchDir dir;
  pid_t other = -1;
  char arg0[] = "true";
  char* argv[] = {arg0, nullptr};
  REQUIRE(posix_spawnp(&other, "true", nullptr, nullptr, argv, environ) == 0);
  siginfo_t info{};
  REQUIRE(waitid(P_PID, id_t(other), &info, WEXITED | WNOWAIT) ==
          0); // exited, not reaped
  {
    ChildEvents events;
    ShellProcess process("sleep 0.1; exit 4", {dir.path(), {}, "", false});
    auto exited = events.next({process.pid()});
    REQUIRE(exited);
    CHECK(exited->first == process.pid());
    CHECK(exited->second == 4);
    process.finish();
  }
  int status = 0;
  CHECK(waitpid(other, &status, WNOHANG) == other);
}

namespace {
void
test_handler(int)
{
}
} // namespace

TEST_CASE("ChildEvents puts back the previous SIGCHLD action and signal mask")
{
  struct sigaction mine = {};
  mine.sa_handler = test_handler;
  sigemptyset(&mine.sa_mask);
  struct sigaction before = {};
  REQUIRE(sigaction(SIGCHLD, &mine, &before) == 0);
  sigset_t mask_before;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask_before);
  {
    ChildEvents events;
  }
  struct sigaction after = {};
  sigaction(SIGCHLD, nullptr, &after);
  bool same_handler = after.sa_handler == test_handler;
  CHECK(same_handler);
  sigset_t mask_after;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask_after);
  CHECK(sigismember(&mask_after, SIGCHLD) == sigismember(&mask_before, SIGCHLD));
  sigaction(SIGCHLD, &before, nullptr);
}

TEST_CASE("a command that cannot start leaves no descriptor open")
{
  ScratchDir dir;
  ChildEvents events;
  rlimit limit{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &limit) == 0);
  int highest = 0;
  for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
    highest = std::max(highest, std::stoi(entry.path().filename().string()));
  }
  // The free numbers below the highest are taken, so that the limit alone
  // says how many more descriptors can be opened.
  std::vector<Fd> fillers;
  for (Fd fd(open("/dev/null", O_RDONLY | O_CLOEXEC)); fd && fd.get() < highest;
       fd = Fd(open("/dev/null", O_RDONLY | O_CLOEXEC))) {
    fillers.push_back(std::move(fd));
  }
  auto before = open_descriptors();
  int failures = 0;
  // Each limit lets a few more descriptors be opened: every step of the
  // start fails in turn (socket pair, first pipe, second pipe), then none.
  for (int extra = 0; extra < 10; ++extra) {
    rlimit low = limit;
    low.rlim_cur = rlim_t(highest + 1 + extra);
    REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
    try {
      ShellProcess process("exit 0", {dir.path(), {}, "[p] ", false});
      setrlimit(RLIMIT_NOFILE, &limit);
      run_to_end(process, events);
    } catch (const Error&) {
      ++failures;
    }
    setrlimit(RLIMIT_NOFILE, &limit);
    INFO("extra descriptors allowed: " << extra);
    CHECK(open_descriptors() == before);
  }
  CHECK(failures >= 3);
}

TEST_SUITE_END();
