#include <trove/track/history.hpp>

#include <trove/core/error.hpp>
#include <trove/store/manifest.hpp>
#include <trove/track/pointer_file.hpp>
#include <trove/track/workspace.hpp>

#include <algorithm>
#include <map>

namespace trove::track {

namespace {

void
expand(Repository& repo,
       const std::string& path,
       const PointerFile& pointer,
       std::vector<TrackedFile>& files)
{
  const auto& id = pointer.id;
  if (!id.is_dir) {
    files.push_back({path, id.to_string(), pointer.size});
    return;
  }
  if (!repo.store().contains(id)) {
    files.push_back({path, id.to_string(), pointer.size});
    return;
  }
  auto manifest = store::read_manifest(repo.store(), id);
  for (const auto& entry : manifest.entries()) {
    files.push_back({path + "/" + entry.path, "sha256:" + entry.hex, entry.size});
  }
}

std::string
data_path(const std::string& pointer_path, const PointerFile& pointer)
{
  std::string dir = fs::path(pointer_path).parent_path().generic_string();
  return dir.empty() ? pointer.out_path : dir + "/" + pointer.out_path;
}

void
sort_by_path(std::vector<TrackedFile>& files)
{
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
}

} // namespace

std::vector<TrackedFile>
tracked_files(Repository& repo,
              const std::optional<std::string>& revision,
              const StageOutputs& stage_outputs)
{
  std::vector<TrackedFile> files;
  if (stage_outputs) {
    for (const auto& out : stage_outputs(revision)) {
      expand(repo, out.path, out.pointer, files);
    }
  }
  if (!revision) {
    for (const auto& pointer_path : find_pointer_files(repo)) {
      auto out = load_tracked(repo, pointer_path);
      expand(repo, out.path, out.pointer, files);
    }
  } else {
    const auto& git = repo.require_git();
    std::string commit = git.resolve_commit(*revision);
    auto is_pointer = [](std::string_view name) {
      return metadata_kind(name) == MetadataKind::pointer;
    };
    for (const auto& file : git.files_where(commit, is_pointer)) {
      auto pointer = PointerFile::parse(file.content, *revision + ":" + file.path);
      expand(repo, data_path(file.path, pointer), pointer, files);
    }
  }
  sort_by_path(files);
  return files;
}

std::vector<TrackedFile>
workspace_files(Repository& repo, const StageOutputs& stage_outputs)
{
  std::vector<TrackedFile> files;
  Warn quiet = [](const std::string&) {};
  std::vector<TrackedOut> outs;
  for (const auto& pointer_path : find_pointer_files(repo)) {
    outs.push_back(load_tracked(repo, pointer_path));
  }
  if (stage_outputs) {
    auto stage_outs = stage_outputs(std::nullopt);
    outs.insert(outs.end(), stage_outs.begin(), stage_outs.end());
  }
  for (const auto& out : outs) {
    auto entry = inspect_path(repo, repo.absolute(out.path));
    if (entry.kind == PathEntry::Kind::missing) {
      continue; // deleted from the workspace
    }
    if (entry.kind == PathEntry::Kind::other) {
      throw not_data_error(out.path, entry);
    }
    std::vector<WorkspaceFile> found;
    if (entry.kind == PathEntry::Kind::directory) {
      found = scan_directory(repo, entry.read_path, quiet);
    } else {
      found.push_back({"", entry.read_path, entry.stamp, false});
    }
    auto hexes = hash_files(repo, out.path, found);
    for (std::size_t i = 0; i < found.size(); ++i) {
      files.push_back({index_key(out.path, found[i].path), "sha256:" + hexes[i],
                       found[i].stamp.size});
    }
  }
  std::ignore =
      repo.stat_index().try_save(); // only a cache: the listing is right without it
  sort_by_path(files);
  return files;
}

DataDiff
diff(Repository& repo,
     const std::string& a,
     const std::optional<std::string>& b,
     const StageOutputs& stage_outputs)
{
  auto old_files = tracked_files(repo, a, stage_outputs);
  auto new_files =
      b ? tracked_files(repo, b, stage_outputs) : workspace_files(repo, stage_outputs);
  std::map<std::string, std::string> old_ids;
  for (const auto& file : old_files) {
    old_ids[file.path] = file.id;
  }
  DataDiff result;
  for (const auto& file : new_files) {
    auto it = old_ids.find(file.path);
    if (it == old_ids.end()) {
      result.added.push_back({file.path, "", file.id});
    } else {
      if (it->second != file.id) {
        result.modified.push_back({file.path, it->second, file.id});
      }
      old_ids.erase(it);
    }
  }
  for (const auto& [path, id] : old_ids) {
    result.deleted.push_back({path, id, ""});
  }
  return result;
}

} // namespace trove::track
