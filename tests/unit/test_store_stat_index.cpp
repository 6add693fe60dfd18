#include "scratch.hpp"

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/hash.hpp>
#include <trove/store/stat_index.hpp>

#include <fstream>

using namespace trove;
using namespace trove::store;

TEST_SUITE_BEGIN("store::StatIndex");

namespace {
const FileStamp k_old{42, 100, 1'000'000'000, 1'000'000'000};
const std::string k_hex(64, 'c');
} // namespace

TEST_CASE("a matching stamp returns the recorded hash; any change misses")
{
  ScratchDir dir;
  {
    StatIndex index(dir / "index");
    index.record("data/a", k_old, k_hex);
    index.save();
  }
  StatIndex index(dir / "index");
  CHECK(index.lookup("data/a", k_old) == k_hex);
  for (auto changed : {FileStamp{43, 100, 1'000'000'000, 1'000'000'000},
                       FileStamp{42, 101, 1'000'000'000, 1'000'000'000},
                       FileStamp{42, 100, 1'000'000'001, 1'000'000'000},
                       FileStamp{42, 100, 1'000'000'000, 1'000'000'001}}) {
    CHECK(!index.lookup("data/a", changed));
  }
  CHECK(!index.lookup("data/b", k_old));
  index.forget("data/a");
  CHECK(!index.lookup("data/a", k_old));
}

TEST_CASE("a file modified just now is not trusted (racy stamp)")
{
  ScratchDir dir;
  StatIndex index(dir / "index");
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  FileStamp fresh{1, 1, now, now};
  index.record("fresh", fresh, k_hex);
  CHECK(!index.lookup("fresh", fresh));
  index.record_written("fresh", fresh, k_hex);
  CHECK(index.lookup("fresh", fresh) == k_hex);
}

namespace {

// Saves an index of three entries at `path`; returns the file's bytes.
std::string
save_three(const fs::path& path)
{
  StatIndex index(path);
  for (const char* name : {"a", "dir/b", "dir/c"}) {
    index.record(name, k_old, k_hex);
  }
  index.save();
  return core::read_file(path);
}

// The index is empty and answers no lookup.
void
check_empty(const fs::path& path)
{
  StatIndex index(path);
  CHECK(index.size() == 0);
  for (const char* name : {"a", "dir/b", "dir/c"}) {
    CHECK(!index.lookup(name, k_old));
  }
}

// Without write_file_atomic's fsync: hundreds of files per test.
void
write(const fs::path& path, const std::string& data)
{
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

template <typename T>
void
put(std::string& out, T value)
{
  out.append(reinterpret_cast<const char*>(&value), sizeof(value));
}

// A version 2 file with a correct checksum around any entry bytes.
std::string
checksummed(std::uint64_t count, const std::string& entries)
{
  std::string out = "TROVESIX";
  put(out, std::uint32_t{2});
  put(out, count);
  out += entries;
  return out + core::sha256_hex(out);
}

std::string
entry(const std::string& name, const std::string& hex)
{
  std::string out;
  put(out, static_cast<std::uint32_t>(name.size()));
  out += name;
  put(out, k_old.inode);
  put(out, k_old.size);
  put(out, k_old.mtime_ns);
  put(out, k_old.ctime_ns);
  return out + hex;
}

} // namespace

TEST_CASE("a saved index loads whole, and a hand-made one like it too")
{
  ScratchDir dir;
  save_three(dir / "index");
  StatIndex index(dir / "index");
  CHECK(index.size() == 3);
  CHECK(index.lookup("dir/b", k_old) == k_hex);

  core::write_file_atomic(dir / "made", checksummed(1, entry("a", k_hex)));
  StatIndex made(dir / "made");
  CHECK(made.lookup("a", k_old) == k_hex);
}

TEST_CASE("any flipped byte discards the whole index, never a wrong entry")
{
  ScratchDir dir;
  auto bytes = save_three(dir / "index");
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (unsigned char flip : {0x01, 0x80, 0xff}) {
      auto damaged = bytes;
      damaged[i] = char(damaged[i] ^ flip);
      write(dir / "damaged", damaged);
      StatIndex index(dir / "damaged");
      INFO("byte " << i << " xor " << int(flip));
      REQUIRE(index.size() == 0);
    }
  }
}

TEST_CASE("a torn, extended, garbage or empty index is an empty one")
{
  ScratchDir dir;
  auto bytes = save_three(dir / "index");
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    write(dir / "torn", bytes.substr(0, size));
    INFO("torn at " << size);
    check_empty(dir / "torn");
  }
  core::write_file_atomic(dir / "longer", bytes + "x");
  check_empty(dir / "longer");
  core::write_file_atomic(dir / "garbage", "garbage");
  check_empty(dir / "garbage");
}

TEST_CASE("an index of version 1 (no checksum) is discarded")
{
  ScratchDir dir;
  std::string v1 = "TROVESIX";
  put(v1, std::uint32_t{1});
  put(v1, std::uint64_t{1});
  v1 += entry("a", k_hex);
  core::write_file_atomic(dir / "v1", v1);
  check_empty(dir / "v1");
  // Even with a checksum appended, version 1 is not read.
  core::write_file_atomic(dir / "v1sum", v1 + core::sha256_hex(v1));
  check_empty(dir / "v1sum");
}

TEST_CASE("a matching checksum does not make bad content believed")
{
  ScratchDir dir;
  auto bad = [&](std::uint64_t count, const std::string& entries) {
    core::write_file_atomic(dir / "bad", checksummed(count, entries));
    check_empty(dir / "bad");
  };
  bad(1, entry("a", std::string(64, 'C'))); // upper case
  bad(1, entry("a", std::string(63, 'c') + "g"));
  bad(2, entry("a", k_hex) + entry("a", k_hex));  // the same path twice
  bad(2, entry("a", k_hex));                      // fewer than counted
  bad(1, entry("a", k_hex) + "x");                // bytes after the entries
  bad(std::uint64_t(1) << 60, entry("a", k_hex)); // a huge count
  std::string huge_length = entry("a", k_hex);
  huge_length[3] = '\x7f';
  bad(1, huge_length);
}

TEST_CASE("try_save reports a failure to write; save throws it")
{
  ScratchDir dir;
  fs::create_directories(dir / "index"); // a directory: no file can replace it
  StatIndex index(dir / "index");
  index.record("a", k_old, k_hex);
  auto failure = index.try_save();
  REQUIRE(failure);
  CHECK(failure->find("index") != std::string::npos);
  CHECK_THROWS_AS(index.save(), Error);

  fs::remove(dir / "index");
  CHECK(!index.try_save()); // the change was kept for a later save
  StatIndex reloaded(dir / "index");
  CHECK(reloaded.lookup("a", k_old) == k_hex);
  CHECK(!reloaded.try_save()); // nothing to save
}

TEST_SUITE_END();
