// The table of trove's commands: names, help groups, descriptions and the
// lock each takes. The command files register the options and the action
// of each row; app.cpp checks that every row is registered.
#include "commands.hpp"

#include <array>
#include <stdexcept>
#include <string>

namespace trove::cli {

namespace {

constexpr std::string_view k_repository = "Repository";
constexpr std::string_view k_data = "Data";
constexpr std::string_view k_remotes = "Remotes";
constexpr std::string_view k_pipelines = "Pipelines";
constexpr std::string_view k_results = "Metrics and plots";

constexpr std::array k_commands = {
    CommandSpec{"init", k_repository,
                "Create a trove repository at the top of the git work tree",
                Access::none},
    CommandSpec{"config", k_repository, "Get and set repository or user options",
                Access::read_or_write},
    CommandSpec{"cache", k_repository, "Manage the cache (object store)", Access::none},
    CommandSpec{"cache dir", k_repository, "Show or set the cache directory",
                Access::read_or_write},
    CommandSpec{"migrate", k_repository,
                "Turn a DVC repository into a trove repository in place (migrate dvc)",
                Access::write},
    CommandSpec{"doctor", k_repository,
                "Show versions, the cache location and the link type in use",
                Access::read},
    CommandSpec{"install", k_repository,
                "Add git hooks: checkout after a branch checkout, status before a "
                "commit, push before a push",
                Access::write},
    CommandSpec{"add", k_data,
                "Track files or directories: store them in the cache and write X.trove",
                Access::write},
    CommandSpec{"status", k_data, "Show tracked data and pipeline stages that changed",
                Access::read},
    CommandSpec{"checkout", k_data,
                "Make tracked data and stage outputs match their pointer and lock files",
                Access::write},
    CommandSpec{"commit", k_data,
                "Record the current content of tracked data in its pointer files",
                Access::write},
    CommandSpec{"remove", k_data,
                "Stop tracking data: remove X.trove (and the data unless --keep-data)",
                Access::write},
    CommandSpec{"move", k_data, "Move tracked data together with its pointer file",
                Access::write},
    CommandSpec{"unprotect", k_data, "Turn linked workspace files into writable copies",
                Access::write},
    CommandSpec{"diff", k_data,
                "Show tracked files added, deleted and modified between revisions",
                Access::read},
    CommandSpec{"ls", k_data, "List tracked files and their sizes at a revision",
                Access::read},
    CommandSpec{"gc", k_data, "Delete cache objects that the chosen revisions do not use",
                Access::write},
    CommandSpec{"fsck", k_data, "Verify every object in the cache by re-hashing it",
                Access::read},
    CommandSpec{"push", k_remotes, "Send the data the workspace uses to a remote",
                Access::read},
    CommandSpec{"fetch", k_remotes,
                "Bring the data the workspace uses from a remote into the cache",
                Access::write},
    CommandSpec{"pull", k_remotes, "Fetch data from a remote and check it out",
                Access::write},
    CommandSpec{"remote", k_remotes,
                "Configure remotes: shared directories and S3 buckets", Access::none},
    CommandSpec{"remote add", k_remotes,
                "Add a remote: a directory, file:// URL or s3://BUCKET/PREFIX",
                Access::write},
    CommandSpec{"remote list", k_remotes, "List the remotes (credentials masked)",
                Access::read},
    CommandSpec{"remote remove", k_remotes, "Remove a remote", Access::write},
    CommandSpec{"remote default", k_remotes, "Print or set the default remote",
                Access::read_or_write},
    CommandSpec{"remote modify", k_remotes, "Set or unset an option of a remote",
                Access::write},
    CommandSpec{"stage", k_pipelines, "Add and list pipeline stages", Access::none},
    CommandSpec{"stage add", k_pipelines, "Add a stage to trove.yaml", Access::write},
    CommandSpec{"stage list", k_pipelines, "List the stages of the pipeline",
                Access::read},
    CommandSpec{"repro", k_pipelines,
                "Run the stages whose command, dependencies or parameters changed",
                Access::write},
    CommandSpec{"dag", k_pipelines,
                "Show the stages of the pipeline and how they depend on each other",
                Access::read},
    CommandSpec{"freeze", k_pipelines, "Mark stages as frozen: repro never runs them",
                Access::write},
    CommandSpec{"unfreeze", k_pipelines, "Let repro run frozen stages again",
                Access::write},
    CommandSpec{"metrics", k_results, "Show and compare metrics across revisions",
                Access::none},
    CommandSpec{"metrics show", k_results,
                "Show metrics of the workspace and of revisions", Access::read},
    CommandSpec{"metrics diff", k_results, "Compare metrics between two revisions",
                Access::read},
    CommandSpec{"params", k_results, "Compare params across revisions", Access::none},
    CommandSpec{"params diff", k_results, "Compare params between two revisions",
                Access::read},
    CommandSpec{"report", k_results,
                "Metrics, params and plots of two revisions as one report", Access::read},
    CommandSpec{"plots", k_results, "Draw the plots trove.yaml declares", Access::none},
    CommandSpec{"plots show", k_results, "Draw plots of the workspace into an HTML page",
                Access::read},
    CommandSpec{"plots diff", k_results, "Overlay plots of several revisions",
                Access::read},
};

} // namespace

std::span<const CommandSpec>
command_table()
{
  return k_commands;
}

const CommandSpec&
command_spec(std::string_view name)
{
  for (const auto& spec : k_commands) {
    if (spec.name == name) {
      return spec;
    }
  }
  throw std::logic_error("trove: the command '" + std::string(name) +
                         "' is not in the command table");
}

} // namespace trove::cli
