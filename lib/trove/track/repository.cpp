#include <trove/track/repository.hpp>

#include <trove/core/error.hpp>
#include <trove/core/parallel.hpp>
#include <trove/core/settings.hpp>
#include <trove/track/shared_cache.hpp>

#include <signal.h>
#include <unistd.h>

#include <cerrno>

namespace trove::track {

namespace {

constexpr const char* k_gitignore = "/config.local\n"
                                    "/cache\n"
                                    "/tmp\n"
                                    "/state\n";

constexpr const char* k_default_link_types = "reflink,copy";

fs::path
find_root(fs::path dir)
{
  std::error_code ec;
  while (true) {
    if (fs::is_directory(dir / ".trove", ec)) {
      return dir;
    }
    if (!dir.has_relative_path()) {
      return {};
    }
    dir = dir.parent_path();
  }
}

fs::path
normal_absolute(const fs::path& path)
{
  std::error_code ec;
  fs::path result = fs::absolute(path, ec).lexically_normal();
  if (ec) {
    throw Error(core::fs_error_message(path, "resolve", ec)); // no current directory
  }
  if (!result.has_filename() && result.has_relative_path()) {
    result = result.parent_path(); // "/a/b/" names /a/b
  }
  return result;
}

unsigned
parse_unsigned(const core::Config& config, const std::string& key, unsigned fallback)
{
  auto value = config.get(key);
  if (!value) {
    return fallback;
  }
  try {
    std::size_t used = 0;
    unsigned long n = std::stoul(*value, &used);
    if (used == value->size()) {
      return static_cast<unsigned>(n);
    }
  } catch (const std::exception&) {
  }
  throw Error("configuration " + key + ": expected a number, got '" + *value + "'");
}

} // namespace

Repository::Repository(fs::path root, std::optional<scm::GitRepo> git)
    : m_root(std::move(root)), m_config(m_root / ".trove"),
      m_store(fs::path(), fs::path()), m_git(std::move(git))
{
  fs::path cache = m_config.get_or("cache.dir", "");
  if (cache.empty()) {
    cache = trove_dir() / "cache";
  } else if (cache.is_relative()) {
    cache = trove_dir() / cache; // relative to .trove/, as DVC does
  }
  // Objects are renamed into the cache from its own tmp/, on the same file
  // system: a cache.dir on another disk works, and nothing is staged twice.
  fs::path tmp = cache == trove_dir() / "cache" ? trove_dir() / "tmp" : cache / "tmp";
  m_store = store::ObjectStore(cache.lexically_normal(), tmp.lexically_normal());
  try {
    m_link_types =
        store::parse_link_types(m_config.get_or("cache.type", k_default_link_types));
    m_jobs = parse_unsigned(m_config, "core.jobs", core::hardware_jobs());
    m_lock_timeout_s = parse_unsigned(m_config, "core.lock_timeout", m_lock_timeout_s);
    if (m_jobs == 0) {
      m_jobs = core::hardware_jobs();
    }
  } catch (const Error& e) {
    m_config_error = e.what();
  }
}

const std::vector<store::LinkType>&
Repository::link_types() const
{
  if (!m_config_error.empty()) {
    throw Error(m_config_error);
  }
  return m_link_types;
}

unsigned
Repository::jobs() const
{
  if (!m_config_error.empty()) {
    throw Error(m_config_error);
  }
  return m_jobs;
}

Repository
Repository::open(const fs::path& start)
{
  fs::path root = find_root(normal_absolute(start));
  if (root.empty()) {
    throw Error("not a trove repository (or any parent directory)");
  }
  auto git = scm::GitRepo::discover(root);
  if (git) {
    git->set_project_dir(root);
  }
  Repository repo(root, std::move(git));
  if (repo.m_config.get_or("core.no_scm", "false") == "true") {
    repo.m_git.reset();
  }
  return repo;
}

Repository::InitResult
Repository::init(const fs::path& start, InitPlace place, Force force)
{
  fs::path dir = normal_absolute(start);
  bool no_scm = place == InitPlace::no_scm;
  auto git = no_scm ? std::nullopt : scm::GitRepo::discover(dir);
  fs::path root;
  if (git) {
    root = place == InitPlace::subdir ? dir : git->workdir();
  } else if (no_scm) {
    root = dir;
  } else {
    throw Error(dir.string() +
                " is not inside a git repository; run 'git init' first, or "
                "use 'trove init --no-scm'");
  }
  fs::path trove = root / ".trove";
  std::error_code ec;
  if (fs::exists(trove, ec) && force == Force::no) {
    throw Error("'" + trove.string() + "' exists; use -f to reinitialise");
  }
  for (const char* sub : {"cache", "tmp", "state"}) {
    core::create_directories(trove / sub);
  }
  core::write_file_atomic(trove / ".gitignore", k_gitignore);
  core::ConfigFile config = core::ConfigFile::load(trove / "config");
  if (!git) {
    config.set("core.no_scm", "true");
  }
  config.save();
  return {root, git.has_value()};
}

store::StatIndex&
Repository::stat_index()
{
  std::call_once(*m_stat_index_once, [this] {
    m_stat_index =
        std::make_unique<store::StatIndex>(trove_dir() / "state" / "stat-index");
  });
  return *m_stat_index;
}

const scm::GitRepo&
Repository::require_git() const
{
  if (!m_git) {
    throw Error("this command needs a git repository (this one was made with "
                "--no-scm)");
  }
  return *m_git;
}

store::LinkType
Repository::working_link_type()
{
  // From the store's temp directory into .trove/state, as a checkout links
  // from the cache into the work tree.
  core::create_directories(m_store.tmp_dir());
  fs::path probe = core::temp_path_in(m_store.tmp_dir());
  core::write_file_atomic(probe, "probe");
  fs::path linked = core::temp_path_in(trove_dir() / "state");
  store::LinkType used = store::LinkType::copy;
  try {
    used = store::link_file(probe, linked, link_types());
  } catch (...) {
    core::remove_file(probe);
    throw;
  }
  core::remove_file(linked);
  core::remove_file(probe);
  return used;
}

void
Repository::lock(core::RepoLock::Mode mode, const std::string& command)
{
  core::create_directories(trove_dir() / "state");
  m_lock =
      std::make_unique<core::RepoLock>(trove_dir() / "state" / "lock", mode, command);
  m_lock->acquire(std::chrono::milliseconds(m_lock_timeout_s * 1000));
  if (mode == core::RepoLock::Mode::exclusive) {
    std::error_code ec; // a cache.dir set since init has no tmp/ yet
    fs::create_directories(m_store.tmp_dir(), ec);
    sweep_temp_files();
    register_in_shared_cache(*this);
  }
}

void
Repository::sweep_temp_files()
{
  // Remove temp files whose process is gone.
  std::error_code ec;
  fs::directory_iterator it(m_store.tmp_dir(), ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    pid_t pid = core::temp_owner(it->path().filename().string());
    if (pid > 0 && pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH) {
      std::error_code ignored; // best effort; the next sweep retries
      fs::remove(it->path(), ignored);
    }
  }
}

void
Repository::check_setting(const std::string& key, const std::string& value)
{
  core::check_setting_value(key, value);
}

fs::path
Repository::absolute(const std::string& relative) const
{
  if (!relative.empty() && relative.front() == '/') {
    throw Error("internal error: absolute path '" + relative + "' used as relative");
  }
  return m_root / relative;
}

std::string
Repository::relative(const fs::path& path) const
{
  fs::path absolute = normal_absolute(path);
  if (!core::is_within(m_root, absolute)) {
    throw Error("'" + path.string() + "' is outside the repository (" + m_root.string() +
                ")");
  }
  std::string relative = absolute.lexically_relative(m_root).generic_string();
  return relative == "." ? "" : relative;
}

} // namespace trove::track
