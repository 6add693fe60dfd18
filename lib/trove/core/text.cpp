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

std::string
escape_markup(std::string_view text, std::string_view apostrophe)
{
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&':
      escaped += "&amp;";
      break;
    case '<':
      escaped += "&lt;";
      break;
    case '>':
      escaped += "&gt;";
      break;
    case '"':
      escaped += "&quot;";
      break;
    case '\'':
      escaped += apostrophe;
      break;
    default:
      escaped += c;
    }
  }
  return escaped;
}

std::optional<std::string>
utf8_problem(std::string_view text)
{
  auto byte_error = [](unsigned char byte) {
    static const char digits[] = "0123456789ABCDEF";
    return std::string("byte 0x") + digits[byte >> 4] + digits[byte & 15] +
           " is not UTF-8";
  };
  std::size_t i = 0;
  while (i < text.size()) {
    auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // The length a lead byte announces, and the least code point that
    // needs it (shorter forms are overlong encodings).
    std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (length == 0 || lead > 0xF4 || i + length > text.size()) {
      return byte_error(lead);
    }
    char32_t code = lead & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) {
        return byte_error(next);
      }
      code = (code << 6) | (next & 0x3F);
    }
    static const char32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < least[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return byte_error(lead);
    }
    if (code == 0xFFFE || code == 0xFFFF) {
      return std::string(code == 0xFFFE ? "U+FFFE" : "U+FFFF") + " is not a character";
    }
    i += length;
  }
  return std::nullopt;
}

} // namespace trove::core
