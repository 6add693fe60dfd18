#pragma once

#include <trove/pipeline/value.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace trove::metrics {

using pipeline::Value;

// A metrics or params file's values by dotted key, in file order.
using FlatValues = std::vector<std::pair<std::string, Value>>;

// Nested mappings become dotted keys (`train.lr`); lists of mappings or
// lists are indexed (`layers.0.units`); a list of plain values stays one
// value, compared as a whole.
FlatValues flatten(const Value& value);

// A value for people: integers as written, floats with `precision`
// significant digits, strings bare, lists and mappings as JSON.
std::string display(const Value& value, int precision);

// b - a when both are numbers (an integer when both are), else nullopt.
std::optional<Value> difference(const Value& a, const Value& b);

} // namespace trove::metrics
