// ListObjectsV2 answers that a real server (Swift, in the S3 suite) never
// gives: keys outside the prefix asked for, and a continuation token that
// repeats forever. A socket on 127.0.0.1 plays the misbehaving server; no
// real S3 implementation can be made to answer this way.
#include "loopback_server.hpp"

#include <doctest/doctest.h>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/s3/client.hpp>

#include <atomic>
#include <thread>

using namespace trove;

TEST_SUITE_BEGIN("s3::Client::list");

namespace {

// Answers up to `requests` HTTP requests, one per connection, each with
// `body` (a ListObjectsV2 result); counts what it answered.
class ListServer : public LoopbackListener
{
public:
  ListServer(std::string body, int requests)
  {
    m_thread = std::thread([this, body = std::move(body), requests] {
      for (int i = 0; i < requests; ++i) {
        auto client = accept_request();
        if (!client) {
          return;
        }
        ++m_answered; // before the answer: the client may check right after it
        send_text(client, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body);
      }
    });
  }
  ~ListServer()
  {
    shut_down();
    m_thread.join();
  }

  s3::Client
  client() const
  {
    s3::Connection connection;
    connection.bucket = "bucket";
    connection.prefix = "p/";
    connection.endpoint = "http://127.0.0.1:" + std::to_string(port());
    connection.region = "us-east-1";
    connection.path_style = true;
    connection.credentials = {"AKID", "secret", ""};
    return s3::Client(connection, "test", 1);
  }

  int
  answered() const
  {
    return m_answered;
  }

private:
  std::atomic<int> m_answered = 0;
  std::thread m_thread;
};

} // namespace

TEST_CASE("keys outside the prefix are not listed, however short")
{
  ListServer server("<ListBucketResult><IsTruncated>false</IsTruncated>"
                    "<Contents><Key>p/sha256/ab/cd</Key></Contents>"
                    "<Contents><Key>x</Key></Contents>"
                    "<Contents><Key>q/sha256/ab/ef</Key></Contents>"
                    "</ListBucketResult>",
                    1);
  auto keys = server.client().list("sha256/");
  CHECK(keys == std::vector<std::string>{"sha256/ab/cd"});
}

TEST_CASE("a continuation token that repeats ends the listing with an error")
{
  ListServer server("<ListBucketResult><IsTruncated>true</IsTruncated>"
                    "<NextContinuationToken>again</NextContinuationToken>"
                    "<Contents><Key>p/sha256/ab/cd</Key></Contents>"
                    "</ListBucketResult>",
                    5);
  CHECK_THROWS_WITH_AS(server.client().list("sha256/"),
                       doctest::Contains("answered the continuation token 'again' twice"),
                       Error);
  CHECK(server.answered() == 2);
}

TEST_SUITE_END();
