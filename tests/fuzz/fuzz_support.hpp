#pragma once

// Shared by the fuzz targets: a scratch directory for parsers that read
// files, and a check whose failure is a finding.

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>

namespace trove::fuzz {

// The text libFuzzer hands a target.
inline std::string_view
text_of(const unsigned char* data, std::size_t size)
{
  return {reinterpret_cast<const char*>(data), size};
}

// One directory per process under /tmp, removed at exit (kept after a
// crash, which is when one wants to look inside).
class ScratchDir
{
public:
  ScratchDir()
  {
    std::string pattern = "/tmp/trove-fuzz." + std::to_string(::getpid()) + ".XXXXXX";
    if (!::mkdtemp(pattern.data())) {
      std::perror("mkdtemp");
      std::abort();
    }
    m_path = pattern;
  }
  ~ScratchDir()
  {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec); // best effort: it is under /tmp
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

inline const std::filesystem::path&
scratch_dir()
{
  static ScratchDir dir;
  return dir.path();
}

// Writes the input where a parser reads it (plainly: trove's atomic write
// fsyncs, which would make each run a disk flush).
inline void
write_input(const std::filesystem::path& path, std::string_view text)
{
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out.flush()) {
    std::perror(path.c_str());
    std::abort();
  }
}

// The skips below hide open findings so that fuzzing explores the rest of
// a parser; TROVE_FUZZ_NO_SKIPS=1 turns them off, to replay those findings.
inline bool
skipping_open_findings()
{
  static const bool skipping = !std::getenv("TROVE_FUZZ_NO_SKIPS");
  return skipping;
}

// Skips the open findings that are exceptions other than trove::Error,
// until they are fixed:
// - numbers out of range (findings/values_yaml/number-out-of-range-*,
//   findings/values_json/number-overflow-1e999,
//   findings/pipeline_file/select-index-out-of-range): YAML's 1e999, 1e-400
//   or a 20-digit hex make std::stod/std::stoll throw std::out_of_range in
//   pipeline::scalar_value, a 20-digit list index std::stoul in
//   pipeline::select, and JSON's 1e999 makes nlohmann throw its
//   out_of_range 406;
// - a YAML string that is not UTF-8 (findings/values_yaml/invalid-utf8-dump):
//   nlohmann's dump() throws its type_error 316 in metrics::display.
// Anything else is rethrown, a finding.
inline bool
is_open_finding_exception(const std::exception& e)
{
  std::string_view what = e.what();
  return skipping_open_findings()
         && (what == "stod" || what == "stoll" || what == "stoul"
             || what.starts_with("[json.exception.out_of_range.406]")
             || what.starts_with("[json.exception.type_error.316]"));
}

// Skips the open finding "deeply nested JSON overflows the stack"
// (findings/values_json/deep-nesting-stack-overflow) until it is fixed:
// metrics::flatten, to_display_string and the pipeline's merge recurse once
// per level. Counts '[' and '{' levels, strings or not (it only needs to be
// a bound).
inline bool
is_deeply_nested(std::string_view text, int limit = 1000)
{
  if (!skipping_open_findings()) {
    return false;
  }
  int depth = 0;
  for (char c : text) {
    if (c == '[' || c == '{') {
      if (++depth > limit) {
        return true;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// Skips the open finding findings/values_yaml/alias-expansion until it is
// fixed: pipeline::to_value copies what each YAML alias (`*name`) refers
// to, so a few hundred bytes of nested aliases expand to gigabytes. A
// handful of aliases can only expand a little.
inline bool
has_many_aliases(std::string_view text, int limit = 16)
{
  if (!skipping_open_findings()) {
    return false;
  }
  int aliases = 0;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '*' && std::isalnum(static_cast<unsigned char>(text[i + 1]))
        && ++aliases > limit) {
      return true;
    }
  }
  return false;
}

// A property the library promises (a round trip, say) that does not hold:
// report it and abort, so that libFuzzer saves the input.
[[noreturn]] inline void
finding(const std::string& what)
{
  std::fprintf(stderr, "fuzz finding: %s\n", what.c_str());
  std::abort();
}

inline void
check(bool ok, const std::string& what)
{
  if (!ok) {
    finding(what);
  }
}

} // namespace trove::fuzz
