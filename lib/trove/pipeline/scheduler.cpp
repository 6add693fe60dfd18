#include <trove/pipeline/scheduler.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <map>

namespace trove::pipeline {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds k_sigterm_after(3);
constexpr Clock::time_point k_never = Clock::time_point::max();

enum class State
{
  waiting,
  running,
  done,
  failed
};

struct Running
{
  std::size_t stage;
  std::unique_ptr<core::ShellProcess> process;
};

std::optional<std::chrono::milliseconds>
time_until(Clock::time_point moment)
{
  if (moment == k_never) {
    return std::nullopt;
  }
  return std::chrono::ceil<std::chrono::milliseconds>(moment - Clock::now());
}

bool
upstream_done(const Graph& graph,
              std::size_t i,
              const std::map<std::size_t, State>& state)
{
  for (auto up : graph.upstream(i)) {
    auto it = state.find(up);
    if (it != state.end() && it->second != State::done) {
      return false;
    }
  }
  return true;
}

// What an interrupt (Ctrl-C, or SIGTERM to trove) does to the running
// commands: SIGINT, and SIGTERM to those still running k_sigterm_after
// later. That also ends a command whose SIGINT was lost: `sh -c` catches
// SIGINT, and one that reaches it while it starts a command can be lost
// (about once in 50 runs under load).
void
signal_all(const Graph& graph,
           std::vector<Running>& running,
           int signal,
           const track::Warn& warn)
{
  for (auto& r : running) {
    if (signal == SIGTERM) {
      warn("stage '" + graph.stages()[r.stage].address + "' is still running " +
           std::to_string(k_sigterm_after.count()) +
           " s after the interrupt: sending SIGTERM");
    }
    r.process->signal(signal);
  }
}

} // namespace

ScheduleResult
schedule(const Graph& graph,
         const std::vector<std::size_t>& plan,
         unsigned jobs,
         KeepGoing keep_going,
         StageWork& work,
         const track::Warn& warn)
{
  ScheduleResult result;
  std::map<std::size_t, State> state;
  for (auto i : plan) {
    state[i] = State::waiting;
  }
  // Owns the commands' processes: should an exception unwind through here,
  // their destructors kill the process groups.
  std::vector<Running> running;
  core::ChildEvents events;
  bool stopping = false;
  auto sigterm_at = k_never; // set by an interrupt
  while (true) {
    if (events.interrupted() && !result.interrupted) {
      signal_all(graph, running, SIGINT, warn);
      stopping = true;
      result.interrupted = true;
      sigterm_at = Clock::now() + k_sigterm_after;
    }
    if (Clock::now() >= sigterm_at) {
      signal_all(graph, running, SIGTERM, warn);
      sigterm_at = k_never;
    }
    if (!stopping) {
      for (auto i : plan) {
        if (running.size() >= jobs || stopping) {
          break;
        }
        if (state[i] != State::waiting || !upstream_done(graph, i, state)) {
          continue;
        }
        if (events.interrupted()) {
          break;
        }
        if (auto process = work.begin(i)) {
          state[i] = State::running;
          running.push_back({i, std::move(process)});
        } else {
          bool failed = work.failed(i);
          state[i] = failed ? State::failed : State::done;
          stopping = failed && keep_going == KeepGoing::no;
        }
      }
    }
    if (running.empty()) {
      break;
    }
    std::vector<pid_t> children;
    for (const auto& r : running) {
      children.push_back(r.process->pid());
    }
    auto exited = events.next(children, time_until(sigterm_at));
    if (!exited) {
      continue;
    }
    auto it = std::find_if(running.begin(), running.end(), [&](const Running& r) {
      return r.process->pid() == exited->first;
    });
    if (it == running.end()) {
      continue;
    }
    it->process->finish();
    if (auto next = work.command_ended(it->stage, exited->second, result.interrupted)) {
      it->process = std::move(next);
      continue;
    }
    bool ok = !work.failed(it->stage);
    state[it->stage] = ok ? State::done : State::failed;
    if (!ok && keep_going == KeepGoing::no) {
      stopping = true;
    }
    running.erase(it);
  }
  for (auto i : plan) {
    if (state[i] == State::waiting) {
      result.not_started.push_back(i);
    }
  }
  return result;
}

} // namespace trove::pipeline
