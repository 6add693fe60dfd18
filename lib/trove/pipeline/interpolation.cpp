#include <trove/pipeline/interpolation.hpp>

#include <trove/core/error.hpp>
#include <trove/core/text.hpp>

#include <optional>

namespace trove::pipeline {

namespace {

struct Placeholder
{
  std::size_t begin; // of "${"
  std::size_t end;   // past "}"
  std::string path;
};

// The next unescaped ${...} at or after `from`.
std::optional<Placeholder>
next_placeholder(const std::string& text, std::size_t from, const std::string& position)
{
  for (auto at = text.find("${", from); at != std::string::npos;
       at = text.find("${", at + 2)) {
    if (at > 0 && text[at - 1] == '\\') {
      continue;
    }
    auto close = text.find('}', at + 2);
    if (close == std::string::npos) {
      throw Error(position + ": unclosed '${' in '" + text + "'");
    }
    return Placeholder{at, close + 1,
                       core::trim(text.substr(at + 2, close - at - 2), " \t")};
  }
  return std::nullopt;
}

// Quotes a word for /bin/sh when it holds anything but safe characters, as
// Python's shlex.quote does.
std::string
shell_quote(const std::string& word)
{
  if (!word.empty() &&
      word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                             "0123456789@%+=:,./-_") == std::string::npos) {
    return word;
  }
  std::string quoted = "'";
  for (char c : word) {
    quoted += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  }
  return quoted + "'";
}

void
flatten(const Value& value,
        const std::string& prefix,
        std::vector<std::pair<std::string, const Value*>>& out)
{
  for (const auto& [key, item] : value.items()) {
    std::string name = prefix.empty() ? key : prefix + "." + key;
    if (item.is_object()) {
      flatten(item, name, out);
    } else {
      out.emplace_back(name, &item);
    }
  }
}

// A mapping in a command becomes `--key value` arguments: lists as
// `--key a b`, true as `--key`, false omitted (DVC's default parsing).
std::string
to_arguments(const Value& mapping, const std::string& position)
{
  std::vector<std::pair<std::string, const Value*>> entries;
  flatten(mapping, "", entries);
  std::string text;
  for (const auto& [key, value] : entries) {
    if (value->is_boolean()) {
      if (value->get<bool>()) {
        text += "--" + key + " ";
      }
    } else if (value->is_string()) {
      text += "--" + key + " " + shell_quote(value->get<std::string>()) + " ";
    } else if (value->is_array()) {
      bool first = true;
      for (const auto& item : *value) {
        if (item.is_array() || item.is_object()) {
          throw Error(position + ": cannot interpolate nested lists in '" + key + "'");
        }
        std::string word = item.is_string() ? shell_quote(item.get<std::string>())
                                            : to_display_string(item);
        text += (first ? "--" + key + " " : std::string()) + word + " ";
        first = false;
      }
    } else {
      text += "--" + key + " " + to_display_string(*value) + " ";
    }
  }
  while (!text.empty() && text.back() == ' ') {
    text.pop_back();
  }
  return text;
}

std::string
type_name(const Value& value)
{
  return value.is_object() ? "dict" : value.is_array() ? "list" : value.type_name();
}

} // namespace

const Value*
Scopes::find(const std::string& path) const
{
  for (auto it = m_scopes.rbegin(); it != m_scopes.rend(); ++it) {
    if (const Value* found = select(**it, path)) {
      return found;
    }
  }
  return nullptr;
}

bool
has_interpolation(const std::string& text)
{
  return next_placeholder(text, 0, "").has_value();
}

Value
interpolate(const std::string& text,
            const Scopes& scopes,
            bool in_cmd,
            const std::string& position)
{
  auto lookup = [&](const Placeholder& placeholder) -> const Value& {
    const Value* value = scopes.find(placeholder.path);
    if (!value) {
      throw Error(position + ": could not find '" + placeholder.path +
                  "' (no such variable in params.yaml, vars or the stage's items)");
    }
    return *value;
  };
  // Text between placeholders, where "\${" stands for a literal "${".
  auto literal = [&](std::size_t begin, std::size_t end) {
    std::string part = text.substr(begin, end - begin);
    for (auto at = part.find("\\${"); at != std::string::npos;
         at = part.find("\\${", at + 2)) {
      part.erase(at, 1);
    }
    return part;
  };
  auto first = next_placeholder(text, 0, position);
  if (first && first->begin == 0 && first->end == text.size()) {
    return lookup(*first);
  }
  std::string result;
  std::size_t done = 0;
  for (auto placeholder = first; placeholder;
       placeholder = next_placeholder(text, placeholder->end, position)) {
    result += literal(done, placeholder->begin);
    const Value& value = lookup(*placeholder);
    if (value.is_object() && in_cmd) {
      result += to_arguments(value, position);
    } else if (value.is_object() || value.is_array()) {
      throw Error(position + ": cannot interpolate data of type '" + type_name(value) +
                  "' ('" + placeholder->path + "') into a string");
    } else {
      result += to_display_string(value);
    }
    done = placeholder->end;
  }
  return result + literal(done, text.size());
}

} // namespace trove::pipeline
