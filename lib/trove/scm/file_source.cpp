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

std::optional<std::string>
CommitFiles::read(const std::string& relative) const
{
  return m_git.read_file(m_commit, relative);
}

} // namespace trove::scm
