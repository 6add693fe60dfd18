#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace trove::scm {

namespace fs = std::filesystem;

// A git hook and the shell lines trove runs in it.
struct Hook
{
  std::string name; // "post-checkout"
  std::string body; // shell lines
};

// Adds each hook's body to `dir`/NAME between marker lines: a hook the user
// already has keeps its lines and runs ours after them (a hook that ends
// with `exec` would never reach them, so such a hook is refused, naming
// it). Installing twice replaces trove's lines. Returns the files written.
std::vector<fs::path> install_hooks(const fs::path& dir, const std::vector<Hook>& hooks);

// Removes only trove's lines; a hook left with nothing but its #! line is
// deleted. Returns the files changed.
std::vector<fs::path> uninstall_hooks(const fs::path& dir,
                                      const std::vector<Hook>& hooks);

} // namespace trove::scm
