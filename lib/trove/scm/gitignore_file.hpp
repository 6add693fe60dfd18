#pragma once

#include <filesystem>
#include <string>

namespace trove::scm {

// Keeps the `/NAME` lines that hide tracked data from git in the .gitignore
// beside the data, leaving every other line as it was.
void gitignore_add(const std::filesystem::path& directory, const std::string& name);
void gitignore_remove(const std::filesystem::path& directory, const std::string& name);

} // namespace trove::scm
