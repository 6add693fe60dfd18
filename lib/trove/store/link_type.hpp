#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trove::store {

// How a cached object is placed in the workspace.
enum class LinkType
{
  reflink,
  hardlink,
  symlink,
  copy
};

std::string_view to_string(LinkType type);

// Parses cache.type, an ordered list such as "reflink,copy". Throws
// trove::Error naming the bad entry.
std::vector<LinkType> parse_link_types(std::string_view text);

// Hardlinks and symlinks share the cache's bytes: the workspace file must be
// read-only.
inline bool
shares_cache_bytes(LinkType type)
{
  return type == LinkType::hardlink || type == LinkType::symlink;
}

} // namespace trove::store
