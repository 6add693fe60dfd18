// A pointer file (X.trove) as git hands it over: parsed, then written back
// and read again, which must give the same pointer.

#include "fuzz_support.hpp"

#include <trove/core/error.hpp>
#include <trove/track/pointer_file.hpp>

using namespace trove;

extern "C" int
LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size)
{
  track::PointerFile pointer;
  try {
    pointer = track::PointerFile::parse(fuzz::text_of(data, size), "fuzz.trove");
  } catch (const Error&) {
    return 0; // rejected, as it should be
  }
  std::string written = pointer.serialize();
  track::PointerFile again;
  try {
    again = track::PointerFile::parse(written, "serialized.trove");
  } catch (const Error& e) {
    fuzz::finding(std::string("a serialized pointer does not parse: ") + e.what() + "\n" +
                  written);
  }
  fuzz::check(again.out_path == pointer.out_path && again.id == pointer.id &&
                  again.size == pointer.size && again.nfiles == pointer.nfiles,
              "a pointer changes through serialize and parse:\n" + written);
  return 0;
}
