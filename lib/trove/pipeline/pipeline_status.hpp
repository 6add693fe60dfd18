#pragma once

#include <trove/pipeline/project.hpp>
#include <trove/pipeline/stage_state.hpp>
#include <trove/track/workspace.hpp>

#include <string>
#include <vector>

namespace trove::pipeline {

struct StageStatus
{
  const Stage* stage;
  StageChanges changes;
};

// The stages among `chosen` that are not up to date with their lock file
// (for a frozen stage, only its outputs count). A param key missing from its
// file is an error here, as in DVC.
std::vector<StageStatus> stage_statuses(track::Repository& repo,
                                        const Project& project,
                                        const std::vector<std::size_t>& chosen,
                                        const track::Warn& warn);

// The cached outputs the lock files record for `chosen`, for checkout.
std::vector<track::TrackedOut> locked_outputs(const track::Repository& repo,
                                              const Project& project,
                                              const std::vector<std::size_t>& chosen);

} // namespace trove::pipeline
