#include <trove/pipeline/stage_outputs.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/pipeline/lock_file.hpp>
#include <trove/scm/gitignore_file.hpp>
#include <trove/track/add.hpp>
#include <trove/track/checkout.hpp>
#include <trove/track/manage.hpp>
#include <trove/track/status.hpp>

namespace trove::pipeline {

namespace {

// Workspace content about to be replaced that the cache lacks is saved
// there first, and its id told: nothing is lost.
void
save_if_unsaved(track::Repository& repo,
                const std::string& path,
                const std::optional<track::PointerFile>& now,
                const track::Warn& warn)
{
  if (!now || repo.store().contains(now->id)) {
    return;
  }
  auto saved = track::store_path(repo, path, warn);
  warn("saved '" + path + "' to the cache as " + saved.id.to_string() +
       " before replacing it");
}

// An output git keeps (cache: false) is restored as a plain copy.
void
restore_copy(track::Repository& repo,
             const std::string& path,
             const track::PointerFile& entry,
             const track::Warn& warn)
{
  if (entry.id.is_dir) {
    throw Error("'" + path + "' is an uncached directory; it cannot be restored");
  }
  auto now = track::describe_path(repo, path, warn);
  if (now && now->id == entry.id) {
    return;
  }
  save_if_unsaved(repo, path, now, warn);
  fs::path dest = repo.absolute(path);
  fs::create_directories(dest.parent_path());
  if (now) {
    fs::remove_all(dest);
  }
  fs::path tmp = core::temp_path_in(dest.parent_path());
  repo.store().link_out(entry.id, tmp, {store::LinkType::copy});
  core::rename_path(tmp, dest);
}

track::PointerFile
copy_into_cache(track::Repository& repo, const std::string& path, const track::Warn& warn)
{
  auto entry = track::describe_path(repo, path, warn);
  if (!entry->id.is_dir && !repo.store().contains(entry->id)) {
    repo.store().put_file(repo.absolute(path), {store::LinkType::copy});
  }
  return *entry;
}

} // namespace

void
check_outputs_untracked(const track::Repository& repo, const Stage& s)
{
  for (const auto& out : s.outs) {
    std::string path = s.path_from_root(out.path);
    std::error_code ec;
    std::string pointer = path + std::string(track::k_pointer_suffix);
    if (fs::exists(repo.absolute(pointer), ec)) {
      throw Error("output '" + out.path + "' of stage '" + s.address +
                  "' is data tracked by '" + pointer +
                  "'; remove it with 'trove remove " + pointer +
                  "' to make it a stage output");
    }
    if (auto parent = track::tracked_parent(repo, path)) {
      throw Error("output '" + out.path + "' of stage '" + s.address +
                  "' is inside tracked data '" + *parent + "'");
    }
  }
}

void
restore_outputs(track::Repository& repo,
                const Stage& s,
                const std::vector<track::PointerFile>& entries,
                const track::Warn& warn)
{
  std::vector<track::TrackedOut> cached;
  for (const auto& out : s.outs) {
    const auto* entry = find_entry(entries, out.path);
    if (!entry) {
      throw Error("no recorded content for output '" + out.path + "'");
    }
    std::string path = s.path_from_root(out.path);
    if (out.cache) {
      cached.push_back({lock_path_of(s.file), path, *entry});
    } else {
      restore_copy(repo, path, *entry, warn);
    }
  }
  auto result =
      track::checkout_outs(repo, cached, track::Force::yes, track::Relink::no, warn);
  if (!result.failures.empty()) {
    throw Error(result.failures.front());
  }
}

void
clear_outputs(track::Repository& repo, const Stage& s, const track::Warn& warn)
{
  for (const auto& out : s.outs) {
    std::string path = s.path_from_root(out.path);
    if (out.persist) {
      std::error_code ec;
      if (fs::exists(repo.absolute(path), ec)) {
        track::unprotect(repo, {repo.absolute(path)});
      }
      continue;
    }
    auto now = track::describe_path(repo, path, warn);
    if (!now) {
      continue;
    }
    save_if_unsaved(repo, path, now, warn);
    fs::remove_all(repo.absolute(path));
  }
}

std::vector<track::PointerFile>
store_outputs(track::Repository& repo, const Stage& s, const track::Warn& warn)
{
  std::vector<track::PointerFile> outs;
  for (const auto& out : s.outs) {
    std::string path = s.path_from_root(out.path);
    std::error_code ec;
    if (!fs::exists(repo.absolute(path), ec)) {
      throw Error("stage '" + s.address + "' did not create its output '" + out.path +
                  "'");
    }
    auto entry = out.cache ? track::store_path(repo, path, warn)
                           : copy_into_cache(repo, path, warn);
    entry.out_path = out.path;
    outs.push_back(std::move(entry));
    if (out.cache && repo.git()) {
      fs::path absolute = repo.absolute(path);
      scm::gitignore_add(absolute.parent_path(), absolute.filename().string());
    }
  }
  return outs;
}

} // namespace trove::pipeline
