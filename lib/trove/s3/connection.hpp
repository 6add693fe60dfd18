#pragma once

#include <trove/s3/signing.hpp>

#include <map>
#include <string>

namespace trove::s3 {

// Where a bucket is and who is asking, resolved from a remote's settings
// and the environment.
struct Connection
{
  std::string bucket;
  std::string prefix;   // "" or "datasets/" (always ending with '/')
  std::string endpoint; // "https://s3.eu-west-1.amazonaws.com", no trailing '/'
  std::string region;
  bool path_style = false; // https://host/bucket/key rather than https://bucket.host/key
  Credentials credentials;

  // The URL and Host header of `key` in the bucket ("" for the bucket).
  std::string url_of(const std::string& key) const;
  std::string host() const;
  // The path the signature covers: "/bucket/key" or "/key".
  std::string path_of(const std::string& key) const;
};

// Resolves `url` ("s3://bucket/prefix") and the remote's options as the AWS
// CLI would: the remote's own keys first (endpointurl, region, profile,
// access_key_id, secret_access_key, session_token, use_path_style), then
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN,
// AWS_REGION / AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL,
// then ~/.aws/credentials and ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE,
// AWS_CONFIG_FILE) for the profile (the remote's, else AWS_PROFILE, else
// "default"). A remote's profile wins over the AWS_* credentials. Without
// an endpoint: AWS, virtual-hosted; with one: path-style unless
// use_path_style = false. Throws trove::Error saying what is missing.
Connection resolve_connection(const std::string& url,
                              const std::map<std::string, std::string>& options);

} // namespace trove::s3
