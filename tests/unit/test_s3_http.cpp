// HTTP through libcurl against servers that misbehave on purpose: one that
// takes the connection and never answers, one that stops half way, one that
// sends more than was asked for.
#include "loopback_server.hpp"
#include "scratch.hpp"

#include <trove/core/fs.hpp>
#include <trove/s3/http.hpp>

#include <chrono>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

using namespace trove;
using namespace trove::s3;

TEST_SUITE_BEGIN("s3::http");

namespace {

// A loopback server for one request: answer_once() writes `answer` and
// keeps the connection open for `hold`.
class Listener : public LoopbackListener
{
public:
  Listener() : m_url("http://127.0.0.1:" + std::to_string(port()) + "/bucket/key") {}

  const std::string&
  url() const
  {
    return m_url;
  }

  std::thread
  answer_once(std::string answer, std::chrono::seconds hold)
  {
    return std::thread([this, answer = std::move(answer), hold] {
      auto client = accept_request();
      if (!client) {
        return;
      }
      send_text(client, answer);
      std::this_thread::sleep_for(hold);
    });
  }

private:
  std::string m_url;
};

double
seconds_since(std::chrono::steady_clock::time_point start)
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

TEST_CASE("a server that takes the connection and never answers is given up")
{
  Listener silent;
  HttpRequest request{"GET", silent.url(), {}, {}};
  request.stall_seconds = 1;
  auto start = std::chrono::steady_clock::now();
  try {
    send_request(request);
    FAIL("an answer came from a silent server");
  } catch (const TransportError& e) {
    CHECK(std::string(e.what()) == "no answer for 1 s");
    CHECK(e.stalled);
    CHECK_FALSE(e.reused);
  }
  CHECK(seconds_since(start) < 5);
}

TEST_CASE("an answer that stops half way is given up")
{
  Listener server;
  auto thread = server.answer_once("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc",
                                   std::chrono::seconds(4));
  HttpRequest request{"GET", server.url(), {}, {}};
  request.stall_seconds = 1;
  auto start = std::chrono::steady_clock::now();
  try {
    send_request(request);
    FAIL("a truncated answer was taken whole");
  } catch (const TransportError& e) {
    CHECK(std::string(e.what()) == "the answer stopped for 1 s");
    CHECK(e.stalled);
  }
  CHECK(seconds_since(start) < 4);
  thread.join();
}

TEST_CASE("a body to a file stops at the response limit")
{
  ScratchDir dir;
  Listener server;
  std::string body(100000, 'x');
  auto thread = server.answer_once("HTTP/1.1 200 OK\r\nContent-Length: " +
                                       std::to_string(body.size()) + "\r\n\r\n" + body,
                                   std::chrono::seconds(0));
  core::Fd fd(::open((dir / "body").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  HttpRequest request{"GET", server.url(), {}, {}, fd.get()};
  request.response_limit = 1000;
  auto response = send_request(request);
  CHECK(response.too_long);
  CHECK(response.status == 200);
  CHECK(std::filesystem::file_size(dir / "body") <= 1000);
  thread.join();
}

TEST_SUITE_END();
