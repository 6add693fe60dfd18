// migrate dvc: turn a DVC repository into a trove repository in place.
// What is converted is lib/trove/migrate's to decide; this parses and prints.
#include "app.hpp"
#include "output.hpp"

#include <trove/core/error.hpp>
#include <trove/migrate/dvc_migration.hpp>
#include <trove/scm/git_repo.hpp>

#include <algorithm>
#include <iostream>

namespace trove::cli {

namespace {

struct MigrateOptions
{
  std::string source;
  std::string remote;
  bool dry = false;
};

void
print_report(const migrate::MigrationReport& report, bool dry, bool quiet)
{
  if (!quiet) {
    if (!report.settings.empty()) {
      std::cout << (dry ? "Would set:\n" : "Set:\n");
      for (const auto& line : report.settings) {
        std::cout << "  " << line << '\n';
      }
    }
    if (!report.written.empty()) {
      std::cout << (dry ? "Would convert:\n" : "Converted:\n");
      for (const auto& item : report.written) {
        std::cout << "  " << item.from << " -> " << item.to << " (" << item.what << ")\n";
      }
    }
    if (report.objects_stored > 0) {
      std::cout << (dry ? "Would store " : "Stored ")
                << count_of(report.objects_stored, "object", "objects") << " ("
                << human_size(report.bytes_stored)
                << ") in the cache, each verified against DVC's md5\n";
    }
    if (report.from_dvc_cache + report.from_dvc_remote > 0) {
      std::cout << "Content found: " << report.from_work_tree << " in the work tree, "
                << report.from_dvc_cache << " in .dvc/cache, " << report.from_dvc_remote
                << " on the DVC remote\n";
    }
    if (report.unchanged > 0) {
      std::cout << count_of(report.unchanged, "file", "files")
                << " already migrated (unchanged)\n";
    }
    for (const auto& note : report.notes) {
      std::cout << "note: " << note << '\n';
    }
  }
  for (const auto& missing : report.missing) {
    std::cerr << "trove: not found: " << missing.what << "; looked in:\n";
    for (const auto& place : missing.looked_in) {
      std::cerr << "    " << place << '\n';
    }
  }
  for (const auto& error : report.errors) {
    std::cerr << "trove: error: " << error << '\n';
  }
}

int
run_migrate(Context& context, const MigrateOptions& o)
{
  bool dry = o.dry;
  auto project = migrate::find_dvc_project(".");
  const fs::path& root = project.root;
  std::error_code ec;
  migrate::MigrateOptions options;
  options.dry = dry ? migrate::DryRun::yes : migrate::DryRun::no;
  options.remote = o.remote;
  migrate::MigrationReport report;
  if (!fs::is_directory(root / ".trove", ec)) {
    if (dry) {
      if (!context.globals.quiet) {
        std::cout << "Would initialise a trove repository in " << root.string() << '\n';
      }
      report = migrate::migrate_dvc(nullptr, root, options);
      print_report(report, dry, context.globals.quiet);
      return report.complete() ? 0 : 1;
    }
    auto result = track::Repository::init(root, project.place, track::Force::no);
    if (!context.globals.quiet) {
      std::cout << "Initialised a trove repository in " << result.root.string() << '\n';
    }
  }
  auto& repo = context.repo();
  report = migrate::migrate_dvc(&repo, repo.root(), options);
  print_report(report, dry, context.globals.quiet);
  if (!report.complete()) {
    std::cerr
        << "trove: error: migration incomplete ("
        << count_of(report.missing.size(), "item", "items") << " not found, "
        << count_of(report.errors.size(), "error", "errors")
        << "); what was found is migrated: fix the rest and run 'trove migrate dvc' "
           "again\n";
    return 1;
  }
  if (!context.globals.quiet) {
    if (report.nothing_to_do()) {
      std::cout << "Nothing to do: the DVC repository is already migrated.\n";
    } else if (!dry) {
      if (report.from_dvc_cache + report.from_dvc_remote > 0) {
        std::cout
            << "Data the work tree lacked is now in trove's cache: 'trove checkout' "
               "puts it in place.\n";
      }
      std::cout << "DVC's files (.dvc/, *.dvc, dvc.lock) are left as they were; commit "
                   "trove's with git.\n";
      if (std::any_of(report.settings.begin(), report.settings.end(),
                      [](const std::string& s) { return s.starts_with("remote."); })) {
        // trove keeps its objects under sha256/ beside DVC's files/md5/.
        std::cout << "The remotes hold DVC's objects, not trove's yet: 'trove push' "
                     "sends them (DVC's stay usable).\n";
      }
    }
  }
  return 0;
}

} // namespace

void
register_migrate_commands(CLI::App& app, Context& context)
{
  auto o = std::make_shared<MigrateOptions>();
  auto* command = add_command(app, context, "migrate",
                              [&context, o] { return run_migrate(context, *o); });
  command->add_option("source", o->source, "What to migrate from: dvc")
      ->required()
      ->check(CLI::IsMember({"dvc"}));
  command->add_flag("--dry", o->dry, "Say what would be done; write nothing");
  command
      ->add_option("-r,--remote", o->remote,
                   "The DVC remote to fetch missing content from (default: DVC's "
                   "core.remote)")
      ->type_name("DVC_REMOTE");
}

} // namespace trove::cli
