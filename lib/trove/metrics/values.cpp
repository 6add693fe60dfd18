#include <trove/metrics/values.hpp>

#include <cstdint>
#include <cstdio>

namespace trove::metrics {

namespace {

bool
is_container(const Value& value)
{
  return value.is_object() || value.is_array();
}

bool
holds_containers(const Value& list)
{
  for (const auto& item : list) {
    if (is_container(item)) {
      return true;
    }
  }
  return false;
}

void
flatten_into(const Value& value, const std::string& prefix, FlatValues& out)
{
  auto key_of = [&](const std::string& part) {
    return prefix.empty() ? part : prefix + "." + part;
  };
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      flatten_into(item, key_of(key), out);
    }
  } else if (value.is_array() && holds_containers(value)) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      flatten_into(value[i], key_of(std::to_string(i)), out);
    }
  } else {
    out.emplace_back(prefix, value);
  }
}

// An integer that fits int64 (JSON's 18446744073709551615 does not).
bool
as_int64(const Value& value, std::int64_t& out)
{
  if (value.is_number_unsigned()) {
    auto number = value.get<std::uint64_t>();
    out = static_cast<std::int64_t>(number);
    return number <= std::uint64_t(INT64_MAX);
  }
  out = value.is_number_integer() ? value.get<std::int64_t>() : 0;
  return value.is_number_integer();
}

} // namespace

FlatValues
flatten(const Value& value)
{
  FlatValues out;
  if (is_container(value)) {
    flatten_into(value, "", out);
  }
  return out;
}

std::string
display(const Value& value, int precision)
{
  if (value.is_number_float()) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*g", precision, value.get<double>());
    return text;
  }
  if (value.is_string()) {
    return value.get<std::string>();
  }
  return value.dump();
}

std::optional<Value>
difference(const Value& a, const Value& b)
{
  if (!a.is_number() || !b.is_number()) {
    return std::nullopt;
  }
  std::int64_t first = 0;
  std::int64_t second = 0;
  std::int64_t change = 0;
  if (as_int64(a, first) && as_int64(b, second) &&
      !__builtin_sub_overflow(second, first, &change)) {
    return change;
  }
  // Integers beyond int64, or a difference that is: as doubles, as Python
  // would print them within the display precision.
  return b.get<double>() - a.get<double>();
}

} // namespace trove::metrics
