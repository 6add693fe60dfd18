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

  const std::filesystem::path&
  path() const
  {
    return m_path;
  }

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
