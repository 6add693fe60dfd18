#include <trove/s3/client.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/hash.hpp>
#include <trove/core/parallel.hpp>
#include <trove/s3/signing.hpp>
#include <trove/s3/xml.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <unistd.h>
#include <vector>

namespace trove::s3 {

namespace {

constexpr int k_attempts = 5;
constexpr std::size_t k_delete_batch = 1000;

bool
worth_retrying(long status)
{
  return status >= 500 || status == 429;
}

// 0.25 s, 0.5 s, 1 s, 2 s..., each scaled by a random factor in [0.5, 1.5)
// so that many threads failing together do not retry together.
void
back_off(int attempt)
{
  thread_local std::mt19937 generator(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.5, 1.5);
  double seconds = 0.25 * (1 << attempt) * jitter(generator);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

// The SHA-256 of `size` bytes of `fd` from `offset`: the payload hash of a
// body sent from the file rather than from memory.
std::string
hash_range(int fd, std::uint64_t offset, std::uint64_t size, const fs::path& path)
{
  core::Sha256 hash;
  std::vector<char> buffer(std::min<std::uint64_t>(size, 1 << 20));
  std::uint64_t done = 0;
  while (done < size) {
    ssize_t n =
        ::pread(fd, buffer.data(), std::min<std::uint64_t>(buffer.size(), size - done),
                static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      throw Error("cannot read " + path.string() + ": " +
                  (n == 0 ? "file shrank" : std::strerror(errno)));
    }
    hash.update(buffer.data(), static_cast<std::size_t>(n));
    done += static_cast<std::uint64_t>(n);
  }
  return hash.finish_hex();
}

// The total size in a Content-Range answer, "bytes 0-9/1234" or "bytes */0".
std::uint64_t
total_size(const HttpResponse& response)
{
  auto it = response.headers.find("content-range");
  if (it == response.headers.end() || it->second.find('/') == std::string::npos) {
    throw Error("the server answered a ranged read without a Content-Range");
  }
  return std::stoull(it->second.substr(it->second.find('/') + 1));
}

std::string
range_header(std::uint64_t offset, std::uint64_t size)
{
  return "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + size - 1);
}

} // namespace

void
Client::Call::set_body(int fd,
                       std::uint64_t offset,
                       std::uint64_t size,
                       const fs::path& path)
{
  body_fd = fd;
  body_offset = offset;
  body_size = size;
  body_hash = hash_range(fd, offset, size, path);
}

Client::Client(Connection connection, std::string name, unsigned jobs)
    : m_connection(std::move(connection)), m_name(std::move(name)), m_jobs(jobs)
{
}

HttpResponse
Client::send(const Call& call)
{
  std::string payload_hash = call.body_fd >= 0   ? call.body_hash
                             : call.body.empty() ? std::string(k_empty_payload_hash)
                                                 : core::sha256_hex(call.body);
  std::string query = canonical_query(call.query);
  std::string url = m_connection.url_of(call.key) + (query.empty() ? "" : "?" + query);
  auto unreachable = [&](const std::string& why) {
    return Error(m_name + ": cannot reach " + m_connection.endpoint + ": " + why);
  };
  if (m_unreachable) { // once retried in vain, the next requests would fail alike
    throw unreachable("gave up after earlier attempts");
  }
  bool fresh_connection = false;
  for (int attempt = 0;; ++attempt) {
    RequestToSign signing{
        call.method, m_connection.path_of(call.key), call.query, {}, payload_hash};
    std::string date = amz_date(std::time(nullptr));
    signing.headers = {{"host", m_connection.host()},
                       {"x-amz-content-sha256", payload_hash},
                       {"x-amz-date", date}};
    if (!m_connection.credentials.session_token.empty()) {
      signing.headers["x-amz-security-token"] = m_connection.credentials.session_token;
    }
    for (const auto& [name, value] : call.headers) {
      signing.headers[name] = value;
    }
    HttpRequest request{call.method, url, {}, call.body};
    request.body_fd = call.body_fd;
    request.body_offset = call.body_offset;
    request.body_size = call.body_size;
    request.response_fd = call.response_fd;
    request.response_offset = call.response_offset;
    request.response_limit = call.response_limit;
    request.fresh_connection = fresh_connection;
    for (const auto& [name, value] : signing.headers) {
      request.headers.push_back(name + ": " + value);
    }
    request.headers.push_back(
        "authorization: " +
        authorization(signing, m_connection.credentials, m_connection.region, date));
    try {
      auto response = send_request(request);
      if (!worth_retrying(response.status) || attempt + 1 == k_attempts) {
        return response;
      }
    } catch (const TransportError& e) {
      // A stall on a pooled connection may be a connection that died
      // silently (an expired NAT entry): worth one more try on a new one. A
      // stall on a new connection is a server that does not answer, and
      // would only make every attempt wait as long again.
      if (e.stalled && !(e.reused && !fresh_connection)) {
        m_unreachable = true;
        throw unreachable(e.what());
      }
      if (attempt + 1 == k_attempts || m_unreachable) {
        m_unreachable = true;
        throw unreachable(e.what() + (" (" + std::to_string(attempt + 1) + " attempts)"));
      }
      fresh_connection = e.stalled;
    }
    back_off(attempt);
  }
}

void
Client::fail(const Call& call, const HttpResponse& response) const
{
  std::string what = call.key.empty() ? "bucket '" + m_connection.bucket + "'"
                                      : call.method + " " + call.key;
  std::string message =
      m_name + ": " + what + ": HTTP " + std::to_string(response.status);
  if (auto code = xml_value(response.body, "Code")) {
    message += " " + *code;
  }
  if (auto text = xml_value(response.body, "Message")) {
    message += ": " + *text;
  } else if (response.status == 403) {
    message += ": access denied (check the credentials and the region)";
  } else if (response.status == 404 && call.method == "HEAD") {
    message += ": not found";
  }
  throw Error(message);
}

HttpResponse
Client::send_expecting(const Call& call, std::initializer_list<long> expected)
{
  auto response = send(call);
  for (long status : expected) {
    if (response.status == status) {
      return response;
    }
  }
  fail(call, response);
}

bool
Client::exists(const std::string& key)
{
  Call call{"HEAD", m_connection.prefix + key};
  auto response = send(call);
  if (response.status != 200 && response.status != 404) {
    check_bucket(); // a HEAD answer has no body: a GET tells the server's error code
    fail(call, response);
  }
  return response.status == 200;
}

void
Client::check_bucket()
{
  send_expecting(Call("GET", "", {{"list-type", "2"}, {"max-keys", "0"}}), {200});
}

Client::Got
Client::get(const std::string& key, const fs::path& dest, std::uint64_t most)
{
  core::Fd fd(::open(dest.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) {
    throw Error("cannot create " + dest.string() + ": " + std::strerror(errno));
  }
  // The first range is one byte more than `most` at most, so that an
  // object that is too large shows it without being read.
  Call first{"GET", m_connection.prefix + key};
  first.headers = {
      {"range", range_header(0, most < k_part_size ? most + 1 : k_part_size)}};
  first.response_fd = fd.get();
  first.response_limit = most; // a server may ignore the range
  auto response = send_expecting(first, {200, 206, 404, 416});
  if (response.status == 404) {
    if (xml_value(response.body, "Code").value_or("NoSuchKey") != "NoSuchKey") {
      fail(first, response); // NoSuchBucket
    }
    return Got::no_such_key;
  }
  if (response.too_long) {
    return Got::too_large;
  }
  // 200: the server sent it all; 416: the object is empty.
  if (response.status == 206) {
    std::uint64_t size = total_size(response);
    if (size > most) {
      return Got::too_large;
    }
    std::size_t parts = (size + k_part_size - 1) / k_part_size;
    core::parallel_for(parts > 0 ? parts - 1 : 0, m_jobs, [&](std::size_t i) {
      std::uint64_t offset = (i + 1) * k_part_size;
      Call part{"GET", first.key};
      part.headers = {
          {"range", range_header(offset, std::min(k_part_size, size - offset))}};
      part.response_fd = fd.get();
      part.response_offset = offset;
      part.response_limit = size;
      send_expecting(part, {206});
    });
  }
  return Got::object;
}

void
Client::put(const std::string& key, const fs::path& source)
{
  auto fd = core::open_read(source);
  std::uint64_t size = core::file_size(source);
  if (size > k_multipart_threshold) {
    put_in_parts(m_connection.prefix + key, fd.get(), size, source);
    return;
  }
  Call call{"PUT", m_connection.prefix + key};
  call.set_body(fd.get(), 0, size, source);
  send_expecting(call, {200});
}

void
Client::put_in_parts(const std::string& key,
                     int fd,
                     std::uint64_t size,
                     const fs::path& source)
{
  auto started = send_expecting(Call("POST", key, {{"uploads", ""}}), {200});
  auto upload_id = xml_value(started.body, "UploadId");
  if (!upload_id) {
    throw Error(m_name +
                ": no UploadId in the answer to starting a multipart upload of " + key);
  }
  std::size_t parts = (size + k_part_size - 1) / k_part_size;
  std::vector<std::string> etags(parts);
  try {
    core::parallel_for(parts, m_jobs, [&](std::size_t i) {
      std::uint64_t offset = i * k_part_size;
      Call call{
          "PUT", key, {{"partNumber", std::to_string(i + 1)}, {"uploadId", *upload_id}}};
      call.set_body(fd, offset, std::min(k_part_size, size - offset), source);
      auto response = send_expecting(call, {200});
      etags[i] = response.headers["etag"];
    });
    std::string body = "<CompleteMultipartUpload>";
    for (std::size_t i = 0; i < parts; ++i) {
      body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
              xml_escape(etags[i]) + "</ETag></Part>";
    }
    body += "</CompleteMultipartUpload>";
    Call complete{"POST", key, {{"uploadId", *upload_id}}};
    complete.body = body;
    auto response = send_expecting(complete, {200});
    if (xml_value(response.body, "Code")) { // S3 may answer 200 and an error
      fail(complete, response);
    }
  } catch (...) {
    try {
      send(Call("DELETE", key, {{"uploadId", *upload_id}}));
    } catch (const std::exception&) {
      // The first failure is the one to report.
    }
    throw;
  }
}

std::vector<std::string>
Client::list(const std::string& prefix, bool* first_page_only)
{
  std::vector<std::string> keys;
  std::string token;
  std::set<std::string> tokens_seen;
  const std::string full_prefix = m_connection.prefix + prefix;
  do {
    Call call{"GET", "", {{"list-type", "2"}, {"prefix", full_prefix}}};
    if (!token.empty()) {
      call.query.emplace_back("continuation-token", token);
    }
    auto response = send_expecting(call, {200});
    for (auto& key : xml_values(response.body, "Key")) {
      // A server may answer keys outside the prefix; they are not ours.
      if (key.starts_with(full_prefix)) {
        keys.push_back(key.substr(m_connection.prefix.size()));
      }
    }
    token = xml_value(response.body, "IsTruncated") == "true"
                ? xml_value(response.body, "NextContinuationToken").value_or("")
                : "";
    if (!token.empty() && !tokens_seen.insert(token).second) {
      throw Error(m_name + ": the server answered the continuation token '" + token +
                  "' twice while listing '" + full_prefix +
                  "'; the listing would never end");
    }
    if (first_page_only) {
      *first_page_only = token.empty();
      break;
    }
  } while (!token.empty());
  return keys;
}

void
Client::remove(const std::vector<std::string>& keys)
{
  std::size_t batches = (keys.size() + k_delete_batch - 1) / k_delete_batch;
  std::mutex mutex;
  std::vector<std::string> failures;
  core::parallel_for(batches, m_jobs, [&](std::size_t b) {
    std::string body = "<Delete><Quiet>true</Quiet>";
    for (std::size_t i = b * k_delete_batch;
         i < std::min(keys.size(), (b + 1) * k_delete_batch); ++i) {
      body +=
          "<Object><Key>" + xml_escape(m_connection.prefix + keys[i]) + "</Key></Object>";
    }
    body += "</Delete>";
    Call call{"POST", "", {{"delete", ""}}};
    call.body = body;
    call.headers = {{"content-md5", base64_md5(body)}};
    auto response = send_expecting(call, {200});
    // Each key that could not be deleted comes back in an <Error>.
    std::lock_guard lock(mutex);
    for (const auto& error : xml_values(response.body, "Error")) {
      failures.push_back(xml_value(error, "Key").value_or("?") + " (" +
                         xml_value(error, "Code").value_or("?") + ")");
    }
  });
  if (!failures.empty()) {
    throw Error(m_name + ": cannot delete " + std::to_string(failures.size()) +
                " objects, " + "first " + failures.front());
  }
}

} // namespace trove::s3
