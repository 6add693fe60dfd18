#include <doctest/doctest.h>

#include <trove/core/error.hpp>
#include <trove/core/yaml_error.hpp>

#include <yaml-cpp/yaml.h>

using namespace trove;

TEST_SUITE_BEGIN("core::parse_yaml");

namespace {

// Block mappings nested `levels` deep, the innermost holding `a: 1`.
std::string
nested_maps(int levels, const std::string& extra = "")
{
  std::string text = extra;
  for (int i = 0; i < levels - 1; ++i) {
    text += std::string(std::size_t(i) * 2, ' ') + "k" + std::to_string(i) + ":\n";
  }
  return text + std::string(std::size_t(levels - 1) * 2, ' ') + "a: 1\n";
}

} // namespace

// Documents without '&' are checked as trees after loading, the others on
// the parser's events: every case runs both ways (an anchor on a scalar
// changes nothing else).
TEST_CASE("duplicate keys name the second one, with and without anchors")
{
  for (std::string anchor : {"", "z: &z 1\n"}) {
    CAPTURE(anchor);
    auto line = [&](int n) { return std::to_string(n + (anchor.empty() ? 0 : 1)); };
    CHECK_THROWS_WITH_AS(
        core::parse_yaml(anchor + "a: 1\nb: 2\na: 3\n", "f.yaml"),
        ("f.yaml:" + line(3) + ":1: duplicate key 'a' (first at line " + line(1) + ")")
            .c_str(),
        Error);
    CHECK_THROWS_WITH_AS(
        core::parse_yaml(anchor + "s:\n  t:\n    x: 1\n    'x': 2\n", "f.yaml"),
        doctest::Contains((":" + line(4) + ":5: duplicate key 'x'").c_str()), Error);
    CHECK_THROWS_WITH_AS(core::parse_yaml(anchor + "l: [{a: 1, a: 2}]\n", "f.yaml"),
                         doctest::Contains("duplicate key 'a'"), Error);
    CHECK_THROWS_WITH_AS(core::parse_yaml(anchor + "~: 1\nnull: 2\n", "f.yaml"),
                         doctest::Contains("duplicate key 'null'"), Error);
    // The same key in different mappings, and equal values, are fine.
    CHECK_NOTHROW(
        core::parse_yaml(anchor + "a: {x: 1}\nb: {x: 1}\nc: [x, x]\n", "f.yaml"));
  }
}

TEST_CASE("an alias may be a duplicate key too")
{
  CHECK_THROWS_WITH_AS(core::parse_yaml("k: &k a\nm: {a: 1, *k : 2}\n", "f.yaml"),
                       doctest::Contains("f.yaml:2:11: duplicate key 'a'"), Error);
}

TEST_CASE("nesting is limited, in block and flow style, with and without anchors")
{
  const int limit = core::k_max_nesting;
  for (std::string anchor : {"", "z: &z 1\n"}) {
    CAPTURE(anchor);
    CHECK_NOTHROW(core::parse_yaml(nested_maps(limit, anchor), "f.yaml"));
    CHECK_THROWS_WITH_AS(core::parse_yaml(nested_maps(limit + 1, anchor), "f.yaml"),
                         doctest::Contains("f.yaml:"), Error);
    CHECK_THROWS_WITH_AS(core::parse_yaml(nested_maps(limit + 1, anchor), "f.yaml"),
                         doctest::Contains(": nested too deeply (more than 256 levels)"),
                         Error);
    // Far beyond yaml-cpp's own guard, whose message is "bad file".
    std::string deep =
        anchor + "a: " + std::string(100000, '[') + std::string(100000, ']');
    CHECK_THROWS_WITH_AS(core::parse_yaml(deep, "f.yaml"),
                         doctest::Contains("nested too deeply (more than 256 levels)"),
                         Error);
    std::string flow = anchor + "a: " + std::string(std::size_t(limit), '[') +
                       std::string(std::size_t(limit), ']');
    CHECK_THROWS_WITH_AS(core::parse_yaml(flow, "f.yaml"),
                         doctest::Contains("nested too deeply"), Error);
  }
}

TEST_CASE("aliases count with what they expand to")
{
  // An alias of a deep node is as deep.
  std::string deep = std::string(200, '[') + std::string(200, ']');
  CHECK_NOTHROW(core::parse_yaml("a: &a " + deep + "\nb: *a\n", "f.yaml"));
  CHECK_THROWS_WITH_AS(core::parse_yaml("a: &a " + deep + "\nb: " + std::string(60, '[') +
                                            "*a" + std::string(60, ']') + "\n",
                                        "f.yaml"),
                       doctest::Contains("f.yaml:2:64: nested too deeply"), Error);
  // Billion laughs.
  std::string laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 8; ++i) {
    std::string list;
    for (int j = 0; j < 10; ++j) {
      list += (j ? ", *a" : "*a") + std::to_string(i - 1);
    }
    laughs += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + list + "]\n";
  }
  CHECK_THROWS_WITH_AS(
      core::parse_yaml(laughs, "f.yaml"),
      doctest::Contains("aliases expand to too many values (more than 100000)"), Error);
  CHECK_THROWS_WITH_AS(core::parse_yaml("a: &a [1, *a]\n", "f.yaml"),
                       "f.yaml:1:11: an alias refers to the node that contains it",
                       Error);
  CHECK_THROWS_WITH_AS(core::parse_yaml("a: &a {b: {c: *a}}\n", "f.yaml"),
                       doctest::Contains("refers to the node that contains it"), Error);
  // Ordinary reuse, and merge keys, are fine.
  auto root =
      core::parse_yaml("base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\nl: [*b, *b]\n", "f.yaml");
  CHECK(root["l"][1]["x"].as<int>() == 1);
}

TEST_CASE("keys and values must be UTF-8 text, with and without anchors")
{
  CHECK_THROWS_WITH_AS(core::parse_yaml("a: [\"x\", \"\xae\"]\n", "f.yaml"),
                       "f.yaml:1:10: byte 0xAE is not UTF-8", Error);
  CHECK_THROWS_WITH_AS(core::parse_yaml("k\xc3: 1\n", "f.yaml"),
                       "f.yaml:1:1: byte 0xC3 is not UTF-8", Error);
  CHECK_THROWS_WITH_AS(core::parse_yaml("a: &x [1]\nb: \"\xef\xbf\xbf\"\n", "f.yaml"),
                       "f.yaml:2:4: U+FFFF is not a character", Error);
  // yaml-cpp decodes UTF-16 input; a noncharacter in it is refused too.
  CHECK_THROWS_WITH_AS(core::parse_yaml(std::string("\x01\x00\xff\xff", 4), "f.yaml"),
                       doctest::Contains("is not a character"), Error);
  CHECK(core::parse_yaml("name: caf\xc3\xa9 \xf0\x9f\x93\x88\n", "f.yaml")["name"]
            .as<std::string>() == "caf\xc3\xa9 \xf0\x9f\x93\x88");
}

TEST_CASE("syntax errors keep their position")
{
  CHECK_THROWS_WITH_AS(core::parse_yaml("a: [1, 2\n", "f.yaml"),
                       doctest::Contains("f.yaml:2:1: end of sequence flow not found"),
                       Error);
  CHECK_THROWS_WITH_AS(core::parse_yaml("a: &x [1, 2\n", "f.yaml"),
                       doctest::Contains("f.yaml:2:1: end of sequence flow not found"),
                       Error);
  CHECK_THROWS_WITH_AS(core::parse_yaml("a: *nowhere\n", "f.yaml"),
                       doctest::Contains("f.yaml:1:4:"), Error);
}

TEST_SUITE_END();
