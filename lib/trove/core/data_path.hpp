#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace trove::core {

// Every path a repository can name for data that trove writes (pointer
// files, manifests, trove.yaml outputs, trove.lock, the run cache) passes
// this one lexical check, so that no committed file can make trove write
// into git's or trove's own state or outside the work tree. `path` is
// relative to the repository root, '/'-separated.
//
// Returns what is wrong with it ("it is inside .git or .trove", ...), or
// nullopt when it may name data. Symlinked ancestors need the file system:
// track::check_data_path checks those too.
std::optional<std::string> data_path_problem(std::string_view path);

} // namespace trove::core
