#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trove::core {

// The lines of a text, without their '\n' (a last line without one counts).
std::vector<std::string> split_lines(std::string_view text);

// Lines joined, each ended by '\n'.
std::string join_lines(const std::vector<std::string>& lines);

// `text` without the leading and trailing characters in `blanks`.
std::string trim(std::string_view text, std::string_view blanks = " \t\r");

// The non-empty parts of `text` between separators ("a,,b" -> a, b).
std::vector<std::string> split(std::string_view text, char separator);

// `text` with & < > " and ' escaped for XML or HTML; `apostrophe` is how '
// is written ("&apos;" in XML, "&#39;" where HTML 4 readers matter).
std::string escape_markup(std::string_view text, std::string_view apostrophe);

// Why `text` is not UTF-8 text ("byte 0xAE is not UTF-8", "U+FFFF is not a
// character"), or nothing when it is. The noncharacters U+FFFE and U+FFFF
// count as errors: YAML writers replace them, so a value holding one would
// not read back as itself.
std::optional<std::string> utf8_problem(std::string_view text);

} // namespace trove::core
