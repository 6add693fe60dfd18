#pragma once

#include <trove/pipeline/pipeline_file.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace trove::pipeline {

// The stages of one or more pipeline files and the edges between them: a
// stage depends on another when one of its deps is, contains or lies inside
// one of the other's outs.
class Graph
{
public:
  // Checks that no output is claimed twice or lies inside another and that
  // there is no cycle; errors name the stages and positions.
  explicit Graph(std::vector<Stage> stages);

  const std::vector<Stage>&
  stages() const
  {
    return m_stages;
  }
  // [upstream, downstream] index pairs, sorted.
  const std::vector<std::pair<std::size_t, std::size_t>>&
  edges() const
  {
    return m_edges;
  }
  const std::vector<std::size_t>&
  upstream(std::size_t stage) const
  {
    return m_upstream[stage];
  }
  const std::vector<std::size_t>&
  downstream(std::size_t stage) const
  {
    return m_downstream[stage];
  }

  // The stage whose address or name is `name`, if any.
  std::optional<std::size_t> find(const std::string& name) const;
  // The stage that outputs `path` (relative to the root), exactly.
  std::optional<std::size_t> producer(const std::string& path) const;
  // A stage with an output that is `path`, contains it or lies inside it.
  std::optional<std::size_t> output_overlapping(const std::string& path) const;

  // Stage indices in an order where every stage follows its upstream.
  const std::vector<std::size_t>&
  topological_order() const
  {
    return m_order;
  }
  // `targets` and everything upstream of them (or downstream), in order.
  std::vector<std::size_t> with_upstream(const std::vector<std::size_t>& targets) const;
  std::vector<std::size_t> with_downstream(const std::vector<std::size_t>& targets) const;

private:
  void link();
  void check_outputs();
  // Fills m_order; a cycle is an error that lists it.
  void order_stages();
  std::vector<std::size_t> closure(const std::vector<std::size_t>& targets,
                                   bool up) const;

  std::vector<Stage> m_stages;
  std::vector<std::pair<std::string, std::size_t>> m_outs; // sorted by path
  std::vector<std::pair<std::size_t, std::size_t>> m_edges;
  std::vector<std::vector<std::size_t>> m_upstream;
  std::vector<std::vector<std::size_t>> m_downstream;
  std::vector<std::size_t> m_order;
};

} // namespace trove::pipeline
