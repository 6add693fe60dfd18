#include <trove/track/maintenance.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/parallel.hpp>
#include <trove/store/manifest.hpp>
#include <trove/track/pointer_file.hpp>
#include <trove/track/workspace.hpp>

#include <mutex>
#include <set>
#include <unordered_set>

namespace trove::track {

namespace {

void
mark_used(const Repository& repo, const PointerFile& pointer,
          std::unordered_set<store::ObjectId>& used)
{
  if (!used.insert(pointer.id).second || !pointer.id.is_dir
      || !repo.store().contains(pointer.id)) {
    return;
  }
  auto manifest = store::Manifest::parse(repo.store().read_verified(pointer.id),
                                         "manifest " + pointer.id.to_string());
  for (const auto& entry : manifest.entries()) {
    used.insert({entry.hex, false});
  }
}

} // namespace

GcResult
gc(Repository& repo, const GcScope& scope, DryRun dry_run)
{
  std::unordered_set<store::ObjectId> used;
  auto mark_lock_file = [&](std::string_view text, const std::string& source) {
    if (scope.lock_outputs) {
      for (const auto& out : scope.lock_outputs(text, source)) {
        mark_used(repo, out, used);
      }
    }
  };
  auto found = find_metadata_files(repo);
  for (const auto& pointer_path : found.pointers) {
    mark_used(repo, PointerFile::load(repo.absolute(pointer_path)), used);
  }
  for (const auto& lock_path : found.locks) {
    mark_lock_file(core::read_file(repo.absolute(lock_path)), lock_path);
  }
  std::set<std::string> commits;
  if (scope.all_branches || scope.all_tags || scope.all_commits) {
    const auto& git = repo.require_git();
    auto take = [&](const std::vector<std::string>& list) {
      commits.insert(list.begin(), list.end());
    };
    if (auto head = git.head_commit()) {
      commits.insert(*head);
    }
    if (scope.all_branches) {
      take(git.branch_commits());
    }
    if (scope.all_tags) {
      take(git.tag_commits());
    }
    if (scope.all_commits) {
      take(git.all_commits());
    }
    auto is_state = [](std::string_view name) {
      auto kind = metadata_kind(name);
      return kind == MetadataKind::pointer || kind == MetadataKind::lock;
    };
    scm::GitRepo::FileFinder finder(git, is_state);
    for (const auto& commit : commits) {
      for (const auto& file : finder.in(commit)) {
        std::string source = commit.substr(0, 7) + ":" + file.path;
        if (metadata_kind(fs::path(file.path).filename().string()) == MetadataKind::pointer) {
          mark_used(repo, PointerFile::parse(file.content, source), used);
        } else {
          mark_lock_file(file.content, source);
        }
      }
    }
  }
  GcResult result;
  for (const auto& entry : repo.store().list()) {
    if (used.count(entry.id)) {
      ++result.kept;
      continue;
    }
    if (dry_run == DryRun::no) {
      repo.store().remove(entry.id);
    }
    result.bytes += entry.size;
    result.removed.push_back(entry);
  }
  return result;
}

FsckResult
fsck(Repository& repo, unsigned jobs)
{
  auto objects = repo.store().list();
  FsckResult result;
  result.checked = objects.size();
  std::mutex mutex;
  core::parallel_for(objects.size(), jobs, [&](std::size_t i) {
    const auto& id = objects[i].id;
    bool good = false;
    try {
      good = repo.store().verify(id);
    } catch (const Error&) {
      good = false; // unreadable counts as corrupt
    }
    if (!good) {
      std::lock_guard lock(mutex);
      result.corrupt.push_back(id.to_string() + " ("
                               + repo.store().path_of(id).string() + ")");
    }
  });
  std::sort(result.corrupt.begin(), result.corrupt.end());
  return result;
}

} // namespace trove::track
