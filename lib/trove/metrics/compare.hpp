#pragma once

#include <trove/metrics/table.hpp>
#include <trove/metrics/version.hpp>

#include <optional>
#include <string>
#include <vector>

namespace trove::metrics {

// Revision, Path, then one column per key (in the order first seen); a row
// per revision and file, `-` where a revision lacks a key.
Table show_table(const std::vector<RevisionValues>& revisions, int precision);

// [{"rev": label, "commit": sha or null, "files": {path: document},
//   "errors": {path: message}}], values in full.
Value show_json(const std::vector<RevisionValues>& revisions);

// One key whose values differ between two revisions (or every key, --all).
struct Change
{
  std::string path;
  std::string key;
  std::optional<Value> old_value; // nullopt: absent at A
  std::optional<Value> new_value; // nullopt: absent at B
};

std::vector<Change> compare(const std::vector<FileValues>& a,
                            const std::vector<FileValues>& b,
                            bool include_unchanged);

// Path, Metric (or Param), A, B, and with `with_change` Change = B - A.
Table diff_table(const std::vector<Change>& changes,
                 const std::string& key_title,
                 const std::string& label_a,
                 const std::string& label_b,
                 bool with_change,
                 int precision);

// {path: {key: {"old": a, "new": b, "diff": b - a}}}, as DVC writes it;
// null for a side that lacks the key, no "diff" unless both are numbers.
Value diff_json(const std::vector<Change>& changes);

} // namespace trove::metrics
