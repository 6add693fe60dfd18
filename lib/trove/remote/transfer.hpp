#pragma once

#include <trove/remote/remote.hpp>
#include <trove/store/object_id.hpp>
#include <trove/store/object_store.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace trove::remote {

// What moving objects did; one result gathers the batches of a command.
struct TransferResult
{
  std::size_t transferred = 0; // objects sent or received
  std::size_t already = 0;     // objects the other side had
  std::uint64_t bytes = 0;     // push: bytes stored on the remote; fetch: into the cache
  std::vector<std::string> missing; // ids neither side has (push: not in the cache)
  std::map<std::string, std::string> failed; // id -> error

  bool
  ok() const
  {
    return missing.empty() && failed.empty();
  }
};

// Called after each object, sent or failed (then `bytes` is 0), with the
// bytes it moved; one call at a time.
using ObjectDone = std::function<void(const store::ObjectId& id, std::uint64_t bytes)>;

// Uploads the objects `ids` from `store` to `remote`, `jobs` at a time,
// counting each in `result` (transferred and bytes, or failed with its error)
// instead of stopping at the first failure. An object whose bytes in the
// store are not its id fails and is not sent (Remote::upload).
void upload_objects(const store::ObjectStore& store,
                    Remote& remote,
                    const std::vector<store::ObjectId>& ids,
                    unsigned jobs,
                    TransferResult& result,
                    const ObjectDone& done);

// The most bytes the object `id` may decode to.
using LimitOf = std::function<SizeLimit(const store::ObjectId& id)>;

// Downloads the objects `ids` from `remote` into `store`, `jobs` at a time,
// counting each in `result` as upload_objects does. Each is decoded and
// hashed into the store's temp directory as it arrives, decoding stops as
// soon as it passes limit_of(id), and it enters the store only when its hash
// is its id.
void download_objects(store::ObjectStore& store,
                      Remote& remote,
                      const std::vector<store::ObjectId>& ids,
                      const LimitOf& limit_of,
                      unsigned jobs,
                      TransferResult& result,
                      const ObjectDone& done);

} // namespace trove::remote
