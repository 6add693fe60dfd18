#include <trove/remote/transfer.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/parallel.hpp>

#include <cstring>
#include <mutex>

namespace trove::remote {

namespace {

using store::ObjectId;

// Runs `transfer` on each object, `jobs` at a time, collecting failures
// instead of stopping at the first.
void
for_each_object(const std::vector<ObjectId>& ids,
                unsigned jobs,
                TransferResult& result,
                const ObjectDone& done,
                const std::function<std::uint64_t(const ObjectId&)>& transfer)
{
  std::mutex mutex;
  core::parallel_for(ids.size(), jobs, [&](std::size_t i) {
    std::uint64_t bytes = 0;
    std::string error;
    try {
      bytes = transfer(ids[i]);
    } catch (const std::exception& e) {
      error = e.what();
    }
    std::lock_guard lock(mutex);
    if (error.empty()) {
      ++result.transferred;
      result.bytes += bytes;
    } else {
      result.failed.emplace(ids[i].to_string(), error);
    }
    if (done) {
      done(ids[i], error.empty() ? bytes : 0);
    }
  });
}

} // namespace

void
upload_objects(const store::ObjectStore& store,
               Remote& remote,
               const std::vector<ObjectId>& ids,
               unsigned jobs,
               TransferResult& result,
               const ObjectDone& done)
{
  for_each_object(ids, jobs, result, done, [&](const ObjectId& id) {
    return remote.upload(store.path_of(id), id);
  });
}

void
download_objects(store::ObjectStore& store,
                 Remote& remote,
                 const std::vector<ObjectId>& ids,
                 const LimitOf& limit_of,
                 unsigned jobs,
                 TransferResult& result,
                 const ObjectDone& done)
{
  std::error_code ec;
  const fs::path& tmp_dir = store.tmp_dir();
  fs::create_directories(tmp_dir, ec); // not in a fresh clone
  auto receive = [&](const ObjectId& id) -> std::uint64_t {
    auto tmp = core::temp_path_in(tmp_dir);
    try {
      auto hex = remote.download(key_of(id), tmp, limit_of(id));
      if (hex != id.hex) {
        throw Error(key_of(id) + " on " + remote.describe() +
                    " is corrupt: its bytes hash to " + hex);
      }
      auto size = core::file_size(tmp);
      store.adopt(tmp, id);
      return size;
    } catch (const WriteError& e) {
      std::error_code ec;
      fs::remove(tmp, ec);
      // A full disk is the same for every object: said once.
      throw Error("cannot write to " + tmp_dir.string() + ": " + std::strerror(e.code()));
    } catch (...) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw;
    }
  };
  for_each_object(ids, jobs, result, done, receive);
}

} // namespace trove::remote
