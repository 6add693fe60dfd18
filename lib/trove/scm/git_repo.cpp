#include <trove/scm/git_repo.hpp>

#include <trove/core/error.hpp>

#include <git2.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

namespace trove::scm {

namespace {

struct Libgit2
{
  Libgit2() { git_libgit2_init(); }
  ~Libgit2() { git_libgit2_shutdown(); }
};

void
ensure_libgit2()
{
  static Libgit2 instance;
}

std::string
last_error()
{
  const git_error* error = git_error_last();
  return error && error->message ? error->message : "unknown libgit2 error";
}

// Owns a libgit2 object: libgit2 fills `ptr` through its out-parameter.
template <typename T, void (*Free)(T*)> struct Owned
{
  T* ptr = nullptr;
  Owned() = default;
  explicit Owned(T* p) : ptr(p) {}
  Owned(Owned&& other) noexcept : ptr(std::exchange(other.ptr, nullptr)) {}
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned()
  {
    if (ptr) {
      Free(ptr);
    }
  }
};

std::string
oid_hex(const git_oid* oid)
{
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof(hex), oid);
  return hex;
}

} // namespace

void
GitRepo::Deleter::operator()(git_repository* repo) const
{
  git_repository_free(repo);
}

std::optional<GitRepo>
GitRepo::discover(const fs::path& start)
{
  ensure_libgit2();
  git_buf found = GIT_BUF_INIT;
  if (git_repository_discover(&found, start.c_str(), 0, nullptr) != 0) {
    return std::nullopt;
  }
  git_repository* repo = nullptr;
  int rc = git_repository_open(&repo, found.ptr);
  git_buf_dispose(&found);
  if (rc != 0) {
    throw Error("cannot open git repository: " + last_error());
  }
  if (git_repository_is_bare(repo)) {
    git_repository_free(repo);
    return std::nullopt;
  }
  return GitRepo(repo);
}

fs::path
GitRepo::workdir() const
{
  return fs::path(git_repository_workdir(m_repo.get())).lexically_normal().parent_path();
}

fs::path
GitRepo::hooks_dir() const
{
  Owned<git_config, git_config_free> config;
  if (git_repository_config_snapshot(&config.ptr, m_repo.get()) == 0) {
    git_buf path = GIT_BUF_INIT;
    if (git_config_get_path(&path, config.ptr, "core.hooksPath") == 0) {
      fs::path hooks(path.ptr);
      git_buf_dispose(&path);
      return hooks.is_absolute() ? hooks : workdir() / hooks;
    }
  }
  return fs::path(git_repository_commondir(m_repo.get())) / "hooks";
}

bool
GitRepo::tracks(const std::string& relative) const
{
  Owned<git_index, git_index_free> index;
  if (git_repository_index(&index.ptr, m_repo.get()) != 0) {
    return false;
  }
  if (git_index_get_bypath(index.ptr, relative.c_str(), 0)) {
    return true;
  }
  size_t position = 0;
  std::string prefix = relative + "/";
  return git_index_find_prefix(&position, index.ptr, prefix.c_str()) == 0;
}

std::string
GitRepo::resolve_commit(const std::string& revision) const
{
  Owned<git_object, git_object_free> object;
  if (git_revparse_single(&object.ptr, m_repo.get(), revision.c_str()) != 0) {
    throw Error("unknown revision '" + revision + "'");
  }
  Owned<git_object, git_object_free> commit;
  if (git_object_peel(&commit.ptr, object.ptr, GIT_OBJECT_COMMIT) != 0) {
    throw Error("revision '" + revision + "' is not a commit");
  }
  return oid_hex(git_object_id(commit.ptr));
}

std::optional<std::string>
GitRepo::head_commit() const
{
  git_oid oid;
  if (git_reference_name_to_id(&oid, m_repo.get(), "HEAD") != 0) {
    return std::nullopt;
  }
  return oid_hex(&oid);
}

namespace {

Owned<git_tree, git_tree_free>
tree_of(git_repository* repo, const std::string& commit_hex)
{
  git_oid oid;
  Owned<git_commit, git_commit_free> commit;
  Owned<git_tree, git_tree_free> tree;
  if (git_oid_fromstr(&oid, commit_hex.c_str()) != 0 ||
      git_commit_lookup(&commit.ptr, repo, &oid) != 0 ||
      git_commit_tree(&tree.ptr, commit.ptr) != 0) {
    throw Error("cannot read commit " + commit_hex + ": " + last_error());
  }
  return tree;
}

std::string
blob_content(git_repository* repo, const git_oid* oid)
{
  Owned<git_blob, git_blob_free> blob;
  if (git_blob_lookup(&blob.ptr, repo, oid) != 0) {
    throw Error("cannot read blob " + oid_hex(oid) + ": " + last_error());
  }
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.ptr)),
                     static_cast<std::size_t>(git_blob_rawsize(blob.ptr)));
}

} // namespace

std::optional<std::string>
GitRepo::read_file(const std::string& commit, const std::string& path) const
{
  auto tree = tree_of(m_repo.get(), commit);
  Owned<git_tree_entry, git_tree_entry_free> entry;
  if (git_tree_entry_bypath(&entry.ptr, tree.ptr, path.c_str()) != 0 ||
      git_tree_entry_type(entry.ptr) != GIT_OBJECT_BLOB) {
    return std::nullopt;
  }
  return blob_content(m_repo.get(), git_tree_entry_id(entry.ptr));
}

namespace {

void
list_tree(git_repository* repo,
          const git_tree* tree,
          const std::string& prefix,
          std::vector<std::string>& paths)
{
  for (std::size_t i = 0, n = git_tree_entrycount(tree); i < n; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
    std::string path = prefix + git_tree_entry_name(entry);
    auto type = git_tree_entry_type(entry);
    if (type == GIT_OBJECT_BLOB) {
      paths.push_back(std::move(path));
    } else if (type == GIT_OBJECT_TREE) {
      Owned<git_tree, git_tree_free> subtree;
      if (git_tree_lookup(&subtree.ptr, repo, git_tree_entry_id(entry)) != 0) {
        throw Error("cannot read tree " + oid_hex(git_tree_entry_id(entry)) + ": " +
                    last_error());
      }
      list_tree(repo, subtree.ptr, path + "/", paths);
    }
  }
}

} // namespace

std::vector<std::string>
GitRepo::files_under(const std::string& commit, const std::string& dir) const
{
  auto tree = tree_of(m_repo.get(), commit);
  std::vector<std::string> paths;
  if (dir.empty()) {
    list_tree(m_repo.get(), tree.ptr, "", paths);
    return paths;
  }
  Owned<git_tree_entry, git_tree_entry_free> entry;
  Owned<git_tree, git_tree_free> subtree;
  if (git_tree_entry_bypath(&entry.ptr, tree.ptr, dir.c_str()) != 0 ||
      git_tree_entry_type(entry.ptr) != GIT_OBJECT_TREE ||
      git_tree_lookup(&subtree.ptr, m_repo.get(), git_tree_entry_id(entry.ptr)) != 0) {
    return paths;
  }
  list_tree(m_repo.get(), subtree.ptr, dir + "/", paths);
  return paths;
}

std::vector<GitRepo::File>
GitRepo::files_where(const std::string& commit,
                     const std::function<bool(std::string_view name)>& wanted) const
{
  return FileFinder(*this, wanted).in(commit);
}

GitRepo::FileFinder::FileFinder(const GitRepo& git,
                                std::function<bool(std::string_view name)> wanted)
    : m_git(git), m_wanted(std::move(wanted))
{
}

namespace {

std::string
raw_id(const git_oid* oid)
{
  return std::string(reinterpret_cast<const char*>(oid->id), GIT_OID_RAWSZ);
}

} // namespace

const std::vector<GitRepo::FileFinder::Match>&
GitRepo::FileFinder::matches_in(const git_tree* tree)
{
  auto key = raw_id(git_tree_id(tree));
  if (auto it = m_by_tree.find(key); it != m_by_tree.end()) {
    return it->second;
  }
  std::vector<Match> matches;
  for (std::size_t i = 0, n = git_tree_entrycount(tree); i < n; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
    std::string name = git_tree_entry_name(entry);
    auto type = git_tree_entry_type(entry);
    if (type == GIT_OBJECT_BLOB && m_wanted(name)) {
      matches.push_back({name, raw_id(git_tree_entry_id(entry))});
    } else if (type == GIT_OBJECT_TREE) {
      Owned<git_tree, git_tree_free> subtree;
      if (git_tree_lookup(&subtree.ptr, m_git.m_repo.get(), git_tree_entry_id(entry)) !=
          0) {
        throw Error("cannot read tree " + oid_hex(git_tree_entry_id(entry)) + ": " +
                    last_error());
      }
      for (const auto& match : matches_in(subtree.ptr)) {
        matches.push_back({name + "/" + match.path, match.blob});
      }
    }
  }
  return m_by_tree.emplace(std::move(key), std::move(matches)).first->second;
}

std::vector<GitRepo::File>
GitRepo::FileFinder::in(const std::string& commit)
{
  auto tree = tree_of(m_git.m_repo.get(), commit);
  std::vector<File> files;
  for (const auto& match : matches_in(tree.ptr)) {
    git_oid oid;
    git_oid_fromraw(&oid, reinterpret_cast<const unsigned char*>(match.blob.data()));
    files.push_back({match.path, blob_content(m_git.m_repo.get(), &oid)});
  }
  return files;
}

namespace {

// The references under `prefix` ("refs/heads/") that lead to a commit.
std::vector<GitRepo::Ref>
refs_under(git_repository* repo, const std::string& prefix)
{
  std::vector<GitRepo::Ref> refs;
  Owned<git_reference_iterator, git_reference_iterator_free> it;
  if (git_reference_iterator_glob_new(&it.ptr, repo, (prefix + "*").c_str()) != 0) {
    return {};
  }
  git_reference* ref = nullptr;
  while (git_reference_next(&ref, it.ptr) == 0) {
    Owned<git_reference, git_reference_free> owned{ref};
    Owned<git_object, git_object_free> commit;
    if (git_reference_peel(&commit.ptr, ref, GIT_OBJECT_COMMIT) == 0) {
      refs.push_back({std::string(git_reference_name(ref)).substr(prefix.size()),
                      oid_hex(git_object_id(commit.ptr))});
    }
  }
  std::sort(refs.begin(), refs.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return refs;
}

std::vector<std::string>
unique_commits(const std::vector<GitRepo::Ref>& refs)
{
  std::set<std::string> commits;
  for (const auto& ref : refs) {
    commits.insert(ref.commit);
  }
  return {commits.begin(), commits.end()};
}

using Revwalk = Owned<git_revwalk, git_revwalk_free>;

Revwalk
new_revwalk(git_repository* repo)
{
  Revwalk walk;
  if (git_revwalk_new(&walk.ptr, repo) != 0) {
    throw Error("cannot walk history: " + last_error());
  }
  git_revwalk_sorting(walk.ptr, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
  return walk;
}

std::vector<std::string>
walk_commits(git_revwalk* walk, std::size_t limit)
{
  std::vector<std::string> commits;
  git_oid oid;
  while (commits.size() < limit && git_revwalk_next(&oid, walk) == 0) {
    commits.push_back(oid_hex(&oid));
  }
  return commits;
}

} // namespace

std::vector<GitRepo::Ref>
GitRepo::branches() const
{
  return refs_under(m_repo.get(), "refs/heads/");
}

std::vector<GitRepo::Ref>
GitRepo::tags() const
{
  return refs_under(m_repo.get(), "refs/tags/");
}

std::vector<std::string>
GitRepo::branch_commits() const
{
  return unique_commits(branches());
}

std::vector<std::string>
GitRepo::tag_commits() const
{
  return unique_commits(tags());
}

std::vector<std::string>
GitRepo::all_commits() const
{
  auto walk = new_revwalk(m_repo.get());
  git_revwalk_push_glob(walk.ptr, "refs/*");
  git_revwalk_push_head(walk.ptr);
  return walk_commits(walk.ptr, SIZE_MAX);
}

std::vector<std::string>
GitRepo::log(const std::string& commit, std::size_t limit) const
{
  auto walk = new_revwalk(m_repo.get());
  git_oid oid;
  if (git_oid_fromstr(&oid, commit.c_str()) != 0 ||
      git_revwalk_push(walk.ptr, &oid) != 0) {
    throw Error("cannot walk history from " + commit + ": " + last_error());
  }
  return walk_commits(walk.ptr, limit);
}

std::string
libgit2_version()
{
  int major = 0, minor = 0, revision = 0;
  git_libgit2_version(&major, &minor, &revision);
  return std::to_string(major) + "." + std::to_string(minor) + "." +
         std::to_string(revision);
}

} // namespace trove::scm
