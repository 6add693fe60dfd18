#include <trove/pipeline/lock_file.hpp>

#include <trove/core/data_path.hpp>
#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/yaml_error.hpp>

#include <yaml-cpp/yaml.h>

#include <cmath>

namespace trove::pipeline {

namespace {

// A lock is a file a hostile repository can commit. repro only writes the
// outputs its stages declare (the pipeline loader checks those, with the
// wdir), but a lock's outputs are refused here too, before anything uses
// them: paths are relative to the stage's wdir, so they may start by
// climbing out of it ("../model.bin"); the rest must name data.
void
check_output_path(const YAML::Node& entry,
                  const std::string& path,
                  const std::string& source)
{
  std::string_view rest = path;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    auto first = rest.substr(0, slash);
    if (first != "." && first != "..") {
      break;
    }
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  if (rest.empty()) {
    return;
  }
  if (auto problem = core::data_path_problem(rest)) {
    throw Error(core::yaml_position(source, entry["path"].Mark()) + ": output '" + path +
                "' cannot be written: " + *problem);
  }
}

enum class EntryKind
{
  dep,
  out
};

std::vector<track::PointerFile>
parse_entries(const YAML::Node& list, const std::string& source, EntryKind kind)
{
  std::vector<track::PointerFile> entries;
  if (!list) {
    return entries;
  }
  if (!list.IsSequence()) {
    throw Error(core::yaml_position(source, list.Mark()) + ": expected a list");
  }
  for (const auto& entry : list) {
    entries.push_back(track::PointerFile::parse_entry(
        entry, source, track::PointerFile::PathCheck::by_caller));
    if (kind == EntryKind::out) {
      check_output_path(entry, entries.back().out_path, source);
    }
  }
  return entries;
}

LockedStage
parse_stage(const YAML::Node& node, const std::string& source)
{
  auto at = [&](const YAML::Node& n) { return core::yaml_position(source, n.Mark()); };
  if (!node.IsMap()) {
    throw Error(at(node) + ": a stage must be a mapping");
  }
  LockedStage stage;
  for (const auto& item : node) {
    const auto key = item.first.Scalar();
    const YAML::Node& value = item.second;
    if (key == "cmd") {
      if (!value.IsSequence() && !value.IsScalar()) {
        throw Error(at(value) + ": 'cmd' must be a command or a list of commands");
      }
      stage.cmd_is_list = value.IsSequence();
      if (value.IsSequence()) {
        for (const auto& line : value) {
          stage.cmd.push_back(line.Scalar());
        }
      } else {
        stage.cmd.push_back(value.Scalar());
      }
    } else if (key == "deps") {
      stage.deps = parse_entries(value, source, EntryKind::dep);
    } else if (key == "outs") {
      stage.outs = parse_entries(value, source, EntryKind::out);
    } else if (key == "params") {
      if (!value.IsMap()) {
        throw Error(at(value) + ": 'params' must map files to values");
      }
      for (const auto& file : value) {
        if (!file.second.IsMap()) {
          throw Error(at(file.second) + ": params of '" + file.first.Scalar() +
                      "' must be a mapping");
        }
        auto& into = stage.params[file.first.Scalar()];
        for (const auto& param : file.second) {
          into[param.first.Scalar()] = to_value(param.second);
        }
      }
    } else {
      throw Error(at(item.first) + ": unknown key '" + key + "'");
    }
  }
  return stage;
}

void
emit_entries(YAML::Emitter& out,
             const char* key,
             const std::vector<track::PointerFile>& entries)
{
  if (entries.empty()) {
    return;
  }
  out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
  for (const auto& entry : entries) {
    entry.emit_entry(out);
  }
  out << YAML::EndSeq;
}

// A plain `<<` would read back as a merge key, so a key that is `<<` is
// quoted (a quoted one is a plain key to map_entries).
void
emit_key(YAML::Emitter& out, const std::string& key)
{
  out << YAML::Key << (key == "<<" ? YAML::SingleQuoted : YAML::Auto) << key
      << YAML::Value;
}

} // namespace

void
emit_value(YAML::Emitter& out, const Value& value)
{
  switch (value.type()) {
  case Value::value_t::object:
    out << YAML::BeginMap;
    for (const auto& [key, item] : value.items()) {
      emit_key(out, key);
      emit_value(out, item);
    }
    out << YAML::EndMap;
    break;
  case Value::value_t::array:
    out << YAML::Flow << YAML::BeginSeq;
    for (const auto& item : value) {
      emit_value(out, item);
    }
    out << YAML::EndSeq;
    break;
  case Value::value_t::string: {
    const auto& text = value.get_ref<const std::string&>();
    // Quoted when plain text would read back as another type ("1", "true").
    bool plain_is_string = !text.empty() && scalar_value(YAML::Node(text)) == value;
    out << (plain_is_string ? YAML::Auto : YAML::SingleQuoted) << text;
    break;
  }
  case Value::value_t::null:
    out << YAML::Null;
    break;
  case Value::value_t::number_float: {
    double number = value.get<double>();
    out << (std::isnan(number)   ? std::string(".nan")
            : std::isinf(number) ? std::string(number < 0 ? "-.inf" : ".inf")
                                 : to_display_string(value));
    break;
  }
  default:
    out << to_display_string(value);
  }
}

const track::PointerFile*
find_entry(const std::vector<track::PointerFile>& entries, const std::string& path)
{
  for (const auto& entry : entries) {
    if (entry.out_path == path) {
      return &entry;
    }
  }
  return nullptr;
}

const track::PointerFile*
LockedStage::out(const std::string& path) const
{
  return find_entry(outs, path);
}

const track::PointerFile*
LockedStage::dep(const std::string& path) const
{
  return find_entry(deps, path);
}

LockFile
LockFile::load(const fs::path& root, const std::string& path)
{
  fs::path file = root / path;
  std::error_code ec;
  LockFile lock = fs::exists(file, ec) ? parse(core::read_file(file), path) : LockFile();
  lock.m_file = file;
  return lock;
}

std::vector<track::PointerFile>
LockFile::all_outputs() const
{
  std::vector<track::PointerFile> outs;
  for (const auto& [name, stage] : m_stages) {
    outs.insert(outs.end(), stage.outs.begin(), stage.outs.end());
  }
  return outs;
}

LockFile
LockFile::parse(std::string_view text, const std::string& path)
{
  LockFile lock;
  auto document = core::parse_yaml(text, path);
  if (document.IsNull()) {
    return lock;
  }
  auto at = [&](const YAML::Node& n) { return core::yaml_position(path, n.Mark()); };
  if (!document.IsMap()) {
    throw Error(at(document) + ": expected a mapping with 'schema' and 'stages'");
  }
  try {
    if (auto schema = document["schema"]; !schema || schema.Scalar() != "2.0") {
      throw Error(at(schema ? schema : document) +
                  ": unsupported lock file schema (expected '2.0')");
    }
    if (auto stages = document["stages"]) {
      if (!stages.IsMap()) {
        throw Error(at(stages) + ": 'stages' must be a mapping");
      }
      for (const auto& item : stages) {
        lock.m_stages[item.first.Scalar()] = parse_stage(item.second, path);
      }
    }
  } catch (const YAML::Exception& e) {
    throw Error(core::yaml_position(path, e.mark) + ": " + e.msg);
  }
  return lock;
}

const LockedStage*
LockFile::find(const std::string& name) const
{
  auto it = m_stages.find(name);
  return it == m_stages.end() ? nullptr : &it->second;
}

void
LockFile::set(const std::string& name, LockedStage stage)
{
  m_stages[name] = std::move(stage);
}

std::string
LockFile::serialize() const
{
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "schema" << YAML::Value << YAML::SingleQuoted << "2.0";
  out << YAML::Key << "stages" << YAML::Value << YAML::BeginMap;
  for (const auto& [name, stage] : m_stages) {
    out << YAML::Key << name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "cmd" << YAML::Value;
    if (stage.cmd_is_list) {
      out << YAML::BeginSeq;
      for (const auto& line : stage.cmd) {
        out << line;
      }
      out << YAML::EndSeq;
    } else {
      out << (stage.cmd.empty() ? std::string()
                                : stage.cmd.front()); // a lock without cmd
    }
    emit_entries(out, "deps", stage.deps);
    if (!stage.params.empty()) {
      out << YAML::Key << "params" << YAML::Value << YAML::BeginMap;
      for (const auto& [file, values] : stage.params) {
        out << YAML::Key << file << YAML::Value << YAML::BeginMap;
        for (const auto& [key, value] : values) {
          emit_key(out, key);
          emit_value(out, value);
        }
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    emit_entries(out, "outs", stage.outs);
    out << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

LockFile&
LockFiles::of(const Stage& stage)
{
  auto it = m_locks.find(stage.file);
  if (it == m_locks.end()) {
    it = m_locks.emplace(stage.file, LockFile::load(m_root, lock_path_of(stage.file)))
             .first;
  }
  return it->second;
}

void
LockFile::save() const
{
  core::write_file_atomic(m_file, serialize());
}

} // namespace trove::pipeline
