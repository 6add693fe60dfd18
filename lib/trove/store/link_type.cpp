#include <trove/store/link_type.hpp>

#include <trove/core/error.hpp>

namespace trove::store {

std::string_view
to_string(LinkType type)
{
  switch (type) {
  case LinkType::reflink:
    return "reflink";
  case LinkType::hardlink:
    return "hardlink";
  case LinkType::symlink:
    return "symlink";
  case LinkType::copy:
    return "copy";
  }
  return "?";
}

std::vector<LinkType>
parse_link_types(std::string_view text)
{
  std::vector<LinkType> types;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view name = text.substr(start, end - start);
    while (!name.empty() && name.front() == ' ') {
      name.remove_prefix(1);
    }
    while (!name.empty() && name.back() == ' ') {
      name.remove_suffix(1);
    }
    bool found = false;
    for (auto type :
         {LinkType::reflink, LinkType::hardlink, LinkType::symlink, LinkType::copy}) {
      if (name == to_string(type)) {
        types.push_back(type);
        found = true;
      }
    }
    if (!found) {
      throw Error("cache.type: unknown link type '" + std::string(name) +
                  "' (expected reflink, hardlink, symlink or copy)");
    }
    start = end + 1;
  }
  return types;
}

} // namespace trove::store
