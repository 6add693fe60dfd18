#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace YAML {
class Node;
struct Mark;
} // namespace YAML

namespace trove::core {

// How deeply lists and mappings may nest in a YAML or JSON file a repository
// carries (params, metrics, plots data, vars, pipeline, lock and pointer
// files). Real files nest a few levels; the readers that walk a value
// recurse, so a hostile file must be refused before they do. Below
// yaml-cpp's own recursion guard (500), which answers only "bad file".
inline constexpr int k_max_nesting = 256;

// How many nodes aliases may add to a YAML document once expanded: "billion
// laughs" (aliases of aliases of lists) is a few hundred bytes of YAML that
// expand to gigabytes in the readers.
inline constexpr std::size_t k_max_alias_nodes = 100'000;

// "FILE: nested too deeply (more than N levels)"; `where` is a file name,
// or file:line:column.
std::string nested_too_deeply(const std::string& where);

// "file:line:column" (1-based) for a position yaml-cpp reports (0-based).
std::string yaml_position(const std::string& source, const YAML::Mark& mark);

// The value of mapping key `key` as a count (size, nfiles); anything else
// is an error naming file:line:column.
std::uint64_t
yaml_count(const YAML::Node& node, const std::string& source, const char* key);

// Parses YAML text (its first document); errors name file:line:column and
// what is wrong: syntax, a key given twice in one mapping (DVC's YAML
// loader refuses those too, and trove's readers would otherwise disagree
// on which one wins), nesting deeper than k_max_nesting, aliases expanding
// to more than k_max_alias_nodes nodes, or an alias inside its own anchor.
// These are checked on the parser's events, before any node is built.
YAML::Node parse_yaml(std::string_view text, const std::string& source);

} // namespace trove::core
