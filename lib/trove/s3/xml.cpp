#include <trove/s3/xml.hpp>

#include <trove/core/text.hpp>

namespace trove::s3 {

namespace {

std::string
decode_entities(std::string_view text)
{
  static constexpr std::pair<std::string_view, char> entities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool replaced = false;
    if (text[i] == '&') {
      for (const auto& [entity, c] : entities) {
        if (text.substr(i, entity.size()) == entity) {
          decoded += c;
          i += entity.size() - 1;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) {
      decoded += text[i];
    }
  }
  return decoded;
}

} // namespace

std::vector<std::string>
xml_values(std::string_view xml, std::string_view tag)
{
  std::string open = "<" + std::string(tag) + ">";
  std::string close = "</" + std::string(tag) + ">";
  std::vector<std::string> values;
  std::size_t pos = 0;
  while ((pos = xml.find(open, pos)) != std::string_view::npos) {
    std::size_t start = pos + open.size();
    std::size_t end = xml.find(close, start);
    if (end == std::string_view::npos) {
      break;
    }
    values.push_back(decode_entities(xml.substr(start, end - start)));
    pos = end + close.size();
  }
  return values;
}

std::optional<std::string>
xml_value(std::string_view xml, std::string_view tag)
{
  auto values = xml_values(xml, tag);
  if (values.empty()) {
    return std::nullopt;
  }
  return values.front();
}

std::string
xml_escape(std::string_view text)
{
  return core::escape_markup(text, "&apos;");
}

} // namespace trove::s3
