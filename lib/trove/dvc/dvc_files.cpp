#include <trove/dvc/dvc_files.hpp>

#include <trove/core/data_path.hpp>
#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/text.hpp>
#include <trove/core/yaml_error.hpp>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <unistd.h>

#include <algorithm>

namespace trove::dvc {

namespace {

bool
is_md5_hex(std::string_view text)
{
  return text.size() == 32 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// One out or dep entry: md5, size, nfiles, isexec, hash, path (any order).
DvcEntry
parse_entry(const YAML::Node& node, const std::string& source)
{
  auto at = [&](const YAML::Node& n) { return core::yaml_position(source, n.Mark()); };
  if (!node.IsMap()) {
    throw Error(at(node) + ": an entry must be a mapping");
  }
  DvcEntry entry;
  std::optional<std::string> md5;
  YAML::Node md5_node;
  bool hash_md5 = false;
  for (const auto& item : node) {
    auto key = item.first.Scalar();
    const YAML::Node& value = item.second;
    if (key == "path") {
      entry.path = value.as<std::string>();
    } else if (key == "md5") {
      md5 = value.as<std::string>();
      md5_node = value;
    } else if (key == "hash") {
      if (value.as<std::string>() != "md5") {
        throw Error(at(value) + ": unsupported hash '" + value.as<std::string>() +
                    "' (DVC writes md5)");
      }
      hash_md5 = true;
    } else if (key == "size") {
      entry.size = core::yaml_count(value, source, "size");
    } else if (key == "nfiles") {
      entry.nfiles = core::yaml_count(value, source, "nfiles");
    } else if (key == "isexec") {
      if (!YAML::convert<bool>::decode(value, entry.executable)) {
        throw Error(at(value) + ": 'isexec' must be true or false");
      }
    } else if (key == "cache") {
      if (!YAML::convert<bool>::decode(value, entry.cache)) {
        throw Error(at(value) + ": 'cache' must be true or false");
      }
    }
    // Other keys (persist, desc, remote, push, etag, checkpoint...) carry
    // nothing trove records for the content.
  }
  if (entry.path.empty()) {
    throw Error(at(node) + ": entry has no 'path'");
  }
  if (md5) {
    DvcHash hash;
    std::string_view text = *md5;
    if (text.ends_with(".dir")) {
      hash.is_dir = true;
      text.remove_suffix(4);
    }
    if (!is_md5_hex(text)) {
      throw Error(at(md5_node) + ": malformed md5 '" + *md5 +
                  "' (expected 32 hex digits, '.dir' for a directory)");
    }
    hash.md5 = std::string(text);
    hash.kind = hash_md5 ? HashKind::md5 : HashKind::md5_dos2unix;
    entry.hash = hash;
  }
  return entry;
}

std::vector<DvcEntry>
parse_entries(const YAML::Node& list, const std::string& source)
{
  std::vector<DvcEntry> entries;
  if (!list || list.IsNull()) {
    return entries;
  }
  if (!list.IsSequence()) {
    throw Error(core::yaml_position(source, list.Mark()) + ": expected a list");
  }
  for (const auto& item : list) {
    entries.push_back(parse_entry(item, source));
  }
  return entries;
}

// Values below a params file in dvc.lock, keyed as trove keeps them.
void
parse_params(const YAML::Node& node,
             const std::string& source,
             pipeline::ParamValues& into)
{
  auto at = [&](const YAML::Node& n) { return core::yaml_position(source, n.Mark()); };
  if (!node.IsMap()) {
    throw Error(at(node) + ": 'params' must map files to values");
  }
  for (const auto& file : node) {
    if (!file.second.IsMap()) {
      throw Error(at(file.second) + ": params of '" + file.first.Scalar() +
                  "' must be a mapping");
    }
    auto& values = into[file.first.Scalar()];
    for (const auto& param : file.second) {
      values[param.first.Scalar()] = pipeline::to_value(param.second);
    }
  }
}

std::string
unquote(std::string text)
{
  if (text.size() >= 2 && (text.front() == '\'' || text.front() == '"') &&
      text.back() == text.front()) {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

} // namespace

std::string
DvcHash::to_string() const
{
  return md5 + (is_dir ? ".dir" : "");
}

DvcFile
DvcFile::parse(std::string_view text, const std::string& source)
{
  try {
    auto root = core::parse_yaml(text, source);
    auto at = [&](const YAML::Node& n) { return core::yaml_position(source, n.Mark()); };
    if (!root.IsMap()) {
      throw Error(at(root) + ": expected a mapping with 'outs' (a DVC .dvc file)");
    }
    DvcFile file;
    for (const auto& item : root) {
      auto key = item.first.Scalar();
      if (key == "outs") {
        file.outs = parse_entries(item.second, source);
      } else if (key == "deps") {
        file.unsupported.push_back(at(item.first) +
                                   ": 'deps' (an import or a stage in a .dvc file)");
      } else if (key == "frozen" || key == "cmd") {
        file.unsupported.push_back(at(item.first) + ": '" + key + "'");
      }
    }
    if (file.outs.empty()) {
      throw Error(at(root) + ": 'outs' lists no output");
    }
    if (file.outs.size() > 1) {
      file.unsupported.push_back(source + ": " + std::to_string(file.outs.size()) +
                                 " outputs (trove's pointer files hold one)");
    }
    for (const auto& out : file.outs) {
      if (!core::is_safe_relative_path(out.path)) {
        throw Error(source + ": unsafe path '" + out.path +
                    "' (absolute or containing '..')");
      }
    }
    return file;
  } catch (const YAML::Exception& e) {
    throw Error(core::yaml_position(source, e.mark) + ": " + e.msg);
  }
}

std::vector<DvcDirEntry>
parse_dir_manifest(std::string_view text, const std::string& source)
{
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text, nullptr, true, false);
  } catch (const nlohmann::json::exception& e) {
    throw Error(source + ": not a DVC directory manifest: " + e.what());
  }
  if (!json.is_array()) {
    throw Error(source + ": not a DVC directory manifest (expected a JSON list)");
  }
  std::vector<DvcDirEntry> entries;
  entries.reserve(json.size());
  for (const auto& item : json) {
    auto md5 = item.is_object() ? item.find("md5") : item.end();
    auto relpath = item.is_object() ? item.find("relpath") : item.end();
    if (!item.is_object() || md5 == item.end() || relpath == item.end() ||
        !md5->is_string() || !relpath->is_string()) {
      throw Error(source + ": entry " + std::to_string(entries.size() + 1) +
                  " has no 'md5' and 'relpath' strings");
    }
    DvcDirEntry entry;
    entry.md5 = md5->get<std::string>();
    entry.relpath = relpath->get<std::string>();
    if (!is_md5_hex(entry.md5)) {
      throw Error(source + ": malformed md5 '" + entry.md5 + "' for '" + entry.relpath +
                  "'");
    }
    if (auto problem = core::data_path_problem(entry.relpath);
        problem || !core::is_safe_relative_path(entry.relpath)) {
      throw Error(source + ": unsafe path '" + entry.relpath + "'" +
                  (problem ? " (" + *problem + ")" : std::string()));
    }
    if (auto isexec = item.find("isexec"); isexec != item.end() && isexec->is_boolean()) {
      entry.executable = isexec->get<bool>();
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

namespace {

// `text` as Python's json.dumps(ensure_ascii=True) writes a string.
std::optional<std::string>
json_string(std::string_view text)
{
  std::string out = "\"";
  auto escape = [&](unsigned code) {
    static const char k_hex[] = "0123456789abcdef";
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) {
      out += k_hex[(code >> shift) & 0xf];
    }
  };
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    unsigned code = 0;
    std::size_t length = 1;
    if (c < 0x80) {
      code = c;
    } else if ((c & 0xe0) == 0xc0) {
      code = c & 0x1f;
      length = 2;
    } else if ((c & 0xf0) == 0xe0) {
      code = c & 0x0f;
      length = 3;
    } else if ((c & 0xf8) == 0xf0) {
      code = c & 0x07;
      length = 4;
    } else {
      return std::nullopt;
    }
    if (i + length > text.size()) {
      return std::nullopt;
    }
    for (std::size_t k = 1; k < length; ++k) {
      unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) {
        return std::nullopt;
      }
      code = (code << 6) | (next & 0x3f);
    }
    i += length;
    switch (code) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    default:
      if (code >= 0x20 && code < 0x7f) {
        out += static_cast<char>(code);
      } else if (code > 0xffff) {
        code -= 0x10000;
        escape(0xd800 + (code >> 10));
        escape(0xdc00 + (code & 0x3ff));
      } else {
        escape(code);
      }
    }
  }
  return out + "\"";
}

} // namespace

std::optional<std::string>
serialize_dir_manifest(std::vector<DvcDirEntry> entries)
{
  std::sort(
      entries.begin(), entries.end(),
      [](const DvcDirEntry& a, const DvcDirEntry& b) { return a.relpath < b.relpath; });
  std::string text = "[";
  for (const auto& entry : entries) {
    auto relpath = json_string(entry.relpath);
    if (!relpath) {
      return std::nullopt;
    }
    text += (text.size() > 1 ? ", " : "");
    text += "{";
    if (entry.executable) {
      text += "\"isexec\": true, ";
    }
    text += "\"md5\": \"" + entry.md5 + "\", \"relpath\": " + *relpath + "}";
  }
  return text + "]";
}

std::map<std::string, DvcLockStage>
parse_dvc_lock(std::string_view text, const std::string& source)
{
  std::map<std::string, DvcLockStage> stages;
  try {
    auto document = core::parse_yaml(text, source);
    auto at = [&](const YAML::Node& n) { return core::yaml_position(source, n.Mark()); };
    if (document.IsNull()) {
      return stages;
    }
    if (!document.IsMap()) {
      throw Error(at(document) + ": expected a mapping with 'schema' and 'stages'");
    }
    if (auto schema = document["schema"]; !schema || schema.Scalar() != "2.0") {
      throw Error(at(schema ? schema : document) +
                  ": unsupported dvc.lock schema (expected '2.0', as DVC 2 and 3 write)");
    }
    auto list = document["stages"];
    if (!list) {
      return stages;
    }
    if (!list.IsMap()) {
      throw Error(at(list) + ": 'stages' must be a mapping");
    }
    for (const auto& item : list) {
      const YAML::Node& node = item.second;
      if (!node.IsMap()) {
        throw Error(at(node) + ": a stage must be a mapping");
      }
      DvcLockStage stage;
      for (const auto& field : node) {
        auto key = field.first.Scalar();
        const YAML::Node& value = field.second;
        if (key == "cmd") {
          stage.cmd_is_list = value.IsSequence();
          if (value.IsSequence()) {
            for (const auto& line : value) {
              stage.cmd.push_back(line.as<std::string>());
            }
          } else {
            stage.cmd.push_back(value.as<std::string>());
          }
        } else if (key == "deps") {
          stage.deps = parse_entries(value, source);
        } else if (key == "outs") {
          stage.outs = parse_entries(value, source);
        } else if (key == "params") {
          parse_params(value, source, stage.params);
        }
      }
      stages[item.first.Scalar()] = std::move(stage);
    }
  } catch (const YAML::Exception& e) {
    throw Error(core::yaml_position(source, e.mark) + ": " + e.msg);
  }
  return stages;
}

DvcConfig
DvcConfig::parse(std::string_view text, const std::string& source)
{
  DvcConfig config;
  enum class Section
  {
    none,
    core,
    cache,
    remote,
    other
  } section = Section::none;
  std::size_t number = 0;
  for (const auto& raw : core::split_lines(text)) {
    ++number;
    std::string line = core::trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') {
      continue;
    }
    if (line.front() == '[') {
      if (line.back() != ']') {
        throw Error(source + ":" + std::to_string(number) + ": malformed section header");
      }
      std::string name = unquote(core::trim(line.substr(1, line.size() - 2)));
      if (name == "core") {
        section = Section::core;
      } else if (name == "cache") {
        section = Section::cache;
      } else if (name.starts_with("remote ")) {
        std::string remote = unquote(core::trim(name.substr(7)));
        if (remote.empty()) {
          throw Error(source + ":" + std::to_string(number) + ": remote without a name");
        }
        section = Section::remote;
        config.remotes.push_back({remote, {}});
      } else {
        section = Section::other;
      }
      continue;
    }
    auto equals = line.find('=');
    if (equals == std::string::npos) {
      throw Error(source + ":" + std::to_string(number) + ": expected 'key = value'");
    }
    std::string key = core::trim(line.substr(0, equals));
    std::string value = unquote(core::trim(line.substr(equals + 1)));
    switch (section) {
    case Section::core:
      config.core[key] = value;
      break;
    case Section::cache:
      config.cache[key] = value;
      break;
    case Section::remote:
      config.remotes.back().options[key] = value;
      break;
    case Section::none:
      throw Error(source + ":" + std::to_string(number) + ": a key before any section");
    case Section::other:
      break;
    }
  }
  return config;
}

std::optional<std::string>
local_url_from_root(const std::string& url)
{
  std::string path = url;
  if (path.rfind("file://", 0) == 0) {
    path = path.substr(7);
  } else if (path.find("://") != std::string::npos) {
    return std::nullopt;
  }
  fs::path p(path);
  if (p.is_absolute()) {
    return p.lexically_normal().generic_string();
  }
  auto normal = (fs::path(".dvc") / p).lexically_normal().generic_string();
  while (normal.size() > 1 && normal.back() == '/') {
    normal.pop_back();
  }
  return normal.empty() ? std::string(".") : normal;
}

bool
looks_like_text(std::string_view block)
{
  if (block.empty()) {
    return true;
  }
  std::size_t nontext = 0;
  for (unsigned char c : block) {
    if (c == 0) {
      return false;
    }
    bool text = (c >= 32 && c < 127) || c == '\n' || c == '\r' || c == '\t' ||
                c == '\f' || c == '\b';
    nontext += text ? 0 : 1;
  }
  return static_cast<double>(nontext) / static_cast<double>(block.size()) <= 0.30;
}

void
DvcHasher::update(std::string_view data)
{
  if (m_decided) {
    feed(data);
    return;
  }
  if (m_kind == HashKind::md5) {
    m_decided = true;
    feed(data);
    return;
  }
  auto take = std::min(data.size(), k_text_block - m_head.size());
  m_head.append(data.substr(0, take));
  if (m_head.size() == k_text_block) {
    m_decided = true;
    m_dos2unix = looks_like_text(m_head);
    feed(m_head);
    m_head.clear();
    feed(data.substr(take));
  }
}

void
DvcHasher::feed(std::string_view data)
{
  if (!m_dos2unix) {
    m_md5.update(data);
    return;
  }
  std::string out;
  out.reserve(data.size() + 1);
  std::size_t i = 0;
  if (m_pending_cr && !data.empty()) {
    m_pending_cr = false;
    if (data[0] != '\n') {
      out.push_back('\r');
    }
  }
  for (; i < data.size(); ++i) {
    char c = data[i];
    if (c != '\r') {
      out.push_back(c);
    } else if (i + 1 == data.size()) {
      m_pending_cr = true; // decided by the next piece
    } else if (data[i + 1] != '\n') {
      out.push_back('\r');
    }
  }
  m_md5.update(out);
}

std::string
DvcHasher::finish_hex()
{
  if (!m_decided) {
    m_decided = true;
    m_dos2unix = looks_like_text(m_head);
    std::string head = std::move(m_head);
    feed(head);
  }
  if (m_pending_cr) {
    m_md5.update("\r");
    m_pending_cr = false;
  }
  return m_md5.finish_hex();
}

std::string
dvc_md5(std::string_view data, HashKind kind)
{
  DvcHasher hasher(kind);
  hasher.update(data);
  return hasher.finish_hex();
}

std::string
dvc_md5_file(const fs::path& file, HashKind kind)
{
  auto fd = core::open_read(file);
  DvcHasher hasher(kind);
  std::vector<char> buffer(1 << 20);
  while (true) {
    auto got = core::read_full(fd.get(), buffer.data(), buffer.size(), file);
    if (got == 0) {
      break;
    }
    hasher.update(std::string_view(buffer.data(), got));
    if (got < buffer.size()) {
      break;
    }
  }
  return hasher.finish_hex();
}

fs::path
layout3_path(const fs::path& base, const DvcHash& hash)
{
  return base / "files" / "md5" / hash.md5.substr(0, 2) /
         (hash.md5.substr(2) + (hash.is_dir ? ".dir" : ""));
}

fs::path
layout2_path(const fs::path& base, const DvcHash& hash)
{
  return base / hash.md5.substr(0, 2) /
         (hash.md5.substr(2) + (hash.is_dir ? ".dir" : ""));
}

} // namespace trove::dvc
