// push, fetch and pull: commands that move data between the cache and a
// remote. What moves is lib/trove/sync's to decide; these parse and print.
#include "app.hpp"
#include "data_commands.hpp"
#include "output.hpp"
#include "progress.hpp"

#include <trove/core/error.hpp>
#include <trove/sync/repro_pull.hpp>
#include <trove/sync/targets.hpp>
#include <trove/sync/transfer.hpp>
#include <trove/track/maintenance.hpp>

#include <iostream>
#include <map>

namespace trove::cli {

namespace {

// What they send or bring, and from where.
struct TransferOptions
{
  std::vector<std::string> targets;
  std::string remote;
  unsigned jobs = 0;
  track::ObjectScope scope;
};

void
add_transfer_options(CLI::App* command, TransferOptions& o)
{
  command->add_option("targets", o.targets,
                      "Tracked paths, pointer files or stages (default: all)");
  command->add_option("-r,--remote", o.remote, "The remote (default: core.remote)");
  command->add_option("-j,--jobs", o.jobs, "Transfers at once (default: 4 x cores)")
      ->check(CLI::PositiveNumber);
  command->add_flag("-a,--all-branches", o.scope.all_branches,
                    "Also what every branch uses");
  command->add_flag("-T,--all-tags", o.scope.all_tags, "Also what every tag uses");
  command->add_flag("-A,--all-commits", o.scope.all_commits,
                    "Also what every commit uses");
}

// Runs a transfer with a progress line on a terminal, then prints
// "12 objects pushed, 340 already there, 1.2 MiB sent" and the problems.
int
run_transfer(
    const Context& context,
    track::Repository& repo,
    TransferOptions& o,
    const char* label,
    const char* verb,
    const char* sent,
    const std::function<sync::TransferResult(remote::Remote&,
                                             const std::vector<track::PointerFile>&,
                                             unsigned,
                                             core::Progress*)>& transfer)
{
  auto outputs = sync::outputs_to_transfer(repo, o.targets, o.scope);
  auto [target, jobs] = sync::open_remote(repo, o.remote, o.jobs);
  ProgressDisplay display(label, "objects", context.globals.quiet);
  auto result = transfer(*target, outputs, jobs, display.progress());
  display.finish();
  if (!context.globals.quiet) {
    std::cout << count_of(result.transferred, "object", "objects") << ' ' << verb << ", "
              << result.already << " already there, " << human_size(result.bytes) << ' '
              << sent << '\n';
  }
  for (const auto& id : result.missing) {
    std::cerr << "trove: error: " << id << " is missing (not in the cache and not on "
              << target->describe() << ")\n";
  }
  // The same failure for many objects (the remote went away) is said once.
  std::map<std::string, std::size_t> errors;
  for (const auto& [id, error] : result.failed) {
    ++errors[error];
  }
  for (const auto& [error, count] : errors) {
    std::cerr << "trove: error: " << error
              << (count > 1 ? " (" + std::to_string(count) + " objects)" : "") << '\n';
  }
  return result.ok() ? 0 : 1;
}

void
register_push(CLI::App& app, Context& context)
{
  auto o = std::make_shared<TransferOptions>();
  auto* command = add_command(app, context, "push", [&context, o] {
    auto& repo = context.repo();
    return run_transfer(
        context, repo, *o, "Pushing", "pushed", "sent",
        [&](auto& target, const auto& outs, unsigned jobs, auto* progress) {
          return sync::push(repo, target, outs, jobs, progress);
        });
  });
  add_transfer_options(command, *o);
}

void
register_fetch(CLI::App& app, Context& context, bool then_checkout)
{
  struct Options : TransferOptions
  {
    bool force = false;
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(
      app, context, then_checkout ? "pull" : "fetch", [&context, o, then_checkout] {
        auto& repo = context.repo();
        int status = run_transfer(
            context, repo, *o, "Fetching", "fetched", "received",
            [&](auto& target, const auto& outs, unsigned jobs, auto* progress) {
              return sync::fetch(repo, target, outs, jobs, progress);
            });
        if (!then_checkout) {
          return status;
        }
        int checked_out = run_checkout(
            context, repo, sync::select_targets(repo, o->targets, ""), o->force, false);
        return status != 0 ? status : checked_out;
      });
  add_transfer_options(command, *o);
  if (then_checkout) {
    command->add_flag("-f,--force", o->force,
                      "Overwrite changes (saving them to the cache first)");
  }
}

} // namespace

std::function<void(const std::vector<track::PointerFile>&)>
pull_for_repro(const Context& context,
               track::Repository& repo,
               const std::string& remote_name)
{
  sync::ReproPull pull(repo, remote_name);
  auto result = pull.fetch_workspace();
  if (!context.globals.quiet) {
    std::cout << count_of(result.transferred, "object", "objects") << " fetched, "
              << result.already << " already there, " << human_size(result.bytes)
              << " received\n";
  }
  // What is on no remote is what the stages will make again: no error.
  for (const auto& [id, error] : result.failed) {
    context.warn()(error);
  }
  pull.check_out(context.warn());
  return pull.fetcher();
}

void
print_would_pull(track::Repository& repo, const std::string& remote_name)
{
  sync::ReproPull pull(repo, remote_name);
  for (const auto& path : pull.would_fetch()) {
    std::cout << "Would fetch " << path << '\n';
  }
}

void
register_transfer_commands(CLI::App& app, Context& context)
{
  register_push(app, context);
  register_fetch(app, context, false);
  register_fetch(app, context, true);
}

} // namespace trove::cli
