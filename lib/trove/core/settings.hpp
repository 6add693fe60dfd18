#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trove::core {

// One configuration key trove reads: its name (`remote.<name>.` for a key of
// every remote), what it is for, and the check of a value. The table is the
// one place keys are listed: `trove config` and `trove remote modify` check
// keys and values against it, the remote code checks a remote's settings
// with it before use, and both commands' help lists it.
struct Setting
{
  std::string_view key;
  std::string_view description;
  // Throws trove::Error naming `key` when `value` is not valid; nullptr
  // when any value is.
  void (*check)(const std::string& key, const std::string& value);
  // A credential: listings show *** in its place.
  bool secret = false;
};

inline constexpr std::string_view k_remote_key_prefix = "remote.<name>.";

// Every setting, sorted by key.
const std::vector<Setting>& settings();

// The setting `key` names (`remote.origin.url` is `remote.<name>.url`).
// Throws trove::Error listing the known keys when it names none.
const Setting& find_setting(const std::string& key);

// True when `key` (`remote.origin.secret_access_key`) is a credential.
bool is_secret(const std::string& key);

// Checks that `key` is a known setting and `value` a valid value of it.
void check_setting(const std::string& key, const std::string& value);

// Checks `value` when `key` is a known setting; an unknown key (a hand-edited
// file may hold one) is not trove's to judge.
void check_setting_value(const std::string& key, const std::string& value);

// "key  description" lines for help texts: every setting, or only a
// remote's (then without the `remote.<name>.` prefix).
enum class SettingGroup
{
  all,
  remote
};
std::string describe_settings(SettingGroup group);

} // namespace trove::core
