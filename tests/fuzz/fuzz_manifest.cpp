// A directory manifest as a cache or a remote holds it: parsed, then
// serialized and parsed again, which must give the same entries.

#include "fuzz_support.hpp"

#include <trove/core/error.hpp>
#include <trove/store/manifest.hpp>

using namespace trove;

extern "C" int
LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size)
{
  store::Manifest manifest;
  try {
    manifest = store::Manifest::parse(fuzz::text_of(data, size), "fuzz manifest");
  } catch (const Error&) {
    return 0;
  }
  std::ignore = manifest.total_size(); // wraps on overflow: unsigned, not a finding
  for (const auto& entry : manifest.entries()) {
    fuzz::check(manifest.find(entry.path) == &entry, "find misses '" + entry.path + "'");
  }
  std::string written = manifest.serialize();
  store::Manifest again;
  try {
    again = store::Manifest::parse(written, "serialized manifest");
  } catch (const Error& e) {
    fuzz::finding(std::string("a serialized manifest does not parse: ") + e.what());
  }
  fuzz::check(again.entries() == manifest.entries(),
              "a manifest changes through serialize and parse");
  // The constructor's checks agree with the parser's.
  try {
    fuzz::check(store::Manifest(manifest.entries()).entries() == manifest.entries(),
                "Manifest(entries) reorders parsed entries");
  } catch (const Error& e) {
    fuzz::finding(std::string("Manifest(entries) refuses parsed entries: ") + e.what());
  }
  return 0;
}
