#include <trove/track/pointer_file.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/yaml_error.hpp>

#include <yaml-cpp/yaml.h>

namespace trove::track {

PointerFile
PointerFile::parse(std::string_view text, const std::string& source)
{
  try {
    return parse_node(core::parse_yaml(text, source), source);
  } catch (const YAML::Exception& e) {
    // A value of the wrong kind (a list where a string belongs, say).
    throw Error(core::yaml_position(source, e.mark) + ": " + e.msg);
  }
}

PointerFile
PointerFile::parse_node(const YAML::Node& root, const std::string& source)
{
  auto at = [&](const YAML::Node& node) {
    return core::yaml_position(source, node.Mark());
  };
  if (!root.IsMap()) {
    throw Error(at(root) + ": expected a mapping with 'outs'");
  }
  for (const auto& item : root) {
    auto key = item.first.as<std::string>();
    if (key != "outs" && key != "md5" && key != "meta" && key != "desc") {
      throw Error(at(item.first) + ": unknown key '" + key + "'");
    }
  }
  YAML::Node outs = root["outs"];
  if (!outs || !outs.IsSequence() || outs.size() != 1) {
    throw Error(at(outs ? outs : root) + ": 'outs' must list exactly one output");
  }
  return parse_entry(outs[0], source, PathCheck::inside_directory);
}

PointerFile
PointerFile::parse_entry(const YAML::Node& out,
                         const std::string& source,
                         PathCheck check)
{
  auto at = [&](const YAML::Node& node) {
    return core::yaml_position(source, node.Mark());
  };
  if (!out.IsMap()) {
    throw Error(at(out) + ": an output must be a mapping");
  }
  PointerFile pointer;
  for (const auto& item : out) {
    auto key = item.first.as<std::string>();
    const YAML::Node& value = item.second;
    if (key == "path") {
      pointer.out_path = value.as<std::string>();
      if (check == PathCheck::inside_directory &&
          !core::is_safe_relative_path(pointer.out_path)) {
        throw Error(at(value) + ": unsafe path '" + pointer.out_path +
                    "' (absolute or containing '..')");
      }
    } else if (key == "hash") {
      auto id = store::ObjectId::parse(value.as<std::string>());
      if (!id) {
        throw Error(at(value) + ": malformed hash '" + value.as<std::string>() +
                    "' (expected sha256:<64 hex digits>[.dir])");
      }
      pointer.id = *id;
    } else if (key == "size") {
      pointer.size = core::yaml_count(value, source, "size");
    } else if (key == "nfiles") {
      pointer.nfiles = core::yaml_count(value, source, "nfiles");
    } else if (key == "isexec") {
      if (!YAML::convert<bool>::decode(value, pointer.executable)) {
        throw Error(at(value) + ": 'isexec' must be true or false");
      }
    } else if (key != "desc" && key != "cache" && key != "persist") {
      throw Error(at(item.first) + ": unknown key '" + key + "'");
    }
  }
  if (pointer.out_path.empty()) {
    throw Error(at(out) + ": output has no 'path'");
  }
  if (pointer.id.hex.empty()) {
    throw Error(at(out) + ": output has no 'hash'");
  }
  return pointer;
}

PointerFile
PointerFile::load(const fs::path& file)
{
  return parse(core::read_file(file), file.string());
}

std::string
PointerFile::serialize() const
{
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "outs" << YAML::Value << YAML::BeginSeq;
  emit_entry(out);
  out << YAML::EndSeq << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

void
PointerFile::emit_entry(YAML::Emitter& out) const
{
  out << YAML::BeginMap;
  out << YAML::Key << "path" << YAML::Value << out_path;
  out << YAML::Key << "hash" << YAML::Value << id.to_string();
  out << YAML::Key << "size" << YAML::Value << size;
  if (nfiles) {
    out << YAML::Key << "nfiles" << YAML::Value << *nfiles;
  }
  if (executable) {
    out << YAML::Key << "isexec" << YAML::Value << true;
  }
  out << YAML::EndMap;
}

void
PointerFile::save(const fs::path& file) const
{
  core::write_file_atomic(file, serialize());
}

} // namespace trove::track
