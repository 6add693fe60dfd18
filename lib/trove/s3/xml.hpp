#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trove::s3 {

// Just enough XML for S3's responses, whose shapes are fixed and flat: the
// text of every <tag>...</tag> (entities decoded), in document order.
std::vector<std::string> xml_values(std::string_view xml, std::string_view tag);

// The first one.
std::optional<std::string> xml_value(std::string_view xml, std::string_view tag);

// "&", "<", ">" and quotes escaped, for the bodies trove sends.
std::string xml_escape(std::string_view text);

} // namespace trove::s3
