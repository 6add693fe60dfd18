#pragma once

#include <trove/pipeline/pipeline_file.hpp>
#include <trove/track/pointer_file.hpp>
#include <trove/track/repository.hpp>

#include <vector>

namespace trove::pipeline {

// A stage's outputs in the workspace, around a run: what repro does to
// them besides running the command. Each throws trove::Error naming the
// output.

// Data tracked with `trove add` belongs to its pointer file; a stage may
// not replace it: an error when one of the stage's outputs is such data.
void check_outputs_untracked(const track::Repository& repo, const Stage& stage);

// Makes the stage's outputs match recorded entries (its trove.lock entry,
// or a run-cache entry), from the cache. Content in the way that the cache
// lacks is saved there first, with a warning naming its id.
void restore_outputs(track::Repository& repo,
                     const Stage& stage,
                     const std::vector<track::PointerFile>& entries,
                     const track::Warn& warn);

// Removes the stage's outputs before it runs, saving unsaved content
// first. A persistent one stays, as a private copy: the command may append
// to it, and a link would let it write into the cache.
void clear_outputs(track::Repository& repo, const Stage& stage, const track::Warn& warn);

// After a successful run: every output must exist. Cached outputs are
// stored as `trove add` stores data (and ignored by git); an output git
// keeps is copied into the cache too, so that the run cache can restore
// it. Returns the entries, paths as the stage writes them.
std::vector<track::PointerFile>
store_outputs(track::Repository& repo, const Stage& stage, const track::Warn& warn);

} // namespace trove::pipeline
