#include <trove/s3/signing.hpp>

#include <trove/core/hash.hpp>
#include <trove/core/text.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

namespace trove::s3 {

namespace {

std::string
to_hex(const unsigned char* bytes, std::size_t size)
{
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    hex += digits[bytes[i] >> 4];
    hex += digits[bytes[i] & 0xf];
  }
  return hex;
}

// The raw (binary) HMAC-SHA256, as the signing key derivation chains it.
std::string
hmac_raw(std::string_view key, std::string_view data)
{
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &size);
  return std::string(reinterpret_cast<char*>(digest), size);
}

} // namespace

std::string
uri_encode(std::string_view text, bool encode_slash)
{
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                      c == '~';
    if (unreserved || (c == '/' && !encode_slash)) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += digits[c >> 4];
      encoded += digits[c & 0xf];
    }
  }
  return encoded;
}

std::string
canonical_query(const std::vector<std::pair<std::string, std::string>>& query)
{
  std::vector<std::pair<std::string, std::string>> encoded;
  for (const auto& [name, value] : query) {
    encoded.emplace_back(uri_encode(name, true), uri_encode(value, true));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string text;
  for (const auto& [name, value] : encoded) {
    text += (text.empty() ? "" : "&") + name + "=" + value;
  }
  return text;
}

std::string
amz_date(std::time_t time)
{
  std::tm utc{};
  gmtime_r(&time, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

std::string
authorization(const RequestToSign& request,
              const Credentials& credentials,
              const std::string& region,
              const std::string& date)
{
  std::string canonical_headers;
  std::string signed_headers;
  for (const auto& [name, value] : request.headers) { // std::map: sorted by name
    canonical_headers += name + ":" + core::trim(value, " \t") + "\n";
    signed_headers += (signed_headers.empty() ? "" : ";") + name;
  }
  std::string canonical_request =
      request.method + "\n" + uri_encode(request.path, false) + "\n" +
      canonical_query(request.query) + "\n" + canonical_headers + "\n" + signed_headers +
      "\n" + request.payload_hash;

  std::string day = date.substr(0, 8);
  std::string scope = day + "/" + region + "/s3/aws4_request";
  std::string string_to_sign = "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" +
                               core::sha256_hex(canonical_request);

  std::string key = hmac_raw("AWS4" + credentials.secret_access_key, day);
  key = hmac_raw(key, region);
  key = hmac_raw(key, "s3");
  key = hmac_raw(key, "aws4_request");
  return "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
         ",SignedHeaders=" + signed_headers +
         ",Signature=" + hmac_sha256(key, string_to_sign);
}

std::string
hmac_sha256(std::string_view key, std::string_view data)
{
  std::string raw = hmac_raw(key, data);
  return to_hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

std::string
base64_md5(std::string_view data)
{
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_md5(), nullptr);
  unsigned char text[64];
  int length = EVP_EncodeBlock(text, digest, static_cast<int>(size));
  return std::string(reinterpret_cast<char*>(text), static_cast<std::size_t>(length));
}

} // namespace trove::s3
