#pragma once

#include <trove/scm/git_repo.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace trove::scm {

namespace fs = std::filesystem;

// The files of one version of the repository, the work tree or a commit,
// read the same way so that pipelines, params and metrics load from either.
class FileSource
{
public:
  virtual ~FileSource() = default;
  // The content of `relative` (a path below the root), nullopt when there is
  // no such file.
  virtual std::optional<std::string> read(const std::string& relative) const = 0;
  // The files below directory `dir` (relative paths, sorted); empty when
  // there is no such directory.
  virtual std::vector<std::string> files_under(const std::string& dir) const = 0;
};

// Reads from the work tree. A file reached through a symbolic link is read
// only when it resolves inside the root or one of `also_inside` (the cache,
// whose objects a symlinked output points to): a cloned repository must not
// make `metrics show` or a report print files from elsewhere on the machine.
class WorkTreeFiles final : public FileSource
{
public:
  explicit WorkTreeFiles(const fs::path& root,
                         const std::vector<fs::path>& also_inside = {});
  std::optional<std::string> read(const std::string& relative) const override;
  std::vector<std::string> files_under(const std::string& dir) const override;

private:
  fs::path m_root;
  std::vector<fs::path> m_inside; // canonical
};

// Reads from git objects; never touches the work tree or the index.
class CommitFiles final : public FileSource
{
public:
  CommitFiles(const GitRepo& git, std::string commit)
      : m_git(git), m_commit(std::move(commit))
  {
  }
  std::optional<std::string> read(const std::string& relative) const override;
  std::vector<std::string> files_under(const std::string& dir) const override;

private:
  const GitRepo& m_git;
  std::string m_commit;
};

} // namespace trove::scm
