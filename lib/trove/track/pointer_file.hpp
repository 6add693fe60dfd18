#pragma once

#include <trove/store/object_id.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace YAML {
class Emitter;
class Node;
} // namespace YAML

namespace trove::track {

namespace fs = std::filesystem;

// The small YAML file X.trove that git versions in place of the data X:
//
//   outs:
//   - path: images
//     hash: sha256:<64 hex>.dir
//     size: 104857600
//     nfiles: 1000
//
// `path` is relative to the pointer file's directory and must stay in it.
struct PointerFile
{
  std::string out_path; // as written: relative to the pointer's directory
  store::ObjectId id;
  std::uint64_t size = 0;
  std::optional<std::uint64_t> nfiles; // directories only
  bool executable = false;             // files only: `isexec: true`, as DVC writes it

  // Parses and validates; errors name `source` and line:column.
  static PointerFile parse(std::string_view text, const std::string& source);
  static PointerFile load(const fs::path& file);
  static PointerFile parse_node(const YAML::Node& root, const std::string& source);
  // One `path`/`hash`/`size`/`nfiles`/`isexec` entry, as in `outs:` here and in
  // trove.lock's deps and outs. trove.lock paths are relative to a stage's
  // wdir and may climb out of it (the stage's own paths are checked).
  enum class PathCheck
  {
    inside_directory,
    by_caller
  };
  static PointerFile
  parse_entry(const YAML::Node& entry, const std::string& source, PathCheck check);
  void emit_entry(YAML::Emitter& out) const;
  std::string serialize() const;
  void save(const fs::path& file) const;
};

inline constexpr std::string_view k_pointer_suffix = ".trove";

} // namespace trove::track
