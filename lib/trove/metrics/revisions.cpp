#include <trove/metrics/revisions.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace trove::metrics {

namespace {

constexpr const char* k_workspace = "workspace";

// Branch names first, then tags, by commit.
std::map<std::string, std::vector<std::string>>
names_by_commit(const scm::GitRepo& git)
{
  std::map<std::string, std::vector<std::string>> names;
  for (const auto& refs : {git.branches(), git.tags()}) {
    for (const auto& ref : refs) {
      names[ref.commit].push_back(ref.name);
    }
  }
  return names;
}

} // namespace

Revision
workspace_revision()
{
  return {k_workspace, std::nullopt};
}

std::vector<Revision>
choose_revisions(const track::Repository& repo, const RevisionChoice& choice)
{
  std::vector<Revision> revisions{workspace_revision()};
  bool wants_history = !choice.names.empty() || choice.all_branches || choice.all_tags ||
                       choice.all_commits || choice.last > 0;
  if (!wants_history) {
    return revisions;
  }
  const auto& git = repo.require_git();
  auto names = names_by_commit(git);
  std::set<std::string> seen;
  auto take = [&](const std::string& commit, const std::string& given) {
    if (!seen.insert(commit).second) {
      return;
    }
    const auto& refs = names[commit];
    std::string label = commit.substr(0, 7);
    if (std::find(refs.begin(), refs.end(), given) != refs.end()) {
      label = given;
    } else if (!refs.empty()) {
      label = refs.front();
    }
    revisions.push_back({label, commit});
  };
  for (const auto& name : choice.names) {
    take(git.resolve_commit(name), name);
  }
  if (choice.all_branches) {
    for (const auto& ref : git.branches()) {
      take(ref.commit, ref.name);
    }
  }
  if (choice.all_tags) {
    for (const auto& ref : git.tags()) {
      take(ref.commit, ref.name);
    }
  }
  auto head = git.head_commit();
  if (choice.all_commits) {
    for (const auto& commit : git.all_commits()) {
      take(commit, "");
    }
  } else if (choice.last > 0 && head) {
    for (const auto& commit : git.log(*head, choice.last)) {
      take(commit, "");
    }
  }
  return revisions;
}

Revision
revision_named(const track::Repository& repo, const std::string& name)
{
  if (name == k_workspace) {
    return workspace_revision();
  }
  const auto& git = repo.require_git();
  if (name == "HEAD" && !git.head_commit()) {
    return {name, std::string()};
  }
  return {name, git.resolve_commit(name)};
}

} // namespace trove::metrics
