#include <trove/track/workspace.hpp>

#include <trove/core/data_path.hpp>
#include <trove/core/error.hpp>
#include <trove/core/hash.hpp>
#include <trove/core/parallel.hpp>
#include <trove/scm/ignore_rules.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <map>
#include <memory>

namespace trove::track {

namespace {

// Whether a symlink points inside the repository or the cache.
bool
may_follow(const Repository& repo, const fs::path& link)
{
  std::error_code ec;
  fs::path target = fs::canonical(link, ec);
  return !ec && (core::is_within(repo.root(), target) ||
                 core::is_within(fs::weakly_canonical(repo.store().dir(), ec), target));
}

std::string
describe_mode(mode_t mode)
{
  if (S_ISFIFO(mode)) {
    return "a FIFO";
  }
  if (S_ISSOCK(mode)) {
    return "a socket";
  }
  if (S_ISCHR(mode) || S_ISBLK(mode)) {
    return "a device";
  }
  if (S_ISDIR(mode)) {
    return "a directory";
  }
  return "not a regular file";
}

// What one directory holds; directories are read in parallel.
struct DirectoryListing
{
  std::vector<WorkspaceFile> files;
  std::vector<std::string> subdirs; // prefixes, relative to the scanned root
  std::vector<fs::path> stale_temps;
  std::vector<std::string> warnings;
};

struct CloseDir
{
  void
  operator()(DIR* stream) const
  {
    closedir(stream);
  }
};

struct Scanner
{
  Repository& repo;
  scm::IgnoreRules ignore;
  std::string base_key; // the scanned directory relative to the root
  fs::path root;        // the scanned directory

  DirectoryListing
  list(const std::string& prefix) const
  {
    DirectoryListing listing;
    fs::path dir = prefix.empty() ? root : root / prefix;
    core::Fd dir_fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd) {
      throw Error(core::errno_message(dir, "cannot open directory"));
    }
    std::unique_ptr<DIR, CloseDir> stream(fdopendir(dir_fd.get()));
    if (!stream) {
      throw Error(core::errno_message(dir, "cannot read directory"));
    }
    int fd = dir_fd.release(); // now owned by the stream
    while (true) {
      errno = 0;
      dirent* entry = readdir(stream.get());
      if (!entry) {
        if (errno != 0) {
          // A listing cut short would record a directory without its files.
          throw Error(core::errno_message(dir, "cannot read directory"));
        }
        break;
      }
      std::string name = entry->d_name;
      if (name == "." || name == "..") {
        continue;
      }
      if (pid_t owner = core::temp_owner(name)) {
        if (kill(owner, 0) != 0 && errno == ESRCH) {
          listing.stale_temps.push_back(dir / name);
        }
        continue;
      }
      std::string path = prefix.empty() ? name : prefix + "/" + name;
      if (dir.native().size() + 1 + name.size() >= PATH_MAX) {
        // Recorded, it could never be checked out again.
        throw Error("'" + dir.native().substr(0, 80) +
                    "...': a path inside it is longer than " +
                    std::to_string(PATH_MAX - 1) + " bytes");
      }
      struct stat st;
      if (fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        continue; // vanished while we looked
      }
      std::string absolute = dir.native() + "/" + name;
      if (S_ISLNK(st.st_mode)) {
        if (!may_follow(repo, absolute) || stat(absolute.c_str(), &st) != 0) {
          listing.warnings.push_back("skipped symlink '" + absolute +
                                     "': it points outside the repository");
          continue;
        }
        if (!S_ISREG(st.st_mode)) {
          listing.warnings.push_back("skipped symlink '" + absolute +
                                     "': not a regular file");
          continue;
        }
        std::error_code ec;
        auto target = fs::canonical(absolute, ec);
        if (ec) {
          throw Error(core::fs_error_message(absolute, "resolve symlink", ec));
        }
        absolute = target.native();
      }
      std::string key = base_key.empty() ? path : base_key + "/" + path;
      if (ignore.is_ignored(key, S_ISDIR(st.st_mode))) {
        continue;
      }
      if (auto problem = core::data_path_problem(key)) {
        // A dataset that is a git clone or holds a submodule: its .git could
        // never be checked out again, so it is not recorded.
        listing.warnings.push_back("skipped '" + absolute + "': " + *problem);
      } else if (S_ISDIR(st.st_mode)) {
        listing.subdirs.push_back(std::move(path));
      } else if (S_ISREG(st.st_mode)) {
        listing.files.push_back({std::move(path), std::move(absolute),
                                 store::FileStamp::of(st), (st.st_mode & S_IXUSR) != 0});
      } else {
        listing.warnings.push_back("skipped '" + absolute + "': it is " +
                                   describe_mode(st.st_mode));
      }
    }
    return listing;
  }
};

} // namespace

std::vector<WorkspaceFile>
scan_directory(Repository& repo,
               const fs::path& dir,
               const Warn& warn,
               std::vector<fs::path>* stale_temps)
{
  Scanner scanner{repo, scm::IgnoreRules::load(repo.root() / ".troveignore"),
                  repo.relative(dir), dir};
  std::vector<WorkspaceFile> files;
  // Level by level, the directories of a level in parallel: stat(2) of many
  // files is what a no-op status spends its time on.
  std::vector<std::string> level{""};
  while (!level.empty()) {
    std::vector<DirectoryListing> listings(level.size());
    core::parallel_for(level.size(), repo.jobs(),
                       [&](std::size_t i) { listings[i] = scanner.list(level[i]); });
    level.clear();
    for (auto& listing : listings) {
      std::move(listing.files.begin(), listing.files.end(), std::back_inserter(files));
      std::move(listing.subdirs.begin(), listing.subdirs.end(),
                std::back_inserter(level));
      for (const auto& warning : listing.warnings) {
        warn(warning);
      }
      if (stale_temps) {
        stale_temps->insert(stale_temps->end(), listing.stale_temps.begin(),
                            listing.stale_temps.end());
      }
    }
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  return files;
}

std::string
index_key(const std::string& out_path, const std::string& file_path)
{
  if (out_path.empty()) {
    return file_path;
  }
  return file_path.empty() ? out_path : out_path + "/" + file_path;
}

std::string
hash_workspace_file(Repository& repo,
                    const std::string& key,
                    const fs::path& path,
                    const store::FileStamp& stamp)
{
  auto& index = repo.stat_index();
  if (auto known = index.lookup(key, stamp)) {
    return std::move(*known);
  }
  std::string hex = core::sha256_file(path);
  index.record(key, stamp, hex);
  return hex;
}

std::vector<std::string>
hash_files(Repository& repo,
           const std::string& out_path,
           const std::vector<WorkspaceFile>& files)
{
  std::vector<std::string> hexes(files.size());
  core::parallel_for(files.size(), repo.jobs(), [&](std::size_t i) {
    const auto& file = files[i];
    hexes[i] = hash_workspace_file(repo, index_key(out_path, file.path), file.absolute,
                                   file.stamp);
  });
  return hexes;
}

std::optional<store::FileStamp>
stamp_of(const fs::path& path, bool* is_dir)
{
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return std::nullopt;
  }
  if (is_dir) {
    *is_dir = S_ISDIR(st.st_mode);
  }
  return store::FileStamp::of(st);
}

PathEntry
inspect_path(const Repository& repo, const fs::path& absolute)
{
  PathEntry entry;
  struct stat st;
  if (lstat(absolute.c_str(), &st) != 0) {
    return entry;
  }
  entry.read_path = absolute;
  if (S_ISLNK(st.st_mode)) {
    if (!may_follow(repo, absolute) || stat(absolute.c_str(), &st) != 0) {
      entry.kind = PathEntry::Kind::other;
      entry.what = "a symlink to outside the repository";
      return entry;
    }
    if (!S_ISREG(st.st_mode)) {
      entry.kind = PathEntry::Kind::other;
      entry.what = "a symlink to " + describe_mode(st.st_mode);
      return entry;
    }
    std::error_code ec;
    entry.read_path = fs::canonical(absolute, ec);
    if (ec) {
      throw Error(core::fs_error_message(absolute, "resolve symlink", ec));
    }
  }
  entry.stamp = store::FileStamp::of(st);
  if (S_ISREG(st.st_mode)) {
    entry.kind = PathEntry::Kind::file;
  } else if (S_ISDIR(st.st_mode)) {
    entry.kind = PathEntry::Kind::directory;
  } else {
    entry.kind = PathEntry::Kind::other;
    entry.what = describe_mode(st.st_mode);
  }
  return entry;
}

Error
not_data_error(const std::string& key, const PathEntry& entry)
{
  return Error("'" + key + "' is " + entry.what + ", not a regular file or directory");
}

TrackedOut
load_tracked(const Repository& repo, const std::string& pointer_path)
{
  TrackedOut out;
  out.pointer_path = pointer_path;
  out.pointer = PointerFile::load(repo.absolute(pointer_path));
  std::string dir = fs::path(pointer_path).parent_path().generic_string();
  out.path = index_key(dir, out.pointer.out_path);
  check_data_path(repo, out.path, pointer_path);
  return out;
}

void
check_data_path(const Repository& repo,
                const std::string& path,
                const std::string& source)
{
  if (auto problem = core::data_path_problem(path)) {
    throw Error(source + ": unsafe path '" + path + "' (" + *problem + ")");
  }
  fs::path ancestor = repo.root();
  for (const auto& part : fs::path(path).parent_path()) {
    ancestor /= part;
    struct stat st;
    if (lstat(ancestor.c_str(), &st) != 0) {
      return; // does not exist yet: checkout creates real directories
    }
    if (S_ISLNK(st.st_mode)) {
      throw Error(source + ": unsafe path '" + path + "' (it goes through the symlink '" +
                  ancestor.lexically_relative(repo.root()).generic_string() + "')");
    }
  }
}

void
check_single_owner(std::map<std::string, std::string>& owners, const TrackedOut& out)
{
  auto [it, inserted] = owners.emplace(out.path, out.pointer_path);
  if (!inserted) {
    // Each checkout would write the path twice and status never settle.
    throw Error(out.pointer_path + ": '" + out.path + "' is already tracked by " +
                it->second);
  }
}

std::vector<TrackedOut>
load_all_tracked(const Repository& repo,
                 const std::vector<std::string>& pointers,
                 std::vector<std::string>& failures)
{
  std::vector<TrackedOut> outs;
  std::map<std::string, std::string> owners; // data path -> its pointer file
  for (const auto& pointer : pointers) {
    try {
      auto out = load_tracked(repo, pointer);
      check_single_owner(owners, out);
      outs.push_back(std::move(out));
    } catch (const Error& e) {
      failures.push_back(e.what());
    }
  }
  return outs;
}

std::optional<std::string>
tracked_parent(const Repository& repo, const std::string& path)
{
  for (fs::path parent = fs::path(path).parent_path(); !parent.empty();
       parent = parent.parent_path()) {
    std::error_code ec;
    if (fs::exists(repo.absolute(parent.generic_string() + std::string(k_pointer_suffix)),
                   ec)) {
      return parent.generic_string();
    }
  }
  return std::nullopt;
}

std::vector<std::string>
find_pointer_files(const Repository& repo)
{
  return find_metadata_files(repo).pointers;
}

MetadataKind
metadata_kind(std::string_view name)
{
  if (name.size() > k_pointer_suffix.size() && name.ends_with(k_pointer_suffix)) {
    return MetadataKind::pointer;
  }
  if (name == k_pipeline_file_name || name == k_dvc_pipeline_file_name) {
    return MetadataKind::pipeline;
  }
  if (name.ends_with(k_lock_file_name)) {
    return MetadataKind::lock;
  }
  return MetadataKind::other;
}

bool
is_root_pipeline(std::string_view path)
{
  return path == k_pipeline_file_name || path == k_dvc_pipeline_file_name;
}

MetadataFiles
find_metadata_files(const Repository& repo)
{
  MetadataFiles found;
  std::vector<std::string> pending{""};
  while (!pending.empty()) {
    std::string prefix = std::move(pending.back());
    pending.pop_back();
    std::error_code ec;
    std::vector<std::string> names;
    // An unreadable directory holds no metadata trove can use: skipped.
    fs::directory_iterator it(repo.absolute(prefix), ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      names.push_back(it->path().filename().string());
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      std::string path = prefix.empty() ? name : prefix + "/" + name;
      fs::path absolute = repo.absolute(path);
      if (pid_t owner = core::temp_owner(name)) {
        // Left beside a pointer or .gitignore by a trove that was killed: no
        // one can ever commit it, and git would list it.
        if (kill(owner, 0) != 0 && errno == ESRCH) {
          std::ignore = unlink(absolute.c_str()); // best effort; the next walk retries
        }
        continue;
      }
      auto kind = metadata_kind(name);
      if (kind != MetadataKind::other && fs::is_regular_file(absolute, ec)) {
        auto& list = kind == MetadataKind::pointer    ? found.pointers
                     : kind == MetadataKind::pipeline ? found.pipelines
                                                      : found.locks;
        list.push_back(path);
      } else if ((prefix.empty() && (name == ".git" || name == ".trove")) ||
                 std::binary_search(names.begin(), names.end(),
                                    name + std::string(k_pointer_suffix))) {
        continue; // tracked data is not searched for pointers
      } else if (fs::is_directory(fs::symlink_status(absolute, ec))) {
        pending.push_back(path);
      }
    }
  }
  std::sort(found.pointers.begin(), found.pointers.end());
  std::sort(found.pipelines.begin(), found.pipelines.end());
  std::sort(found.locks.begin(), found.locks.end());
  return found;
}

std::vector<std::string>
resolve_targets(const Repository& repo, const std::vector<fs::path>& targets)
{
  if (targets.empty()) {
    return find_pointer_files(repo);
  }
  std::vector<std::string> pointers;
  std::vector<std::string> all;
  for (const auto& target : targets) {
    std::string path = repo.relative(target);
    std::error_code ec;
    if (path.ends_with(k_pointer_suffix) &&
        fs::is_regular_file(repo.absolute(path), ec)) {
      pointers.push_back(path);
    } else if (fs::is_regular_file(repo.absolute(path + std::string(k_pointer_suffix)),
                                   ec)) {
      pointers.push_back(path + std::string(k_pointer_suffix));
    } else if (fs::is_directory(repo.absolute(path), ec)) {
      if (all.empty()) {
        all = find_pointer_files(repo);
      }
      std::size_t before = pointers.size();
      for (const auto& pointer : all) {
        if (path.empty() || pointer.rfind(path + "/", 0) == 0) {
          pointers.push_back(pointer);
        }
      }
      if (pointers.size() == before) {
        throw Error("'" + target.string() + "' holds no tracked data");
      }
    } else {
      throw Error("'" + target.string() + "' is not tracked by trove (no " + path +
                  std::string(k_pointer_suffix) + ")");
    }
  }
  std::sort(pointers.begin(), pointers.end());
  pointers.erase(std::unique(pointers.begin(), pointers.end()), pointers.end());
  return pointers;
}

} // namespace trove::track
