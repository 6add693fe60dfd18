#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace trove::store {

// The id of an object in the store: the SHA-256 of its bytes. A directory's
// manifest object carries the suffix `.dir`. Users see `sha256:<hex>[.dir]`.
struct ObjectId
{
  std::string hex;
  bool is_dir = false;

  std::string to_string() const;
  // Parses `sha256:<64 hex>[.dir]`; nullopt when malformed.
  static std::optional<ObjectId> parse(std::string_view text);
  static bool is_valid_hex(std::string_view hex);

  auto operator<=>(const ObjectId&) const = default;
};

} // namespace trove::store

template <> struct std::hash<trove::store::ObjectId>
{
  std::size_t
  operator()(const trove::store::ObjectId& id) const noexcept
  {
    return std::hash<std::string>()(id.hex) ^ static_cast<std::size_t>(id.is_dir);
  }
};
