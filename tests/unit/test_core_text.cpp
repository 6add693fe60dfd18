#include "scratch.hpp"

#include <trove/core/text.hpp>

using namespace trove::core;

TEST_SUITE_BEGIN("core::text");

TEST_CASE("trim strips the given blanks at both ends only")
{
  CHECK(trim("  a b \t\r") == "a b");
  CHECK(trim("\r\n") == "\n"); // '\n' is not a blank by default
  CHECK(trim(" \t ").empty());
  CHECK(trim("").empty());
  CHECK(trim("x") == "x");
  CHECK(trim(" a\r ", " \t") == "a\r"); // SigV4 header values: spaces and tabs
}

TEST_CASE("split and split_lines")
{
  CHECK(split("a,,b", ',') == std::vector<std::string>{"a", "b"});
  CHECK(split_lines("a\n\nb") == std::vector<std::string>{"a", "", "b"});
  CHECK(join_lines({"a", "b"}) == "a\nb\n");
}

TEST_SUITE_END();
