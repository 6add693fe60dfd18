#pragma once

#include <trove/core/config.hpp>
#include <trove/core/lock.hpp>
#include <trove/scm/git_repo.hpp>
#include <trove/store/link_type.hpp>
#include <trove/store/object_store.hpp>
#include <trove/store/stat_index.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace trove::track {

namespace fs = std::filesystem;

// How a library operation tells its caller about things worth saying that are
// not errors (a skipped symlink, content saved before an overwrite).
using Warn = std::function<void(const std::string&)>;

enum class Force
{
  no,
  yes
};

// An open trove repository: the directory holding .trove/, its configuration,
// object store, stat index and (unless --no-scm) its git repository.
class Repository
{
public:
  // Finds the repository containing `start` (searching upwards). Throws
  // trove::Error "not a trove repository (or any parent directory)".
  static Repository open(const fs::path& start);

  struct InitResult
  {
    fs::path root;
    bool with_git;
  };
  // Where init puts .trove/: at the top of the git work tree containing
  // `start`; in `start` itself, below that top (`dvc init --subdir`: a
  // project of its own, git still through the enclosing repository); or in
  // `start` outside git.
  enum class InitPlace
  {
    git_top,
    subdir,
    no_scm
  };
  // Refuses outside git unless no_scm, and a second time unless `force`.
  static InitResult init(const fs::path& start, InitPlace place, Force force);

  const fs::path&
  root() const
  {
    return m_root;
  }
  fs::path
  trove_dir() const
  {
    return m_root / ".trove";
  }
  const core::Config&
  config() const
  {
    return m_config;
  }
  store::ObjectStore&
  store()
  {
    return m_store;
  }
  const store::ObjectStore&
  store() const
  {
    return m_store;
  }
  // Loaded on first use (thread-safe).
  store::StatIndex& stat_index();
  const scm::GitRepo*
  git() const
  {
    return m_git ? &*m_git : nullptr;
  }
  // The git repository, or an error saying the command needs one.
  const scm::GitRepo& require_git() const;

  // cache.type as an ordered list (default reflink,copy).
  const std::vector<store::LinkType>& link_types() const;
  // The first link type that works from the cache to the workspace here.
  store::LinkType working_link_type();
  // Worker threads for hashing and linking (core.jobs, default all cores).
  unsigned jobs() const;
  void
  set_jobs(unsigned jobs)
  {
    m_jobs = jobs;
  }

  // Takes the repository lock (see core::RepoLock) for the rest of the
  // object's life; a writer also sweeps temp files left by dead processes.
  void lock(core::RepoLock::Mode mode, const std::string& command);

  // Throws trove::Error when `value` is not valid for `key` (a link type
  // list for cache.type, a number for core.jobs, ...; core/settings.hpp's
  // table). A key the table does not know passes.
  static void check_setting(const std::string& key, const std::string& value);

  // `path` (absolute or relative to the current directory) as a path
  // relative to the root, '/'-separated. Throws when it is outside.
  std::string relative(const fs::path& path) const;
  // `relative` must be relative ('/' at its start would leave the root).
  fs::path absolute(const std::string& relative) const;

private:
  Repository(fs::path root, std::optional<scm::GitRepo> git);
  void sweep_temp_files();

  fs::path m_root;
  core::Config m_config;
  store::ObjectStore m_store;
  std::unique_ptr<store::StatIndex> m_stat_index;
  std::unique_ptr<std::once_flag> m_stat_index_once = std::make_unique<std::once_flag>();
  std::optional<scm::GitRepo> m_git;
  std::vector<store::LinkType> m_link_types;
  unsigned m_jobs = 1;
  unsigned m_lock_timeout_s = 10;
  // A bad cache.type, core.jobs or core.lock_timeout, reported when used (so that `trove
  // config` can still repair it).
  std::string m_config_error;
  std::unique_ptr<core::RepoLock> m_lock;
};

} // namespace trove::track
