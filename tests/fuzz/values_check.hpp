#pragma once

// The checks fuzz_values_json and fuzz_values_yaml share: a params or
// metrics file parsed as `metrics show` and `params diff` read it, and its
// values written as trove.lock records params, which must read back equal.

#include "fuzz_support.hpp"

#include <trove/core/error.hpp>
#include <trove/metrics/values.hpp>
#include <trove/pipeline/lock_file.hpp>
#include <trove/pipeline/value.hpp>

#include <yaml-cpp/yaml.h>

#include <cmath>

namespace trove::fuzz {

// A value in a finding's message (dump() throws on a string that is not UTF-8).
inline std::string
shown(const pipeline::Value& value)
{
  return value.dump(-1, ' ', false, pipeline::Value::error_handler_t::replace);
}

// emit_value's promise: reading it back gives the same value.
inline void
check_emitted(const pipeline::Value& value)
{
  // As trove.lock holds a param: a mapping's value, never a document.
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "param" << YAML::Value;
  pipeline::emit_value(out, value);
  out << YAML::EndMap;
  if (!out.good()) {
    finding("emit_value fails (" + out.GetLastError() + ") on " + shown(value));
  }
  std::string text = out.c_str();
  pipeline::Value again;
  try {
    again = pipeline::parse_value(text, "emitted.yaml");
  } catch (const Error& e) {
    finding(std::string("an emitted value does not parse: ") + e.what() + "\n" + text);
  }
  if (!again.is_object() || !again.contains("param") ||
      !pipeline::same_value(again["param"], value)) {
    finding("a value changes through emit_value: " + shown(value) + " -> " +
            shown(again) + "\n" + text);
  }
}

inline void
check_values(std::string_view text, const std::string& source)
{
  pipeline::Value document;
  try {
    document = pipeline::parse_value(std::string(text), source);
  } catch (const Error&) {
    return;
  }
  auto values = metrics::flatten(document);
  const pipeline::Value* previous = nullptr;
  for (const auto& [key, value] : values) {
    std::ignore = metrics::display(value, 5);
    std::ignore = pipeline::to_display_string(value);
    std::ignore = pipeline::select(document, key);
    if (previous) {
      std::ignore = metrics::difference(*previous, value);
    }
    previous = &value;
  }
  check_emitted(document);
}

} // namespace trove::fuzz
