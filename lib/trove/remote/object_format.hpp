#pragma once

#include <trove/core/error.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace trove::remote {

namespace fs = std::filesystem;

// How an object is kept on a remote. Either its raw bytes (what any tool
// uploads), or a 16-byte header and a payload:
//
//   bytes 0-7   magic "\x89TROVE\r\n" (not text, and CR LF shows mangling)
//   byte  8     format version, 1
//   byte  9     compression: 0 none, 1 zstd
//   bytes 10-15 zero
//
// trove writes the header with zstd whenever that makes the object
// smaller, raw bytes otherwise (and a "none" header for the rare raw object
// that starts with the magic, so that reading is never ambiguous).
enum class Compression : std::uint8_t
{
  none = 0,
  zstd = 1
};

struct Encoding
{
  Compression compression = Compression::zstd;
  int level = 3;
};

inline constexpr std::string_view k_object_magic{"\x89TROVE\r\n", 8};
inline constexpr std::size_t k_object_header_size = 16;

// A failure to write the encoded or decoded form (the destination's file
// system is full, read-only, ...). It is the same for every object, so a
// caller reports it once, without the temp file's name.
class WriteError : public Error
{
public:
  WriteError(const std::string& message, int code) : Error(message), m_code(code) {}
  int
  code() const
  {
    return m_code;
  }

private:
  int m_code;
};

// The most bytes an object may decode to, and what that is in words for the
// error ("its recorded size"): a remote's bytes are checked against the id
// only after decoding, and a small zstd frame can decode to terabytes.
struct SizeLimit
{
  std::uint64_t bytes = UINT64_MAX;
  std::string meaning = "any size";
};

// Writes the remote form of the file `source` to the new file `dest` and
// returns the SHA-256 (hex) of the bytes it read and encoded, for the caller
// to check before it publishes the object.
std::string
encode_object(const fs::path& source, const fs::path& dest, const Encoding& encoding);

// Writes the bytes a remote object holds to the new file `dest` and returns
// their SHA-256 (hex). `what` names the object in errors (an unknown format
// version or compression, corrupt zstd data, more bytes than `limit`, which
// stops decoding before more than `limit.bytes` are written).
std::string decode_object(const fs::path& source,
                          const fs::path& dest,
                          const std::string& what,
                          const SizeLimit& limit = {});

// The most bytes the remote form of an object of `size` bytes takes, when
// written by trove or by another zstd encoder (which may expand a little).
std::uint64_t most_encoded_size(std::uint64_t size);

} // namespace trove::remote
