#include <trove/remote/transfer.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/parallel.hpp>
#include <trove/store/manifest.hpp>

#include <atomic>
#include <cstring>
#include <mutex>
#include <set>

namespace trove::remote {

namespace {

using store::ObjectId;

// sha256("") : a pointer file without a size reads as size 0, which is
// believable only for the empty file.
constexpr std::string_view k_empty_hex =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// What a manifest line takes at most: "<64 hex> <size> <mode> <path>\n" with
// a 20-digit size and a path of PATH_MAX.
constexpr std::uint64_t k_most_manifest_line = 64 + 1 + 20 + 1 + 3 + 1 + 4096 + 1;
constexpr std::uint64_t k_most_manifest_header = 32;
// A manifest of millions of files; fetch reads a manifest into memory too.
constexpr std::uint64_t k_most_manifest = std::uint64_t{1} << 30;

// The most bytes each object a fetch asks for may decode to. A file has the
// size its pointer file, lock file or manifest records (the largest, when
// they differ); a manifest what its number of files allows, capped by
// k_most_manifest, which is also the limit when the number is not recorded.
// A file whose pointer records no size is not limited.
class ExpectedSizes
{
public:
  void
  add_output(const track::PointerFile& out)
  {
    if (out.id.is_dir) {
      SizeLimit limit{k_most_manifest, "the cap for manifests"};
      if (out.nfiles && *out.nfiles < (k_most_manifest - k_most_manifest_header) /
                                          k_most_manifest_line) {
        limit = {k_most_manifest_header + *out.nfiles * k_most_manifest_line,
                 "the most a manifest of " + std::to_string(*out.nfiles) +
                     " files takes"};
      }
      raise(out.id, limit);
    } else if (out.size > 0 || out.id.hex == k_empty_hex) {
      raise(out.id, {out.size, "its recorded size"});
    } else {
      raise(out.id, {});
    }
  }
  void
  add_file(const ObjectId& id, std::uint64_t size)
  {
    raise(id, {size, "its recorded size"});
  }
  SizeLimit
  of(const ObjectId& id) const
  {
    auto it = m_limits.find(id);
    return it != m_limits.end() ? it->second : SizeLimit{};
  }

private:
  void
  raise(const ObjectId& id, SizeLimit limit)
  {
    auto [it, added] = m_limits.emplace(id, limit);
    if (!added && limit.bytes > it->second.bytes) {
      it->second = std::move(limit);
    }
  }

  std::map<ObjectId, SizeLimit> m_limits;
};

// The entries of a manifest in the cache.
std::vector<store::ManifestEntry>
entries_of(const track::Repository& repo, const ObjectId& dir)
{
  return store::Manifest::parse(repo.store().read_verified(dir),
                                "manifest " + dir.to_string())
      .entries();
}

// The file ids a manifest in the cache lists.
std::vector<ObjectId>
files_of(const track::Repository& repo, const ObjectId& dir)
{
  std::vector<ObjectId> files;
  for (const auto& entry : entries_of(repo, dir)) {
    files.push_back({entry.hex, false});
  }
  return files;
}

// Runs `transfer` on each object, `jobs` at a time, collecting failures
// instead of stopping at the first.
void
for_each_object(const std::vector<ObjectId>& ids,
                unsigned jobs,
                TransferResult& result,
                std::size_t& done,
                std::size_t total,
                const Progress& progress,
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
    if (progress) {
      progress(++done, total);
    }
  });
}

} // namespace

TransferResult
push(const track::Repository& repo,
     Remote& remote,
     const std::vector<track::PointerFile>& outputs,
     unsigned jobs,
     const Progress& progress)
{
  TransferResult result;
  std::set<ObjectId> files;
  std::map<ObjectId, std::vector<ObjectId>> dirs; // manifest -> its files
  for (const auto& out : outputs) {
    if (!repo.store().contains(out.id)) {
      result.missing.push_back(out.id.to_string());
    } else if (out.id.is_dir) {
      auto listed = files_of(repo, out.id);
      files.insert(listed.begin(), listed.end());
      dirs.emplace(out.id, std::move(listed));
    } else {
      files.insert(out.id);
    }
  }
  std::vector<std::string> keys;
  for (const auto& id : files) {
    keys.push_back(key_of(id));
  }
  for (const auto& [id, listed] : dirs) {
    keys.push_back(key_of(id));
  }
  auto present = remote.present(keys);
  auto on_remote = [&](const ObjectId& id) { return present.count(key_of(id)) > 0; };
  std::vector<ObjectId> to_send;
  for (const auto& id : files) {
    if (on_remote(id)) {
      ++result.already;
    } else if (!repo.store().contains(id)) {
      result.missing.push_back(id.to_string());
    } else {
      to_send.push_back(id);
    }
  }
  std::size_t done = 0;
  std::size_t total = to_send.size();
  for (const auto& [id, listed] : dirs) {
    total += on_remote(id) ? 0 : 1;
  }
  auto send = [&](const ObjectId& id) {
    return remote.upload(repo.store().path_of(id), id);
  };
  for_each_object(to_send, jobs, result, done, total, progress, send);

  std::vector<ObjectId> manifests;
  for (const auto& [id, listed] : dirs) {
    bool complete = true;
    for (const auto& file : listed) {
      complete = complete && !result.failed.count(file.to_string()) &&
                 (on_remote(file) || repo.store().contains(file));
    }
    if (on_remote(id)) {
      ++result.already;
    } else if (complete) {
      manifests.push_back(id);
    }
  }
  for_each_object(manifests, jobs, result, done, total, progress, send);
  return result;
}

TransferResult
fetch(track::Repository& repo,
      Remote& remote,
      const std::vector<track::PointerFile>& outputs,
      unsigned jobs,
      const Progress& progress)
{
  TransferResult result;
  std::error_code ec;
  const fs::path& tmp_dir = repo.store().tmp_dir();
  fs::create_directories(tmp_dir, ec); // not in a fresh clone
  ExpectedSizes expected;
  auto receive = [&](const ObjectId& id) -> std::uint64_t {
    auto tmp = core::temp_path_in(tmp_dir);
    try {
      auto hex = remote.download(key_of(id), tmp, expected.of(id));
      if (hex != id.hex) {
        throw Error(key_of(id) + " on " + remote.describe() +
                    " is corrupt: its bytes hash to " + hex);
      }
      auto size = fs::file_size(tmp);
      repo.store().adopt(tmp, id);
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
  // The ids the cache lacks and the remote has; the others are counted.
  auto to_receive = [&](const std::set<ObjectId>& ids) {
    std::vector<ObjectId> wanted;
    std::vector<std::string> keys;
    for (const auto& id : ids) {
      if (repo.store().contains(id)) {
        ++result.already;
      } else {
        wanted.push_back(id);
        keys.push_back(key_of(id));
      }
    }
    auto present = remote.present(keys);
    std::vector<ObjectId> available;
    for (const auto& id : wanted) {
      if (present.count(key_of(id))) {
        available.push_back(id);
      } else {
        result.missing.push_back(id.to_string());
      }
    }
    return available;
  };
  std::set<ObjectId> roots;
  for (const auto& out : outputs) {
    roots.insert(out.id);
    expected.add_output(out);
  }
  std::size_t done = 0;
  auto wanted = to_receive(roots);
  for_each_object(wanted, jobs, result, done, wanted.size(), progress, receive);

  std::set<ObjectId> files;
  for (const auto& id : roots) {
    if (id.is_dir && repo.store().contains(id)) {
      for (const auto& entry : entries_of(repo, id)) {
        files.insert({entry.hex, false});
        expected.add_file({entry.hex, false}, entry.size);
      }
    }
  }
  auto listed_files = to_receive(files);
  std::size_t total = wanted.size() + listed_files.size();
  for_each_object(listed_files, jobs, result, done, total, progress, receive);
  return result;
}

std::string
to_string(CloudState state)
{
  switch (state) {
  case CloudState::not_pushed:
    return "not pushed";
  case CloudState::not_in_cache:
    return "not in cache";
  case CloudState::missing:
    return "missing";
  case CloudState::up_to_date:
    break;
  }
  return "up to date";
}

std::vector<CloudStatus>
cloud_status(const track::Repository& repo,
             Remote& remote,
             const std::vector<track::TrackedOut>& outputs)
{
  std::vector<std::vector<ObjectId>> ids_of(outputs.size());
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const auto& id = outputs[i].pointer.id;
    ids_of[i].push_back(id);
    if (id.is_dir && repo.store().contains(id)) {
      auto listed = files_of(repo, id);
      ids_of[i].insert(ids_of[i].end(), listed.begin(), listed.end());
    }
    for (const auto& one : ids_of[i]) {
      keys.push_back(key_of(one));
    }
  }
  auto present = remote.present(keys);
  std::vector<CloudStatus> statuses;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    bool only_local = false, only_remote = false, nowhere = false;
    for (const auto& id : ids_of[i]) {
      bool local = repo.store().contains(id);
      bool remote_has = present.count(key_of(id)) > 0;
      only_local = only_local || (local && !remote_has);
      only_remote = only_remote || (!local && remote_has);
      nowhere = nowhere || (!local && !remote_has);
    }
    auto state = nowhere       ? CloudState::missing
                 : only_local  ? CloudState::not_pushed
                 : only_remote ? CloudState::not_in_cache
                               : CloudState::up_to_date;
    statuses.push_back({outputs[i].path, state});
  }
  return statuses;
}

std::vector<std::string>
unused_remote_objects(const track::Repository& repo,
                      Remote& remote,
                      const std::vector<track::PointerFile>& outputs)
{
  std::set<std::string> used;
  for (const auto& out : outputs) {
    used.insert(key_of(out.id));
    if (!out.id.is_dir) {
      continue;
    }
    if (!repo.store().contains(out.id)) {
      throw Error("the manifest " + out.id.to_string() + " of '" + out.out_path +
                  "' is not in the cache, so its files on " + remote.describe() +
                  " cannot be told from garbage; run 'trove fetch' first");
    }
    for (const auto& file : files_of(repo, out.id)) {
      used.insert(key_of(file));
    }
  }
  std::vector<std::string> unused;
  for (auto& key : remote.list()) {
    if (!used.count(key)) {
      unused.push_back(std::move(key));
    }
  }
  for (auto& key : remote.abandoned_uploads()) {
    unused.push_back(std::move(key));
  }
  return unused;
}

} // namespace trove::remote
