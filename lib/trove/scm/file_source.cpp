#include <trove/scm/file_source.hpp>

#include <trove/core/fs.hpp>

namespace trove::scm {

std::optional<std::string>
WorkTreeFiles::read(const std::string& relative) const
{
  std::error_code ec;
  auto path = m_root / relative;
  if (!fs::is_regular_file(path, ec)) {
    return std::nullopt;
  }
  return core::read_file(path);
}

std::optional<std::string>
CommitFiles::read(const std::string& relative) const
{
  return m_git.read_file(m_commit, relative);
}

} // namespace trove::scm
