#include <doctest/doctest.h>

#include <trove/core/error.hpp>
#include <trove/plots/data_table.hpp>

using namespace trove;
using namespace trove::plots;

TEST_SUITE_BEGIN("plots::DataTable");

TEST_CASE("CSV with quoted cells and a blank last line")
{
  auto table = parse_data_table("x,label\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n\n", "d.csv");
  CHECK(table.fields == std::vector<std::string>{"x", "label"});
  CHECK(table.column("x") == std::vector<std::string>{"1", "2"});
  CHECK(table.column("label") == std::vector<std::string>{"a, b", "say \"hi\""});
  CHECK(table.column("missing").empty());
}

TEST_CASE("TSV and CRLF line ends")
{
  auto table = parse_data_table("a\tb\r\n1\t2\r\n", "d.tsv");
  CHECK(table.column("b") == std::vector<std::string>{"2"});
}

TEST_CASE("a row with the wrong number of cells names the line")
{
  CHECK_THROWS_WITH_AS(parse_data_table("a,b\n1,2\n3\n", "d.csv"),
                       "d.csv:3: 1 cells, the header has 2", Error);
  CHECK_THROWS_WITH_AS(parse_data_table("a\n\"open\n", "d.csv"),
                       "d.csv:2: unterminated quoted cell", Error);
}

TEST_CASE("JSON and YAML records, also under one key")
{
  auto json = parse_data_table(R"([{"step": 0, "loss": 0.5}, {"step": 1, "acc": 0.9}])",
                               "d.json");
  CHECK(json.fields == std::vector<std::string>{"step", "loss", "acc"});
  CHECK(json.column("loss") == std::vector<std::string>{"0.5", ""});
  CHECK(json.column("acc") == std::vector<std::string>{"", "0.9"});
  auto yaml = parse_data_table("train:\n  - {x: 1, y: 2}\n  - {x: 2, y: 4}\n", "d.yaml");
  CHECK(yaml.column("y") == std::vector<std::string>{"2", "4"});
  CHECK_THROWS_AS(parse_data_table(R"({"a": 1})", "d.json"), Error);
  CHECK_THROWS_AS(parse_data_table("x", "d.txt"), Error);
}

TEST_SUITE_END();
