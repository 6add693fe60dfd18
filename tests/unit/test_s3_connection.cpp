// Where an S3 remote's bucket, endpoint and credentials come from, in the
// order the AWS CLI reads them. The environment is set per test and restored.
#include "scratch.hpp"

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/s3/connection.hpp>
#include <trove/s3/xml.hpp>

#include <map>
#include <optional>

using namespace trove;
using namespace trove::s3;

TEST_SUITE_BEGIN("s3::connection");

namespace {

// Sets variables for one test (and clears every AWS_* one it does not set).
class Environment
{
public:
  explicit Environment(const std::map<std::string, std::string>& values)
  {
    for (const char* name :
         {"HOME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
          "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
          "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}) {
      const char* old = std::getenv(name);
      m_saved[name] = old ? std::optional<std::string>(old) : std::nullopt;
      unsetenv(name);
    }
    for (const auto& [name, value] : values) {
      setenv(name.c_str(), value.c_str(), 1);
    }
  }
  ~Environment()
  {
    for (const auto& [name, value] : m_saved) {
      value ? setenv(name.c_str(), value->c_str(), 1) : unsetenv(name.c_str());
    }
  }

private:
  std::map<std::string, std::optional<std::string>> m_saved;
};

} // namespace

TEST_CASE("AWS itself: virtual-hosted URLs in the region")
{
  Environment env({{"AWS_ACCESS_KEY_ID", "AKID"},
                   {"AWS_SECRET_ACCESS_KEY", "SECRET"},
                   {"AWS_REGION", "eu-west-1"}});
  auto c = resolve_connection("s3://bucket/data/sets/", {});
  CHECK(c.bucket == "bucket");
  CHECK(c.prefix == "data/sets/");
  CHECK(c.region == "eu-west-1");
  CHECK(c.endpoint == "https://s3.eu-west-1.amazonaws.com");
  CHECK_FALSE(c.path_style);
  CHECK(c.host() == "bucket.s3.eu-west-1.amazonaws.com");
  CHECK(c.url_of("data/sets/a b") ==
        "https://bucket.s3.eu-west-1.amazonaws.com/data/sets/a%20b");
  CHECK(c.credentials.access_key_id == "AKID");
}

TEST_CASE("an endpoint: path-style unless told otherwise")
{
  Environment env({{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_SECRET_ACCESS_KEY", "SECRET"}});
  auto c = resolve_connection("s3://bucket", {{"endpointurl", "http://127.0.0.1:9000/"}});
  CHECK(c.prefix.empty());
  CHECK(c.region == "us-east-1");
  CHECK(c.path_style);
  CHECK(c.host() == "127.0.0.1:9000");
  CHECK(c.path_of("k") == "/bucket/k");
  CHECK(c.url_of("k") == "http://127.0.0.1:9000/bucket/k");
  auto virtual_hosted =
      resolve_connection("s3://bucket", {{"endpointurl", "https://r2.example"},
                                         {"use_path_style", "false"}});
  CHECK(virtual_hosted.url_of("k") == "https://bucket.r2.example/k");
}

TEST_CASE("the remote's keys win over the environment, which wins over the files")
{
  ScratchDir home;
  std::filesystem::create_directories(home / ".aws");
  core::write_file_atomic(
      home / ".aws/credentials",
      "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = FILESECRET\n"
      "[team]\naws_access_key_id = TEAMKEY\naws_secret_access_key = TEAMSECRET\n");
  core::write_file_atomic(
      home / ".aws/config",
      "[default]\nregion = ap-south-1\n[profile team]\nregion = eu-north-1\n"
      "endpoint_url = https://team.example\n");
  {
    Environment env({{"HOME", home.path().string()}});
    auto c = resolve_connection("s3://b", {});
    CHECK(c.credentials.access_key_id == "FILEKEY");
    CHECK(c.credentials.secret_access_key == "FILESECRET");
    CHECK(c.region == "ap-south-1");
  }
  {
    Environment env({{"HOME", home.path().string()},
                     {"AWS_ACCESS_KEY_ID", "ENVKEY"},
                     {"AWS_SECRET_ACCESS_KEY", "ENVSECRET"},
                     {"AWS_SESSION_TOKEN", "TOKEN"}});
    auto c = resolve_connection("s3://b", {});
    CHECK(c.credentials.access_key_id == "ENVKEY");
    CHECK(c.credentials.session_token == "TOKEN");
    // A profile named by the remote wins over the variables.
    auto team = resolve_connection("s3://b", {{"profile", "team"}});
    CHECK(team.credentials.access_key_id == "TEAMKEY");
    CHECK(team.region == "eu-north-1");
    CHECK(team.endpoint == "https://team.example");
    auto own = resolve_connection("s3://b", {{"access_key_id", "OWN"},
                                             {"secret_access_key", "OWNSECRET"},
                                             {"region", "us-west-2"}});
    CHECK(own.credentials.access_key_id == "OWN");
    CHECK(own.credentials.session_token.empty());
    CHECK(own.region == "us-west-2");
  }
  {
    Environment env({{"HOME", home.path().string()}, {"AWS_PROFILE", "team"}});
    CHECK(resolve_connection("s3://b", {}).credentials.access_key_id == "TEAMKEY");
  }
}

TEST_CASE("what is missing is said")
{
  ScratchDir home;
  Environment env({{"HOME", home.path().string()}});
  CHECK_THROWS_WITH_AS(resolve_connection("s3://b", {}),
                       doctest::Contains("no S3 credentials"), Error);
  CHECK_THROWS_WITH_AS(resolve_connection("s3://", {{"access_key_id", "a"}}),
                       doctest::Contains("names no bucket"), Error);
  CHECK_THROWS_WITH_AS(resolve_connection("s3://b", {{"access_key_id", "a"}}),
                       doctest::Contains("no secret access key"), Error);
}

TEST_CASE("S3's XML answers")
{
  std::string listing =
      "<ListBucketResult><IsTruncated>true</IsTruncated>"
      "<Contents><Key>a&amp;b</Key></Contents><Contents><Key>c</Key></Contents>"
      "<NextContinuationToken>x/y=</NextContinuationToken></ListBucketResult>";
  CHECK(xml_values(listing, "Key") == std::vector<std::string>{"a&b", "c"});
  CHECK(xml_value(listing, "NextContinuationToken") == "x/y=");
  CHECK_FALSE(xml_value(listing, "Code"));
  CHECK(xml_escape("<a&'\">") == "&lt;a&amp;&apos;&quot;&gt;");
}

TEST_SUITE_END();
