#include "scratch.hpp"

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/hash.hpp>

#include <fcntl.h>
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

TEST_CASE("file system failures are trove::Error naming the path")
{
  ScratchDir dir;
  write_file_atomic(dir / "file", "x");
  // A file where a directory is to be made (checkout of a directory whose
  // place a file took).
  CHECK_THROWS_WITH_AS(trove::core::create_directories(dir / "file" / "sub"),
                       doctest::Contains((dir / "file" / "sub").c_str()), trove::Error);
  CHECK_THROWS_WITH_AS(list_directory(dir / "file"),
                       doctest::Contains((dir / "file").c_str()), trove::Error);
  CHECK(list_directory(dir / "missing").empty());
  trove::core::create_directories(dir / "a" / "b");
  write_file_atomic(dir / "a" / "b" / "c", "c");
  CHECK(list_directory(dir / "a").size() == 1);
  trove::core::remove_all(dir / "a");
  trove::core::remove_all(dir / "a"); // already gone: fine
  CHECK(!std::filesystem::exists(dir / "a"));
}

TEST_CASE("read_full and write_all move every byte, and fewer only at the end")
{
  ScratchDir dir;
  std::string data(3 * 1024 * 1024 + 17, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) {
    data[i] = static_cast<char>(i * 7);
  }
  {
    Fd out(::open((dir / "f").c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644));
    REQUIRE(out);
    write_all(out.get(), data, dir / "f");
  }
  CHECK(read_file(dir / "f") == data);
  Fd in = open_read(dir / "f");
  std::string buffer(2 * 1024 * 1024, '\0');
  CHECK(read_full(in.get(), buffer.data(), buffer.size(), dir / "f") == buffer.size());
  CHECK(buffer == data.substr(0, buffer.size()));
  CHECK(read_full(in.get(), buffer.data(), buffer.size(), dir / "f") ==
        data.size() - buffer.size());
  CHECK(read_full(in.get(), buffer.data(), buffer.size(), dir / "f") == 0);
  CHECK_THROWS_WITH_AS(
      write_all(in.get(), "x", dir / "f"),
      doctest::Contains(("cannot write " + (dir / "f").string()).c_str()), trove::Error);
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
