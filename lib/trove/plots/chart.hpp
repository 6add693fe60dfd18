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

// An image plot's picture at one revision: the image file's bytes as they
// are (never parsed), shown as an <img> with a data: URI.
struct Image
{
  std::string label;      // the revision, e.g. "workspace" or "v1.0"
  std::string media_type; // image/png, image/jpeg, image/gif or image/svg+xml
  std::string bytes;
};

// One plot: one SVG, or for an image plot its pictures.
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
  // An image plot (no series): one picture per revision, side by side.
  std::vector<Image> images;
};

// The media type of an image file by its extension (.png, .jpg, .jpeg,
// .gif, .svg, in any letter case), or "" when `path` is not an image.
std::string image_media_type(const std::string& path);

// The files a chart is written as, in a plots directory: NAME.svg, or for an
// image plot one LABEL_NAME per picture (as DVC names them, "v1.0_" +
// "eval_confusion.png"), with characters other than letters, digits, - and .
// of the label replaced by _.
std::vector<std::string> chart_files(const Chart& chart);

// A standalone SVG document (with the xmlns attribute) for the chart:
// title, axes with ticks and titles, a legend naming every series; text
// too long for its place is wrapped or shortened with "…", the full text
// in a <title> child. An image plot is rendered by render_html only.
std::string render_svg(const Chart& chart);

// One self-contained HTML page (no script, no external resource; a
// Content-Security-Policy that allows neither) holding every chart as
// inline SVG and every image plot's pictures as <img> elements with
// base64 data: URIs (an SVG image too: never inline, its content is
// untrusted), under a heading `title`.
std::string render_html(const std::string& title, const std::vector<Chart>& charts);

// "linear" -> Template::linear; throws trove::Error for an unknown name.
Template template_named(const std::string& name);

} // namespace trove::plots
