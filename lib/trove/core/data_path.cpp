#include <trove/core/data_path.hpp>

#include <algorithm>
#include <cctype>

namespace trove::core {

namespace {

// Case-insensitively, as git does: on a case-insensitive file system
// ".GIT" is ".git".
bool
is_reserved(std::string_view part)
{
  auto equals = [part](std::string_view name) {
    return std::equal(
        part.begin(), part.end(), name.begin(), name.end(),
        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  };
  return equals(".git") || equals(".trove");
}

} // namespace

std::optional<std::string>
data_path_problem(std::string_view path)
{
  if (path.empty() || path == ".") {
    return "it is the repository root";
  }
  if (path.front() == '/') {
    return "it is absolute";
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    std::string_view part = path.substr(start, end - start);
    if (part == "..") {
      return "it leaves the repository";
    }
    if (is_reserved(part)) {
      return "it is inside .git or .trove";
    }
    if (part.empty() && end != path.size()) {
      return "it has an empty component";
    }
    start = end + 1;
  }
  return std::nullopt;
}

} // namespace trove::core
