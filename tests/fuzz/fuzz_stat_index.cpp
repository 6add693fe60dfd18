// The stat index (.trove/state/stat-index): any bytes must load as an index,
// possibly empty, never an error or a crash. An index loaded from them and
// saved with one more record must load again with that record.

#include "fuzz_support.hpp"

#include <trove/core/error.hpp>
#include <trove/store/stat_index.hpp>

using namespace trove;

extern "C" int
LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size)
{
  const auto file = fuzz::scratch_dir() / "stat-index";
  fuzz::write_input(file, fuzz::text_of(data, size));
  const std::string hex(64, 'a');
  const store::FileStamp stamp{1, 2, 3, 4};
  {
    store::StatIndex index(file);
    std::ignore = index.lookup("", stamp);
    std::ignore = index.lookup("data/a.csv", stamp);
    index.record_written("fuzz/marker", stamp, hex);
    index.forget("data/a.csv");
    index.save();
  }
  store::StatIndex reloaded(file);
  fuzz::check(reloaded.lookup("fuzz/marker", stamp) == hex,
              "a record saved into a loaded index is lost");
  return 0;
}
