#include <trove/scm/file_source.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>

#include <algorithm>

namespace trove::scm {

namespace {

bool
is_below(const fs::path& path, const fs::path& dir)
{
  auto [end, _] = std::mismatch(dir.begin(), dir.end(), path.begin(), path.end());
  return end == dir.end();
}

fs::path
canonical_or_self(const fs::path& path)
{
  std::error_code ec;
  auto resolved = fs::canonical(path, ec);
  return ec ? path : resolved;
}

} // namespace

WorkTreeFiles::WorkTreeFiles(const fs::path& root,
                             const std::vector<fs::path>& also_inside)
    : m_root(root)
{
  m_inside.push_back(canonical_or_self(root));
  for (const auto& dir : also_inside) {
    m_inside.push_back(canonical_or_self(dir));
  }
}

std::optional<std::string>
WorkTreeFiles::read(const std::string& relative) const
{
  std::error_code ec;
  auto path = m_root / relative;
  if (!fs::is_regular_file(path, ec)) {
    return std::nullopt;
  }
  auto resolved = fs::canonical(path, ec);
  if (ec) {
    throw Error("cannot resolve '" + relative + "': " + ec.message());
  }
  bool inside = std::any_of(m_inside.begin(), m_inside.end(),
                            [&](const fs::path& dir) { return is_below(resolved, dir); });
  if (!inside) {
    throw Error("'" + relative + "' is a symbolic link to '" + resolved.string() +
                "', outside the repository: not read");
  }
  return core::read_file(path);
}

std::vector<std::string>
WorkTreeFiles::files_under(const std::string& dir) const
{
  std::vector<std::string> paths;
  std::error_code ec;
  // Symbolic links to directories are not followed; read() decides about
  // linked files.
  fs::recursive_directory_iterator it(m_root / dir, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      paths.push_back(it->path().lexically_relative(m_root).generic_string());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::optional<std::string>
CommitFiles::read(const std::string& relative) const
{
  return m_git.read_file(m_commit, relative);
}

std::vector<std::string>
CommitFiles::files_under(const std::string& dir) const
{
  auto paths = m_git.files_under(m_commit, dir);
  std::sort(paths.begin(), paths.end());
  return paths;
}

} // namespace trove::scm
