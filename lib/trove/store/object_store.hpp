#pragma once

#include <trove/core/fs.hpp>
#include <trove/store/link_type.hpp>
#include <trove/store/object_id.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace trove::store {

namespace fs = std::filesystem;

// Creates `dest` (which must not exist) from `source` by the first of
// `types` that works, and returns the type used. Copies and reflinks are
// writable (0644, or 0755 when executable) and written through a temp file
// beside `dest`, so `dest` never holds part of a file.
LinkType link_file(const fs::path& source,
                   const fs::path& dest,
                   const std::vector<LinkType>& types,
                   bool executable = false);

// The content-addressed object store (the cache). An object lives at
// <cache>/sha256/<2 hex>/<62 hex>[.dir], is read-only, and enters the store
// only through a temp file in <tmp> that was hashed after it was written and
// then renamed into place, so a store never holds a half-written or
// mislabelled object.
class ObjectStore
{
public:
  ObjectStore(fs::path cache_dir, fs::path tmp_dir);

  const fs::path&
  dir() const
  {
    return m_dir;
  }
  const fs::path&
  tmp_dir() const
  {
    return m_tmp_dir;
  }
  fs::path path_of(const ObjectId& id) const;
  bool contains(const ObjectId& id) const;

  // Stores bytes (a manifest) under their hash.
  ObjectId put_bytes(std::string_view data, bool is_dir);
  // Reads an object and checks its hash; throws trove::Error naming it when
  // missing or corrupt.
  std::string read_verified(const ObjectId& id) const;

  // A file placed in the store's temp directory and hashed, not yet in the
  // store: commit() puts it there.
  struct Staged
  {
    fs::path tmp;
    ObjectId id;
    bool written = false; // trove wrote the bytes: wait for write-back
  };

  // Stages a workspace file. `types` says how: a hardlink or symlink type
  // takes the file's own inode (made read-only before it is hashed), reflink
  // shares its extents, copy copies it; the first that works is used. The id
  // is computed here, never trusted from outside.
  Staged stage_file(const fs::path& source, const std::vector<LinkType>& types);

  // Waits until the staged bytes are on the device, then renames each into
  // place (dropping those the store already has). One wait for many files
  // instead of a flush per file, as git's core.fsyncMethod=batch.
  void commit(const std::vector<Staged>& staged, unsigned jobs);

  // Puts a file from the temp directory into the store as `id`, which the
  // caller computed from the very bytes it wrote there (a download decoded
  // and hashed as it arrived); `id` must be the one that was expected.
  // Waits for the data to reach the device first.
  void adopt(const fs::path& tmp, const ObjectId& id);

  // stage_file and commit for one file.
  ObjectId put_file(const fs::path& source, const std::vector<LinkType>& types);

  // link_file from an object.
  LinkType link_out(const ObjectId& id,
                    const fs::path& dest,
                    const std::vector<LinkType>& types,
                    bool executable = false) const;

  // Hardlinks objects by names relative to open directories: the cache's
  // 256 prefix directories are opened once, so a checkout of many files does
  // no path lookup per file (as `cp -al` does not).
  class Hardlinker
  {
  public:
    explicit Hardlinker(const ObjectStore& store);
    // Creates `name` in the open directory `dir_fd` as a hardlink of the
    // object; false (errno set) when that fails.
    bool link(const ObjectId& id, int dir_fd, const char* name) const;

  private:
    std::vector<core::Fd> m_prefix_dirs; // by the first two hex digits
  };

  struct Entry
  {
    ObjectId id;
    std::uint64_t size;
  };
  // Every object in the store, in no particular order.
  std::vector<Entry> list() const;
  void remove(const ObjectId& id);
  // Re-hashes an object; false when its bytes do not match its id.
  bool verify(const ObjectId& id) const;

private:
  // Renames a hashed temp file into place; when the object is already there
  // the temp file is dropped.
  ObjectId install(const fs::path& tmp, std::string hex, bool is_dir);

  fs::path m_dir;
  fs::path m_tmp_dir;
};

} // namespace trove::store
