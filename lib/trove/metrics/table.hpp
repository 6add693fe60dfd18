#pragma once

#include <string>
#include <vector>

namespace trove::metrics {

// Rows of text cells under a header, rendered for people (aligned columns),
// for pull requests (a GitHub markdown table) or for scripts (CSV).
struct Table
{
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

enum class TableFormat
{
  text,
  markdown,
  csv
};

std::string render(const Table& table, TableFormat format);

} // namespace trove::metrics
