#include <trove/store/object_store.hpp>

#include <trove/core/error.hpp>
#include <trove/core/hash.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace trove::store {

ObjectStore::ObjectStore(fs::path cache_dir, fs::path tmp_dir)
  : m_dir(std::move(cache_dir)), m_tmp_dir(std::move(tmp_dir))
{
}

fs::path
ObjectStore::path_of(const ObjectId& id) const
{
  return m_dir / "sha256" / id.hex.substr(0, 2)
         / (id.hex.substr(2) + (id.is_dir ? ".dir" : ""));
}

bool
ObjectStore::contains(const ObjectId& id) const
{
  struct stat st;
  return lstat(path_of(id).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

ObjectId
ObjectStore::install(const fs::path& tmp, std::string hex, bool is_dir)
{
  ObjectId id{std::move(hex), is_dir};
  fs::path target = path_of(id);
  if (contains(id)) {
    core::remove_file(tmp);
    return id;
  }
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  core::rename_path(tmp, target);
  return id;
}

ObjectId
ObjectStore::put_bytes(std::string_view data, bool is_dir)
{
  std::string hex = core::sha256_hex(data);
  ObjectId id{hex, is_dir};
  if (contains(id)) {
    return id;
  }
  fs::path target = path_of(id);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  core::AtomicFile file(target, m_tmp_dir, 0444);
  file.write(data);
  file.commit();
  return id;
}

std::string
ObjectStore::read_verified(const ObjectId& id) const
{
  fs::path path = path_of(id);
  if (!contains(id)) {
    throw Error("object " + id.to_string() + " is missing from the cache ("
                + path.string() + ")");
  }
  std::string data = core::read_file(path);
  if (core::sha256_hex(data) != id.hex) {
    throw Error("object " + id.to_string() + " in the cache is corrupt ("
                + path.string() + "); run 'trove fsck'");
  }
  return data;
}

ObjectId
ObjectStore::put_file(const fs::path& source, const std::vector<LinkType>& types)
{
  fs::path tmp = core::temp_path_in(m_tmp_dir);
  for (auto type : types) {
    switch (type) {
    case LinkType::reflink:
      if (core::try_reflink(source, tmp)) {
        return install(tmp, core::sha256_file(tmp), false);
      }
      break;
    case LinkType::hardlink:
    case LinkType::symlink:
      // The store keeps the file's own inode; it is made read-only before it
      // is hashed, so what is hashed is what stays.
      if (link(source.c_str(), tmp.c_str()) == 0) {
        core::make_read_only(tmp);
        try {
          return install(tmp, core::sha256_file(tmp), false);
        } catch (...) {
          std::ignore = unlink(tmp.c_str()); // the workspace keeps the data
          throw;
        }
      }
      break;
    case LinkType::copy:
      try {
        return install(tmp, core::copy_and_hash(source, tmp), false);
      } catch (...) {
        std::ignore = unlink(tmp.c_str()); // a partial copy; source untouched
        throw;
      }
    }
  }
  // None worked (e.g. hardlink only, across file systems): copy.
  return install(tmp, core::copy_and_hash(source, tmp), false);
}

LinkType
ObjectStore::link_out(const ObjectId& id,
                      const fs::path& dest,
                      const std::vector<LinkType>& types,
                      bool executable) const
{
  fs::path object = path_of(id);
  unsigned mode = executable ? 0755 : 0644;
  // Links appear whole; copies are made beside `dest` and renamed, so `dest`
  // never holds part of a file.
  auto copy_via_temp = [&](LinkType type) {
    fs::path tmp = core::temp_path_in(dest.parent_path());
    if (type == LinkType::reflink) {
      if (!core::try_reflink(object, tmp)) {
        return false;
      }
      chmod(tmp.c_str(), mode);
    } else {
      try {
        core::copy_file_contents(object, tmp, mode);
      } catch (...) {
        std::ignore = unlink(tmp.c_str()); // a partial copy of ours
        throw;
      }
    }
    core::rename_path(tmp, dest);
    return true;
  };
  for (auto type : types) {
    switch (type) {
    case LinkType::reflink:
      if (copy_via_temp(type)) {
        return type;
      }
      break;
    case LinkType::hardlink:
      if (link(object.c_str(), dest.c_str()) == 0) {
        return type;
      }
      break;
    case LinkType::symlink:
      if (symlink(fs::absolute(object).c_str(), dest.c_str()) == 0) {
        return type;
      }
      break;
    case LinkType::copy:
      copy_via_temp(type);
      return type;
    }
  }
  copy_via_temp(LinkType::copy);
  return LinkType::copy;
}

std::vector<ObjectStore::Entry>
ObjectStore::list() const
{
  std::vector<Entry> entries;
  std::error_code ec;
  fs::path root = m_dir / "sha256";
  if (!fs::is_directory(root, ec)) {
    return entries;
  }
  for (const auto& prefix : fs::directory_iterator(root)) {
    std::string head = prefix.path().filename().string();
    if (head.size() != 2 || !prefix.is_directory()) {
      continue;
    }
    for (const auto& file : fs::directory_iterator(prefix.path())) {
      std::string name = file.path().filename().string();
      bool is_dir = name.size() > 4 && name.ends_with(".dir");
      if (is_dir) {
        name.resize(name.size() - 4);
      }
      std::string hex = head + name;
      if (!ObjectId::is_valid_hex(hex) || !file.is_regular_file()) {
        continue; // not an object (a stray file someone left)
      }
      entries.push_back({{hex, is_dir}, file.file_size()});
    }
  }
  return entries;
}

void
ObjectStore::remove(const ObjectId& id)
{
  core::remove_file(path_of(id));
}

bool
ObjectStore::verify(const ObjectId& id) const
{
  return core::sha256_file(path_of(id)) == id.hex;
}

} // namespace trove::store
