// Signature Version 4 checked against the examples AWS publishes in "Signature
// Calculations for the Authorization Header: Transferring Payload in a Single
// Chunk" (Amazon S3 API Reference): their credentials, time and requests,
// and the signatures the documentation prints for them.
#include <doctest/doctest.h>

#include <trove/core/hash.hpp>
#include <trove/s3/signing.hpp>

using namespace trove::s3;

TEST_SUITE_BEGIN("s3::signing");

namespace {

const Credentials k_example{"AKIAIOSFODNN7EXAMPLE",
                            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
const std::string k_date = "20130524T000000Z";
const std::string k_host = "examplebucket.s3.amazonaws.com";

RequestToSign
example_get(const std::string& path,
            std::vector<std::pair<std::string, std::string>> query)
{
  RequestToSign request;
  request.method = "GET";
  request.path = path;
  request.query = std::move(query);
  request.payload_hash = std::string(k_empty_payload_hash);
  request.headers = {{"host", k_host},
                     {"x-amz-content-sha256", request.payload_hash},
                     {"x-amz-date", k_date}};
  return request;
}

std::string
signature_of(const std::string& authorization)
{
  return authorization.substr(authorization.find("Signature=") + 10);
}

} // namespace

TEST_CASE("GET object with a range")
{
  auto request = example_get("/test.txt", {});
  request.headers["range"] = "bytes=0-9";
  CHECK(authorization(request, k_example, "us-east-1", k_date) ==
        "AWS4-HMAC-SHA256 "
        "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST_CASE("PUT object: the key's '$' is encoded and the body hash signed")
{
  RequestToSign request;
  request.method = "PUT";
  request.path = "/test$file.text";
  request.payload_hash = trove::core::sha256_hex("Welcome to Amazon S3.");
  CHECK(request.payload_hash ==
        "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  request.headers = {{"date", "Fri, 24 May 2013 00:00:00 GMT"},
                     {"host", k_host},
                     {"x-amz-content-sha256", request.payload_hash},
                     {"x-amz-date", k_date},
                     {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  CHECK(signature_of(authorization(request, k_example, "us-east-1", k_date)) ==
        "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST_CASE("GET bucket lifecycle: a parameter without a value")
{
  CHECK(signature_of(authorization(example_get("/", {{"lifecycle", ""}}), k_example,
                                   "us-east-1", k_date)) ==
        "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST_CASE("list objects: parameters sorted whatever their order")
{
  std::string expected =
      "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7";
  CHECK(signature_of(authorization(example_get("/", {{"max-keys", "2"}, {"prefix", "J"}}),
                                   k_example, "us-east-1", k_date)) == expected);
  CHECK(signature_of(authorization(example_get("/", {{"prefix", "J"}, {"max-keys", "2"}}),
                                   k_example, "us-east-1", k_date)) == expected);
  // Another region or secret is another signature.
  CHECK(signature_of(authorization(example_get("/", {{"prefix", "J"}, {"max-keys", "2"}}),
                                   k_example, "eu-west-1", k_date)) != expected);
}

TEST_CASE("encoding")
{
  CHECK(uri_encode("a b+c/d~e_f.g-h", false) == "a%20b%2Bc/d~e_f.g-h");
  CHECK(uri_encode("a/b=c&d", true) == "a%2Fb%3Dc%26d");
  CHECK(uri_encode("\xc3\xa9", true) == "%C3%A9");
  CHECK(canonical_query({{"uploadId", "a/b+c=="}, {"partNumber", "2"}}) ==
        "partNumber=2&uploadId=a%2Fb%2Bc%3D%3D");
  CHECK(canonical_query({{"uploads", ""}}) == "uploads=");
  CHECK(amz_date(1369353600) == "20130524T000000Z");
  // RFC 1864's Content-MD5 of an empty body.
  CHECK(base64_md5("") == "1B2M2Y8AsgTpgAmY7PhCfg==");
}

TEST_SUITE_END();
