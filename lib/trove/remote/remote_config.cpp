#include <trove/remote/remote_config.hpp>

#include <trove/core/error.hpp>

#include <algorithm>

namespace trove::remote {

namespace {

const std::string k_prefix = "remote.";

void
check_name(const std::string& name)
{
  bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
  if (!valid) {
    throw Error("invalid remote name '" + name + "' (letters, digits, '-' and '_')");
  }
}

bool
is_defined(const core::Config& config, const std::string& name)
{
  return config.get(k_prefix + name + ".url").has_value();
}

core::ConfigFile
load(const fs::path& trove_dir, Level level)
{
  return core::ConfigFile::load(core::Config::path_of(level, trove_dir));
}

} // namespace

std::vector<RemoteSettings>
list_remotes(const core::Config& config)
{
  std::map<std::string, RemoteSettings> by_name;
  for (const auto& [key, value] : config.all()) {
    if (key.rfind(k_prefix, 0) != 0) {
      continue;
    }
    auto dot = key.rfind('.');
    auto name = key.substr(k_prefix.size(), dot - k_prefix.size());
    auto option = key.substr(dot + 1);
    auto& remote = by_name[name];
    remote.name = name;
    if (option == "url") {
      remote.url = value;
    } else {
      remote.options[option] = value;
    }
  }
  std::vector<RemoteSettings> remotes;
  for (auto& [name, remote] : by_name) {
    if (!remote.url.empty()) {
      remotes.push_back(std::move(remote));
    }
  }
  return remotes;
}

std::optional<std::string>
default_remote(const core::Config& config)
{
  auto name = config.get("core.remote");
  return name && !name->empty() ? name : std::nullopt;
}

RemoteSettings
choose_remote(const core::Config& config, const std::string& name)
{
  std::string chosen = name;
  if (chosen.empty()) {
    auto fallback = default_remote(config);
    if (!fallback) {
      throw Error("no remote given and no default remote; add one with "
                  "'trove remote add -d NAME URL' or name one with -r");
    }
    chosen = *fallback;
  }
  for (auto& remote : list_remotes(config)) {
    if (remote.name == chosen) {
      return remote;
    }
  }
  throw Error("no remote named '" + chosen + "' (see 'trove remote list')");
}

void
add_remote(const fs::path& trove_dir,
           Level level,
           const std::string& name,
           const std::string& url,
           bool make_default,
           bool force)
{
  check_name(name);
  if (url.empty()) {
    throw Error("remote '" + name + "': empty URL");
  }
  if (!force && is_defined(core::Config(trove_dir), name)) {
    throw Error("remote '" + name + "' already exists; use -f to replace its URL");
  }
  auto file = load(trove_dir, level);
  file.set(k_prefix + name + ".url", url);
  if (make_default) {
    file.set("core.remote", name);
  }
  file.save();
}

void
remove_remote(const fs::path& trove_dir, const std::string& name)
{
  core::Config config(trove_dir);
  if (!is_defined(config, name)) {
    throw Error("no remote named '" + name + "'");
  }
  bool was_default = default_remote(config) == name;
  bool removed = false;
  for (auto level : {Level::repo, Level::local}) {
    auto file = load(trove_dir, level);
    bool changed = file.remove_section(k_prefix + name);
    if (was_default && file.get("core.remote") == name) {
      changed = file.unset("core.remote") || changed;
    }
    if (changed) {
      file.save();
      removed = true;
    }
  }
  if (!removed) {
    throw Error("remote '" + name +
                "' is defined in the user's configuration, not in "
                "this repository's");
  }
}

void
set_default_remote(const fs::path& trove_dir, Level level, const std::string& name)
{
  if (!is_defined(core::Config(trove_dir), name)) {
    throw Error("no remote named '" + name + "' (see 'trove remote list')");
  }
  auto file = load(trove_dir, level);
  file.set("core.remote", name);
  file.save();
}

void
modify_remote(const fs::path& trove_dir,
              Level level,
              const std::string& name,
              const std::string& key,
              const std::optional<std::string>& value)
{
  if (!is_defined(core::Config(trove_dir), name)) {
    throw Error("no remote named '" + name + "' (see 'trove remote list')");
  }
  std::string full = k_prefix + name + "." + key;
  core::Config::check_known_key(full);
  auto file = load(trove_dir, level);
  if (!value) {
    if (!file.unset(full)) {
      throw Error("remote '" + name + "' has no '" + key + "' in " +
                  core::Config::path_of(level, trove_dir).filename().string());
    }
  } else {
    file.set(full, *value);
  }
  file.save();
}

} // namespace trove::remote
