// DVC's files as a repository to migrate carries them (a .dvc file,
// dvc.lock, a .dir manifest, .dvc/config): each parser either rejects the
// input with trove::Error or returns entries whose paths are safe to join
// to the repository's root, and DVC's md5 of the bytes never throws.

#include "fuzz_support.hpp"

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/dvc/dvc_files.hpp>

using namespace trove;
using namespace trove::dvc;

extern "C" int
LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size)
{
  auto text = fuzz::text_of(data, size);
  try {
    auto file = DvcFile::parse(text, "fuzz.dvc");
    for (const auto& out : file.outs) {
      fuzz::check(core::is_safe_relative_path(out.path),
                  "a .dvc file's unsafe path was accepted: " + out.path);
    }
  } catch (const Error&) {
  }
  try {
    parse_dvc_lock(text, "dvc.lock");
  } catch (const Error&) {
  }
  try {
    for (const auto& entry : parse_dir_manifest(text, "fuzz.dir")) {
      fuzz::check(core::is_safe_relative_path(entry.relpath),
                  "a manifest's unsafe path was accepted: " + entry.relpath);
    }
  } catch (const Error&) {
  }
  try {
    DvcConfig::parse(text, ".dvc/config");
  } catch (const Error&) {
  }
  auto plain = dvc_md5(text, HashKind::md5);
  auto converted = dvc_md5(text, HashKind::md5_dos2unix);
  fuzz::check(plain.size() == 32 && converted.size() == 32,
              "an md5 is not 32 hex digits");
  fuzz::check(text.find('\r') != std::string_view::npos || plain == converted,
              "text without CR hashes differently under DVC 2's rule");
  return 0;
}
