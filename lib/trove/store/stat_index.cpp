#include <trove/store/stat_index.hpp>

#include <trove/core/error.hpp>
#include <trove/core/hash.hpp>
#include <trove/store/object_id.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>

namespace trove::store {

namespace {

constexpr char k_magic[8] = {'T', 'R', 'O', 'V', 'E', 'S', 'I', 'X'};
// 2: a trailing checksum (version 1 had none: a flipped bit could make an
// untouched file look modified).
constexpr std::uint32_t k_version = 2;
constexpr std::size_t k_hex_size = 64;
// Longer than any file system's timestamp granularity.
constexpr std::int64_t k_racy_window_ns = 50'000'000;

template <typename T>
void
put(std::string& out, T value)
{
  out.append(reinterpret_cast<const char*>(&value), sizeof(value));
}

// Reads fixed-size values from a buffer; fails softly at the end.
class Reader
{
public:
  explicit Reader(std::string_view data) : m_data(data) {}
  template <typename T>
  bool
  get(T& value)
  {
    if (m_data.size() < sizeof(T)) {
      return false;
    }
    std::memcpy(&value, m_data.data(), sizeof(T));
    m_data.remove_prefix(sizeof(T));
    return true;
  }
  bool
  get(std::string& value, std::size_t size)
  {
    if (m_data.size() < size) {
      return false;
    }
    value.assign(m_data.data(), size);
    m_data.remove_prefix(size);
    return true;
  }

  bool
  at_end() const
  {
    return m_data.empty();
  }

private:
  std::string_view m_data;
};

bool
is_hex(std::string_view text)
{
  return text.size() == k_hex_size && std::ranges::all_of(text, [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::int64_t
now_ns()
{
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace

FileStamp
FileStamp::of(const struct stat& st)
{
  return {static_cast<std::uint64_t>(st.st_ino), static_cast<std::uint64_t>(st.st_size),
          st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
          st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec};
}

StatIndex::StatIndex(const fs::path& path) : m_path(path), m_opened_ns(now_ns())
{
  std::string data;
  try {
    data = core::read_file(path);
  } catch (const Error&) {
    return; // no index yet
  }
  load(data);
}

// Fills m_entries only when the whole file is well formed; otherwise the
// index stays empty and every file is hashed again.
void
StatIndex::load(std::string_view data)
{
  if (data.size() < k_hex_size) {
    return;
  }
  std::string_view body = data.substr(0, data.size() - k_hex_size);
  if (core::sha256_hex(body) != data.substr(body.size())) {
    return; // damaged, torn, or written by another program
  }
  Reader reader(body);
  std::string magic;
  std::uint32_t version = 0;
  std::uint64_t count = 0;
  if (!reader.get(magic, sizeof(k_magic)) ||
      std::memcmp(magic.data(), k_magic, sizeof(k_magic)) != 0 || !reader.get(version) ||
      version != k_version || !reader.get(count)) {
    return;
  }
  std::unordered_map<std::string, Entry> entries;
  entries.reserve(std::min<std::uint64_t>(count, body.size() / 100));
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint32_t length = 0;
    std::string name;
    Entry entry;
    if (!reader.get(length) || !reader.get(name, length) ||
        !reader.get(entry.stamp.inode) || !reader.get(entry.stamp.size) ||
        !reader.get(entry.stamp.mtime_ns) || !reader.get(entry.stamp.ctime_ns) ||
        !reader.get(entry.hex, k_hex_size) || !is_hex(entry.hex) ||
        !entries.emplace(std::move(name), std::move(entry)).second) {
      return;
    }
  }
  if (reader.at_end()) {
    m_entries = std::move(entries);
  }
}

std::optional<std::string>
StatIndex::lookup(const std::string& path, const FileStamp& stamp) const
{
  std::shared_lock lock(m_mutex);
  auto it = m_entries.find(path);
  if (it == m_entries.end() || !(it->second.stamp == stamp)) {
    return std::nullopt;
  }
  return it->second.hex;
}

void
StatIndex::record(const std::string& path, const FileStamp& stamp, std::string hex)
{
  // Only mtime: content changes move it, while trove's own chmod and link
  // move ctime too.
  if (stamp.mtime_ns > m_opened_ns - k_racy_window_ns) {
    return;
  }
  record_written(path, stamp, std::move(hex));
}

void
StatIndex::record_written(const std::string& path,
                          const FileStamp& stamp,
                          std::string hex)
{
  std::unique_lock lock(m_mutex);
  auto& entry = m_entries[path];
  if (entry.stamp == stamp && entry.hex == hex) {
    return;
  }
  entry = {stamp, std::move(hex)};
  m_dirty = true;
}

void
StatIndex::forget(const std::string& path)
{
  std::unique_lock lock(m_mutex);
  m_dirty |= m_entries.erase(path) > 0;
}

std::size_t
StatIndex::size() const
{
  std::shared_lock lock(m_mutex);
  return m_entries.size();
}

std::string
StatIndex::serialise() const
{
  std::string out(k_magic, sizeof(k_magic));
  put(out, k_version);
  put(out, static_cast<std::uint64_t>(m_entries.size()));
  out.reserve(m_entries.size() * 120 + k_hex_size);
  for (const auto& [name, entry] : m_entries) {
    put(out, static_cast<std::uint32_t>(name.size()));
    out += name;
    put(out, entry.stamp.inode);
    put(out, entry.stamp.size);
    put(out, entry.stamp.mtime_ns);
    put(out, entry.stamp.ctime_ns);
    out += entry.hex;
  }
  out += core::sha256_hex(out);
  return out;
}

void
StatIndex::save()
{
  std::unique_lock lock(m_mutex);
  if (!m_dirty) {
    return;
  }
  std::error_code ec;
  fs::create_directories(m_path.parent_path(), ec); // write_file_atomic names the failure
  core::write_file_atomic(m_path, serialise());
  m_dirty = false;
}

std::optional<std::string>
StatIndex::try_save()
{
  try {
    save();
    return std::nullopt;
  } catch (const Error& e) {
    return e.what();
  }
}

} // namespace trove::store
