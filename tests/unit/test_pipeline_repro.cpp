#include <doctest/doctest.h>

#include "scratch.hpp"

#include <trove/pipeline/repro.hpp>
#include <trove/track/repository.hpp>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

using namespace trove;

TEST_SUITE_BEGIN("pipeline::repro");

namespace {

// Not a std::exception: no stage handler takes it for the stage's failure.
struct Escape
{};

void
write_file(const std::filesystem::path& path, const std::string& text)
{
  std::ofstream(path) << text;
}

// Whether `pid` is a live process (not gone, not a zombie).
bool
alive(pid_t pid)
{
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) {
    return false;
  }
  auto end = line.rfind(')');
  return end != std::string::npos && end + 2 < line.size() && line[end + 2] != 'Z';
}

// The pid a stage wrote to `path`, once it exists (up to 10 s).
pid_t
pid_in(const std::filesystem::path& path)
{
  for (int i = 0; i < 200; ++i) {
    std::ifstream in(path);
    pid_t pid = 0;
    if (in >> pid && pid > 0) {
      return pid;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("no pid in " << path.string());
  return 0;
}

} // namespace

TEST_CASE("an exception escaping the scheduler leaves no stage command running")
{
  ScratchDir dir;
  track::Repository::init(dir.path(), track::Repository::InitPlace::no_scm,
                          track::Force::no);
  // Two independent stages that each start a sleep and write its pid.
  write_file(dir / "trove.yaml", "stages:\n"
                                 "  one:\n"
                                 "    cmd: sleep 30 & echo $! >one.pid; wait\n"
                                 "    outs: [one.out]\n"
                                 "  two:\n"
                                 "    cmd: sleep 30 & echo $! >two.pid; wait\n"
                                 "    outs: [two.out]\n");
  auto repo = track::Repository::open(dir.path());
  pipeline::ReproOptions options;
  options.jobs = 2;
  int commands = 0;
  pid_t first = 0;
  // The second command's event comes while the first command runs: the
  // callback throws then, from inside the scheduler.
  options.events = [&](const pipeline::ReproEvent& event) {
    if (event.kind != pipeline::ReproEvent::Kind::command || ++commands < 2) {
      return;
    }
    first = pid_in(dir / (event.stage == "one" ? "two.pid" : "one.pid"));
    REQUIRE(alive(first));
    throw Escape{};
  };
  auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(pipeline::repro(repo, options, [](const std::string&) {}), Escape);
  REQUIRE(first > 0);
  // The group was killed at once, not waited for (the sleep lasts 30 s).
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(20));
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = !alive(first);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(gone);
}
