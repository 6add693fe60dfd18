#include <trove/pipeline/value.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/text.hpp>
#include <trove/core/yaml_error.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <set>

namespace trove::pipeline {

namespace {

void
merge_into(std::vector<std::pair<YAML::Node, YAML::Node>>& entries,
           std::set<std::string>& seen,
           const YAML::Node& source)
{
  if (source.IsSequence()) {
    for (const auto& item : source) {
      merge_into(entries, seen, item);
    }
    return;
  }
  if (!source.IsMap()) {
    throw Error("a merge key (<<) needs a mapping or a list of mappings");
  }
  for (auto& [key, value] : map_entries(source)) {
    if (seen.insert(key.Scalar()).second) {
      entries.emplace_back(key, value);
    }
  }
}

bool
matches(const std::string& text, const std::regex& pattern)
{
  return std::regex_match(text, pattern);
}

// YAML 1.2 core schema scalars.
const std::regex k_int("[-+]?[0-9]+");
const std::regex k_hex("0x[0-9a-fA-F]+");
const std::regex k_octal("0o[0-7]+");
const std::regex k_float("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
const std::regex k_infinity("[-+]?\\.(inf|Inf|INF)");
const std::regex k_nan("\\.(nan|NaN|NAN)");

// Python's repr() of a float: shortest round-trip digits, scientific
// notation below 1e-4 and from 1e16, always a '.0' on whole numbers.
std::string
python_float(double value)
{
  if (std::isnan(value)) {
    return "nan";
  }
  if (std::isinf(value)) {
    return value < 0 ? "-inf" : "inf";
  }
  char buffer[64];
  auto end =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific)
          .ptr;
  std::string scientific(buffer, end); // d.ddde[+-]XX
  auto e = scientific.find('e');
  int exponent = std::stoi(scientific.substr(e + 1));
  std::string sign = scientific[0] == '-' ? "-" : "";
  std::string digits = scientific.substr(sign.size(), e - sign.size());
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  if (exponent < -4 || exponent >= 16) {
    std::string mantissa = digits.substr(0, 1);
    if (digits.size() > 1) {
      mantissa += "." + digits.substr(1);
    }
    std::string exp = std::to_string(std::abs(exponent));
    if (exp.size() < 2) {
      exp = "0" + exp;
    }
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
  }
  if (exponent < 0) {
    return sign + "0." + std::string(-exponent - 1, '0') + digits;
  }
  if (digits.size() <= std::size_t(exponent) + 1) {
    return sign + digits + std::string(exponent + 1 - digits.size(), '0') + ".0";
  }
  return sign + digits.substr(0, exponent + 1) + "." + digits.substr(exponent + 1);
}

// 0x/0o digits; one too large for 64 bits becomes a float, as a decimal
// integer that large does.
Value
based_integer(const std::string& digits, int base)
{
  std::int64_t number = 0;
  auto [ptr, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), number, base);
  if (ec == std::errc()) {
    return number;
  }
  double approximate = 0;
  for (char c : digits) {
    int digit = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    approximate = approximate * base + digit;
  }
  return approximate;
}

// nlohmann's message without its "[json.exception.parse_error.101] ".
std::string
without_exception_id(const nlohmann::json::exception& e)
{
  std::string_view text = e.what();
  if (text.starts_with("[json.exception.")) {
    text.remove_prefix(std::min(text.size(), text.find("] ") + 2));
  }
  return std::string(text);
}

// Reads JSON without recursing: nlohmann's parser keeps its own stack, and
// the callback stops it at k_max_nesting, before any reader walks the value.
Value
parse_json(const std::string& text, const std::string& source)
{
  // The parser checks UTF-8 itself; U+FFFE and U+FFFF it lets through.
  auto check = [&](int depth, Value::parse_event_t event, Value& parsed) {
    bool opens = event == Value::parse_event_t::object_start ||
                 event == Value::parse_event_t::array_start;
    if (opens && depth >= core::k_max_nesting) {
      throw Error(core::nested_too_deeply(source));
    }
    if (parsed.is_string()) {
      if (auto problem = core::utf8_problem(parsed.get_ref<const std::string&>())) {
        throw Error(source + ": " + *problem);
      }
    }
    return true;
  };
  try {
    return Value::parse(text, check);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(source + ": not valid JSON: " + without_exception_id(e));
  } catch (const nlohmann::json::out_of_range& e) {
    // 1e999: Python reads it as inf, but JSON has no infinity (nor NaN,
    // which the parser refuses), so the file is refused with its name.
    throw Error(source + ": " + without_exception_id(e) +
                " (out of the range of a number)");
  } catch (const nlohmann::json::exception& e) {
    throw Error(source + ": " + without_exception_id(e));
  }
}

std::string
python_repr(const Value& value)
{
  if (value.is_string()) {
    return "'" + value.get<std::string>() + "'";
  }
  return to_display_string(value);
}

} // namespace

std::vector<std::pair<YAML::Node, YAML::Node>>
map_entries(const YAML::Node& map)
{
  std::vector<std::pair<YAML::Node, YAML::Node>> entries;
  std::set<std::string> seen;
  std::vector<YAML::Node> merges;
  for (const auto& item : map) {
    if (item.first.Scalar() == "<<" && item.first.Tag() != "!") {
      merges.push_back(item.second);
    } else if (seen.insert(item.first.Scalar()).second) {
      entries.emplace_back(item.first, item.second);
    }
  }
  for (const auto& merge : merges) {
    merge_into(entries, seen, merge);
  }
  return entries;
}

Value
scalar_value(const YAML::Node& node)
{
  if (node.IsNull()) {
    return nullptr;
  }
  const std::string& text = node.Scalar();
  if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") {
    return text;
  }
  if (text == "true" || text == "True" || text == "TRUE") {
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    return false;
  }
  if (text == "null" || text == "Null" || text == "NULL" || text == "~") {
    return nullptr;
  }
  if (text.empty() ||
      std::string_view("0123456789+-.").find(text[0]) == std::string_view::npos) {
    return text;
  }
  if (matches(text, k_int)) {
    std::int64_t number = 0;
    const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
    auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), number);
    if (ec == std::errc()) {
      return number;
    }
  }
  if (matches(text, k_hex)) {
    return based_integer(text.substr(2), 16);
  }
  if (matches(text, k_octal)) {
    return based_integer(text.substr(2), 8);
  }
  if (matches(text, k_float)) {
    // As Python's float(): 1e999 is inf and 1e-999 is 0.0 (std::stod
    // would throw on both).
    return std::strtod(text.c_str(), nullptr);
  }
  if (matches(text, k_infinity)) {
    return text[0] == '-' ? -INFINITY : INFINITY;
  }
  if (matches(text, k_nan)) {
    return NAN;
  }
  return text;
}

Value
to_value(const YAML::Node& node)
{
  switch (node.Type()) {
  case YAML::NodeType::Map: {
    Value object = Value::object();
    for (const auto& [key, value] : map_entries(node)) {
      object[key.Scalar()] = to_value(value);
    }
    return object;
  }
  case YAML::NodeType::Sequence: {
    Value array = Value::array();
    for (const auto& item : node) {
      array.push_back(to_value(item));
    }
    return array;
  }
  case YAML::NodeType::Scalar:
    return scalar_value(node);
  default:
    return nullptr;
  }
}

bool
same_value(const Value& a, const Value& b)
{
  if (a.is_number_float() && b.is_number_float() && std::isnan(a.get<double>()) &&
      std::isnan(b.get<double>())) {
    return true;
  }
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size()) {
      return false;
    }
    // Key order does not count, as in DVC's comparison of Python dicts.
    for (auto i = a.begin(); i != a.end(); ++i) {
      auto j = b.find(i.key());
      if (j == b.end() || !same_value(i.value(), j.value())) {
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

Value
parse_value(const std::string& text, const std::string& source)
{
  auto extension = fs::path(source).extension().string();
  if (extension == ".json") {
    return parse_json(text, source);
  }
  if (extension != ".yaml" && extension != ".yml") {
    throw Error(source + ": unsupported file type '" + extension +
                "' (YAML and JSON are read)");
  }
  auto root = core::parse_yaml(text, source);
  try {
    return to_value(root);
  } catch (const Error& e) {
    throw Error(source + ": " + e.what());
  }
}

Value
load_value_file(const fs::path& path, const std::string& source)
{
  return parse_value(core::read_file(path), source);
}

const Value*
select(const Value& root, const std::string& path)
{
  // "a[0].b" is read as "a.0.b".
  std::string dotted;
  for (char c : path) {
    if (c == '[') {
      dotted += '.';
    } else if (c != ']') {
      dotted += c;
    }
  }
  const Value* current = &root;
  std::size_t start = 0;
  while (true) {
    std::size_t end = dotted.find('.', start);
    std::string part = dotted.substr(start, end == std::string::npos ? end : end - start);
    if (current->is_object()) {
      auto it = current->find(part);
      if (it == current->end()) {
        return nullptr;
      }
      current = &*it;
    } else if (current->is_array() && !part.empty() && part.size() <= 9 &&
               part.find_first_not_of("0123456789") == std::string::npos) {
      std::size_t index = std::stoul(part); // at most 9 digits: cannot overflow
      if (index >= current->size()) {
        return nullptr;
      }
      current = &(*current)[index];
    } else {
      return nullptr;
    }
    if (end == std::string::npos) {
      return current;
    }
    start = end + 1;
  }
}

std::string
to_display_string(const Value& value)
{
  switch (value.type()) {
  case Value::value_t::null:
    return "None";
  case Value::value_t::boolean:
    return value.get<bool>() ? "true" : "false";
  case Value::value_t::string:
    return value.get<std::string>();
  case Value::value_t::number_float:
    return python_float(value.get<double>());
  case Value::value_t::number_integer:
  case Value::value_t::number_unsigned:
    return value.dump();
  case Value::value_t::array: {
    std::string text = "[";
    for (const auto& item : value) {
      text += (text.size() > 1 ? ", " : "") + python_repr(item);
    }
    return text + "]";
  }
  case Value::value_t::object: {
    std::string text = "{";
    for (const auto& [key, item] : value.items()) {
      text += (text.size() > 1 ? ", " : "") + python_repr(key) + ": " + python_repr(item);
    }
    return text + "}";
  }
  default:
    return value.dump();
  }
}

} // namespace trove::pipeline
