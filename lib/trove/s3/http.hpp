#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace trove::s3 {

// The longest a request waits without a byte moving either way, for the
// first byte of the answer as for any other: a server that accepts a
// connection and then says nothing is given up after this, not after the
// operating system's TCP timeouts.
inline constexpr int k_stall_seconds = 20;
// The longest a new connection may take to open.
inline constexpr int k_connect_seconds = 10;

// One HTTP exchange through libcurl. Each thread keeps its own handle and
// all share one connection pool, so connections are reused across requests
// and threads.
struct HttpRequest
{
  std::string method;
  std::string url;
  std::vector<std::string> headers;          // "Name: value"
  std::string_view body;                     // sent as is, unless body_fd is set
  int response_fd = -1;                      // when set, a 2xx body is written there...
  std::uint64_t response_offset = 0;         // ...from this offset...
  std::uint64_t response_limit = UINT64_MAX; // ...up to this offset (see too_long)
  int stall_seconds = k_stall_seconds;
  bool fresh_connection = false; // a new connection rather than one from the pool
  // When set, the body is body_size bytes of body_fd from body_offset, read
  // as they are sent (no buffer).
  int body_fd = -1;
  std::uint64_t body_offset = 0;
  std::uint64_t body_size = 0;
};

struct HttpResponse
{
  long status = 0;
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;                           // unless written to response_fd
  std::uint64_t body_size = 0;                // bytes received
  bool too_long = false; // the body went past response_limit: cut there
};

// A failure to talk to the server at all (refused, reset, timed out), as
// opposed to an answer that is an error.
struct TransportError : std::runtime_error
{
  TransportError(const std::string& what, bool stalled = false, bool reused = false)
      : std::runtime_error(what), stalled(stalled), reused(reused)
  {
  }
  // Nothing moved for stall_seconds, or a new connection did not open in
  // time: the server (or a connection on the way) does not answer.
  bool stalled;
  // The request went over a connection from the pool, which may have died
  // silently since its last use.
  bool reused;
};

// Sends `request` and returns the server's answer, whatever its status.
// Throws TransportError when there is none.
HttpResponse send_request(const HttpRequest& request);

} // namespace trove::s3
