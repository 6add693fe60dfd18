#include <doctest/doctest.h>

#include <trove/core/error.hpp>
#include <trove/track/pointer_file.hpp>

using namespace trove;
using namespace trove::track;

TEST_SUITE_BEGIN("track::PointerFile");

namespace {
const std::string k_id = "sha256:" + std::string(64, 'e') + ".dir";
} // namespace

TEST_CASE("round trip")
{
  PointerFile pointer;
  pointer.out_path = "images";
  pointer.id = *store::ObjectId::parse(k_id);
  pointer.size = 104857600;
  pointer.nfiles = 1000;
  auto text = pointer.serialize();
  CHECK(text.find("path: images") != std::string::npos);
  CHECK(text.find("hash: " + k_id) != std::string::npos);
  auto parsed = PointerFile::parse(text, "images.trove");
  CHECK(parsed.out_path == "images");
  CHECK(parsed.id == pointer.id);
  CHECK(parsed.size == 104857600);
  CHECK(parsed.nfiles == 1000u);
}

TEST_CASE("errors name file:line:column")
{
  CHECK_THROWS_WITH_AS(PointerFile::parse("outs: [path: x\n", "p.trove"),
                       doctest::Contains("p.trove:"), Error);
  CHECK_THROWS_WITH_AS(
      PointerFile::parse("outs:\n- path: a\n  hash: sha256:12\n", "p.trove"),
      doctest::Contains("p.trove:3:9: malformed hash"), Error);
  CHECK_THROWS_WITH_AS(
      PointerFile::parse("outs:\n- path: a\n  hash: " + k_id + "\n  colour: red\n",
                         "p.trove"),
      doctest::Contains("p.trove:4:3: unknown key 'colour'"), Error);
  CHECK_THROWS_WITH_AS(
      PointerFile::parse("outs:\n- path: a\n  hash: " + k_id + "\n  size: -3\n",
                         "p.trove"),
      doctest::Contains("p.trove:4:9"), Error);
  CHECK_THROWS_WITH_AS(PointerFile::parse("outs:\n- path: [a]\n", "p.trove"),
                       doctest::Contains("p.trove:2:9"), Error);
}

TEST_CASE("hostile paths are refused")
{
  for (const char* path : {"../outside", "/etc/passwd", "a/../../b"}) {
    CHECK_THROWS_WITH_AS(PointerFile::parse(std::string("outs:\n- path: ") + path +
                                                "\n  hash: " + k_id + "\n",
                                            "p.trove"),
                         doctest::Contains("unsafe path"), Error);
  }
}

TEST_CASE("a key given twice is an error, not the last one winning")
{
  CHECK_THROWS_WITH_AS(
      PointerFile::parse("outs:\n- path: a\n  path: b\n  hash: " + k_id + "\n",
                         "p.trove"),
      "p.trove:3:3: duplicate key 'path' (first at line 2)", Error);
  CHECK_THROWS_WITH_AS(
      PointerFile::parse("outs:\n- path: a\n  hash: " + k_id + "\nouts: []\n", "p.trove"),
      doctest::Contains("p.trove:4:1: duplicate key 'outs'"), Error);
}

TEST_CASE("deep nesting is refused before it is walked")
{
  CHECK_THROWS_WITH_AS(
      PointerFile::parse("outs: " + std::string(100000, '[') + std::string(100000, ']'),
                         "p.trove"),
      doctest::Contains("nested too deeply (more than 256 levels)"), Error);
}

TEST_SUITE_END();
