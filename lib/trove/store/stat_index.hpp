#pragma once

#include <trove/core/fs.hpp>

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

struct stat;

namespace trove::store {

namespace fs = std::filesystem;

// What stat(2) says of a file; equal stamps mean unchanged content.
struct FileStamp
{
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;

  static FileStamp of(const struct stat& st);
  bool operator==(const FileStamp&) const = default;
};

// Remembers the hash of each workspace file by its stamp, so that a no-op
// status or add reads no file contents. It is a cache: a missing, damaged or
// older-version file is an empty index (everything is hashed again), never an
// error, and nothing in a file whose checksum does not match is believed.
//
// File grammar (all integers little-endian):
//   "TROVESIX" u32 version(2) u64 count
//   count × { u32 path_length, path bytes, u64 inode, u64 size,
//             i64 mtime_ns, i64 ctime_ns, 64 hex digits }
//   64 hex digits: SHA-256 of every byte before them
// The file must end right after the checksum, and each hash must be 64
// lower-case hex digits; anything else discards the whole file.
//
// A stamp is recorded only when the file's mtime is clearly older than the
// moment the index was loaded: a file written in the same clock tick as it
// was hashed could change again without changing its stamp ("racy git").
class StatIndex
{
public:
  // Loads the index at `path` (empty when missing or damaged).
  explicit StatIndex(const fs::path& path);
  StatIndex(const StatIndex&) = delete;
  StatIndex& operator=(const StatIndex&) = delete;

  // The hash recorded for `path` if its stamp still matches. Thread-safe.
  std::optional<std::string> lookup(const std::string& path,
                                    const FileStamp& stamp) const;
  // Thread-safe. Skips racy stamps (see above).
  void record(const std::string& path, const FileStamp& stamp, std::string hex);
  // Thread-safe. For files trove itself just wrote from a known object.
  void record_written(const std::string& path, const FileStamp& stamp, std::string hex);
  void forget(const std::string& path);

  // Writes the index atomically if anything changed. Throws trove::Error
  // naming the file.
  void save();
  // Like save(), for commands whose result does not depend on the index
  // (status, diff, the end of repro): a failure to write it (full disk,
  // read-only .trove) is returned as a message instead of thrown, and the
  // changes stay unsaved.
  [[nodiscard]] std::optional<std::string> try_save();

  // How many files the index knows.
  std::size_t size() const;

private:
  void load(std::string_view data);
  std::string serialise() const;

  struct Entry
  {
    FileStamp stamp;
    std::string hex;
  };

  fs::path m_path;
  std::int64_t m_opened_ns = 0;
  std::unordered_map<std::string, Entry> m_entries;
  bool m_dirty = false;
  mutable std::shared_mutex m_mutex;
};

} // namespace trove::store
