#pragma once

#include <trove/pipeline/pipeline_file.hpp>

#include <string>
#include <vector>

namespace trove::pipeline {

// A stage as `trove stage add` describes it.
struct NewStage
{
  std::string name;
  std::string cmd;
  std::string wdir;
  std::vector<std::string> deps;
  std::vector<ParamKeys> params;
  std::vector<Output> outs;
  bool always_changed = false;
  std::string desc;
};

// Edits pipeline files as text, so that comments, blank lines and the order
// of everything else stay as they were; each edit is parsed and checked
// (outputs, cycles) before the file is replaced atomically.
//
// Adds a stage to `path` (relative to `root`), creating the file when it
// does not exist. A stage of that name is an error unless `replace`.
void add_stage(const fs::path& root,
               const std::string& path,
               const NewStage& stage,
               bool replace);

// Sets or clears `frozen: true` on a stage defined in `path`.
void set_frozen(const fs::path& root,
                const std::string& path,
                const std::string& name,
                bool frozen);

} // namespace trove::pipeline
