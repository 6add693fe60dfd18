#include <trove/store/object_id.hpp>

namespace trove::store {

namespace {
constexpr std::string_view k_prefix = "sha256:";
constexpr std::string_view k_dir_suffix = ".dir";
} // namespace

std::string
ObjectId::to_string() const
{
  return std::string(k_prefix) + hex + (is_dir ? std::string(k_dir_suffix) : "");
}

bool
ObjectId::is_valid_hex(std::string_view hex)
{
  if (hex.size() != 64) {
    return false;
  }
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::optional<ObjectId>
ObjectId::parse(std::string_view text)
{
  if (text.substr(0, k_prefix.size()) != k_prefix) {
    return std::nullopt;
  }
  text.remove_prefix(k_prefix.size());
  ObjectId id;
  if (text.size() > k_dir_suffix.size() &&
      text.substr(text.size() - k_dir_suffix.size()) == k_dir_suffix) {
    id.is_dir = true;
    text.remove_suffix(k_dir_suffix.size());
  }
  if (!is_valid_hex(text)) {
    return std::nullopt;
  }
  id.hex = std::string(text);
  return id;
}

} // namespace trove::store
