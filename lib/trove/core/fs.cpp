#include <trove/core/fs.hpp>

#include <trove/core/error.hpp>
#include <trove/core/hash.hpp>

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

namespace trove::core {

Fd&
Fd::operator=(Fd&& other) noexcept
{
  if (this != &other) {
    close();
    m_fd = other.release();
  }
  return *this;
}

int
Fd::release()
{
  int fd = m_fd;
  m_fd = -1;
  return fd;
}

void
Fd::close()
{
  if (m_fd >= 0) {
    ::close(m_fd);
    m_fd = -1;
  }
}

std::string
errno_message(const fs::path& path, std::string_view what)
{
  return std::string(what) + " " + path.string() + ": " + std::strerror(errno);
}

char*
io_buffer()
{
  thread_local std::unique_ptr<char[]> buffer(new char[k_io_buffer_size]);
  return buffer.get();
}

Fd
open_read(const fs::path& path)
{
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    throw Error(errno_message(path, "cannot open"));
  }
  return fd;
}

std::size_t
read_full(int fd, char* buffer, std::size_t size, const fs::path& name)
{
  std::size_t total = 0;
  while (total < size) {
    ssize_t n = ::read(fd, buffer + total, size - total);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      throw Error(errno_message(name, "cannot read"));
    }
    if (n == 0) {
      break;
    }
    total += static_cast<std::size_t>(n);
  }
  return total;
}

void
write_all(int fd, std::string_view data, const fs::path& name)
{
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      throw Error(errno_message(name, "cannot write"));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

namespace {

void
fsync_or_throw(int fd, const fs::path& name)
{
  if (fsync(fd) != 0) {
    throw Error(errno_message(name, "cannot sync"));
  }
}

Fd
create_exclusive(const fs::path& path, unsigned mode)
{
  Fd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (!fd) {
    throw Error(errno_message(path, "cannot create"));
  }
  return fd;
}

} // namespace

std::string
read_file(const fs::path& path)
{
  Fd fd = open_read(path);
  struct stat st;
  // One allocation for a file whose size we know (+1 to see the end).
  std::size_t expected = fstat(fd.get(), &st) == 0 && st.st_size > 0
                             ? static_cast<std::size_t>(st.st_size)
                             : 0;
  std::string content(expected + 1, '\0');
  std::size_t used = 0;
  while (true) {
    std::size_t wanted = content.size() - used;
    std::size_t n = read_full(fd.get(), content.data() + used, wanted, path);
    used += n;
    if (n < wanted) {
      content.resize(used);
      return content;
    }
    content.resize(content.size() * 2);
  }
}

fs::path
temp_path_in(const fs::path& dir)
{
  static std::atomic<unsigned> counter{0};
  static const std::string pid = std::to_string(getpid());
  thread_local std::mt19937_64 random{std::random_device{}()};
  return dir / (std::string(k_temp_prefix) + pid + "." + std::to_string(counter++) + "." +
                std::to_string(random() % 1000000000));
}

int
temp_owner(std::string_view filename)
{
  // Exactly what temp_path_in makes, <prefix><pid>.<counter>.<random>, so
  // that a user's file that merely starts with the prefix is never taken for
  // a temp file and swept away.
  if (!filename.starts_with(k_temp_prefix)) {
    return 0;
  }
  std::string_view rest = filename.substr(k_temp_prefix.size());
  int fields = 0;
  for (std::size_t start = 0; start <= rest.size(); ++fields) {
    std::size_t end = std::min(rest.find('.', start), rest.size());
    if (end == start || fields == 3 ||
        !std::all_of(rest.begin() + static_cast<std::ptrdiff_t>(start),
                     rest.begin() + static_cast<std::ptrdiff_t>(end),
                     [](char c) { return c >= '0' && c <= '9'; })) {
      return 0;
    }
    start = end + 1;
  }
  return fields == 3 ? std::atoi(std::string(rest).c_str()) : 0;
}

AtomicFile::AtomicFile(fs::path target, const fs::path& tmp_dir, unsigned mode)
    : m_target(std::move(target)),
      m_tmp(temp_path_in(tmp_dir.empty() ? m_target.parent_path() : tmp_dir)),
      m_fd(create_exclusive(m_tmp, mode))
{
}

AtomicFile::~AtomicFile()
{
  if (m_fd) {
    m_fd.close();
    std::ignore = unlink(m_tmp.c_str()); // best effort; never committed
  }
}

void
AtomicFile::write(std::string_view data)
{
  write_all(m_fd.get(), data, m_tmp);
}

void
AtomicFile::commit()
{
  fsync_or_throw(m_fd.get(), m_tmp);
  m_fd.close();
  try {
    rename_path(m_tmp, m_target);
  } catch (...) {
    std::ignore = unlink(m_tmp.c_str()); // never committed: leave nothing behind
    throw;
  }
  fsync_directory(m_target.parent_path());
}

void
write_file_atomic(const fs::path& path, std::string_view data)
{
  AtomicFile file(path);
  file.write(data);
  file.commit();
}

void
fsync_directory(const fs::path& dir)
{
  Fd fd(open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd) {
    std::ignore = fsync(fd.get()); // best effort: some file systems refuse
  }
}

void
flush_file_data(int fd, const fs::path& name)
{
  // Write-out only, as git's core.fsyncMethod=batch: waits until the data
  // reached the device without a journal commit per file. The commit (and
  // the device cache flush) comes with the next fsync, at the latest when
  // the pointer or manifest that refers to this data is written.
  if (sync_file_range(fd, 0, 0,
                      SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                          SYNC_FILE_RANGE_WAIT_AFTER) != 0) {
    fsync_or_throw(fd, name); // a file system without sync_file_range
  }
}

namespace {

constexpr off_t k_writeback_step = 8 * 1024 * 1024;
// Above this, copying in the kernel while hashing in parallel beats one
// read-hash-write loop.
constexpr off_t k_parallel_copy_size = 64 * 1024 * 1024;

// Read, hash and write in one loop: small files.
std::string
copy_and_hash_serially(int in, int out, const fs::path& src, const fs::path& dst)
{
  Sha256 hasher;
  char* buffer = io_buffer();
  std::size_t total = 0;
  while (std::size_t n = read_full(in, buffer, k_io_buffer_size, src)) {
    hasher.update(buffer, n);
    write_all(out, {buffer, n}, dst);
    total += n;
  }
  count_hashed_file(total);
  return hasher.finish_hex();
}

// Copies in the kernel, starting write-back every few MiB.
void
copy_in_kernel(int in, int out, off_t size, const fs::path& src)
{
  off_t copied = 0;
  while (copied < size) {
    ssize_t n = copy_file_range(
        in, nullptr, out, nullptr,
        static_cast<std::size_t>(std::min(k_writeback_step, size - copied)), 0);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      throw Error(errno_message(src, "cannot copy"));
    }
    // Only starts write-back early; flush_file_data waits and checks.
    std::ignore = sync_file_range(out, copied, n, SYNC_FILE_RANGE_WRITE);
    copied += n;
  }
}

bool
same_stamp(const struct stat& a, const struct stat& b)
{
  return a.st_ino == b.st_ino && a.st_size == b.st_size &&
         a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec &&
         a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}

} // namespace

std::string
copy_and_hash(const fs::path& src, const fs::path& dst)
{
  Fd in = open_read(src);
  struct stat before;
  if (fstat(in.get(), &before) != 0) {
    throw Error(errno_message(src, "cannot stat"));
  }
  Fd out = create_exclusive(dst, 0444);
  if (before.st_size < k_parallel_copy_size) {
    auto hex = copy_and_hash_serially(in.get(), out.get(), src, dst);
    // Only starts write-back early; wait_for_writeback waits and checks.
    std::ignore = sync_file_range(out.get(), 0, 0, SYNC_FILE_RANGE_WRITE);
    return hex;
  }
  // The hash is of the source, read by a second descriptor while the kernel
  // copies; an unchanged stamp afterwards shows both saw the same bytes.
  std::string hex;
  std::exception_ptr hash_error;
  std::thread hasher([&] {
    try {
      hex = sha256_file(src);
    } catch (...) {
      hash_error = std::current_exception();
    }
  });
  try {
    copy_in_kernel(in.get(), out.get(), before.st_size, src);
  } catch (...) {
    hasher.join();
    throw;
  }
  hasher.join();
  if (hash_error) {
    std::rethrow_exception(hash_error);
  }
  struct stat after;
  if (fstat(in.get(), &after) != 0 || !same_stamp(before, after)) {
    throw Error(src.string() + " changed while it was being stored; try again");
  }
  return hex;
}

void
wait_for_writeback(const fs::path& path)
{
  Fd fd = open_read(path);
  flush_file_data(fd.get(), path);
}

void
copy_file_contents(const fs::path& src, const fs::path& dst, unsigned mode)
{
  Fd in = open_read(src);
  struct stat st;
  if (fstat(in.get(), &st) != 0) {
    throw Error(errno_message(src, "cannot stat"));
  }
  Fd out = create_exclusive(dst, mode);
  off_t remaining = st.st_size;
  while (remaining > 0) {
    ssize_t n = copy_file_range(in.get(), nullptr, out.get(), nullptr,
                                static_cast<std::size_t>(remaining), 0);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break; // fall back to read/write below
    }
    remaining -= n;
  }
  if (remaining > 0) {
    char* buffer = io_buffer();
    while (std::size_t n = read_full(in.get(), buffer, k_io_buffer_size, src)) {
      write_all(out.get(), {buffer, n}, dst);
    }
  }
  // Mode is set explicitly: the umask must not decide a checkout's permissions.
  if (fchmod(out.get(), mode) != 0) {
    throw Error(errno_message(dst, "cannot set the mode of"));
  }
}

namespace {

// File systems (by device) that refused a reflink: not asked again, so that
// "reflink,copy" on ext4 costs nothing per file after the first.
std::mutex g_no_reflink_mutex;
std::set<dev_t> g_no_reflink_devices;

bool
reflink_refused(dev_t device)
{
  std::lock_guard lock(g_no_reflink_mutex);
  return g_no_reflink_devices.count(device) > 0;
}

} // namespace

bool
try_reflink(const fs::path& src, const fs::path& dst)
{
  struct stat st;
  if (stat(src.c_str(), &st) != 0 || reflink_refused(st.st_dev)) {
    return false;
  }
  Fd in(open(src.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) {
    return false;
  }
  Fd out(open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
  if (!out) {
    return false;
  }
  if (ioctl(out.get(), FICLONE, in.get()) != 0) {
    if (errno == EOPNOTSUPP || errno == ENOTTY || errno == EINVAL || errno == EXDEV) {
      std::lock_guard lock(g_no_reflink_mutex);
      g_no_reflink_devices.insert(st.st_dev);
    }
    out.close();
    std::ignore = unlink(dst.c_str()); // we created it empty a moment ago
    return false;
  }
  return true;
}

void
rename_path(const fs::path& from, const fs::path& to)
{
  if (rename(from.c_str(), to.c_str()) != 0) {
    throw Error("cannot rename " + from.string() + " to " + to.string() + ": " +
                std::strerror(errno));
  }
}

void
remove_file(const fs::path& path)
{
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    throw Error(errno_message(path, "cannot remove"));
  }
}

std::string
fs_error_message(const fs::path& path, std::string_view what, const std::error_code& ec)
{
  return "cannot " + std::string(what) + " " + path.string() + ": " + ec.message();
}

void
create_directories(const fs::path& dir)
{
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    throw Error(fs_error_message(dir, "create directory", ec));
  }
}

void
remove_all(const fs::path& path)
{
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    throw Error(fs_error_message(path, "remove", ec));
  }
}

std::uint64_t
file_size(const fs::path& path)
{
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) {
    throw Error(fs_error_message(path, "read the size of", ec));
  }
  return size;
}

std::vector<fs::directory_entry>
list_directory(const fs::path& dir)
{
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    entries.push_back(*it);
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    throw Error(fs_error_message(dir, "list", ec));
  }
  return entries;
}

bool
is_within(const fs::path& root, const fs::path& path)
{
  auto r = root.begin();
  auto p = path.begin();
  for (; r != root.end(); ++r, ++p) {
    if (r->empty() && std::next(r) == root.end()) {
      break; // trailing separator
    }
    if (p == path.end() || *r != *p) {
      return false;
    }
  }
  return true;
}

bool
is_safe_relative_path(std::string_view relative)
{
  if (relative.empty() || relative.front() == '/') {
    return false;
  }
  if (relative.find('\0') != std::string_view::npos ||
      relative.find('\n') != std::string_view::npos) {
    return false;
  }
  std::size_t start = 0;
  while (start <= relative.size()) {
    std::size_t end = relative.find('/', start);
    if (end == std::string_view::npos) {
      end = relative.size();
    }
    std::string_view part = relative.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return false;
    }
    start = end + 1;
  }
  return true;
}

void
make_read_only(const fs::path& path)
{
  struct stat st;
  if (stat(path.c_str(), &st) != 0 ||
      chmod(path.c_str(), st.st_mode & ~static_cast<mode_t>(0222)) != 0) {
    // A cache object left writable could be edited through a hardlink.
    throw Error(errno_message(path, "cannot make read-only"));
  }
}

} // namespace trove::core
