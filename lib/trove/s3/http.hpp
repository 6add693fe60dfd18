#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace trove::s3 {

// One HTTP exchange through libcurl. Each thread keeps its own handle and
// all share one connection pool, so connections are reused across requests
// and threads.
struct HttpRequest
{
  std::string method;
  std::string url;
  std::vector<std::string> headers; // "Name: value"
  std::string_view body;            // sent as is
  int response_fd = -1;             // when set, a 2xx body is written there...
  std::uint64_t response_offset = 0; // ...from this offset
};

struct HttpResponse
{
  long status = 0;
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;                           // unless written to response_fd
  std::uint64_t body_size = 0;                // bytes received
};

// A failure to talk to the server at all (refused, reset, timed out), as
// opposed to an answer that is an error.
struct TransportError : std::runtime_error
{
  using std::runtime_error::runtime_error;
};

// Sends `request` and returns the server's answer, whatever its status.
// Throws TransportError when there is none.
HttpResponse send_request(const HttpRequest& request);

} // namespace trove::s3
