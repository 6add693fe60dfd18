#pragma once

#include <trove/core/config.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace trove::remote {

namespace fs = std::filesystem;
using Level = core::Config::Level;

// A remote as the configuration describes it:
//
//   [core]
//       remote = storage
//   [remote "storage"]
//       url = s3://bucket/prefix
//       region = eu-west-1
struct RemoteSettings
{
  std::string name;
  std::string url;
  std::map<std::string, std::string> options; // every other key, by name
};

// Every configured remote (all levels merged), sorted by name.
std::vector<RemoteSettings> list_remotes(const core::Config& config);

// core.remote, when set.
std::optional<std::string> default_remote(const core::Config& config);

// The remote `name` names, or the default one when `name` is empty; an
// error says how to configure one when there is none.
RemoteSettings choose_remote(const core::Config& config, const std::string& name);

// Edits of .trove/config (Level::repo) or .trove/config.local (Level::local);
// each checks its input and leaves the file untouched on error. The value a
// modify_remote sets is checked by the caller, as `trove config` checks
// its values.
void add_remote(const fs::path& trove_dir,
                Level level,
                const std::string& name,
                const std::string& url,
                bool make_default,
                bool force);
// Removes the remote from every level it is defined in, and core.remote when
// it named it.
void remove_remote(const fs::path& trove_dir, const std::string& name);
void set_default_remote(const fs::path& trove_dir, Level level, const std::string& name);
void modify_remote(const fs::path& trove_dir,
                   Level level,
                   const std::string& name,
                   const std::string& key,
                   const std::optional<std::string>& value);

} // namespace trove::remote
