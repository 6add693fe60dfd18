#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace trove::core {

namespace fs = std::filesystem;

inline constexpr std::size_t k_io_buffer_size = 1024 * 1024;

// This thread's I/O buffer of k_io_buffer_size bytes: allocated once, as a
// fresh megabyte per file (zeroed, page-faulted) costs more than a small
// file's whole copy.
char* io_buffer();

// An owned file descriptor.
class Fd
{
public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() { close(); }
  Fd(Fd&& other) noexcept : m_fd(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int
  get() const
  {
    return m_fd;
  }
  explicit operator bool() const { return m_fd >= 0; }
  int release();
  void close();

private:
  int m_fd = -1;
};

// Opens for reading; throws trove::Error naming the file.
Fd open_read(const fs::path& path);

// Reads a whole file; throws trove::Error naming the file.
std::string read_file(const fs::path& path);

// Reads until `size` bytes are in `buffer` or the file ends, retrying after
// EINTR; returns the count (less than `size` only at the end). Throws
// trove::Error naming `name`.
std::size_t read_full(int fd, char* buffer, std::size_t size, const fs::path& name);

// Writes all of `data`, retrying after EINTR and short writes. Throws
// trove::Error naming `name`.
void write_all(int fd, std::string_view data, const fs::path& name);

// The prefix of every temp file trove makes, in .trove/tmp or beside a
// workspace file: scans skip such names.
inline constexpr std::string_view k_temp_prefix = ".trove-tmp.";

// A unique, not yet existing name in `dir` for a temporary file:
// ".trove-tmp.<pid>.<n>.<random>", so a sweep can tell whose it is.
fs::path temp_path_in(const fs::path& dir);

// The pid in a temp file's name, or 0 when the name is not one of ours.
int temp_owner(std::string_view filename);

// Writes a file that readers see either whole or not at all: a temp file in
// `tmp_dir` (default: beside the target), fsync, rename over the target, fsync
// of the directory. The destructor removes the temp file unless commit() ran.
class AtomicFile
{
public:
  explicit AtomicFile(fs::path target,
                      const fs::path& tmp_dir = {},
                      unsigned mode = 0666);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);
  void commit();

private:
  fs::path m_target;
  fs::path m_tmp;
  Fd m_fd;
};

void write_file_atomic(const fs::path& path, std::string_view data);

// Waits until a file's data has reached the device, without forcing a
// journal commit per file; a later fsync (of the pointer file that refers to
// the data) makes it durable together with the metadata.
void flush_file_data(int fd, const fs::path& name);

// fsync of a directory, so that a rename in it is durable.
void fsync_directory(const fs::path& dir);

// Copies `src` to a new file `dst` (mode 0444) and returns the SHA-256 of
// the bytes copied. Write-back to the device is started, not awaited: call
// wait_for_writeback(dst) before the copy may be relied on. Large files are
// copied in the kernel while another thread hashes the source, and the source
// must keep its stamp throughout (else trove::Error: it changed while read).
std::string copy_and_hash(const fs::path& src, const fs::path& dst);

// Waits until a file's data has reached the device (see flush_file_data).
void wait_for_writeback(const fs::path& path);

// Copies `src` to a new file `dst` with `mode`, in the kernel where possible.
void copy_file_contents(const fs::path& src, const fs::path& dst, unsigned mode);

// Shares `src`'s extents with a new file `dst` (FICLONE). False when the file
// system cannot.
bool try_reflink(const fs::path& src, const fs::path& dst);

// Renames, and throws trove::Error naming both paths on failure.
void rename_path(const fs::path& from, const fs::path& to);

// Removes a file, ignoring "does not exist".
void remove_file(const fs::path& path);

// The std::filesystem calls trove makes, with failures thrown as trove::Error
// naming the path (never std::filesystem::filesystem_error, which per-output
// handlers would not catch).
void create_directories(const fs::path& dir);
// Removes a file or a whole tree, ignoring "does not exist".
void remove_all(const fs::path& path);
// The size of a file.
std::uint64_t file_size(const fs::path& path);
// The entries of a directory (in no particular order); a missing directory
// has none.
std::vector<fs::directory_entry> list_directory(const fs::path& dir);

// The message of a failed std::filesystem call: "cannot <what> <path>: <why>".
std::string
fs_error_message(const fs::path& path, std::string_view what, const std::error_code& ec);

// True when `path` (absolute, lexically normal) is `root` or below it.
bool is_within(const fs::path& root, const fs::path& path);

// True when `relative` is a safe relative path: not empty, not absolute, no
// `..` or `.` component, no empty component, no NUL or newline.
bool is_safe_relative_path(std::string_view relative);

// Strips write permission bits (files in the cache and linked copies of them
// are read-only so that an edit cannot corrupt the cache).
void make_read_only(const fs::path& path);

std::string errno_message(const fs::path& path, std::string_view what);

} // namespace trove::core
