#pragma once

#include <span>
#include <string_view>

namespace trove::cli {

// How a command uses the repository: the lock it takes when it first opens
// it. Declared here, not chosen by whichever accessor the command calls.
enum class Access
{
  none,         // works without a repository (init), or opens it itself
  read,         // shared lock: readers never block each other
  write,        // exclusive lock
  read_or_write // decided by its arguments (`config KEY` reads, `config KEY VALUE`
                // writes)
};

// One command of `trove`: its full name ("remote add"), the heading it is
// listed under in `trove --help`, what it does and its access. Commands
// with subcommands ("remote") have a row of their own, with Access::none.
struct CommandSpec
{
  std::string_view name;
  std::string_view group;
  std::string_view description;
  Access access;
};

// Every command, in the order `trove --help` lists them.
std::span<const CommandSpec> command_table();

// The row for a full name; throws std::logic_error for a name the table
// lacks (a command registered without a row is a programming error).
const CommandSpec& command_spec(std::string_view name);

} // namespace trove::cli
