#include <trove/pipeline/graph.hpp>

#include <trove/core/error.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

namespace trove::pipeline {

namespace {

bool
is_inside(const std::string& path, const std::string& dir)
{
  return dir.empty() ||
         (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
          path[dir.size()] == '/');
}

} // namespace

Graph::Graph(std::vector<Stage> stages)
    : m_stages(std::move(stages)), m_upstream(m_stages.size()),
      m_downstream(m_stages.size())
{
  for (std::size_t i = 0; i < m_stages.size(); ++i) {
    for (const auto& out : m_stages[i].outs) {
      m_outs.emplace_back(m_stages[i].path_from_root(out.path), i);
    }
  }
  std::sort(m_outs.begin(), m_outs.end());
  check_outputs();
  link();
  order_stages();
}

void
Graph::check_outputs()
{
  std::unordered_map<std::string, std::size_t> owner;
  for (const auto& [path, stage] : m_outs) {
    auto [it, inserted] = owner.emplace(path, stage);
    if (!inserted) {
      const auto& first = m_stages[it->second];
      throw Error(m_stages[stage].position + ": output '" + path + "' of stage '" +
                  m_stages[stage].address + "' is already an output of stage '" +
                  first.address + "' (" + first.position + ")");
    }
  }
  for (const auto& [path, stage] : m_outs) {
    for (auto parent = fs::path(path).parent_path(); !parent.empty();
         parent = parent.parent_path()) {
      if (auto it = owner.find(parent.generic_string()); it != owner.end()) {
        throw Error(m_stages[stage].position + ": output '" + path + "' of stage '" +
                    m_stages[stage].address + "' is inside output '" + it->first +
                    "' of stage '" + m_stages[it->second].address + "'");
      }
    }
  }
}

void
Graph::link()
{
  std::unordered_map<std::string, std::size_t> owner(m_outs.begin(), m_outs.end());
  std::set<std::pair<std::size_t, std::size_t>> edges;
  for (std::size_t down = 0; down < m_stages.size(); ++down) {
    for (const auto& dep : m_stages[down].deps) {
      std::string path = m_stages[down].path_from_root(dep);
      // An out that is the dep or one of its parent directories.
      for (fs::path part = path; !part.empty(); part = part.parent_path()) {
        if (auto it = owner.find(part.generic_string()); it != owner.end()) {
          edges.emplace(it->second, down);
        }
      }
      // Outs inside a dep directory.
      auto it = std::lower_bound(m_outs.begin(), m_outs.end(),
                                 std::make_pair(path + "/", std::size_t(0)));
      for (; it != m_outs.end() && is_inside(it->first, path); ++it) {
        edges.emplace(it->second, down);
      }
    }
  }
  m_edges.assign(edges.begin(), edges.end());
  for (const auto& [up, down] : m_edges) {
    m_upstream[down].push_back(up);
    m_downstream[up].push_back(down);
  }
}

void
Graph::order_stages()
{
  // Kahn's algorithm; what remains lies on or behind a cycle.
  std::vector<std::size_t> waiting(m_stages.size());
  std::vector<std::size_t> ready;
  for (std::size_t i = 0; i < m_stages.size(); ++i) {
    waiting[i] = m_upstream[i].size();
    if (waiting[i] == 0) {
      ready.push_back(i);
    }
  }
  auto& order = m_order;
  for (std::size_t next = 0; next < ready.size(); ++next) {
    order.push_back(ready[next]);
    for (auto down : m_downstream[ready[next]]) {
      if (--waiting[down] == 0) {
        ready.push_back(down);
      }
    }
  }
  if (order.size() == m_stages.size()) {
    return;
  }
  // Walk upstream from a stuck stage until a stage repeats: that is a cycle.
  std::size_t at = 0;
  while (waiting[at] == 0) {
    ++at;
  }
  std::vector<std::size_t> path;
  std::vector<int> seen_at(m_stages.size(), -1);
  while (seen_at[at] < 0) {
    seen_at[at] = int(path.size());
    path.push_back(at);
    for (auto up : m_upstream[at]) {
      if (waiting[up] > 0) {
        at = up;
        break;
      }
    }
  }
  // path[seen_at[at]..] walks upstream around the cycle; print it downstream.
  std::string cycle;
  for (std::size_t i = path.size(); i-- > std::size_t(seen_at[at]);) {
    cycle += m_stages[path[i]].address + " -> ";
  }
  cycle += m_stages[path.back()].address;
  throw Error(m_stages[at].position + ": the pipeline has a cycle: " + cycle);
}

std::optional<std::size_t>
Graph::find(const std::string& name) const
{
  for (std::size_t i = 0; i < m_stages.size(); ++i) {
    if (m_stages[i].address == name) {
      return i;
    }
  }
  for (std::size_t i = 0; i < m_stages.size(); ++i) {
    if (m_stages[i].name == name) {
      return i;
    }
  }
  return std::nullopt;
}

std::optional<std::size_t>
Graph::producer(const std::string& path) const
{
  auto it = std::lower_bound(m_outs.begin(), m_outs.end(),
                             std::make_pair(path, std::size_t(0)));
  if (it != m_outs.end() && it->first == path) {
    return it->second;
  }
  return std::nullopt;
}

std::optional<std::size_t>
Graph::output_overlapping(const std::string& path) const
{
  for (fs::path part = path; !part.empty(); part = part.parent_path()) {
    if (auto stage = producer(part.generic_string())) {
      return stage;
    }
  }
  auto it = std::lower_bound(m_outs.begin(), m_outs.end(),
                             std::make_pair(path + "/", std::size_t(0)));
  if (it != m_outs.end() && is_inside(it->first, path)) {
    return it->second;
  }
  return std::nullopt;
}

std::vector<std::size_t>
Graph::closure(const std::vector<std::size_t>& targets, bool up) const
{
  std::vector<bool> chosen(m_stages.size(), false);
  std::vector<std::size_t> pending = targets;
  while (!pending.empty()) {
    auto stage = pending.back();
    pending.pop_back();
    if (chosen[stage]) {
      continue;
    }
    chosen[stage] = true;
    for (auto next : up ? m_upstream[stage] : m_downstream[stage]) {
      pending.push_back(next);
    }
  }
  std::vector<std::size_t> result;
  for (auto stage : m_order) {
    if (chosen[stage]) {
      result.push_back(stage);
    }
  }
  return result;
}

std::vector<std::size_t>
Graph::with_upstream(const std::vector<std::size_t>& targets) const
{
  return closure(targets, true);
}

std::vector<std::size_t>
Graph::with_downstream(const std::vector<std::size_t>& targets) const
{
  return closure(targets, false);
}

} // namespace trove::pipeline
