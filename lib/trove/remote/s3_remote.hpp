#pragma once

#include <trove/remote/remote.hpp>
#include <trove/s3/client.hpp>

namespace trove::remote {

// A remote in an S3 bucket (AWS or any S3-compatible store): objects at
// PREFIX/<key>, in the remote object format.
class S3Remote final : public Remote
{
public:
  // `scratch` holds the encoded form of an object while it is sent.
  S3Remote(const RemoteSettings& settings,
           Encoding encoding,
           unsigned jobs,
           fs::path scratch);

  std::string describe() const override;
  std::unordered_set<std::string> present(const std::vector<std::string>& keys) override;
  std::uint64_t upload(const fs::path& source, const store::ObjectId& id) override;
  std::string
  download(const std::string& key, const fs::path& dest, const SizeLimit& limit) override;
  std::vector<store::ObjectId> list() override;
  void remove(const std::vector<std::string>& keys) override;

private:
  std::string m_name;
  std::string m_url;
  s3::Client m_client;
  Encoding m_encoding;
  unsigned m_jobs;
  fs::path m_scratch;
};

} // namespace trove::remote
