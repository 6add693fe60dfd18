// trove.yaml as a commit carries it, with templating: the input is the
// pipeline file, optionally followed by other files of the same revision
// (params.yaml, vars files), each after a line `%% <path>`:
//
//   stages:
//     train: {cmd: 'fit ${lr}', deps: [data]}
//   %% params.yaml
//   lr: 0.5
//
// They are read through an in-memory FileSource, as `metrics show` reads a
// commit. The stages then go through the graph and the plot definitions.

#include "fuzz_support.hpp"

#include <trove/core/error.hpp>
#include <trove/pipeline/graph.hpp>
#include <trove/pipeline/pipeline_file.hpp>
#include <trove/plots/plot_definitions.hpp>
#include <trove/scm/file_source.hpp>

#include <map>

using namespace trove;

namespace {

class MapFiles final : public scm::FileSource
{
public:
  std::optional<std::string>
  read(const std::string& relative) const override
  {
    auto it = m_files.find(relative);
    if (it == m_files.end()) {
      return std::nullopt;
    }
    return it->second;
  }

  std::vector<std::string>
  files_under(const std::string&) const override
  {
    return {}; // the pipeline loader never lists directories
  }

  std::map<std::string, std::string> m_files;
};

constexpr std::string_view k_separator = "\n%% ";

// Splits the input into trove.yaml and the files after it.
MapFiles
split_files(std::string_view input)
{
  MapFiles files;
  std::string name = "trove.yaml";
  while (true) {
    auto next = input.find(k_separator);
    files.m_files[name] = std::string(input.substr(0, next));
    if (next == std::string_view::npos) {
      return files;
    }
    input.remove_prefix(next + k_separator.size());
    auto end = input.find('\n');
    name = std::string(input.substr(0, end));
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
  }
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size)
{
  MapFiles files = split_files(fuzz::text_of(data, size));
  pipeline::PipelineFile file;
  try {
    file = pipeline::parse_pipeline_file(files, "trove.yaml", files.m_files["trove.yaml"],
                                         true);
  } catch (const Error&) {
    return 0;
  }
  for (const auto& stage : file.stages) {
    for (const auto& path : stage.deps) {
      try {
        std::ignore = stage.path_from_root(path);
      } catch (const Error&) {
        fuzz::finding("a dependency the loader accepted is outside the root: " + path);
      }
    }
  }
  for (const auto& path : file.metrics) {
    std::ignore = file.path_from_root(path);
  }
  try {
    std::ignore = plots::plot_definitions({file});
  } catch (const Error&) {
    // a malformed top-level plots entry
  }
  try {
    pipeline::Graph graph(file.stages);
    if (!graph.stages().empty()) {
      std::ignore = graph.with_upstream({graph.stages().size() - 1});
      std::ignore = graph.with_downstream({0});
    }
  } catch (const Error&) {
    // outputs claimed twice, or a cycle
  }
  return 0;
}
