#include <trove/track/status.hpp>

#include <trove/core/error.hpp>
#include <trove/core/hash.hpp>
#include <trove/store/manifest.hpp>

namespace trove::track {

namespace {

// Compares workspace files with a manifest (both sorted by path).
void
compare_directory(const store::Manifest& manifest,
                  const std::vector<WorkspaceFile>& files,
                  const std::vector<std::string>& hexes,
                  OutStatus& status)
{
  const auto& entries = manifest.entries();
  std::size_t m = 0;
  std::size_t w = 0;
  while (m < entries.size() || w < files.size()) {
    if (w == files.size() || (m < entries.size() && entries[m].path < files[w].path)) {
      status.deleted.push_back(entries[m++].path);
    } else if (m == entries.size() || files[w].path < entries[m].path) {
      status.added.push_back(files[w++].path);
    } else {
      if (entries[m].hex != hexes[w]) {
        status.modified.push_back(files[w].path);
      }
      ++m;
      ++w;
    }
  }
  if (!status.added.empty() || !status.modified.empty() || !status.deleted.empty()) {
    status.state = OutStatus::State::modified;
  }
}

// The pointer a directory's files would get: its manifest's id, size and
// file count.
PointerFile
manifest_of(const std::vector<WorkspaceFile>& files,
            const std::vector<std::string>& hexes)
{
  store::Manifest::Writer writer;
  std::uint64_t size = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    writer.append(hexes[i], files[i].stamp.size, files[i].executable, files[i].path);
    size += files[i].stamp.size;
  }
  PointerFile pointer;
  pointer.id = {core::sha256_hex(writer.text()), true};
  pointer.size = size;
  pointer.nfiles = files.size();
  return pointer;
}

} // namespace

std::optional<PointerFile>
describe_path(Repository& repo, const std::string& path, const Warn& warn)
{
  auto entry = inspect_path(repo, repo.absolute(path));
  switch (entry.kind) {
  case PathEntry::Kind::missing:
    return std::nullopt;
  case PathEntry::Kind::other:
    throw not_data_error(path, entry);
  case PathEntry::Kind::directory: {
    auto files = scan_directory(repo, entry.read_path, warn);
    return manifest_of(files, hash_files(repo, path, files));
  }
  case PathEntry::Kind::file:
    break;
  }
  PointerFile pointer;
  pointer.id = {hash_workspace_file(repo, path, entry.read_path, entry.stamp), false};
  pointer.size = entry.stamp.size;
  return pointer;
}

std::string_view
to_string(OutStatus::State state)
{
  switch (state) {
  case OutStatus::State::unchanged:
    return "unchanged";
  case OutStatus::State::modified:
    return "modified";
  case OutStatus::State::deleted:
    return "deleted";
  }
  return "?";
}

OutStatus
out_status(Repository& repo, const TrackedOut& out, const Warn& warn)
{
  OutStatus status;
  status.path = out.path;
  status.pointer_path = out.pointer_path;
  const auto& id = out.pointer.id;
  status.in_cache = repo.store().contains(id);

  auto entry = inspect_path(repo, repo.absolute(out.path));
  using Kind = PathEntry::Kind;
  if (entry.kind == Kind::missing) {
    status.state = OutStatus::State::deleted;
    return status;
  }
  if (entry.kind == Kind::other) {
    warn(not_data_error(out.path, entry).what());
    status.state = OutStatus::State::modified; // never read: it could hang or leak
    return status;
  }
  if (!id.is_dir) {
    if (entry.kind == Kind::directory ||
        hash_workspace_file(repo, out.path, entry.read_path, entry.stamp) != id.hex) {
      status.state = OutStatus::State::modified;
    }
    return status;
  }
  if (entry.kind == Kind::file) {
    status.state = OutStatus::State::modified; // a file where a directory was
    return status;
  }
  auto files = scan_directory(repo, entry.read_path, warn);
  auto hexes = hash_files(repo, out.path, files);
  // The workspace's own manifest id: when it is the recorded one, nothing
  // changed and the cached manifest need not be read.
  if (manifest_of(files, hexes).id == id) {
    return status;
  }
  if (status.in_cache) {
    auto manifest = store::read_manifest(repo.store(), id);
    compare_directory(manifest, files, hexes, status);
    // What a checkout would need to restore must be in the cache too.
    for (const auto* changed : {&status.modified, &status.deleted}) {
      for (const auto& path : *changed) {
        status.in_cache &= repo.store().contains({manifest.find(path)->hex, false});
      }
    }
  } else {
    status.state = OutStatus::State::modified; // no manifest to say what changed
  }
  return status;
}

std::vector<OutStatus>
status_of(Repository& repo,
          const std::vector<std::string>& pointers,
          const Warn& warn,
          std::vector<std::string>& failures)
{
  std::vector<OutStatus> result;
  for (const auto& out : load_all_tracked(repo, pointers, failures)) {
    result.push_back(out_status(repo, out, warn));
  }
  if (auto problem = repo.stat_index().try_save()) {
    warn(*problem); // only a cache: the status above is right without it
  }
  return result;
}

} // namespace trove::track
