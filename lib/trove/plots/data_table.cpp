#include <trove/plots/data_table.hpp>

#include <trove/core/error.hpp>
#include <trove/pipeline/value.hpp>

#include <algorithm>
#include <filesystem>

namespace trove::plots {

namespace {

using pipeline::Value;

// One CSV or TSV record starting at `pos`; moves `pos` past its line end.
// A quoted cell may hold the separator, doubled quotes and newlines.
std::vector<std::string>
read_record(const std::string& text,
            std::size_t& pos,
            char separator,
            const std::string& source,
            std::size_t& line)
{
  std::vector<std::string> cells(1);
  bool quoted = false;
  std::size_t start_line = line;
  while (pos < text.size()) {
    char c = text[pos++];
    if (quoted) {
      if (c == '"' && pos < text.size() && text[pos] == '"') {
        cells.back() += '"';
        ++pos;
      } else if (c == '"') {
        quoted = false;
      } else {
        line += c == '\n';
        cells.back() += c;
      }
    } else if (c == '"' && cells.back().empty()) {
      quoted = true;
    } else if (c == separator) {
      cells.emplace_back();
    } else if (c == '\n') {
      ++line;
      break;
    } else if (c != '\r') {
      cells.back() += c;
    }
  }
  if (quoted) {
    throw Error(source + ":" + std::to_string(start_line) + ": unterminated quoted cell");
  }
  return cells;
}

DataTable
parse_delimited(const std::string& text, char separator, const std::string& source)
{
  DataTable table;
  std::size_t pos = 0;
  std::size_t line = 1;
  table.fields = read_record(text, pos, separator, source, line);
  while (pos < text.size()) {
    std::size_t row_line = line;
    auto cells = read_record(text, pos, separator, source, line);
    if (cells.size() == 1 && cells[0].empty()) {
      continue; // blank line
    }
    if (cells.size() != table.fields.size()) {
      throw Error(source + ":" + std::to_string(row_line) + ": " +
                  std::to_string(cells.size()) + " cells, the header has " +
                  std::to_string(table.fields.size()));
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

std::string
cell_text(const Value& value)
{
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_null()) {
    return "";
  }
  return pipeline::to_display_string(value);
}

DataTable
from_records(const Value& document, const std::string& source)
{
  const Value* records = &document;
  if (document.is_object() && document.size() == 1 && document.begin()->is_array()) {
    records = &*document.begin();
  }
  if (!records->is_array()) {
    throw Error(source + ": plot data must be a list of records");
  }
  DataTable table;
  for (const auto& record : *records) {
    if (!record.is_object()) {
      throw Error(source + ": plot data must be a list of records (mappings)");
    }
    for (const auto& [field, value] : record.items()) {
      if (std::find(table.fields.begin(), table.fields.end(), field) ==
          table.fields.end()) {
        table.fields.push_back(field);
      }
    }
  }
  for (const auto& record : *records) {
    auto& row = table.rows.emplace_back();
    for (const auto& field : table.fields) {
      row.push_back(record.contains(field) ? cell_text(record[field]) : "");
    }
  }
  return table;
}

} // namespace

std::vector<std::string>
DataTable::column(const std::string& field) const
{
  auto it = std::find(fields.begin(), fields.end(), field);
  if (it == fields.end()) {
    return {};
  }
  auto index = static_cast<std::size_t>(it - fields.begin());
  std::vector<std::string> values;
  for (const auto& row : rows) {
    values.push_back(row[index]);
  }
  return values;
}

DataTable
parse_data_table(const std::string& text, const std::string& source)
{
  auto extension = std::filesystem::path(source).extension().string();
  if (extension == ".csv") {
    return parse_delimited(text, ',', source);
  }
  if (extension == ".tsv") {
    return parse_delimited(text, '\t', source);
  }
  if (extension == ".json" || extension == ".yaml" || extension == ".yml") {
    return from_records(pipeline::parse_value(text, source), source);
  }
  throw Error(source + ": unsupported plot data '" + extension +
              "' (CSV, TSV, JSON and YAML are read)");
}

} // namespace trove::plots
