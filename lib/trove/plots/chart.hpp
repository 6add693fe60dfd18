#pragma once

#include <string>
#include <vector>

namespace trove::plots {

// How a chart draws its series (the names of DVC's plot templates).
enum class Template
{
  linear,
  scatter,
  bar,
  confusion,
  smooth
};

// One set of points: the values of one y field of one data file at one
// revision. x and y hold the values as written in the data file ("0.25",
// "cat"); the renderer decides whether an axis is numeric (every value
// parses as a number) or categorical.
struct Series
{
  std::string label; // legend entry, e.g. "workspace" or "main: precision"
  std::vector<std::string> x;
  std::vector<std::string> y;
};

// One plot: one SVG.
struct Chart
{
  std::string name; // names the .svg file and the HTML anchor; file-safe
  std::string title;
  std::string x_label;
  std::string y_label;
  Template kind = Template::linear;
  // linear/scatter/smooth/bar: one series per revision and y field, drawn
  // over each other with one colour each. confusion: each series is one
  // matrix (x = actual class per row, y = predicted class per row; the
  // renderer counts the pairs), drawn side by side.
  std::vector<Series> series;
};

// A standalone SVG document (with the xmlns attribute) for the chart:
// title, axes with ticks and labels, a legend naming every series.
std::string render_svg(const Chart& chart);

// One self-contained HTML page (no script, no external resource) holding
// every chart as inline SVG, under a heading `title`.
std::string render_html(const std::string& title, const std::vector<Chart>& charts);

// "linear" -> Template::linear; throws trove::Error for an unknown name.
Template template_named(const std::string& name);

} // namespace trove::plots
