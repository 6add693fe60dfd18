#include <trove/pipeline/pipeline_editor.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/text.hpp>
#include <trove/core/yaml_error.hpp>
#include <trove/pipeline/graph.hpp>

#include <yaml-cpp/yaml.h>

namespace trove::pipeline {

namespace {

// A blank line, or a comment indented no deeper than `indent`: such a
// comment just before the next entry belongs to that entry, a deeper one to
// the entry above.
bool
is_blank_or_outer_comment(const std::string& line, int indent)
{
  auto first = line.find_first_not_of(" \t");
  return first == std::string::npos ||
         (line[first] == '#' && first <= std::size_t(indent));
}

// Moves `end` back over the lines that belong to what follows.
std::size_t
trim_back(const std::vector<std::string>& lines,
          std::size_t begin,
          std::size_t end,
          int indent)
{
  while (end > begin + 1 && is_blank_or_outer_comment(lines[end - 1], indent)) {
    --end;
  }
  return end;
}

// The `stages:` mapping of a pipeline file and where its text lies.
struct StagesBlock
{
  bool found = false; // a default YAML::Node is a defined null, so say it
  YAML::Node stages;
  std::vector<std::pair<YAML::Node, YAML::Node>> entries; // name, definition
  std::size_t end_line = 0; // past the last line of the last stage
  int indent = 2;           // of the stage names
};

StagesBlock
find_stages(const std::string& text,
            const std::vector<std::string>& lines,
            const std::string& path)
{
  StagesBlock block;
  auto document = core::parse_yaml(text, path);
  if (!document.IsNull() && !document.IsMap()) {
    throw Error(path + ": a pipeline file must be a mapping with 'stages'");
  }
  block.end_line = lines.size();
  if (document.IsNull()) {
    return block;
  }
  bool after_stages = false;
  for (const auto& item : document) {
    if (after_stages) {
      block.end_line = item.first.Mark().line; // the next top-level key
      break;
    }
    if (item.first.Scalar() == "stages") {
      after_stages = true;
      block.found = true;
      block.stages = item.second;
    }
  }
  if (!block.found || block.stages.IsNull()) {
    return block;
  }
  if (!block.stages.IsMap() || block.stages.Style() == YAML::EmitterStyle::Flow) {
    throw Error(core::yaml_position(path, block.stages.Mark()) +
                ": 'stages' must be a block mapping for trove to edit it");
  }
  for (const auto& item : block.stages) {
    block.entries.emplace_back(item.first, item.second);
  }
  if (!block.entries.empty()) {
    block.indent = block.entries.front().first.Mark().column;
    block.end_line = trim_back(lines, block.entries.back().first.Mark().line,
                               block.end_line, block.indent);
  }
  return block;
}

// The stage as YAML text, indented to sit under `stages:`.
std::vector<std::string>
stage_lines(const NewStage& stage, int indent)
{
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << stage.name << YAML::Value << YAML::BeginMap;
  if (!stage.desc.empty()) {
    out << YAML::Key << "desc" << YAML::Value << stage.desc;
  }
  out << YAML::Key << "cmd" << YAML::Value << stage.cmd;
  if (!stage.wdir.empty()) {
    out << YAML::Key << "wdir" << YAML::Value << stage.wdir;
  }
  if (!stage.deps.empty()) {
    out << YAML::Key << "deps" << YAML::Value << stage.deps;
  }
  if (!stage.params.empty()) {
    out << YAML::Key << "params" << YAML::Value << YAML::BeginSeq;
    for (const auto& entry : stage.params) {
      if (entry.file == "params.yaml") {
        for (const auto& key : entry.keys) {
          out << key;
        }
      } else {
        out << YAML::BeginMap << YAML::Key << entry.file << YAML::Value << YAML::Flow
            << entry.keys << YAML::EndMap;
      }
    }
    out << YAML::EndSeq;
  }
  for (auto [kind, key] :
       {std::pair{Output::Kind::out, "outs"}, std::pair{Output::Kind::metric, "metrics"},
        std::pair{Output::Kind::plot, "plots"}}) {
    bool any = false;
    for (const auto& output : stage.outs) {
      if (output.kind != kind) {
        continue;
      }
      if (!any) {
        out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
        any = true;
      }
      if (output.cache && !output.persist) {
        out << output.path;
        continue;
      }
      out << YAML::BeginMap << YAML::Key << output.path << YAML::Value << YAML::BeginMap;
      if (!output.cache) {
        out << YAML::Key << "cache" << YAML::Value << false;
      }
      if (output.persist) {
        out << YAML::Key << "persist" << YAML::Value << true;
      }
      out << YAML::EndMap << YAML::EndMap;
    }
    if (any) {
      out << YAML::EndSeq;
    }
  }
  if (stage.always_changed) {
    out << YAML::Key << "always_changed" << YAML::Value << true;
  }
  out << YAML::EndMap << YAML::EndMap;
  std::vector<std::string> lines;
  for (const auto& line : core::split_lines(out.c_str())) {
    lines.push_back(std::string(std::size_t(indent), ' ') + line);
  }
  return lines;
}

// Parses and checks the edited text, then replaces the file atomically.
void
save_checked(const fs::path& root,
             const std::string& path,
             const std::vector<std::string>& lines)
{
  std::string text = core::join_lines(lines);
  Graph check(parse_pipeline_file(root, path, text).stages);
  core::write_file_atomic(root / path, text);
}

std::string
read_if_exists(const fs::path& file)
{
  std::error_code ec;
  return fs::exists(file, ec) ? core::read_file(file) : std::string();
}

} // namespace

void
add_stage(const fs::path& root,
          const std::string& path,
          const NewStage& stage,
          bool replace)
{
  if (stage.name.empty() || stage.name.find_first_of(":/\\@") != std::string::npos) {
    throw Error("invalid stage name '" + stage.name +
                "' (it may not contain ':', '/', '\\' or '@')");
  }
  std::string text = read_if_exists(root / path);
  auto lines = core::split_lines(text);
  auto block = find_stages(text, lines, path);
  std::size_t at = block.end_line;
  for (std::size_t i = 0; i < block.entries.size(); ++i) {
    if (block.entries[i].first.Scalar() != stage.name) {
      continue;
    }
    if (!replace) {
      throw Error("stage '" + stage.name + "' already exists in '" + path +
                  "' (use -f to replace it)");
    }
    at = block.entries[i].first.Mark().line;
    std::size_t end =
        i + 1 < block.entries.size()
            ? trim_back(lines, at, block.entries[i + 1].first.Mark().line, block.indent)
            : block.end_line;
    lines.erase(lines.begin() + long(at), lines.begin() + long(end));
    break;
  }
  auto added = stage_lines(stage, block.indent);
  if (!block.found) {
    at = lines.size();
    added.insert(added.begin(), "stages:");
  } else if (block.stages.IsNull()) {
    // "stages:" with nothing under it: the stage goes right below.
    at = block.stages.Mark().line + 1;
  }
  lines.insert(lines.begin() + long(at), added.begin(), added.end());
  save_checked(root, path, lines);
}

void
set_frozen(const fs::path& root,
           const std::string& path,
           const std::string& name,
           bool frozen)
{
  std::string text = read_if_exists(root / path);
  auto lines = core::split_lines(text);
  auto block = find_stages(text, lines, path);
  auto at = name.find('@');
  std::string base = name.substr(0, at);
  for (const auto& [key, definition] : block.entries) {
    if (key.Scalar() != base) {
      continue;
    }
    if (at != std::string::npos) {
      throw Error("'" + name +
                  "' is generated by foreach or matrix; freeze or unfreeze '" + base +
                  "' to change all of its stages");
    }
    YAML::Node body = definition["do"] ? definition["do"] : definition;
    if (!body.IsMap() || body.Style() == YAML::EmitterStyle::Flow) {
      throw Error(core::yaml_position(path, body.Mark()) +
                  ": the stage must be a block mapping for trove to edit it");
    }
    std::size_t line = body.Mark().line;
    std::string indent(std::size_t(body.Mark().column), ' ');
    if (auto existing = body["frozen"]) {
      line = existing.Mark().line;
      lines.erase(lines.begin() + long(line));
    }
    if (frozen) {
      lines.insert(lines.begin() + long(line), indent + "frozen: true");
    }
    save_checked(root, path, lines);
    return;
  }
  throw Error("'" + path + "' has no stage '" + name + "'");
}

} // namespace trove::pipeline
