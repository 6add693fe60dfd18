#include <trove/scm/gitignore_file.hpp>

#include <trove/core/fs.hpp>
#include <trove/core/text.hpp>

#include <vector>

namespace trove::scm {

namespace {

// `/NAME`, with the characters gitignore treats specially escaped.
std::string
entry_for(const std::string& name)
{
  std::string entry = "/";
  for (char c : name) {
    if (c == '*' || c == '?' || c == '[' || c == '\\' || c == ' ' || c == '!' ||
        c == '#') {
      entry += '\\';
    }
    entry += c;
  }
  return entry;
}

std::vector<std::string>
read_lines(const std::filesystem::path& file)
{
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return {};
  }
  return core::split_lines(core::read_file(file));
}

void
write_lines(const std::filesystem::path& file, const std::vector<std::string>& lines)
{
  core::write_file_atomic(file, core::join_lines(lines));
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
