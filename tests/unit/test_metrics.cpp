#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

#include <trove/metrics/compare.hpp>
#include <trove/metrics/table.hpp>
#include <trove/metrics/values.hpp>

using namespace trove::metrics;

TEST_SUITE_BEGIN("metrics");

namespace {

FileValues
file(const std::string& path, const std::string& json)
{
  auto document = Value::parse(json);
  return {path, flatten(document), document, {}};
}

} // namespace

TEST_CASE("flatten: nested keys are dotted, lists of mappings indexed, plain lists whole")
{
  auto flat = flatten(Value::parse(
      R"({"train": {"lr": 0.1, "layers": [{"units": 64}, {"units": 32}]}, "sizes": [1, 2], "n": 3})"));
  REQUIRE(flat.size() == 5);
  CHECK(flat[0].first == "train.lr");
  CHECK(flat[1].first == "train.layers.0.units");
  CHECK(flat[1].second == 64);
  CHECK(flat[2].first == "train.layers.1.units");
  CHECK(flat[3].first == "sizes");
  CHECK(flat[3].second == Value::parse("[1, 2]"));
  CHECK(flat[4].first == "n");
  CHECK(flatten(Value(3)).empty()); // a bare number is not a metrics file
}

TEST_CASE("display: ints as written, floats with significant digits")
{
  CHECK(display(Value(12), 5) == "12");
  CHECK(display(Value(0.123456789), 5) == "0.12346");
  CHECK(display(Value(0.123456789), 3) == "0.123");
  CHECK(display(Value(1e-7), 5) == "1e-07");
  CHECK(display(Value("adam"), 5) == "adam");
  CHECK(display(Value(true), 5) == "true");
  CHECK(display(Value::parse("[1, 2]"), 5) == "[1,2]");
}

TEST_CASE("difference keeps ints as ints and refuses non-numbers")
{
  auto ints = difference(Value(10), Value(12));
  REQUIRE(ints);
  CHECK(ints->is_number_integer());
  CHECK(*ints == 2);
  auto floats = difference(Value(0.5), Value(1));
  REQUIRE(floats);
  CHECK(floats->is_number_float());
  CHECK(*floats == doctest::Approx(0.5));
  CHECK(!difference(Value("a"), Value(1)));
  CHECK(!difference(Value(true), Value(false)));
}

TEST_CASE("difference falls back to doubles where int64 cannot hold it")
{
  auto far = difference(Value(1), Value(std::numeric_limits<std::int64_t>::min()));
  REQUIRE(far);
  CHECK(far->is_number_float());
  CHECK(*far == doctest::Approx(-9.223372036854775808e18));
  auto huge = difference(Value(std::uint64_t(18446744073709551615ULL)), Value(0));
  REQUIRE(huge);
  CHECK(huge->get<double>() == doctest::Approx(-1.8446744073709552e19));
  auto exact = difference(Value(std::uint64_t(5)), Value(std::int64_t(-2)));
  REQUIRE(exact);
  CHECK(*exact == -7);
}

TEST_CASE("compare: changed, added and removed keys; unchanged only with --all")
{
  std::vector<FileValues> a{file("m.json", R"({"auc": 0.8, "loss": 0.5, "old": 1})")};
  std::vector<FileValues> b{file("m.json", R"({"auc": 0.9, "loss": 0.5, "new": 2})")};
  auto changes = compare(a, b, false);
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].key == "auc");
  CHECK(changes[1].key == "old");
  CHECK(!changes[1].new_value);
  CHECK(changes[2].key == "new");
  CHECK(!changes[2].old_value);
  CHECK(compare(a, b, true).size() == 4);
  // 0.2 and 0.20 are one value.
  CHECK(compare({file("p.json", R"({"lr": 0.2})")}, {file("p.json", R"({"lr": 0.20})")},
                false)
            .empty());
}

TEST_CASE("compare ignores a file that could not be read")
{
  FileValues broken{"m.json", {}, nullptr, "m.json: not valid JSON"};
  auto changes = compare({broken}, {file("m.json", R"({"auc": 1})")}, false);
  REQUIRE(changes.size() == 1);
  CHECK(!changes[0].old_value);
}

TEST_CASE("diff_table and diff_json")
{
  auto changes =
      compare({file("m.json", R"({"n": 10, "auc": 0.5, "name": "a"})")},
              {file("m.json", R"({"n": 12, "auc": 0.75, "name": "b"})")}, false);
  auto table = diff_table(changes, "Metric", "HEAD", "workspace", true, 5);
  CHECK(table.header ==
        std::vector<std::string>{"Path", "Metric", "HEAD", "workspace", "Change"});
  REQUIRE(table.rows.size() == 3);
  CHECK(table.rows[0] == std::vector<std::string>{"m.json", "n", "10", "12", "2"});
  CHECK(table.rows[1] ==
        std::vector<std::string>{"m.json", "auc", "0.5", "0.75", "0.25"});
  CHECK(table.rows[2] == std::vector<std::string>{"m.json", "name", "a", "b", "-"});
  auto json = diff_json(changes);
  CHECK(json["m.json"]["n"]["diff"] == 2);
  CHECK(!json["m.json"]["name"].contains("diff"));
  CHECK(json["m.json"]["name"]["old"] == "a");
}

TEST_CASE("show_table: a row per revision and file, - where a key is missing")
{
  std::vector<RevisionValues> revisions{
      {{"workspace", std::nullopt}, {file("m.json", R"({"auc": 0.9, "new": 1})")}, {}},
      {{"v1", std::string(40, 'a')}, {file("m.json", R"({"auc": 0.8})")}, {}},
      {{"abc1234", std::string(40, 'b')}, {}, {}},
  };
  auto table = show_table(revisions, 5);
  CHECK(table.header == std::vector<std::string>{"Revision", "Path", "auc", "new"});
  REQUIRE(table.rows.size() == 3);
  CHECK(table.rows[1] == std::vector<std::string>{"v1", "m.json", "0.8", "-"});
  CHECK(table.rows[2] == std::vector<std::string>{"abc1234", "-", "-", "-"});
  auto json = show_json(revisions);
  CHECK(json[0]["commit"].is_null());
  CHECK(json[1]["files"]["m.json"]["auc"] == 0.8);
}

TEST_CASE("render: aligned text, GitHub markdown, CSV")
{
  Table table{{"Path", "Metric"}, {{"m.json", "a|b"}, {"x,y", "q\"uote"}}};
  CHECK(render(table, TableFormat::text) ==
        "Path    Metric\nm.json  a|b\nx,y     q\"uote\n");
  CHECK(render(table, TableFormat::markdown) ==
        "| Path   | Metric |\n|--------|--------|\n| m.json | a\\|b   |\n| x,y    | "
        "q\"uote |\n");
  CHECK(render(table, TableFormat::csv) ==
        "Path,Metric\nm.json,a|b\n\"x,y\",\"q\"\"uote\"\n");
}

TEST_SUITE_END();
