#pragma once

#include <trove/pipeline/value.hpp>

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace trove::scm {
class FileSource;
}

namespace trove::pipeline {

namespace fs = std::filesystem;

// An output a stage declares under outs, metrics or plots.
struct Output
{
  enum class Kind
  {
    out,
    metric,
    plot
  };
  std::string path; // as written, relative to the stage's wdir
  Kind kind = Kind::out;
  bool cache = true;               // false: git keeps it, trove only records its id
  bool persist = false;            // kept (not removed) before the stage runs
  Value options = Value::object(); // as written (plots: x, y, template, title...)
};

// The params a stage uses from one file.
struct ParamKeys
{
  std::string file;              // relative to the stage's wdir
  std::vector<std::string> keys; // dotted paths; empty: the whole file
};

// One stage after templating: foreach, matrix, vars and ${...} resolved.
struct Stage
{
  std::string name;             // "train", or "train@cnn" for generated stages
  std::string address;          // name, or "dir/trove.yaml:name" outside the main file
  std::string file;             // the pipeline file, relative to the root
  std::string wdir;             // relative to the root; "" is the root
  std::vector<std::string> cmd; // one command, or several run in order
  bool cmd_is_list = false;
  std::vector<std::string> deps; // as written, relative to wdir
  std::vector<ParamKeys> params;
  std::vector<Output> outs; // outs, then metrics, then plots
  bool frozen = false;
  bool always_changed = false;
  std::string desc;
  std::string position; // file:line:column of the definition

  // A path as written in this stage, relative to the root.
  std::string path_from_root(const std::string& written) const;
};

// A pipeline file: trove.yaml, or a dvc.yaml read with --file.
struct PipelineFile
{
  std::string path; // relative to the root
  std::vector<Stage> stages;
  // Top-level metrics and params files and plots (for the metrics commands),
  // relative to the file's directory.
  std::vector<std::string> metrics;
  std::vector<std::string> params;
  YAML::Node plots;

  // A path written at the top level of this file, relative to the root; one
  // outside the repository is an error naming this file.
  std::string path_from_root(const std::string& written) const;
};

// Reads a pipeline file (`path` relative to `root`), expands its templates
// and checks every stage. `main` names its stages without the file prefix.
// Errors name the file and line:column.
PipelineFile load_pipeline_file(const fs::path& root, const std::string& path, bool main);

// The same for the text `path` would hold (to check an edit before saving).
PipelineFile parse_pipeline_file(const fs::path& root,
                                 const std::string& path,
                                 const std::string& text);

// The same for a pipeline file whose vars and params files come from
// `files` (the work tree or a commit).
PipelineFile parse_pipeline_file(const scm::FileSource& files,
                                 const std::string& path,
                                 const std::string& text,
                                 bool main);

// Limits on the stages templates generate, checked before expanding them:
// a few lines of matrix can otherwise ask for billions of stages.
inline constexpr std::size_t k_max_generated_stages = 10'000; // one foreach or matrix
inline constexpr std::size_t k_max_stages = 100'000; // every pipeline file together

// Throws "WHERE: the pipelines would have COUNT stages (at most ...)" when
// `count` is above k_max_stages.
void check_stage_count(std::size_t count, const std::string& where);

// "trove.lock" for "trove.yaml"; for any other file (dvc.yaml) the name with
// ".trove.lock" in place of ".yaml", so DVC's own dvc.lock is never touched.
std::string lock_path_of(const std::string& pipeline_path);

} // namespace trove::pipeline
