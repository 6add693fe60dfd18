#include <trove/core/config.hpp>

#include <trove/core/error.hpp>
#include <trove/core/settings.hpp>
#include <trove/core/text.hpp>

#include <algorithm>
#include <cstdlib>

namespace trove::core {

namespace {

// Splits `a.b.c` into section `a.b` and key `c`.
std::pair<std::string, std::string>
split_key(const std::string& key)
{
  auto dot = key.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == key.size()) {
    throw Error("invalid configuration key '" + key + "' (expected section.key)");
  }
  return {key.substr(0, dot), key.substr(dot + 1)};
}

std::string
header_for(const std::string& section)
{
  auto dot = section.find('.');
  if (dot == std::string::npos) {
    return "[" + section + "]";
  }
  return "[" + section.substr(0, dot) + " \"" + section.substr(dot + 1) + "\"]";
}

std::string
unquote(const std::string& value)
{
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

} // namespace

ConfigFile
ConfigFile::load(const fs::path& path)
{
  ConfigFile file;
  file.m_path = path;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return file;
  }
  std::string content = read_file(path);
  std::string section;
  std::size_t number = 0;
  std::size_t start = 0;
  while (start < content.size()) {
    std::size_t end = content.find('\n', start);
    if (end == std::string::npos) {
      end = content.size();
    }
    ++number;
    Line line{content.substr(start, end - start), section, {}, {}};
    start = end + 1;
    std::string text = trim(line.text);
    auto where = [&] { return path.string() + ":" + std::to_string(number); };
    if (text.empty() || text[0] == '#' || text[0] == ';') {
      // comment or blank line
    } else if (text[0] == '[') {
      if (text.back() != ']') {
        throw Error(where() + ": malformed section header '" + text + "'");
      }
      std::string inner = trim(std::string_view(text).substr(1, text.size() - 2));
      auto space = inner.find_first_of(" \t");
      if (space == std::string::npos) {
        section = inner;
      } else {
        std::string sub = trim(std::string_view(inner).substr(space));
        if (sub.size() < 2 || sub.front() != '"' || sub.back() != '"') {
          throw Error(where() + ": malformed section header '" + text + "'");
        }
        section = inner.substr(0, space) + "." + sub.substr(1, sub.size() - 2);
      }
      if (section.empty()) {
        throw Error(where() + ": empty section name");
      }
      line.section = section;
    } else {
      auto equals = text.find('=');
      if (equals == std::string::npos || section.empty()) {
        throw Error(where() + ": expected 'key = value' inside a [section]");
      }
      line.key = trim(std::string_view(text).substr(0, equals));
      line.value = unquote(trim(std::string_view(text).substr(equals + 1)));
      if (line.key.empty()) {
        throw Error(where() + ": empty key");
      }
    }
    file.m_lines.push_back(std::move(line));
  }
  return file;
}

std::optional<std::string>
ConfigFile::get(const std::string& key) const
{
  auto [section, name] = split_key(key);
  std::optional<std::string> value;
  for (const auto& line : m_lines) {
    if (!line.key.empty() && line.section == section && line.key == name) {
      value = line.value; // the last assignment wins, as in git
    }
  }
  return value;
}

std::vector<std::pair<std::string, std::string>>
ConfigFile::entries() const
{
  std::vector<std::pair<std::string, std::string>> result;
  for (const auto& line : m_lines) {
    if (!line.key.empty()) {
      result.emplace_back(line.section + "." + line.key, line.value);
    }
  }
  return result;
}

void
ConfigFile::set(const std::string& key, const std::string& value)
{
  auto [section, name] = split_key(key);
  std::string text = "\t" + name + " = " + value;
  std::optional<std::size_t> last_assignment;
  std::optional<std::size_t> last_in_section;
  for (std::size_t i = 0; i < m_lines.size(); ++i) {
    const auto& line = m_lines[i];
    if (line.section != section) {
      continue;
    }
    if (line.key == name) {
      last_assignment = i;
    }
    if (!trim(line.text).empty()) {
      last_in_section = i;
    }
  }
  if (last_assignment) {
    // get() reads the last assignment: that one takes the value, and the
    // earlier ones go, so that the file says it once.
    m_lines[*last_assignment].text = text;
    m_lines[*last_assignment].value = value;
    std::vector<Line> kept;
    for (std::size_t i = 0; i < m_lines.size(); ++i) {
      if (i >= *last_assignment || m_lines[i].section != section ||
          m_lines[i].key != name) {
        kept.push_back(std::move(m_lines[i]));
      }
    }
    m_lines = std::move(kept);
    return;
  }
  Line line{text, section, name, value};
  if (last_in_section) {
    m_lines.insert(m_lines.begin() + static_cast<long>(*last_in_section) + 1, line);
  } else {
    m_lines.push_back({header_for(section), section, {}, {}});
    m_lines.push_back(line);
  }
}

bool
ConfigFile::unset(const std::string& key)
{
  auto [section, name] = split_key(key);
  auto before = m_lines.size();
  std::erase_if(m_lines, [&](const Line& line) {
    return line.section == section && line.key == name;
  });
  return m_lines.size() != before;
}

bool
ConfigFile::remove_section(const std::string& section)
{
  auto before = m_lines.size();
  std::erase_if(m_lines, [&](const Line& line) { return line.section == section; });
  return m_lines.size() != before;
}

void
ConfigFile::save() const
{
  std::string content;
  for (const auto& line : m_lines) {
    content += line.text + "\n";
  }
  core::create_directories(m_path.parent_path());
  write_file_atomic(m_path, content);
}

Config::Config(const fs::path& trove_dir)
{
  for (auto level : {Level::global, Level::repo, Level::local}) {
    auto path = path_of(level, trove_dir);
    if (!path.empty()) {
      m_layers.push_back(ConfigFile::load(path));
    }
  }
}

fs::path
Config::path_of(Level level, const fs::path& trove_dir)
{
  switch (level) {
  case Level::global: {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
      return fs::path(xdg) / "trove" / "config";
    }
    if (const char* home = std::getenv("HOME"); home && *home) {
      return fs::path(home) / ".config" / "trove" / "config";
    }
    return {};
  }
  case Level::repo:
    return trove_dir / "config";
  case Level::local:
    return trove_dir / "config.local";
  }
  return {};
}

namespace {

// TROVE_CACHE_TYPE for cache.type; remote keys have no variables.
std::string
environment_name(const std::string& key)
{
  std::string name = "TROVE_";
  for (char c : key) {
    name += c == '.' ? '_' : static_cast<char>(std::toupper(c));
  }
  return name;
}

} // namespace

std::optional<std::string>
Config::get(const std::string& key) const
{
  if (key.rfind("remote.", 0) != 0) {
    if (const char* value = std::getenv(environment_name(key).c_str())) {
      return std::string(value);
    }
  }
  for (auto layer = m_layers.rbegin(); layer != m_layers.rend(); ++layer) {
    if (auto value = layer->get(key)) {
      return value;
    }
  }
  return std::nullopt;
}

std::string
Config::get_or(const std::string& key, const std::string& fallback) const
{
  return get(key).value_or(fallback);
}

std::map<std::string, std::string>
Config::all() const
{
  std::map<std::string, std::string> merged;
  for (const auto& layer : m_layers) {
    for (auto& [key, value] : layer.entries()) {
      merged[key] = value;
    }
  }
  for (const auto& key : known_keys()) {
    if (key.rfind("remote.", 0) != 0) {
      if (const char* value = std::getenv(environment_name(key).c_str())) {
        merged[key] = value;
      }
    }
  }
  return merged;
}

const std::vector<std::string>&
Config::known_keys()
{
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> names;
    for (const auto& setting : settings()) {
      names.emplace_back(setting.key);
    }
    return names;
  }();
  return keys;
}

void
Config::check_known_key(const std::string& key)
{
  std::ignore = find_setting(key);
}

} // namespace trove::core
