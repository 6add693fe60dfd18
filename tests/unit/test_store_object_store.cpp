#include "scratch.hpp"

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/hash.hpp>
#include <trove/store/object_store.hpp>

#include <sys/stat.h>

using namespace trove;
using namespace trove::store;

TEST_SUITE_BEGIN("store::ObjectStore");

namespace {

struct Fixture
{
  ScratchDir dir;
  ObjectStore store{dir / "cache", dir / "tmp"};
  Fixture() { std::filesystem::create_directories(dir / "tmp"); }

  ino_t
  inode(const std::filesystem::path& path)
  {
    struct stat st;
    REQUIRE(stat(path.c_str(), &st) == 0);
    return st.st_ino;
  }
};

} // namespace

TEST_CASE_FIXTURE(Fixture, "objects live at sha256/<2 hex>/<62 hex>, read-only")
{
  core::write_file_atomic(dir / "f", "abc");
  auto id = store.put_file(dir / "f", {LinkType::copy});
  CHECK(id.to_string() ==
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto path = store.path_of(id);
  CHECK(path == dir / "cache" / "sha256" / "ba" /
                    "7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(core::read_file(path) == "abc");
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0222) == 0);
  CHECK(std::filesystem::is_empty(dir / "tmp"));
}

TEST_CASE_FIXTURE(Fixture, "the same bytes give the same id with every link type")
{
  core::write_file_atomic(dir / "a", "same");
  core::write_file_atomic(dir / "b", "same");
  core::write_file_atomic(dir / "c", "same");
  auto copy = store.put_file(dir / "a", {LinkType::copy});
  auto hard = store.put_file(dir / "b", {LinkType::hardlink});
  auto reflink_or_copy = store.put_file(dir / "c", {LinkType::reflink, LinkType::copy});
  CHECK(copy == hard);
  CHECK(copy == reflink_or_copy);
}

TEST_CASE_FIXTURE(Fixture, "hardlink stores the workspace inode itself")
{
  core::write_file_atomic(dir / "f", "linked");
  auto id = store.put_file(dir / "f", {LinkType::hardlink, LinkType::copy});
  CHECK(inode(dir / "f") == inode(store.path_of(id)));
  struct stat st;
  REQUIRE(stat((dir / "f").c_str(), &st) == 0);
  CHECK((st.st_mode & 0222) == 0); // the workspace file is read-only now
}

TEST_CASE_FIXTURE(Fixture, "link_out by each type")
{
  auto id = store.put_bytes("content", false);
  CHECK(store.link_out(id, dir / "h", {LinkType::hardlink}) == LinkType::hardlink);
  CHECK(inode(dir / "h") == inode(store.path_of(id)));
  CHECK(store.link_out(id, dir / "s", {LinkType::symlink}) == LinkType::symlink);
  CHECK(std::filesystem::is_symlink(dir / "s"));
  CHECK(store.link_out(id, dir / "c", {LinkType::copy}, true) == LinkType::copy);
  CHECK(core::read_file(dir / "c") == "content");
  struct stat st;
  REQUIRE(stat((dir / "c").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0755);
}

TEST_CASE_FIXTURE(Fixture, "corruption is detected")
{
  auto id = store.put_bytes("precious", true);
  CHECK(id.is_dir);
  CHECK(store.read_verified(id) == "precious");
  CHECK(store.verify(id));
  auto path = store.path_of(id);
  chmod(path.c_str(), 0644);
  core::write_file_atomic(path, "precioux");
  CHECK(!store.verify(id));
  CHECK_THROWS_WITH_AS(store.read_verified(id), doctest::Contains("corrupt"), Error);
}

TEST_CASE_FIXTURE(Fixture, "list and remove")
{
  auto a = store.put_bytes("a", false);
  auto b = store.put_bytes("b", true);
  core::write_file_atomic(dir / "cache" / "sha256" / "stray", "not an object");
  auto entries = store.list();
  REQUIRE(entries.size() == 2);
  store.remove(a);
  CHECK(!store.contains(a));
  CHECK(store.contains(b));
  CHECK(store.list().size() == 1);
}

TEST_SUITE_END();
