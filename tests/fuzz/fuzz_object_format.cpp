// An object as a remote serves it (raw bytes, or the header and a zstd or
// plain payload): decoded, then encoded and decoded again, which must give
// the same bytes.

#include "fuzz_support.hpp"

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/hash.hpp>
#include <trove/remote/object_format.hpp>

using namespace trove;

extern "C" int
LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size)
{
  const auto& dir = fuzz::scratch_dir();
  const auto remote = dir / "remote-object";
  const auto decoded = dir / "decoded";
  const auto encoded = dir / "encoded";
  const auto again = dir / "decoded-again";
  for (const auto& path : {decoded, encoded, again}) {
    std::filesystem::remove(path);
  }
  fuzz::write_input(remote, fuzz::text_of(data, size));
  std::string hex;
  try {
    hex = remote::decode_object(remote, decoded, "fuzz object");
  } catch (const Error&) {
    return 0;
  }
  fuzz::check(hex == core::sha256_file(decoded),
              "decode_object's hash is not the hash of what it wrote");
  // Alternate the encodings on the input's size so that both are explored.
  remote::Encoding encoding;
  encoding.compression = size % 2 ? remote::Compression::zstd : remote::Compression::none;
  encoding.level = 1;
  try {
    remote::encode_object(decoded, encoded, encoding);
    fuzz::check(remote::decode_object(encoded, again, "encoded") == hex,
                "an object changes through encode and decode");
  } catch (const Error& e) {
    fuzz::finding(std::string("encoding a decoded object fails: ") + e.what());
  }
  return 0;
}
