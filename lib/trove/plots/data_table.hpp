#pragma once

#include <string>
#include <vector>

namespace trove::plots {

// Plot data: records with named fields, every value as text.
struct DataTable
{
  std::vector<std::string> fields;            // in the order first seen
  std::vector<std::vector<std::string>> rows; // one cell per field, "" if absent

  // The values of `field` in row order; empty when there is no such field.
  std::vector<std::string> column(const std::string& field) const;
};

// Reads plot data by the extension of `source`: .csv and .tsv (a header
// line, then rows; quoted cells as RFC 4180), .json and .yaml/.yml (a list
// of records, or a mapping whose one value is that list). Errors name
// `source` and the line.
DataTable parse_data_table(const std::string& text, const std::string& source);

} // namespace trove::plots
