#include <trove/sync/targets.hpp>

#include <trove/core/error.hpp>
#include <trove/pipeline/lock_file.hpp>
#include <trove/pipeline/pipeline_status.hpp>

namespace trove::sync {

namespace {

// A target naming a stage, or a path one of its outputs has.
std::optional<std::size_t>
stage_target(const pipeline::Project& project,
             const track::Repository& repo,
             const std::string& target)
{
  if (auto stage = project.graph.find(target)) {
    return stage;
  }
  try {
    return project.graph.producer(repo.relative(target));
  } catch (const Error&) {
    return std::nullopt; // outside the repository: left to resolve_targets
  }
}

} // namespace

Selection
select_targets(const track::Repository& repo,
               const std::vector<std::string>& targets,
               const std::string& file)
{
  Selection selection;
  if (targets.empty()) {
    auto found = track::find_metadata_files(repo);
    selection.pointers = std::move(found.pointers);
    selection.project = pipeline::load_project(repo, file, &found.pipelines);
    selection.stages = selection.project->graph.topological_order();
    return selection;
  }
  selection.project = pipeline::load_project(repo, file);
  std::vector<std::filesystem::path> data;
  for (const auto& target : targets) {
    if (auto stage = stage_target(*selection.project, repo, target)) {
      selection.stages.push_back(*stage);
    } else {
      data.emplace_back(target);
    }
  }
  if (!data.empty()) {
    selection.pointers = track::resolve_targets(repo, data);
  }
  return selection;
}

void
read_lock_outputs(track::ObjectScope& scope)
{
  scope.lock_outputs = [](std::string_view text, const std::string& source) {
    return pipeline::LockFile::parse(text, source).all_outputs();
  };
}

std::vector<track::TrackedOut>
selected_outputs(const track::Repository& repo,
                 const Selection& selection,
                 std::vector<std::string>& failures)
{
  auto outs = track::load_all_tracked(repo, selection.pointers, failures);
  auto stage_outs = pipeline::locked_outputs(repo, *selection.project, selection.stages);
  outs.insert(outs.end(), stage_outs.begin(), stage_outs.end());
  return outs;
}

std::vector<track::PointerFile>
outputs_to_transfer(const track::Repository& repo,
                    const std::vector<std::string>& targets,
                    track::ObjectScope scope)
{
  if (targets.empty()) {
    read_lock_outputs(scope);
    return track::referenced_outputs(repo, scope);
  }
  if (scope.all_branches || scope.all_tags || scope.all_commits) {
    throw UsageError("targets and -a/-T/-A do not go together");
  }
  std::vector<std::string> failures;
  auto outs = selected_outputs(repo, select_targets(repo, targets, ""), failures);
  if (!failures.empty()) {
    throw Error(failures.front());
  }
  std::vector<track::PointerFile> pointers;
  for (const auto& out : outs) {
    pointers.push_back(out.pointer);
  }
  return pointers;
}

} // namespace trove::sync
