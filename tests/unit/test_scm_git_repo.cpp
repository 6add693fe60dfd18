#include "scratch.hpp"

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/scm/git_repo.hpp>

#include <cstdlib>

using namespace trove;
using namespace trove::scm;

TEST_SUITE_BEGIN("scm::GitRepo");

namespace {

// Sets up a real repository with the git command line (what users do), then
// reads it through libgit2.
void
git(const ScratchDir& dir, const std::string& arguments)
{
  std::string command = "cd '" + dir.path().string() +
                        "' && git -c user.email=t@example.com -c user.name=t " +
                        arguments + " >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
}

} // namespace

TEST_CASE("discover, track, read at revisions")
{
  ScratchDir dir;
  git(dir, "init -q -b main .");
  std::filesystem::create_directories(dir / "sub" / "deeper");
  auto repo = GitRepo::discover(dir / "sub" / "deeper");
  REQUIRE(repo);
  CHECK(std::filesystem::equivalent(repo->workdir(), dir.path()));
  CHECK(!repo->head_commit());

  core::write_file_atomic(dir / "sub" / "a.trove", "one");
  core::write_file_atomic(dir / "top.txt", "top");
  git(dir, "add -A && git -c user.email=t@example.com -c user.name=t commit -q -m one");
  git(dir, "tag v1");
  core::write_file_atomic(dir / "sub" / "a.trove", "two");
  git(dir, "commit -q -am two");

  CHECK(repo->tracks("top.txt"));
  CHECK(repo->tracks("sub"));
  CHECK(!repo->tracks("su"));
  CHECK(!repo->tracks("nothing"));

  auto v1 = repo->resolve_commit("v1");
  auto head = repo->resolve_commit("HEAD");
  CHECK(v1 != head);
  CHECK(repo->resolve_commit("HEAD~1") == v1);
  CHECK(repo->resolve_commit(v1.substr(0, 7)) == v1);
  CHECK(repo->read_file(v1, "sub/a.trove") == "one");
  CHECK(repo->read_file(head, "sub/a.trove") == "two");
  CHECK(!repo->read_file(head, "missing"));
  auto files = repo->files_where(
      v1, [](std::string_view name) { return name.ends_with(".trove"); });
  REQUIRE(files.size() == 1);
  CHECK(files[0].path == "sub/a.trove");
  CHECK(files[0].content == "one");
  CHECK_THROWS_WITH_AS(repo->resolve_commit("no-such-rev"),
                       doctest::Contains("no-such-rev"), Error);

  CHECK(repo->tag_commits() == std::vector<std::string>{v1});
  CHECK(repo->branch_commits() == std::vector<std::string>{head});
  CHECK(repo->all_commits().size() == 2);
}

TEST_CASE("outside a work tree")
{
  ScratchDir dir;
  CHECK(!GitRepo::discover(dir.path()));
}

TEST_SUITE_END();
