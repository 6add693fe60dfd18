#include <trove/core/yaml_error.hpp>

#include <trove/core/error.hpp>

#include <yaml-cpp/yaml.h>

namespace trove::core {

std::string
yaml_position(const std::string& source, const YAML::Mark& mark)
{
  if (mark.is_null()) {
    return source;
  }
  return source + ":" + std::to_string(mark.line + 1) + ":" +
         std::to_string(mark.column + 1);
}

YAML::Node
parse_yaml(std::string_view text, const std::string& source)
{
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw Error(yaml_position(source, e.mark) + ": " + e.msg);
  }
}

} // namespace trove::core
