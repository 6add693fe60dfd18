#include <trove/pipeline/repro.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/process.hpp>
#include <trove/pipeline/run_cache.hpp>
#include <trove/pipeline/scheduler.hpp>
#include <trove/pipeline/stage_decision.hpp>
#include <trove/pipeline/stage_outputs.hpp>
#include <trove/pipeline/stage_state.hpp>
#include <trove/track/add.hpp>
#include <trove/track/status.hpp>

#include <map>
#include <memory>

namespace trove::pipeline {

namespace {

using Status = StageOutcome::Status;
using Kind = ReproEvent::Kind;

class Reproducer : public StageWork
{
public:
  Reproducer(track::Repository& repo,
             const ReproOptions& options,
             const track::Warn& warn)
      : m_repo(repo), m_options(options), m_warn(warn),
        m_project(load_project(repo, options.file)), m_params(repo.root()),
        m_run_cache(repo.trove_dir() / "state" / "runs"), m_locks(repo.root()),
        m_failed(m_project.graph.stages().size(), false)
  {
  }

  ReproResult
  run()
  {
    if (m_project.files.empty()) {
      tell(Kind::no_pipelines, "");
      return m_result;
    }
    auto plan = choose_plan();
    if (m_options.dry) {
      dry_run(plan);
      return m_result;
    }
    auto scheduled =
        schedule(m_project.graph, plan, m_options.jobs,
                 m_options.keep_going ? KeepGoing::yes : KeepGoing::no, *this, m_warn);
    m_result.interrupted = scheduled.interrupted;
    for (auto i : scheduled.not_started) {
      outcome(i, Status::not_run,
              scheduled.interrupted ? "interrupted" : "an upstream stage failed");
    }
    // The stages' results are in trove.lock already; the index only saves
    // the next run some hashing.
    if (auto failure = m_repo.stat_index().try_save()) {
      m_warn("could not save the stat index: " + *failure);
    }
    if (!m_result.failed() && !m_result.interrupted && !m_any_work) {
      tell(Kind::up_to_date, "");
    }
    return m_result;
  }

private:
  // A stage whose commands run.
  struct Running
  {
    std::size_t stage;
    StageInputs inputs;
    std::size_t command = 0; // index into cmd of the next one
  };

  const Stage&
  stage(std::size_t i) const
  {
    return m_project.graph.stages()[i];
  }

  std::vector<std::size_t>
  choose_plan() const
  {
    const auto& graph = m_project.graph;
    auto targets = m_project.resolve(m_repo, m_options.targets, m_options.recursive);
    if (m_options.single_item) {
      std::vector<std::size_t> plan;
      for (auto i : graph.topological_order()) {
        if (std::binary_search(targets.begin(), targets.end(), i)) {
          plan.push_back(i);
        }
      }
      return plan;
    }
    return m_options.downstream ? graph.with_downstream(targets)
                                : graph.with_upstream(targets);
  }

  void
  tell(ReproEvent event) const
  {
    if (m_options.events) {
      m_options.events(event);
    }
  }

  void
  tell(Kind kind, const std::string& stage, std::string text = "") const
  {
    tell(ReproEvent{kind, stage, std::move(text), {}, {}, {}});
  }

  void
  outcome(std::size_t i, Status status, std::string reason = "")
  {
    m_result.stages.push_back({stage(i).address, status, std::move(reason)});
  }

  bool
  failed(std::size_t i) const override
  {
    return m_failed[i];
  }

  // What decide() needs for stage i, read from the workspace and the lock
  // file. `upstream_runs`: in --dry, an upstream stage that would run (its
  // inputs are then not read). `expected`: in --dry, the outputs that
  // upstream stages would restore, by path from the root; they stand in
  // for what the workspace has now.
  struct Evaluation
  {
    StageInputs inputs;
    const LockedStage* locked = nullptr;
    StageSituation situation;
  };

  Evaluation
  evaluate(std::size_t i,
           const std::string& upstream_runs = "",
           const std::map<std::string, track::PointerFile>* expected = nullptr)
  {
    const Stage& s = stage(i);
    Evaluation e;
    auto& situation = e.situation;
    situation.frozen = s.frozen;
    situation.force = m_options.force;
    situation.allow_missing = m_options.allow_missing;
    situation.upstream_runs = upstream_runs;
    situation.run_cache_applies =
        !m_options.no_run_cache && !s.always_changed && !s.outs.empty();
    e.locked = m_locks.find(s);
    if (s.frozen || !upstream_runs.empty()) {
      return e;
    }
    e.inputs = read_inputs(m_repo, s, m_params, m_warn);
    if (expected) {
      expect_upstream_outputs(s, e.inputs, *expected);
    }
    situation.missing_deps = !e.inputs.missing_deps.empty();
    if (!situation.missing_deps) {
      situation.changes = compare(m_repo, s, e.inputs, e.locked, m_warn);
    }
    return e;
  }

  // decide(), looking the run cache up when the answer depends on it; its
  // outputs go to `run_outs`. Fetches missing objects (repro --pull) only
  // when `fetch` says so.
  StageDecision
  decide_stage(const Stage& s,
               Evaluation& e,
               std::optional<std::vector<track::PointerFile>>& run_outs,
               bool fetch)
  {
    auto decision = decide(e.situation);
    if (decision.look_up_run_cache) {
      run_outs = look_up_run_cache(s, e.inputs, fetch);
      e.situation.run_cache = run_outs ? RunCacheMatch::found : RunCacheMatch::none;
      decision = decide(e.situation);
    }
    return decision;
  }

  // Decides what a ready stage needs. Returns the started process when it
  // runs; otherwise the stage is settled here (skipped, restored, failed).
  // A stage's own errors (trove::Error, and std::exception from the
  // standard library, such as a std::filesystem error naming its paths)
  // fail that stage alone, here and in command_ended(); anything else
  // unwinds through the scheduler, which kills the running commands.
  std::unique_ptr<core::ShellProcess>
  begin(std::size_t i) override
  {
    const Stage& s = stage(i);
    try {
      if (!s.frozen) {
        check_outputs_untracked(m_repo, s);
        record_tracked_deps(s);
      }
      auto e = evaluate(i);
      std::optional<std::vector<track::PointerFile>> run_outs;
      auto decision = decide_stage(s, e, run_outs, true);
      switch (decision.action) {
      case StageAction::frozen:
        settle_frozen(i);
        return nullptr;
      case StageAction::skip:
        tell(Kind::skipped, s.address);
        outcome(i, Status::skipped);
        return nullptr;
      case StageAction::skip_missing_deps:
        tell(Kind::skipped_missing_deps, s.address);
        outcome(i, Status::skipped, decision.reason);
        return nullptr;
      case StageAction::fail_missing_deps:
        throw Error(missing_dep_message(s, e.inputs));
      case StageAction::skip_missing_outs:
        tell(Kind::skipped_missing_outs, s.address);
        outcome(i, Status::skipped, decision.reason);
        return nullptr;
      case StageAction::check_out:
        restore_outputs(m_repo, s, e.locked->outs, m_warn);
        tell(Kind::checked_out, s.address);
        m_any_work = true;
        outcome(i, Status::restored, decision.reason);
        return nullptr;
      case StageAction::restore_run_cache:
        m_any_work = true;
        if (restore_from_run_cache(s, e.inputs, *run_outs)) {
          outcome(i, Status::restored, "run cache");
          return nullptr;
        }
        break; // runs the command instead
      case StageAction::run:
        break;
      }
      m_any_work = true;
      clear_outputs(m_repo, s, m_warn);
      tell(Kind::running, s.address);
      auto& r = m_running[i] = Running{i, std::move(e.inputs), 0};
      m_reasons[i] = decision.reason;
      return start_command(r);
    } catch (const std::exception& e) {
      m_running.erase(i);
      fail(i, e.what());
      return nullptr;
    }
  }

  static std::string
  missing_dep_message(const Stage& s, const StageInputs& inputs)
  {
    return "dependency '" + inputs.missing_deps.front() + "' of stage '" + s.address +
           "' does not exist";
  }

  // --dry: the deps that upstream stages would restore take the content
  // they would have.
  static void
  expect_upstream_outputs(const Stage& s,
                          StageInputs& inputs,
                          const std::map<std::string, track::PointerFile>& expected)
  {
    std::vector<track::PointerFile> deps;
    std::vector<std::string> missing;
    for (const auto& dep : s.deps) {
      if (auto it = expected.find(s.path_from_root(dep)); it != expected.end()) {
        deps.push_back(it->second);
        deps.back().out_path = dep;
      } else if (const auto* now = find_entry(inputs.deps, dep)) {
        deps.push_back(*now);
      } else {
        missing.push_back(dep);
      }
    }
    inputs.deps = std::move(deps);
    inputs.missing_deps = std::move(missing);
  }

  // A dep tracked with `trove add` (it has X.trove) that changed is
  // re-recorded in its pointer file, as DVC does for .dvc files.
  void
  record_tracked_deps(const Stage& s)
  {
    std::vector<fs::path> tracked;
    for (const auto& dep : s.deps) {
      std::string path = s.path_from_root(dep);
      std::error_code ec;
      if (fs::is_regular_file(
              m_repo.absolute(path + std::string(track::k_pointer_suffix)), ec)) {
        tracked.push_back(m_repo.absolute(path));
      }
    }
    if (tracked.empty()) {
      return;
    }
    for (const auto& added : track::commit(m_repo, tracked, m_warn)) {
      if (added.changed) {
        tell(ReproEvent{
            Kind::dep_recorded, s.address, "", {}, added.pointer_path, added.path});
      }
    }
  }

  void
  fail(std::size_t i, const std::string& message)
  {
    outcome(i, Status::failed, message);
    m_failed[i] = true;
    m_any_work = true;
  }

  // A frozen stage never runs; its outputs are still restored when they are
  // missing and cached.
  void
  settle_frozen(std::size_t i)
  {
    const Stage& s = stage(i);
    const LockedStage* locked = m_locks.find(s);
    for (const auto& out : s.outs) {
      std::error_code ec;
      if (fs::exists(m_repo.absolute(s.path_from_root(out.path)), ec)) {
        continue;
      }
      const auto* recorded = locked ? locked->out(out.path) : nullptr;
      if (!recorded || !m_repo.store().contains(recorded->id)) {
        throw Error("stage '" + s.address + "' is frozen and its output '" + out.path +
                    "' is missing and not in the cache");
      }
    }
    if (locked) {
      restore_outputs(m_repo, s, locked->outs, m_warn);
    }
    tell(Kind::frozen, s.address);
    outcome(i, Status::frozen);
  }

  // The outputs of an earlier run with these inputs, when the cache holds
  // (or, with `fetch`, could fetch) all their objects.
  std::optional<std::vector<track::PointerFile>>
  look_up_run_cache(const Stage& s, const StageInputs& inputs, bool fetch)
  {
    auto key = RunCache::key(s, locked_stage(s, inputs, {}));
    auto outs = m_run_cache.lookup(key);
    if (!outs || outs->size() != s.outs.size() || !in_cache(*outs, fetch)) {
      return std::nullopt;
    }
    return outs;
  }

  // False (with a warning) when the outputs could not be restored: the
  // stage runs instead.
  bool
  restore_from_run_cache(const Stage& s,
                         const StageInputs& inputs,
                         const std::vector<track::PointerFile>& outs)
  {
    try {
      restore_outputs(m_repo, s, outs, m_warn);
    } catch (const std::exception& e) {
      m_warn("could not restore '" + s.address + "' from the run cache: " + e.what());
      return false;
    }
    record(s, inputs, outs);
    tell(Kind::restored_run_cache, s.address);
    return true;
  }

  // Whether the cache holds every object of `outs`, once fetched from the
  // remote (repro --pull) when it does not.
  bool
  in_cache(const std::vector<track::PointerFile>& outs, bool fetch)
  {
    std::vector<track::PointerFile> absent;
    for (const auto& out : outs) {
      if (!m_repo.store().contains(out.id)) {
        absent.push_back(out);
      }
    }
    if (!absent.empty() && fetch && m_options.fetch) {
      try {
        m_options.fetch(absent);
      } catch (const Error& e) {
        m_warn(e.what());
      }
    }
    for (const auto& out : absent) {
      if (!m_repo.store().contains(out.id)) {
        return false;
      }
    }
    return true;
  }

  std::unique_ptr<core::ShellProcess>
  start_command(Running& r)
  {
    const Stage& s = stage(r.stage);
    const std::string& command = s.cmd[r.command++];
    tell(Kind::command, s.address, command);
    core::ShellProcess::Options options;
    options.directory = m_repo.absolute(s.wdir);
    options.environment = {{"TROVE_ROOT", m_repo.root().string()},
                           {"TROVE_STAGE", s.address}};
    if (m_options.jobs > 1) {
      options.line_prefix = "[" + s.address + "] ";
    }
    options.stdout_to_stderr = m_options.commands_stdout_to_stderr;
    return std::make_unique<core::ShellProcess>(command, options);
  }

  std::unique_ptr<core::ShellProcess>
  command_ended(std::size_t i, int code, bool interrupted) override
  {
    auto& r = m_running.at(i);
    bool ok = finish_command(r, code);
    if (ok && r.command < stage(i).cmd.size()) {
      if (interrupted) {
        fail(i, "stage '" + stage(i).address + "' was interrupted");
      } else if (auto next = start_next_command(r)) {
        return next;
      }
    }
    if (!m_failed[i]) {
      complete(r);
    }
    m_running.erase(i);
    return nullptr;
  }

  // The next command of a list; null (the stage failed) when it cannot start.
  std::unique_ptr<core::ShellProcess>
  start_next_command(Running& r)
  {
    try {
      return start_command(r);
    } catch (const std::exception& e) {
      fail(r.stage, e.what());
      return nullptr;
    }
  }

  bool
  finish_command(Running& r, int code)
  {
    if (code == 0) {
      return true;
    }
    const Stage& s = stage(r.stage);
    std::string why = code > 128 ? "was stopped by signal " + std::to_string(code - 128)
                                 : "failed with exit code " + std::to_string(code);
    fail(r.stage, "stage '" + s.address + "' " + why);
    return false;
  }

  // After a successful run: every output must exist; outputs go into the
  // cache and the stage's entry into the lock file right away.
  bool
  complete(Running& r)
  {
    const Stage& s = stage(r.stage);
    try {
      auto outs = store_outputs(m_repo, s, m_warn);
      record(s, r.inputs, outs);
      outcome(r.stage, Status::ran, m_reasons[r.stage]);
      return true;
    } catch (const std::exception& e) {
      fail(r.stage, e.what());
      return false;
    }
  }

  void
  record(const Stage& s,
         const StageInputs& inputs,
         const std::vector<track::PointerFile>& outs)
  {
    auto entry = locked_stage(s, inputs, outs);
    if (!s.outs.empty() && !s.always_changed) {
      m_run_cache.record(RunCache::key(s, locked_stage(s, inputs, {})), outs);
    }
    auto& lock = m_locks.of(s);
    lock.set(s.name, std::move(entry));
    lock.save();
  }

  // --dry: what each stage would do and why, in order, doing nothing. It
  // asks decide() as a run does; a stage downstream of one that would run
  // is assumed to run too, and the outputs a stage would restore stand in
  // for the workspace's.
  void
  dry_run(const std::vector<std::size_t>& plan)
  {
    std::vector<bool> runs(m_project.graph.stages().size(), false);
    std::map<std::string, track::PointerFile> expected;
    auto will_have = [&](const Stage& s, const std::vector<track::PointerFile>& entries) {
      for (const auto& out : s.outs) {
        if (const auto* entry = find_entry(entries, out.path)) {
          expected[s.path_from_root(out.path)] = *entry;
        }
      }
    };
    for (auto i : plan) {
      const Stage& s = stage(i);
      std::string upstream_runs;
      for (auto up : m_project.graph.upstream(i)) {
        if (runs[up]) {
          upstream_runs = stage(up).address;
        }
      }
      Evaluation e;
      StageDecision decision;
      std::optional<std::vector<track::PointerFile>> run_outs;
      try {
        e = evaluate(i, upstream_runs, &expected);
        decision = decide_stage(s, e, run_outs, false);
      } catch (const Error& error) {
        decision = {StageAction::run, error.what(), false};
      }
      switch (decision.action) {
      case StageAction::frozen:
        tell(Kind::frozen, s.address);
        outcome(i, Status::frozen);
        if (e.locked) {
          will_have(s, e.locked->outs);
        }
        break;
      case StageAction::skip:
        tell(Kind::skipped, s.address);
        outcome(i, Status::skipped);
        break;
      case StageAction::skip_missing_deps:
        tell(Kind::skipped_missing_deps, s.address);
        outcome(i, Status::skipped, decision.reason);
        break;
      case StageAction::skip_missing_outs:
        tell(Kind::skipped_missing_outs, s.address);
        outcome(i, Status::skipped, decision.reason);
        break;
      case StageAction::fail_missing_deps: {
        auto message = missing_dep_message(s, e.inputs);
        tell(Kind::would_fail, s.address, message);
        outcome(i, Status::not_run, message);
        break;
      }
      case StageAction::check_out:
        tell(Kind::would_check_out, s.address);
        outcome(i, Status::not_run, "outputs would be checked out from the cache");
        will_have(s, e.locked->outs);
        break;
      case StageAction::restore_run_cache:
        tell(Kind::would_restore_run_cache, s.address, decision.reason);
        outcome(i, Status::not_run, "would be restored from the run cache");
        will_have(s, *run_outs);
        break;
      case StageAction::run:
        runs[i] = true;
        tell(ReproEvent{Kind::would_run, s.address, decision.reason, s.cmd, {}, {}});
        outcome(i, Status::not_run, decision.reason);
        break;
      }
    }
  }

  track::Repository& m_repo;
  const ReproOptions& m_options;
  const track::Warn& m_warn;
  Project m_project;
  ParamsReader m_params;
  RunCache m_run_cache;
  LockFiles m_locks;
  std::map<std::size_t, std::string> m_reasons;
  std::map<std::size_t, Running> m_running;
  ReproResult m_result;
  std::vector<bool> m_failed; // by stage index, set by fail()
  bool m_any_work = false;
};

} // namespace

bool
ReproResult::failed() const
{
  for (const auto& stage : stages) {
    if (stage.status == StageOutcome::Status::failed) {
      return true;
    }
  }
  return false;
}

std::string_view
to_string(StageOutcome::Status status)
{
  switch (status) {
  case StageOutcome::Status::ran:
    return "ran";
  case StageOutcome::Status::skipped:
    return "skipped";
  case StageOutcome::Status::restored:
    return "restored";
  case StageOutcome::Status::failed:
    return "failed";
  case StageOutcome::Status::frozen:
    return "frozen";
  case StageOutcome::Status::not_run:
    return "not run";
  }
  return "";
}

ReproResult
repro(track::Repository& repo, const ReproOptions& options, const track::Warn& warn)
{
  return Reproducer(repo, options, warn).run();
}

} // namespace trove::pipeline
