#pragma once

#include <trove/pipeline/project.hpp>
#include <trove/track/maintenance.hpp>
#include <trove/track/pointer_file.hpp>
#include <trove/track/repository.hpp>
#include <trove/track/workspace.hpp>

#include <optional>
#include <string>
#include <vector>

namespace trove::sync {

// What a command's targets name: pointer files, and pipeline stages with
// their lock files (status, checkout, push, fetch, pull).
struct Selection
{
  std::vector<std::string> pointers;
  std::optional<pipeline::Project> project; // always loaded
  std::vector<std::size_t> stages;          // indexes into project->graph
};

// Each target is a stage's name, a path one of its outputs has, or tracked
// data (a path or its pointer file). No targets: every pointer file and
// stage, found in one walk. `file`: the pipeline file to read (empty: every
// trove.yaml).
Selection select_targets(const track::Repository& repo,
                         const std::vector<std::string>& targets,
                         const std::string& file);

// The data and stage outputs a selection names. A pointer file that cannot
// be read is named in `failures` and left out.
std::vector<track::TrackedOut> selected_outputs(const track::Repository& repo,
                                                const Selection& selection,
                                                std::vector<std::string>& failures);

// Makes `scope` read the outputs trove.lock files record, so that gc, push
// and fetch keep or send stage outputs too.
void read_lock_outputs(track::ObjectScope& scope);

// What push and fetch move: the outputs `targets` name, or with none
// everything `scope` refers to (the workspace's pointer and lock files, and
// with -a/-T/-A those of the chosen commits). Throws trove::UsageError when
// there are both targets and -a/-T/-A, trove::Error naming the first
// pointer file that cannot be read.
std::vector<track::PointerFile>
outputs_to_transfer(const track::Repository& repo,
                    const std::vector<std::string>& targets,
                    track::ObjectScope scope);

} // namespace trove::sync
