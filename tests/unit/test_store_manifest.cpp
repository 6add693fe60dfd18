#include <doctest/doctest.h>

#include <trove/core/error.hpp>
#include <trove/store/manifest.hpp>

using namespace trove;
using namespace trove::store;

TEST_SUITE_BEGIN("store::Manifest");

namespace {
const std::string k_hex_a(64, 'a');
const std::string k_hex_b(64, 'b');
} // namespace

TEST_CASE("canonical: sorted, the same bytes for the same files")
{
  Manifest one({{"b/x", k_hex_a, 3, false}, {"a", k_hex_b, 10, true}});
  Manifest two({{"a", k_hex_b, 10, true}, {"b/x", k_hex_a, 3, false}});
  CHECK(one.serialize() == two.serialize());
  CHECK(one.serialize() ==
        "trove-manifest 1\n" + k_hex_b + " 10 755 a\n" + k_hex_a + " 3 644 b/x\n");
  CHECK(one.total_size() == 13);
  REQUIRE(one.find("b/x"));
  CHECK(one.find("b/x")->size == 3);
  CHECK(!one.find("b"));
}

TEST_CASE("round trip, including spaces in names")
{
  Manifest manifest({{"with space/file name.txt", k_hex_a, 0, false}});
  auto parsed = Manifest::parse(manifest.serialize(), "test");
  CHECK(parsed.entries() == manifest.entries());
}

TEST_CASE("hostile and malformed manifests are refused")
{
  std::string head = "trove-manifest 1\n";
  CHECK_THROWS_WITH_AS(Manifest::parse(head + k_hex_a + " 1 644 ../escape\n", "m"),
                       doctest::Contains("unsafe path"), Error);
  CHECK_THROWS_WITH_AS(Manifest::parse(head + k_hex_a + " 1 644 /etc/passwd\n", "m"),
                       doctest::Contains("unsafe path"), Error);
  CHECK_THROWS_WITH_AS(Manifest::parse(head + k_hex_a + " 1 644 a/../../b\n", "m"),
                       doctest::Contains("unsafe path"), Error);
  CHECK_THROWS_WITH_AS(Manifest::parse(head + k_hex_a + " x 644 a\n", "m"),
                       doctest::Contains("line 2"), Error);
  CHECK_THROWS_WITH_AS(
      Manifest::parse(head + k_hex_a + " 1 644 b\n" + k_hex_a + " 1 644 a\n", "m"),
      doctest::Contains("not sorted"), Error);
  CHECK_THROWS_WITH_AS(Manifest::parse(head + k_hex_a + " 1 644 a", "m"),
                       doctest::Contains("truncated"), Error);
  CHECK_THROWS_WITH_AS(Manifest::parse("something else\n", "m"),
                       doctest::Contains("not a trove manifest"), Error);
  CHECK_THROWS_AS(Manifest({{"../x", k_hex_a, 1, false}}), Error);
  CHECK_THROWS_AS(Manifest({{"a", k_hex_a, 1, false}, {"a", k_hex_b, 1, false}}), Error);
}

TEST_SUITE_END();
