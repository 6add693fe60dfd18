#include <trove/remote/remote.hpp>

#include <trove/core/error.hpp>
#include <trove/core/parallel.hpp>
#include <trove/remote/local_remote.hpp>
#include <trove/remote/s3_remote.hpp>

namespace trove::remote {

namespace {

constexpr std::string_view k_key_prefix = "sha256/";
constexpr std::string_view k_dir_suffix = ".dir";

Encoding
encoding_of(const RemoteSettings& settings)
{
  Encoding encoding;
  if (auto it = settings.options.find("compression"); it != settings.options.end()) {
    encoding.compression = it->second == "none" ? Compression::none : Compression::zstd;
  }
  if (auto it = settings.options.find("compression_level");
      it != settings.options.end()) {
    encoding.level = std::stoi(it->second);
  }
  return encoding;
}

} // namespace

void
check_source(const store::ObjectId& id, const std::string& hex)
{
  if (hex != id.hex) {
    throw Error("object " + id.to_string() +
                " is corrupt in the cache (its bytes hash to " + hex +
                "); run 'trove fsck'");
  }
}

std::string
key_of(const store::ObjectId& id)
{
  return std::string(k_key_prefix) + id.hex.substr(0, 2) + "/" + id.hex.substr(2) +
         (id.is_dir ? std::string(k_dir_suffix) : "");
}

std::optional<store::ObjectId>
id_of_key(std::string_view key)
{
  // "sha256/ab/" and 62 hex digits, then ".dir" or nothing.
  constexpr std::size_t k_prefix_end = k_key_prefix.size() + 3;
  if (!key.starts_with(k_key_prefix) || key.size() < k_prefix_end ||
      key[k_prefix_end - 1] != '/') {
    return std::nullopt;
  }
  store::ObjectId id;
  std::string_view rest = key.substr(k_prefix_end);
  if (rest.ends_with(k_dir_suffix)) {
    id.is_dir = true;
    rest.remove_suffix(k_dir_suffix.size());
  }
  id.hex = std::string(key.substr(k_key_prefix.size(), 2)) + std::string(rest);
  if (!store::ObjectId::is_valid_hex(id.hex)) {
    return std::nullopt;
  }
  return id;
}

unsigned
transfer_jobs(const RemoteSettings& settings)
{
  auto it = settings.options.find("jobs");
  return it != settings.options.end() ? static_cast<unsigned>(std::stoul(it->second))
                                      : 4 * core::hardware_jobs();
}

std::unique_ptr<Remote>
open_remote(const RemoteSettings& settings, const fs::path& root, const fs::path& scratch)
{
  const std::string& url = settings.url;
  if (url.rfind("s3://", 0) == 0) {
    std::error_code ec;
    fs::create_directories(scratch, ec); // not there in a fresh clone
    return std::make_unique<S3Remote>(settings, encoding_of(settings),
                                      transfer_jobs(settings), scratch);
  }
  auto scheme = url.find("://");
  if (scheme != std::string::npos && url.rfind("file://", 0) != 0) {
    throw Error("remote '" + settings.name + "': unsupported URL '" + url +
                "' (a directory, file:// or s3://)");
  }
  fs::path path = url.rfind("file://", 0) == 0 ? fs::path(url.substr(7)) : fs::path(url);
  if (path.is_relative()) {
    path = root / path;
  }
  return std::make_unique<LocalRemote>(settings.name, path.lexically_normal(),
                                       encoding_of(settings));
}

} // namespace trove::remote
