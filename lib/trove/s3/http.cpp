#include <trove/s3/http.hpp>

#include <trove/core/error.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <unistd.h>

namespace trove::s3 {

namespace {

// One connection pool (and DNS cache) shared by every thread's handle.
class SharedPool
{
public:
  SharedPool()
  {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw TransportError("cannot start libcurl");
    }
    m_share = curl_share_init();
    curl_share_setopt(m_share, CURLSHOPT_LOCKFUNC, lock);
    curl_share_setopt(m_share, CURLSHOPT_UNLOCKFUNC, unlock);
    curl_share_setopt(m_share, CURLSHOPT_USERDATA, this);
    curl_share_setopt(m_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(m_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  }
  CURLSH*
  share() const
  {
    return m_share;
  }

private:
  static void
  lock(CURL*, curl_lock_data data, curl_lock_access, void* self)
  {
    static_cast<SharedPool*>(self)->m_mutexes.at(data).lock();
  }
  static void
  unlock(CURL*, curl_lock_data data, void* self)
  {
    static_cast<SharedPool*>(self)->m_mutexes.at(data).unlock();
  }

  CURLSH* m_share;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> m_mutexes;
};

SharedPool&
shared_pool()
{
  // Never cleaned up: handles may outlive static destruction order.
  static SharedPool pool;
  return pool;
}

struct ThreadHandle
{
  CURL* curl = curl_easy_init();
  ~ThreadHandle() { curl_easy_cleanup(curl); }
};

CURL*
thread_handle()
{
  shared_pool(); // curl_global_init, once, before any handle exists
  thread_local ThreadHandle handle;
  if (handle.curl == nullptr) {
    throw TransportError("cannot start libcurl");
  }
  curl_easy_reset(handle.curl);
  return handle.curl;
}

using Clock = std::chrono::steady_clock;

struct Exchange
{
  Exchange(const HttpRequest& request, HttpResponse& response, CURL* curl)
      : request(&request), response(&response), curl(curl)
  {
  }

  const HttpRequest* request;
  HttpResponse* response;
  CURL* curl;
  std::size_t sent = 0;
  std::string write_error;
  // For the stall timeout: the byte counts last seen, and when they moved.
  curl_off_t uploaded = 0;
  curl_off_t downloaded = 0;
  Clock::time_point last_progress = Clock::now();
  bool answered = false; // a byte of the answer came
  bool stalled = false;
};

std::size_t
read_body(char* buffer, std::size_t size, std::size_t count, void* data)
{
  auto* exchange = static_cast<Exchange*>(data);
  const auto& request = *exchange->request;
  if (request.body_fd >= 0) {
    std::size_t want =
        std::min<std::uint64_t>(size * count, request.body_size - exchange->sent);
    if (want == 0) {
      return 0;
    }
    ssize_t n;
    do {
      n = ::pread(request.body_fd, buffer, want,
                  static_cast<off_t>(request.body_offset + exchange->sent));
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
      return CURL_READFUNC_ABORT; // the file shrank or cannot be read
    }
    exchange->sent += static_cast<std::size_t>(n);
    return static_cast<std::size_t>(n);
  }
  std::string_view body = request.body;
  std::size_t n = std::min(size * count, body.size() - exchange->sent);
  std::memcpy(buffer, body.data() + exchange->sent, n);
  exchange->sent += n;
  return n;
}

std::size_t
write_body(char* buffer, std::size_t size, std::size_t count, void* data)
{
  auto* exchange = static_cast<Exchange*>(data);
  std::size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(exchange->curl, CURLINFO_RESPONSE_CODE, &status);
  int fd = exchange->request->response_fd;
  if (fd >= 0 && status >= 200 && status < 300) {
    std::uint64_t end =
        exchange->request->response_offset + exchange->response->body_size;
    if (n > exchange->request->response_limit -
                std::min(end, exchange->request->response_limit)) {
      exchange->response->too_long = true;
      return 0; // aborts the transfer
    }
    std::size_t done = 0;
    while (done < n) {
      ssize_t written =
          ::pwrite(fd, buffer + done, n - done,
                   static_cast<off_t>(exchange->request->response_offset +
                                      exchange->response->body_size + done));
      if (written < 0 && errno == EINTR) {
        continue;
      }
      if (written <= 0) {
        exchange->write_error = std::strerror(errno);
        return 0; // aborts the transfer
      }
      done += static_cast<std::size_t>(written);
    }
  } else {
    exchange->response->body.append(buffer, n);
  }
  exchange->response->body_size += n;
  return n;
}

std::size_t
read_header(char* buffer, std::size_t size, std::size_t count, void* data)
{
  auto* exchange = static_cast<Exchange*>(data);
  exchange->answered = true;
  exchange->last_progress = Clock::now();
  auto* response = exchange->response;
  std::string line(buffer, size * count);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    auto begin = line.find_first_not_of(" \t", colon + 1);
    auto end = line.find_last_not_of(" \t\r\n");
    response->headers[name] = begin == std::string::npos || end < begin
                                  ? ""
                                  : line.substr(begin, end - begin + 1);
  }
  return size * count;
}

// libcurl calls this at least once a second: aborts the transfer when no
// byte moved either way for the request's stall_seconds.
int
watch_progress(
    void* data, curl_off_t, curl_off_t downloaded, curl_off_t, curl_off_t uploaded)
{
  auto* exchange = static_cast<Exchange*>(data);
  auto now = Clock::now();
  if (downloaded != exchange->downloaded || uploaded != exchange->uploaded) {
    exchange->answered = exchange->answered || downloaded > 0;
    exchange->downloaded = downloaded;
    exchange->uploaded = uploaded;
    exchange->last_progress = now;
    return 0;
  }
  if (now - exchange->last_progress >=
      std::chrono::seconds(exchange->request->stall_seconds)) {
    exchange->stalled = true;
    return 1;
  }
  return 0;
}

// Why a transfer failed, for TransportError.
TransportError
transport_error(const Exchange& exchange, CURLcode code)
{
  int seconds = exchange.request->stall_seconds;
  if (exchange.stalled) {
    long connects = 0;
    curl_easy_getinfo(exchange.curl, CURLINFO_NUM_CONNECTS, &connects);
    return TransportError(exchange.answered
                              ? "the answer stopped for " + std::to_string(seconds) + " s"
                              : "no answer for " + std::to_string(seconds) + " s",
                          true, connects == 0);
  }
  // With no overall timeout set, only the connect timeout ends here.
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return TransportError(
        "no connection within " + std::to_string(k_connect_seconds) + " s", true);
  }
  return TransportError(curl_easy_strerror(code));
}

} // namespace

HttpResponse
send_request(const HttpRequest& request)
{
  CURL* curl = thread_handle();
  HttpResponse response;
  Exchange exchange(request, response, curl);

  curl_slist* headers = nullptr;
  for (const auto& header : request.headers) {
    headers = curl_slist_append(headers, header.c_str());
  }
  headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip
  curl_easy_setopt(curl, CURLOPT_SHARE, shared_pool().share());
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  // The shared pool keeps 5 connections by default: fewer than the threads.
  curl_easy_setopt(curl, CURLOPT_MAXCONNECTS, 256L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(k_connect_seconds));
  curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, request.fresh_connection ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, watch_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, read_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &exchange);
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT" || request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(curl, CURLOPT_READDATA, &exchange);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                     static_cast<curl_off_t>(request.body_fd >= 0 ? request.body_size
                                                                  : request.body.size()));
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (!exchange.write_error.empty()) {
    throw Error("cannot write a download: " + exchange.write_error);
  }
  if (code != CURLE_OK && !response.too_long) {
    throw transport_error(exchange, code);
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

} // namespace trove::s3
