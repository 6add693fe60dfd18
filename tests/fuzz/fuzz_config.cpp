// A configuration file (.trove/config is committed): loaded, every key read
// back, edited as `trove remote add` and `remote remove` would, then saved
// and loaded again, which must give the same entries.

#include "fuzz_support.hpp"

#include <trove/core/config.hpp>
#include <trove/core/error.hpp>

using namespace trove;

extern "C" int
LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size)
{
  const auto file = fuzz::scratch_dir() / "config";
  fuzz::write_input(file, fuzz::text_of(data, size));
  core::ConfigFile config;
  try {
    config = core::ConfigFile::load(file);
  } catch (const Error&) {
    return 0;
  }
  auto entries = config.entries();
  for (const auto& [key, value] : entries) {
    try {
      std::ignore = config.get(key);
      core::Config::check_known_key(key);
    } catch (const Error&) {
      // a key trove does not know, or one that is not section.key
    }
  }
  try {
    config.set("core.remote", "fuzz");
    config.set("remote.fuzz.url", "/tmp/remote");
    // regressions/config/set-with-duplicate-key: with two assignments, set
    // rewrote the first while get reads the last.
    fuzz::check(config.get("core.remote") == "fuzz", "a value set is not read back");
    fuzz::check(config.get("remote.fuzz.url") == "/tmp/remote",
                "a value set is not read back");
    config.unset("core.remote");
    config.remove_section("remote.fuzz");
  } catch (const Error& e) {
    fuzz::finding(std::string("editing a loaded configuration fails: ") + e.what());
  }
  config.save();
  core::ConfigFile reloaded;
  try {
    reloaded = core::ConfigFile::load(file);
  } catch (const Error& e) {
    fuzz::finding(std::string("a saved configuration does not load: ") + e.what());
  }
  fuzz::check(reloaded.entries() == config.entries(),
              "a saved configuration loads with other entries");
  return 0;
}
