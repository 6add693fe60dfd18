#include <doctest/doctest.h>

#include <trove/core/error.hpp>
#include <trove/plots/chart.hpp>

#include <regex>
#include <string>

using namespace trove::plots;

TEST_SUITE_BEGIN("plots::chart");

namespace {

std::size_t
count_of(const std::string& text, const std::string& part)
{
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos;
       at = text.find(part, at + part.size())) {
    ++count;
  }
  return count;
}

bool
contains(const std::string& text, const std::string& part)
{
  return text.find(part) != std::string::npos;
}

// The marks drawn for the series labelled `label`.
std::string
series_group(const std::string& svg, const std::string& label)
{
  auto start = svg.find("<g class=\"series\" data-label=\"" + label + "\">");
  REQUIRE(start != std::string::npos);
  auto end = svg.find("</g>\n<g class=", start);
  return svg.substr(start, end - start);
}

Chart
loss_chart()
{
  return {"loss",
          "Loss",
          "step",
          "loss",
          Template::linear,
          {{"workspace", {"0", "1", "2"}, {"1", "0.5", "0"}},
           {"main", {"0", "1", "2"}, {"0.9", "0.4", "0.1"}}},
          {}};
}

} // namespace

TEST_CASE("render_svg: a standalone document with title, axis labels and legend")
{
  auto svg = render_svg(loss_chart());
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(contains(svg, "viewBox=\"0 0 "));
  CHECK(svg.ends_with("</svg>\n"));
  CHECK(contains(svg, "class=\"title\""));
  CHECK(contains(svg, ">Loss</text>"));
  CHECK(contains(svg, "class=\"x-label\""));
  CHECK(contains(svg, ">step</text>"));
  CHECK(contains(svg, "class=\"y-label\""));
  CHECK(contains(svg, ">loss</text>"));
  CHECK(contains(svg, "rotate(-90"));
  auto legend = svg.substr(svg.find("<g class=\"legend\""));
  CHECK(contains(legend, ">workspace</text>"));
  CHECK(contains(legend, ">main</text>"));
  CHECK(contains(series_group(svg, "workspace"), "<polyline"));
}

TEST_CASE("render_svg: empty axis labels are left out")
{
  auto chart = loss_chart();
  chart.x_label.clear();
  chart.y_label.clear();
  auto svg = render_svg(chart);
  CHECK_FALSE(contains(svg, "x-label"));
  CHECK_FALSE(contains(svg, "y-label"));
}

TEST_CASE("render_svg: a numeric axis has round tick labels")
{
  Chart chart{
      "c", "", "", "", Template::linear, {{"s", {"0", "0.3", "1"}, {"0", "0.3", "1"}}},
      {}};
  auto svg = render_svg(chart);
  CHECK(contains(svg, ">0</text>"));
  CHECK(contains(svg, ">0.2</text>"));
  CHECK(contains(svg, ">0.6</text>"));
  CHECK(contains(svg, ">1</text>"));
  CHECK_FALSE(contains(svg, "0000"));

  chart.series[0].y = {"-250", "1200", "3"};
  svg = render_svg(chart);
  CHECK(contains(svg, ">-500</text>"));
  CHECK(contains(svg, ">1500</text>"));
}

TEST_CASE("render_svg: numeric points are drawn in x order")
{
  Chart chart{
      "c", "", "", "", Template::linear, {{"s", {"2", "0", "1"}, {"5", "3", "4"}}}, {}};
  auto line = series_group(render_svg(chart), "s");
  // x 0..2 maps onto the plot area from left to right.
  CHECK(contains(line, "points=\"70,"));
  CHECK(line.find("620,") > line.find("70,"));
}

TEST_CASE("render_svg: a categorical x axis shows the categories in first-seen order")
{
  Chart chart{"c",
              "",
              "",
              "",
              Template::linear,
              {{"a", {"train", "val"}, {"1", "2"}}, {"b", {"val", "test"}, {"3", "4"}}},
              {}};
  auto svg = render_svg(chart);
  auto train = svg.find(">train</text>");
  auto val = svg.find(">val</text>");
  auto test = svg.find(">test</text>");
  REQUIRE(test != std::string::npos);
  CHECK(train < val);
  CHECK(val < test);
  CHECK(count_of(svg, ">val</text>") == 1);
}

TEST_CASE("render_svg: points whose values do not parse are dropped")
{
  Chart chart{"c",
              "",
              "",
              "",
              Template::scatter,
              {{"s", {"1", "2", "3", "4"}, {"1", "oops", "", "4"}}},
              {}};
  auto svg = render_svg(chart);
  CHECK(count_of(series_group(svg, "s"), "<circle") == 2);
  CHECK_FALSE(contains(svg, "oops"));
  CHECK_FALSE(contains(svg, "nan"));
}

TEST_CASE("render_svg: empty series and charts still have axes and a legend")
{
  Chart chart{"c", "Nothing", "x", "y", Template::linear, {{"empty", {}, {}}}, {}};
  for (auto kind : {Template::linear, Template::scatter, Template::bar, Template::smooth,
                    Template::confusion}) {
    chart.kind = kind;
    auto svg = render_svg(chart);
    CHECK(svg.rfind("<svg", 0) == 0);
    CHECK(contains(svg, "<g class=\"legend\""));
    CHECK(contains(svg, ">empty</text>"));
    CHECK_FALSE(contains(svg, "nan"));
  }
  chart.kind = Template::linear;
  chart.series.clear();
  auto svg = render_svg(chart);
  CHECK(contains(svg, ">0</text>"));
  CHECK(contains(svg, ">1</text>"));
  CHECK(contains(svg, "<g class=\"legend\""));
}

TEST_CASE("render_svg: bars are grouped by category and start at zero")
{
  Chart chart{"c",
              "",
              "",
              "",
              Template::bar,
              {{"a", {"1", "2"}, {"5", "10"}}, {"b", {"1", "3"}, {"6", "7"}}},
              {}};
  auto svg = render_svg(chart);
  CHECK(count_of(series_group(svg, "a"), "<rect") == 2);
  CHECK(count_of(series_group(svg, "b"), "<rect") == 2);
  // Numbers are categories for bars, and the y axis reaches down to 0.
  CHECK(contains(svg, ">3</text>"));
  CHECK(contains(svg, ">0</text>"));
}

TEST_CASE("render_svg: smooth draws the raw series faintly under the smoothed one")
{
  Chart chart{"c",
              "",
              "",
              "",
              Template::smooth,
              {{"s", {"0", "1", "2", "3"}, {"0", "4", "0", "4"}}},
              {}};
  auto line = series_group(render_svg(chart), "s");
  CHECK(count_of(line, "<polyline") == 2);
  CHECK(contains(line, "stroke-opacity"));
}

TEST_CASE("render_svg: confusion counts actual/predicted pairs")
{
  Chart chart{"c",
              "Confusion",
              "predicted",
              "actual",
              Template::confusion,
              {{"workspace", {"a", "a", "b", "b", "b"}, {"a", "b", "b", "b", "a"}}},
              {}};
  auto svg = render_svg(chart);
  CHECK(count_of(svg, ">2</text>") == 1);
  CHECK(count_of(svg, ">1</text>") == 3);
  CHECK(count_of(svg, ">a</text>") == 2); // row and column
  CHECK(count_of(svg, ">b</text>") == 2);
  CHECK(contains(svg, ">predicted</text>"));
  CHECK(contains(svg, ">actual</text>"));
  CHECK(contains(svg.substr(svg.find("<g class=\"legend\"")), ">workspace</text>"));
}

TEST_CASE("render_svg: several confusion matrices side by side")
{
  Chart chart{"c",
              "",
              "",
              "",
              Template::confusion,
              {{"workspace", {"1", "10", "2"}, {"1", "2", "2"}},
               {"main", {"1", "10"}, {"10", "10"}}},
              {}};
  auto svg = render_svg(chart);
  CHECK(count_of(svg, "<g class=\"series\"") == 2);
  auto legend = svg.substr(svg.find("<g class=\"legend\""));
  CHECK(contains(legend, ">workspace</text>"));
  CHECK(contains(legend, ">main</text>"));
  // Numeric classes sort by value: 1, 2, 10.
  auto matrix = series_group(svg, "workspace");
  CHECK(matrix.find(">2</text>") < matrix.find(">10</text>"));
}

TEST_CASE("render_svg: user text is escaped")
{
  Chart chart{"c", "<&> 'q'", "x<", "y>", Template::linear, {{"a\"b", {"<cat>"}, {"1"}}},
              {}};
  auto svg = render_svg(chart);
  CHECK(contains(svg, ">&lt;&amp;&gt; &#39;q&#39;</text>"));
  CHECK(contains(svg, "data-label=\"a&quot;b\""));
  CHECK(contains(svg, ">&lt;cat&gt;</text>"));
  CHECK_FALSE(contains(svg, "<&>"));
  CHECK_FALSE(contains(svg, "<cat>"));
}

TEST_CASE("render_svg: the same chart gives the same bytes, coordinates rounded")
{
  Chart chart{"c",
              "",
              "",
              "",
              Template::linear,
              {{"s", {"0", "0.333333", "0.7"}, {"0.1", "0.123456789", "2"}}},
              {}};
  auto svg = render_svg(chart);
  CHECK(svg == render_svg(chart));
  CHECK_FALSE(std::regex_search(svg, std::regex(R"(="[^"]*\d\.\d{3})")));
}

TEST_CASE("render_html: one self-contained page with every chart inline")
{
  auto bars = loss_chart();
  bars.name = "bars";
  bars.kind = Template::bar;
  std::vector<Chart> charts = {loss_chart(), bars};
  auto html = render_html("Plots <x>", charts);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(contains(html, "<meta charset=\"utf-8\">"));
  CHECK(contains(html, "<title>Plots &lt;x&gt;</title>"));
  CHECK(contains(html, "<section id=\"loss\">"));
  CHECK(contains(html, "<section id=\"bars\">"));
  for (const auto& chart : charts) {
    CHECK(contains(html, render_svg(chart)));
  }
  CHECK_FALSE(contains(html, "<script"));
  CHECK_FALSE(contains(html, "<link"));
  CHECK(count_of(html, "http") - count_of(html, "http-equiv") ==
        count_of(html, "http://www.w3.org/2000/svg"));
  // A policy that would stop a script or a fetch that slipped in.
  CHECK(contains(html,
                 "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                 "'none'; img-src data:; style-src 'unsafe-inline'\">"));
}

TEST_CASE("render_html: an image plot's pictures as base64 data: URIs, side by side")
{
  Chart images{"eval_cm.svg", "eval/cm.svg", "", "", Template::linear, {}, {}};
  // SVG markup, and bytes that are not text: embedded, never inline.
  images.images = {{"v1 <old>", "image/svg+xml", "<svg><script>alert(1)</script></svg>"},
                   {"main", "image/png", std::string("\x89PNG\r\n\x1a\n\0\xff", 10)}};
  auto html = render_html("Plots", {images});
  CHECK(contains(html,
                 "<figure data-label=\"v1 &lt;old&gt;\"><img src=\"data:image/svg+xml;"
                 "base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+\""));
  CHECK(contains(html, "<img src=\"data:image/png;base64,iVBORw0KGgoA/w==\""));
  CHECK(contains(html, "<figcaption>main</figcaption>"));
  CHECK_FALSE(contains(html, "<script"));
  CHECK_FALSE(contains(html, "<svg"));
  CHECK_THROWS_WITH_AS(render_svg(images), doctest::Contains("image plot"), trove::Error);
  CHECK(chart_files(images) ==
        std::vector<std::string>{"v1__old__eval_cm.svg", "main_eval_cm.svg"});
  CHECK(chart_files(loss_chart()) == std::vector<std::string>{"loss.svg"});
}

TEST_CASE("image_media_type: by extension, in any letter case")
{
  CHECK(image_media_type("a/b.png") == "image/png");
  CHECK(image_media_type("B.JPG") == "image/jpeg");
  CHECK(image_media_type("c.jpeg") == "image/jpeg");
  CHECK(image_media_type("d.gif") == "image/gif");
  CHECK(image_media_type("e.svg") == "image/svg+xml");
  CHECK(image_media_type("f.csv").empty());
  CHECK(image_media_type("png").empty());
  CHECK(image_media_type("g.png/data.tsv").empty());
}

TEST_CASE(
    "confusion matrices side by side: long captions wrapped into panels wide enough")
{
  std::string long_path =
      "evaluation/results/split-test/confusion_matrix_for_the_test_split.json";
  Chart chart{"cm",
              "Confusion",
              "actual",
              "predicted",
              Template::confusion,
              {{"HEAD: " + long_path, {"a", "b"}, {"a", "a"}},
               {"workspace: " + long_path, {"a", "b"}, {"b", "b"}}},
              {}};
  auto svg = render_svg(chart);
  // The whole caption in a <title>, its lines as <tspan>s, no line too long.
  CHECK(contains(svg, "<title>HEAD: " + long_path + "</title>"));
  CHECK(contains(svg, "<title>workspace: " + long_path + "</title>"));
  std::smatch match;
  std::regex tspan(R"re(<tspan x="([0-9.]+)" dy="[0-9.]+">([^<]*)</tspan>)re");
  std::vector<double> centres;
  for (auto it = svg.cbegin(); std::regex_search(it, svg.cend(), match, tspan);
       it = match.suffix().first) {
    CHECK(match[2].length() < 40);
    centres.push_back(std::stod(match[1]));
  }
  REQUIRE(centres.size() >= 4);
  // The two captions' centres are at least the widest line apart.
  CHECK(centres.back() - centres.front() >= 240);
  // Both axis titles on each matrix.
  CHECK(count_of(svg, "class=\"y-label\"") == 2);
  CHECK(count_of(svg, "class=\"x-label\"") == 2);
}

TEST_CASE("a caption too long for three lines ends with an ellipsis")
{
  std::string label(400, 'x');
  Chart chart{"cm", "", "a", "p", Template::confusion, {{label, {"a"}, {"a"}}}, {}};
  auto svg = render_svg(chart);
  CHECK(contains(svg, "<title>" + label + "</title>"));
  CHECK(contains(svg, "…</tspan>"));
  CHECK(count_of(svg, "<tspan") == 3);
}

TEST_CASE("template_named")
{
  CHECK(template_named("linear") == Template::linear);
  CHECK(template_named("scatter") == Template::scatter);
  CHECK(template_named("bar") == Template::bar);
  CHECK(template_named("confusion") == Template::confusion);
  CHECK(template_named("smooth") == Template::smooth);
  CHECK(template_named("simple") == Template::linear);
  CHECK(template_named("confusion_normalized") == Template::confusion);
  CHECK_THROWS_WITH_AS(template_named("pie"),
                       doctest::Contains("unknown plot template 'pie'"), trove::Error);
}

TEST_SUITE_END();
