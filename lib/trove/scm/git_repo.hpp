#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct git_repository;
struct git_tree;

namespace trove::scm {

namespace fs = std::filesystem;

// A git repository opened through libgit2. Reading at a revision never
// touches the work tree or the index.
class GitRepo
{
public:
  // The git work tree containing `start` (searching upwards, as git does);
  // nullopt outside one.
  static std::optional<GitRepo> discover(const fs::path& start);

  fs::path workdir() const;
  // Where git runs hooks from: core.hooksPath (relative to the work tree),
  // else .git/hooks.
  fs::path hooks_dir() const;

  // True when git's index tracks `relative` (a file) or a file below it.
  bool tracks(const std::string& relative) const;

  // The commit a revision names (anything git understands: HEAD~2, a tag, a
  // branch, a short sha), as 40 hex digits. Throws trove::Error naming it.
  std::string resolve_commit(const std::string& revision) const;
  // nullopt when HEAD has no commit yet.
  std::optional<std::string> head_commit() const;

  struct File
  {
    std::string path;
    std::string content;
  };
  // The content of `path` at a commit, nullopt when absent.
  std::optional<std::string> read_file(const std::string& commit,
                                       const std::string& path) const;
  // The paths of the files at a commit below directory `dir` ("" for all),
  // in tree order; empty when `dir` is not a directory there.
  std::vector<std::string> files_under(const std::string& commit,
                                       const std::string& dir) const;
  // Every file at a commit whose name (last path component) `wanted`
  // accepts, with its content, in tree order.
  std::vector<File>
  files_where(const std::string& commit,
              const std::function<bool(std::string_view name)>& wanted) const;

  // The same over many commits: each distinct tree is read once, so the
  // directories a commit did not change cost nothing (metrics show -A, gc -A).
  class FileFinder
  {
  public:
    FileFinder(const GitRepo& git, std::function<bool(std::string_view name)> wanted);
    std::vector<File> in(const std::string& commit);

  private:
    struct Match
    {
      std::string path;
      std::string blob; // raw object id
    };
    const std::vector<Match>& matches_in(const git_tree* tree);

    const GitRepo& m_git;
    std::function<bool(std::string_view)> m_wanted;
    std::unordered_map<std::string, std::vector<Match>> m_by_tree; // raw tree id
  };

  // Commits at the tips of branches, of tags, or every reachable commit
  // (newest first).
  std::vector<std::string> branch_commits() const;
  std::vector<std::string> tag_commits() const;
  std::vector<std::string> all_commits() const;
  // Up to `limit` commits reachable from `commit`, newest first (git log -n).
  std::vector<std::string> log(const std::string& commit, std::size_t limit) const;

  struct Ref
  {
    std::string name;   // short: "main", "v1.0"
    std::string commit; // the commit it points to (tags peeled)
  };
  // Branches, or tags, sorted by name.
  std::vector<Ref> branches() const;
  std::vector<Ref> tags() const;

private:
  struct Deleter
  {
    void operator()(git_repository* repo) const;
  };
  explicit GitRepo(git_repository* repo) : m_repo(repo) {}

  std::unique_ptr<git_repository, Deleter> m_repo;
};

// The libgit2 version, for `trove doctor`.
std::string libgit2_version();

} // namespace trove::scm
