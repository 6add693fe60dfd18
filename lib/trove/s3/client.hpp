#pragma once

#include <trove/s3/connection.hpp>
#include <trove/s3/http.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace trove::s3 {

namespace fs = std::filesystem;

// The S3 operations trove needs, each signed with Signature Version 4 and
// retried with exponential backoff and jitter on network failures, 5xx and
// 429 answers; any other error answer fails at once with the server's code
// and message. Errors are trove::Error prefixed with `name`.
class Client
{
public:
  Client(Connection connection, std::string name, unsigned jobs);

  const Connection&
  connection() const
  {
    return m_connection;
  }

  // Objects above this size are sent in parts, `jobs` at a time (within the
  // budget of a command's jobs, see core::parallel_for), and read back in
  // ranges of it. Bodies are read from the file as they are sent.
  static constexpr std::uint64_t k_part_size = 16 << 20;
  static constexpr std::uint64_t k_multipart_threshold = 64 << 20;

  // HeadObject: whether the bucket holds `key`.
  bool exists(const std::string& key);
  enum class Got
  {
    object,
    no_such_key,
    too_large
  };
  // GetObject into the new file `dest`, in ranged parts when large. An
  // object larger than `most` bytes is not read beyond that (too_large).
  Got get(const std::string& key, const fs::path& dest, std::uint64_t most = UINT64_MAX);
  // PutObject of the file `source`, or a multipart upload when large
  // (aborted if a part fails, so no part is left behind).
  void put(const std::string& key, const fs::path& source);
  // ListObjectsV2 over every page: the keys that start with `prefix`. With
  // `first_page_only`, stops after one page and tells whether it was all.
  std::vector<std::string> list(const std::string& prefix,
                                bool* first_page_only = nullptr);
  // DeleteObjects, 1,000 keys per request.
  void remove(const std::vector<std::string>& keys);
  // Throws when the bucket does not exist or cannot be read.
  void check_bucket();

private:
  using Query = std::vector<std::pair<std::string, std::string>>;
  struct Call
  {
    Call(std::string method, std::string key, Query query = {})
        : method(std::move(method)), key(std::move(key)), query(std::move(query))
    {
    }
    std::string method;
    std::string key; // "" for the bucket
    Query query;
    std::string_view body;
    // Or `size` bytes of the file `fd` from `offset`, read as they are sent
    // (no buffer: an upload of J parts at once holds none of them in memory).
    void set_body(int fd, std::uint64_t offset, std::uint64_t size, const fs::path& path);
    int body_fd = -1;
    std::uint64_t body_offset = 0;
    std::uint64_t body_size = 0;
    std::string body_hash;
    std::vector<std::pair<std::string, std::string>> headers; // lower-case names
    int response_fd = -1;
    std::uint64_t response_offset = 0;
    std::uint64_t response_limit = UINT64_MAX;
  };

  // Sends `call`, retrying what may succeed later; returns the answer
  // (any status) or throws when there is none after the last attempt.
  HttpResponse send(const Call& call);
  // `send`, and an error unless the status is one of `expected`.
  HttpResponse send_expecting(const Call& call, std::initializer_list<long> expected);
  [[noreturn]] void fail(const Call& call, const HttpResponse& response) const;

  void put_in_parts(const std::string& key,
                    int fd,
                    std::uint64_t size,
                    const fs::path& source);

  Connection m_connection;
  std::string m_name;
  unsigned m_jobs;
  std::atomic<bool> m_unreachable = false; // a request failed every attempt
};

} // namespace trove::s3
