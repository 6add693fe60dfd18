#pragma once

#include <trove/core/process.hpp>
#include <trove/pipeline/graph.hpp>
#include <trove/track/repository.hpp>

#include <memory>
#include <string>
#include <vector>

namespace trove::pipeline {

// What a stage does, as the scheduler sees it: repro decides and settles
// stages and starts their commands; the scheduler only orders them, waits
// for the commands and handles interrupts.
class StageWork
{
public:
  virtual ~StageWork() = default;
  // Settles stage `i` (skipped, restored, failed: see failed()) and returns
  // null, or starts its first command and returns its process.
  virtual std::unique_ptr<core::ShellProcess> begin(std::size_t i) = 0;
  // The current command of stage `i` exited with `code` (128 + N for a
  // signal N). Returns the process of its next command, or null once the
  // stage is over (see failed()). `interrupted`: the user interrupted the
  // run; no further command may start.
  virtual std::unique_ptr<core::ShellProcess>
  command_ended(std::size_t i, int code, bool interrupted) = 0;
  virtual bool failed(std::size_t i) const = 0;
};

enum class KeepGoing
{
  no,
  yes,
};

struct ScheduleResult
{
  std::vector<std::size_t> not_started; // waiting when the run stopped
  bool interrupted = false;             // Ctrl-C, or SIGTERM to trove
};

// Runs `plan` (stages in an order the graph allows): a stage begins once
// every stage it depends on in the plan succeeded; up to `jobs` commands
// run at once. After a failure nothing new begins unless `keep_going`
// (then only stages that do not depend on it). An interrupt sends SIGINT
// to the running commands, and SIGTERM a few seconds later to those still
// running.
//
// StageWork handles a stage's own errors. An exception that escapes it
// leaves through here: the running commands' process groups are killed
// first (core::ShellProcess's destructor), then the exception goes on.
ScheduleResult schedule(const Graph& graph,
                        const std::vector<std::size_t>& plan,
                        unsigned jobs,
                        KeepGoing keep_going,
                        StageWork& work,
                        const track::Warn& warn);

} // namespace trove::pipeline
