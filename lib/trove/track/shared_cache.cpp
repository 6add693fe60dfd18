#include <trove/track/shared_cache.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/lock.hpp>
#include <trove/core/text.hpp>

#include <algorithm>

namespace trove::track {

namespace {

bool
uses_own_cache(const Repository& repo)
{
  const fs::path own = repo.trove_dir() / "cache";
  std::error_code ec;
  bool same = fs::equivalent(repo.store().dir(), own, ec);
  if (ec) { // not made yet: compare the names
    same = fs::absolute(repo.store().dir()).lexically_normal() ==
           fs::absolute(own).lexically_normal();
  }
  return same;
}

fs::path
canonical_root(const Repository& repo)
{
  std::error_code ec;
  auto root = fs::canonical(repo.root(), ec);
  return ec ? fs::absolute(repo.root()) : root;
}

std::vector<std::string>
listed_projects(const fs::path& list)
{
  std::error_code ec;
  if (!fs::exists(list, ec)) {
    return {};
  }
  return core::split(core::read_file(list), '\n');
}

} // namespace

void
register_in_shared_cache(const Repository& repo)
{
  if (uses_own_cache(repo)) {
    return;
  }
  const fs::path list = repo.store().dir() / "projects";
  const std::string root = canonical_root(repo).string();
  auto listed = [&] {
    auto projects = listed_projects(list);
    return std::find(projects.begin(), projects.end(), root) != projects.end();
  };
  if (listed()) {
    return;
  }
  core::create_directories(repo.store().dir());
  // Two projects registering at once must not lose one of them.
  core::RepoLock lock(repo.store().dir() / "projects.lock",
                      core::RepoLock::Mode::exclusive, "register " + root);
  lock.acquire(std::chrono::seconds(10));
  if (listed()) {
    return;
  }
  auto projects = listed_projects(list);
  projects.push_back(root);
  core::write_file_atomic(list, core::join_lines(projects));
}

SharingProjects
sharing_projects(const Repository& repo)
{
  SharingProjects result;
  const std::string self = canonical_root(repo).string();
  for (const auto& line : listed_projects(repo.store().dir() / "projects")) {
    if (line == self) {
      continue;
    }
    std::error_code ec;
    fs::path root(line);
    if (fs::is_directory(root / ".trove", ec)) {
      result.existing.push_back(root);
    } else {
      result.gone.push_back(root);
    }
  }
  return result;
}

} // namespace trove::track
