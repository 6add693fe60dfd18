#include <trove/remote/remote.hpp>

#include <trove/core/error.hpp>
#include <trove/remote/local_remote.hpp>

namespace trove::remote {

namespace {

Encoding
encoding_of(const RemoteSettings& settings)
{
  Encoding encoding;
  if (auto it = settings.options.find("compression"); it != settings.options.end()) {
    encoding.compression = it->second == "none" ? Compression::none : Compression::zstd;
  }
  if (auto it = settings.options.find("compression_level"); it != settings.options.end()) {
    encoding.level = std::stoi(it->second);
  }
  return encoding;
}

} // namespace

std::string
key_of(const store::ObjectId& id)
{
  return "sha256/" + id.hex.substr(0, 2) + "/" + id.hex.substr(2) + (id.is_dir ? ".dir" : "");
}

std::unique_ptr<Remote>
open_remote(const RemoteSettings& settings, const fs::path& root)
{
  const std::string& url = settings.url;
  if (url.rfind("s3://", 0) == 0) {
    throw Error("remote '" + settings.name + "': S3 remotes are not available in this build "
                "yet; use a directory remote");
  }
  auto scheme = url.find("://");
  if (scheme != std::string::npos && url.rfind("file://", 0) != 0) {
    throw Error("remote '" + settings.name + "': unsupported URL '" + url
                + "' (a directory, file:// or s3://)");
  }
  fs::path path = url.rfind("file://", 0) == 0 ? fs::path(url.substr(7)) : fs::path(url);
  if (path.is_relative()) {
    path = root / path;
  }
  return std::make_unique<LocalRemote>(settings.name, path.lexically_normal(), encoding_of(settings));
}

} // namespace trove::remote
