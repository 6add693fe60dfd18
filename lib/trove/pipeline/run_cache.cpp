#include <trove/pipeline/run_cache.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/hash.hpp>
#include <trove/core/yaml_error.hpp>

#include <yaml-cpp/yaml.h>

namespace trove::pipeline {

std::string
RunCache::key(const Stage& stage, const LockedStage& inputs)
{
  Value key = Value::object();
  key["cmd"] = stage.cmd;
  key["wdir"] = stage.wdir;
  Value deps = Value::array();
  for (const auto& dep : inputs.deps) {
    deps.push_back({dep.out_path, dep.id.to_string()});
  }
  key["deps"] = deps;
  Value params = Value::object();
  for (const auto& [file, values] : inputs.params) {
    for (const auto& [name, value] : values) {
      params[file][name] = value;
    }
  }
  key["params"] = params;
  Value outs = Value::array();
  for (const auto& out : stage.outs) {
    outs.push_back({out.path, out.cache});
  }
  key["outs"] = outs;
  return core::sha256_hex(key.dump());
}

fs::path
RunCache::path_of(const std::string& key) const
{
  return m_dir / key.substr(0, 2) / key.substr(2);
}

std::optional<std::vector<track::PointerFile>>
RunCache::lookup(const std::string& key) const
{
  fs::path file = path_of(key);
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    return std::nullopt;
  }
  try {
    auto document = core::parse_yaml(core::read_file(file), file.string());
    std::vector<track::PointerFile> outs;
    for (const auto& entry : document["outs"]) {
      outs.push_back(track::PointerFile::parse_entry(
          entry, file.string(), track::PointerFile::PathCheck::by_caller));
    }
    return outs;
  } catch (const std::exception&) {
    return std::nullopt; // a damaged entry only costs a run
  }
}

void
RunCache::record(const std::string& key,
                 const std::vector<track::PointerFile>& outs) const
{
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "outs" << YAML::Value << YAML::BeginSeq;
  for (const auto& entry : outs) {
    entry.emit_entry(out);
  }
  out << YAML::EndSeq << YAML::EndMap;
  fs::path file = path_of(key);
  core::create_directories(file.parent_path());
  core::write_file_atomic(file, std::string(out.c_str()) + "\n");
}

} // namespace trove::pipeline
