#pragma once

#include <trove/pipeline/project.hpp>
#include <trove/track/pointer_file.hpp>
#include <trove/track/repository.hpp>

#include <functional>
#include <string>
#include <vector>

namespace trove::pipeline {

struct ReproOptions
{
  std::vector<std::string> targets;
  std::string file;             // --file; empty: every trove.yaml
  bool force = false;           // run even when unchanged
  bool single_item = false;     // only the targets, not their upstream
  bool downstream = false;      // the targets and what depends on them
  bool dry = false;             // say what would run; run nothing
  bool no_run_cache = false;
  bool allow_missing = false;   // skip stages whose only change is missing data
  bool recursive = false;       // targets may be directories
  bool keep_going = false;      // continue with stages independent of a failure
  unsigned jobs = 1;            // stages at once
  bool quiet = false;
  bool stdout_for_json = false; // progress and stage output go to stderr
  // When set (repro --pull), asked for the objects of a run-cache entry the
  // cache lacks before the stage runs instead.
  std::function<void(const std::vector<track::PointerFile>&)> fetch;
};

struct StageOutcome
{
  enum class Status { ran, skipped, restored, failed, frozen, not_run };
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
ReproResult repro(track::Repository& repo, const ReproOptions& options, const track::Warn& warn);

} // namespace trove::pipeline
