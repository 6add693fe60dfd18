#include "app.hpp"

#include <trove/core/error.hpp>
#include <trove/core/hash.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <stdexcept>

namespace trove::cli {

track::Repository&
Context::repo()
{
  if (access != Access::read && access != Access::write) {
    throw std::logic_error(
        "trove: this command did not declare how it uses the repository");
  }
  return repo(access);
}

track::Repository&
Context::repo(Access chosen)
{
  bool allowed =
      chosen == access || (access == Access::read_or_write && chosen != Access::none);
  if (!allowed || chosen == Access::read_or_write) {
    throw std::logic_error("trove: a command asked for more access than it declared");
  }
  if (!m_repo) {
    m_repo.emplace(track::Repository::open("."));
    if (!tolerate_bad_config) {
      m_repo->link_types(); // reports a bad cache.type or core.jobs now
    }
    m_repo->lock(chosen == Access::write ? core::RepoLock::Mode::exclusive
                                         : core::RepoLock::Mode::shared,
                 command_line);
  }
  return *m_repo;
}

track::Warn
Context::warn() const
{
  bool quiet = globals.quiet;
  return [quiet](const std::string& message) {
    if (!quiet) {
      std::cerr << "trove: warning: " << message << '\n';
    }
  };
}

namespace {

// "remote add" for `add` below `remote`; "add" below the app itself.
std::string
full_name(const CLI::App& parent, const std::string& name)
{
  return parent.get_parent() ? parent.get_name() + " " + name : name;
}

CLI::App*
add_from_table(CLI::App& parent, const std::string& name, const CommandSpec& spec)
{
  CLI::App* command = parent.add_subcommand(name, std::string(spec.description));
  if (!parent.get_parent()) {
    command->group(std::string(spec.group));
  }
  return command;
}

} // namespace

CLI::App*
add_command(CLI::App& parent,
            Context& context,
            const std::string& name,
            std::function<int()> action)
{
  const CommandSpec& spec = command_spec(full_name(parent, name));
  CLI::App* command = add_from_table(parent, name, spec);
  command->callback([&context, access = spec.access, action = std::move(action)] {
    context.access = access;
    context.action = action;
  });
  return command;
}

CLI::App*
add_group(CLI::App& app, const std::string& name)
{
  return add_from_table(app, name, command_spec(name));
}

void
add_file_option(CLI::App* command, std::string& file)
{
  command
      ->add_option("--file", file,
                   "Read this pipeline file instead of every trove.yaml and dvc.yaml")
      ->type_name("FILE");
}

std::string
pipeline_file(const track::Repository& repo, const std::string& file)
{
  return file.empty() ? std::string() : repo.relative(file);
}

namespace {

void
add_globals(CLI::App& app, Globals& globals)
{
  app.add_option("-C", globals.directory, "Run as if started in this directory")
      ->type_name("DIR");
  app.add_flag("-q,--quiet", globals.quiet, "Print only errors");
  app.add_flag("-v,--verbose", globals.verbose, "Print more detail");
  app.add_flag("--no-color", globals.no_color, "Never colour the output");
}

std::size_t
edit_distance(const std::string& a, const std::string& b)
{
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The first word that is not an option must name a command; says so (with
// the closest command names) when it does not, as git does.
bool
check_command_word(CLI::App& app, int argc, char** argv)
{
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "-C") {
      ++i;
      continue;
    }
    if (word.empty() || word[0] == '-') {
      continue;
    }
    std::vector<std::string> close;
    for (const auto* command : app.get_subcommands({})) {
      if (command->get_name() == word) {
        return true;
      }
      if (edit_distance(command->get_name(), word) <= 2) {
        close.push_back(command->get_name());
      }
    }
    std::cerr << "trove: '" << word << "' is not a trove command; see 'trove --help'\n";
    for (const auto& name : close) {
      std::cerr << (&name == &close.front() ? "did you mean:\n" : "") << "    " << name
                << '\n';
    }
    return false;
  }
  return true;
}

// Every row of the command table has its command (and so its options and
// action); a row without one would be listed nowhere.
void
check_table_registered(CLI::App& app)
{
  for (const auto& spec : command_table()) {
    std::string name(spec.name);
    auto space = name.find(' ');
    const CLI::App* command = nullptr;
    try {
      command = app.get_subcommand(name.substr(0, space));
      if (space != std::string::npos) {
        command = command->get_subcommand(name.substr(space + 1));
      }
    } catch (const CLI::OptionNotFound&) {
      command = nullptr;
    }
    if (!command) {
      throw std::logic_error("trove: the command table's '" + name +
                             "' is not registered");
    }
  }
}

} // namespace

int
run(int argc, char** argv)
{
  Context context;
  for (int i = 0; i < argc; ++i) {
    context.command_line += (i ? " " : "") + std::string(i ? argv[i] : "trove");
  }
  CLI::App app("trove: data and pipeline versioning next to git", "trove");
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", "trove " TROVE_VERSION);
  add_globals(app, context.globals);
  register_repo_commands(app, context);
  register_data_commands(app, context);
  register_transfer_commands(app, context);
  register_pipeline_commands(app, context);
  register_metrics_commands(app, context);
  register_plots_commands(app, context);
  register_remote_commands(app, context);
  register_migrate_commands(app, context);
  check_table_registered(app);

  if (!check_command_word(app, argc, argv)) {
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "trove: usage: " << e.what() << "\n(see 'trove --help')\n";
    return 2;
  }

  try {
    if (!context.globals.directory.empty() &&
        chdir(context.globals.directory.c_str()) != 0) {
      throw Error("cannot change to directory '" + context.globals.directory + "'");
    }
    int status = context.action();
    if (context.globals.verbose) {
      auto hashed = core::hash_statistics();
      std::cerr << "trove: read " << hashed.files << " files (" << hashed.bytes
                << " bytes) to hash them\n";
    }
    return status;
  } catch (const UsageError& e) {
    std::cerr << "trove: usage: " << e.what() << '\n';
    return 2;
  } catch (const Error& e) {
    std::cerr << "trove: error: " << e.what() << '\n';
    return 1;
  } catch (const std::filesystem::filesystem_error& e) {
    std::cerr << "trove: error: " << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "trove: error: " << e.what() << '\n';
    return 1;
  }
}

} // namespace trove::cli
