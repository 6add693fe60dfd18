#include <doctest/doctest.h>

#include <trove/core/error.hpp>
#include <trove/core/yaml_error.hpp>
#include <trove/pipeline/interpolation.hpp>
#include <trove/pipeline/lock_file.hpp>
#include <trove/pipeline/value.hpp>

#include <yaml-cpp/yaml.h>

#include <cmath>

using namespace trove;
using namespace trove::pipeline;

TEST_SUITE_BEGIN("pipeline::Value");

namespace {

Value
yaml(const std::string& text)
{
  return to_value(core::parse_yaml(text, "test.yaml"));
}

std::string
interpolated(const std::string& text, const Value& vars, bool in_cmd = false)
{
  Scopes scopes;
  scopes.push(&vars);
  auto value = interpolate(text, scopes, in_cmd, "t.yaml:1:1");
  return value.is_string() ? value.get<std::string>() : value.dump();
}

} // namespace

TEST_CASE("YAML scalars get the types DVC's loader gives them")
{
  auto v = yaml("i: 3\nf: 0.20\ne: 1e-3\nb: true\nn: ~\ns: '3'\nw: hello\nv: 1.2.3\n");
  CHECK(v["i"].is_number_integer());
  CHECK(v["f"].get<double>() == doctest::Approx(0.2));
  CHECK(v["e"].is_number_float());
  CHECK(v["b"] == true);
  CHECK(v["n"].is_null());
  CHECK(v["s"] == "3");
  CHECK(v["w"] == "hello");
  CHECK(v["v"] == "1.2.3");
  // 0.2 and 0.20 are the same param value.
  CHECK(yaml("x: 0.2")["x"] == yaml("x: 0.20")["x"]);
}

TEST_CASE("merge keys apply, explicit keys win")
{
  auto v = yaml("base: &b {lr: 1, epochs: 5}\n"
                "run:\n  <<: *b\n  lr: 2\n");
  CHECK(v["run"]["lr"] == 2);
  CHECK(v["run"]["epochs"] == 5);
  auto many = yaml("a: &a {x: 1}\nb: &b {x: 2, y: 3}\nc:\n  <<: [*a, *b]\n");
  CHECK(many["c"]["x"] == 1); // the first merge wins
  CHECK(many["c"]["y"] == 3);
}

TEST_CASE("values print as DVC (Python) prints them")
{
  CHECK(to_display_string(Value(0.0001)) == "0.0001");
  CHECK(to_display_string(Value(1e-5)) == "1e-05");
  CHECK(to_display_string(Value(3.0)) == "3.0");
  CHECK(to_display_string(Value(1e16)) == "1e+16");
  CHECK(to_display_string(Value(true)) == "true");
  CHECK(to_display_string(Value(nullptr)) == "None");
  CHECK(to_display_string(Value::parse("[1, \"a\"]")) == "[1, 'a']");
}

TEST_CASE("select follows dotted paths and list indices")
{
  auto v = yaml("train: {lr: 0.1, layers: [{units: 8}, {units: 16}]}");
  REQUIRE(select(v, "train.lr"));
  CHECK(*select(v, "train.lr") == 0.1);
  CHECK(*select(v, "train.layers.1.units") == 16);
  CHECK(*select(v, "train.layers[0].units") == 8);
  CHECK(select(v, "train.momentum") == nullptr);
  CHECK(select(v, "train.layers.7") == nullptr);
}

TEST_CASE("interpolation")
{
  auto vars = yaml("name: cnn\nlr: 0.01\nflags: {epochs: 3, fast: true, slow: false, "
                   "tags: [a, b c]}\nlist: [1, 2]\n");
  CHECK(interpolated("train ${name} --lr ${ lr }", vars) == "train cnn --lr 0.01");
  // A whole-string placeholder keeps its type.
  Scopes scopes;
  scopes.push(&vars);
  CHECK(interpolate("${list}", scopes, false, "t").is_array());
  // In a command a mapping becomes --key value arguments.
  CHECK(interpolated("run ${flags}", vars, true) ==
        "run --epochs 3 --fast --tags a 'b c'");
  CHECK(interpolated("literal \\${name}", vars) == "literal ${name}");
  CHECK_THROWS_WITH_AS(interpolated("x ${missing.key}", vars),
                       doctest::Contains("t.yaml:1:1: could not find 'missing.key'"),
                       Error);
  CHECK_THROWS_WITH_AS(interpolated("x ${flags}", vars),
                       doctest::Contains("cannot interpolate data of type 'dict'"),
                       Error);
}

TEST_CASE("inner scopes shadow outer ones")
{
  auto outer = yaml("item: global\nlr: 1");
  auto inner = yaml("item: local");
  Scopes scopes;
  scopes.push(&outer);
  scopes.push(&inner);
  CHECK(interpolate("${item} ${lr}", scopes, false, "t") == "local 1");
}

TEST_CASE("emitted values read back with the same type")
{
  for (const char* text : {"'1'", "1", "0.5", "1e-05", "true", "'true'", "''", "~",
                           "[1, 'x', 2.5]", "'a: b'", "'#x'"}) {
    Value value = yaml(std::string("v: ") + text)["v"];
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "v" << YAML::Value;
    emit_value(out, value);
    out << YAML::EndMap;
    CAPTURE(text);
    CAPTURE(out.c_str());
    CHECK(yaml(out.c_str())["v"] == value);
  }
}

TEST_CASE("a key '<<' is emitted quoted, so it does not read back as a merge key")
{
  Value value = Value::parse(R"({"<<": {"k": 1}, "x": 2})");
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "v" << YAML::Value;
  emit_value(out, value);
  out << YAML::EndMap;
  CAPTURE(out.c_str());
  CHECK(yaml(out.c_str())["v"] == value);
}

TEST_CASE("same_value: NaN equals NaN, key order does not count, at any depth")
{
  CHECK(same_value(yaml("a: .nan")["a"], yaml("a: .nan")["a"]));
  CHECK(same_value(yaml("a: [1, {b: .nan}]"), yaml("a: [1, {b: .nan}]")));
  CHECK(!same_value(yaml("a: .nan"), yaml("a: 1")));
  CHECK(!same_value(yaml("a: [1, 2]"), yaml("a: [1]")));
  CHECK(!same_value(yaml("a: {b: 1}"), yaml("a: {c: 1}")));
  CHECK(same_value(yaml("a: {x: 1, y: [2]}"), yaml("a: {y: [2], x: 1}")));
  CHECK(!same_value(yaml("a: [1, 2]"), yaml("a: [2, 1]")));
}

TEST_CASE("JSON strings must be characters: U+FFFF is refused with the file's name")
{
  CHECK_THROWS_WITH_AS(parse_value(R"({"a": "\uffff"})", "m.json"),
                       "m.json: U+FFFF is not a character", Error);
}

TEST_CASE("JSON nesting is limited before anything walks the value")
{
  auto nested = [](int levels) {
    return std::string(std::size_t(levels), '[') + std::string(std::size_t(levels), ']');
  };
  CHECK(parse_value(nested(core::k_max_nesting), "m.json").is_array());
  CHECK_THROWS_WITH_AS(parse_value(nested(core::k_max_nesting + 1), "m.json"),
                       "m.json: nested too deeply (more than 256 levels)", Error);
  CHECK_THROWS_WITH_AS(parse_value(nested(1000000), "m.json"),
                       "m.json: nested too deeply (more than 256 levels)", Error);
  CHECK_THROWS_WITH_AS(
      parse_value("{\"a\": " + std::string(300, '[') + "1" + std::string(300, ']') + "}",
                  "m.json"),
      doctest::Contains("nested too deeply"), Error);
}

TEST_CASE("numbers JSON cannot hold are refused with the file's name")
{
  CHECK_THROWS_WITH_AS(
      parse_value("{\"loss\": 1e999}", "m.json"),
      "m.json: number overflow parsing '1e999' (out of the range of a number)", Error);
  CHECK_THROWS_WITH_AS(
      parse_value("{\"loss\": NaN}", "m.json"),
      doctest::Contains("m.json: not valid JSON: parse error at line 1, column 10"),
      Error);
}

TEST_CASE("YAML numbers out of range read as Python reads them")
{
  auto v = yaml("big: 1e999\nsmall: -1e999\ntiny: 1e-999\nhex: 0x1ffffffffffffffff\n"
                "oct: 0o7777777777777777777777\n");
  CHECK(std::isinf(v["big"].get<double>()));
  CHECK(v["small"].get<double>() < 0);
  CHECK(v["tiny"].get<double>() == 0.0);
  CHECK(v["hex"].get<double>() == doctest::Approx(36893488147419103231.0));
  CHECK(v["oct"].is_number_float());
  CHECK(yaml("h: 0xff\n")["h"] == 255);
}

TEST_SUITE_END();
