#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace YAML {
class Node;
}

namespace trove::pipeline {

namespace fs = std::filesystem;

// A typed value from a YAML or JSON file (params, vars, resolved stage
// fields). Mappings keep their order, as foreach and matrix depend on it.
using Value = nlohmann::ordered_json;

// The entries of a YAML mapping with merge keys (`<<: *base`, or a list of
// them) applied: explicit keys win over merged ones, earlier merges over
// later ones. yaml-cpp resolves aliases but leaves `<<` as a plain key.
std::vector<std::pair<YAML::Node, YAML::Node>> map_entries(const YAML::Node& map);

// Converts YAML to a Value with YAML 1.2 core schema types, as DVC's YAML
// loader reads it: plain `1` is an int, `1.0`/`1e-3` a float, `true` a bool,
// `null`/`~`/empty null; quoted scalars stay strings.
Value to_value(const YAML::Node& node);

// Value equality as DVC compares params: NaN equals NaN, and the order of a
// mapping's keys does not count.
bool same_value(const Value& a, const Value& b);

// The typed value of one plain or quoted scalar.
Value scalar_value(const YAML::Node& node);

// Parses YAML or JSON text as a Value, the format chosen by the extension of
// `source` (.yaml, .yml, .json), which errors name with the position.
Value parse_value(const std::string& text, const std::string& source);

// Loads a .yaml/.yml or .json file as a Value; errors name `source` and the
// position. Missing files throw too.
Value load_value_file(const fs::path& path, const std::string& source);

// The value at a dotted path (`train.lr`, `layers.0.units`, `a[1]`), or null
// when any part is missing.
const Value* select(const Value& root, const std::string& path);

// A value as DVC writes it into a string (Python's str(): `True` is `true`,
// floats in shortest round-trip form, `None` for null).
std::string to_display_string(const Value& value);

} // namespace trove::pipeline
