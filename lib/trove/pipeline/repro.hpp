#pragma once

#include <trove/pipeline/project.hpp>
#include <trove/track/pointer_file.hpp>
#include <trove/track/repository.hpp>

#include <functional>
#include <string>
#include <vector>

namespace trove::pipeline {

// What repro tells while it works, in order; the CLI renders it. Every
// event but up_to_date and no_pipelines names a stage.
struct ReproEvent
{
  enum class Kind
  {
    skipped,              // didn't change
    skipped_missing_deps, // --allow-missing
    skipped_missing_outs, // --allow-missing
    frozen,
    checked_out,        // outputs checked out from the cache
    restored_run_cache, // outputs restored from the run cache
    dep_recorded, // a dep tracked with `trove add` changed: `pointer` re-recorded `path`
    running,      // the stage starts running
    command,      // `text`: the command about to start
    would_run,    // --dry; `text`: why; `commands`: what would run
    would_check_out,         // --dry
    would_restore_run_cache, // --dry; `text`: why the stage is not up to date
    would_fail,              // --dry; `text`: why
    up_to_date,              // the run did nothing: everything was up to date
    no_pipelines,            // there is no pipeline file: nothing to run
  };
  Kind kind;
  std::string stage; // the stage's address
  std::string text;
  std::vector<std::string> commands;
  std::string pointer; // dep_recorded
  std::string path;    // dep_recorded
};

using ReproEvents = std::function<void(const ReproEvent&)>;

struct ReproOptions
{
  std::vector<std::string> targets;
  std::string file;         // --file; empty: every trove.yaml
  bool force = false;       // run even when unchanged
  bool single_item = false; // only the targets, not their upstream
  bool downstream = false;  // the targets and what depends on them
  bool dry = false;         // say what would run; run nothing
  bool no_run_cache = false;
  bool allow_missing = false; // skip stages whose only change is missing data
  bool recursive = false;     // targets may be directories
  bool keep_going = false;    // continue with stages independent of a failure
  unsigned jobs = 1;          // stages at once
  // The commands' stdout goes to trove's stderr (keeps stdout for JSON).
  bool commands_stdout_to_stderr = false;
  // When set (repro --pull), asked for the objects of a run-cache entry the
  // cache lacks before the stage runs instead.
  std::function<void(const std::vector<track::PointerFile>&)> fetch;
  // Told what happens, from the calling thread; may be empty.
  ReproEvents events;
};

struct StageOutcome
{
  enum class Status
  {
    ran,
    skipped,
    restored,
    failed,
    frozen,
    not_run
  };
  std::string name;
  Status status = Status::not_run;
  std::string reason;
};

struct ReproResult
{
  std::vector<StageOutcome> stages; // in the order they finished
  bool interrupted = false;         // Ctrl-C
  bool failed() const;
};

std::string_view to_string(StageOutcome::Status status);

// Brings stages up to date: runs those whose command, deps or params
// changed, restores from the cache or the run cache what can be restored,
// and records each success in the lock file at once.
ReproResult
repro(track::Repository& repo, const ReproOptions& options, const track::Warn& warn);

} // namespace trove::pipeline
