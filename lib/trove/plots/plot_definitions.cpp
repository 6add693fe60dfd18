#include <trove/plots/plot_definitions.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/yaml_error.hpp>
#include <trove/plots/data_table.hpp>

#include <algorithm>
#include <filesystem>
#include <set>

namespace trove::plots {

namespace {

using pipeline::Value;
namespace fs = std::filesystem;

// A field name, or a list of them.
std::vector<std::string>
field_names(const Value& value, const std::string& where)
{
  if (value.is_string()) {
    return {value.get<std::string>()};
  }
  std::vector<std::string> names;
  if (value.is_array()) {
    for (const auto& item : value) {
      if (item.is_string()) {
        names.push_back(item.get<std::string>());
      }
    }
    if (names.size() == value.size()) {
      return names;
    }
  }
  throw Error(where + ": expected a field name or a list of field names");
}

std::string
text_option(const Value& options, const char* key, const std::string& where)
{
  if (!options.contains(key)) {
    return "";
  }
  const Value& value = options[key];
  if (!value.is_string()) {
    throw Error(where + ": '" + key + "' must be text");
  }
  return value.get<std::string>();
}

// template, title, x_label, y_label.
void
apply_options(PlotDefinition& plot, const Value& options, const std::string& where)
{
  plot.title = text_option(options, "title", where);
  plot.x_label = text_option(options, "x_label", where);
  plot.y_label = text_option(options, "y_label", where);
  if (auto name = text_option(options, "template", where); !name.empty()) {
    try {
      plot.kind = template_named(name);
    } catch (const Error& e) {
      throw Error(where + ": " + e.what());
    }
  }
}

// A plot of one file whose x and y name its fields.
PlotSource
single_file_source(const std::string& file,
                   const Value& options,
                   const std::string& where)
{
  PlotSource source{file, "", {}};
  if (options.contains("x")) {
    source.x = field_names(options["x"], where + ": x").front();
  }
  if (options.contains("y")) {
    source.y = field_names(options["y"], where + ": y");
  }
  return source;
}

// `NAME: {y: {file: field(s)}, x: field or {file: field}}`.
std::vector<PlotSource>
multi_file_sources(const pipeline::PipelineFile& pipeline,
                   const Value& options,
                   const std::string& where)
{
  std::vector<PlotSource> sources;
  const Value& x = options.contains("x") ? options["x"] : Value();
  for (const auto& [file, fields] : options["y"].items()) {
    PlotSource source{pipeline.path_from_root(file), "",
                      field_names(fields, where + ": y")};
    if (x.is_string()) {
      source.x = x.get<std::string>();
    } else if (x.is_object() && x.contains(file)) {
      source.x = field_names(x[file], where + ": x").front();
    }
    sources.push_back(std::move(source));
  }
  return sources;
}

void
add_top_level_plots(const pipeline::PipelineFile& file, std::vector<PlotDefinition>& out)
{
  if (!file.plots || file.plots.IsNull()) {
    return;
  }
  if (!file.plots.IsSequence()) {
    throw Error(core::yaml_position(file.path, file.plots.Mark()) +
                ": 'plots' must be a list of files and plot definitions");
  }
  for (const auto& item : file.plots) {
    std::string where = core::yaml_position(file.path, item.Mark());
    Value entry = pipeline::to_value(item);
    PlotDefinition plot;
    if (entry.is_string()) {
      plot.id = file.path_from_root(entry.get<std::string>());
      plot.sources.push_back({plot.id, "", {}});
      out.push_back(std::move(plot));
      continue;
    }
    if (!entry.is_object() || entry.size() != 1) {
      throw Error(where +
                  ": a plot is a file or one NAME: {x, y, template, ...} mapping");
    }
    const std::string& name = entry.begin().key();
    Value options =
        entry.begin().value().is_null() ? Value::object() : entry.begin().value();
    if (!options.is_object()) {
      throw Error(where + ": options of plot '" + name + "' must be a mapping");
    }
    apply_options(plot, options, where);
    if (options.contains("y") && options["y"].is_object()) {
      plot.id = name;
      plot.sources = multi_file_sources(file, options, where);
    } else {
      plot.id = file.path_from_root(name);
      plot.sources.push_back(single_file_source(plot.id, options, where));
    }
    out.push_back(std::move(plot));
  }
}

void
add_stage_plots(const pipeline::PipelineFile& file, std::vector<PlotDefinition>& out)
{
  for (const auto& stage : file.stages) {
    for (const auto& output : stage.outs) {
      if (output.kind != pipeline::Output::Kind::plot) {
        continue;
      }
      PlotDefinition plot;
      plot.id = stage.path_from_root(output.path);
      std::string where = stage.position + ": plot '" + output.path + "'";
      apply_options(plot, output.options, where);
      plot.sources.push_back(single_file_source(plot.id, output.options, where));
      out.push_back(std::move(plot));
    }
  }
}

// A name usable as a file name and an HTML id, unique among `taken`.
std::string
chart_name(const std::string& id, std::set<std::string>& taken)
{
  std::string base;
  for (char c : id) {
    base += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_';
  }
  std::string name = base;
  for (int n = 2; !taken.insert(name).second; ++n) {
    name = base + "_" + std::to_string(n);
  }
  return name;
}

std::string
default_y_field(const DataTable& table, const std::string& x)
{
  for (auto it = table.fields.rbegin(); it != table.fields.rend(); ++it) {
    if (*it != x) {
      return *it;
    }
  }
  return "";
}

std::vector<std::string>
column_or_error(const DataTable& table,
                const std::string& field,
                const std::string& source)
{
  if (std::find(table.fields.begin(), table.fields.end(), field) == table.fields.end()) {
    std::string fields;
    for (const auto& name : table.fields) {
      fields += (fields.empty() ? "" : ", ") + name;
    }
    throw Error(source + ": no field '" + field + "' (fields: " + fields + ")");
  }
  return table.column(field);
}

std::vector<std::string>
row_numbers(std::size_t count)
{
  std::vector<std::string> numbers;
  for (std::size_t i = 0; i < count; ++i) {
    numbers.push_back(std::to_string(i));
  }
  return numbers;
}

// An image plot's picture at one version: the file's bytes, never parsed.
void
add_image(Chart& chart,
          const PlotSource& source,
          const std::string& media_type,
          metrics::Version& version)
{
  const std::string& label = version.revision().label;
  std::optional<std::string> content;
  try {
    content = version.read(source.file);
  } catch (const Error& e) {
    throw Error(label + ": " + e.what());
  }
  if (content) {
    chart.images.push_back({label, media_type, std::move(*content)});
  }
}

// The series of one source at one version (an image plot's picture for an
// image file); the y fields drawn are added to `y_fields_drawn` (once each).
void
add_series(Chart& chart,
           const PlotDefinition& plot,
           const PlotSource& source,
           metrics::Version& version,
           bool several_versions,
           std::vector<std::string>& y_fields_drawn)
{
  if (auto media_type = image_media_type(source.file); !media_type.empty()) {
    add_image(chart, source, media_type, version);
    return;
  }
  const std::string& label = version.revision().label;
  std::optional<std::string> content;
  DataTable table;
  try {
    content = version.read(source.file);
    if (!content) {
      return;
    }
    table = parse_data_table(*content, source.file);
  } catch (const Error& e) {
    throw Error(label + ": " + e.what());
  }
  std::string where = label + ": " + source.file;
  auto x = source.x.empty() ? row_numbers(table.rows.size())
                            : column_or_error(table, source.x, where);
  auto y_fields = source.y;
  if (y_fields.empty()) {
    y_fields.push_back(default_y_field(table, source.x));
  }
  for (const auto& field : y_fields) {
    std::vector<std::string> parts;
    if (several_versions) {
      parts.push_back(label);
    }
    if (plot.sources.size() > 1) {
      parts.push_back(source.file);
    }
    if (y_fields.size() > 1 || plot.sources.size() > 1 || parts.empty()) {
      parts.push_back(field);
    }
    std::string series_label;
    for (const auto& part : parts) {
      series_label += (series_label.empty() ? "" : ": ") + part;
    }
    chart.series.push_back({series_label, x, column_or_error(table, field, where)});
    if (std::find(y_fields_drawn.begin(), y_fields_drawn.end(), field) ==
        y_fields_drawn.end()) {
      y_fields_drawn.push_back(field);
    }
  }
  if (chart.x_label.empty()) {
    chart.x_label = source.x.empty() ? "step" : source.x;
  }
}

bool
is_plot_file(const std::string& path)
{
  static const std::set<std::string> k_data = {".csv", ".tsv", ".json", ".yaml", ".yml"};
  return k_data.count(fs::path(path).extension().string()) > 0 ||
         !image_media_type(path).empty();
}

// The files under a directory at a version (none when it is not a
// directory there).
std::vector<std::string>
files_in_directory(metrics::Version& version, const std::string& dir)
{
  try {
    return version.files_under(dir);
  } catch (const Error& e) {
    throw Error(version.revision().label + ": " + e.what());
  }
}

// `plot` for one file of its directory: the directory's options apply.
PlotDefinition
for_file(const PlotDefinition& plot, const std::string& file)
{
  PlotDefinition one = plot;
  one.id = file;
  one.sources.front().file = file;
  return one;
}

// Each directory plot (one source, named by its path) replaced by one plot
// per data or image file under it in any version, in path order.
std::vector<PlotDefinition>
expand_directories(const std::vector<PlotDefinition>& definitions,
                   std::vector<metrics::Version>& versions)
{
  std::vector<PlotDefinition> expanded;
  for (const auto& plot : definitions) {
    if (plot.sources.size() != 1 || plot.sources.front().file != plot.id ||
        !image_media_type(plot.id).empty()) {
      expanded.push_back(plot);
      continue;
    }
    std::set<std::string> files;
    bool is_directory = false;
    for (auto& version : versions) {
      for (auto& file : files_in_directory(version, plot.id)) {
        is_directory = true;
        if (is_plot_file(file)) {
          files.insert(std::move(file));
        }
      }
    }
    if (is_directory && files.empty()) {
      throw Error("plot '" + plot.id +
                  "': the directory holds no data file (.csv, .tsv, .json, .yaml, .yml) "
                  "and no image (.png, .jpg, .jpeg, .gif, .svg)");
    }
    if (files.empty()) {
      expanded.push_back(plot);
    }
    for (const auto& file : files) {
      expanded.push_back(for_file(plot, file));
    }
  }
  return expanded;
}

} // namespace

std::vector<PlotDefinition>
plot_definitions(const std::vector<pipeline::PipelineFile>& files)
{
  std::vector<PlotDefinition> plots;
  for (const auto& file : files) {
    add_top_level_plots(file, plots);
    add_stage_plots(file, plots);
  }
  return plots;
}

std::vector<PlotDefinition>
select_plots(std::vector<PlotDefinition> all,
             const std::vector<std::string>& targets,
             const std::vector<std::string>& paths)
{
  if (targets.empty()) {
    return all;
  }
  std::vector<PlotDefinition> chosen;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    auto named = [&](const PlotDefinition& plot) {
      return plot.id == targets[i] || plot.id == paths[i] ||
             std::any_of(plot.sources.begin(), plot.sources.end(),
                         [&](const auto& source) { return source.file == paths[i]; });
    };
    auto before = chosen.size();
    std::copy_if(all.begin(), all.end(), std::back_inserter(chosen), named);
    // A file inside a directory plot: drawn with the directory's options.
    for (auto it = all.begin(); chosen.size() == before && it != all.end(); ++it) {
      if (it->sources.size() == 1 && it->sources.front().file == it->id &&
          paths[i].starts_with(it->id + "/")) {
        chosen.push_back(for_file(*it, paths[i]));
      }
    }
    if (chosen.size() == before) {
      chosen.push_back({paths[i], "", "", "", Template::linear, {{paths[i], "", {}}}});
    }
  }
  return chosen;
}

std::vector<Chart>
build_charts(const std::vector<PlotDefinition>& definitions,
             std::vector<metrics::Version>& versions)
{
  std::vector<Chart> charts;
  std::set<std::string> names;
  for (const auto& plot : expand_directories(definitions, versions)) {
    Chart chart;
    chart.name = chart_name(plot.id, names);
    chart.title = plot.title.empty() ? plot.id : plot.title;
    chart.x_label = plot.x_label;
    chart.y_label = plot.y_label;
    chart.kind = plot.kind;
    std::string labels;
    std::vector<std::string> y_fields;
    for (auto& version : versions) {
      for (const auto& source : plot.sources) {
        add_series(chart, plot, source, version, versions.size() > 1, y_fields);
      }
      labels += (labels.empty() ? "" : ", ") + version.revision().label;
    }
    // Every axis has a title: the y fields drawn when none is given.
    if (chart.y_label.empty()) {
      for (const auto& field : y_fields) {
        chart.y_label += (chart.y_label.empty() ? "" : ", ") + field;
      }
    }
    if (chart.series.empty() && chart.images.empty()) {
      throw Error("plot '" + plot.id + "': no data in " + labels + " (does " +
                  plot.sources.front().file + " exist?)");
    }
    charts.push_back(std::move(chart));
  }
  return charts;
}

fs::path
write_plot_files(const fs::path& dir,
                 const std::string& title,
                 const std::vector<Chart>& charts)
{
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    throw Error("cannot create " + dir.string() + ": " + ec.message());
  }
  for (const auto& chart : charts) {
    if (chart.images.empty()) {
      core::write_file_atomic(dir / chart_files(chart).front(), render_svg(chart));
      continue;
    }
    auto files = chart_files(chart);
    for (std::size_t i = 0; i < files.size(); ++i) {
      core::write_file_atomic(dir / files[i], chart.images[i].bytes);
    }
  }
  auto page = dir / "index.html";
  core::write_file_atomic(page, render_html(title, charts));
  return page;
}

} // namespace trove::plots
