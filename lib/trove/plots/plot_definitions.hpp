#pragma once

#include <trove/metrics/version.hpp>
#include <trove/pipeline/pipeline_file.hpp>
#include <trove/plots/chart.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace trove::plots {

// Where a plot's points come from: fields of one data file.
struct PlotSource
{
  std::string file;           // relative to the root
  std::string x;              // "" : the row number ("step")
  std::vector<std::string> y; // empty: the file's last field other than x
};

// A plot declared in trove.yaml, DVC's way: top-level `plots:` (a file, or
// `NAME: {x, y, template, title, x_label, y_label}` where x and y may map
// files to fields) and each stage's `plots:` outputs with the same keys.
struct PlotDefinition
{
  std::string id; // the file, or the top-level plot's name
  std::string title;
  std::string x_label;
  std::string y_label;
  Template kind = Template::linear;
  std::vector<PlotSource> sources;
};

// Every plot the pipeline files declare, in file order; errors name the
// pipeline file.
std::vector<PlotDefinition>
plot_definitions(const std::vector<pipeline::PipelineFile>& files);

// The plots `targets` name (a plot's name, or a data file it reads, as
// given or as `paths` relative to the root); a file inside a directory plot
// is drawn with that plot's options; a file no plot reads is plotted on its
// own with default fields. No targets: every plot.
std::vector<PlotDefinition> select_plots(std::vector<PlotDefinition> all,
                                         const std::vector<std::string>& targets,
                                         const std::vector<std::string>& paths);

// One chart per definition with a series per version and y field, read
// from each version (the work tree, a commit, or the cache by trove.lock).
// A directory plot (a plot named by its one file, which is a directory in
// some version) draws one chart per data or image file under it, with its
// options. An image file (png, jpg, jpeg, gif, svg) gives an image chart:
// its bytes per version, never parsed. A version that lacks a file adds no
// series; a malformed file, or a plot without data in any version, throws.
// Every chart has axis titles: x defaults to the x field ("step" for the
// row number), y to the y fields drawn.
std::vector<Chart> build_charts(const std::vector<PlotDefinition>& definitions,
                                std::vector<metrics::Version>& versions);

// Writes DIR/index.html (every chart, under `title`) and each chart's
// chart_files (an SVG, or an image plot's pictures as they are), each
// atomically; returns the page's path.
std::filesystem::path write_plot_files(const std::filesystem::path& dir,
                                       const std::string& title,
                                       const std::vector<Chart>& charts);

} // namespace trove::plots
