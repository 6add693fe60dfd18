#include <trove/core/settings.hpp>

#include <trove/core/error.hpp>
#include <trove/core/text.hpp>

#include <algorithm>
#include <initializer_list>

namespace trove::core {

namespace {

void
one_of(const std::string& key,
       const std::string& value,
       std::initializer_list<std::string_view> allowed)
{
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) {
    return;
  }
  std::string list;
  for (auto one : allowed) {
    list += (list.empty() ? "" : ", ") + std::string(one);
  }
  throw Error(key + ": expected one of " + list + ", got '" + value + "'");
}

void
number_in(const std::string& key,
          const std::string& value,
          unsigned long least,
          unsigned long most)
{
  bool digits = !value.empty() && value.size() <= 6 &&
                value.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || std::stoul(value) < least || std::stoul(value) > most) {
    throw Error(key + ": expected a number from " + std::to_string(least) + " to " +
                std::to_string(most) + ", got '" + value + "'");
  }
}

void
check_boolean(const std::string& key, const std::string& value)
{
  one_of(key, value, {"true", "false"});
}

// The ranges that make sense: threads a machine can run, a day of waiting,
// zstd's levels.
void
check_jobs(const std::string& key, const std::string& value)
{
  number_in(key, value, 1, 1024);
}

void
check_lock_timeout(const std::string& key, const std::string& value)
{
  number_in(key, value, 0, 86400);
}

void
check_compression(const std::string& key, const std::string& value)
{
  one_of(key, value, {"none", "zstd"});
}

void
check_compression_level(const std::string& key, const std::string& value)
{
  number_in(key, value, 0, 22);
}

// The names store::parse_link_types reads (a unit test holds the two to the
// same words; core cannot use store).
void
check_link_types(const std::string& key, const std::string& value)
{
  std::size_t start = 0;
  while (start <= value.size()) {
    auto end = std::min(value.find(',', start), value.size());
    std::string name = trim(std::string_view(value).substr(start, end - start), " ");
    if (name != "reflink" && name != "hardlink" && name != "symlink" && name != "copy") {
      throw Error(key + ": unknown link type '" + name +
                  "' (expected reflink, hardlink, symlink or copy)");
    }
    start = end + 1;
  }
}

} // namespace

const std::vector<Setting>&
settings()
{
  static const std::vector<Setting> table = {
      {"cache.dir", "cache directory, relative to .trove/ (default .trove/cache)",
       nullptr},
      {"cache.type", "link types to try in order: reflink, hardlink, symlink, copy",
       check_link_types},
      {"core.jobs", "parallel jobs for hashing and checkout (1-1024)", check_jobs},
      {"core.lock_timeout", "seconds to wait for the repository lock (0-86400)",
       check_lock_timeout},
      {"core.no_scm", "true for a repository without git", check_boolean},
      {"core.remote", "name of the default remote", nullptr},
      {"remote.<name>.access_key_id", "S3 access key id", nullptr},
      {"remote.<name>.compression", "compression of stored objects: none or zstd",
       check_compression},
      {"remote.<name>.compression_level", "zstd level (0-22)", check_compression_level},
      {"remote.<name>.endpointurl", "S3 endpoint URL", nullptr},
      {"remote.<name>.jobs", "parallel transfers (1-1024)", check_jobs},
      {"remote.<name>.profile", "AWS profile", nullptr},
      {"remote.<name>.region", "S3 region", nullptr},
      {"remote.<name>.secret_access_key", "S3 secret access key", nullptr, true},
      {"remote.<name>.session_token", "S3 session token", nullptr, true},
      {"remote.<name>.url", "a directory, file:// URL or s3://BUCKET/PREFIX", nullptr},
      {"remote.<name>.use_path_style", "S3 path-style addressing: true or false",
       check_boolean},
  };
  return table;
}

namespace {

const Setting*
lookup(const std::string& key)
{
  std::string pattern = key;
  if (key.starts_with("remote.")) {
    auto first = key.find('.');
    auto last = key.rfind('.');
    if (last > first + 1) {
      pattern = std::string(k_remote_key_prefix) + key.substr(last + 1);
    }
  }
  for (const auto& setting : settings()) {
    if (setting.key == pattern) {
      return &setting;
    }
  }
  return nullptr;
}

} // namespace

const Setting&
find_setting(const std::string& key)
{
  if (const auto* setting = lookup(key)) {
    return *setting;
  }
  std::string list;
  for (const auto& setting : settings()) {
    list += "\n  " + std::string(setting.key);
  }
  throw Error("unknown configuration key '" + key + "'; known keys:" + list);
}

bool
is_secret(const std::string& key)
{
  const auto* setting = lookup(key);
  return setting && setting->secret;
}

void
check_setting(const std::string& key, const std::string& value)
{
  const auto& setting = find_setting(key);
  if (setting.check) {
    setting.check(key, value);
  }
}

void
check_setting_value(const std::string& key, const std::string& value)
{
  const auto* setting = lookup(key);
  if (setting && setting->check) {
    setting->check(key, value);
  }
}

std::string
describe_settings(SettingGroup group)
{
  std::string text;
  for (const auto& setting : settings()) {
    std::string_view key = setting.key;
    if (group == SettingGroup::remote) {
      if (!key.starts_with(k_remote_key_prefix)) {
        continue;
      }
      key.remove_prefix(k_remote_key_prefix.size());
    }
    std::string name(key);
    name.resize(std::max<std::size_t>(name.size() + 2, 34), ' ');
    text += "  " + name + std::string(setting.description) + "\n";
  }
  return text;
}

} // namespace trove::core
