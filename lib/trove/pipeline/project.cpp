#include <trove/pipeline/project.hpp>

#include <trove/core/error.hpp>
#include <trove/track/workspace.hpp>

namespace trove::pipeline {

namespace {

std::vector<PipelineFile>
load_files(const track::Repository& repo,
           const std::string& file,
           const std::vector<std::string>* found)
{
  std::vector<PipelineFile> files;
  if (!file.empty()) {
    std::string path = repo.relative(file);
    std::error_code ec;
    if (!fs::is_regular_file(repo.absolute(path), ec)) {
      throw Error("pipeline file '" + file + "' does not exist");
    }
    files.push_back(load_pipeline_file(repo.root(), path, true));
    return files;
  }
  auto paths = found ? *found : track::find_metadata_files(repo).pipelines;
  std::size_t stages = 0;
  for (const auto& path : paths) {
    files.push_back(load_pipeline_file(repo.root(), path, track::is_root_pipeline(path)));
    stages += files.back().stages.size();
    check_stage_count(stages, path);
  }
  return files;
}

Graph
combined_graph(const std::vector<PipelineFile>& files)
{
  std::vector<Stage> stages;
  for (const auto& file : files) {
    stages.insert(stages.end(), file.stages.begin(), file.stages.end());
  }
  return Graph(std::move(stages));
}

} // namespace

Project
load_project(const track::Repository& repo,
             const std::string& file,
             const std::vector<std::string>* found)
{
  auto files = load_files(repo, file, found);
  Graph graph = combined_graph(files);
  return Project{std::move(files), std::move(graph)};
}

std::vector<std::size_t>
Project::resolve(const track::Repository& repo,
                 const std::vector<std::string>& targets,
                 bool recursive) const
{
  const auto& stages = graph.stages();
  std::vector<std::size_t> chosen;
  auto choose_where = [&](auto&& predicate) {
    std::size_t before = chosen.size();
    for (std::size_t i = 0; i < stages.size(); ++i) {
      if (predicate(stages[i])) {
        chosen.push_back(i);
      }
    }
    return chosen.size() > before;
  };
  if (targets.empty()) {
    choose_where([](const Stage&) { return true; });
  }
  for (const auto& target : targets) {
    std::error_code ec;
    auto colon = target.rfind(':');
    if (colon != std::string::npos && colon > 0) {
      std::string file = repo.relative(target.substr(0, colon));
      std::string name = target.substr(colon + 1);
      if (!choose_where(
              [&](const Stage& s) { return s.file == file && s.name == name; })) {
        throw Error("'" + file + "' has no stage '" + name + "'");
      }
    } else if (fs::is_regular_file(target, ec)) {
      std::string file = repo.relative(target);
      if (!choose_where([&](const Stage& s) { return s.file == file; })) {
        throw Error("'" + target + "' is not a pipeline file with stages");
      }
    } else if (recursive && fs::is_directory(target, ec)) {
      std::string dir = repo.relative(target);
      if (!choose_where([&](const Stage& s) {
            return dir.empty() || s.file.rfind(dir + "/", 0) == 0;
          })) {
        throw Error("'" + target + "' holds no pipeline stages");
      }
    } else if (auto stage = graph.find(target)) {
      chosen.push_back(*stage);
    } else {
      throw Error(
          "'" + target + "' is not a stage of the pipeline" +
          std::string(fs::is_directory(target, ec) ? " (use -R for a directory)" : ""));
    }
  }
  std::sort(chosen.begin(), chosen.end());
  chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
  return chosen;
}

} // namespace trove::pipeline
