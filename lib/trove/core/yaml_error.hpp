#pragma once

#include <string>
#include <string_view>

namespace YAML {
class Node;
struct Mark;
} // namespace YAML

namespace trove::core {

// "file:line:column" (1-based) for a position yaml-cpp reports (0-based).
std::string yaml_position(const std::string& source, const YAML::Mark& mark);

// Parses YAML text; a syntax error becomes a trove::Error naming
// file:line:column and what is wrong.
YAML::Node parse_yaml(std::string_view text, const std::string& source);

} // namespace trove::core
