#pragma once

#include <trove/core/fs.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace trove::core {

// One git-config-style INI file, kept as its lines so that set and unset
// preserve comments and order:
//
//   [core]
//       remote = storage
//   [remote "storage"]
//       url = s3://bucket/prefix
//
// Keys are addressed as `section.key` or `section.subsection.key`.
class ConfigFile
{
public:
  // Reads `path`; a missing file is an empty configuration. Throws
  // trove::Error naming file:line for a malformed line.
  static ConfigFile load(const fs::path& path);

  const fs::path&
  path() const
  {
    return m_path;
  }
  std::optional<std::string> get(const std::string& key) const;
  // All key/value pairs in file order.
  std::vector<std::pair<std::string, std::string>> entries() const;

  void set(const std::string& key, const std::string& value);
  // Returns false when the key was not set.
  bool unset(const std::string& key);
  // Removes a whole section (e.g. `remote.origin`); false when absent.
  bool remove_section(const std::string& section);
  void save() const;

private:
  struct Line
  {
    std::string text;
    std::string section; // "core" or "remote.origin"; empty before any header
    std::string key;     // empty for headers, comments and blank lines
    std::string value;
  };

  fs::path m_path;
  std::vector<Line> m_lines;
};

// The layered configuration every command reads: user file
// ($XDG_CONFIG_HOME/trove/config), then .trove/config, then
// .trove/config.local, then TROVE_<SECTION>_<KEY> environment variables; a
// later layer wins.
class Config
{
public:
  enum class Level
  {
    global,
    repo,
    local
  };

  Config() = default;
  explicit Config(const fs::path& trove_dir);

  std::optional<std::string> get(const std::string& key) const;
  std::string get_or(const std::string& key, const std::string& fallback) const;
  // The merged view, sorted by key.
  std::map<std::string, std::string> all() const;

  static fs::path path_of(Level level, const fs::path& trove_dir);
  // Throws trove::Error listing the known keys when `key` is not one (the
  // keys are core/settings.hpp's table).
  static void check_known_key(const std::string& key);
  static const std::vector<std::string>& known_keys();

private:
  std::vector<ConfigFile> m_layers;
};

} // namespace trove::core
