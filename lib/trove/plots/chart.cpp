#include <trove/plots/chart.hpp>

#include <trove/core/error.hpp>
#include <trove/core/text.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <utility>

namespace trove::plots {

namespace {

// Tableau 10: told apart with the common colour-vision deficiencies too.
constexpr std::array<std::string_view, 10> k_palette = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

// Sizes in pixels. Text widths are estimates: no font metrics offline.
constexpr double k_char_width = 7;
constexpr double k_max_text_width = 300;
constexpr double k_max_slant_height = 140;
constexpr double k_plot_left = 70;
constexpr double k_plot_top = 50;
constexpr double k_plot_width = 550;
constexpr double k_plot_height = 290;
constexpr double k_legend_gap = 20;
constexpr double k_legend_row = 20;
constexpr double k_slant_angle = -40;
constexpr double k_caption_size = 13;
constexpr double k_caption_line = 16;
constexpr double k_max_caption_width = 240;
constexpr std::size_t k_max_caption_lines = 3;
constexpr double k_label_size = 12;
constexpr double k_max_legend_width = 300;

constexpr std::string_view k_grid_style = R"( stroke="#e6e6e6" stroke-width="1")";
constexpr std::string_view k_axis_style = R"( stroke="#888" stroke-width="1")";

struct Point
{
  double x;
  double y;
};

std::string_view
colour_of(std::size_t series)
{
  return k_palette[series % k_palette.size()];
}

// For text and attribute values alike: labels come from user files.
std::string
escape(std::string_view text)
{
  return core::escape_markup(text, "&#39;");
}

// A coordinate with at most two decimals and never "-0", so that the same
// chart always gives the same bytes.
std::string
px(double value)
{
  std::array<char, 64> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.2f", value);
  std::string text = buffer.data();
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') {
      text.pop_back();
    }
    if (text.back() == '.') {
      text.pop_back();
    }
  }
  return text == "-0" ? "0" : text;
}

// "0.3", not "0.30000000000000004".
std::string
tick_label(double value, int precision)
{
  std::array<char, 64> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.*g", precision, value);
  std::string text = buffer.data();
  return text == "-0" ? "0" : text;
}

std::optional<double>
number_in(const std::string& text)
{
  if (text.empty()) {
    return std::nullopt;
  }
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

bool
all_numbers(const std::vector<std::string>& values)
{
  return std::all_of(values.begin(), values.end(), [](const std::string& value) {
    return number_in(value).has_value();
  });
}

double
text_width(std::string_view text)
{
  // Count UTF-8 code points, not bytes.
  auto chars = std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
  return std::min(k_max_text_width, static_cast<double>(chars) * k_char_width);
}

double
widest(const std::vector<std::string>& texts)
{
  double width = 0;
  for (const auto& text : texts) {
    width = std::max(width, text_width(text));
  }
  return width;
}

std::string
text_at(double x, double y, std::string_view attributes, std::string_view content)
{
  return "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\"" + std::string(attributes) + ">" +
         escape(content) + "</text>\n";
}

// The length in bytes of the UTF-8 sequence starting with `lead`.
std::size_t
sequence_length(unsigned char lead)
{
  return lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
}

// The width of `text` at `font_size` in a sans-serif font, estimated on the
// wide side by classes of characters (no font metrics offline; DejaVu Sans,
// the widest common one, stays within it for text that is not all capitals).
double
estimated_width(std::string_view text, double font_size)
{
  double ems = 0;
  for (std::size_t i = 0; i < text.size(); i += sequence_length(text[i])) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0xE0) {
      ems += 1; // CJK and other wide scripts
    } else if (c >= 0x80) {
      ems += 0.75;
    } else if (std::strchr(" .,:;'|!ijlI()[]/\\`-ftr\"", c) != nullptr) {
      ems += 0.42;
    } else if (std::isupper(c) || c == 'm' || c == 'w' || c == '@' || c == '%') {
      ems += 0.92;
    } else {
      ems += 0.66;
    }
  }
  return ems * font_size;
}

// Text fitted to a place: its lines, and whether it differs from the text.
struct FittedText
{
  std::vector<std::string> lines;
  bool changed = false;
};

bool
breaks_after(char c)
{
  return c == '/' || c == ' ' || c == ':' || c == '_' || c == '-' || c == ',';
}

// `text` in at most `max_lines` lines each no wider than `max_width`, broken
// after / space : _ - or , (anywhere in a part too wide alone); what does not
// fit is cut and the last line ends with "…".
FittedText
fit_text(std::string_view text, double font_size, double max_width, std::size_t max_lines)
{
  FittedText fitted;
  std::string line;
  std::size_t last_break = 0; // in `line`, after a break character; 0: none
  bool cut = false;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = std::min(sequence_length(text[i]), text.size() - i);
    std::string_view character = text.substr(i, length);
    if (!line.empty() &&
        estimated_width(std::string(line).append(character), font_size) > max_width) {
      if (fitted.lines.size() + 1 == max_lines) {
        cut = true;
        break;
      }
      std::size_t at = last_break > 0 ? last_break : line.size();
      fitted.lines.push_back(core::trim(line.substr(0, at), " "));
      line.erase(0, at);
      last_break = 0;
    }
    line += character;
    if (breaks_after(character.front())) {
      last_break = line.size();
    }
    i += length;
  }
  if (cut) {
    static constexpr std::string_view ellipsis = "…";
    while (!line.empty() &&
           estimated_width(line + std::string(ellipsis), font_size) > max_width) {
      std::size_t last = line.size() - 1;
      while (last > 0 && (static_cast<unsigned char>(line[last]) & 0xC0) == 0x80) {
        --last;
      }
      line.erase(last);
    }
    line += ellipsis;
  }
  fitted.lines.push_back(line);
  fitted.changed = cut || fitted.lines.size() > 1;
  return fitted;
}

// `text` fitted, as one <text> at (x, y) whose further lines are each
// `line_height` lower; with a <title> holding the whole text when it was
// wrapped or shortened (a browser shows it on hover).
std::string
fitted_text_at(double x,
               double y,
               std::string_view attributes,
               const std::string& text,
               const FittedText& fitted,
               double line_height)
{
  std::string out =
      "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\"" + std::string(attributes) + ">";
  if (fitted.changed) {
    out += "<title>" + escape(text) + "</title>";
  }
  if (fitted.lines.size() == 1) {
    out += escape(fitted.lines.front());
  } else {
    for (std::size_t i = 0; i < fitted.lines.size(); ++i) {
      out += "<tspan x=\"" + px(x) + "\" dy=\"" + px(i == 0 ? 0 : line_height) + "\">" +
             escape(fitted.lines[i]) + "</tspan>";
    }
  }
  return out + "</text>\n";
}

std::string
rotation(double angle, double x, double y)
{
  return " transform=\"rotate(" + px(angle) + " " + px(x) + " " + px(y) + ")\"";
}

std::string
line(double x1, double y1, double x2, double y2, std::string_view style)
{
  return "<line x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) + "\" y2=\"" +
         px(y2) + "\"" + std::string(style) + "/>\n";
}

std::string
svg_document(double width, double height, const std::string& body)
{
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + px(width) +
         "\" height=\"" + px(height) + "\" viewBox=\"0 0 " + px(width) + " " +
         px(height) + "\" font-family=\"sans-serif\">\n" +
         "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body + "</svg>\n";
}

// Empty labels are left out: the caller normally names the fields. The
// title is shortened to `room` pixels.
void
draw_title(std::ostream& out, const std::string& title, double centre, double room)
{
  if (!title.empty()) {
    // Bold: wider than the estimate for regular text.
    out << fitted_text_at(
        centre, 28,
        R"( class="title" text-anchor="middle" font-size="16" font-weight="bold")", title,
        fit_text(title, 16 * 1.1, room, 1), 0);
  }
}

// Axis titles, shortened to `room` pixels.
void
draw_x_label(
    std::ostream& out, const std::string& label, double centre, double y, double room)
{
  if (!label.empty()) {
    out << fitted_text_at(centre, y,
                          R"( class="x-label" text-anchor="middle" font-size="12")",
                          label, fit_text(label, k_label_size, room, 1), 0);
  }
}

void
draw_y_label(
    std::ostream& out, const std::string& label, double x, double centre, double room)
{
  if (!label.empty()) {
    out << fitted_text_at(x, centre,
                          R"( class="y-label" text-anchor="middle" font-size="12")" +
                              rotation(-90, x, centre),
                          label, fit_text(label, k_label_size, room, 1), 0);
  }
}

struct Tick
{
  double value;
  std::string label;
};

// Maps the data values [lo, hi] linearly onto the pixels [from, to].
struct Axis
{
  double lo = 0;
  double hi = 1;
  double from = 0;
  double to = 1;
  std::vector<Tick> ticks;
  bool categorical = false;

  double
  pixel(double value) const
  {
    // Halved, so that the span between two finite values cannot overflow.
    return from + (value / 2 - lo / 2) / (hi / 2 - lo / 2) * (to - from);
  }
};

struct Range
{
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();

  void
  add(double value)
  {
    lo = std::min(lo, value);
    hi = std::max(hi, value);
  }

  bool
  empty() const
  {
    return lo > hi;
  }
};

// Six significant digits, or more where neighbouring ticks would read the same
// (1e+09 for both 1000000000 and 1000000020).
std::vector<Tick>
labelled(const std::vector<double>& values)
{
  std::vector<Tick> ticks;
  for (int precision = 6; precision <= 17; ++precision) {
    ticks.clear();
    bool distinct = true;
    for (double value : values) {
      auto label = tick_label(value, precision);
      distinct = distinct && (ticks.empty() || ticks.back().label != label);
      ticks.push_back({value, label});
    }
    if (distinct) {
      break;
    }
  }
  return ticks;
}

// A step of 1, 2 or 5 × 10^k giving about six intervals over `span`.
double
nice_step(double span)
{
  double rough = span / 6;
  double magnitude = std::pow(10, std::floor(std::log10(rough)));
  double fraction = rough / magnitude;
  constexpr double slack = 1e-9;
  double factor = fraction <= 1 + slack   ? 1
                  : fraction <= 2 + slack ? 2
                  : fraction <= 5 + slack ? 5
                                          : 10;
  return factor * magnitude;
}

// The range widened to whole steps, so the ends carry ticks.
Axis
numeric_axis(Range range)
{
  if (range.empty()) {
    range = {0, 1};
  } else if (range.lo == range.hi) {
    double pad = range.lo == 0 ? 1 : std::abs(range.lo) * 0.1;
    range = {range.lo == 0 ? 0 : range.lo - pad, range.hi + pad};
  }
  Axis axis;
  double step = nice_step(range.hi - range.lo);
  if (!std::isfinite(step) || step <= 0) {
    axis.lo = range.lo;
    axis.hi = range.hi;
    axis.ticks = labelled({range.lo, range.hi});
    return axis;
  }
  double first = std::floor(range.lo / step + 1e-9);
  double last = std::ceil(range.hi / step - 1e-9);
  axis.lo = first * step;
  axis.hi = last * step;
  std::vector<double> values;
  // The bound only matters when precision runs out on huge values.
  for (int i = 0; first + i <= last && i <= 20; ++i) {
    values.push_back((first + i) * step);
  }
  axis.ticks = labelled(values);
  return axis;
}

// Category i sits at the centre of band i.
Axis
category_axis(const std::vector<std::string>& categories)
{
  if (categories.empty()) {
    return numeric_axis({});
  }
  Axis axis;
  axis.categorical = true;
  axis.lo = -0.5;
  axis.hi = static_cast<double>(categories.size()) - 0.5;
  for (std::size_t i = 0; i < categories.size(); ++i) {
    axis.ticks.push_back({static_cast<double>(i), categories[i]});
  }
  return axis;
}

std::vector<std::string>
tick_labels(const Axis& axis)
{
  std::vector<std::string> labels;
  for (const auto& tick : axis.ticks) {
    labels.push_back(tick.label);
  }
  return labels;
}

struct XyData
{
  Axis x;
  Axis y;
  std::vector<std::vector<Point>> points; // per series, in drawing order
};

struct Layout
{
  double width = 0;
  double height = 0;
  // The plot area.
  double left = k_plot_left;
  double top = k_plot_top;
  double right = k_plot_left + k_plot_width;
  double bottom = k_plot_top + k_plot_height;
  double x_label_space = 0; // below the axis, for slanted category labels
  bool slanted_x_labels = false;
};

std::size_t
pair_count(const Series& series)
{
  return std::min(series.x.size(), series.y.size());
}

bool
x_is_numeric(const std::vector<Series>& series)
{
  return std::all_of(series.begin(), series.end(),
                     [](const Series& one) { return all_numbers(one.x); });
}

// In first-seen order across the series.
std::vector<std::string>
categories_of(const std::vector<Series>& series)
{
  std::vector<std::string> categories;
  std::set<std::string> seen;
  for (const auto& one : series) {
    for (std::size_t i = 0; i < pair_count(one); ++i) {
      if (seen.insert(one.x[i]).second) {
        categories.push_back(one.x[i]);
      }
    }
  }
  return categories;
}

// Rows whose y (or numeric x) does not parse are dropped.
std::vector<Point>
numeric_points(const Series& series)
{
  std::vector<Point> points;
  for (std::size_t i = 0; i < pair_count(series); ++i) {
    auto x = number_in(series.x[i]);
    auto y = number_in(series.y[i]);
    if (x && y) {
      points.push_back({*x, *y});
    }
  }
  std::stable_sort(points.begin(), points.end(),
                   [](const Point& a, const Point& b) { return a.x < b.x; });
  return points;
}

// x becomes the position of the category; rows whose y does not parse are
// dropped.
std::vector<std::vector<Point>>
category_points(const std::vector<Series>& series,
                const std::vector<std::string>& categories)
{
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < categories.size(); ++i) {
    index[categories[i]] = i;
  }
  std::vector<std::vector<Point>> points(series.size());
  for (std::size_t s = 0; s < series.size(); ++s) {
    for (std::size_t i = 0; i < pair_count(series[s]); ++i) {
      if (auto y = number_in(series[s].y[i])) {
        points[s].push_back({static_cast<double>(index.at(series[s].x[i])), *y});
      }
    }
  }
  return points;
}

// The extents of the x values (first) and the y values (second).
std::pair<Range, Range>
extents_of(const std::vector<std::vector<Point>>& points)
{
  Range x;
  Range y;
  for (const auto& one_series : points) {
    for (const auto& point : one_series) {
      x.add(point.x);
      y.add(point.y);
    }
  }
  return {x, y};
}

XyData
xy_data(const Chart& chart)
{
  XyData data;
  if (chart.kind != Template::bar && x_is_numeric(chart.series)) {
    for (const auto& series : chart.series) {
      data.points.push_back(numeric_points(series));
    }
  } else {
    auto categories = categories_of(chart.series);
    data.points = category_points(chart.series, categories);
    data.x = category_axis(categories);
  }
  auto [x_range, y_range] = extents_of(data.points);
  if (chart.kind == Template::bar && !y_range.empty()) {
    y_range.add(0); // bars start at zero
  }
  if (!data.x.categorical) {
    data.x = numeric_axis(x_range);
  }
  data.y = numeric_axis(y_range);
  return data;
}

std::vector<std::string>
series_labels(const Chart& chart)
{
  std::vector<std::string> labels;
  for (const auto& series : chart.series) {
    labels.push_back(series.label);
  }
  return labels;
}

Layout
xy_layout(const Chart& chart, const Axis& x, const Axis& y)
{
  Layout layout;
  // Room for long y tick labels (1.00000002e+09) left of the axis.
  layout.left = std::max(k_plot_left, widest(tick_labels(y)) + 36);
  layout.right = layout.left + k_plot_width;
  if (x.categorical) {
    double band = k_plot_width / static_cast<double>(x.ticks.size());
    double label_width = widest(tick_labels(x));
    layout.slanted_x_labels = label_width > band * 0.9;
    if (layout.slanted_x_labels) {
      layout.x_label_space = std::min(label_width * 0.65, k_max_slant_height);
    }
  }
  double legend_text = 0;
  for (const auto& label : series_labels(chart)) {
    legend_text = std::max(
        legend_text, std::min(k_max_legend_width, estimated_width(label, k_label_size)));
  }
  double legend_width = 18 + legend_text + 10;
  double legend_bottom =
      layout.top + static_cast<double>(chart.series.size()) * k_legend_row;
  layout.width = layout.right + k_legend_gap + legend_width;
  layout.height = std::max(layout.bottom + layout.x_label_space + 60, legend_bottom + 20);
  return layout;
}

void
draw_x_axis(std::ostream& out, const Axis& x, const Layout& layout)
{
  out << "<g class=\"x-axis\" font-size=\"11\" fill=\"#444\">\n";
  for (const auto& tick : x.ticks) {
    double at = x.pixel(tick.value);
    if (!x.categorical) {
      out << line(at, layout.top, at, layout.bottom, k_grid_style);
    }
    out << line(at, layout.bottom, at, layout.bottom + 5, k_axis_style);
    if (layout.slanted_x_labels) {
      double y = layout.bottom + 14;
      out << text_at(at, y, " text-anchor=\"end\"" + rotation(k_slant_angle, at, y),
                     tick.label);
    } else {
      out << text_at(at, layout.bottom + 18, " text-anchor=\"middle\"", tick.label);
    }
  }
  out << line(layout.left, layout.bottom, layout.right, layout.bottom, k_axis_style);
  out << "</g>\n";
}

void
draw_y_axis(std::ostream& out, const Axis& y, const Layout& layout)
{
  out << "<g class=\"y-axis\" font-size=\"11\" fill=\"#444\">\n";
  for (const auto& tick : y.ticks) {
    double at = y.pixel(tick.value);
    out << line(layout.left, at, layout.right, at, k_grid_style);
    out << line(layout.left - 5, at, layout.left, at, k_axis_style);
    out << text_at(layout.left - 8, at + 4, " text-anchor=\"end\"", tick.label);
  }
  out << line(layout.left, layout.top, layout.left, layout.bottom, k_axis_style);
  out << "</g>\n";
}

void
draw_legend(std::ostream& out, const Chart& chart, double x, double y)
{
  out << "<g class=\"legend\" font-size=\"12\" fill=\"#222\">\n";
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    double row = y + static_cast<double>(i) * k_legend_row;
    out << "<rect x=\"" << px(x) << "\" y=\"" << px(row)
        << "\" width=\"12\" height=\"12\" fill=\"" << colour_of(i) << "\"/>\n";
    const auto& label = chart.series[i].label;
    out << fitted_text_at(x + 18, row + 10, "", label,
                          fit_text(label, k_label_size, k_max_legend_width, 1), 0);
  }
  out << "</g>\n";
}

// A centred moving average over max(1, n/20) points on each side; near the
// ends the window holds fewer points.
std::vector<Point>
smoothed(const std::vector<Point>& points)
{
  std::size_t half = std::max<std::size_t>(1, points.size() / 20);
  std::vector<double> prefix_sums(points.size() + 1, 0);
  for (std::size_t i = 0; i < points.size(); ++i) {
    prefix_sums[i + 1] = prefix_sums[i] + points[i].y;
  }
  std::vector<Point> result;
  for (std::size_t i = 0; i < points.size(); ++i) {
    std::size_t first = i >= half ? i - half : 0;
    std::size_t end = std::min(points.size(), i + half + 1);
    double mean =
        (prefix_sums[end] - prefix_sums[first]) / static_cast<double>(end - first);
    result.push_back({points[i].x, mean});
  }
  return result;
}

std::string
dot(const Point& point, const XyData& data, std::string_view colour, double radius)
{
  return "<circle cx=\"" + px(data.x.pixel(point.x)) + "\" cy=\"" +
         px(data.y.pixel(point.y)) + "\" r=\"" + px(radius) + "\" fill=\"" +
         std::string(colour) + "\"/>\n";
}

void
draw_line(std::ostream& out,
          const std::vector<Point>& points,
          const XyData& data,
          std::string_view colour,
          std::string_view style)
{
  if (points.empty()) {
    return;
  }
  if (points.size() == 1) {
    out << dot(points.front(), data, colour, 3); // a line of one point is invisible
    return;
  }
  out << "<polyline fill=\"none\" stroke=\"" << colour << "\"" << style << " points=\"";
  for (std::size_t i = 0; i < points.size(); ++i) {
    out << (i == 0 ? "" : " ") << px(data.x.pixel(points[i].x)) << ","
        << px(data.y.pixel(points[i].y));
  }
  out << "\"/>\n";
}

// Bars of series `index` of `count`, side by side within each category band.
void
draw_bars(std::ostream& out,
          const std::vector<Point>& points,
          const XyData& data,
          std::size_t index,
          std::size_t count)
{
  double band = std::abs(data.x.pixel(1) - data.x.pixel(0));
  double bar_width = band * 0.8 / static_cast<double>(count);
  double zero = data.y.pixel(0);
  for (const auto& point : points) {
    double left =
        data.x.pixel(point.x) - band * 0.4 + static_cast<double>(index) * bar_width;
    double top = std::min(zero, data.y.pixel(point.y));
    double height = std::abs(zero - data.y.pixel(point.y));
    out << "<rect x=\"" << px(left) << "\" y=\"" << px(top) << "\" width=\""
        << px(bar_width) << "\" height=\"" << px(height) << "\" fill=\""
        << colour_of(index) << "\"/>\n";
  }
}

void
draw_series(std::ostream& out, const Chart& chart, const XyData& data)
{
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const auto& points = data.points[i];
    auto colour = colour_of(i);
    out << "<g class=\"series\" data-label=\"" << escape(chart.series[i].label)
        << "\">\n";
    switch (chart.kind) {
    case Template::scatter:
      for (const auto& point : points) {
        out << dot(point, data, colour, 3);
      }
      break;
    case Template::bar:
      draw_bars(out, points, data, i, chart.series.size());
      break;
    case Template::smooth:
      draw_line(out, points, data, colour, R"( stroke-width="1" stroke-opacity="0.3")");
      draw_line(out, smoothed(points), data, colour, R"( stroke-width="2")");
      break;
    default:
      draw_line(out, points, data, colour, R"( stroke-width="2")");
    }
    out << "</g>\n";
  }
}

std::string
render_xy(const Chart& chart)
{
  XyData data = xy_data(chart);
  Layout layout = xy_layout(chart, data.x, data.y);
  data.x.from = layout.left;
  data.x.to = layout.right;
  data.y.from = layout.bottom;
  data.y.to = layout.top;

  std::ostringstream out;
  double centre = (layout.left + layout.right) / 2;
  draw_title(out, chart.title, centre, 2 * std::min(centre, layout.width - centre) - 20);
  draw_x_axis(out, data.x, layout);
  draw_y_axis(out, data.y, layout);
  draw_x_label(out, chart.x_label, centre, layout.bottom + layout.x_label_space + 40,
               layout.right - layout.left);
  draw_y_label(out, chart.y_label, 18, (layout.top + layout.bottom) / 2,
               layout.bottom - layout.top);
  draw_series(out, chart, data);
  draw_legend(out, chart, layout.right + k_legend_gap, layout.top);
  return svg_document(layout.width, layout.height, out.str());
}

// Shared by all matrices of a chart, so that revisions line up cell by cell.
// Sorted by value when every class is a number, else as text.
std::vector<std::string>
classes_of(const std::vector<Series>& series)
{
  std::set<std::string> unique;
  for (const auto& one : series) {
    for (std::size_t i = 0; i < pair_count(one); ++i) {
      unique.insert(one.x[i]);
      unique.insert(one.y[i]);
    }
  }
  std::vector<std::string> classes(unique.begin(), unique.end());
  if (all_numbers(classes)) {
    std::stable_sort(classes.begin(), classes.end(),
                     [](const std::string& a, const std::string& b) {
                       return *number_in(a) < *number_in(b);
                     });
  }
  return classes;
}

// counts[actual][predicted]
std::vector<std::vector<std::size_t>>
count_pairs(const Series& series, const std::vector<std::string>& classes)
{
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < classes.size(); ++i) {
    index[classes[i]] = i;
  }
  std::vector<std::vector<std::size_t>> counts(classes.size(),
                                               std::vector<std::size_t>(classes.size()));
  for (std::size_t i = 0; i < pair_count(series); ++i) {
    ++counts[index.at(series.x[i])][index.at(series.y[i])];
  }
  return counts;
}

// White for 0, k_palette[0] for `share` 1.
std::string
shade(double share)
{
  auto mix = [share](int full) {
    return static_cast<int>(std::lround(255 + (full - 255) * share));
  };
  std::array<char, 8> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "#%02x%02x%02x", mix(0x4e), mix(0x79),
                mix(0xa7));
  return buffer.data();
}

struct MatrixLayout
{
  double cell = 0;
  double side = 0;          // of the grid
  double row_labels = 0;    // width left of the grid
  double column_labels = 0; // height below the grid
  bool slanted_columns = false;
  double grid_offset = 0; // from the panel's left edge to the grid's
  double panel_width = 0;
  double grid_top = 0;
  // The captions naming each matrix (its revision, file or field), above it.
  std::vector<FittedText> captions;
};

// Every panel is as wide as the widest caption or x-axis title needs (up to
// k_max_caption_width; longer text is wrapped, then shortened), so that the
// captions of neighbouring matrices never meet.
MatrixLayout
matrix_layout(const Chart& chart, const std::vector<std::string>& classes)
{
  MatrixLayout layout;
  auto count = static_cast<double>(std::max<std::size_t>(1, classes.size()));
  layout.cell = std::clamp(320 / count, 14.0, 60.0);
  layout.side = layout.cell * count;
  double label_width = widest(classes);
  layout.row_labels = label_width + 10;
  layout.slanted_columns = label_width > layout.cell - 4;
  layout.column_labels =
      layout.slanted_columns ? std::min(label_width * 0.65, k_max_slant_height) + 12 : 20;

  double text_width =
      std::min(k_max_caption_width, estimated_width(chart.x_label, k_label_size));
  std::size_t lines = 1;
  for (const auto& series : chart.series) {
    auto fitted =
        fit_text(series.label, k_caption_size, k_max_caption_width, k_max_caption_lines);
    for (const auto& line : fitted.lines) {
      text_width = std::max(text_width, estimated_width(line, k_caption_size));
    }
    lines = std::max(lines, fitted.lines.size());
    layout.captions.push_back(std::move(fitted));
  }
  // Left of the grid: the y-axis title and the row labels; right: a margin.
  double left = 24 + layout.row_labels;
  double right = 40;
  double half = text_width / 2 + 8;
  double extra_left = std::max(0.0, half - (left + layout.side / 2));
  double extra_right = std::max(0.0, half - (layout.side / 2 + right));
  layout.grid_offset = extra_left + left;
  layout.panel_width = extra_left + left + layout.side + right + extra_right;
  layout.grid_top = 70 + static_cast<double>(lines - 1) * k_caption_line;
  return layout;
}

void
draw_cells(std::ostream& out,
           const std::vector<std::vector<std::size_t>>& counts,
           const MatrixLayout& layout,
           double left)
{
  std::size_t most = 0;
  for (const auto& row : counts) {
    most = std::max(most, *std::max_element(row.begin(), row.end()));
  }
  double font_size = std::min(12.0, layout.cell * 0.4);
  for (std::size_t actual = 0; actual < counts.size(); ++actual) {
    for (std::size_t predicted = 0; predicted < counts.size(); ++predicted) {
      std::size_t count = counts[actual][predicted];
      double share =
          most == 0 ? 0 : static_cast<double>(count) / static_cast<double>(most);
      // As DVC draws it: the x field (actual) across, the y field down.
      double x = left + static_cast<double>(actual) * layout.cell;
      double y = layout.grid_top + static_cast<double>(predicted) * layout.cell;
      out << "<rect x=\"" << px(x) << "\" y=\"" << px(y) << "\" width=\""
          << px(layout.cell) << "\" height=\"" << px(layout.cell) << "\" fill=\""
          << shade(share) << "\" stroke=\"#ddd\"/>\n";
      std::string colour = share > 0.5 ? "white" : "#333";
      out << text_at(x + layout.cell / 2, y + layout.cell / 2 + font_size * 0.35,
                     " text-anchor=\"middle\" font-size=\"" + px(font_size) +
                         "\" fill=\"" + colour + "\"",
                     std::to_string(count));
    }
  }
}

void
draw_class_labels(std::ostream& out,
                  const std::vector<std::string>& classes,
                  const MatrixLayout& layout,
                  double left)
{
  out << "<g class=\"classes\" font-size=\"11\" fill=\"#444\">\n";
  double bottom = layout.grid_top + layout.side;
  for (std::size_t i = 0; i < classes.size(); ++i) {
    double centre = static_cast<double>(i) * layout.cell + layout.cell / 2;
    out << text_at(left - 6, layout.grid_top + centre + 4, " text-anchor=\"end\"",
                   classes[i]);
    if (layout.slanted_columns) {
      double x = left + centre;
      double y = bottom + 14;
      out << text_at(x, y, " text-anchor=\"end\"" + rotation(k_slant_angle, x, y),
                     classes[i]);
    } else {
      out << text_at(left + centre, bottom + 16, " text-anchor=\"middle\"", classes[i]);
    }
  }
  out << "</g>\n";
}

double
panel_left(const MatrixLayout& layout, std::size_t index)
{
  return 10 + static_cast<double>(index) * layout.panel_width;
}

void
draw_matrix(std::ostream& out,
            const Chart& chart,
            std::size_t index,
            const std::vector<std::string>& classes,
            const MatrixLayout& layout)
{
  double left = panel_left(layout, index);
  double grid_left = left + layout.grid_offset;
  double grid_bottom = layout.grid_top + layout.side;
  const auto& series = chart.series[index];
  out << "<g class=\"series\" data-label=\"" << escape(series.label) << "\">\n";
  out << "<rect x=\"" << px(grid_left) << "\" y=\"" << px(layout.grid_top)
      << "\" width=\"" << px(layout.side) << "\" height=\"" << px(layout.side)
      << "\" fill=\"none\" stroke=\"#bbb\"/>\n";
  draw_cells(out, count_pairs(series, classes), layout, grid_left);
  draw_class_labels(out, classes, layout, grid_left);
  draw_x_label(out, chart.x_label, grid_left + layout.side / 2,
               grid_bottom + layout.column_labels + 16, k_max_caption_width);
  draw_y_label(out, chart.y_label, grid_left - layout.row_labels - 12,
               layout.grid_top + layout.side / 2, layout.side + layout.column_labels);
  out << "</g>\n";
}

// The captions above the matrices name the series, so they are the legend.
void
draw_captions(std::ostream& out, const Chart& chart, const MatrixLayout& layout)
{
  out << "<g class=\"legend\" font-size=\"13\" fill=\"#222\">\n";
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    // The last line of each caption 10 px above the grid.
    const auto& fitted = layout.captions[i];
    double lines_above = static_cast<double>(fitted.lines.size() - 1) * k_caption_line;
    double grid_left = panel_left(layout, i) + layout.grid_offset;
    out << fitted_text_at(grid_left + layout.side / 2, layout.grid_top - 10 - lines_above,
                          " text-anchor=\"middle\"", chart.series[i].label, fitted,
                          k_caption_line);
  }
  out << "</g>\n";
}

std::string
render_confusion(const Chart& chart)
{
  auto classes = classes_of(chart.series);
  MatrixLayout layout = matrix_layout(chart, classes);
  // Wide enough for the title too, up to a page's width.
  double title_width = std::min(1000.0, estimated_width(chart.title, 16 * 1.1) + 40);
  double width =
      std::max({400.0, title_width,
                20 + static_cast<double>(chart.series.size()) * layout.panel_width});
  double height = layout.grid_top + layout.side + layout.column_labels + 36;

  std::ostringstream out;
  draw_title(out, chart.title, width / 2, width - 20);
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    draw_matrix(out, chart, i, classes, layout);
  }
  draw_captions(out, chart, layout);
  return svg_document(width, height, out.str());
}

// The page may show inline SVG and data: images and use its own style, and
// nothing else: no script runs even if something slipped through.
constexpr std::string_view k_page_security =
    R"(<meta http-equiv="Content-Security-Policy" content="default-src 'none'; )"
    R"(img-src data:; style-src 'unsafe-inline'">)"
    "\n";

constexpr std::string_view k_page_style = R"(<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
section { margin-bottom: 2.5em; }
h2 { font-size: 1.1em; }
svg { max-width: 100%; height: auto; }
.images { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
.images figure { margin: 0; max-width: 100%; }
.images img { display: block; max-width: 100%; height: auto; border: 1px solid #ddd; }
.images figcaption { font-size: 0.9em; margin-top: 0.4em; overflow-wrap: anywhere; }
</style>
)";

std::string
base64(std::string_view bytes)
{
  static constexpr std::string_view digits =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i]))
                          << 16;
    if (i + 1 < bytes.size()) {
      group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    }
    if (i + 2 < bytes.size()) {
      group |= static_cast<unsigned char>(bytes[i + 2]);
    }
    out += digits[(group >> 18) & 63];
    out += digits[(group >> 12) & 63];
    out += i + 1 < bytes.size() ? digits[(group >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? digits[group & 63] : '=';
  }
  return out;
}

// Each picture with its revision under it, side by side. The bytes go in
// as base64 under a media type trove chose, so that nothing in them is
// ever read as markup.
std::string
render_images(const Chart& chart)
{
  std::string html = "<div class=\"images\">\n";
  for (const auto& image : chart.images) {
    html += "<figure data-label=\"" + escape(image.label) +
            "\"><img src=\"data:" + image.media_type + ";base64," + base64(image.bytes) +
            "\" alt=\"" + escape(chart.title + " (" + image.label + ")") +
            "\"><figcaption>" + escape(image.label) + "</figcaption></figure>\n";
  }
  return html + "</div>\n";
}

std::string
file_safe(std::string_view text)
{
  std::string safe;
  for (char c : text) {
    safe += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_';
  }
  return safe;
}

} // namespace

std::string
render_svg(const Chart& chart)
{
  if (!chart.images.empty()) {
    throw Error("plot '" + chart.title + "' is an image plot: it has no SVG chart");
  }
  return chart.kind == Template::confusion ? render_confusion(chart) : render_xy(chart);
}

std::string
render_html(const std::string& title, const std::vector<Chart>& charts)
{
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       << k_page_security << "<title>" << escape(title) << "</title>\n"
       << k_page_style << "</head>\n<body>\n<h1>" << escape(title) << "</h1>\n";
  for (const auto& chart : charts) {
    html << "<section id=\"" << escape(chart.name) << "\">\n<h2>"
         << escape(chart.title.empty() ? chart.name : chart.title) << "</h2>\n"
         << (chart.images.empty() ? render_svg(chart) : render_images(chart))
         << "</section>\n";
  }
  html << "</body>\n</html>\n";
  return html.str();
}

std::string
image_media_type(const std::string& path)
{
  auto dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos) {
    return "";
  }
  std::string extension;
  for (char c : path.substr(dot + 1)) {
    extension += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  static const std::map<std::string, std::string> k_types = {
      {"png", "image/png"}, {"jpg", "image/jpeg"},    {"jpeg", "image/jpeg"},
      {"gif", "image/gif"}, {"svg", "image/svg+xml"},
  };
  auto it = k_types.find(extension);
  return it == k_types.end() ? "" : it->second;
}

std::vector<std::string>
chart_files(const Chart& chart)
{
  if (chart.images.empty()) {
    return {chart.name + ".svg"};
  }
  std::vector<std::string> files;
  for (const auto& image : chart.images) {
    files.push_back(file_safe(image.label) + "_" + chart.name);
  }
  return files;
}

Template
template_named(const std::string& name)
{
  // DVC's "simple" and "confusion_normalized" are accepted as their nearest.
  static const std::map<std::string, Template> k_templates = {
      {"linear", Template::linear},       {"simple", Template::linear},
      {"scatter", Template::scatter},     {"bar", Template::bar},
      {"confusion", Template::confusion}, {"confusion_normalized", Template::confusion},
      {"smooth", Template::smooth},
  };
  if (auto it = k_templates.find(name); it != k_templates.end()) {
    return it->second;
  }
  throw Error("unknown plot template '" + name +
              "' (expected linear, scatter, bar, confusion or smooth)");
}

} // namespace trove::plots
