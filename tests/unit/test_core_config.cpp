#include "scratch.hpp"

#include <trove/core/config.hpp>
#include <trove/core/error.hpp>

#include <cstdlib>

using namespace trove::core;

TEST_SUITE_BEGIN("core::Config");

TEST_CASE("set, get and unset keep comments and other lines")
{
  ScratchDir dir;
  write_file_atomic(dir / "config",
                    "# top comment\n[core]\n\tremote = a  # not a comment in values\n"
                    "[remote \"a\"]\n\turl = /srv/a\n");
  auto file = ConfigFile::load(dir / "config");
  CHECK(file.get("core.remote") == "a  # not a comment in values");
  CHECK(file.get("remote.a.url") == "/srv/a");
  CHECK(!file.get("cache.dir"));

  file.set("remote.a.url", "/srv/b");
  file.set("cache.type", "hardlink,copy");
  file.set("core.jobs", "4");
  file.save();
  auto text = read_file(dir / "config");
  CHECK(text.find("# top comment") == 0);
  auto reread = ConfigFile::load(dir / "config");
  CHECK(reread.get("remote.a.url") == "/srv/b");
  CHECK(reread.get("cache.type") == "hardlink,copy");
  CHECK(reread.get("core.jobs") == "4");
  // core.jobs went into the existing [core] section.
  CHECK(text.find("[core]") == text.rfind("[core]"));

  CHECK(reread.unset("core.jobs"));
  CHECK(!reread.unset("core.jobs"));
  CHECK(!reread.get("core.jobs"));
  CHECK(reread.remove_section("remote.a"));
  CHECK(!reread.get("remote.a.url"));
}

TEST_CASE("set rewrites the assignment get reads, and drops the earlier ones")
{
  // tests/fuzz/regressions/config/set-with-duplicate-key: set used to rewrite
  // the first of two assignments while get reads the last, so
  // `trove remote modify` changed nothing.
  ScratchDir dir;
  write_file_atomic(dir / "config",
                    "[remote \"origin\"]\n\turl = /a\n\tjobs = 2\n\turl = /b\n"
                    "[core]\n\tremote = origin\n[remote \"origin\"]\n\turl = /c\n");
  auto file = ConfigFile::load(dir / "config");
  CHECK(file.get("remote.origin.url") == "/c");
  file.set("remote.origin.url", "/new");
  CHECK(file.get("remote.origin.url") == "/new");
  file.save();
  auto text = read_file(dir / "config");
  CHECK(text == "[remote \"origin\"]\n\tjobs = 2\n"
                "[core]\n\tremote = origin\n[remote \"origin\"]\n\turl = /new\n");
  CHECK(ConfigFile::load(dir / "config").get("remote.origin.url") == "/new");
  // unset still removes every assignment.
  CHECK(file.unset("remote.origin.url"));
  CHECK(!file.get("remote.origin.url"));
}

TEST_CASE("malformed lines name file and line")
{
  ScratchDir dir;
  write_file_atomic(dir / "config", "[core]\n\tremote = a\nno equals sign\n");
  CHECK_THROWS_WITH_AS(ConfigFile::load(dir / "config"), doctest::Contains("config:3"),
                       trove::Error);
  write_file_atomic(dir / "config", "[core\n");
  CHECK_THROWS_WITH_AS(ConfigFile::load(dir / "config"), doctest::Contains("config:1"),
                       trove::Error);
}

TEST_CASE("layers: local over repo over global, environment over all")
{
  ScratchDir dir;
  auto trove_dir = dir / ".trove";
  std::filesystem::create_directories(trove_dir);
  std::filesystem::create_directories(dir / "xdg" / "trove");
  setenv("XDG_CONFIG_HOME", (dir / "xdg").c_str(), 1);
  write_file_atomic(dir / "xdg" / "trove" / "config",
                    "[cache]\ntype = symlink\ndir = /g\n");
  write_file_atomic(trove_dir / "config", "[cache]\ntype = hardlink\n");
  write_file_atomic(trove_dir / "config.local", "[core]\nlock_timeout = 3\n");
  Config config(trove_dir);
  CHECK(config.get("cache.type") == "hardlink");
  CHECK(config.get("cache.dir") == "/g");
  CHECK(config.get("core.lock_timeout") == "3");
  setenv("TROVE_CACHE_TYPE", "copy", 1);
  CHECK(config.get("cache.type") == "copy");
  CHECK(config.all().at("cache.type") == "copy");
  unsetenv("TROVE_CACHE_TYPE");
  unsetenv("XDG_CONFIG_HOME");
}

TEST_CASE("known keys")
{
  CHECK_NOTHROW(Config::check_known_key("cache.type"));
  CHECK_NOTHROW(Config::check_known_key("remote.storage.url"));
  CHECK_THROWS_WITH_AS(Config::check_known_key("cache.typo"),
                       doctest::Contains("cache.type"), trove::Error);
  CHECK_THROWS_AS(Config::check_known_key("remote.x.bogus"), trove::Error);
}

TEST_SUITE_END();
