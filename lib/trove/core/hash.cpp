#include <trove/core/hash.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>

#include <openssl/evp.h>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <vector>

namespace trove::core {

Digest::Digest(Algorithm algorithm) : m_ctx(EVP_MD_CTX_new())
{
  const EVP_MD* md = algorithm == Algorithm::sha256 ? EVP_sha256() : EVP_md5();
  if (!m_ctx || EVP_DigestInit_ex(m_ctx, md, nullptr) != 1) {
    EVP_MD_CTX_free(m_ctx);
    throw Error("cannot initialise a digest (OpenSSL)");
  }
}

Digest::~Digest() { EVP_MD_CTX_free(m_ctx); }

void
Digest::update(const void* data, std::size_t size)
{
  EVP_DigestUpdate(m_ctx, data, size);
}

std::string
Digest::finish_hex()
{
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(m_ctx, digest, &length);
  static const char k_hex[] = "0123456789abcdef";
  std::string hex(length * 2, '0');
  for (unsigned i = 0; i < length; ++i) {
    hex[2 * i] = k_hex[digest[i] >> 4];
    hex[2 * i + 1] = k_hex[digest[i] & 0xf];
  }
  return hex;
}

std::string
sha256_hex(std::string_view data)
{
  Sha256 hasher;
  hasher.update(data);
  return hasher.finish_hex();
}

namespace {
std::atomic<std::size_t> g_files_hashed{0};
std::atomic<std::size_t> g_bytes_hashed{0};
} // namespace

HashStatistics
hash_statistics()
{
  return {g_files_hashed, g_bytes_hashed};
}

void
count_hashed_file(std::size_t bytes)
{
  ++g_files_hashed;
  g_bytes_hashed += bytes;
}

std::string
sha256_fd(int fd, const std::filesystem::path& name)
{
  Sha256 hasher;
  std::size_t total = 0;
  char* buffer = io_buffer();
  while (std::size_t n = read_full(fd, buffer, k_io_buffer_size, name)) {
    hasher.update(buffer, n);
    total += n;
  }
  count_hashed_file(total);
  return hasher.finish_hex();
}

std::string
sha256_file(const std::filesystem::path& path)
{
  Fd fd = open_read(path);
  posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  return sha256_fd(fd.get(), path);
}

} // namespace trove::core
