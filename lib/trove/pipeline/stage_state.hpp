#pragma once

#include <trove/pipeline/lock_file.hpp>
#include <trove/track/repository.hpp>

#include <string>
#include <vector>

namespace trove::pipeline {

// What a stage's inputs are now: each dep's id and the param values it uses.
struct StageInputs
{
  std::vector<track::PointerFile> deps; // out_path as the stage writes it
  std::vector<std::string> missing_deps;
  ParamValues params;
};

// Reads the stage's deps (through the stat index: unchanged files are not
// read) and params. A param key missing from its file is an error.
StageInputs read_inputs(track::Repository& repo,
                        const Stage& stage,
                        ParamsReader& params,
                        const track::Warn& warn);

// Why a stage is not up to date with its trove.lock entry.
struct StageChanges
{
  bool never_ran = false;
  bool command = false;
  bool always = false;             // always_changed, or neither deps nor outs
  std::vector<std::string> deps;   // changed or missing
  std::vector<std::string> params; // dotted keys
  std::vector<std::string> outs;   // changed or missing outputs
  // Outputs that differ and cannot be restored without running the stage:
  // their recorded object is not in the cache, or they are `cache: false`
  // or `persist: true` outputs, which DVC never restores from the cache.
  std::vector<std::string> outs_not_cached;

  // The stage must run: its command, inputs or params changed.
  bool
  inputs_changed() const
  {
    return never_ran || command || always || !deps.empty() || !params.empty();
  }
  bool
  any() const
  {
    return inputs_changed() || !outs.empty();
  }
  // "changed deps: data/prepared; changed params: train.lr"
  std::string describe() const;
};

StageChanges compare(track::Repository& repo,
                     const Stage& stage,
                     const StageInputs& inputs,
                     const LockedStage* locked,
                     const track::Warn& warn);

// Adds the outputs that differ from `locked` to `changes` (all that compare
// looks at for a frozen stage).
void compare_outputs(track::Repository& repo,
                     const Stage& stage,
                     const LockedStage& locked,
                     const track::Warn& warn,
                     StageChanges& changes);

// The entry trove.lock gets for a stage run with `inputs` producing `outs`.
LockedStage locked_stage(const Stage& stage,
                         const StageInputs& inputs,
                         std::vector<track::PointerFile> outs);

} // namespace trove::pipeline
