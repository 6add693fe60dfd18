#include <trove/migrate/dvc_migration.hpp>

#include <trove/core/config.hpp>
#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/hash.hpp>
#include <trove/core/parallel.hpp>
#include <trove/core/settings.hpp>
#include <trove/core/text.hpp>
#include <trove/pipeline/lock_file.hpp>
#include <trove/pipeline/pipeline_file.hpp>
#include <trove/s3/client.hpp>
#include <trove/s3/connection.hpp>
#include <trove/scm/git_repo.hpp>
#include <trove/scm/gitignore_file.hpp>
#include <trove/store/manifest.hpp>
#include <trove/track/pointer_file.hpp>

#include <unistd.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <set>

namespace trove::migrate {

using namespace dvc; // DVC's formats, read here at every step

namespace {

constexpr std::string_view k_dvc_suffix = ".dvc";

// A directory of scratch files, removed with them when it goes.
struct ScratchDir
{
  fs::path path;
  explicit ScratchDir(fs::path dir) : path(std::move(dir)) {}
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir()
  {
    std::error_code ec;
    fs::remove_all(path, ec); // best effort: only scratch copies are in it
  }
};

// A path for messages: relative to the root when inside it.
std::string
shown(const fs::path& root, const fs::path& path)
{
  auto relative = path.lexically_normal().lexically_relative(root);
  if (!relative.empty() && *relative.begin() != "..") {
    return relative.generic_string();
  }
  return path.lexically_normal().string();
}

// The md5 (DVC's rule for `kind`) and SHA-256 of a file, in one read.
struct BothHashes
{
  std::string md5;
  std::string sha256;
  std::uint64_t size = 0;
};

BothHashes
hash_both(const fs::path& file, HashKind kind)
{
  auto fd = core::open_read(file);
  DvcHasher md5(kind);
  core::Sha256 sha;
  std::vector<char> buffer(1 << 20);
  BothHashes result;
  while (true) {
    auto got = core::read_full(fd.get(), buffer.data(), buffer.size(), file);
    std::string_view piece(buffer.data(), got);
    md5.update(piece);
    sha.update(piece);
    result.size += got;
    if (got < buffer.size()) {
      break;
    }
  }
  core::count_hashed_file(result.size);
  result.md5 = md5.finish_hex();
  result.sha256 = sha.finish_hex();
  return result;
}

// The DVC files of the work tree (.dvc files, dvc.lock), sorted; .git,
// .dvc and .trove are not entered.
struct DvcFiles
{
  std::vector<std::string> pointers; // relative to the root
  std::vector<std::string> locks;
};

DvcFiles
find_dvc_files(const fs::path& root)
{
  DvcFiles files;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied,
                                      ec);
  if (ec) {
    throw Error(core::fs_error_message(root, "cannot list", ec));
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      throw Error(core::fs_error_message(it->path(), "cannot list", ec));
    }
    const auto& entry = *it;
    auto name = entry.path().filename().string();
    std::error_code type_ec;
    if (entry.is_directory(type_ec) && !entry.is_symlink(type_ec)) {
      if (name == ".git" || name == ".dvc" || name == ".trove") {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (!entry.is_regular_file(type_ec) || entry.is_symlink(type_ec)) {
      continue;
    }
    auto relative = entry.path().lexically_relative(root).generic_string();
    if (name == "dvc.lock") {
      files.locks.push_back(relative);
    } else if (name.size() > k_dvc_suffix.size() && name.ends_with(k_dvc_suffix)) {
      files.pointers.push_back(relative);
    }
  }
  std::sort(files.pointers.begin(), files.pointers.end());
  std::sort(files.locks.begin(), files.locks.end());
  return files;
}

// A file's content as DVC recorded it, with where it may be found.
struct WantedFile
{
  std::vector<fs::path> work_paths; // absolute
  std::optional<std::uint64_t> size;
  bool store = false;   // an output's content: into the cache (a dep only needs its id)
  bool current = false; // recorded by the checked-out files, not only by other commits
  std::string needed_by;
  std::string shown_path;
};

struct FoundFile
{
  store::ObjectId id;
  std::uint64_t size = 0;
};

struct DirListing
{
  std::vector<DvcDirEntry> entries;
  fs::path work_path;
  bool current = false;
};

class Migration
{
public:
  Migration(track::Repository* repo, fs::path root, const MigrateOptions& options)
      : m_repo(repo), m_root(std::move(root)), m_options(options),
        m_dry(options.dry == DryRun::yes)
  {
  }

  MigrationReport run();

private:
  void read_config();
  void migrate_settings(const DvcConfig& config, core::Config::Level level);
  void choose_sources();
  void collect_pointer(const std::string& relative);
  void collect_lock(const std::string& relative);
  void collect_history();
  void want(const DvcEntry& entry,
            const fs::path& work_path,
            bool store,
            const std::string& needed_by,
            bool current = true);
  void want_file(const DvcHash& hash,
                 const fs::path& work_path,
                 std::optional<std::uint64_t> size,
                 bool store,
                 const std::string& needed_by,
                 bool current);
  void read_dir_manifests();
  std::optional<std::vector<DvcDirEntry>> manifest_from_work_tree(
      const DvcHash& hash, const fs::path& dir, MigrationReport::Missing& missing);
  void resolve_files();
  void resolve_file(const DvcHash& hash, WantedFile& wanted);
  void build_manifests();
  void write_pointers();
  void write_locks();

  std::vector<fs::path> object_places(const DvcHash& hash, bool* remote_used);
  // An S3 DVC remote is read through a local mirror of its layout: a place
  // in the mirror is downloaded when it is first looked at.
  void open_s3_remote(const DvcRemote& remote, const std::string& url);
  void fetch_into_mirror(const fs::path& place);
  // A place as the user knows it: in the work tree, DVC's cache, or on S3.
  std::string where(const fs::path& place) const;
  std::optional<FoundFile> lookup(const DvcHash& hash) const;
  track::PointerFile entry_for(const DvcEntry& entry, const std::string& path) const;
  store::ObjectId placeholder(const DvcHash& hash) const;

  track::Repository* m_repo;
  std::optional<track::Repository> m_reopened;
  bool m_cache_dir_set = false;
  fs::path m_root;
  MigrateOptions m_options;
  bool m_dry;
  MigrationReport m_report;

  DvcConfig m_config;   // .dvc/config with .dvc/config.local over it
  fs::path m_dvc_cache; // absolute
  std::optional<fs::path> m_remote_dir;
  std::optional<s3::Client> m_s3;     // the remote, when it is s3://
  std::string m_s3_url;               // s3://bucket/prefix, for messages
  std::optional<ScratchDir> m_mirror; // m_remote_dir, for an S3 remote
  std::string m_remote_name;
  std::string m_remote_problem; // why the remote cannot be read, when it cannot
  bool m_remote_reported = false;

  DvcObjectMap m_md5_map;
  std::size_t m_history_missing = 0;
  std::map<DvcHash, WantedFile> m_files;
  std::map<DvcHash, DirListing> m_dirs;
  std::map<DvcHash, std::string> m_dir_needed_by;
  std::map<DvcHash, FoundFile> m_found;
  std::map<DvcHash, FoundFile> m_found_dirs;
  std::map<DvcHash, MigrationReport::Missing> m_missing;
  std::vector<store::ObjectStore::Staged> m_staged;
  std::mutex m_mutex;

  struct PointerJob
  {
    std::string dvc_file;
    DvcEntry out;
  };
  std::vector<PointerJob> m_pointers;
  struct LockJob
  {
    std::string dvc_lock;
    std::map<std::string, DvcLockStage> stages;
  };
  std::vector<LockJob> m_locks;
};

MigrationReport
Migration::run()
{
  std::error_code ec;
  if (!fs::is_directory(m_root / ".dvc", ec)) {
    throw Error("not a DVC repository: no .dvc/ in " + m_root.string());
  }
  read_config();
  if (m_cache_dir_set && !m_dry && m_repo) {
    // The store was opened before cache.dir was set: objects go where the
    // new setting says. The caller's lock covers this second handle.
    m_reopened.emplace(track::Repository::open(m_root));
    m_repo = &*m_reopened;
    core::create_directories(m_repo->store().tmp_dir());
  }
  choose_sources();
  if (m_repo) {
    m_md5_map = DvcObjectMap::load(m_repo->trove_dir());
  }
  auto files = find_dvc_files(m_root);
  for (const auto& pointer : files.pointers) {
    collect_pointer(pointer);
  }
  for (const auto& lock : files.locks) {
    collect_lock(lock);
  }
  collect_history();
  read_dir_manifests();
  resolve_files();
  build_manifests();
  if (!m_dry && m_repo) {
    m_md5_map.save(m_repo->trove_dir());
  }
  write_pointers();
  write_locks();
  for (auto& [hash, missing] : m_missing) {
    m_report.missing.push_back(std::move(missing));
  }
  if (m_history_missing > 0) {
    m_report.notes.push_back(
        std::to_string(m_history_missing) +
        " outputs that only other commits record were found neither in .dvc/cache nor on "
        "the DVC remote: their values cannot be read at those revisions");
  }
  return m_report;
}

void
Migration::read_config()
{
  DvcConfig shared;
  DvcConfig local;
  for (auto* config : {&shared, &local}) {
    fs::path file = m_root / ".dvc" / (config == &shared ? "config" : "config.local");
    std::error_code ec;
    if (!fs::exists(file, ec)) {
      continue;
    }
    try {
      *config = DvcConfig::parse(core::read_file(file), shown(m_root, file));
    } catch (const Error& e) {
      m_report.errors.push_back(e.what());
    }
  }
  // The merged view DVC itself reads (config.local wins).
  m_config = shared;
  for (const auto& [key, value] : local.core) {
    m_config.core[key] = value;
  }
  for (const auto& [key, value] : local.cache) {
    m_config.cache[key] = value;
  }
  for (const auto& remote : local.remotes) {
    auto it = std::find_if(m_config.remotes.begin(), m_config.remotes.end(),
                           [&](const DvcRemote& r) { return r.name == remote.name; });
    if (it == m_config.remotes.end()) {
      m_config.remotes.push_back(remote);
    } else {
      for (const auto& [key, value] : remote.options) {
        it->options[key] = value;
      }
    }
  }
  if (m_repo || m_dry) {
    migrate_settings(shared, core::Config::Level::repo);
    migrate_settings(local, core::Config::Level::local);
  }
}

void
Migration::migrate_settings(const DvcConfig& config, core::Config::Level level)
{
  fs::path trove_dir = m_root / ".trove";
  auto file = core::ConfigFile::load(core::Config::path_of(level, trove_dir));
  std::string where =
      level == core::Config::Level::repo ? ".trove/config" : ".trove/config.local";
  bool changed = false;
  auto set = [&](const std::string& key, const std::string& value,
                 const std::string& from) {
    try {
      core::check_setting(key, value);
    } catch (const Error& e) {
      m_report.notes.push_back(from + " not migrated: " + e.what());
      return;
    }
    auto current = file.get(key);
    if (current == value) {
      return;
    }
    if (current) {
      m_report.notes.push_back(from + " not migrated: " + where + " already sets " + key +
                               " = " + *current);
      return;
    }
    file.set(key, value);
    changed = true;
    m_cache_dir_set = m_cache_dir_set || key == "cache.dir";
    m_report.settings.push_back(key + " = " + value + " (" + where + ")");
  };
  std::string source =
      level == core::Config::Level::repo ? ".dvc/config" : ".dvc/config.local";
  for (const auto& remote : config.remotes) {
    std::string prefix = "remote." + remote.name + ".";
    for (const auto& [key, value] : remote.options) {
      std::string from = source + " remote '" + remote.name + "' " + key;
      if (key == "url") {
        std::string url = value;
        if (url.rfind("s3://", 0) != 0) {
          auto local = local_url_from_root(url);
          if (!local) {
            m_report.notes.push_back(from + " = " + value +
                                     " not migrated: trove's remotes are directories "
                                     "and s3:// buckets");
            continue;
          }
          url = *local;
        }
        set(prefix + "url", url, from);
      } else if (key == "endpointurl" || key == "region" || key == "profile" ||
                 key == "access_key_id" || key == "secret_access_key" ||
                 key == "session_token" || key == "jobs") {
        set(prefix + key, value, from);
      } else if (key == "use_path_style" || key == "force_path_style") {
        set(prefix + "use_path_style", value, from);
      } else {
        m_report.notes.push_back(from + " not migrated: trove has no such remote option");
      }
    }
  }
  if (auto remote = config.core.find("remote"); remote != config.core.end()) {
    set("core.remote", remote->second, source + " core.remote");
  }
  for (const auto& [key, value] : config.cache) {
    std::string from = source + " cache." + key;
    if (key == "type") {
      set("cache.type", value, from);
    } else if (key == "dir") {
      auto local = local_url_from_root(value);
      if (!local) {
        m_report.notes.push_back(from + " not migrated: not a local directory");
        continue;
      }
      // trove's cache.dir is relative to .trove/.
      fs::path dir(*local);
      set("cache.dir",
          dir.is_absolute() ? dir.generic_string()
                            : (fs::path("..") / dir).lexically_normal().generic_string(),
          from);
    } else {
      m_report.notes.push_back(from + " not migrated: trove has no such cache option");
    }
  }
  if (changed && !m_dry) {
    core::create_directories(trove_dir);
    file.save();
  }
}

void
Migration::choose_sources()
{
  m_dvc_cache = m_root / ".dvc" / "cache";
  if (auto dir = m_config.cache.find("dir"); dir != m_config.cache.end()) {
    if (auto local = local_url_from_root(dir->second)) {
      m_dvc_cache = (m_root / *local).lexically_normal();
    }
  }
  m_remote_name = m_options.remote;
  if (m_remote_name.empty()) {
    if (auto it = m_config.core.find("remote"); it != m_config.core.end()) {
      m_remote_name = it->second;
    }
  }
  if (m_remote_name.empty()) {
    m_remote_problem = "no DVC remote is configured (core.remote in .dvc/config)";
    return;
  }
  auto it = std::find_if(m_config.remotes.begin(), m_config.remotes.end(),
                         [&](const DvcRemote& r) { return r.name == m_remote_name; });
  if (it == m_config.remotes.end()) {
    std::string names;
    for (const auto& remote : m_config.remotes) {
      names += (names.empty() ? "" : ", ") + remote.name;
    }
    throw Error("no DVC remote '" + m_remote_name + "' in .dvc/config" +
                (names.empty() ? std::string(" (it defines none)")
                               : " (DVC remotes: " + names + ")"));
  }
  auto url = it->options.find("url");
  if (url == it->options.end()) {
    m_remote_problem = "DVC remote '" + m_remote_name + "' has no url";
    return;
  }
  if (url->second.starts_with("s3://")) {
    open_s3_remote(*it, url->second);
    return;
  }
  auto local = local_url_from_root(url->second);
  if (!local) {
    m_remote_problem = "DVC remote '" + m_remote_name + "' (" + url->second +
                       ") is not searched: only directory and s3:// remotes are read";
    return;
  }
  fs::path dir = (m_root / *local).lexically_normal();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    m_remote_problem = "DVC remote '" + m_remote_name + "' (" + dir.string() +
                       ") is not reachable: " +
                       (fs::exists(dir, ec) ? "not a directory" : "no such directory");
    return;
  }
  m_remote_dir = dir;
}

void
Migration::open_s3_remote(const DvcRemote& remote, const std::string& url)
{
  std::string name = "DVC remote '" + m_remote_name + "' (" + url + ")";
  try {
    // DVC's S3 options have trove's names (endpointurl, region, profile,
    // access_key_id, secret_access_key, session_token).
    m_s3.emplace(s3::resolve_connection(url, remote.options), name, 4);
    m_s3->check_bucket();
  } catch (const Error& e) {
    m_s3.reset();
    m_remote_problem = name + " is not reachable: " + e.what();
    return;
  }
  m_s3_url = url;
  fs::path parent = m_repo ? m_repo->store().tmp_dir() : fs::temp_directory_path();
  m_mirror.emplace(parent / ("dvc-remote." + std::to_string(getpid())));
  m_remote_dir = m_mirror->path;
}

std::string
Migration::where(const fs::path& place) const
{
  if (m_mirror) {
    auto relative = place.lexically_relative(m_mirror->path).generic_string();
    if (!relative.empty() && !relative.starts_with("..")) {
      return m_s3_url + (m_s3_url.ends_with("/") ? "" : "/") + relative;
    }
  }
  return shown(m_root, place);
}

void
Migration::fetch_into_mirror(const fs::path& place)
{
  std::error_code ec;
  if (!m_s3 || fs::exists(place, ec)) {
    return;
  }
  auto relative = place.lexically_relative(m_mirror->path).generic_string();
  if (relative.empty() || relative.starts_with("..")) {
    return; // not a place on the remote
  }
  core::create_directories(place.parent_path());
  fs::path partial = core::temp_path_in(place.parent_path());
  if (m_s3->get(relative, partial) == s3::Client::Got::object) {
    core::rename_path(partial, place);
  } else {
    std::ignore = fs::remove(partial, ec); // no such key: looked at as missing
  }
}

void
Migration::collect_pointer(const std::string& relative)
{
  DvcFile file;
  try {
    file = DvcFile::parse(core::read_file(m_root / relative), relative);
  } catch (const Error& e) {
    m_report.errors.push_back(e.what());
    return;
  }
  if (!file.unsupported.empty()) {
    for (const auto& what : file.unsupported) {
      m_report.notes.push_back(relative + " not migrated: unsupported " + what);
    }
    return;
  }
  const auto& out = file.outs.front();
  if (!out.hash) {
    m_report.notes.push_back(relative + " not migrated: it records no md5 for '" +
                             out.path + "'");
    return;
  }
  fs::path work_path = (m_root / relative).parent_path() / out.path;
  want(out, work_path, true, relative);
  m_pointers.push_back({relative, out});
}

void
Migration::collect_lock(const std::string& relative)
{
  LockJob job{relative, {}};
  try {
    job.stages = parse_dvc_lock(core::read_file(m_root / relative), relative);
  } catch (const Error& e) {
    m_report.errors.push_back(e.what());
    return;
  }
  fs::path dir = (m_root / relative).parent_path();
  for (const auto& [name, stage] : job.stages) {
    std::string by = "stage '" + name + "' of " + relative;
    for (const auto& dep : stage.deps) {
      if (dep.hash) {
        want(dep, dir / dep.path, false, by);
      }
    }
    for (const auto& out : stage.outs) {
      if (out.hash) {
        want(out, dir / out.path, true, by);
      }
    }
  }
  m_locks.push_back(std::move(job));
}

void
Migration::want(const DvcEntry& entry,
                const fs::path& work_path,
                bool store,
                const std::string& needed_by,
                bool current)
{
  const DvcHash& hash = *entry.hash;
  if (!hash.is_dir) {
    want_file(hash, work_path, entry.size, store, needed_by, current);
    return;
  }
  auto& listing = m_dirs[hash];
  if (listing.work_path.empty() || (current && !listing.current)) {
    listing.work_path = work_path;
    m_dir_needed_by[hash] = needed_by;
  }
  listing.current = listing.current || current;
}

void
Migration::collect_history()
{
  const scm::GitRepo* git = m_repo ? m_repo->git() : nullptr;
  std::optional<scm::GitRepo> discovered;
  if (!git && !m_repo) {
    discovered = scm::GitRepo::discover(m_root);
    git = discovered ? &*discovered : nullptr;
  }
  if (!git) {
    return;
  }
  std::vector<std::string> commits;
  try {
    commits = git->all_commits();
  } catch (const Error&) {
    return; // no commit yet
  }
  scm::GitRepo::FileFinder finder(*git, [](std::string_view name) {
    return name == "dvc.lock" ||
           (name.size() > k_dvc_suffix.size() && name.ends_with(k_dvc_suffix));
  });
  for (const auto& commit : commits) {
    for (const auto& file : finder.in(commit)) {
      std::string source = file.path + " at " + commit.substr(0, 7);
      fs::path dir = (m_root / file.path).parent_path();
      try {
        if (fs::path(file.path).filename() == "dvc.lock") {
          for (const auto& [name, stage] : parse_dvc_lock(file.content, source)) {
            for (const auto& out : stage.outs) {
              if (out.hash) {
                want(out, dir / out.path, true, "stage '" + name + "' of " + source,
                     false);
              }
            }
          }
        } else {
          auto pointer = DvcFile::parse(file.content, source);
          if (pointer.unsupported.empty() && pointer.outs.front().hash) {
            want(pointer.outs.front(), dir / pointer.outs.front().path, true, source,
                 false);
          }
        }
      } catch (const Error&) {
        continue; // an old commit's file that DVC could not read either
      }
    }
  }
}

void
Migration::want_file(const DvcHash& hash,
                     const fs::path& work_path,
                     std::optional<std::uint64_t> size,
                     bool store,
                     const std::string& needed_by,
                     bool current)
{
  auto& wanted = m_files[hash];
  if (wanted.needed_by.empty() || (current && !wanted.current)) {
    wanted.needed_by = needed_by;
    wanted.shown_path = shown(m_root, work_path);
  }
  if (std::find(wanted.work_paths.begin(), wanted.work_paths.end(), work_path) ==
      wanted.work_paths.end()) {
    wanted.work_paths.push_back(work_path);
  }
  if (size) {
    wanted.size = size;
  }
  wanted.store = wanted.store || store;
  wanted.current = wanted.current || current;
}

std::vector<fs::path>
Migration::object_places(const DvcHash& hash, bool* remote_used)
{
  std::vector<fs::path> places;
  auto add_layouts = [&](const fs::path& base) {
    if (hash.kind == HashKind::md5) {
      places.push_back(layout3_path(base, hash));
      places.push_back(layout2_path(base, hash));
    } else {
      places.push_back(layout2_path(base, hash));
      places.push_back(layout3_path(base, hash));
    }
  };
  add_layouts(m_dvc_cache);
  if (m_remote_dir) {
    add_layouts(*m_remote_dir);
    if (remote_used) {
      *remote_used = true;
    }
  }
  return places;
}

void
Migration::read_dir_manifests()
{
  for (auto& [hash, listing] : m_dirs) {
    MigrationReport::Missing missing;
    missing.what = "directory " + shown(m_root, listing.work_path) + " (md5 " +
                   hash.to_string() + ", " + m_dir_needed_by[hash] + ")";
    std::optional<std::vector<DvcDirEntry>> entries;
    for (const auto& place : object_places(hash, nullptr)) {
      fetch_into_mirror(place);
      std::error_code ec;
      if (!fs::is_regular_file(place, ec)) {
        missing.looked_in.push_back(where(place) + ": missing");
        continue;
      }
      std::string text = core::read_file(place);
      if (dvc_md5(text, HashKind::md5) != hash.md5 &&
          dvc_md5(text, hash.kind) != hash.md5) {
        missing.looked_in.push_back(where(place) + ": different content");
        continue;
      }
      try {
        entries = parse_dir_manifest(text, shown(m_root, place));
      } catch (const Error& e) {
        missing.looked_in.push_back(e.what());
        continue;
      }
      break;
    }
    if (!entries && listing.current) {
      entries = manifest_from_work_tree(hash, listing.work_path, missing);
    }
    if (!entries) {
      if (!listing.current) {
        ++m_history_missing;
        continue;
      }
      if (!m_remote_dir) {
        missing.looked_in.push_back(m_remote_problem);
      }
      m_missing[hash] = std::move(missing);
      continue;
    }
    listing.entries = std::move(*entries);
    for (const auto& entry : listing.entries) {
      DvcHash file{entry.md5, false, hash.kind};
      want_file(file, listing.work_path / entry.relpath, std::nullopt, true,
                m_dir_needed_by[hash], listing.current);
    }
  }
}

std::optional<std::vector<DvcDirEntry>>
Migration::manifest_from_work_tree(const DvcHash& hash,
                                   const fs::path& dir,
                                   MigrationReport::Missing& missing)
{
  // Neither DVC's cache nor its remote has the manifest: the work tree's
  // directory gives it back when its files are what DVC recorded (the md5 of
  // the manifest DVC would write for them is the directory's).
  std::string name = "work tree " + shown(m_root, dir) + "/";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    missing.looked_in.push_back(name + ": missing");
    return std::nullopt;
  }
  std::vector<DvcDirEntry> entries;
  std::vector<fs::path> paths;
  fs::recursive_directory_iterator it(dir, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec) && !it->is_symlink(type_ec)) {
      paths.push_back(it->path());
      entries.push_back({it->path().lexically_relative(dir).generic_string(), "", false});
    }
  }
  if (ec) {
    missing.looked_in.push_back(name + ": " + ec.message());
    return std::nullopt;
  }
  try {
    core::parallel_for(paths.size(), m_repo ? m_repo->jobs() : 0, [&](std::size_t i) {
      entries[i].md5 = dvc_md5_file(paths[i], hash.kind);
    });
  } catch (const Error& e) {
    missing.looked_in.push_back(name + ": " + e.what());
    return std::nullopt;
  }
  auto text = serialize_dir_manifest(entries);
  if (!text || dvc_md5(*text, HashKind::md5) != hash.md5) {
    missing.looked_in.push_back(name + ": different content");
    return std::nullopt;
  }
  std::sort(
      entries.begin(), entries.end(),
      [](const DvcDirEntry& a, const DvcDirEntry& b) { return a.relpath < b.relpath; });
  return entries;
}

std::optional<FoundFile>
Migration::lookup(const DvcHash& hash) const
{
  const auto* known = m_md5_map.find(hash);
  if (!known || !m_repo) {
    return std::nullopt;
  }
  store::ObjectId id{known->sha256, false};
  if (!m_repo->store().contains(id)) {
    return std::nullopt;
  }
  return FoundFile{id, known->size};
}

void
Migration::resolve_files()
{
  std::vector<std::pair<const DvcHash*, WantedFile*>> work;
  for (auto& [hash, wanted] : m_files) {
    if (auto known = lookup(hash)) {
      m_found[hash] = *known;
      continue;
    }
    work.emplace_back(&hash, &wanted);
  }
  core::parallel_for(work.size(), m_repo ? m_repo->jobs() : 0, [&](std::size_t i) {
    resolve_file(*work[i].first, *work[i].second);
  });
  if (!m_dry && m_repo && !m_staged.empty()) {
    m_repo->store().commit(m_staged, m_repo->jobs());
  }
  for (const auto& [hash, found] : m_found) {
    if (m_repo && !m_dry) {
      m_md5_map.set(hash, {found.id.hex, found.size});
    }
  }
}

void
Migration::resolve_file(const DvcHash& hash, WantedFile& wanted)
{
  enum class Source
  {
    work_tree,
    dvc_cache,
    dvc_remote
  };
  std::vector<std::pair<fs::path, Source>> places;
  for (const auto& path : wanted.work_paths) {
    places.emplace_back(path, Source::work_tree);
  }
  bool remote_used = false;
  auto objects = object_places(hash, &remote_used);
  for (std::size_t i = 0; i < objects.size(); ++i) {
    places.emplace_back(objects[i], i < 2 ? Source::dvc_cache : Source::dvc_remote);
  }
  std::vector<std::string> looked_in;
  // An output's bytes are copied into the store's temp directory and
  // verified there: what enters the cache is exactly what was checked.
  bool copy = wanted.store && !m_dry && m_repo;
  for (const auto& [place, source] : places) {
    std::string name =
        (source == Source::work_tree   ? "work tree "
         : source == Source::dvc_cache ? "DVC cache "
                                       : "DVC remote '" + m_remote_name + "' ") +
        where(place);
    if (source == Source::dvc_remote) {
      fetch_into_mirror(place);
    }
    std::error_code ec;
    auto status = fs::symlink_status(place, ec);
    if (ec || !fs::is_regular_file(status)) {
      looked_in.push_back(name + ": " + (fs::exists(status) ? "not a file" : "missing"));
      continue;
    }
    if (wanted.size && fs::file_size(place, ec) != *wanted.size && !ec) {
      looked_in.push_back(name + ": different size");
      continue;
    }
    try {
      FoundFile found;
      if (copy) {
        fs::path tmp = core::temp_path_in(m_repo->store().tmp_dir());
        std::string sha = core::copy_and_hash(place, tmp);
        if (dvc_md5_file(tmp, hash.kind) != hash.md5) {
          core::remove_file(tmp);
          looked_in.push_back(name + ": different content");
          continue;
        }
        found = {store::ObjectId{sha, false}, core::file_size(tmp)};
        std::lock_guard lock(m_mutex);
        if (m_repo->store().contains(found.id)) {
          core::remove_file(tmp);
        } else {
          m_staged.push_back({tmp, found.id, true});
          ++m_report.objects_stored;
          m_report.bytes_stored += found.size;
        }
      } else {
        auto both = hash_both(place, hash.kind);
        if (both.md5 != hash.md5) {
          looked_in.push_back(name + ": different content");
          continue;
        }
        found = {store::ObjectId{both.sha256, false}, both.size};
        if (wanted.store && m_dry && (!m_repo || !m_repo->store().contains(found.id))) {
          std::lock_guard lock(m_mutex);
          ++m_report.objects_stored;
          m_report.bytes_stored += found.size;
        }
      }
      std::lock_guard lock(m_mutex);
      m_found[hash] = found;
      (source == Source::work_tree   ? m_report.from_work_tree
       : source == Source::dvc_cache ? m_report.from_dvc_cache
                                     : m_report.from_dvc_remote)++;
      return;
    } catch (const Error& e) {
      looked_in.push_back(name + ": " + e.what());
    }
  }
  if (!remote_used) {
    looked_in.push_back(m_remote_problem);
  }
  if (!wanted.store) {
    return; // a dep whose content changed since: it reads as changed
  }
  std::lock_guard lock(m_mutex);
  if (!wanted.current) {
    ++m_history_missing;
    return;
  }
  m_missing[hash] = {wanted.shown_path + " (md5 " + hash.md5 + ", " + wanted.needed_by +
                         ")",
                     std::move(looked_in)};
}

void
Migration::build_manifests()
{
  for (const auto& [hash, listing] : m_dirs) {
    if (m_missing.count(hash)) {
      continue;
    }
    std::vector<store::ManifestEntry> entries;
    bool complete = true;
    for (const auto& entry : listing.entries) {
      auto found = m_found.find(DvcHash{entry.md5, false, hash.kind});
      if (found == m_found.end()) {
        complete = false;
        continue;
      }
      entries.push_back(
          {entry.relpath, found->second.id.hex, found->second.size, entry.executable});
    }
    if (!complete) {
      continue; // its files are reported missing one by one
    }
    try {
      store::Manifest manifest(std::move(entries));
      std::string text = manifest.serialize();
      store::ObjectId id{core::sha256_hex(text), true};
      if (!m_dry && m_repo) {
        id = m_repo->store().put_bytes(text, true);
        m_md5_map.set(hash, {id.hex, manifest.total_size()});
      }
      m_found_dirs[hash] = {id, manifest.total_size()};
    } catch (const Error& e) {
      m_report.errors.push_back(shown(m_root, listing.work_path) + ": " + e.what());
    }
  }
}

store::ObjectId
Migration::placeholder(const DvcHash& hash) const
{
  // An id no content has: what DVC recorded matched nothing, so the entry
  // reads as changed, as `dvc status` says it is.
  return {core::sha256_hex("trove migrate: DVC " + kind_name(hash.kind) + " " +
                           hash.to_string() + " matched no content"),
          hash.is_dir};
}

track::PointerFile
Migration::entry_for(const DvcEntry& entry, const std::string& path) const
{
  track::PointerFile pointer;
  pointer.out_path = path;
  pointer.executable = entry.executable;
  pointer.size = entry.size.value_or(0);
  pointer.nfiles = entry.nfiles;
  if (!entry.hash) {
    pointer.id = placeholder(DvcHash{std::string(32, '0'), false, HashKind::md5});
    return pointer;
  }
  const auto& found = entry.hash->is_dir ? m_found_dirs : m_found;
  if (auto it = found.find(*entry.hash); it != found.end()) {
    pointer.id = it->second.id;
    pointer.size = it->second.size;
    if (entry.hash->is_dir) {
      pointer.nfiles = m_dirs.at(*entry.hash).entries.size();
    }
  } else {
    pointer.id = placeholder(*entry.hash);
  }
  return pointer;
}

void
Migration::write_pointers()
{
  for (const auto& job : m_pointers) {
    const auto& hash = *job.out.hash;
    const auto& found = hash.is_dir ? m_found_dirs : m_found;
    if (!found.count(hash)) {
      continue; // reported missing
    }
    auto pointer = entry_for(job.out, job.out.path);
    std::string to = job.dvc_file.substr(0, job.dvc_file.size() - k_dvc_suffix.size()) +
                     std::string(track::k_pointer_suffix);
    fs::path file = m_root / to;
    std::string text = pointer.serialize();
    std::error_code ec;
    if (fs::exists(file, ec) && core::read_file(file) == text) {
      ++m_report.unchanged;
      continue;
    }
    std::string what = hash.is_dir
                           ? "directory, " + std::to_string(*pointer.nfiles) +
                                 " files, " + std::to_string(pointer.size) + " bytes"
                           : "file, " + std::to_string(pointer.size) + " bytes";
    m_report.written.push_back({job.dvc_file, to, what});
    if (m_dry) {
      continue;
    }
    try {
      pointer.save(file);
      fs::path data = file.parent_path() / job.out.path;
      scm::gitignore_add(data.parent_path(), data.filename().string());
    } catch (const Error& e) {
      m_report.errors.push_back(e.what());
    }
  }
}

void
Migration::write_locks()
{
  for (const auto& job : m_locks) {
    fs::path dir = fs::path(job.dvc_lock).parent_path();
    std::string to = pipeline::lock_path_of((dir / "dvc.yaml").generic_string());
    std::optional<pipeline::LockFile> lock;
    try {
      lock = pipeline::LockFile::load(m_root, to);
    } catch (const Error& e) {
      m_report.errors.push_back(std::string(e.what()) + " (not replaced by " +
                                job.dvc_lock + ")");
      continue;
    }
    std::string before = lock->serialize();
    std::error_code ec;
    bool existed = fs::exists(m_root / to, ec);
    for (const auto& [name, stage] : job.stages) {
      pipeline::LockedStage locked;
      locked.cmd = stage.cmd;
      locked.cmd_is_list = stage.cmd_is_list;
      locked.params = stage.params;
      for (const auto& dep : stage.deps) {
        locked.deps.push_back(entry_for(dep, dep.path));
      }
      for (const auto& out : stage.outs) {
        locked.outs.push_back(entry_for(out, out.path));
      }
      lock->set(name, std::move(locked));
    }
    if (existed && lock->serialize() == before) {
      ++m_report.unchanged;
      continue;
    }
    m_report.written.push_back({job.dvc_lock, to,
                                std::to_string(job.stages.size()) +
                                    (job.stages.size() == 1 ? " stage" : " stages")});
    if (!m_dry) {
      lock->save();
    }
  }
}

} // namespace

MigrationReport
migrate_dvc(track::Repository* repo, const fs::path& root, const MigrateOptions& options)
{
  if (!repo && options.dry != DryRun::yes) {
    throw std::logic_error("trove: migrate_dvc writes only into an open repository");
  }
  return Migration(repo, root, options).run();
}

DvcProject
find_dvc_project(const fs::path& start)
{
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(fs::absolute(start, ec), ec);
  auto git = scm::GitRepo::discover(dir);
  fs::path top = git ? fs::weakly_canonical(git->workdir(), ec) : fs::path();
  for (fs::path at = dir;; at = at.parent_path()) {
    if (fs::is_directory(at / ".dvc", ec)) {
      using Place = track::Repository::InitPlace;
      Place place = !git ? Place::no_scm : at == top ? Place::git_top : Place::subdir;
      return {at, place};
    }
    if (at == top || !at.has_relative_path()) {
      break;
    }
  }
  throw Error("not a DVC repository: no .dvc/ in " + dir.string() +
              (git ? " or above it up to " + top.string() : std::string()));
}

} // namespace trove::migrate
