#include <trove/pipeline/pipeline_editor.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/text.hpp>
#include <trove/core/yaml_error.hpp>
#include <trove/pipeline/graph.hpp>

#include <yaml-cpp/yaml.h>

#include <map>

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

// The mapping that holds a stage's keys (its definition, or foreach's
// `do`) and the key it is written under.
std::pair<YAML::Node, YAML::Node>
stage_body(const YAML::Node& key, const YAML::Node& definition)
{
  if (definition.IsMap()) {
    for (const auto& item : definition) {
      if (item.first.Scalar() == "do") {
        return {item.first, item.second};
      }
    }
  }
  return {key, definition};
}

bool
is_before(const YAML::Mark& a, const YAML::Mark& b)
{
  return a.line < b.line || (a.line == b.line && a.column < b.column);
}

// `frozen: VALUE` as the first line of a stage's block mapping, indented as
// its first key (the mapping's own mark may be an anchor or a tag on the
// line of the stage's name).
void
insert_frozen(std::vector<std::string>& lines, const YAML::Node& body, bool frozen)
{
  const YAML::Mark first = body.begin()->first.Mark();
  lines.insert(lines.begin() + long(first.line),
               std::string(std::size_t(first.column), ' ') +
                   "frozen: " + (frozen ? "true" : "false"));
}

// Removes a stage's own `frozen:` line, and writes `frozen: true` when
// freezing. What the text cannot show is refused: a stage that is an alias
// of another's definition has its keys elsewhere.
void
edit_frozen(std::vector<std::string>& lines,
            const std::string& path,
            const std::string& name,
            const YAML::Node& key,
            const YAML::Node& body,
            bool frozen)
{
  if (!body.IsMap() || body.Style() == YAML::EmitterStyle::Flow || body.size() == 0) {
    throw Error(core::yaml_position(path, body.Mark()) +
                ": the stage must be a block mapping for trove to edit it");
  }
  // A node that starts before its key is an alias (*name) of one written
  // earlier.
  if (is_before(body.Mark(), key.Mark())) {
    throw Error(core::yaml_position(path, key.Mark()) + ": stage '" + name +
                "' is a YAML alias of another definition; trove cannot " +
                (frozen ? "freeze" : "unfreeze") +
                " it in place: edit the file by hand (for example '" + name +
                ": {<<: *anchor, frozen: true}')");
  }
  for (const auto& item : body) {
    if (item.first.Scalar() != "frozen") {
      continue;
    }
    if (item.second.Mark().line != item.first.Mark().line) {
      throw Error(core::yaml_position(path, item.first.Mark()) +
                  ": 'frozen' and its value must be on one line for trove to edit it");
    }
    lines.erase(lines.begin() + long(item.first.Mark().line));
    break;
  }
  if (frozen) {
    // The first key's line is unchanged when the erased line was below it,
    // and when `frozen` was the first key, the next key moved up to it.
    insert_frozen(lines, body, true);
  }
}

// Every stage of the file, by name, and whether it is frozen.
std::map<std::string, bool>
frozen_states(const fs::path& root, const std::string& path, const std::string& text)
{
  std::map<std::string, bool> states;
  for (const auto& stage : parse_pipeline_file(root, path, text).stages) {
    states[stage.name] = stage.frozen;
  }
  return states;
}

bool
is_generated_by(const std::string& stage, const std::string& base)
{
  return stage == base || stage.starts_with(base + "@");
}

bool
frozen_differs(const std::map<std::string, bool>& states,
               const std::string& base,
               bool frozen)
{
  for (const auto& [stage, state] : states) {
    if (is_generated_by(stage, base) && state != frozen) {
      return true;
    }
  }
  return false;
}

// An edit of one stage's mapping also changes the stages that use it
// through an alias or a merge key.
bool
others_changed(const std::map<std::string, bool>& before,
               const std::map<std::string, bool>& after,
               const std::string& base)
{
  for (const auto& [stage, state] : before) {
    auto it = after.find(stage);
    if (!is_generated_by(stage, base) && (it == after.end() || it->second != state)) {
      return true;
    }
  }
  return false;
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
    auto before = frozen_states(root, path, core::join_lines(lines));
    auto [body_key, body] = stage_body(key, definition);
    edit_frozen(lines, path, base, body_key, body, frozen);
    auto after = frozen_states(root, path, core::join_lines(lines));
    if (frozen_differs(after, base, frozen) && !frozen) {
      // Still frozen through a merge key (`<<: *defaults`): say so in the
      // stage itself, where explicit keys win.
      insert_frozen(lines, body, false);
      after = frozen_states(root, path, core::join_lines(lines));
    }
    if (frozen_differs(after, base, frozen) || others_changed(before, after, base)) {
      throw Error(core::yaml_position(path, key.Mark()) + ": stage '" + base +
                  "' shares its definition with other stages through a YAML anchor; "
                  "trove cannot " +
                  (frozen ? "freeze" : "unfreeze") +
                  " it alone in place: edit the file by hand");
    }
    save_checked(root, path, lines);
    return;
  }
  throw Error("'" + path + "' has no stage '" + name + "'");
}

} // namespace trove::pipeline
