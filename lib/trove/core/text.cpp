#include <trove/core/text.hpp>

namespace trove::core {

namespace {

std::vector<std::string>
parts_of(std::string_view text, char separator, bool keep_empty)
{
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(separator, start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    if (keep_empty || end > start) {
      parts.emplace_back(text.substr(start, end - start));
    }
    start = end + 1;
  }
  return parts;
}

} // namespace

std::string
trim(std::string_view text, std::string_view blanks)
{
  auto begin = text.find_first_not_of(blanks);
  if (begin == std::string_view::npos) {
    return {};
  }
  auto end = text.find_last_not_of(blanks);
  return std::string(text.substr(begin, end - begin + 1));
}

std::vector<std::string>
split_lines(std::string_view text)
{
  return parts_of(text, '\n', true);
}

std::string
join_lines(const std::vector<std::string>& lines)
{
  std::string text;
  for (const auto& line : lines) {
    text += line + "\n";
  }
  return text;
}

std::vector<std::string>
split(std::string_view text, char separator)
{
  return parts_of(text, separator, false);
}

} // namespace trove::core
