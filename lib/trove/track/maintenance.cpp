#include <trove/track/maintenance.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/parallel.hpp>
#include <trove/store/manifest.hpp>
#include <trove/track/pointer_file.hpp>
#include <trove/track/shared_cache.hpp>
#include <trove/track/workspace.hpp>

#include <mutex>
#include <set>
#include <unordered_set>

namespace trove::track {

namespace {

// `strict`: a directory whose manifest is missing stops gc. The workspace's
// data should be whole; an old commit's may never have been fetched.
void
mark_used(const Repository& repo,
          const PointerFile& pointer,
          std::unordered_set<store::ObjectId>& used,
          bool strict)
{
  if (!used.insert(pointer.id).second || !pointer.id.is_dir) {
    return;
  }
  if (!repo.store().contains(pointer.id)) {
    if (!strict) {
      return;
    }
    // Its files could be anywhere in the cache: deleting them could lose data.
    throw Error("the manifest " + pointer.id.to_string() + " of '" + pointer.out_path +
                "' is not in the cache, so gc cannot tell its files from garbage; "
                "fetch it first (trove fetch) or check it out");
  }
  for (auto& file : store::manifest_files(repo.store(), pointer.id)) {
    used.insert(std::move(file));
  }
}

} // namespace

std::vector<PointerFile>
referenced_outputs(const Repository& repo,
                   const ObjectScope& scope,
                   std::size_t* workspace_count)
{
  std::vector<PointerFile> outputs;
  auto add_lock_file = [&](std::string_view text, const std::string& source) {
    if (scope.lock_outputs) {
      for (auto& out : scope.lock_outputs(text, source)) {
        outputs.push_back(std::move(out));
      }
    }
  };
  auto found = find_metadata_files(repo);
  for (const auto& pointer_path : found.pointers) {
    outputs.push_back(PointerFile::load(repo.absolute(pointer_path)));
  }
  for (const auto& lock_path : found.locks) {
    add_lock_file(core::read_file(repo.absolute(lock_path)), lock_path);
  }
  if (workspace_count) {
    *workspace_count = outputs.size();
  }
  if (!scope.all_branches && !scope.all_tags && !scope.all_commits) {
    return outputs;
  }
  const auto& git = repo.require_git();
  std::set<std::string> commits;
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
      if (metadata_kind(fs::path(file.path).filename().string()) ==
          MetadataKind::pointer) {
        outputs.push_back(PointerFile::parse(file.content, source));
      } else {
        add_lock_file(file.content, source);
      }
    }
  }
  return outputs;
}

GcResult
gc(Repository& repo, const ObjectScope& scope, DryRun dry_run, core::Progress* progress)
{
  std::unordered_set<store::ObjectId> used;
  std::size_t workspace_count = 0;
  auto outputs = referenced_outputs(repo, scope, &workspace_count);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    mark_used(repo, outputs[i], used, i < workspace_count);
  }
  GcResult result;
  // The other projects sharing the cache, each locked as a reader until the
  // deletions are done, so that none adds an object gc has not seen.
  auto sharing = sharing_projects(repo);
  result.projects_gone = sharing.gone;
  std::vector<Repository> others;
  others.reserve(sharing.existing.size());
  for (const auto& root : sharing.existing) {
    try {
      others.push_back(Repository::open(root));
      Repository& other = others.back();
      std::error_code ec;
      if (!fs::equivalent(other.store().dir(), repo.store().dir(), ec)) {
        continue; // it uses another cache now
      }
      other.lock(core::RepoLock::Mode::shared, "trove gc in " + repo.root().string());
      auto theirs = referenced_outputs(other, scope, &workspace_count);
      for (std::size_t i = 0; i < theirs.size(); ++i) {
        mark_used(other, theirs[i], used, i < workspace_count);
      }
      result.projects_kept.push_back(root);
    } catch (const Error& e) {
      throw Error(
          "the project " + root.string() + " shares this cache and cannot be read, " +
          "so gc cannot tell what it uses: " + e.what() + " (remove its line from " +
          (repo.store().dir() / "projects").string() + " if it is gone for good)");
    }
  }
  auto entries = repo.store().list();
  if (progress) {
    std::uint64_t bytes = 0;
    for (const auto& entry : entries) {
      bytes += entry.size;
    }
    progress->add_total(entries.size(), bytes);
  }
  for (const auto& entry : entries) {
    core::advance(progress, 1, entry.size);
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
fsck(Repository& repo, unsigned jobs, core::Progress* progress)
{
  auto objects = repo.store().list();
  FsckResult result;
  result.checked = objects.size();
  if (progress) {
    std::uint64_t bytes = 0;
    for (const auto& object : objects) {
      bytes += object.size;
    }
    progress->add_total(objects.size(), bytes);
  }
  std::mutex mutex;
  core::parallel_for(objects.size(), jobs, [&](std::size_t i) {
    const auto& id = objects[i].id;
    bool good = false;
    try {
      good = repo.store().verify(id);
    } catch (const Error&) {
      good = false; // unreadable counts as corrupt
    }
    core::advance(progress, 1, objects[i].size);
    if (!good) {
      std::lock_guard lock(mutex);
      result.corrupt.push_back(id.to_string() + " (" + repo.store().path_of(id).string() +
                               ")");
    }
  });
  std::sort(result.corrupt.begin(), result.corrupt.end());
  return result;
}

} // namespace trove::track
