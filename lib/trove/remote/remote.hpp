#pragma once

#include <trove/remote/object_format.hpp>
#include <trove/remote/remote_config.hpp>
#include <trove/store/object_id.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace trove::remote {

namespace fs = std::filesystem;

// Where a team shares objects: a directory (shared disk, NFS) or an S3
// bucket. Objects are keyed as in the cache, "sha256/ab/cdef...[.dir]".
class Remote
{
public:
  virtual ~Remote() = default;

  // "remote 'storage' (/mnt/shared/trove)", for messages.
  virtual std::string describe() const = 0;
  // The keys among `keys` the remote holds.
  virtual std::unordered_set<std::string>
  present(const std::vector<std::string>& keys) = 0;
  // Stores the file `source` as the object `id` in the remote's object
  // format; a reader never sees part of it. The bytes are hashed as they
  // are read, and an object whose bytes are not its id is not stored
  // (check_source). Returns the bytes stored.
  virtual std::uint64_t upload(const fs::path& source, const store::ObjectId& id) = 0;
  // Writes the bytes the object holds to the new file `dest` and returns
  // their SHA-256 (hex); the caller checks it against the id. Throws
  // trove::Error naming the key when the remote lacks it, or when it
  // decodes to more than `limit`.
  virtual std::string
  download(const std::string& key, const fs::path& dest, const SizeLimit& limit) = 0;
  // Every object on the remote: the keys that id_of_key reads as an object
  // id, and no other (a user's file, a temp file, a wrongly named one).
  virtual std::vector<store::ObjectId> list() = 0;
  // What interrupted uploads left on the remote, as keys for remove(): on
  // a directory remote, temp files older than k_abandoned_age (a younger
  // one may belong to an upload still running on another machine).
  virtual std::vector<std::string>
  abandoned_uploads()
  {
    return {};
  }
  virtual void remove(const std::vector<std::string>& keys) = 0;
};

// A temp file on a remote this old belongs to no running upload: trove
// writes to it without pause until it renames it.
inline constexpr std::chrono::hours k_abandoned_age{1};

// Throws unless `hex`, what the bytes of the cache object `id` hashed to as
// an upload read them, is its id: such an object was changed after it was
// stored (an edit through a hardlink) and is never sent.
void check_source(const store::ObjectId& id, const std::string& hex);

// The key of an object on every remote.
std::string key_of(const store::ObjectId& id);

// The object a key on a remote names, exactly as key_of writes it:
// "sha256/" + the id's first two hex digits + "/" + the other 62 [+ ".dir"],
// lowercase. Any other key is not an object: nullopt. Every backend lists
// objects through this, so that gc --cloud never deletes anything else.
std::optional<store::ObjectId> id_of_key(std::string_view key);

// Transfers at once: the remote's `jobs`, else 4 per core. The settings are
// checked by the caller (sync::open_remote).
unsigned transfer_jobs(const RemoteSettings& settings);

// Opens the remote the settings describe; a relative directory is relative
// to `root` (the repository's), and an S3 remote encodes uploads into
// `scratch` (the store's temp directory). The settings are checked by the
// caller (sync::open_remote), so that a value edited by hand is reported
// with its key.
std::unique_ptr<Remote> open_remote(const RemoteSettings& settings,
                                    const fs::path& root,
                                    const fs::path& scratch);

} // namespace trove::remote
