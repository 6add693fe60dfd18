#include <trove/remote/remote.hpp>

#include <trove/core/error.hpp>
#include <trove/core/parallel.hpp>
#include <trove/remote/local_remote.hpp>
#include <trove/remote/s3_remote.hpp>
#include <trove/track/repository.hpp>

namespace trove::remote {

namespace {

// Settings come from files a user may edit by hand: check each before use.
void
check_settings(const RemoteSettings& settings)
{
  for (const auto& [key, value] : settings.options) {
    track::Repository::check_setting("remote." + settings.name + "." + key, value);
  }
}

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
  return "sha256/" + id.hex.substr(0, 2) + "/" + id.hex.substr(2) +
         (id.is_dir ? ".dir" : "");
}

unsigned
transfer_jobs(const RemoteSettings& settings)
{
  check_settings(settings);
  auto it = settings.options.find("jobs");
  return it != settings.options.end() ? static_cast<unsigned>(std::stoul(it->second))
                                      : 4 * core::hardware_jobs();
}

std::unique_ptr<Remote>
open_remote(const RemoteSettings& settings, const track::Repository& repo)
{
  check_settings(settings);
  const std::string& url = settings.url;
  if (url.rfind("s3://", 0) == 0) {
    const fs::path& scratch = repo.store().tmp_dir();
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
    path = repo.root() / path;
  }
  return std::make_unique<LocalRemote>(settings.name, path.lexically_normal(),
                                       encoding_of(settings));
}

} // namespace trove::remote
