#include "output.hpp"

#include <cstdio>

namespace trove::cli {

std::string
human_size(std::uint64_t bytes)
{
  static const char* const k_units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0) {
    std::snprintf(text, sizeof(text), "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(text, sizeof(text), "%.1f %s", value, k_units[unit]);
  }
  return text;
}

std::string
count_of(std::size_t count, const std::string& singular, const std::string& plural)
{
  return std::to_string(count) + " " + (count == 1 ? singular : plural);
}

} // namespace trove::cli
