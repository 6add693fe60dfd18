#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace trove::core {

// A streaming digest through OpenSSL's EVP API (SHA-NI accelerated where
// the CPU has it).
class Digest
{
public:
  enum class Algorithm
  {
    sha256,
    md5 // DVC's object names, read by `trove migrate dvc`
  };
  explicit Digest(Algorithm algorithm);
  ~Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  void update(const void* data, std::size_t size);
  void
  update(std::string_view data)
  {
    update(data.data(), data.size());
  }
  // Returns the digest as lower-case hex digits; the object is spent.
  std::string finish_hex();

private:
  EVP_MD_CTX* m_ctx;
};

class Sha256 final : public Digest
{
public:
  Sha256() : Digest(Algorithm::sha256) {}
};

class Md5 final : public Digest
{
public:
  Md5() : Digest(Algorithm::md5) {}
};

std::string sha256_hex(std::string_view data);

// Hashes an open file descriptor from its current position to the end.
// `name` is used in error messages.
std::string sha256_fd(int fd, const std::filesystem::path& name);

// Hashes a file's bytes. Throws trove::Error naming the file.
std::string sha256_file(const std::filesystem::path& path);

// How many files and bytes this process has read to hash them (sha256_fd,
// sha256_file, copy_and_hash): shown by -v, and how tests see that an
// unchanged file was not read.
struct HashStatistics
{
  std::size_t files = 0;
  std::size_t bytes = 0;
};
HashStatistics hash_statistics();
void count_hashed_file(std::size_t bytes);

} // namespace trove::core
