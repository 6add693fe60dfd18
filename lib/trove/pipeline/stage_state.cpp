#include <trove/pipeline/stage_state.hpp>

#include <trove/track/status.hpp>

#include <algorithm>

namespace trove::pipeline {

namespace {

bool
same_content(const track::PointerFile& a, const track::PointerFile& b)
{
  return a.id == b.id;
}

void
compare_params(const ParamValues& now,
               const ParamValues& then,
               std::vector<std::string>& changed)
{
  for (const auto& [file, values] : now) {
    auto recorded = then.find(file);
    for (const auto& [key, value] : values) {
      if (recorded == then.end() || !recorded->second.count(key) ||
          !same_value(recorded->second.at(key), value)) {
        changed.push_back(key);
      }
    }
    if (recorded != then.end()) {
      for (const auto& [key, value] : recorded->second) {
        if (!values.count(key)) {
          changed.push_back(key); // no longer used
        }
      }
    }
  }
  for (const auto& [file, values] : then) {
    if (!now.count(file)) {
      for (const auto& [key, value] : values) {
        changed.push_back(key);
      }
    }
  }
}

std::string
joined(const std::vector<std::string>& items)
{
  std::string text;
  for (const auto& item : items) {
    text += (text.empty() ? "" : ", ") + item;
  }
  return text;
}

} // namespace

StageInputs
read_inputs(track::Repository& repo,
            const Stage& stage,
            ParamsReader& params,
            const track::Warn& warn)
{
  StageInputs inputs;
  for (const auto& dep : stage.deps) {
    auto state = track::describe_path(repo, stage.path_from_root(dep), warn);
    if (!state) {
      inputs.missing_deps.push_back(dep);
      continue;
    }
    state->out_path = dep;
    inputs.deps.push_back(std::move(*state));
  }
  inputs.params = params.values_for(stage);
  return inputs;
}

StageChanges
compare(track::Repository& repo,
        const Stage& stage,
        const StageInputs& inputs,
        const LockedStage* locked,
        const track::Warn& warn)
{
  StageChanges changes;
  // As DVC's callback stages: params count as dependencies.
  changes.always = stage.always_changed ||
                   (stage.deps.empty() && stage.params.empty() && stage.outs.empty());
  changes.deps = inputs.missing_deps;
  if (!locked) {
    changes.never_ran = true;
    return changes;
  }
  changes.command = locked->cmd != stage.cmd;
  for (const auto& dep : inputs.deps) {
    const auto* recorded = locked->dep(dep.out_path);
    if (!recorded || !same_content(*recorded, dep)) {
      changes.deps.push_back(dep.out_path);
    }
  }
  for (const auto& recorded : locked->deps) {
    if (std::find(stage.deps.begin(), stage.deps.end(), recorded.out_path) ==
        stage.deps.end()) {
      changes.deps.push_back(recorded.out_path); // no longer a dep
    }
  }
  compare_params(inputs.params, locked->params, changes.params);
  compare_outputs(repo, stage, *locked, warn, changes);
  return changes;
}

void
compare_outputs(track::Repository& repo,
                const Stage& stage,
                const LockedStage& locked,
                const track::Warn& warn,
                StageChanges& changes)
{
  for (const auto& out : stage.outs) {
    const auto* recorded = locked.out(out.path);
    auto now = track::describe_path(repo, stage.path_from_root(out.path), warn);
    if (recorded && now && same_content(*recorded, *now)) {
      continue;
    }
    changes.outs.push_back(out.path);
    if (!recorded || !out.cache || out.persist || !repo.store().contains(recorded->id)) {
      changes.outs_not_cached.push_back(out.path);
    }
  }
}

std::string
StageChanges::describe() const
{
  std::vector<std::string> parts;
  if (never_ran) {
    parts.push_back("not in the lock file (never run)");
  }
  if (command) {
    parts.push_back("changed command");
  }
  if (!deps.empty()) {
    parts.push_back("changed deps: " + joined(deps));
  }
  if (!params.empty()) {
    parts.push_back("changed params: " + joined(params));
  }
  if (!outs.empty() && !never_ran) {
    parts.push_back("changed outs: " + joined(outs));
  }
  if (always && parts.empty()) {
    parts.push_back("always changed");
  }
  std::string text;
  for (const auto& part : parts) {
    text += (text.empty() ? "" : "; ") + part;
  }
  return text;
}

LockedStage
locked_stage(const Stage& stage,
             const StageInputs& inputs,
             std::vector<track::PointerFile> outs)
{
  LockedStage locked;
  locked.cmd = stage.cmd;
  locked.cmd_is_list = stage.cmd_is_list;
  locked.deps = inputs.deps;
  locked.params = inputs.params;
  locked.outs = std::move(outs);
  return locked;
}

} // namespace trove::pipeline
