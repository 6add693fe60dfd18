// ListObjectsV2 answers that a real server (Swift, in the S3 suite) never
// gives: keys outside the prefix asked for, and a continuation token that
// repeats forever. A socket on 127.0.0.1 plays the misbehaving server; no
// real S3 implementation can be made to answer this way.
#include <doctest/doctest.h>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/s3/client.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace trove;

TEST_SUITE_BEGIN("s3::Client::list");

namespace {

// Answers up to `requests` HTTP requests, one per connection, each with
// `body` (a ListObjectsV2 result); counts what it answered.
class ListServer
{
public:
  ListServer(std::string body, int requests)
      : m_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0))
  {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    REQUIRE(::bind(m_fd.get(), reinterpret_cast<sockaddr*>(&address), size) == 0);
    REQUIRE(::listen(m_fd.get(), 16) == 0);
    REQUIRE(::getsockname(m_fd.get(), reinterpret_cast<sockaddr*>(&address), &size) == 0);
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this, body = std::move(body), requests] {
      for (int i = 0; i < requests; ++i) {
        core::Fd client(::accept4(m_fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
        std::string request;
        char buffer[4096];
        while (request.find("\r\n\r\n") == std::string::npos) {
          ssize_t n = ::read(client.get(), buffer, sizeof buffer);
          if (n <= 0) {
            return;
          }
          request.append(buffer, static_cast<std::size_t>(n));
        }
        std::string answer = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n" + body;
        ++m_answered; // before the answer: the client may check right after it
        std::ignore = ::send(client.get(), answer.data(), answer.size(), MSG_NOSIGNAL);
      }
    });
  }
  ~ListServer()
  {
    ::shutdown(m_fd.get(), SHUT_RDWR);
    m_thread.join();
  }

  s3::Client
  client() const
  {
    s3::Connection connection;
    connection.bucket = "bucket";
    connection.prefix = "p/";
    connection.endpoint = "http://127.0.0.1:" + std::to_string(m_port);
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
  core::Fd m_fd;
  int m_port = 0;
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
