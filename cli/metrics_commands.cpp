// metrics show/diff, params diff, report: values across revisions.
#include "app.hpp"
#include "output.hpp"

#include <trove/core/error.hpp>
#include <trove/metrics/compare.hpp>
#include <trove/plots/plot_definitions.hpp>

#include <algorithm>
#include <iostream>

namespace trove::cli {

namespace {

using metrics::FileKind;
using metrics::RevisionValues;
using metrics::Version;

// --json | --md | --csv and --precision, shared by every table command.
struct Presentation
{
  bool json = false;
  bool markdown = false;
  bool csv = false;
  int precision = 5;

  metrics::TableFormat
  table_format() const
  {
    return markdown ? metrics::TableFormat::markdown
           : csv    ? metrics::TableFormat::csv
                    : metrics::TableFormat::text;
  }
};

void
add_presentation_options(CLI::App* command, Presentation& p)
{
  auto* json = command->add_flag("--json", p.json, "Print JSON with full values");
  auto* md = command->add_flag("--md", p.markdown, "Print a GitHub markdown table");
  auto* csv = command->add_flag("--csv", p.csv, "Print CSV");
  json->excludes(md)->excludes(csv);
  md->excludes(csv);
  command
      ->add_option("--precision", p.precision,
                   "Significant digits of floats shown (default 5)")
      ->check(CLI::Range(1, 17));
}

// Paths given on the command line, relative to the root.
std::vector<std::string>
root_relative(const track::Repository& repo, const std::vector<std::string>& paths)
{
  std::vector<std::string> out;
  for (const auto& path : paths) {
    out.push_back(repo.relative(path));
  }
  return out;
}

// Prints each error as `trove: error: REV: ...`; true when there was one.
bool
report_errors(const std::vector<RevisionValues>& revisions)
{
  bool any = false;
  for (const auto& revision : revisions) {
    auto report = [&](const std::string& message) {
      std::cerr << "trove: error: " << revision.revision.label << ": " << message << '\n';
      any = true;
    };
    if (!revision.error.empty()) {
      report(revision.error);
    }
    for (const auto& file : revision.files) {
      if (!file.error.empty()) {
        report(file.error);
      }
    }
  }
  return any;
}

void
register_metrics_show(CLI::App& metrics, Context& context)
{
  struct Options
  {
    metrics::RevisionChoice choice;
    std::vector<std::string> targets;
    std::string file;
    Presentation presentation;
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(metrics, context, "show", [&context, o] {
    const auto& repo = context.repo();
    auto targets = root_relative(repo, o->targets);
    std::vector<RevisionValues> rows;
    std::optional<scm::GitRepo::FileFinder> finder;
    if (repo.git()) {
      finder.emplace(metrics::pipeline_finder(*repo.git()));
    }
    for (auto& revision : metrics::choose_revisions(repo, o->choice)) {
      Version version(repo, std::move(revision), finder ? &*finder : nullptr,
                      pipeline_file(repo, o->file));
      rows.push_back(metrics::read_revision(version, FileKind::metrics, targets));
    }
    const auto& p = o->presentation;
    bool found = std::any_of(rows.begin(), rows.end(), [](const auto& row) {
      return !row.files.empty() || !row.error.empty();
    });
    if (p.json) {
      print_json(metrics::show_json(rows));
    } else if (found) {
      std::cout << metrics::render(metrics::show_table(rows, p.precision),
                                   p.table_format());
    }
    bool failed = report_errors(rows);
    if (!found) {
      throw Error(targets.empty()
                      ? "no metrics files: declare them under 'metrics' in trove.yaml "
                        "or dvc.yaml"
                      : "no such metrics file in the revisions shown");
    }
    return failed ? 1 : 0;
  });
  command->add_option("revision", o->choice.names,
                      "Revisions to show besides the workspace");
  command->add_flag("-a,--all-branches", o->choice.all_branches, "Show every branch");
  command->add_flag("-T,--all-tags", o->choice.all_tags, "Show every tag");
  command->add_flag("-A,--all-commits", o->choice.all_commits, "Show every commit");
  command->add_option("-n,--num", o->choice.last, "Show the last N commits of HEAD");
  command->add_option("--targets", o->targets, "Only these metrics files");
  add_file_option(command, o->file);
  add_presentation_options(command, o->presentation);
}

// metrics diff and params diff.
void
register_diff(CLI::App& parent, Context& context, FileKind kind)
{
  struct Options
  {
    std::vector<std::string> revisions;
    std::vector<std::string> targets;
    std::string file;
    bool all = false;
    bool fail_on_change = false;
    Presentation presentation;
  };
  auto o = std::make_shared<Options>();
  bool is_metrics = kind == FileKind::metrics;
  auto* command = add_command(parent, context, "diff", [&context, o, kind, is_metrics] {
    if (o->revisions.size() > 2) {
      throw UsageError("diff compares two revisions; got " +
                       std::to_string(o->revisions.size()));
    }
    const auto& repo = context.repo();
    auto versions =
        metrics::versions_to_compare(repo, pipeline_file(repo, o->file), o->revisions);
    auto targets = root_relative(repo, o->targets);
    std::vector<RevisionValues> sides{metrics::read_revision(versions[0], kind, targets),
                                      metrics::read_revision(versions[1], kind, targets)};
    auto changes = metrics::compare(sides[0].files, sides[1].files, o->all);
    const auto& p = o->presentation;
    if (p.json) {
      print_json(metrics::diff_json(changes));
    } else if (!changes.empty() || p.table_format() != metrics::TableFormat::text) {
      auto table = metrics::diff_table(
          changes, is_metrics ? "Metric" : "Param", versions[0].revision().label,
          versions[1].revision().label, is_metrics, p.precision);
      std::cout << metrics::render(table, p.table_format());
    }
    if (report_errors(sides)) {
      return 1;
    }
    bool changed = std::any_of(changes.begin(), changes.end(), [](const auto& change) {
      return change.old_value != change.new_value;
    });
    return o->fail_on_change && changed ? 1 : 0;
  });
  command->add_option("revision", o->revisions,
                      "A (default HEAD) and B (default the workspace)");
  command->add_flag("--all", o->all, "Show unchanged values too");
  command->add_option("--targets", o->targets,
                      is_metrics ? "Only these metrics files"
                                 : "Only these params files");
  add_file_option(command, o->file);
  command->add_flag("--fail-on-change", o->fail_on_change,
                    "Exit 1 when anything changed (for CI)");
  add_presentation_options(command, o->presentation);
}

// metrics diff, params diff and the plots diff as one document; the
// plots are written to `plots_dir` and linked.
std::string
report_text(std::vector<Version>& versions,
            const fs::path& plots_dir,
            bool markdown,
            std::vector<RevisionValues>& read)
{
  auto format = markdown ? metrics::TableFormat::markdown : metrics::TableFormat::text;
  auto& a = versions.front();
  auto& b = versions.back();
  const auto& label_a = a.revision().label;
  const auto& label_b = b.revision().label;
  auto heading = [&](const std::string& title) {
    return (markdown ? "## " : "") + title + "\n\n";
  };
  std::string out = (markdown ? "# " : "") + std::string("trove report: ") + label_a +
                    " → " + label_b + "\n";
  for (auto kind : {FileKind::metrics, FileKind::params}) {
    bool is_metrics = kind == FileKind::metrics;
    auto old_values = metrics::read_revision(a, kind, {});
    auto new_values = metrics::read_revision(b, kind, {});
    auto changes = metrics::compare(old_values.files, new_values.files, false);
    read.push_back(std::move(old_values));
    read.push_back(std::move(new_values));
    out += "\n" + heading(is_metrics ? "Metrics" : "Params");
    if (changes.empty()) {
      out += "Nothing changed.\n";
      continue;
    }
    auto table = metrics::diff_table(changes, is_metrics ? "Metric" : "Param", label_a,
                                     label_b, is_metrics, 5);
    out += metrics::render(table, format);
  }
  std::vector<plots::Chart> charts;
  try {
    charts = plots::build_charts(plots::plot_definitions(b.pipelines()), versions);
  } catch (const Error& e) {
    // The tables above still make a report; the error goes to stderr.
    read.push_back({b.revision(), {}, std::string("plots: ") + e.what()});
  }
  if (charts.empty()) {
    return out;
  }
  plots::write_plot_files(plots_dir, "Plots: " + label_a + " → " + label_b, charts);
  out += "\n" + heading("Plots");
  for (const auto& chart : charts) {
    auto file = (plots_dir / (chart.name + ".svg")).lexically_normal().generic_string();
    out += markdown ? "![" + chart.title + "](" + file + ")\n"
                    : chart.title + ": " + file + "\n";
  }
  return out;
}

void
register_report(CLI::App& app, Context& context)
{
  struct Options
  {
    std::vector<std::string> revisions;
    bool markdown = false;
    std::string output = "trove_report";
    std::string file;
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(app, context, "report", [&context, o] {
    if (o->revisions.size() > 2) {
      throw UsageError("report compares two revisions; got " +
                       std::to_string(o->revisions.size()));
    }
    const auto& repo = context.repo();
    auto versions =
        metrics::versions_to_compare(repo, pipeline_file(repo, o->file), o->revisions);
    std::vector<RevisionValues> read;
    std::cout << report_text(versions, o->output, o->markdown, read);
    return report_errors(read) ? 1 : 0;
  });
  command->add_option("revision", o->revisions,
                      "A (default HEAD) and B (default the workspace)");
  command->add_flag("--md", o->markdown, "Markdown for a pull-request comment");
  command->add_option("-o,--out", o->output,
                      "Directory for the plots' SVG files (default trove_report)");
  add_file_option(command, o->file);
}

} // namespace

void
register_metrics_commands(CLI::App& app, Context& context)
{
  auto* metrics = add_group(app, "metrics");
  metrics->require_subcommand(1);
  register_metrics_show(*metrics, context);
  register_diff(*metrics, context, FileKind::metrics);
  auto* params = add_group(app, "params");
  params->require_subcommand(1);
  register_diff(*params, context, FileKind::params);
  register_report(app, context);
}

} // namespace trove::cli
