#include "app.hpp"

#include <trove/core/error.hpp>

#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace trove::cli {

track::Repository&
Context::repository(core::RepoLock::Mode mode)
{
  if (!m_repo) {
    m_repo.emplace(track::Repository::open("."));
    m_repo->lock(mode, command_line);
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

CLI::App*
add_command(CLI::App& app,
            Context& context,
            const std::string& name,
            const std::string& description,
            std::function<int()> action)
{
  CLI::App* command = app.add_subcommand(name, description);
  command->callback([&context, action = std::move(action)] { context.action = action; });
  return command;
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
    if (!context.globals.directory.empty()
        && chdir(context.globals.directory.c_str()) != 0) {
      throw Error("cannot change to directory '" + context.globals.directory + "'");
    }
    return context.action();
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
