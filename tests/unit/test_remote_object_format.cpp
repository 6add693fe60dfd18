#include "scratch.hpp"

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/hash.hpp>
#include <trove/remote/object_format.hpp>

#include <random>

using namespace trove;
using namespace trove::remote;

TEST_SUITE_BEGIN("remote::object_format");

namespace {

std::string
random_bytes(std::size_t size)
{
  std::mt19937_64 generator(42);
  std::string bytes(size, '\0');
  for (auto& c : bytes) {
    c = static_cast<char>(generator());
  }
  return bytes;
}

// Encodes `content`, decodes it again; returns the stored form.
std::string
round_trip(const ScratchDir& dir, const std::string& content, const Encoding& encoding)
{
  core::write_file_atomic(dir / "object", content);
  std::filesystem::remove(dir / "stored");
  std::filesystem::remove(dir / "back");
  CHECK(encode_object(dir / "object", dir / "stored", encoding) ==
        core::sha256_hex(content));
  auto hash = decode_object(dir / "stored", dir / "back", "test object",
                            {content.size(), "its recorded size"});
  CHECK(hash == core::sha256_hex(content));
  CHECK(core::read_file(dir / "back") == content);
  return core::read_file(dir / "stored");
}

} // namespace

TEST_CASE("compressible data is stored with the header and zstd")
{
  ScratchDir dir;
  std::string text;
  for (int i = 0; i < 100000; ++i) {
    text += "line " + std::to_string(i % 100) + "\n";
  }
  auto stored = round_trip(dir, text, {});
  CHECK(stored.size() < text.size() / 10);
  CHECK(std::string_view(stored).starts_with(k_object_magic));
  CHECK(stored[8] == 1); // format version
  CHECK(stored[9] == static_cast<char>(Compression::zstd));
  CHECK(stored.substr(10, 6) == std::string(6, '\0'));
}

TEST_CASE("incompressible data and compression = none are stored raw")
{
  ScratchDir dir;
  // Past the 4 MiB after which trove gives up compressing.
  auto noise = random_bytes(5 * 1024 * 1024 + 17);
  CHECK(round_trip(dir, noise, {}) == noise);
  CHECK(round_trip(dir, "short text short text", {Compression::none, 3}) ==
        "short text short text");
  CHECK(round_trip(dir, "", {}).empty());
}

TEST_CASE("a raw object that starts with the magic gets a 'none' header")
{
  ScratchDir dir;
  std::string tricky = std::string(k_object_magic) + random_bytes(100);
  auto stored = round_trip(dir, tricky, {});
  CHECK(stored.size() == tricky.size() + k_object_header_size);
  CHECK(stored[9] == static_cast<char>(Compression::none));
}

TEST_CASE("objects uploaded raw by other tools read back as they are")
{
  ScratchDir dir;
  core::write_file_atomic(dir / "stored", "plain bytes");
  CHECK(decode_object(dir / "stored", dir / "back", "k") ==
        core::sha256_hex("plain bytes"));
}

TEST_CASE("corrupt or unknown stored forms are errors naming the object")
{
  ScratchDir dir;
  std::string text(200000, 'a');
  core::write_file_atomic(dir / "object", text);
  encode_object(dir / "object", dir / "stored", {});
  auto stored = core::read_file(dir / "stored");

  auto decode = [&](const std::string& bytes) {
    std::filesystem::remove(dir / "bad");
    std::filesystem::remove(dir / "back");
    core::write_file_atomic(dir / "bad", bytes);
    return decode_object(dir / "bad", dir / "back", "sha256/ab/cd on remote 'r'");
  };
  CHECK_THROWS_WITH_AS(decode(stored.substr(0, stored.size() - 3)),
                       doctest::Contains("sha256/ab/cd on remote 'r'"), Error);
  auto newer = stored;
  newer[8] = 2;
  CHECK_THROWS_WITH_AS(decode(newer), doctest::Contains("version 2"), Error);
  auto unknown = stored;
  unknown[9] = 7;
  CHECK_THROWS_WITH_AS(decode(unknown), doctest::Contains("unknown compression"), Error);
  auto flipped = stored;
  flipped[stored.size() / 2] ^= 0x55;
  // zstd checks its frame; if a flip slips through, the hash differs.
  bool detected = false;
  try {
    detected = decode(flipped) != core::sha256_hex(text);
  } catch (const Error&) {
    detected = true;
  }
  CHECK(detected);
}

TEST_CASE("decoding stops once the output passes the size limit")
{
  ScratchDir dir;
  // A zip bomb: 64 MiB of zeros in a few kilobytes.
  std::string zeros(64 << 20, '\0');
  core::write_file_atomic(dir / "zeros", zeros);
  encode_object(dir / "zeros", dir / "bomb", {});
  CHECK(std::filesystem::file_size(dir / "bomb") < 100000);
  CHECK_THROWS_WITH_AS(
      decode_object(dir / "bomb", dir / "back", "sha256/ab/cd on remote 'r'",
                    {3, "its recorded size"}),
      "sha256/ab/cd on remote 'r': decodes to more than its recorded size "
      "(3 bytes)",
      Error);
  CHECK(std::filesystem::file_size(dir / "back") <= 3);

  // The same, raw or behind a "none" header: reading stops too.
  auto noise = random_bytes(1 << 20);
  core::write_file_atomic(dir / "noise", noise);
  std::filesystem::remove(dir / "stored");
  encode_object(dir / "noise", dir / "stored", {Compression::none, 3});
  std::filesystem::remove(dir / "back");
  CHECK_THROWS_WITH_AS(
      decode_object(dir / "stored", dir / "back", "k", {1000, "its size"}),
      doctest::Contains("decodes to more than its size (1000 bytes)"), Error);
  CHECK(std::filesystem::file_size(dir / "back") <= 1000);

  // Exactly the limit is fine.
  std::filesystem::remove(dir / "back");
  CHECK(decode_object(dir / "stored", dir / "back", "k", {noise.size(), "its size"}) ==
        core::sha256_hex(noise));
}

TEST_CASE("the encoded size of an object is bounded")
{
  CHECK(most_encoded_size(0) >= k_object_header_size);
  CHECK(most_encoded_size(1000) >= 1000 + k_object_header_size);
  CHECK(most_encoded_size(1000) < 2000);
  CHECK(most_encoded_size(UINT64_MAX) == UINT64_MAX);
}

TEST_SUITE_END();
