#include <trove/track/add.hpp>

#include <trove/core/error.hpp>
#include <trove/core/parallel.hpp>
#include <trove/scm/gitignore_file.hpp>
#include <trove/scm/ignore_rules.hpp>
#include <trove/store/manifest.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <optional>

namespace trove::track {

namespace {

// Whether a workspace file is still the one that was stored: a file that a
// job replaced or rewrote meanwhile must not be linked back to the old object,
// which would silently revert it. The ctime is left out: storing by hardlink
// makes the file read-only, which changes it.
bool
unchanged_since(const fs::path& path, const store::FileStamp& stored)
{
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return false;
  }
  auto now = store::FileStamp::of(st);
  return now.inode == stored.inode && now.size == stored.size &&
         now.mtime_ns == stored.mtime_ns;
}

// Makes the workspace file share the cache object when cache.type asks for a
// hardlink or symlink (its content is already known to equal the object).
// Returns the workspace file's stamp afterwards.
store::FileStamp
link_workspace_file(Repository& repo, const fs::path& path, const store::ObjectId& id)
{
  const auto& types = repo.link_types();
  fs::path object = repo.store().path_of(id);
  struct stat workspace_st;
  struct stat object_st;
  bool linked = true;
  if (store::shares_cache_bytes(types.front()) &&
      lstat(path.c_str(), &workspace_st) == 0 && stat(object.c_str(), &object_st) == 0) {
    if (types.front() == store::LinkType::hardlink) {
      linked = workspace_st.st_ino == object_st.st_ino;
    } else {
      std::error_code ec;
      linked = S_ISLNK(workspace_st.st_mode) && fs::equivalent(path, object, ec);
    }
  }
  if (!linked) {
    fs::path tmp = core::temp_path_in(path.parent_path());
    repo.store().link_out(id, tmp, types);
    core::rename_path(tmp, path);
  }
  auto stamp = stamp_of(path);
  if (!stamp) {
    throw Error(core::errno_message(path, "cannot stat"));
  }
  return *stamp;
}

// Whether a file named like a pointer file is one (a dataset may hold a
// file that merely ends in .trove).
bool
is_pointer_file(const fs::path& path)
{
  try {
    PointerFile::load(path);
    return true;
  } catch (const Error&) {
    return false;
  }
}

void
check_addable(Repository& repo, const std::string& path, const fs::path& original)
{
  if (path.empty()) {
    throw Error("cannot track the repository root itself");
  }
  check_data_path(repo, path, "cannot add '" + original.string() + "'");
  if (path.ends_with(k_pointer_suffix)) {
    throw Error("'" + original.string() + "' is a pointer file");
  }
  struct stat st;
  if (lstat(repo.absolute(path).c_str(), &st) != 0) {
    throw Error(core::errno_message(original, "cannot add"));
  }
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    throw Error("'" + original.string() + "' is neither a regular file nor a directory");
  }
  if (auto parent = tracked_parent(repo, path)) {
    throw Error("'" + original.string() + "' is inside tracked data '" + *parent + "' (" +
                *parent + std::string(k_pointer_suffix) + ")");
  }
  auto ignore = scm::IgnoreRules::load(repo.root() / ".troveignore");
  for (fs::path part = path; !part.empty(); part = part.parent_path()) {
    if (ignore.is_ignored(part.generic_string(),
                          part != fs::path(path) || S_ISDIR(st.st_mode))) {
      throw Error("'" + original.string() + "' is ignored by .troveignore");
    }
  }
  if (const auto* git = repo.git(); git && git->tracks(path)) {
    throw Error("'" + path +
                "' is tracked by git; stop tracking it first with "
                "'git rm -r --cached " +
                path + "'");
  }
}

PointerFile
store_directory(Repository& repo,
                const std::string& path,
                const Warn& warn,
                core::Progress* progress)
{
  auto files = scan_directory(repo, repo.absolute(path), warn);
  for (const auto& file : files) {
    if (metadata_kind(fs::path(file.path).filename().string()) == MetadataKind::pointer &&
        is_pointer_file(file.absolute)) {
      throw Error("'" + path + "' contains the pointer file '" + path + "/" + file.path +
                  "': its data is already tracked on its own");
    }
  }
  auto hexes = store_workspace_files(repo, path, files, warn, progress);
  std::vector<store::ManifestEntry> entries(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    entries[i] = {files[i].path, std::move(hexes[i]), files[i].stamp.size,
                  files[i].executable};
  }
  store::Manifest manifest(std::move(entries));
  PointerFile pointer;
  pointer.id = repo.store().put_bytes(manifest.serialize(), true);
  pointer.size = manifest.total_size();
  pointer.nfiles = manifest.entries().size();
  return pointer;
}

AddedOut
add_one(Repository& repo,
        const std::string& path,
        const Warn& warn,
        core::Progress* progress)
{
  fs::path absolute = repo.absolute(path);
  PointerFile pointer = store_path(repo, path, warn, progress);
  pointer.out_path = absolute.filename().string();

  AddedOut added{path, path + std::string(k_pointer_suffix), pointer, true};
  fs::path pointer_file = repo.absolute(added.pointer_path);
  std::error_code ec;
  if (fs::exists(pointer_file, ec)) {
    try {
      auto old = PointerFile::load(pointer_file);
      added.changed = old.id != pointer.id || old.size != pointer.size ||
                      old.nfiles != pointer.nfiles || old.out_path != pointer.out_path ||
                      old.executable != pointer.executable;
    } catch (const Error&) {
      // A damaged pointer is replaced by a correct one.
    }
  }
  if (added.changed) {
    pointer.save(pointer_file);
  }
  if (repo.git()) {
    scm::gitignore_add(absolute.parent_path(), pointer.out_path);
  }
  return added;
}

} // namespace

std::vector<std::string>
store_workspace_files(Repository& repo,
                      const std::string& out_path,
                      const std::vector<WorkspaceFile>& files,
                      const Warn& warn,
                      core::Progress* progress)
{
  if (progress) {
    std::uint64_t bytes = 0;
    for (const auto& file : files) {
      bytes += file.stamp.size;
    }
    progress->add_total(files.size(), bytes);
  }
  auto& index = repo.stat_index();
  auto& store = repo.store();
  std::vector<std::string> hexes(files.size());
  std::vector<std::optional<store::ObjectStore::Staged>> staged(files.size());
  std::vector<store::ObjectStore::Staged> to_commit;
  try {
    core::parallel_for(files.size(), repo.jobs(), [&](std::size_t i) {
      const auto& file = files[i];
      if (auto known = index.lookup(index_key(out_path, file.path), file.stamp);
          known && store.contains({*known, false})) {
        hexes[i] = std::move(*known);
      } else {
        staged[i] = store.stage_file(file.absolute, repo.link_types());
        hexes[i] = staged[i]->id.hex;
      }
      core::advance(progress, 1, file.stamp.size);
    });
    for (auto& one : staged) {
      if (one) {
        to_commit.push_back(std::move(*one));
      }
    }
    store.commit(to_commit, repo.jobs());
  } catch (...) {
    // A full disk must not stay full of copies that will never be used.
    for (const auto& one : staged) {
      if (one) {
        std::ignore = unlink(one->tmp.c_str()); // gone already once installed
      }
    }
    for (const auto& one : to_commit) {
      std::ignore = unlink(one.tmp.c_str());
    }
    throw;
  }
  std::vector<char> changed(files.size(), 0);
  core::parallel_for(files.size(), repo.jobs(), [&](std::size_t i) {
    std::string key = index_key(out_path, files[i].path);
    if (!unchanged_since(repo.absolute(key), files[i].stamp)) {
      changed[i] = 1; // left as it is; status will show it modified
      return;
    }
    auto stamp = link_workspace_file(repo, repo.absolute(key), {hexes[i], false});
    index.record(key, stamp, hexes[i]);
  });
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (changed[i]) {
      warn("'" + index_key(out_path, files[i].path) +
           "' changed while it was being stored; the version read is in the cache, "
           "the workspace file was left as it is");
    }
  }
  return hexes;
}

PointerFile
store_path(Repository& repo,
           const std::string& path,
           const Warn& warn,
           core::Progress* progress)
{
  auto entry = inspect_path(repo, repo.absolute(path));
  switch (entry.kind) {
  case PathEntry::Kind::missing:
    throw Error("'" + path + "' does not exist");
  case PathEntry::Kind::other:
    throw not_data_error(path, entry);
  case PathEntry::Kind::directory:
    return store_directory(repo, path, warn, progress);
  case PathEntry::Kind::file:
    break;
  }
  PointerFile pointer;
  struct stat st = {};
  pointer.executable =
      ::stat(entry.read_path.c_str(), &st) == 0 && (st.st_mode & S_IXUSR);
  auto hexes = store_workspace_files(
      repo, path, {{"", entry.read_path, entry.stamp, pointer.executable}}, warn,
      progress);
  pointer.id = {hexes.front(), false};
  pointer.size = entry.stamp.size;
  return pointer;
}

std::vector<AddedOut>
add(Repository& repo,
    const std::vector<fs::path>& paths,
    const Warn& warn,
    core::Progress* progress)
{
  std::vector<std::string> relative;
  for (const auto& path : paths) {
    relative.push_back(repo.relative(path));
    check_addable(repo, relative.back(), path);
  }
  std::vector<AddedOut> added;
  for (const auto& path : relative) {
    added.push_back(add_one(repo, path, warn, progress));
  }
  repo.stat_index().save();
  return added;
}

std::vector<AddedOut>
commit(Repository& repo,
       const std::vector<fs::path>& targets,
       const Warn& warn,
       core::Progress* progress)
{
  std::vector<AddedOut> committed;
  for (const auto& pointer_path : resolve_targets(repo, targets)) {
    auto out = load_tracked(repo, pointer_path);
    std::error_code ec;
    if (!fs::exists(repo.absolute(out.path), ec)) {
      throw Error("cannot commit '" + out.path + "': it does not exist");
    }
    committed.push_back(add_one(repo, out.path, warn, progress));
  }
  repo.stat_index().save();
  return committed;
}

} // namespace trove::track
