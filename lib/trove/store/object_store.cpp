#include <trove/store/object_store.hpp>

#include <trove/core/error.hpp>
#include <trove/core/hash.hpp>
#include <trove/core/parallel.hpp>

#include <fcntl.h>
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
  return m_dir / "sha256" / id.hex.substr(0, 2) /
         (id.hex.substr(2) + (id.is_dir ? ".dir" : ""));
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
  fs::create_directories(target.parent_path(), ec); // rename_path names a failure
  core::rename_path(tmp, target);
  return id;
}

void
ObjectStore::adopt(const fs::path& tmp, const ObjectId& id)
{
  if (chmod(tmp.c_str(), 0444) != 0) {
    throw Error(core::errno_message(tmp, "cannot make read-only"));
  }
  core::wait_for_writeback(tmp);
  install(tmp, id.hex, id.is_dir);
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
  fs::create_directories(target.parent_path(), ec); // AtomicFile names a failure
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
    throw Error("object " + id.to_string() + " is missing from the cache (" +
                path.string() + ")");
  }
  std::string data = core::read_file(path);
  if (core::sha256_hex(data) != id.hex) {
    throw Error("object " + id.to_string() + " in the cache is corrupt (" +
                path.string() + "); run 'trove fsck'");
  }
  return data;
}

ObjectStore::Staged
ObjectStore::stage_file(const fs::path& source, const std::vector<LinkType>& types)
{
  fs::path tmp = core::temp_path_in(m_tmp_dir);
  auto staged = [&](std::string hex, bool written) {
    return Staged{tmp, {std::move(hex), false}, written};
  };
  // An inode with other names (perhaps outside the repository) is never
  // taken over: making it read-only, or a write through another name, would
  // reach the cache. It is copied instead.
  struct stat st;
  bool sole_name = lstat(source.c_str(), &st) == 0 && st.st_nlink == 1;
  try {
    for (auto type : types) {
      if (type == LinkType::reflink && core::try_reflink(source, tmp)) {
        return staged(core::sha256_file(tmp), false);
      }
      if (shares_cache_bytes(type) && sole_name &&
          link(source.c_str(), tmp.c_str()) == 0) {
        // The store keeps the file's own inode, made read-only before it is
        // hashed, so what is hashed is what stays.
        core::make_read_only(tmp);
        return staged(core::sha256_file(tmp), false);
      }
      if (type == LinkType::copy) {
        break;
      }
    }
    // copy, or nothing else worked (a hardlink across file systems)
    return staged(core::copy_and_hash(source, tmp), true);
  } catch (...) {
    std::ignore = unlink(tmp.c_str()); // ours; the source is untouched
    throw;
  }
}

void
ObjectStore::commit(const std::vector<Staged>& staged, unsigned jobs)
{
  core::parallel_for(staged.size(), jobs, [&](std::size_t i) {
    if (staged[i].written) {
      core::wait_for_writeback(staged[i].tmp);
    }
    install(staged[i].tmp, staged[i].id.hex, staged[i].id.is_dir);
  });
}

ObjectId
ObjectStore::put_file(const fs::path& source, const std::vector<LinkType>& types)
{
  auto staged = stage_file(source, types);
  commit({staged}, 1);
  return staged.id;
}

LinkType
link_file(const fs::path& source,
          const fs::path& dest,
          const std::vector<LinkType>& types,
          bool executable)
{
  unsigned mode = executable ? 0755 : 0644;
  // Links appear whole; copies are made beside `dest` and renamed, so `dest`
  // never holds part of a file.
  auto copy_via_temp = [&](LinkType type) {
    fs::path tmp = core::temp_path_in(dest.parent_path());
    if (type == LinkType::reflink) {
      if (!core::try_reflink(source, tmp)) {
        return false;
      }
    }
    try {
      if (type != LinkType::reflink) {
        core::copy_file_contents(source, tmp, mode);
      } else if (chmod(tmp.c_str(), mode) != 0) {
        // Left 0444, a checkout would not be the mode the user expects.
        throw Error(core::errno_message(tmp, "cannot set the mode of"));
      }
      core::rename_path(tmp, dest);
    } catch (...) {
      std::ignore = unlink(tmp.c_str()); // ours: never leave it in the workspace
      throw;
    }
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
      if (link(source.c_str(), dest.c_str()) == 0) {
        return type;
      }
      break;
    case LinkType::symlink: {
      std::error_code ec;
      if (auto target = fs::absolute(source, ec);
          !ec && symlink(target.c_str(), dest.c_str()) == 0) {
        return type;
      }
      break;
    }
    case LinkType::copy:
      copy_via_temp(type);
      return type;
    }
  }
  copy_via_temp(LinkType::copy);
  return LinkType::copy;
}

LinkType
ObjectStore::link_out(const ObjectId& id,
                      const fs::path& dest,
                      const std::vector<LinkType>& types,
                      bool executable) const
{
  return link_file(path_of(id), dest, types, executable);
}

ObjectStore::Hardlinker::Hardlinker(const ObjectStore& store) : m_prefix_dirs(256)
{
  static const char k_hex[] = "0123456789abcdef";
  for (int i = 0; i < 256; ++i) {
    char prefix[3] = {k_hex[i >> 4], k_hex[i & 15], '\0'};
    fs::path dir = store.dir() / "sha256" / prefix;
    m_prefix_dirs[i] = core::Fd(open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  }
}

bool
ObjectStore::Hardlinker::link(const ObjectId& id, int dir_fd, const char* name) const
{
  int prefix = std::stoi(id.hex.substr(0, 2), nullptr, 16);
  std::string rest = id.hex.substr(2) + (id.is_dir ? ".dir" : "");
  return linkat(m_prefix_dirs[prefix].get(), rest.c_str(), dir_fd, name, 0) == 0;
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
  for (const auto& prefix : core::list_directory(root)) {
    std::string head = prefix.path().filename().string();
    if (head.size() != 2 || !prefix.is_directory(ec)) {
      continue;
    }
    for (const auto& file : core::list_directory(prefix.path())) {
      std::string name = file.path().filename().string();
      bool is_dir = name.size() > 4 && name.ends_with(".dir");
      if (is_dir) {
        name.resize(name.size() - 4);
      }
      std::string hex = head + name;
      if (!ObjectId::is_valid_hex(hex) || !file.is_regular_file(ec)) {
        continue; // not an object (a stray file someone left)
      }
      auto size = file.file_size(ec);
      if (ec) {
        throw Error(core::fs_error_message(file.path(), "stat", ec));
      }
      entries.push_back({{hex, is_dir}, size});
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
