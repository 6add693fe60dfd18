#include "scratch.hpp"

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/hash.hpp>

#include <sys/stat.h>
#include <unistd.h>

using namespace trove::core;

TEST_SUITE_BEGIN("core::fs");

TEST_CASE("atomic file: the target appears only on commit")
{
  ScratchDir dir;
  auto target = dir / "out";
  {
    AtomicFile file(target);
    file.write("partial");
    CHECK(!std::filesystem::exists(target));
  } // never committed: the temp file goes too
  CHECK(!std::filesystem::exists(target));
  CHECK(std::filesystem::is_empty(dir.path()));

  write_file_atomic(target, "old");
  AtomicFile file(target);
  file.write("new");
  CHECK(read_file(target) == "old");
  file.commit();
  CHECK(read_file(target) == "new");
}

TEST_CASE("copy_and_hash makes a read-only copy and returns its hash")
{
  ScratchDir dir;
  write_file_atomic(dir / "src", "hello");
  CHECK(copy_and_hash(dir / "src", dir / "dst") == sha256_hex("hello"));
  CHECK(read_file(dir / "dst") == "hello");
  struct stat st;
  REQUIRE(stat((dir / "dst").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0444);
}

TEST_CASE("copy_and_hash of a large file: kernel copy and parallel hash")
{
  ScratchDir dir;
  std::string data(65 * 1024 * 1024 + 3, '\0');
  for (std::size_t i = 0; i < data.size(); i += 4093) {
    data[i] = static_cast<char>(i / 4093);
  }
  write_file_atomic(dir / "src", data);
  CHECK(copy_and_hash(dir / "src", dir / "dst") == sha256_hex(data));
  wait_for_writeback(dir / "dst");
  CHECK(read_file(dir / "dst") == data);
}

TEST_CASE("copy_file_contents sets the requested mode")
{
  ScratchDir dir;
  write_file_atomic(dir / "src", std::string(3 * k_io_buffer_size, 'z'));
  copy_file_contents(dir / "src", dir / "dst", 0755);
  CHECK(read_file(dir / "dst") == read_file(dir / "src"));
  struct stat st;
  REQUIRE(stat((dir / "dst").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0755);
}

TEST_CASE("safe relative paths")
{
  CHECK(is_safe_relative_path("a"));
  CHECK(is_safe_relative_path("a/b.c/d"));
  CHECK(is_safe_relative_path("..a/b.."));
  CHECK(!is_safe_relative_path(""));
  CHECK(!is_safe_relative_path("/etc/passwd"));
  CHECK(!is_safe_relative_path("../x"));
  CHECK(!is_safe_relative_path("a/../../x"));
  CHECK(!is_safe_relative_path("a/./b"));
  CHECK(!is_safe_relative_path("a//b"));
  CHECK(!is_safe_relative_path("a/"));
  CHECK(!is_safe_relative_path("a\nb"));
}

TEST_CASE("is_within")
{
  CHECK(is_within("/repo", "/repo"));
  CHECK(is_within("/repo", "/repo/a/b"));
  CHECK(is_within("/repo/", "/repo/a"));
  CHECK(!is_within("/repo", "/repository"));
  CHECK(!is_within("/repo", "/"));
  CHECK(!is_within("/repo/a", "/repo"));
}

TEST_CASE("temp names carry the pid and never repeat")
{
  auto a = temp_path_in("/x");
  auto b = temp_path_in("/x");
  CHECK(a != b);
  CHECK(temp_owner(a.filename().string()) == getpid());
  CHECK(temp_owner("data.csv") == 0);
}

TEST_SUITE_END();
