#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

// A fresh directory for one test, removed afterwards unless
// TROVE_KEEP_SCRATCH is set (then its path is printed, to look inside).
class ScratchDir
{
public:
  ScratchDir()
  {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "trove-unit.XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    m_path = pattern;
  }
  ~ScratchDir()
  {
    if (std::getenv("TROVE_KEEP_SCRATCH")) {
      MESSAGE("scratch directory kept: " << m_path.string());
      return;
    }
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path&
  path() const
  {
    return m_path;
  }
  std::filesystem::path
  operator/(const std::string& name) const
  {
    return m_path / name;
  }

private:
  std::filesystem::path m_path;
};
