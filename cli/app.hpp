#pragma once

#include "commands.hpp"

#include <trove/core/lock.hpp>
#include <trove/track/pointer_file.hpp>
#include <trove/track/repository.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>

namespace trove::cli {

namespace fs = std::filesystem;

// Options every command accepts.
struct Globals
{
  std::string directory; // -C
  bool quiet = false;
  bool verbose = false;
  bool no_color = false;
};

// What a command needs while it runs: the global options, the repository
// (opened and locked on first use) and the action chosen by parsing.
class Context
{
public:
  Globals globals;
  std::string command_line;
  // Set by the parsed subcommand; returns the exit code.
  std::function<int()> action;

  // The chosen command's access, from the command table.
  Access access = Access::none;
  // Set by `trove config`, which must work with a bad setting to repair it.
  bool tolerate_bad_config = false;

  // Opens the repository containing the current directory and takes the
  // lock the command declared: shared for Access::read, exclusive for
  // Access::write.
  track::Repository& repo();
  // For Access::read_or_write commands, once their arguments tell which.
  track::Repository& repo(Access chosen);

  // Prints a warning on stderr unless -q.
  track::Warn warn() const;

private:
  std::optional<track::Repository> m_repo;
};

// Registers the command `name` below `parent` (the app, or a group such as
// "remote"), with its description, help group and access from the command
// table; `action` runs after parsing.
CLI::App* add_command(CLI::App& parent,
                      Context& context,
                      const std::string& name,
                      std::function<int()> action);

// Registers a command that only holds subcommands ("remote", "metrics").
CLI::App* add_group(CLI::App& app, const std::string& name);

// --file FILE: the pipeline file a command reads (default: every trove.yaml).
void add_file_option(CLI::App* command, std::string& file);
// The pipeline file --file names, relative to the root; empty without --file.
std::string pipeline_file(const track::Repository& repo, const std::string& file);

// Each command group registers its subcommands, one file each.
void register_repo_commands(CLI::App& app, Context& context);
void register_data_commands(CLI::App& app, Context& context);
void register_transfer_commands(CLI::App& app, Context& context);
void register_pipeline_commands(CLI::App& app, Context& context);
void register_metrics_commands(CLI::App& app, Context& context);
void register_plots_commands(CLI::App& app, Context& context);
void register_remote_commands(CLI::App& app, Context& context);
void register_migrate_commands(CLI::App& app, Context& context);

// repro --pull: fetches what the workspace's pointer files and trove.lock
// files record from the remote, checks out the tracked data, and returns
// what fetches a run-cache entry's objects later.
std::function<void(const std::vector<track::PointerFile>&)> pull_for_repro(
    const Context& context, track::Repository& repo, const std::string& remote_name);
// repro --dry --pull: prints the outputs repro --pull would fetch.
void print_would_pull(track::Repository& repo, const std::string& remote_name);

int run(int argc, char** argv);

} // namespace trove::cli
