// plots show/diff: charts of plot data across revisions.
#include "app.hpp"

#include <trove/core/error.hpp>
#include <trove/plots/plot_definitions.hpp>

#include <spawn.h>

#include <algorithm>
#include <iostream>

extern char** environ;

namespace trove::cli {

namespace {

using metrics::Version;
using plots::PlotDefinition;

// The plots the newest version declares (the others may lack some), kept to
// the targets.
std::vector<PlotDefinition>
chosen_plots(const track::Repository& repo,
             Version& newest,
             const std::vector<std::string>& targets)
{
  std::vector<std::string> paths;
  for (const auto& target : targets) {
    paths.push_back(repo.relative(target));
  }
  return plots::select_plots(plots::plot_definitions(newest.pipelines()), targets, paths);
}

void
open_in_browser(const fs::path& page)
{
  const char* browser = std::getenv("BROWSER");
  std::string program = browser && *browser ? browser : "xdg-open";
  std::string target = fs::absolute(page).string();
  char* argv[] = {program.data(), target.data(), nullptr};
  pid_t pid = 0;
  if (posix_spawnp(&pid, program.c_str(), nullptr, nullptr, argv, environ) != 0) {
    throw Error("cannot start '" + program + "' to open " + target + " (set BROWSER)");
  }
}

struct PlotOptions
{
  std::vector<std::string> targets;
  std::string output = "trove_plots";
  bool open = false;
};

int
write_and_announce(const fs::path& dir,
                   const std::string& title,
                   const std::vector<plots::Chart>& charts,
                   const PlotOptions& o,
                   const Globals& globals)
{
  if (charts.empty()) {
    throw Error("no plots: declare them under 'plots' in trove.yaml, or name data files");
  }
  auto page = plots::write_plot_files(dir, title, charts);
  if (!globals.quiet) {
    std::cout << "file://" << fs::absolute(page).lexically_normal().string() << '\n';
  }
  if (o.open) {
    open_in_browser(page);
  }
  return 0;
}

void
register_plots(CLI::App& app, Context& context)
{
  auto* group = add_group(app, "plots");
  group->require_subcommand(1);

  auto s = std::make_shared<PlotOptions>();
  auto* show = add_command(*group, context, "show", [&context, s] {
    const auto& repo = context.repo();
    std::vector<Version> versions;
    versions.emplace_back(repo, metrics::workspace_revision());
    auto charts =
        plots::build_charts(chosen_plots(repo, versions.front(), s->targets), versions);
    return write_and_announce(s->output, "Plots", charts, *s, context.globals);
  });
  show->add_option("target", s->targets, "Plots or data files (default: every plot)");
  show->add_option("-o,--out", s->output,
                   "Directory for index.html and the SVG files (default trove_plots)");
  show->add_flag("--open", s->open, "Open the page in a browser ($BROWSER or xdg-open)");

  struct DiffOptions : PlotOptions
  {
    std::vector<std::string> revisions;
  };
  auto d = std::make_shared<DiffOptions>();
  auto* diff = add_command(*group, context, "diff", [&context, d] {
    const auto& repo = context.repo();
    auto versions = metrics::versions_to_compare(repo, "", d->revisions);
    auto charts =
        plots::build_charts(chosen_plots(repo, versions.back(), d->targets), versions);
    return write_and_announce(d->output, "Plots diff", charts, *d, context.globals);
  });
  diff->add_option("revision", d->revisions,
                   "Revisions (default: HEAD and the workspace)");
  diff->add_option("--targets", d->targets, "Only these plots or data files");
  diff->add_option("-o,--out", d->output,
                   "Directory for index.html and the SVG files (default trove_plots)");
  diff->add_flag("--open", d->open, "Open the page in a browser ($BROWSER or xdg-open)");
}

} // namespace

void
register_plots_commands(CLI::App& app, Context& context)
{
  register_plots(app, context);
}

} // namespace trove::cli
