#include <trove/track/checkout.hpp>

#include <trove/core/data_path.hpp>
#include <trove/core/error.hpp>
#include <trove/core/hash.hpp>
#include <trove/core/parallel.hpp>
#include <trove/store/manifest.hpp>
#include <trove/track/add.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace trove::track {

namespace {

class Checkout
{
public:
  Checkout(Repository& repo,
           Force force,
           Relink relink,
           const Warn& warn,
           core::Progress* progress)
      : m_repo(repo), m_force(force), m_relink(relink), m_warn(warn), m_progress(progress)
  {
  }

  void
  run(const TrackedOut& out, CheckoutResult& result)
  {
    try {
      // Pointer files are checked as they load; trove.lock entries and the
      // run cache reach here too, so every output is checked here.
      check_data_path(m_repo, out.path, out.pointer_path);
      if (out.pointer.id.is_dir) {
        directory(out, result);
      } else {
        file(out, result);
      }
    } catch (const Error& error) {
      // This output stays as it was; the others are still checked out.
      result.failures.push_back(error.what());
    } catch (const fs::filesystem_error& error) {
      result.failures.push_back(out.pointer_path + ": " + error.what());
    }
  }

private:
  // Content about to be overwritten or deleted must be in the cache: with
  // --force it is saved first, otherwise the output is refused.
  void
  preserve(const std::string& key, const fs::path& path, const std::string& hex)
  {
    if (m_repo.store().contains({hex, false})) {
      return;
    }
    if (m_force == Force::no) {
      throw Error("'" + key +
                  "' has changes that are not in the cache; "
                  "use 'trove commit' to keep them or -f to save them and "
                  "check out anyway");
    }
    auto id = m_repo.store().put_file(path, {store::LinkType::copy});
    m_warn("saved '" + key + "' to the cache as " + id.to_string() +
           " before overwriting it");
  }

  // Creates or replaces `key` from an object, atomically.
  void
  place(const std::string& key, const store::ObjectId& id, bool executable, bool replace)
  {
    fs::path dest = m_repo.absolute(key);
    if (replace) {
      fs::path tmp = core::temp_path_in(dest.parent_path());
      m_repo.store().link_out(id, tmp, m_repo.link_types(), executable);
      try {
        core::rename_path(tmp, dest);
      } catch (...) {
        std::ignore = unlink(tmp.c_str()); // ours: never leave it in the workspace
        throw;
      }
    } else {
      m_repo.store().link_out(id, dest, m_repo.link_types(), executable);
    }
    if (auto stamp = stamp_of(dest)) {
      m_repo.stat_index().record_written(key, *stamp, id.hex);
    }
  }

  // Places a directory's files. New files under a hardlink cache.type are
  // linked directory by directory, relative to open directories; the rest go
  // through place().
  void
  place_all(const std::string& out_path,
            const std::vector<const store::ManifestEntry*>& entries,
            const std::vector<char>& kinds)
  {
    if (m_progress) {
      std::uint64_t bytes = 0;
      for (const auto* entry : entries) {
        bytes += entry->size;
      }
      m_progress->add_total(entries.size(), bytes);
    }
    std::map<std::string, std::vector<std::size_t>> by_directory;
    std::vector<std::size_t> others;
    bool hardlinks = m_repo.link_types().front() == store::LinkType::hardlink;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (hardlinks && kinds[i] == 'A') {
        auto slash = entries[i]->path.rfind('/');
        by_directory[slash == std::string::npos ? "" : entries[i]->path.substr(0, slash)]
            .push_back(i);
      } else {
        others.push_back(i);
      }
    }
    std::vector<const std::vector<std::size_t>*> groups;
    std::vector<std::string> group_dirs;
    for (const auto& [dir, indices] : by_directory) {
      group_dirs.push_back(index_key(out_path, dir));
      groups.push_back(&indices);
    }
    std::optional<store::ObjectStore::Hardlinker> linker;
    if (!groups.empty()) {
      linker.emplace(m_repo.store());
    }
    core::parallel_for(groups.size(), m_repo.jobs(), [&](std::size_t g) {
      fs::path dir = m_repo.absolute(group_dirs[g]);
      core::Fd dir_fd(open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
      for (std::size_t i : *groups[g]) {
        const auto* entry = entries[i];
        std::string name = entry->path.substr(entry->path.rfind('/') + 1);
        std::string key = index_key(out_path, entry->path);
        struct stat st;
        if (dir_fd && linker->link({entry->hex, false}, dir_fd.get(), name.c_str()) &&
            fstatat(dir_fd.get(), name.c_str(), &st, 0) == 0) {
          m_repo.stat_index().record_written(key, store::FileStamp::of(st), entry->hex);
        } else {
          place(key, {entry->hex, false}, entry->executable, false); // the usual way
        }
        core::advance(m_progress, 1, entry->size);
      }
    });
    core::parallel_for(others.size(), m_repo.jobs(), [&](std::size_t k) {
      const auto* entry = entries[others[k]];
      place(index_key(out_path, entry->path), {entry->hex, false}, entry->executable,
            kinds[others[k]] != 'A');
      core::advance(m_progress, 1, entry->size);
    });
  }

  void
  require_object(const TrackedOut& out)
  {
    if (!m_repo.store().contains(out.pointer.id)) {
      throw Error("'" + out.path + "': object " + out.pointer.id.to_string() +
                  " is missing from the cache");
    }
  }

  // Saves (or refuses) a whole workspace directory that is in the way.
  void
  preserve_tree(const std::string& key)
  {
    auto files = scan_directory(m_repo, m_repo.absolute(key), m_warn);
    auto hexes = hash_files(m_repo, key, files);
    for (std::size_t i = 0; i < files.size(); ++i) {
      preserve(index_key(key, files[i].path), files[i].absolute, hexes[i]);
    }
  }

  // What is at an output's path, with anything that is neither a file nor a
  // directory (a FIFO, a symlink out of the repository) removed first when
  // forced and refused otherwise: such a thing is never read.
  PathEntry
  inspect_dest(const std::string& key)
  {
    fs::path dest = m_repo.absolute(key);
    auto entry = inspect_path(m_repo, dest);
    if (entry.kind == PathEntry::Kind::other) {
      if (m_force == Force::no) {
        throw Error(std::string(not_data_error(key, entry).what()) +
                    "; remove it, or use -f to replace it");
      }
      core::remove_file(dest);
      m_warn("removed '" + key + "' (" + entry.what + ") to check out the tracked data");
      entry = {};
    }
    return entry;
  }

  // A workspace file that shares the object's bytes (a hardlink, or a
  // symlink to it) and hashes differently means the object itself was
  // edited in place: relinking it would "restore" the edit.
  void
  check_not_edited_through_link(const std::string& key,
                                const store::FileStamp& workspace,
                                const store::ObjectId& id)
  {
    struct stat st;
    fs::path object = m_repo.store().path_of(id);
    if (stat(object.c_str(), &st) == 0 &&
        store::FileStamp::of(st).inode == workspace.inode) {
      throw Error("'" + key + "': its cache object " + id.to_string() +
                  " was changed through the linked workspace file and is corrupt; "
                  "run 'trove fsck'");
    }
  }

  void
  file(const TrackedOut& out, CheckoutResult& result)
  {
    fs::path dest = m_repo.absolute(out.path);
    auto entry = inspect_dest(out.path);
    const auto& id = out.pointer.id;
    bool exists = entry.kind != PathEntry::Kind::missing;
    bool is_file = entry.kind == PathEntry::Kind::file;
    std::string hex =
        is_file ? hash_workspace_file(m_repo, out.path, entry.read_path, entry.stamp)
                : "";
    bool up_to_date = is_file && hex == id.hex;
    if (up_to_date && m_relink == Relink::no) {
      return;
    }
    require_object(out);
    core::add_total(m_progress, 1, out.pointer.size);
    if (up_to_date) {
      place(out.path, id, access(dest.c_str(), X_OK) == 0, true);
      core::advance(m_progress, 1, out.pointer.size);
      return;
    }
    if (is_file) {
      preserve(out.path, entry.read_path, hex);
      check_not_edited_through_link(out.path, entry.stamp, id);
    } else if (exists) {
      preserve_tree(out.path); // a directory where the file belongs
      core::remove_all(dest);
    } else {
      core::create_directories(dest.parent_path());
    }
    place(out.path, id, out.pointer.executable, is_file);
    core::advance(m_progress, 1, out.pointer.size);
    result.changes.push_back({exists ? 'M' : 'A', out.path});
    ++(exists ? result.files_modified : result.files_added);
  }

  // Manifest entries that must not be written (inside .git or .trove) are
  // named and left out; the other files are still checked out.
  std::vector<store::ManifestEntry>
  placeable_entries(const TrackedOut& out,
                    const store::Manifest& manifest,
                    CheckoutResult& result)
  {
    std::vector<store::ManifestEntry> entries;
    for (const auto& entry : manifest.entries()) {
      std::string key = index_key(out.path, entry.path);
      if (auto problem = core::data_path_problem(key)) {
        result.failures.push_back(out.pointer_path + ": '" + key +
                                  "' was not checked out (" + *problem + ")");
      } else {
        entries.push_back(entry);
      }
    }
    return entries;
  }

  void
  directory(const TrackedOut& out, CheckoutResult& result)
  {
    require_object(out);
    const auto& id = out.pointer.id;
    auto entries =
        placeable_entries(out, store::read_manifest(m_repo.store(), id), result);
    fs::path dest = m_repo.absolute(out.path);
    auto dest_entry = inspect_dest(out.path);
    bool exists = dest_entry.kind != PathEntry::Kind::missing;
    bool is_dir = dest_entry.kind == PathEntry::Kind::directory;
    std::vector<WorkspaceFile> files;
    std::vector<std::string> hexes;
    if (dest_entry.kind == PathEntry::Kind::file) {
      preserve(
          out.path, dest_entry.read_path,
          hash_workspace_file(m_repo, out.path, dest_entry.read_path, dest_entry.stamp));
    } else if (is_dir) {
      std::vector<fs::path> stale_temps;
      files = scan_directory(m_repo, dest, m_warn, &stale_temps);
      hexes = hash_files(m_repo, out.path, files);
      for (const auto& temp : stale_temps) {
        core::remove_file(temp); // left by a killed trove; never data
      }
    }

    // Plan first, so that a refusal leaves the output untouched.
    std::vector<const store::ManifestEntry*> to_place;
    std::vector<char> kinds; // 'A' new, 'M' replaced, 'R' relinked
    std::vector<std::string> to_delete;
    std::size_t m = 0;
    std::size_t w = 0;
    while (m < entries.size() || w < files.size()) {
      if (w == files.size() || (m < entries.size() && entries[m].path < files[w].path)) {
        to_place.push_back(&entries[m++]);
        kinds.push_back('A');
        continue;
      }
      std::string key = index_key(out.path, files[w].path);
      if (m == entries.size() || files[w].path < entries[m].path) {
        preserve(key, files[w].absolute, hexes[w]);
        to_delete.push_back(key);
        ++w;
        continue;
      }
      if (entries[m].hex != hexes[w]) {
        preserve(key, files[w].absolute, hexes[w]);
        check_not_edited_through_link(key, files[w].stamp, {entries[m].hex, false});
        to_place.push_back(&entries[m]);
        kinds.push_back('M');
      } else if (m_relink == Relink::yes) {
        to_place.push_back(&entries[m]);
        kinds.push_back('R');
      }
      ++m;
      ++w;
    }

    std::set<std::string> parents{out.path};
    std::vector<const store::ManifestEntry*> missing; // in manifest order
    for (const auto* entry : to_place) {
      auto parent = fs::path(index_key(out.path, entry->path)).parent_path();
      parents.insert(parent.generic_string());
      if (!m_repo.store().contains({entry->hex, false})) {
        missing.push_back(entry);
      }
    }
    // What the cache lacks is named; the rest is still checked out.
    report_missing(out.path, missing, result);
    std::vector<char> available_kinds;
    std::vector<const store::ManifestEntry*> available;
    for (std::size_t i = 0; i < to_place.size(); ++i) {
      if (!std::binary_search(missing.begin(), missing.end(), to_place[i])) {
        available.push_back(to_place[i]);
        available_kinds.push_back(kinds[i]);
      }
    }
    to_place = std::move(available);
    kinds = std::move(available_kinds);
    for (const auto& parent : parents) {
      check_data_path(m_repo, index_key(parent, "-"), out.pointer_path);
    }

    if (exists && !is_dir) {
      core::remove_file(dest);
    }
    // Deletions first: a file may be in the way of a directory the manifest
    // now has at its path (and the other way round).
    for (const auto& key : to_delete) {
      core::remove_file(m_repo.absolute(key));
      m_repo.stat_index().forget(key);
      remove_empty_parents(fs::path(key).parent_path(), out.path);
    }
    for (const auto& parent : parents) {
      core::create_directories(m_repo.absolute(parent));
    }
    place_all(out.path, to_place, kinds);

    auto created = static_cast<std::size_t>(std::count(kinds.begin(), kinds.end(), 'A'));
    auto replaced = static_cast<std::size_t>(std::count(kinds.begin(), kinds.end(), 'M'));
    result.files_added += created;
    result.files_modified += replaced;
    result.files_deleted += to_delete.size();
    if (!is_dir) {
      result.changes.push_back({exists ? 'M' : 'A', out.path});
    } else if (created + replaced + to_delete.size() > 0) {
      result.changes.push_back({'M', out.path});
    }
  }

  void
  report_missing(const std::string& out_path,
                 const std::vector<const store::ManifestEntry*>& missing,
                 CheckoutResult& result)
  {
    constexpr std::size_t k_named = 10;
    for (std::size_t i = 0; i < missing.size() && i < k_named; ++i) {
      result.failures.push_back("'" + index_key(out_path, missing[i]->path) +
                                "': object sha256:" + missing[i]->hex +
                                " is missing from the cache");
    }
    if (missing.size() > k_named) {
      result.failures.push_back("'" + out_path +
                                "': " + std::to_string(missing.size() - k_named) +
                                " more files are missing from the cache");
    }
  }

  void
  remove_empty_parents(fs::path dir, const std::string& stop)
  {
    while (!dir.empty() && dir.generic_string() != stop) {
      if (rmdir(m_repo.absolute(dir.generic_string()).c_str()) != 0) {
        return; // not empty: done
      }
      dir = dir.parent_path();
    }
  }

  Repository& m_repo;
  Force m_force;
  Relink m_relink;
  const Warn& m_warn;
  core::Progress* m_progress;
};

} // namespace

CheckoutResult
checkout_outs(Repository& repo,
              const std::vector<TrackedOut>& outs,
              Force force,
              Relink relink,
              const Warn& warn,
              core::Progress* progress)
{
  CheckoutResult result;
  Checkout checkout(repo, force, relink, warn, progress);
  for (const auto& out : outs) {
    checkout.run(out, result);
  }
  repo.stat_index().save();
  return result;
}

} // namespace trove::track
