#include <trove/scm/ignore_rules.hpp>

#include <trove/core/fs.hpp>

namespace trove::scm {

IgnoreRules
IgnoreRules::load(const std::filesystem::path& file)
{
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return {};
  }
  return parse(core::read_file(file));
}

IgnoreRules
IgnoreRules::parse(std::string_view text)
{
  IgnoreRules rules;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string line(text.substr(start, end - start));
    start = end + 1;
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    // Trailing spaces are ignored unless escaped.
    while (!line.empty() && line.back() == ' ' &&
           (line.size() < 2 || line[line.size() - 2] != '\\')) {
      line.pop_back();
    }
    if (line.empty() || line[0] == '#') {
      continue;
    }
    Pattern pattern;
    if (line[0] == '!') {
      pattern.negated = true;
      line.erase(0, 1);
    } else if (line[0] == '\\') {
      line.erase(0, 1); // "\#" and "\!" stand for themselves
    }
    if (!line.empty() && line.back() == '/') {
      pattern.directory_only = true;
      line.pop_back();
    }
    if (line.find('/') != std::string::npos) {
      pattern.anchored = true;
      if (line[0] == '/') {
        line.erase(0, 1);
      }
    }
    if (line.empty()) {
      continue;
    }
    pattern.glob = std::move(line);
    rules.m_patterns.push_back(std::move(pattern));
  }
  return rules;
}

bool
IgnoreRules::is_ignored(std::string_view path, bool is_directory) const
{
  std::string_view name = path.substr(path.rfind('/') + 1);
  bool ignored = false;
  for (const auto& pattern : m_patterns) {
    if (pattern.directory_only && !is_directory) {
      continue;
    }
    if (glob_match(pattern.glob, pattern.anchored ? path : name)) {
      ignored = !pattern.negated;
    }
  }
  return ignored;
}

namespace {

// Matches a bracket expression at the start of `pattern` against `c`; sets
// `length` to the expression's length (0 when it is not closed).
bool
match_class(std::string_view pattern, char c, std::size_t& length)
{
  std::size_t i = 1;
  bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (negate) {
    ++i;
  }
  bool matched = false;
  bool first = true;
  for (; i < pattern.size() && (first || pattern[i] != ']'); ++i, first = false) {
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      matched |= pattern[i] <= c && c <= pattern[i + 2];
      i += 2;
    } else {
      matched |= pattern[i] == c;
    }
  }
  if (i >= pattern.size()) {
    length = 0;
    return false;
  }
  length = i + 1;
  return matched != negate;
}

} // namespace

bool
glob_match(std::string_view pattern, std::string_view path)
{
  while (!pattern.empty()) {
    if (pattern.substr(0, 2) == "**") {
      std::string_view rest = pattern.substr(2);
      bool slash = !rest.empty() && rest[0] == '/';
      if (slash) {
        rest.remove_prefix(1);
      }
      if (rest.empty()) {
        return true;
      }
      // "**/" matches zero or more whole directories.
      for (std::size_t i = 0; i <= path.size(); ++i) {
        if ((i == 0 || path[i - 1] == '/' || !slash) &&
            glob_match(rest, path.substr(i))) {
          return true;
        }
      }
      return false;
    }
    char p = pattern[0];
    if (p == '*') {
      std::string_view rest = pattern.substr(1);
      for (std::size_t i = 0; i <= path.size(); ++i) {
        if (glob_match(rest, path.substr(i))) {
          return true;
        }
        if (i < path.size() && path[i] == '/') {
          return false;
        }
      }
      return false;
    }
    if (path.empty()) {
      return false;
    }
    if (p == '?') {
      if (path[0] == '/') {
        return false;
      }
    } else if (p == '[') {
      std::size_t length = 0;
      bool matched = match_class(pattern, path[0], length);
      if (length > 0) {
        if (!matched || path[0] == '/') {
          return false;
        }
        pattern.remove_prefix(length);
        path.remove_prefix(1);
        continue;
      }
      if (path[0] != '[') {
        return false;
      }
    } else {
      if (p == '\\' && pattern.size() > 1) {
        pattern.remove_prefix(1);
        p = pattern[0];
      }
      if (path[0] != p) {
        return false;
      }
    }
    pattern.remove_prefix(1);
    path.remove_prefix(1);
  }
  return path.empty();
}

} // namespace trove::scm
