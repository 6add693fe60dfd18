#include "scratch.hpp"

#include <trove/core/fs.hpp>
#include <trove/store/stat_index.hpp>

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

TEST_CASE("a damaged index is an empty one, a torn one keeps whole records")
{
  ScratchDir dir;
  core::write_file_atomic(dir / "index", "garbage");
  StatIndex garbage(dir / "index");
  CHECK(!garbage.lookup("a", k_old));

  {
    StatIndex index(dir / "index2");
    index.record("a", k_old, k_hex);
    index.record("b", k_old, k_hex);
    index.save();
  }
  auto bytes = core::read_file(dir / "index2");
  core::write_file_atomic(dir / "index2", bytes.substr(0, bytes.size() - 10));
  StatIndex torn(dir / "index2");
  int found = (torn.lookup("a", k_old) ? 1 : 0) + (torn.lookup("b", k_old) ? 1 : 0);
  CHECK(found == 1);
}

TEST_SUITE_END();
