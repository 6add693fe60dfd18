#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <iostream>
#include <string>

namespace trove::cli {

// "1.2 MiB"
std::string human_size(std::uint64_t bytes);

// Prints JSON for scripts: two-space indented, one document per command.
template <typename Json>
void
print_json(const Json& json)
{
  std::cout << json.dump(2) << '\n';
}

// "1 file" / "3 files"
std::string
count_of(std::size_t count, const std::string& singular, const std::string& plural);

} // namespace trove::cli
