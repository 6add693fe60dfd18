// remote add/list/remove/default/modify: where data is shared.
#include "app.hpp"
#include "output.hpp"

#include <trove/core/error.hpp>
#include <trove/core/settings.hpp>
#include <trove/remote/remote_config.hpp>

#include <iostream>

namespace trove::cli {

namespace {

using remote::Level;

Level
level_of(bool local)
{
  return local ? Level::local : Level::repo;
}

void
register_remote_add(CLI::App& group, Context& context)
{
  struct Options
  {
    std::string name;
    std::string url;
    bool make_default = false;
    bool local = false;
    bool force = false;
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(group, context, "add", [&context, o] {
    auto& repo = context.repo();
    remote::add_remote(repo.trove_dir(), level_of(o->local), o->name, o->url,
                       o->make_default, o->force);
    return 0;
  });
  command->add_option("name", o->name, "Name of the remote")->required();
  command->add_option("url", o->url, "Directory, file:// URL or s3://BUCKET/PREFIX")
      ->required();
  command->add_flag("-d,--default", o->make_default, "Make it the default remote");
  command->add_flag("--local", o->local, "Write to .trove/config.local (not committed)");
  command->add_flag("-f,--force", o->force, "Replace the URL of an existing remote");
}

void
register_remote_list(CLI::App& group, Context& context)
{
  auto json_output = std::make_shared<bool>(false);
  auto* command = add_command(group, context, "list", [&context, json_output] {
    const auto& config = context.repo().config();
    auto chosen = remote::default_remote(config);
    auto shown = [](const std::string& remote, const std::string& key,
                    const std::string& value) {
      return core::is_secret("remote." + remote + "." + key) ? std::string("***") : value;
    };
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& r : remote::list_remotes(config)) {
      bool is_default = chosen == r.name;
      if (*json_output) {
        nlohmann::ordered_json options = nlohmann::ordered_json::object();
        for (const auto& [key, value] : r.options) {
          options[key] = shown(r.name, key, value);
        }
        list.push_back({{"name", r.name},
                        {"url", r.url},
                        {"default", is_default},
                        {"options", options}});
        continue;
      }
      std::cout << r.name << '\t' << r.url << (is_default ? "\t(default)" : "") << '\n';
      for (const auto& [key, value] : r.options) {
        std::cout << "    " << key << " = " << shown(r.name, key, value) << '\n';
      }
    }
    if (*json_output) {
      print_json(list);
    }
    return 0;
  });
  command->add_flag("--json", *json_output, "Print the remotes as JSON");
}

void
register_remote_remove(CLI::App& group, Context& context)
{
  auto name = std::make_shared<std::string>();
  auto* command = add_command(group, context, "remove", [&context, name] {
    remote::remove_remote(context.repo().trove_dir(), *name);
    return 0;
  });
  command->add_option("name", *name, "Name of the remote")->required();
}

void
register_remote_default(CLI::App& group, Context& context)
{
  struct Options
  {
    std::string name;
    bool local = false;
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(group, context, "default", [&context, o] {
    if (o->name.empty()) {
      auto chosen = remote::default_remote(context.repo(Access::read).config());
      if (!chosen) {
        throw Error("no default remote (set one with 'trove remote default NAME')");
      }
      std::cout << *chosen << '\n';
      return 0;
    }
    remote::set_default_remote(context.repo(Access::write).trove_dir(),
                               level_of(o->local), o->name);
    return 0;
  });
  command->add_option("name", o->name, "The remote to make the default");
  command->add_flag("--local", o->local, "Write to .trove/config.local (not committed)");
}

void
register_remote_modify(CLI::App& group, Context& context)
{
  struct Options
  {
    std::string name;
    std::string key;
    std::string value;
    bool unset = false;
    bool local = false;
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(group, context, "modify", [&context, o] {
    if (o->unset == !o->value.empty()) {
      throw UsageError(o->unset ? "--unset takes no VALUE"
                                : "modify needs a VALUE (or --unset)");
    }
    std::optional<std::string> value;
    if (!o->unset) {
      value = o->value;
      // As `trove config` checks its values.
      track::Repository::check_setting("remote." + o->name + "." + o->key, *value);
    }
    remote::modify_remote(context.repo().trove_dir(), level_of(o->local), o->name, o->key,
                          value);
    return 0;
  });
  command->add_option("name", o->name, "Name of the remote")->required();
  command->add_option("key", o->key, "The option (keys below)")->required();
  command->add_option("value", o->value, "The new value");
  command->add_flag("-u,--unset", o->unset, "Remove the option");
  command->add_flag("--local", o->local,
                    "Write to .trove/config.local (for credentials)");
  command->footer("Keys:\n" + core::describe_settings(core::SettingGroup::remote));
}

} // namespace

void
register_remote_commands(CLI::App& app, Context& context)
{
  auto* group = add_group(app, "remote");
  group->require_subcommand(1);
  register_remote_add(*group, context);
  register_remote_list(*group, context);
  register_remote_remove(*group, context);
  register_remote_default(*group, context);
  register_remote_modify(*group, context);
}

} // namespace trove::cli
