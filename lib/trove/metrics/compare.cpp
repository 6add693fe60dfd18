#include <trove/metrics/compare.hpp>

#include <map>
#include <set>

namespace trove::metrics {

namespace {

const std::string k_absent = "-";

std::string
shown(const std::optional<Value>& value, int precision)
{
  return value ? display(*value, precision) : k_absent;
}

const Value*
find_value(const FlatValues& values, const std::string& key)
{
  for (const auto& [name, value] : values) {
    if (name == key) {
      return &value;
    }
  }
  return nullptr;
}

// The file's values, or none when it is absent or could not be read.
const FileValues&
file_or_none(const std::vector<FileValues>& files, const std::string& path)
{
  static const FileValues none;
  for (const auto& file : files) {
    if (file.path == path && file.error.empty()) {
      return file;
    }
  }
  return none;
}

} // namespace

Table
show_table(const std::vector<RevisionValues>& revisions, int precision)
{
  std::vector<std::string> keys;
  std::set<std::string> seen;
  for (const auto& revision : revisions) {
    for (const auto& file : revision.files) {
      for (const auto& [key, value] : file.values) {
        if (seen.insert(key).second) {
          keys.push_back(key);
        }
      }
    }
  }
  Table table;
  table.header = {"Revision", "Path"};
  table.header.insert(table.header.end(), keys.begin(), keys.end());
  for (const auto& revision : revisions) {
    if (revision.files.empty()) {
      table.rows.emplace_back(table.header.size(), k_absent)[0] = revision.revision.label;
      continue;
    }
    for (const auto& file : revision.files) {
      auto& row = table.rows.emplace_back();
      row.push_back(revision.revision.label);
      row.push_back(file.path);
      for (const auto& key : keys) {
        const Value* value = find_value(file.values, key);
        row.push_back(value ? display(*value, precision) : k_absent);
      }
    }
  }
  return table;
}

Value
show_json(const std::vector<RevisionValues>& revisions)
{
  Value out = Value::array();
  for (const auto& revision : revisions) {
    Value entry = Value::object();
    entry["rev"] = revision.revision.label;
    entry["commit"] =
        revision.revision.commit ? Value(*revision.revision.commit) : Value();
    entry["files"] = Value::object();
    entry["errors"] = Value::object();
    if (!revision.error.empty()) {
      entry["errors"][""] = revision.error;
    }
    for (const auto& file : revision.files) {
      if (file.error.empty()) {
        entry["files"][file.path] = file.document;
      } else {
        entry["errors"][file.path] = file.error;
      }
    }
    out.push_back(std::move(entry));
  }
  return out;
}

std::vector<Change>
compare(const std::vector<FileValues>& a,
        const std::vector<FileValues>& b,
        bool include_unchanged)
{
  std::set<std::string> paths;
  for (const auto* side : {&a, &b}) {
    for (const auto& file : *side) {
      if (file.error.empty()) {
        paths.insert(file.path);
      }
    }
  }
  std::vector<Change> changes;
  for (const auto& path : paths) {
    const FileValues& old_file = file_or_none(a, path);
    const FileValues& new_file = file_or_none(b, path);
    std::vector<std::string> keys;
    std::set<std::string> seen;
    for (const auto* file : {&old_file, &new_file}) {
      for (const auto& [key, value] : file->values) {
        if (seen.insert(key).second) {
          keys.push_back(key);
        }
      }
    }
    for (const auto& key : keys) {
      Change change{path, key, std::nullopt, std::nullopt};
      if (const Value* value = find_value(old_file.values, key)) {
        change.old_value = *value;
      }
      if (const Value* value = find_value(new_file.values, key)) {
        change.new_value = *value;
      }
      if (include_unchanged || change.old_value != change.new_value) {
        changes.push_back(std::move(change));
      }
    }
  }
  return changes;
}

Table
diff_table(const std::vector<Change>& changes,
           const std::string& key_title,
           const std::string& label_a,
           const std::string& label_b,
           bool with_change,
           int precision)
{
  Table table;
  table.header = {"Path", key_title, label_a, label_b};
  if (with_change) {
    table.header.push_back("Change");
  }
  for (const auto& change : changes) {
    auto& row = table.rows.emplace_back();
    row = {change.path, change.key, shown(change.old_value, precision),
           shown(change.new_value, precision)};
    if (with_change) {
      std::optional<Value> delta;
      if (change.old_value && change.new_value) {
        delta = difference(*change.old_value, *change.new_value);
      }
      row.push_back(shown(delta, precision));
    }
  }
  return table;
}

Value
diff_json(const std::vector<Change>& changes)
{
  Value out = Value::object();
  for (const auto& change : changes) {
    Value entry = Value::object();
    entry["old"] = change.old_value ? *change.old_value : Value();
    entry["new"] = change.new_value ? *change.new_value : Value();
    if (change.old_value && change.new_value) {
      if (auto delta = difference(*change.old_value, *change.new_value)) {
        entry["diff"] = *delta;
      }
    }
    out[change.path][change.key] = std::move(entry);
  }
  return out;
}

} // namespace trove::metrics
