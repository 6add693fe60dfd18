#include <trove/remote/object_format.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/hash.hpp>

#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace trove::remote {

namespace {

constexpr std::uint8_t k_format_version = 1;
constexpr std::uint64_t k_probe_size = 4 << 20;

core::Fd
create_file(const fs::path& path)
{
  core::Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd) {
    int code = errno;
    throw WriteError("cannot create " + path.string() + ": " + std::strerror(code), code);
  }
  return fd;
}

void
write_all(int fd, const void* data, std::size_t size, const fs::path& path)
{
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      int code = errno;
      throw WriteError("cannot write " + path.string() + ": " + std::strerror(code),
                       code);
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

// Reads up to `size` bytes; fewer only at the end of the file.
std::size_t
read_some(int fd, char* buffer, std::size_t size, const fs::path& path)
{
  return core::read_full(fd, buffer, size, path);
}

std::string
header(Compression compression)
{
  std::string bytes(k_object_magic);
  bytes += static_cast<char>(k_format_version);
  bytes += static_cast<char>(compression);
  bytes.resize(k_object_header_size, '\0');
  return bytes;
}

struct CStreamFree
{
  void
  operator()(ZSTD_CStream* stream) const
  {
    ZSTD_freeCStream(stream);
  }
};
struct DStreamFree
{
  void
  operator()(ZSTD_DStream* stream) const
  {
    ZSTD_freeDStream(stream);
  }
};

// Compresses `in` into `out` after a header, hashing what it reads; the
// bytes written, header included, or UINT64_MAX once the first megabytes
// show that the data does not compress (so a large random file is not
// compressed in vain).
std::uint64_t
write_compressed(int in,
                 const fs::path& source,
                 int out,
                 const fs::path& dest,
                 int level,
                 core::Sha256& hash)
{
  // One context per thread, reused: creating one costs more than
  // compressing a small file.
  thread_local std::unique_ptr<ZSTD_CStream, CStreamFree> stream(ZSTD_createCStream());
  ZSTD_CCtx_reset(stream.get(), ZSTD_reset_session_and_parameters);
  ZSTD_CCtx_setParameter(stream.get(), ZSTD_c_compressionLevel, level);
  auto head = header(Compression::zstd);
  write_all(out, head.data(), head.size(), dest);
  std::uint64_t written = head.size();
  std::uint64_t consumed = 0;
  thread_local std::vector<char> input(ZSTD_CStreamInSize());
  thread_local std::vector<char> output(ZSTD_CStreamOutSize());
  for (;;) {
    std::size_t got = read_some(in, input.data(), input.size(), source);
    hash.update(input.data(), got);
    bool last = got < input.size();
    ZSTD_inBuffer in_buffer{input.data(), got, 0};
    for (;;) {
      ZSTD_outBuffer out_buffer{output.data(), output.size(), 0};
      std::size_t left = ZSTD_compressStream2(stream.get(), &out_buffer, &in_buffer,
                                              last ? ZSTD_e_end : ZSTD_e_continue);
      if (ZSTD_isError(left)) {
        throw Error("cannot compress " + source.string() + ": " +
                    ZSTD_getErrorName(left));
      }
      write_all(out, output.data(), out_buffer.pos, dest);
      written += out_buffer.pos;
      if (last ? left == 0 : in_buffer.pos == in_buffer.size) {
        break;
      }
    }
    consumed += got;
    if (last) {
      return written;
    }
    // zstd holds back up to a block, so "not smaller" means saving < 5%.
    if (consumed >= k_probe_size && written * 100 >= consumed * 95) {
      return UINT64_MAX;
    }
  }
}

void
copy_raw(
    int in, const fs::path& source, int out, const fs::path& dest, core::Sha256& hash)
{
  char* buffer = core::io_buffer();
  while (std::size_t got = read_some(in, buffer, core::k_io_buffer_size, source)) {
    hash.update(buffer, got);
    write_all(out, buffer, got, dest);
  }
}

[[noreturn]] void
throw_too_large(const std::string& what, const SizeLimit& limit)
{
  throw Error(what + ": decodes to more than " + limit.meaning + " (" +
              std::to_string(limit.bytes) + " bytes)");
}

} // namespace

std::string
encode_object(const fs::path& source, const fs::path& dest, const Encoding& encoding)
{
  auto in = core::open_read(source);
  auto out = create_file(dest);
  char start[k_object_header_size];
  std::size_t start_size = read_some(in.get(), start, sizeof start, source);
  bool starts_with_magic =
      std::string_view(start, start_size).starts_with(k_object_magic);
  struct stat st = {};
  if (::lseek(in.get(), 0, SEEK_SET) != 0 || ::fstat(in.get(), &st) != 0) {
    // Encoding from the wrong offset, or against a wrong size, would send
    // a broken object.
    throw Error(core::errno_message(source, "cannot read"));
  }
  auto size = static_cast<std::uint64_t>(st.st_size);
  if (encoding.compression == Compression::zstd) {
    core::Sha256 hash;
    if (write_compressed(in.get(), source, out.get(), dest, encoding.level, hash) <
        size) {
      return hash.finish_hex();
    }
    // Incompressible: start again with the raw bytes.
    if (::ftruncate(out.get(), 0) != 0 || ::lseek(out.get(), 0, SEEK_SET) != 0 ||
        ::lseek(in.get(), 0, SEEK_SET) != 0) {
      int code = errno;
      throw WriteError("cannot rewrite " + dest.string() + ": " + std::strerror(code),
                       code);
    }
  }
  if (starts_with_magic) {
    auto head = header(Compression::none);
    write_all(out.get(), head.data(), head.size(), dest);
  }
  core::Sha256 hash;
  copy_raw(in.get(), source, out.get(), dest, hash);
  return hash.finish_hex();
}

std::string
decode_object(const fs::path& source,
              const fs::path& dest,
              const std::string& what,
              const SizeLimit& limit)
{
  auto in = core::open_read(source);
  auto out = create_file(dest);
  core::Sha256 hash;
  std::uint64_t decoded = 0;
  auto emit = [&](const char* data, std::size_t size) {
    if (size > limit.bytes - decoded) {
      throw_too_large(what, limit);
    }
    decoded += size;
    hash.update(data, size);
    write_all(out.get(), data, size, dest);
  };
  char start[k_object_header_size];
  std::size_t start_size = read_some(in.get(), start, sizeof start, source);
  if (start_size < k_object_header_size ||
      !std::string_view(start, start_size).starts_with(k_object_magic)) {
    emit(start, start_size); // raw bytes
    char* buffer = core::io_buffer();
    while (std::size_t got =
               read_some(in.get(), buffer, core::k_io_buffer_size, source)) {
      emit(buffer, got);
    }
    return hash.finish_hex();
  }
  if (static_cast<std::uint8_t>(start[8]) != k_format_version) {
    throw Error(what + ": object format version " +
                std::to_string(std::uint8_t(start[8])) +
                " is newer than this trove knows (1)");
  }
  auto compression = static_cast<Compression>(start[9]);
  if (compression == Compression::none) {
    char* buffer = core::io_buffer();
    while (std::size_t got =
               read_some(in.get(), buffer, core::k_io_buffer_size, source)) {
      emit(buffer, got);
    }
    return hash.finish_hex();
  }
  if (compression != Compression::zstd) {
    throw Error(what + ": unknown compression " + std::to_string(std::uint8_t(start[9])));
  }
  thread_local std::unique_ptr<ZSTD_DStream, DStreamFree> stream(ZSTD_createDStream());
  ZSTD_DCtx_reset(stream.get(), ZSTD_reset_session_only);
  thread_local std::vector<char> input(ZSTD_DStreamInSize());
  thread_local std::vector<char> output(ZSTD_DStreamOutSize());
  std::size_t left = 1; // bytes the frame still needs; 0 once it ended
  bool first = true;
  while (std::size_t got = read_some(in.get(), input.data(), input.size(), source)) {
    // A frame that says how large it is can be refused unread; one that
    // does not (or lies) is stopped by emit().
    auto claimed =
        first ? ZSTD_getFrameContentSize(input.data(), got) : ZSTD_CONTENTSIZE_UNKNOWN;
    if (claimed != ZSTD_CONTENTSIZE_UNKNOWN && claimed != ZSTD_CONTENTSIZE_ERROR &&
        claimed > limit.bytes) {
      throw_too_large(what, limit);
    }
    first = false;
    ZSTD_inBuffer in_buffer{input.data(), got, 0};
    bool output_full = false; // zstd may hold more output for us
    while (in_buffer.pos < in_buffer.size || output_full) {
      ZSTD_outBuffer out_buffer{output.data(), output.size(), 0};
      left = ZSTD_decompressStream(stream.get(), &out_buffer, &in_buffer);
      if (ZSTD_isError(left)) {
        throw Error(what + ": corrupt compressed data (" + ZSTD_getErrorName(left) + ")");
      }
      emit(output.data(), out_buffer.pos);
      output_full = out_buffer.pos == out_buffer.size;
    }
  }
  if (left != 0) {
    throw Error(what + ": compressed data ends early");
  }
  return hash.finish_hex();
}

std::uint64_t
most_encoded_size(std::uint64_t size)
{
  if (size > UINT64_MAX / 2) {
    return UINT64_MAX;
  }
  return k_object_header_size + std::max<std::uint64_t>(size, ZSTD_compressBound(size));
}

} // namespace trove::remote
