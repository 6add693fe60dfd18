#include <doctest/doctest.h>

#include <trove/remote/remote.hpp>

#include <cctype>
#include <string>
#include <vector>

using namespace trove;
using namespace trove::remote;

TEST_SUITE_BEGIN("remote::keys");

namespace {

const std::string k_hex =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

} // namespace

TEST_CASE("id_of_key reads back what key_of writes, files and manifests")
{
  for (bool is_dir : {false, true}) {
    store::ObjectId id{k_hex, is_dir};
    auto key = key_of(id);
    CHECK(key == "sha256/e3/" + k_hex.substr(2) + (is_dir ? ".dir" : ""));
    auto parsed = id_of_key(key);
    REQUIRE(parsed);
    CHECK(*parsed == id);
  }
}

TEST_CASE("id_of_key refuses every other key, so gc --cloud never deletes it")
{
  std::string rest = k_hex.substr(2);
  std::string upper = rest;
  for (auto& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  const std::vector<std::string> keys = {
      "sha256/zz/NOTES.txt",
      "sha256/e3/NOTES.txt",
      // Long enough for the old S3 filter (72 characters, '/' at 9).
      "sha256/e3/notes-on-this-dataset-kept-next-to-its-objects-by-a-user.txt",
      "sha256/e3/" + upper,             // uppercase hex
      "sha256/e3/" + rest.substr(1),    // a digit short
      "sha256/e3/" + rest + "0",        // a digit more
      "sha256/e3/" + k_hex,             // the whole id as the name
      "sha256/e3/" + rest + ".dir.bak", // a suffix after .dir
      "sha256/e3/" + rest + ".DIR",
      "sha256/zz/" + rest, // a prefix directory that is not hex
      "sha256/e3" + rest,  // no directory
      "sha256/e3//" + rest.substr(1),
      "sha256//e3" + rest,
      "sha1/e3/" + rest,
      "/sha256/e3/" + rest,
      "sha256/e3/" + rest.substr(0, 30) + "/" + rest.substr(30),
      "sha256/e3/.trove-tmp.123.0.456",
      "sha256/e3/",
      "sha256/",
      "",
  };
  for (const auto& key : keys) {
    CAPTURE(key);
    CHECK_FALSE(id_of_key(key));
  }
}

TEST_SUITE_END();
