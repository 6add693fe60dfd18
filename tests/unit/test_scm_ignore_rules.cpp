#include <doctest/doctest.h>

#include <trove/scm/ignore_rules.hpp>

using trove::scm::glob_match;
using trove::scm::IgnoreRules;

TEST_SUITE_BEGIN("scm::IgnoreRules");

TEST_CASE("globs")
{
  CHECK(glob_match("*.tmp", "a.tmp"));
  CHECK(!glob_match("*.tmp", "dir/a.tmp"));
  CHECK(glob_match("a?c", "abc"));
  CHECK(!glob_match("a?c", "a/c"));
  CHECK(glob_match("[ab]x", "bx"));
  CHECK(!glob_match("[!ab]x", "bx"));
  CHECK(glob_match("[a-c]x", "cx"));
  CHECK(glob_match("**/cache", "cache"));
  CHECK(glob_match("**/cache", "a/b/cache"));
  CHECK(glob_match("logs/**", "logs/a/b"));
  CHECK(glob_match("a/**/b", "a/b"));
  CHECK(glob_match("a/**/b", "a/x/y/b"));
  CHECK(!glob_match("a/**/b", "a/x/y/c"));
  CHECK(glob_match("\\*", "*"));
}

TEST_CASE("gitignore semantics")
{
  auto rules = IgnoreRules::parse("# comment\n"
                                  "*.tmp\n"
                                  "!keep.tmp\n"
                                  "logs/\n"
                                  "/top.txt\n"
                                  "data/raw/*.csv\n");
  CHECK(rules.is_ignored("a.tmp", false));
  CHECK(rules.is_ignored("deep/dir/a.tmp", false));
  CHECK(!rules.is_ignored("keep.tmp", false));
  CHECK(rules.is_ignored("logs", true));
  CHECK(rules.is_ignored("x/logs", true));
  CHECK(!rules.is_ignored("logs", false)); // a file named logs stays
  CHECK(rules.is_ignored("top.txt", false));
  CHECK(!rules.is_ignored("sub/top.txt", false));
  CHECK(rules.is_ignored("data/raw/a.csv", false));
  CHECK(!rules.is_ignored("data/raw/sub/a.csv", false));
  CHECK(!rules.is_ignored("comment", false));
  CHECK(IgnoreRules::parse("").empty());
}

TEST_SUITE_END();
