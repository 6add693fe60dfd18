// init, config, cache, doctor: commands about the repository itself.
#include "app.hpp"
#include "output.hpp"

#include <trove/core/config.hpp>
#include <trove/core/error.hpp>
#include <trove/core/settings.hpp>
#include <trove/scm/git_repo.hpp>
#include <trove/scm/hooks.hpp>

#include <CLI/Version.hpp>
#include <openssl/crypto.h>
#include <zstd.h>

#include <iostream>

namespace trove::cli {

namespace {

void
register_init(CLI::App& app, Context& context)
{
  struct Options
  {
    bool no_scm = false;
    bool subdir = false;
    bool force = false;
  };
  auto options = std::make_shared<Options>();
  auto* command = add_command(app, context, "init", [&context, options] {
    using Place = track::Repository::InitPlace;
    if (options->no_scm && options->subdir) {
      throw UsageError("--subdir and --no-scm exclude each other");
    }
    auto place = options->no_scm   ? Place::no_scm
                 : options->subdir ? Place::subdir
                                   : Place::git_top;
    auto result = track::Repository::init(
        ".", place, options->force ? track::Force::yes : track::Force::no);
    if (!context.globals.quiet) {
      std::cout << "Initialized trove repository in " << (result.root / ".trove").string()
                << "/\n";
      if (result.with_git) {
        std::cout << "You can now commit it to git:\n"
                     "    git add .trove && git commit -m \"Initialize trove\"\n";
      }
      std::error_code ec;
      if (fs::is_directory(result.root / ".dvc", ec)) {
        std::cout << "This is a DVC project: 'trove migrate dvc' brings its data, "
                     "dvc.lock and remotes over.\n";
      }
    }
    return 0;
  });
  command->add_flag("--no-scm", options->no_scm, "Allow a repository outside git");
  command->add_flag("--subdir", options->subdir,
                    "A project of its own in this directory, below the git top level");
  command->add_flag("-f,--force", options->force, "Reinitialise an existing repository");
}

void
register_config(CLI::App& app, Context& context)
{
  struct Options
  {
    bool local = false;
    bool global = false;
    bool list = false;
    bool unset = false;
    std::string key;
    std::string value;
    bool has_value = false; // an empty VALUE is a value
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(app, context, "config", [&context, o] {
    using Level = core::Config::Level;
    if (o->local && o->global) {
      throw UsageError("--local and --global exclude each other");
    }
    if (o->list && !o->key.empty()) {
      throw UsageError("--list takes no key");
    }
    if (!o->list && o->key.empty()) {
      throw UsageError("a key is needed (or --list)");
    }
    if (o->unset && o->has_value) {
      throw UsageError("--unset takes no value");
    }
    bool writes = o->unset || o->has_value;
    context.tolerate_bad_config = true;
    // The user's file needs no repository, as with git config --global.
    fs::path file;
    const core::Config* merged = nullptr;
    if (o->global) {
      file = core::Config::path_of(Level::global, {});
    } else {
      auto& repo = context.repo(writes ? Access::write : Access::read);
      file =
          core::Config::path_of(o->local ? Level::local : Level::repo, repo.trove_dir());
      merged = o->local ? nullptr : &repo.config();
    }
    if (o->list) {
      std::vector<std::pair<std::string, std::string>> entries;
      if (merged) {
        auto all = merged->all();
        entries.assign(all.begin(), all.end());
      } else {
        entries = core::ConfigFile::load(file).entries();
      }
      for (const auto& [key, value] : entries) {
        std::cout << key << '=' << value << '\n';
      }
      return 0;
    }
    std::ignore = core::find_setting(o->key);
    auto config = core::ConfigFile::load(file);
    if (o->unset) {
      if (!config.unset(o->key)) {
        throw Error("'" + o->key + "' is not set in " + file.string());
      }
      config.save();
    } else if (o->has_value) {
      core::check_setting(o->key, o->value);
      config.set(o->key, o->value);
      config.save();
    } else {
      auto value = merged ? merged->get(o->key) : config.get(o->key);
      if (!value) {
        return 1; // unset, as git config says
      }
      std::cout << *value << '\n';
    }
    return 0;
  });
  command->add_flag("--local", o->local, "Use .trove/config.local (not committed)");
  command->add_flag("--global", o->global,
                    "Use the user's file ($XDG_CONFIG_HOME/trove/config)");
  command->add_flag("-l,--list", o->list, "List every option set");
  command->add_flag("--unset", o->unset, "Remove the option");
  command->add_option("key", o->key, "Option name, such as cache.type (keys below)");
  command->footer("Keys:\n" + core::describe_settings(core::SettingGroup::all));
  command->add_option("value", o->value, "New value")->each([o](const std::string&) {
    o->has_value = true;
  });
}

void
register_cache(CLI::App& app, Context& context)
{
  auto* cache = add_group(app, "cache");
  cache->require_subcommand(1);
  struct Options
  {
    std::string path;
    bool local = false;
  };
  auto o = std::make_shared<Options>();
  auto* dir = add_command(*cache, context, "dir", [&context, o] {
    if (o->path.empty()) {
      std::cout << context.repo(Access::read).store().dir().string() << '\n';
      return 0;
    }
    auto& repo = context.repo(Access::write);
    auto level = o->local ? core::Config::Level::local : core::Config::Level::repo;
    auto config = core::ConfigFile::load(core::Config::path_of(level, repo.trove_dir()));
    // A relative path is stored relative to .trove/, so a committed setting
    // means the same in every clone.
    fs::path dir = fs::absolute(o->path).lexically_normal();
    if (fs::path(o->path).is_relative()) {
      dir = dir.lexically_relative(repo.trove_dir());
    }
    config.set("cache.dir", dir.string());
    config.save();
    return 0;
  });
  dir->add_option("path", o->path, "New cache directory");
  dir->add_flag("--local", o->local, "Set it in .trove/config.local");
}

void
register_doctor(CLI::App& app, Context& context)
{
  add_command(app, context, "doctor", [&context] {
    std::cout << "trove " << TROVE_VERSION << '\n'
              << "libgit2 " << scm::libgit2_version() << '\n'
              << OpenSSL_version(OPENSSL_VERSION) << '\n'
              << "yaml-cpp " << TROVE_YAML_CPP_VERSION << '\n'
              << "zstd " << ZSTD_versionString() << '\n'
              << "CLI11 " << CLI11_VERSION << '\n'
              << "nlohmann_json " << NLOHMANN_JSON_VERSION_MAJOR << '.'
              << NLOHMANN_JSON_VERSION_MINOR << '.' << NLOHMANN_JSON_VERSION_PATCH
              << '\n';
    try {
      auto& repo = context.repo();
      std::cout << "repository: " << repo.root().string()
                << (repo.git() ? " (git)" : " (no git)") << '\n'
                << "cache: " << repo.store().dir().string() << '\n'
                << "cache.type: " << repo.config().get_or("cache.type", "reflink,copy")
                << '\n'
                << "link type in use: " << store::to_string(repo.working_link_type())
                << '\n';
    } catch (const Error& e) {
      std::cout << "repository: none (" << e.what() << ")\n";
    }
    return 0;
  });
}

// The hooks `trove install` adds, as DVC's: the data follows branch
// checkouts, commits show what changed, pushes send the data first. Git
// runs hooks at the top of the work tree; a project below it (init
// --subdir) is reached with -C.
std::vector<scm::Hook>
trove_hooks(const std::string& project_prefix)
{
  std::error_code ec;
  auto self = fs::read_symlink("/proc/self/exe", ec);
  std::string trove = "\"" + (ec ? std::string("trove") : self.string()) + "\"";
  if (!project_prefix.empty()) {
    trove += " -C '" + project_prefix + "'";
  }
  return {
      {"post-checkout", "# $3 is 1 for a branch checkout, 0 for files\n"
                        "if [ \"$3\" = 1 ]; then " +
                            trove + " checkout; fi"},
      {"pre-commit", trove + " status"},
      {"pre-push", trove + " push || exit $?"},
  };
}

void
register_install(CLI::App& app, Context& context)
{
  auto uninstall = std::make_shared<bool>(false);
  auto* command = add_command(app, context, "install", [&context, uninstall] {
    auto& repo = context.repo();
    const auto& git = repo.require_git();
    auto hooks = trove_hooks(git.project_prefix());
    auto changed = *uninstall ? scm::uninstall_hooks(git.hooks_dir(), hooks)
                              : scm::install_hooks(git.hooks_dir(), hooks);
    if (!context.globals.quiet) {
      for (const auto& path : changed) {
        std::cout << (*uninstall ? "removed trove from " : "installed ") << path.string()
                  << '\n';
      }
    }
    return 0;
  });
  command->add_flag("--uninstall", *uninstall, "Remove only what trove install added");
}

} // namespace

void
register_repo_commands(CLI::App& app, Context& context)
{
  register_init(app, context);
  register_config(app, context);
  register_cache(app, context);
  register_doctor(app, context);
  register_install(app, context);
}

} // namespace trove::cli
