#pragma once

#include <trove/pipeline/graph.hpp>
#include <trove/track/repository.hpp>

#include <string>
#include <vector>

namespace trove::pipeline {

// The pipeline a command works on: the file given with --file, or every
// trove.yaml in the repository (the one at the root names its stages
// without a prefix).
struct Project
{
  std::vector<PipelineFile> files;
  Graph graph;

  // Stage indices that command-line targets name: a stage name or address,
  // a pipeline file, FILE:STAGE, or with `recursive` a directory holding
  // pipeline files. No targets means every stage.
  std::vector<std::size_t> resolve(const track::Repository& repo,
                                   const std::vector<std::string>& targets,
                                   bool recursive) const;
};

// `found` spares a second walk of the workspace when the caller already has
// the pipeline files (from track::find_metadata_files).
Project load_project(const track::Repository& repo,
                     const std::string& file,
                     const std::vector<std::string>* found = nullptr);

} // namespace trove::pipeline
