#include <trove/pipeline/params.hpp>

#include <trove/core/error.hpp>

namespace trove::pipeline {

const Value&
ParamsReader::file(const std::string& path)
{
  std::lock_guard lock(m_mutex);
  auto it = m_files.find(path);
  if (it == m_files.end()) {
    std::error_code ec;
    if (!fs::is_regular_file(m_root / path, ec)) {
      throw Error("params file '" + path + "' does not exist");
    }
    it = m_files.emplace(path, load_value_file(m_root / path, path)).first;
  }
  return it->second;
}

ParamValues
ParamsReader::values_for(const Stage& stage)
{
  ParamValues values;
  for (const auto& entry : stage.params) {
    const Value& all = file(stage.path_from_root(entry.file));
    auto& into = values[entry.file];
    if (entry.keys.empty()) {
      for (const auto& [key, value] : all.items()) {
        into[key] = value;
      }
      continue;
    }
    std::string missing;
    for (const auto& key : entry.keys) {
      if (const Value* value = select(all, key)) {
        into[key] = *value;
      } else {
        missing += (missing.empty() ? "'" : ", '") + key + "'";
      }
    }
    if (!missing.empty()) {
      throw Error(stage.position + ": Parameters " + missing + " are missing from '" +
                  entry.file + "'");
    }
  }
  return values;
}

} // namespace trove::pipeline
