// trove.lock as a commit carries it: parsed, its outputs listed, then
// written back. What trove writes must parse, and writing that again must
// give the same text (repro rewrites the whole file after each stage).

#include "fuzz_support.hpp"

#include <trove/core/error.hpp>
#include <trove/pipeline/lock_file.hpp>

#include <yaml-cpp/yaml.h>

using namespace trove;

extern "C" int
LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size)
{
  pipeline::LockFile lock;
  try {
    lock = pipeline::LockFile::parse(fuzz::text_of(data, size), "trove.lock");
  } catch (const Error&) {
    return 0;
  }
  std::ignore = lock.all_outputs();
  std::ignore = lock.find("train");
  std::string written = lock.serialize();
  pipeline::LockFile again;
  try {
    again = pipeline::LockFile::parse(written, "serialized trove.lock");
  } catch (const Error& e) {
    fuzz::finding(std::string("a serialized lock file does not parse: ") + e.what() +
                  "\n" + written);
  }
  std::string rewritten = again.serialize();
  fuzz::check(rewritten == written, "a lock file changes through serialize and parse:\n" +
                                        written + "---\n" + rewritten);
  return 0;
}
