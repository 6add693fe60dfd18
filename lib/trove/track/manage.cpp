#include <trove/track/manage.hpp>

#include <trove/core/error.hpp>
#include <trove/scm/gitignore_file.hpp>
#include <trove/track/status.hpp>
#include <trove/track/workspace.hpp>

#include <sys/stat.h>
#include <unistd.h>

namespace trove::track {

namespace {

std::string
pointer_for(const Repository& repo, const fs::path& target)
{
  auto pointers = resolve_targets(repo, {target});
  if (pointers.size() != 1) {
    throw Error("'" + target.string() + "' names more than one tracked output");
  }
  return pointers.front();
}

void
forget_out(Repository& repo, const TrackedOut& out)
{
  if (repo.git()) {
    fs::path absolute = repo.absolute(out.path);
    scm::gitignore_remove(absolute.parent_path(), absolute.filename().string());
  }
}

// Replaces a file by a writable copy of itself; true when it was not one.
bool
make_writable_copy(const fs::path& path)
{
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) {
    return false;
  }
  bool linked = S_ISLNK(st.st_mode) || st.st_nlink > 1;
  if (!linked && (st.st_mode & S_IWUSR)) {
    return false;
  }
  struct stat target;
  if (stat(path.c_str(), &target) != 0) {
    throw Error(core::errno_message(path, "cannot stat")); // a dangling symlink
  }
  fs::path tmp = core::temp_path_in(path.parent_path());
  try {
    core::copy_file_contents(path, tmp, (target.st_mode & 0777) | 0200);
    core::rename_path(tmp, path);
  } catch (...) {
    std::ignore = unlink(tmp.c_str()); // ours: never leave it in the workspace
    throw;
  }
  return true;
}

} // namespace

std::string
remove(Repository& repo, const fs::path& target, KeepData keep_data)
{
  auto out = load_tracked(repo, pointer_for(repo, target));
  if (keep_data == KeepData::no) {
    auto status = out_status(repo, out, [](const std::string&) {});
    if (status.state == OutStatus::State::modified) {
      throw Error("'" + out.path +
                  "' has changes that are not in the cache; "
                  "commit them first, or use --keep-data to keep the files");
    }
    if (status.state != OutStatus::State::deleted && !status.in_cache) {
      throw Error("'" + out.path + "' is not in the cache; use --keep-data");
    }
    std::error_code ec;
    fs::remove_all(repo.absolute(out.path), ec);
    if (ec) {
      throw Error("cannot remove " + out.path + ": " + ec.message());
    }
  }
  core::remove_file(repo.absolute(out.pointer_path));
  forget_out(repo, out);
  return out.path;
}

std::string
move(Repository& repo, const fs::path& source, const fs::path& destination)
{
  auto out = load_tracked(repo, pointer_for(repo, source));
  std::string dest = repo.relative(destination);
  std::error_code ec;
  bool into_directory = destination.generic_string().ends_with("/") ||
                        fs::is_directory(repo.absolute(dest), ec);
  if (into_directory) {
    dest = index_key(dest, fs::path(out.path).filename().string());
  }
  if (dest.ends_with(k_pointer_suffix)) {
    dest.resize(dest.size() - k_pointer_suffix.size());
  }
  check_data_path(repo, dest, "cannot move '" + out.path + "'");
  if (auto parent = tracked_parent(repo, dest)) {
    throw Error("cannot move '" + out.path + "' into tracked data '" + *parent + "'");
  }
  fs::path new_data = repo.absolute(dest);
  fs::path new_pointer = repo.absolute(dest + std::string(k_pointer_suffix));
  if (fs::exists(new_data, ec) || fs::exists(new_pointer, ec)) {
    throw Error("cannot move to '" + dest + "': it exists");
  }
  core::create_directories(new_data.parent_path());
  if (fs::exists(repo.absolute(out.path), ec)) {
    core::rename_path(repo.absolute(out.path), new_data);
  }
  PointerFile pointer = out.pointer;
  pointer.out_path = new_data.filename().string();
  pointer.save(new_pointer);
  core::remove_file(repo.absolute(out.pointer_path));
  forget_out(repo, out);
  if (repo.git()) {
    scm::gitignore_add(new_data.parent_path(), pointer.out_path);
  }
  return dest;
}

std::size_t
unprotect(Repository& repo, const std::vector<fs::path>& targets)
{
  std::size_t count = 0;
  for (const auto& target : targets) {
    fs::path absolute = repo.absolute(repo.relative(target));
    std::error_code ec;
    if (fs::is_directory(absolute, ec)) {
      fs::recursive_directory_iterator it(absolute, ec);
      for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec)) {
          count += make_writable_copy(it->path());
        }
      }
      if (ec) {
        throw Error(core::fs_error_message(absolute, "list", ec));
      }
    } else if (fs::exists(absolute, ec)) {
      count += make_writable_copy(absolute);
    } else {
      throw Error("'" + target.string() + "' does not exist");
    }
  }
  return count;
}

} // namespace trove::track
