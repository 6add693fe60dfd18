#pragma once

#include <trove/pipeline/params.hpp>
#include <trove/pipeline/pipeline_file.hpp>
#include <trove/track/pointer_file.hpp>

#include <map>
#include <string>
#include <vector>

namespace trove::pipeline {

// The entry for `path` in a list of deps or outs, or null.
const track::PointerFile* find_entry(const std::vector<track::PointerFile>& entries,
                                     const std::string& path);

// What a stage's last successful run used and produced. Deps and outs are
// pointer entries whose paths are as the stage writes them.
struct LockedStage
{
  std::vector<std::string> cmd;
  bool cmd_is_list = false;
  std::vector<track::PointerFile> deps;
  ParamValues params;
  std::vector<track::PointerFile> outs;

  const track::PointerFile* out(const std::string& path) const;
  const track::PointerFile* dep(const std::string& path) const;
};

// trove.lock, DVC's dvc.lock layout:
//
//   schema: '2.0'
//   stages:
//     train:
//       cmd: sh train.sh
//       deps:
//       - path: data/features
//         hash: sha256:<hex>.dir
//         size: 2048
//         nfiles: 2
//       params:
//         params.yaml:
//           train.lr: 0.5
//       outs:
//       - path: model.bin
//         hash: sha256:<hex>
//         size: 1024
//
// Stages are sorted by name so that one stage's change never moves another's
// lines (merge-friendly); every save is atomic.
class LockFile
{
public:
  // A missing file is an empty lock; a malformed one is an error naming
  // file:line:column.
  static LockFile load(const fs::path& root, const std::string& path);
  static LockFile parse(std::string_view text, const std::string& source);

  // Every output entry of every stage (for gc).
  std::vector<track::PointerFile> all_outputs() const;

  const LockedStage* find(const std::string& name) const;
  void set(const std::string& name, LockedStage stage);
  void save() const;
  std::string serialize() const;

private:
  fs::path m_file;
  std::map<std::string, LockedStage> m_stages;
};

// The lock files of the stages a command works on, each read once.
class LockFiles
{
public:
  explicit LockFiles(fs::path root) : m_root(std::move(root)) {}

  LockFile& of(const Stage& stage);
  const LockedStage*
  find(const Stage& stage)
  {
    return of(stage).find(stage.name);
  }

private:
  fs::path m_root;
  std::map<std::string, LockFile> m_locks; // by pipeline file
};

// Emits a Value so that reading it back gives the same value and type.
void emit_value(YAML::Emitter& out, const Value& value);

} // namespace trove::pipeline
