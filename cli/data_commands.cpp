// add, status, checkout, commit, remove, move, unprotect, diff, ls, gc, fsck:
// commands about tracked data (push, fetch and pull: transfer_commands.cpp).
#include "data_commands.hpp"

#include "app.hpp"
#include "output.hpp"
#include "progress.hpp"

#include <trove/core/error.hpp>
#include <trove/metrics/version.hpp>
#include <trove/pipeline/lock_file.hpp>
#include <trove/pipeline/pipeline_status.hpp>
#include <trove/sync/gc.hpp>
#include <trove/sync/targets.hpp>
#include <trove/sync/transfer.hpp>
#include <trove/track/add.hpp>
#include <trove/track/checkout.hpp>
#include <trove/track/history.hpp>
#include <trove/track/maintenance.hpp>
#include <trove/track/manage.hpp>
#include <trove/track/status.hpp>

#include <unistd.h>

#include <iostream>

namespace trove::cli {

namespace {

using nlohmann::json;
using sync::select_targets;
using sync::selected_outputs;
using sync::Selection;

std::vector<fs::path>
to_paths(const std::vector<std::string>& arguments)
{
  return {arguments.begin(), arguments.end()};
}

void
add_jobs_option(CLI::App* command, unsigned& jobs)
{
  command->add_option("-j,--jobs", jobs, "Parallel jobs (default: all cores)")
      ->check(CLI::PositiveNumber);
}

void
apply_jobs(track::Repository& repo, unsigned jobs)
{
  if (jobs > 0) {
    repo.set_jobs(jobs);
  }
}

// status --cloud: which outputs are only local, only on the remote, or
// nowhere. Exit 1 when something is missing everywhere.
int
print_cloud_status(const Context& context,
                   track::Repository& repo,
                   const Selection& selection,
                   const std::string& remote_name,
                   bool as_json)
{
  auto target = sync::open_remote(repo, remote_name).remote;
  std::vector<std::string> failures;
  auto statuses =
      sync::cloud_status(repo, *target, selected_outputs(repo, selection, failures));
  for (const auto& failure : failures) {
    std::cerr << "trove: error: " << failure << '\n';
  }
  bool missing = !failures.empty();
  json entries = json::object();
  for (const auto& status : statuses) {
    missing = missing || status.state == sync::CloudState::missing;
    entries[status.path] = sync::to_string(status.state);
    if (!as_json && !context.globals.quiet &&
        status.state != sync::CloudState::up_to_date) {
      std::cout << sync::to_string(status.state) << ": " << status.path << '\n';
    }
  }
  if (as_json) {
    print_json(entries);
  } else if (!context.globals.quiet &&
             std::all_of(statuses.begin(), statuses.end(), [](const auto& s) {
               return s.state == sync::CloudState::up_to_date;
             })) {
    std::cout << "The cache and " << target->describe() << " are in sync.\n";
  }
  return missing ? 1 : 0;
}

// Stage outputs belong to trove.lock: `trove add` refuses them, as DVC does.
void
refuse_stage_outputs(const track::Repository& repo, const std::vector<std::string>& paths)
{
  auto project = pipeline::load_project(repo, "");
  for (const auto& path : paths) {
    if (auto stage = project.graph.output_overlapping(repo.relative(path))) {
      const auto& s = project.graph.stages()[*stage];
      throw Error("'" + path + "' is an output of stage '" + s.address + "' (" + s.file +
                  "): 'trove repro' tracks it in " + pipeline::lock_path_of(s.file));
    }
  }
}

// The `git add` line to run from the current directory.
void
print_git_hint(const Context& context,
               const track::Repository& repo,
               const std::vector<track::AddedOut>& outs)
{
  if (!repo.git()) {
    return;
  }
  auto here = fs::current_path();
  auto from_here = [&](const std::string& path) {
    return repo.absolute(path).lexically_relative(here).generic_string();
  };
  std::vector<std::string> paths;
  for (const auto& out : outs) {
    if (out.changed) {
      paths.push_back(from_here(out.pointer_path));
      paths.push_back(
          from_here((fs::path(out.path).parent_path() / ".gitignore").generic_string()));
    }
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  std::string files;
  for (const auto& path : paths) {
    files += " " + path;
  }
  if (!files.empty() && !context.globals.quiet) {
    std::cout << "To track the changes with git, run:\n\n    git add" << files << "\n";
  }
}

void
register_add(CLI::App& app, Context& context)
{
  struct Options
  {
    std::vector<std::string> paths;
    unsigned jobs = 0;
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(app, context, "add", [&context, o] {
    auto& repo = context.repo();
    apply_jobs(repo, o->jobs);
    refuse_stage_outputs(repo, o->paths);
    ProgressDisplay display("Adding", "files", context.globals.quiet);
    auto added = track::add(repo, to_paths(o->paths), display.warn(context.warn()),
                            display.progress());
    display.finish();
    print_git_hint(context, repo, added);
    return 0;
  });
  command->add_option("paths", o->paths, "Files or directories to track")->required();
  add_jobs_option(command, o->jobs);
}

void
register_commit(CLI::App& app, Context& context)
{
  struct Options
  {
    std::vector<std::string> targets;
    unsigned jobs = 0;
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(app, context, "commit", [&context, o] {
    auto& repo = context.repo();
    apply_jobs(repo, o->jobs);
    ProgressDisplay display("Committing", "files", context.globals.quiet);
    auto committed = track::commit(repo, to_paths(o->targets),
                                   display.warn(context.warn()), display.progress());
    display.finish();
    print_git_hint(context, repo, committed);
    return 0;
  });
  command->add_option("targets", o->targets,
                      "Tracked paths or pointer files (default: all)");
  add_jobs_option(command, o->jobs);
}

json
status_json(const std::vector<track::OutStatus>& statuses,
            const std::vector<pipeline::StageStatus>& stages)
{
  json result = json::object();
  // Stages are keyed FILE:NAME, which no data path looks like.
  for (const auto& [stage, changes] : stages) {
    result[stage->file + ":" + stage->name] = {{"stage", stage->address},
                                               {"never_run", changes.never_ran},
                                               {"changed_command", changes.command},
                                               {"always_changed", changes.always},
                                               {"changed_deps", changes.deps},
                                               {"changed_params", changes.params},
                                               {"changed_outs", changes.outs}};
  }
  for (const auto& status : statuses) {
    if (status.clean()) {
      continue;
    }
    result[status.path] = {
        {"pointer", status.pointer_path}, {"state", track::to_string(status.state)},
        {"in_cache", status.in_cache},    {"added", status.added},
        {"modified", status.modified},    {"deleted", status.deleted}};
  }
  return result;
}

void
print_status(const std::vector<track::OutStatus>& statuses,
             const std::vector<pipeline::StageStatus>& stages)
{
  bool clean = stages.empty();
  for (const auto& [stage, changes] : stages) {
    std::cout << stage->address << ": " << changes.describe() << '\n';
  }
  for (const auto& status : statuses) {
    if (status.clean()) {
      continue;
    }
    clean = false;
    std::cout << status.path << ": ";
    if (status.state != track::OutStatus::State::unchanged) {
      std::cout << track::to_string(status.state);
      if (!status.in_cache) {
        std::cout << ", ";
      }
    }
    std::cout << (status.in_cache ? "" : "not in cache") << '\n';
    for (const auto& [label, files] :
         {std::pair{"added:   ", &status.added}, std::pair{"modified:", &status.modified},
          std::pair{"deleted: ", &status.deleted}}) {
      for (const auto& file : *files) {
        std::cout << '\t' << label << ' ' << file << '\n';
      }
    }
  }
  if (clean) {
    std::cout << "Data and pipelines are up to date.\n";
  }
}

void
register_status(CLI::App& app, Context& context)
{
  struct Options
  {
    std::vector<std::string> targets;
    std::string file;
    bool json = false;
    unsigned jobs = 0;
    bool cloud = false;
    std::string remote;
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(app, context, "status", [&context, o] {
    auto& repo = context.repo();
    apply_jobs(repo, o->jobs);
    if (!o->cloud && !o->remote.empty()) {
      throw UsageError("-r names the remote for --cloud");
    }
    auto selection = select_targets(repo, o->targets, o->file);
    if (o->cloud) {
      return print_cloud_status(context, repo, selection, o->remote, o->json);
    }
    std::vector<std::string> failures;
    auto statuses = track::status_of(repo, selection.pointers, context.warn(), failures);
    auto stages = pipeline::stage_statuses(repo, *selection.project, selection.stages,
                                           context.warn());
    for (const auto& failure : failures) {
      std::cerr << "trove: error: " << failure << '\n';
    }
    bool clean = stages.empty() && std::all_of(statuses.begin(), statuses.end(),
                                               [](const auto& s) { return s.clean(); });
    if (context.globals.quiet) {
      return clean && failures.empty() ? 0 : 1;
    }
    if (o->json) {
      print_json(status_json(statuses, stages));
    } else {
      print_status(statuses, stages);
    }
    return failures.empty() ? 0 : 1;
  });
  command->add_option("targets", o->targets,
                      "Tracked paths, pointer files or stages (default: all)");
  add_file_option(command, o->file);
  command->add_flag("--json", o->json, "Print JSON");
  add_jobs_option(command, o->jobs);
  command->add_flag("-c,--cloud", o->cloud, "Compare the cache with a remote instead");
  command->add_option("-r,--remote", o->remote,
                      "The remote for --cloud (default: core.remote)");
}

void
register_checkout(CLI::App& app, Context& context)
{
  struct Options
  {
    std::vector<std::string> targets;
    std::string file;
    bool force = false;
    bool relink = false;
    unsigned jobs = 0;
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(app, context, "checkout", [&context, o] {
    auto& repo = context.repo();
    apply_jobs(repo, o->jobs);
    auto selection = select_targets(repo, o->targets, o->file);
    return run_checkout(context, repo, selection, o->force, o->relink);
  });
  command->add_option("targets", o->targets,
                      "Tracked paths, pointer files or stages (default: all)");
  add_file_option(command, o->file);
  command->add_flag("-f,--force", o->force,
                    "Overwrite changes (saving them to the cache first)");
  command->add_flag("--relink", o->relink, "Re-create links per cache.type");
  add_jobs_option(command, o->jobs);
}

void
register_remove(CLI::App& app, Context& context)
{
  struct Options
  {
    std::vector<std::string> targets;
    bool keep_data = false;
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(app, context, "remove", [&context, o] {
    auto& repo = context.repo();
    for (const auto& target : o->targets) {
      track::remove(repo, target,
                    o->keep_data ? track::KeepData::yes : track::KeepData::no);
    }
    return 0;
  });
  command->add_option("targets", o->targets, "Pointer files or tracked paths")
      ->required();
  command->add_flag("--keep-data", o->keep_data, "Leave the data in the workspace");
}

void
register_move(CLI::App& app, Context& context)
{
  struct Options
  {
    std::string source;
    std::string destination;
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(app, context, "move", [&context, o] {
    track::move(context.repo(), o->source, o->destination);
    return 0;
  });
  command->add_option("source", o->source, "Tracked path or its pointer file")
      ->required();
  command->add_option("destination", o->destination, "New path or existing directory")
      ->required();
}

void
register_unprotect(CLI::App& app, Context& context)
{
  auto targets = std::make_shared<std::vector<std::string>>();
  auto* command = add_command(app, context, "unprotect", [&context, targets] {
    track::unprotect(context.repo(), to_paths(*targets));
    return 0;
  });
  command->add_option("targets", *targets, "Files or directories")->required();
}

json
change_json(const track::DataDiff::Change& change, bool modified)
{
  if (modified) {
    return {{"path", change.path},
            {"hash", {{"old", change.old_id}, {"new", change.new_id}}}};
  }
  return {{"path", change.path},
          {"hash", change.new_id.empty() ? change.old_id : change.new_id}};
}

void
register_diff(CLI::App& app, Context& context)
{
  struct Options
  {
    std::vector<std::string> revisions;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(app, context, "diff", [&context, o] {
    auto& repo = context.repo();
    if (o->revisions.size() > 2) {
      throw UsageError("diff takes at most two revisions");
    }
    std::string a = o->revisions.empty() ? "HEAD" : o->revisions[0];
    std::optional<std::string> b;
    if (o->revisions.size() == 2) {
      b = o->revisions[1];
    }
    auto diff = track::diff(repo, a, b, metrics::stage_outputs_reader(repo));
    if (o->json) {
      json result = {{"added", json::array()},
                     {"deleted", json::array()},
                     {"modified", json::array()}};
      for (const auto& c : diff.added)
        result["added"].push_back(change_json(c, false));
      for (const auto& c : diff.deleted)
        result["deleted"].push_back(change_json(c, false));
      for (const auto& c : diff.modified)
        result["modified"].push_back(change_json(c, true));
      print_json(result);
      return 0;
    }
    for (const auto& [kind, changes] :
         {std::pair{'A', &diff.added}, std::pair{'D', &diff.deleted},
          std::pair{'M', &diff.modified}}) {
      for (const auto& change : *changes) {
        std::cout << kind << '\t' << change.path << '\n';
      }
    }
    if (!context.globals.quiet) {
      std::cout << "files summary: " << diff.added.size() << " added, "
                << diff.deleted.size() << " deleted, " << diff.modified.size()
                << " modified\n";
    }
    return 0;
  });
  command->add_option("revisions", o->revisions,
                      "A [B]: git revisions (default: HEAD and the workspace)");
  command->add_flag("--json", o->json, "Print JSON");
}

void
register_ls(CLI::App& app, Context& context)
{
  struct Options
  {
    std::vector<std::string> arguments;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(app, context, "ls", [&context, o] {
    auto& repo = context.repo();
    if (o->arguments.size() > 2) {
      throw UsageError("ls takes [REV] [PATH]");
    }
    std::optional<std::string> revision;
    std::string prefix;
    if (o->arguments.size() == 2) {
      revision = o->arguments[0];
      prefix = repo.relative(o->arguments[1]);
    } else if (o->arguments.size() == 1) {
      // One argument: a path if it exists here, else a revision.
      std::error_code ec;
      if (fs::exists(o->arguments[0], ec)) {
        prefix = repo.relative(o->arguments[0]);
      } else {
        revision = o->arguments[0];
      }
    }
    json list = json::array();
    std::vector<track::TrackedFile> shown;
    for (auto& file :
         track::tracked_files(repo, revision, metrics::stage_outputs_reader(repo))) {
      if (prefix.empty() || file.path == prefix ||
          file.path.rfind(prefix + "/", 0) == 0) {
        shown.push_back(std::move(file));
      }
    }
    if (o->json) {
      for (const auto& file : shown) {
        list.push_back({{"path", file.path}, {"size", file.size}, {"hash", file.id}});
      }
      print_json(list);
      return 0;
    }
    std::size_t width = 1;
    for (const auto& file : shown) {
      width = std::max(width, std::to_string(file.size).size());
    }
    for (const auto& file : shown) {
      std::string size = std::to_string(file.size);
      std::cout << std::string(width - size.size(), ' ') << size << "  " << file.path
                << '\n';
    }
    return 0;
  });
  command->add_option("arguments", o->arguments, "[REV] [PATH]");
  command->add_flag("--json", o->json, "Print JSON");
}

void
register_gc(CLI::App& app, Context& context)
{
  struct Options
  {
    track::ObjectScope scope;
    bool dry_run = false;
    bool force = false;
    bool cloud = false;
    std::string remote;
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(app, context, "gc", [&context, o] {
    if (o->scope.empty()) {
      throw UsageError(
          "gc needs a scope: -w, --all-branches, --all-tags or --all-commits");
    }
    if (!o->cloud && !o->remote.empty()) {
      throw UsageError("-r names the remote for --cloud");
    }
    auto& repo = context.repo();
    sync::read_lock_outputs(o->scope);
    // --cloud: the remote's unused objects, found before anything is deleted.
    std::unique_ptr<remote::Remote> cloud;
    std::vector<std::string> cloud_unused;
    if (o->cloud) {
      auto plan = sync::plan_cloud_gc(repo, o->scope, o->remote);
      cloud = std::move(plan.remote);
      cloud_unused = std::move(plan.unused);
    }
    auto cloud_part = [&] {
      return cloud ? " and " + count_of(cloud_unused.size(), "object", "objects") +
                         " from " + cloud->describe()
                   : std::string();
    };
    if (!o->dry_run && !o->force) {
      auto preview = track::gc(repo, o->scope, track::DryRun::yes);
      if (preview.removed.empty() && cloud_unused.empty()) {
        if (!context.globals.quiet) {
          std::cout << "Nothing to delete.\n";
        }
        return 0;
      }
      if (!isatty(STDIN_FILENO)) {
        throw Error("gc would delete " +
                    count_of(preview.removed.size(), "object", "objects") + " (" +
                    human_size(preview.bytes) + ") from the cache" + cloud_part() +
                    "; use -f to delete without asking");
      }
      std::cout << "This deletes "
                << count_of(preview.removed.size(), "object", "objects") << " ("
                << human_size(preview.bytes) << ") from the cache" << cloud_part()
                << ". Continue? [y/N] " << std::flush;
      std::string answer;
      std::getline(std::cin, answer);
      if (answer != "y" && answer != "yes") {
        std::cout << "Nothing deleted.\n";
        return 1;
      }
    }
    ProgressDisplay display(o->dry_run ? "Checking" : "Collecting", "objects",
                            context.globals.quiet);
    auto result =
        track::gc(repo, o->scope, o->dry_run ? track::DryRun::yes : track::DryRun::no,
                  display.progress());
    display.finish();
    if (o->dry_run && context.globals.verbose) {
      for (const auto& entry : result.removed) {
        std::cout << entry.id.to_string() << '\n';
      }
    }
    if (!context.globals.quiet) {
      std::cout << (o->dry_run ? "Would remove " : "Removed ")
                << count_of(result.removed.size(), "object", "objects") << ", freeing "
                << human_size(result.bytes) << "; kept " << result.kept << ".\n";
      for (const auto& project : result.projects_kept) {
        std::cout << "Kept what " << project.string() << " uses (it shares the cache).\n";
      }
    }
    for (const auto& project : result.projects_gone) {
      context.warn()("the project " + project.string() +
                     ", listed as sharing the cache, no longer exists");
    }
    if (cloud) {
      if (!o->dry_run) {
        cloud->remove(cloud_unused);
      }
      if (!context.globals.quiet) {
        std::cout << (o->dry_run ? "Would remove " : "Removed ")
                  << count_of(cloud_unused.size(), "object", "objects") << " from "
                  << cloud->describe() << ".\n";
      }
    }
    return 0;
  });
  command->add_flag("-w,--workspace", o->scope.workspace, "Keep what the workspace uses");
  command->add_flag("-a,--all-branches", o->scope.all_branches,
                    "Keep what every branch tip uses");
  command->add_flag("-T,--all-tags", o->scope.all_tags, "Keep what every tag uses");
  command->add_flag("-A,--all-commits", o->scope.all_commits,
                    "Keep what every commit uses");
  command->add_flag("--dry-run", o->dry_run, "Only say what would be deleted");
  command->add_flag("-f,--force", o->force, "Do not ask for confirmation");
  command->add_flag("-c,--cloud", o->cloud,
                    "Also delete what the scope does not use from a remote");
  command->add_option("-r,--remote", o->remote,
                      "The remote for --cloud (default: core.remote)");
}

void
register_fsck(CLI::App& app, Context& context)
{
  auto jobs = std::make_shared<unsigned>(0);
  auto* command = add_command(app, context, "fsck", [&context, jobs] {
    auto& repo = context.repo();
    ProgressDisplay display("Verifying", "objects", context.globals.quiet);
    auto result = track::fsck(repo, *jobs ? *jobs : repo.jobs(), display.progress());
    display.finish();
    for (const auto& corrupt : result.corrupt) {
      std::cerr << "trove: error: corrupt object " << corrupt << '\n';
    }
    if (!context.globals.quiet) {
      std::cout << "checked " << count_of(result.checked, "object", "objects") << ", "
                << result.corrupt.size() << " corrupt\n";
    }
    return result.corrupt.empty() ? 0 : 1;
  });
  add_jobs_option(command, *jobs);
}

} // namespace

int
run_checkout(const Context& context,
             track::Repository& repo,
             const Selection& selection,
             bool force,
             bool relink)
{
  std::vector<std::string> failures;
  auto outs = selected_outputs(repo, selection, failures);
  ProgressDisplay display("Checking out", "files", context.globals.quiet);
  auto result =
      track::checkout_outs(repo, outs, force ? track::Force::yes : track::Force::no,
                           relink ? track::Relink::yes : track::Relink::no,
                           display.warn(context.warn()), display.progress());
  display.finish();
  result.failures.insert(result.failures.begin(), failures.begin(), failures.end());
  if (!context.globals.quiet) {
    for (const auto& change : result.changes) {
      std::cout << change.kind << '\t' << change.path << '\n';
    }
    if (!result.changes.empty()) {
      std::cout << count_of(result.files_added, "file", "files") << " added, "
                << result.files_modified << " modified, " << result.files_deleted
                << " deleted\n";
    }
  }
  for (const auto& failure : result.failures) {
    std::cerr << "trove: error: " << failure << '\n';
  }
  return result.failures.empty() ? 0 : 1;
}

void
register_data_commands(CLI::App& app, Context& context)
{
  register_add(app, context);
  register_status(app, context);
  register_checkout(app, context);
  register_commit(app, context);
  register_remove(app, context);
  register_move(app, context);
  register_unprotect(app, context);
  register_diff(app, context);
  register_ls(app, context);
  register_gc(app, context);
  register_fsck(app, context);
}

} // namespace trove::cli
