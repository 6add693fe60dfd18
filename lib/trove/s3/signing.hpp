#pragma once

#include <ctime>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trove::s3 {

struct Credentials
{
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token; // temporary credentials only
};

// What AWS Signature Version 4 signs of a request.
struct RequestToSign
{
  std::string method;                                     // "GET"
  std::string path;                                       // "/bucket/key", not encoded
  std::vector<std::pair<std::string, std::string>> query; // not encoded, any order
  std::map<std::string, std::string>
      headers;              // lower-case names; host and x-amz-* included
  std::string payload_hash; // hex SHA-256 of the body
};

inline constexpr std::string_view k_empty_payload_hash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Percent-encodes everything but A-Z a-z 0-9 - _ . ~ (and '/' unless
// `encode_slash`), as SigV4 requires of paths and query strings.
std::string uri_encode(std::string_view text, bool encode_slash);

// "a=1&b=2": names and values encoded, sorted by name; the same string is
// what the request sends.
std::string
canonical_query(const std::vector<std::pair<std::string, std::string>>& query);

// "20130524T000000Z", the x-amz-date form of a UTC time.
std::string amz_date(std::time_t time);

// The Authorization header value for `request` at `date` (amz_date form),
// for the S3 service in `region`.
std::string authorization(const RequestToSign& request,
                          const Credentials& credentials,
                          const std::string& region,
                          const std::string& date);

// The hex HMAC-SHA256 of `data` under `key`, and the base64 of bytes (for
// Content-MD5), used by the signature and the client.
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string base64_md5(std::string_view data);

} // namespace trove::s3
