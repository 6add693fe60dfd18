// stage, repro, dag, freeze, unfreeze: commands about pipelines.
#include "app.hpp"
#include "output.hpp"

#include <trove/core/error.hpp>
#include <trove/core/process.hpp>
#include <trove/core/text.hpp>
#include <trove/pipeline/pipeline_editor.hpp>
#include <trove/pipeline/project.hpp>
#include <trove/pipeline/repro.hpp>
#include <trove/track/workspace.hpp>

#include <tuple>

#include <iostream>

namespace trove::cli {

namespace {

// Stages keep the pipeline's order in JSON output.
using json = nlohmann::ordered_json;
using pipeline::Output;
using pipeline::Stage;

json
paths_of_kind(const Stage& stage, Output::Kind kind)
{
  json paths = json::array();
  for (const auto& out : stage.outs) {
    if (out.kind == kind) {
      paths.push_back(out.path);
    }
  }
  return paths;
}

json
stage_json(const Stage& stage)
{
  json params = json::object();
  for (const auto& entry : stage.params) {
    params[entry.file] = entry.keys;
  }
  return {
      {"cmd", stage.cmd_is_list ? json(stage.cmd) : json(stage.cmd.front())},
      {"wdir", stage.wdir.empty() ? "." : stage.wdir},
      {"deps", stage.deps},
      {"outs", paths_of_kind(stage, Output::Kind::out)},
      {"params", params},
      {"metrics", paths_of_kind(stage, Output::Kind::metric)},
      {"plots", paths_of_kind(stage, Output::Kind::plot)},
  };
}

// The targets and their upstream, in order; all stages without targets.
std::vector<std::size_t>
chosen_with_upstream(const pipeline::Project& project,
                     const track::Repository& repo,
                     const std::vector<std::string>& targets)
{
  if (targets.empty()) {
    return project.graph.topological_order();
  }
  return project.graph.with_upstream(project.resolve(repo, targets, false));
}

void
print_dag(const pipeline::Graph& graph,
          const std::vector<std::size_t>& chosen,
          const std::string& format)
{
  const auto& stages = graph.stages();
  std::vector<bool> shown(stages.size(), false);
  for (auto i : chosen) {
    shown[i] = true;
  }
  std::vector<std::size_t> in_file_order = chosen;
  std::sort(in_file_order.begin(), in_file_order.end());
  if (format == "json") {
    json out = {{"stages", json::object()}, {"edges", json::array()}};
    for (auto i : in_file_order) {
      out["stages"][stages[i].address] = stage_json(stages[i]);
    }
    for (const auto& [up, down] : graph.edges()) {
      if (shown[up] && shown[down]) {
        out["edges"].push_back({stages[up].address, stages[down].address});
      }
    }
    print_json(out);
  } else if (format == "dot") {
    std::cout << "strict digraph {\n";
    for (auto i : chosen) {
      std::cout << "\t" << json(stages[i].address).dump() << ";\n";
    }
    for (const auto& [up, down] : graph.edges()) {
      if (shown[up] && shown[down]) {
        std::cout << "\t" << json(stages[up].address).dump() << " -> "
                  << json(stages[down].address).dump() << ";\n";
      }
    }
    std::cout << "}\n";
  } else if (format == "mermaid") {
    std::cout << "flowchart TD\n";
    for (auto i : chosen) {
      std::cout << "\tnode" << i << "[" << json(stages[i].address).dump() << "]\n";
    }
    for (const auto& [up, down] : graph.edges()) {
      if (shown[up] && shown[down]) {
        std::cout << "\tnode" << up << "-->node" << down << "\n";
      }
    }
  } else {
    // One line per stage in run order, each naming what it waits for.
    std::size_t width = 0;
    for (auto i : chosen) {
      width = std::max(width, stages[i].address.size());
    }
    for (auto i : chosen) {
      std::string line = stages[i].address;
      std::string from;
      for (auto up : graph.upstream(i)) {
        from += (from.empty() ? "" : ", ") + stages[up].address;
      }
      if (!from.empty()) {
        line += std::string(width - line.size(), ' ') + "  <- " + from;
      }
      std::cout << line << '\n';
    }
  }
}

void
register_dag(CLI::App& app, Context& context)
{
  struct Options
  {
    std::vector<std::string> targets;
    std::string file;
    bool dot = false;
    bool mermaid = false;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(app, context, "dag", [&context, o] {
    auto& repo = context.repo();
    auto project = pipeline::load_project(repo, o->file);
    auto chosen = chosen_with_upstream(project, repo, o->targets);
    print_dag(project.graph, chosen,
              o->json      ? "json"
              : o->dot     ? "dot"
              : o->mermaid ? "mermaid"
                           : "ascii");
    return 0;
  });
  command->add_option("target", o->targets, "Show only these stages and their upstream");
  add_file_option(command, o->file);
  auto* dot = command->add_flag("--dot", o->dot, "Print the graph in Graphviz DOT");
  auto* mermaid = command->add_flag("--mermaid", o->mermaid, "Print a Mermaid flowchart");
  auto* as_json = command->add_flag("--json", o->json, "Print stages and edges as JSON");
  dot->excludes(mermaid)->excludes(as_json);
  mermaid->excludes(as_json);
}

// -p [FILE:]KEY[,KEY...]; "FILE:" alone means the whole file.
pipeline::ParamKeys
parse_params_option(const std::string& text)
{
  auto colon = text.find(':');
  if (colon == std::string::npos) {
    auto keys = core::split(text, ',');
    if (keys.empty()) {
      throw UsageError("-p needs KEY, KEY,KEY or FILE:KEY");
    }
    return {"params.yaml", keys};
  }
  return {text.substr(0, colon), core::split(text.substr(colon + 1), ',')};
}

// The pipeline file a command edits: --file, or trove.yaml in the current
// directory (as DVC writes dvc.yaml where it runs), or dvc.yaml when only
// that one is there.
std::string
file_to_edit(const track::Repository& repo, const std::string& file)
{
  if (!file.empty()) {
    return repo.relative(file);
  }
  std::string trove_yaml = repo.relative(std::string(track::k_pipeline_file_name));
  std::string dvc_yaml = repo.relative(std::string(track::k_dvc_pipeline_file_name));
  std::error_code ec;
  if (!std::filesystem::exists(repo.absolute(trove_yaml), ec) &&
      std::filesystem::exists(repo.absolute(dvc_yaml), ec)) {
    return dvc_yaml;
  }
  return trove_yaml;
}

void
register_stage_add(CLI::App& stage, Context& context)
{
  struct Options
  {
    pipeline::NewStage stage;
    std::vector<std::string> command;
    std::vector<std::string> params;
    std::vector<std::string> outs, outs_no_cache, metrics, metrics_no_cache, plots,
        plots_no_cache;
    std::string file;
    bool force = false;
  };
  auto o = std::make_shared<Options>();
  auto* add = add_command(stage, context, "add", [&context, o] {
    auto& repo = context.repo();
    auto& s = o->stage;
    for (const auto& word : o->command) {
      s.cmd += (s.cmd.empty() ? "" : " ") + word;
    }
    for (const auto& text : o->params) {
      s.params.push_back(parse_params_option(text));
    }
    using Kind = pipeline::Output::Kind;
    for (auto [paths, kind, cache] :
         {std::tuple{&o->outs, Kind::out, true},
          std::tuple{&o->outs_no_cache, Kind::out, false},
          std::tuple{&o->metrics, Kind::metric, true},
          std::tuple{&o->metrics_no_cache, Kind::metric, false},
          std::tuple{&o->plots, Kind::plot, true},
          std::tuple{&o->plots_no_cache, Kind::plot, false}}) {
      for (const auto& path : *paths) {
        s.outs.push_back({path, kind, cache, false});
      }
    }
    std::string file = file_to_edit(repo, o->file);
    pipeline::add_stage(repo.root(), file, s, o->force);
    if (!context.globals.quiet) {
      std::cout << "Added stage '" << s.name << "' to '" << file << "'\n"
                << "Run it with 'trove repro " << s.name << "'\n";
    }
    return 0;
  });
  add->add_option("-n,--name", o->stage.name, "Name of the stage")->required();
  add->add_option("-d,--deps", o->stage.deps, "A dependency (file or directory)");
  add->add_option("-o,--outs", o->outs, "An output stored in the cache");
  add->add_option("-O,--outs-no-cache", o->outs_no_cache,
                  "An output git keeps (cache: false)");
  add->add_option("-p,--params", o->params, "Params used: [FILE:]KEY[,KEY...]");
  add->add_option("-m,--metrics", o->metrics, "A metrics file stored in the cache");
  add->add_option("-M,--metrics-no-cache", o->metrics_no_cache,
                  "A metrics file git keeps");
  add->add_option("--plots", o->plots, "A plots file stored in the cache");
  add->add_option("--plots-no-cache", o->plots_no_cache, "A plots file git keeps");
  add->add_option("-w,--wdir", o->stage.wdir, "Directory the command runs in");
  add->add_flag("-f,--force", o->force, "Replace a stage of the same name");
  add->add_flag("--always-changed", o->stage.always_changed,
                "Run the stage on every repro");
  add->add_option("--desc", o->stage.desc, "A description of the stage");
  add_file_option(add, o->file);
  add->add_option("command", o->command, "The command (a shell command line)")
      ->required();
  add->positionals_at_end();
}

void
register_freeze(CLI::App& app, Context& context, bool freeze)
{
  struct Options
  {
    std::vector<std::string> stages;
    std::string file;
  };
  auto o = std::make_shared<Options>();
  auto* command =
      add_command(app, context, freeze ? "freeze" : "unfreeze", [&context, o, freeze] {
        auto& repo = context.repo();
        auto project = pipeline::load_project(repo, o->file);
        for (auto i : project.resolve(repo, o->stages, false)) {
          const auto& s = project.graph.stages()[i];
          pipeline::set_frozen(repo.root(), s.file, s.name, freeze);
        }
        return 0;
      });
  command->add_option("stage", o->stages, "Stages to change")->required();
  add_file_option(command, o->file);
}

void
register_stage(CLI::App& app, Context& context)
{
  auto* stage = add_group(app, "stage");
  stage->require_subcommand(1);
  struct ListOptions
  {
    std::vector<std::string> targets;
    std::string file;
    bool name_only = false;
  };
  auto l = std::make_shared<ListOptions>();
  auto* list = add_command(*stage, context, "list", [&context, l] {
    auto& repo = context.repo();
    auto project = pipeline::load_project(repo, l->file);
    const auto& stages = project.graph.stages();
    std::size_t width = 0;
    for (const auto& s : stages) {
      width = std::max(width, s.address.size());
    }
    for (auto i : project.resolve(repo, l->targets, true)) {
      const auto& s = stages[i];
      if (l->name_only) {
        std::cout << s.address << '\n';
        continue;
      }
      std::string outs;
      for (const auto& out : s.outs) {
        outs += (outs.empty() ? "Outputs " : ", ") + out.path;
      }
      std::string about = s.desc.empty() ? outs : s.desc;
      std::cout << s.address << std::string(width - s.address.size() + 2, ' ') << about
                << '\n';
    }
    return 0;
  });
  list->add_option("target", l->targets, "Stages, pipeline files or directories");
  list->add_flag("--name-only", l->name_only, "Print only the stage names");
  add_file_option(list, l->file);
  register_stage_add(*stage, context);
}

// What repro tells, as lines.
std::string
render(const pipeline::ReproEvent& event)
{
  using Kind = pipeline::ReproEvent::Kind;
  std::string stage = "'" + event.stage + "'";
  switch (event.kind) {
  case Kind::skipped:
    return "Stage " + stage + " didn't change, skipping\n";
  case Kind::skipped_missing_deps:
    return "Stage " + stage + " is missing dependencies, skipping (--allow-missing)\n";
  case Kind::skipped_missing_outs:
    return "Stage " + stage +
           " is missing outputs that are not in the cache, skipping (--allow-missing)\n";
  case Kind::frozen:
    return "Stage " + stage + " is frozen, skipping\n";
  case Kind::checked_out:
    return "Stage " + stage + " didn't change, checked out its outputs\n";
  case Kind::restored_run_cache:
    return "restored " + stage + " from the run cache\n";
  case Kind::dep_recorded:
    return "Updated '" + event.pointer + "' with the new content of '" + event.path +
           "'\n";
  case Kind::running:
    return "Running stage " + stage + ":\n";
  case Kind::command:
    return "> " + event.text + "\n";
  case Kind::would_run: {
    std::string text = "Would run stage " + stage + " (" + event.text + "):\n";
    for (const auto& command : event.commands) {
      text += "> " + command + "\n";
    }
    return text;
  }
  case Kind::would_check_out:
    return "Stage " + stage + " didn't change, would check out its outputs\n";
  case Kind::would_restore_run_cache:
    return "Would restore " + stage + " from the run cache (" + event.text + ")\n";
  case Kind::would_fail:
    return "Stage " + stage + " would fail: " + event.text + "\n";
  case Kind::up_to_date:
    return "Data and pipelines are up to date.\n";
  case Kind::no_pipelines:
    return "No pipeline file (trove.yaml or dvc.yaml) in this repository: nothing to "
           "reproduce.\n";
  }
  return "";
}

void
register_repro(CLI::App& app, Context& context)
{
  struct Options
  {
    pipeline::ReproOptions repro;
    bool json = false;
    bool pull = false;
    std::string remote;
  };
  auto o = std::make_shared<Options>();
  auto* command = add_command(app, context, "repro", [&context, o] {
    auto& repo = context.repo();
    o->repro.commands_stdout_to_stderr = o->json;
    if (!context.globals.quiet) {
      // With --json, stdout is the summary's alone. write_output keeps
      // these lines whole among the prefixed output of stages run at once.
      int fd = o->json ? 2 : 1;
      o->repro.events = [fd](const pipeline::ReproEvent& event) {
        core::write_output(fd, render(event));
      };
    }
    if (o->pull && o->repro.dry) {
      print_would_pull(repo, o->remote); // --dry writes nothing, the cache included
    } else if (o->pull) {
      o->repro.fetch = pull_for_repro(context, repo, o->remote);
    } else if (!o->remote.empty()) {
      throw UsageError("-r/--remote goes with --pull");
    }
    auto result = pipeline::repro(repo, o->repro, context.warn());
    if (o->json) {
      json stages = json::array();
      for (const auto& stage : result.stages) {
        stages.push_back({{"name", stage.name},
                          {"status", pipeline::to_string(stage.status)},
                          {"reason", stage.reason}});
      }
      print_json(json{{"stages", stages}});
    }
    if (result.interrupted) {
      std::cerr << "trove: interrupted; trove.lock keeps the stages that completed\n";
      return 130;
    }
    if (result.failed()) {
      for (const auto& stage : result.stages) {
        if (stage.status == pipeline::StageOutcome::Status::failed) {
          std::cerr << "trove: error: " << stage.reason << '\n';
        }
      }
      return 1;
    }
    return 0;
  });
  auto& r = o->repro;
  command->add_option(
      "target", r.targets,
      "Stages (NAME or FILE:NAME), pipeline files, or directories with -R");
  add_file_option(command, r.file);
  command->add_flag("-f,--force", r.force, "Run the stages even if nothing changed");
  command->add_flag("-s,--single-item", r.single_item,
                    "Only the targets, not their upstream");
  command->add_flag("--downstream", r.downstream,
                    "The targets and every stage that depends on them");
  command->add_flag("--dry", r.dry, "Print what would run and why; run nothing");
  command->add_flag("--no-run-cache", r.no_run_cache,
                    "Never restore outputs from the run cache");
  command->add_flag("--allow-missing", r.allow_missing,
                    "Skip stages whose only change is missing data");
  command->add_flag("-R,--recursive", r.recursive,
                    "Targets may be directories: every stage below them");
  command->add_flag("-k,--keep-going", r.keep_going,
                    "Continue with stages that do not depend on a failed one");
  command
      ->add_option("-j,--jobs", r.jobs,
                   "Run up to N independent stages at once (default 1)")
      ->check(CLI::PositiveNumber);
  command->add_flag("--json", o->json, "Print a summary of each stage as JSON");
  command->add_flag("--pull", o->pull,
                    "Fetch missing data and run-cache outputs from the remote first");
  command->add_option("-r,--remote", o->remote,
                      "The remote --pull uses (default: core.remote)");
}

} // namespace

void
register_pipeline_commands(CLI::App& app, Context& context)
{
  register_stage(app, context);
  register_repro(app, context);
  register_dag(app, context);
  register_freeze(app, context, true);
  register_freeze(app, context, false);
}

} // namespace trove::cli
