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

// Value equality where NaN equals NaN (a NaN param is not a change).
inline bool
same_value(const pipeline::Value& a, const pipeline::Value& b)
{
  if (a.is_number_float() && b.is_number_float() && std::isnan(a.get<double>())
      && std::isnan(b.get<double>())) {
    return true;
  }
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size()) {
      return false;
    }
    for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
      if (i.key() != j.key() || !same_value(i.value(), j.value())) {
        return false;
      }
    }
    return true;
  }
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) {
      return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!same_value(a[i], b[i])) {
        return false;
      }
    }
    return true;
  }
  return a == b;
}

// Whether a mapping anywhere in `value` has the key "<<".
inline bool
has_merge_key(const pipeline::Value& value)
{
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (key == "<<" || has_merge_key(item)) {
        return true;
      }
    }
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (has_merge_key(item)) {
        return true;
      }
    }
  }
  return false;
}

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
  if (skipping_open_findings() && has_merge_key(value)) {
    return; // skips the open finding findings/values_json/merge-key-written-plain
  }
  if (skipping_open_findings()) {
    // Skips the open finding findings/values_yaml/emit-non-utf8-string (and
    // emit-noncharacter): yaml-cpp writes U+FFFD for bytes that are not
    // UTF-8 and for U+FFFE/U+FFFF. dump() throws on the former.
    try {
      std::string text = value.dump();
      if (text.find("\xEF\xBF\xBE") != std::string::npos
          || text.find("\xEF\xBF\xBF") != std::string::npos) {
        return;
      }
    } catch (const pipeline::Value::type_error&) {
      return;
    }
  }
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
  if (!again.is_object() || !again.contains("param") || !same_value(again["param"], value)) {
    finding("a value changes through emit_value: " + shown(value) + " -> " + shown(again)
            + "\n" + text);
  }
}

inline void
check_values(std::string_view text, const std::string& source)
{
  if (is_deeply_nested(text) || has_many_aliases(text)) {
    return; // open findings, see fuzz_support.hpp
  }
  pipeline::Value document;
  try {
    document = pipeline::parse_value(std::string(text), source);
  } catch (const Error&) {
    return;
  } catch (const std::exception& e) {
    if (is_open_finding_exception(e)) {
      return;
    }
    throw;
  }
  auto values = metrics::flatten(document);
  const pipeline::Value* previous = nullptr;
  for (const auto& [key, value] : values) {
    try {
      std::ignore = metrics::display(value, 5);
    } catch (const std::exception& e) {
      if (!is_open_finding_exception(e)) {
        throw;
      }
    }
    std::ignore = pipeline::to_display_string(value);
    std::ignore = pipeline::select(document, key);
    // Skips the open finding findings/values_json/difference-signed-overflow
    // (integers far apart) until it is fixed.
    bool far_apart = previous && previous->is_number_integer() && value.is_number_integer()
                     && (std::abs(previous->get<double>()) > 4e18
                         || std::abs(value.get<double>()) > 4e18);
    if (previous && !(far_apart && skipping_open_findings())) {
      std::ignore = metrics::difference(*previous, value);
    }
    previous = &value;
  }
  check_emitted(document);
}

} // namespace trove::fuzz
