#include <doctest/doctest.h>

#include <trove/core/data_path.hpp>

using trove::core::data_path_problem;

TEST_SUITE_BEGIN("core::data_path");

TEST_CASE("ordinary paths may name data")
{
  CHECK(!data_path_problem("data"));
  CHECK(!data_path_problem("a/b/model.pkl"));
  CHECK(!data_path_problem("dir/"));
  CHECK(!data_path_problem(".gitignore-like/x"));
  CHECK(!data_path_problem("x.git/y"));
}

TEST_CASE("git's and trove's state, the root and escapes are refused")
{
  CHECK(data_path_problem(".git/commondir") == "it is inside .git or .trove");
  CHECK(data_path_problem("sub/.git") == "it is inside .git or .trove");
  CHECK(data_path_problem(".trove/config") == "it is inside .git or .trove");
  CHECK(data_path_problem(".GIT/config") == "it is inside .git or .trove");
  CHECK(data_path_problem("a/.Trove/x") == "it is inside .git or .trove");
  CHECK(data_path_problem("") == "it is the repository root");
  CHECK(data_path_problem(".") == "it is the repository root");
  CHECK(data_path_problem("/etc/passwd") == "it is absolute");
  CHECK(data_path_problem("../x") == "it leaves the repository");
  CHECK(data_path_problem("a/../../x") == "it leaves the repository");
  CHECK(data_path_problem("a//b") == "it has an empty component");
}

TEST_SUITE_END();
