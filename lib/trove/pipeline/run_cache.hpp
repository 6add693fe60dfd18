#pragma once

#include <trove/pipeline/lock_file.hpp>

#include <optional>
#include <string>
#include <vector>

namespace trove::pipeline {

// Remembers, for every successful run, what it produced: a key made of the
// command, each dep's path and id, the param values and the output paths
// (not the stage name) -> the outputs' ids. A stage about to run with a key
// seen before is restored from the cache instead. Entries live in
// .trove/state/runs/<2 hex>/<62 hex>, one small YAML file each.
class RunCache
{
public:
  explicit RunCache(fs::path dir) : m_dir(std::move(dir)) {}

  static std::string key(const Stage& stage, const LockedStage& inputs);

  // The outputs recorded for `key`; nullopt when unknown or unreadable.
  std::optional<std::vector<track::PointerFile>> lookup(const std::string& key) const;
  void record(const std::string& key, const std::vector<track::PointerFile>& outs) const;

private:
  fs::path path_of(const std::string& key) const;

  fs::path m_dir;
};

} // namespace trove::pipeline
