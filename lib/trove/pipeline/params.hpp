#pragma once

#include <trove/pipeline/pipeline_file.hpp>
#include <trove/pipeline/value.hpp>

#include <map>
#include <mutex>
#include <string>

namespace trove::pipeline {

// The param values a stage uses: file (as the stage names it) -> dotted key
// -> value. Only these are part of the stage's state, so a change to a key
// no stage names re-runs nothing.
using ParamValues = std::map<std::string, std::map<std::string, Value>>;

// Reads params files once per command (thread-safe).
class ParamsReader
{
public:
  explicit ParamsReader(fs::path root) : m_root(std::move(root)) {}

  // The values `stage` uses; a key missing from its file is an error
  // ("Parameters 'train.lr' are missing from 'params.yaml'").
  ParamValues values_for(const Stage& stage);

private:
  const Value& file(const std::string& path);

  fs::path m_root;
  std::mutex m_mutex;
  std::map<std::string, Value> m_files; // by path relative to the root
};

} // namespace trove::pipeline
