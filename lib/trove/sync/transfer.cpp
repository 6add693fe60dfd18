#include <trove/sync/transfer.hpp>

#include <trove/core/error.hpp>
#include <trove/store/manifest.hpp>

#include <map>
#include <set>

namespace trove::sync {

namespace {

using remote::key_of;
using remote::SizeLimit;
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

// The bytes of a cache object (0 when it cannot be read: its upload fails).
std::uint64_t
size_in_cache(const store::ObjectStore& store, const ObjectId& id)
{
  std::error_code ec;
  auto size = std::filesystem::file_size(store.path_of(id), ec);
  return ec ? 0 : size;
}

} // namespace

OpenedRemote
open_remote(const track::Repository& repo, const std::string& name, unsigned jobs)
{
  auto settings = remote::choose_remote(repo.config(), name);
  if (jobs) {
    settings.options["jobs"] = std::to_string(jobs);
  }
  // Settings come from files a user may edit by hand: check each before use.
  for (const auto& [key, value] : settings.options) {
    track::Repository::check_setting("remote." + settings.name + "." + key, value);
  }
  OpenedRemote opened;
  opened.remote = remote::open_remote(settings, repo.root(), repo.store().tmp_dir());
  opened.jobs = remote::transfer_jobs(settings);
  return opened;
}

TransferResult
push(const track::Repository& repo,
     remote::Remote& remote,
     const std::vector<track::PointerFile>& outputs,
     unsigned jobs,
     core::Progress* progress)
{
  TransferResult result;
  std::set<ObjectId> files;
  std::map<ObjectId, std::vector<ObjectId>> dirs; // manifest -> its files
  for (const auto& out : outputs) {
    if (!repo.store().contains(out.id)) {
      result.missing.push_back(out.id.to_string());
    } else if (out.id.is_dir) {
      auto listed = store::manifest_files(repo.store(), out.id);
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
  // Counted as the cache holds them (a remote may store them compressed).
  std::map<ObjectId, std::uint64_t> sizes;
  if (progress) {
    for (const auto& id : to_send) {
      sizes[id] = size_in_cache(repo.store(), id);
    }
    for (const auto& [id, listed] : dirs) {
      if (!on_remote(id)) {
        sizes[id] = size_in_cache(repo.store(), id);
      }
    }
    std::uint64_t bytes = 0;
    for (const auto& [id, size] : sizes) {
      bytes += size;
    }
    progress->add_total(sizes.size(), bytes);
  }
  remote::ObjectDone counted = [&](const ObjectId& id, std::uint64_t) {
    core::advance(progress, 1, progress ? sizes.at(id) : 0);
  };
  remote::upload_objects(repo.store(), remote, to_send, jobs, result, counted);

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
  remote::upload_objects(repo.store(), remote, manifests, jobs, result, counted);
  return result;
}

TransferResult
fetch(track::Repository& repo,
      remote::Remote& remote,
      const std::vector<track::PointerFile>& outputs,
      unsigned jobs,
      core::Progress* progress)
{
  TransferResult result;
  ExpectedSizes expected;
  auto limit_of = [&](const ObjectId& id) { return expected.of(id); };
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
  // Bytes as recorded; a manifest's size is not known before it arrives.
  auto count_total = [&](const std::vector<ObjectId>& ids) {
    std::uint64_t bytes = 0;
    for (const auto& id : ids) {
      auto limit = expected.of(id).bytes;
      bytes += id.is_dir || limit == UINT64_MAX ? 0 : limit;
    }
    core::add_total(progress, ids.size(), bytes);
  };
  remote::ObjectDone counted = [&](const ObjectId&, std::uint64_t bytes) {
    core::advance(progress, 1, bytes);
  };
  auto wanted = to_receive(roots);
  count_total(wanted);
  remote::download_objects(repo.store(), remote, wanted, limit_of, jobs, result, counted);

  std::set<ObjectId> files;
  for (const auto& id : roots) {
    if (id.is_dir && repo.store().contains(id)) {
      auto manifest = store::read_manifest(repo.store(), id);
      for (const auto& entry : manifest.entries()) {
        files.insert({entry.hex, false});
        expected.add_file({entry.hex, false}, entry.size);
      }
    }
  }
  auto listed_files = to_receive(files);
  count_total(listed_files);
  remote::download_objects(repo.store(), remote, listed_files, limit_of, jobs, result,
                           counted);
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
             remote::Remote& remote,
             const std::vector<track::TrackedOut>& outputs)
{
  std::vector<std::vector<ObjectId>> ids_of(outputs.size());
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const auto& id = outputs[i].pointer.id;
    ids_of[i].push_back(id);
    if (id.is_dir && repo.store().contains(id)) {
      auto listed = store::manifest_files(repo.store(), id);
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

} // namespace trove::sync
