#include <trove/metrics/table.hpp>

#include <algorithm>

namespace trove::metrics {

namespace {

std::vector<std::size_t>
column_widths(const Table& table)
{
  std::vector<std::size_t> widths(table.header.size(), 0);
  auto widen = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  };
  widen(table.header);
  for (const auto& row : table.rows) {
    widen(row);
  }
  return widths;
}

std::string
padded(const std::string& text, std::size_t width)
{
  return text + std::string(width > text.size() ? width - text.size() : 0, ' ');
}

std::string
render_text(const Table& table)
{
  auto widths = column_widths(table);
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    std::string text;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      text += padded(i < row.size() ? row[i] : "", widths[i]) + "  ";
    }
    text.erase(text.find_last_not_of(' ') + 1);
    out += text + "\n";
  };
  line(table.header);
  for (const auto& row : table.rows) {
    line(row);
  }
  return out;
}

// A pipe or a newline would end a GitHub table cell.
std::string
markdown_cell(const std::string& text)
{
  std::string cell;
  for (char c : text) {
    if (c == '|') {
      cell += "\\|";
    } else if (c == '\n') {
      cell += ' ';
    } else {
      cell += c;
    }
  }
  return cell;
}

std::string
render_markdown(const Table& table)
{
  Table escaped{{}, {}};
  for (const auto& cell : table.header) {
    escaped.header.push_back(markdown_cell(cell));
  }
  for (const auto& row : table.rows) {
    auto& out = escaped.rows.emplace_back();
    for (const auto& cell : row) {
      out.push_back(markdown_cell(cell));
    }
  }
  auto widths = column_widths(escaped);
  for (auto& width : widths) {
    width = std::max<std::size_t>(width, 3); // GitHub wants --- at least
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    out += "|";
    for (std::size_t i = 0; i < widths.size(); ++i) {
      out += " " + padded(i < row.size() ? row[i] : "", widths[i]) + " |";
    }
    out += "\n";
  };
  line(escaped.header);
  out += "|";
  for (auto width : widths) {
    out += std::string(width + 2, '-') + "|";
  }
  out += "\n";
  for (const auto& row : escaped.rows) {
    line(row);
  }
  return out;
}

std::string
csv_cell(const std::string& text)
{
  if (text.find_first_of(",\"\r\n") == std::string::npos) {
    return text;
  }
  std::string cell = "\"";
  for (char c : text) {
    cell += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return cell + "\"";
}

std::string
render_csv(const Table& table)
{
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      out += (i ? "," : "") + csv_cell(row[i]);
    }
    out += "\n";
  };
  line(table.header);
  for (const auto& row : table.rows) {
    line(row);
  }
  return out;
}

} // namespace

std::string
render(const Table& table, TableFormat format)
{
  switch (format) {
  case TableFormat::markdown:
    return render_markdown(table);
  case TableFormat::csv:
    return render_csv(table);
  case TableFormat::text:
    break;
  }
  return render_text(table);
}

} // namespace trove::metrics
