#include <trove/remote/local_remote.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>

#include <sys/stat.h>

namespace trove::remote {

LocalRemote::LocalRemote(std::string name, fs::path root, Encoding encoding)
  : m_name(std::move(name)), m_root(std::move(root)), m_encoding(encoding)
{
  std::error_code ec;
  if (!fs::is_directory(m_root, ec)) {
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
    struct stat st{};
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
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  fs::path tmp = core::temp_path_in(target.parent_path());
  try {
    check_source(id, encode_object(source, tmp, m_encoding));
    core::wait_for_writeback(tmp);
    fs::permissions(tmp, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    auto size = fs::file_size(tmp);
    core::rename_path(tmp, target);
    return size;
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
}

std::string
LocalRemote::download(const std::string& key, const fs::path& dest, const SizeLimit& limit)
{
  fs::path source = m_root / key;
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) {
    throw Error(key + " is not on " + describe());
  }
  return decode_object(source, dest, key + " on " + describe(), limit);
}

std::vector<std::string>
LocalRemote::list()
{
  std::vector<std::string> keys;
  std::error_code ec;
  for (const auto& prefix : fs::directory_iterator(m_root / "sha256", ec)) {
    for (const auto& entry : fs::directory_iterator(prefix.path(), ec)) {
      auto name = entry.path().filename().string();
      if (name.rfind(core::k_temp_prefix, 0) != 0 && entry.is_regular_file(ec)) {
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
