#include <trove/remote/local_remote.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <tuple>
#include <unistd.h>

namespace trove::remote {

namespace {

// Waits until the temp file's data is on the device and makes it read-only
// like the cache's objects; returns its size. As core::flush_file_data, but
// a failure keeps its errno (a full disk on NFS shows here, not in write).
std::uint64_t
settle(const fs::path& tmp)
{
  core::Fd fd(::open(tmp.c_str(), O_RDONLY | O_CLOEXEC));
  constexpr unsigned k_wait =
      SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER;
  bool on_device = fd && (::sync_file_range(fd.get(), 0, 0, k_wait) == 0 ||
                          ::fdatasync(fd.get()) == 0);
  struct stat st = {};
  if (!on_device || ::fchmod(fd.get(), S_IRUSR | S_IRGRP | S_IROTH) != 0 ||
      ::fstat(fd.get(), &st) != 0) {
    int code = errno;
    throw WriteError("cannot write " + tmp.string() + ": " + std::strerror(code), code);
  }
  return static_cast<std::uint64_t>(st.st_size);
}

} // namespace

LocalRemote::LocalRemote(std::string name, fs::path root, Encoding encoding)
    : m_name(std::move(name)), m_root(std::move(root)), m_encoding(encoding)
{
  // A directory that does not exist yet is made by the first upload, as
  // `dvc push` does; reading from it says it does not exist.
  std::error_code ec;
  if (fs::exists(m_root, ec) && !fs::is_directory(m_root, ec)) {
    throw Error(describe() + " is not a directory");
  }
}

std::string
LocalRemote::describe() const
{
  return "remote '" + m_name + "' (" + m_root.string() + ")";
}

std::unordered_set<std::string>
LocalRemote::present(const std::vector<std::string>& keys)
{
  std::unordered_set<std::string> found;
  for (const auto& key : keys) {
    struct stat st = {};
    if (::stat((m_root / key).c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      found.insert(key);
    }
  }
  return found;
}

std::uint64_t
LocalRemote::upload(const fs::path& source, const store::ObjectId& id)
{
  fs::path target = m_root / key_of(id);
  fs::path tmp = core::temp_path_in(target.parent_path());
  try {
    std::error_code ec;
    if (!fs::create_directories(target.parent_path(), ec) && ec) {
      throw WriteError("cannot create " + target.parent_path().string(), ec.value());
    }
    check_source(id, encode_object(source, tmp, m_encoding));
    auto size = settle(tmp);
    if (::rename(tmp.c_str(), target.c_str()) != 0) {
      int code = errno;
      throw WriteError("cannot rename " + tmp.string(), code);
    }
    return size;
  } catch (const WriteError& e) {
    std::ignore = ::unlink(tmp.c_str()); // best effort; gc --cloud deletes it later
    // The remote's file system is full, read-only...: the same error for
    // every object, said without the temp file's name so that it is said once.
    throw Error("cannot write to " + describe() + ": " + std::strerror(e.code()));
  } catch (...) {
    std::ignore = ::unlink(tmp.c_str()); // best effort; gc --cloud deletes it later
    throw;
  }
}

std::string
LocalRemote::download(const std::string& key,
                      const fs::path& dest,
                      const SizeLimit& limit)
{
  fs::path source = m_root / key;
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) {
    throw Error(key + " is not on " + describe() +
                (fs::exists(m_root, ec) ? "" : ", which does not exist"));
  }
  return decode_object(source, dest, key + " on " + describe(), limit);
}

std::vector<store::ObjectId>
LocalRemote::list()
{
  std::vector<store::ObjectId> ids;
  std::error_code ec;
  for (const auto& prefix : core::list_directory(m_root / "sha256")) {
    if (!prefix.is_directory(ec)) {
      continue; // not a prefix directory: a user's file
    }
    auto prefix_name = prefix.path().filename().string();
    for (const auto& entry : core::list_directory(prefix.path())) {
      // Other files in the remote's directories are not objects.
      auto id =
          id_of_key("sha256/" + prefix_name + "/" + entry.path().filename().string());
      if (id && entry.is_regular_file(ec)) {
        ids.push_back(std::move(*id));
      }
    }
  }
  return ids;
}

std::vector<std::string>
LocalRemote::abandoned_uploads()
{
  std::vector<std::string> keys;
  auto old = fs::file_time_type::clock::now() - k_abandoned_age;
  std::error_code ec;
  for (const auto& prefix : core::list_directory(m_root / "sha256")) {
    if (!prefix.is_directory(ec)) {
      continue;
    }
    for (const auto& entry : core::list_directory(prefix.path())) {
      auto name = entry.path().filename().string();
      // The time of the last write: an upload writes until it renames.
      if (name.starts_with(core::k_temp_prefix) && entry.is_regular_file(ec) &&
          entry.last_write_time(ec) < old && !ec) {
        keys.push_back("sha256/" + prefix.path().filename().string() + "/" + name);
      }
    }
  }
  return keys;
}

void
LocalRemote::remove(const std::vector<std::string>& keys)
{
  for (const auto& key : keys) {
    std::error_code ec;
    fs::remove(m_root / key, ec);
    if (ec) {
      throw Error("cannot delete " + key + " from " + describe() + ": " + ec.message());
    }
  }
}

} // namespace trove::remote
