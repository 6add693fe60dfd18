#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace trove::scm {

// Patterns in gitignore syntax (.troveignore): `#` comments, `!` negation, a
// trailing `/` for directories only, a `/` elsewhere anchors the pattern to
// the file's directory, `*`, `?`, `[...]` and `**` globs. The last matching
// pattern decides.
class IgnoreRules
{
public:
  IgnoreRules() = default;
  // Reads `file` if it exists; an absent file ignores nothing.
  static IgnoreRules load(const std::filesystem::path& file);
  static IgnoreRules parse(std::string_view text);

  // `path` is relative to the rules' directory, '/'-separated.
  bool is_ignored(std::string_view path, bool is_directory) const;
  bool
  empty() const
  {
    return m_patterns.empty();
  }

private:
  struct Pattern
  {
    std::string glob;
    bool negated = false;
    bool directory_only = false;
    bool anchored = false; // matched against the whole path, not the name
  };
  std::vector<Pattern> m_patterns;
};

// Whether `path` matches a gitignore-style glob (`*` and `?` stop at '/',
// `**` crosses directories).
bool glob_match(std::string_view pattern, std::string_view path);

} // namespace trove::scm
