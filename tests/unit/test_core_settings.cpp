#include "scratch.hpp"

#include <trove/core/config.hpp>
#include <trove/core/error.hpp>
#include <trove/core/settings.hpp>
#include <trove/store/link_type.hpp>

#include <algorithm>

using namespace trove::core;

TEST_SUITE_BEGIN("core::settings");

TEST_CASE("every key is in the table, sorted, described, and known to Config")
{
  const auto& table = settings();
  REQUIRE(!table.empty());
  CHECK(std::is_sorted(table.begin(), table.end(),
                       [](const auto& a, const auto& b) { return a.key < b.key; }));
  for (const auto& setting : table) {
    CAPTURE(setting.key);
    CHECK(!setting.description.empty());
    CHECK(&find_setting(std::string(setting.key)) == &setting);
  }
  CHECK(Config::known_keys().size() == table.size());
  CHECK(&find_setting("remote.origin.jobs") == &find_setting("remote.<name>.jobs"));
}

TEST_CASE("unknown keys are refused with the list of known ones")
{
  CHECK_THROWS_WITH_AS(check_setting("cache.typo", "x"),
                       doctest::Contains("core.lock_timeout"), trove::Error);
  CHECK_THROWS_AS(check_setting("remote.origin.bogus", "x"), trove::Error);
  CHECK_THROWS_AS(check_setting("remote..url", "x"), trove::Error);
  // A key the table does not know is not judged by check_setting_value.
  CHECK_NOTHROW(check_setting_value("remote.origin.bogus", "x"));
}

TEST_CASE("values are checked by the key's validator")
{
  CHECK_NOTHROW(check_setting("core.jobs", "8"));
  CHECK_THROWS_WITH_AS(check_setting("core.jobs", "0"),
                       doctest::Contains("from 1 to 1024"), trove::Error);
  CHECK_THROWS_AS(check_setting("core.jobs", "eight"), trove::Error);
  CHECK_NOTHROW(check_setting("core.lock_timeout", "0"));
  CHECK_THROWS_AS(check_setting("core.lock_timeout", "86401"), trove::Error);
  CHECK_NOTHROW(check_setting("remote.s3.use_path_style", "true"));
  CHECK_THROWS_WITH_AS(
      check_setting("remote.s3.use_path_style", "yes"),
      doctest::Contains("remote.s3.use_path_style: expected one of true, false"),
      trove::Error);
  CHECK_NOTHROW(check_setting("remote.s3.compression", "none"));
  CHECK_THROWS_AS(check_setting("remote.s3.compression", "gzip"), trove::Error);
  CHECK_THROWS_AS(check_setting("remote.s3.compression_level", "23"), trove::Error);
  CHECK_NOTHROW(check_setting("remote.s3.url", "s3://bucket/prefix"));
  CHECK_NOTHROW(check_setting("cache.dir", "/anywhere"));
}

TEST_CASE("cache.type accepts exactly what store::parse_link_types reads")
{
  for (const char* value :
       {"reflink", "hardlink,copy", " symlink , copy", "reflink,hardlink,symlink,copy",
        "", "copy,", "\tcopy", "hard link", "Copy", "copy,,hardlink", "zfs"}) {
    CAPTURE(value);
    bool store_accepts = true;
    try {
      std::ignore = trove::store::parse_link_types(value);
    } catch (const trove::Error&) {
      store_accepts = false;
    }
    bool settings_accept = true;
    try {
      check_setting("cache.type", value);
    } catch (const trove::Error&) {
      settings_accept = false;
    }
    CHECK(store_accepts == settings_accept);
  }
}

TEST_CASE("help lists every key, and a remote's keys without the prefix")
{
  auto all = describe_settings(SettingGroup::all);
  auto remote = describe_settings(SettingGroup::remote);
  for (const auto& setting : settings()) {
    CHECK(all.find(std::string(setting.key)) != std::string::npos);
  }
  CHECK(remote.find("  url ") != std::string::npos);
  CHECK(remote.find("compression_level") != std::string::npos);
  CHECK(remote.find("remote.<name>") == std::string::npos);
  CHECK(remote.find("cache.type") == std::string::npos);
}

TEST_SUITE_END();
