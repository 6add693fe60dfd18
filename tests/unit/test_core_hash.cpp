#include "scratch.hpp"

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/hash.hpp>

#include <string>

using namespace trove::core;

TEST_SUITE_BEGIN("core::hash");

// Known answers from FIPS 180-2 and sha256sum.
TEST_CASE("known answers")
{
  CHECK(sha256_hex("") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string zeros(1024 * 1024, '\0');
  CHECK(sha256_hex(zeros) ==
        "30e14955ebf1352266dc2ff8067e68104607e750abb9d3b36582b8af909fcb58");
}

TEST_CASE("streaming equals one shot")
{
  Sha256 hasher;
  hasher.update("a");
  hasher.update("bc");
  CHECK(hasher.finish_hex() == sha256_hex("abc"));
}

TEST_CASE("file hash, across the read buffer size")
{
  ScratchDir dir;
  std::string data(k_io_buffer_size * 2 + 17, 'x');
  write_file_atomic(dir / "f", data);
  CHECK(sha256_file(dir / "f") == sha256_hex(data));
  CHECK_THROWS_WITH_AS(sha256_file(dir / "missing"), doctest::Contains("missing"),
                       trove::Error);
}

TEST_SUITE_END();
