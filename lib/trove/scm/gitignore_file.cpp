#include <trove/scm/gitignore_file.hpp>

#include <trove/core/fs.hpp>

#include <vector>

namespace trove::scm {

namespace {

// `/NAME`, with the characters gitignore treats specially escaped.
std::string
entry_for(const std::string& name)
{
  std::string entry = "/";
  for (char c : name) {
    if (c == '*' || c == '?' || c == '[' || c == '\\' || c == ' ' || c == '!'
        || c == '#') {
      entry += '\\';
    }
    entry += c;
  }
  return entry;
}

std::vector<std::string>
read_lines(const std::filesystem::path& file)
{
  std::vector<std::string> lines;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return lines;
  }
  std::string content = core::read_file(file);
  std::size_t start = 0;
  while (start < content.size()) {
    auto end = content.find('\n', start);
    if (end == std::string::npos) {
      end = content.size();
    }
    lines.push_back(content.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

void
write_lines(const std::filesystem::path& file, const std::vector<std::string>& lines)
{
  std::string content;
  for (const auto& line : lines) {
    content += line + "\n";
  }
  core::write_file_atomic(file, content);
}

} // namespace

void
gitignore_add(const std::filesystem::path& directory, const std::string& name)
{
  auto file = directory / ".gitignore";
  auto lines = read_lines(file);
  std::string entry = entry_for(name);
  for (const auto& line : lines) {
    if (line == entry) {
      return;
    }
  }
  lines.push_back(entry);
  write_lines(file, lines);
}

void
gitignore_remove(const std::filesystem::path& directory, const std::string& name)
{
  auto file = directory / ".gitignore";
  auto lines = read_lines(file);
  std::string entry = entry_for(name);
  auto before = lines.size();
  std::erase(lines, entry);
  if (lines.size() == before) {
    return;
  }
  if (lines.empty()) {
    core::remove_file(file);
  } else {
    write_lines(file, lines);
  }
}

} // namespace trove::scm
